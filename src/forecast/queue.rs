//! The per-queue unit of work: [`forecast_queue`] forecasts one queue's series on a
//! [`TimeGrid`], the piece that parallel (rayon) and distributed (Spark `applyInPandas`) runs
//! split the work into. [`crate::forecast::forecast`] is this, queue by queue, on a whole
//! [`History`].

use super::calendar::{Adjustment, Calendar};
use super::history::History;
use super::pipeline::{origin_and_horizon, run_queue};
use super::{ForecastError, ForecastOptions, ForecastOutput, ForecastRow, QueueSummary, RankEntry};
use crate::model::{Demand, Forecast, Panel, QueueId, TimeGrid};
use rayon::prelude::*;

/// One queue's forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueForecast {
    /// The queue.
    pub queue: QueueId,
    /// The forecast's grid: from the origin, the horizon's intervals.
    pub grid: TimeGrid,
    /// One cell per interval of `grid` (closed intervals of the open-hours template: zeros).
    pub cells: Vec<Forecast>,
    /// Whether each interval is open in the queue's open-hours template.
    pub open: Vec<bool>,
    /// The model used (`ensemble(…)` for a combination).
    pub model: String,
    /// Inner-backtest ranking, best first.
    pub ranking: Vec<RankEntry>,
    /// Inner origins used for ranking and intervals.
    pub inner_origins: usize,
    /// Special days of the horizon whose effect class has no past occurrence in the history.
    pub warnings: Vec<String>,
}

/// Forecasts one queue from its series: `history[t]` is the demand of interval `t` of `grid`
/// (an intraday grid; `None` = no data: a day without any value is missing, an interval
/// without a value inside a day that has values is closed). Options as for
/// [`crate::forecast::forecast`]; the origin defaults to the end of `grid`.
///
/// # Errors
/// [`ForecastError::BadSeries`] when `history` does not match `grid` or holds negative or
/// non-finite values; otherwise as [`crate::forecast::forecast`].
pub fn forecast_queue(
    queue: &QueueId,
    history: &[Option<Demand>],
    grid: &TimeGrid,
    calendar: Option<&Calendar>,
    options: &ForecastOptions,
) -> Result<QueueForecast, ForecastError> {
    if history.len() != grid.len() {
        return Err(ForecastError::BadSeries {
            queue: queue.to_string(),
            reason: "the series must have one value per interval of the grid",
        });
    }
    let panel = Panel::from_cells(vec![queue.clone()], *grid, history.to_vec()).map_err(|_| {
        ForecastError::BadSeries {
            queue: queue.to_string(),
            reason: "the series does not fit the grid",
        }
    })?;
    let h = History::from_panel(panel)?;
    let start = options.start.or(Some(grid.end()));
    run_one(
        &h,
        0,
        calendar,
        &ForecastOptions {
            start,
            ..options.clone()
        },
    )
}

/// Forecasts queue `q` of `history`.
pub(crate) fn run_one(
    history: &History,
    q: usize,
    calendar: Option<&Calendar>,
    options: &ForecastOptions,
) -> Result<QueueForecast, ForecastError> {
    let (origin, horizon) = origin_and_horizon(history, options.start, options.horizon_secs)?;
    let qh = &history.queues()[q];
    // A start after the end of the history: forecast from the end through the gap and keep the
    // horizon (the models predict the steps that follow their data, so the weekdays line up).
    let gap = origin.saturating_sub(history.len());
    let mut run = run_queue(
        history,
        qh,
        calendar,
        origin - gap,
        horizon + gap,
        &options.model,
        &options.inner,
    )?;
    if gap > 0 {
        run.forecast.drain(..gap);
        run.bounds.drain(..gap);
        run.open.drain(..gap);
        if let Some(a) = run.aht.as_mut() {
            a.drain(..gap);
        }
        run.day_ahead = None;
    }
    let cells = (0..horizon)
        .map(|t| {
            let b = run.bounds[t];
            Forecast {
                offered: run.forecast[t],
                lo80: b.lo80,
                hi80: b.hi80,
                lo95: b.lo95,
                hi95: b.hi95,
                aht_secs: run.aht.as_ref().map(|a| a[t]),
            }
        })
        .collect();
    let step = history.step();
    let grid = TimeGrid::new(
        history.timestamp(origin),
        crate::model::Grain::Interval(step),
        horizon,
    )
    .expect("an origin on the history's grid");
    Ok(QueueForecast {
        queue: history.panel().queues()[q].clone(),
        grid,
        cells,
        open: run.open,
        model: run.model,
        ranking: run.ranking,
        inner_origins: run.inner_origins,
        warnings: run.warnings,
    })
}

/// Every queue of `history`, one [`run_one`] each (library side of `wfm forecast`).
pub(crate) fn forecast_all(
    history: &History,
    calendar: Option<&Calendar>,
    options: &ForecastOptions,
) -> Result<ForecastOutput, ForecastError> {
    let (origin, _) = origin_and_horizon(history, options.start, options.horizon_secs)?;
    let mut rows = Vec::new();
    let mut queues = Vec::new();
    let mut cells = Vec::new();
    let mut grid = None;
    let mut warnings = Vec::new();
    // Queues are independent: forecast them in parallel, then assemble in queue order (the
    // first failing queue in that order is reported, whatever the thread count).
    let runs: Vec<Result<QueueForecast, ForecastError>> = (0..history.queues().len())
        .into_par_iter()
        .map(|q| run_one(history, q, calendar, options))
        .collect();
    for run in runs {
        let run = run?;
        for (t, c) in run.cells.iter().enumerate() {
            if !run.open[t] {
                continue;
            }
            rows.push(ForecastRow {
                interval_start: run.grid.timestamp(t),
                queue: run.queue.to_string(),
                forecast: c.offered,
                lo80: c.lo80,
                hi80: c.hi80,
                lo95: c.lo95,
                hi95: c.hi95,
                aht_forecast_secs: c.aht_secs,
                model: run.model.clone(),
                utc_offset_secs: None,
            });
        }
        cells.extend(run.cells);
        warnings.extend(run.warnings);
        grid = Some(run.grid);
        queues.push(QueueSummary {
            queue: run.queue.to_string(),
            model: run.model,
            ranking: run.ranking,
            inner_origins: run.inner_origins,
        });
    }
    rows.sort_by(|a, b| (a.interval_start, &a.queue).cmp(&(b.interval_start, &b.queue)));
    let grid = grid.expect("a history has queues");
    let panel = Panel::from_cells(history.panel().queues().to_vec(), grid, cells)
        .expect("one cell per queue × forecast interval");
    Ok(ForecastOutput {
        origin: history.timestamp(origin),
        horizon_secs: options.horizon_secs,
        rows,
        queues,
        panel,
        adjustments: applied_adjustments(calendar, &grid),
        warnings,
    })
}

/// The calendar's adjustments that fall inside the forecast's grid, by date.
fn applied_adjustments(calendar: Option<&Calendar>, grid: &TimeGrid) -> Vec<Adjustment> {
    let (first, last) = (
        grid.start().date(),
        grid.timestamp(grid.len().max(1) - 1).date(),
    );
    let mut out: Vec<Adjustment> = calendar
        .map(|c| c.adjustments())
        .unwrap_or(&[])
        .iter()
        .filter(|a| (first..=last).contains(&a.date))
        .cloned()
        .collect();
    out.sort_by(|a, b| (a.date, &a.queue).cmp(&(b.date, &b.queue)));
    out
}
