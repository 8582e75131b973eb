//! The per-queue unit of work: [`forecast_queue`] forecasts one queue's series on a
//! [`TimeGrid`], the piece that parallel (rayon) and distributed (Spark `applyInPandas`) runs
//! split the work into. [`crate::forecast::forecast`] is this, queue by queue, on a whole
//! [`History`].

use super::calendar::{Adjustment, Calendar};
use super::history::History;
use super::opday::{relabel, run_queues_on_day};
use super::pipeline::origin_and_horizon;
use super::pipeline::QueueRun;
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
    /// AHT 80 % and 95 % bounds per interval of `grid` (`[lo80, hi80, lo95, hi95]`, seconds);
    /// empty when the history has no AHT or too little to calibrate them.
    pub aht_bounds: Vec<[f64; 4]>,
    /// The AHT estimator used (`None` without AHT in the history).
    pub aht_model: Option<String>,
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
    let options = ForecastOptions {
        start,
        ..options.clone()
    };
    run_all(&h, calendar, &options)?.pop().expect("one queue")
}

/// Every queue of `history` on the operational day of `options` at its origin, in queue order.
fn run_all(
    history: &History,
    calendar: Option<&Calendar>,
    options: &ForecastOptions,
) -> Result<Vec<Result<QueueForecast, ForecastError>>, ForecastError> {
    let (origin, horizon) = origin_and_horizon(history, options.start, options.horizon_secs)?;
    // A start after the end of the history: forecast from the end through the gap and keep the
    // horizon (the models predict the steps that follow their data, so the weekdays line up).
    let gap = origin.saturating_sub(history.len());
    let rel = relabel(history, origin - gap, options.day_start)?;
    let runs = run_queues_on_day(
        history,
        &rel,
        calendar,
        origin - gap,
        horizon + gap,
        &options.model,
        &options.inner,
    );
    Ok(runs
        .into_iter()
        .enumerate()
        .map(|(q, (run, _))| run.map(|r| finish(history, q, r, origin, horizon, gap)))
        .collect())
}

/// Queue `q`'s forecast from its run: the gap before a start after the history dropped.
fn finish(
    history: &History,
    q: usize,
    mut run: QueueRun,
    origin: usize,
    horizon: usize,
    gap: usize,
) -> QueueForecast {
    if gap > 0 {
        run.forecast.drain(..gap);
        run.bounds.drain(..gap);
        run.open.drain(..gap);
        if let Some(a) = run.aht.as_mut() {
            a.drain(..gap);
        }
        if !run.aht_bounds.is_empty() {
            run.aht_bounds.drain(..gap);
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
    QueueForecast {
        queue: history.panel().queues()[q].clone(),
        grid,
        cells,
        open: run.open,
        model: run.model,
        ranking: run.ranking,
        inner_origins: run.inner_origins,
        warnings: run.warnings,
        aht_bounds: run
            .aht_bounds
            .iter()
            .map(|b| [b.lo80, b.hi80, b.lo95, b.hi95])
            .collect(),
        aht_model: run.aht_model.map(str::to_string),
    }
}

/// Every queue of `history`, one [`run_queues_on_day`] run each (library side of `wfm forecast`).
pub(crate) fn forecast_all(
    history: &History,
    calendar: Option<&Calendar>,
    options: &ForecastOptions,
) -> Result<ForecastOutput, ForecastError> {
    let (origin, _) = origin_and_horizon(history, options.start, options.horizon_secs)?;
    // Queues are independent: forecast in parallel, then assembled in queue order (the first
    // failing queue in that order is reported, whatever the thread count).
    let runs = run_all(history, calendar, options)?
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let grid = runs.first().expect("a history has queues").grid;
    let rows = rows_by_time(&runs);
    // The panel, queue-major, copied in parallel (every queue has one cell per interval).
    let h = grid.len();
    let cells: Vec<Forecast> = (0..runs.len() * h)
        .into_par_iter()
        .map(|i| runs[i / h].cells[i % h])
        .collect();
    let mut queues = Vec::with_capacity(runs.len());
    let mut warnings = Vec::new();
    for run in runs {
        warnings.extend(run.warnings);
        queues.push(QueueSummary {
            queue: run.queue.to_string(),
            model: run.model,
            ranking: run.ranking,
            inner_origins: run.inner_origins,
            aht_model: run.aht_model,
        });
    }
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

/// The rows of the open intervals, by interval start then queue name. Every queue is forecast
/// on the same grid, so that order is interval by interval, queues by name: the `(interval,
/// queue)` pairs are listed in it directly (no sort of the rows) and the rows are then built
/// in parallel, each in its place.
fn rows_by_time(runs: &[QueueForecast]) -> Vec<ForecastRow> {
    let mut by_name: Vec<usize> = (0..runs.len()).collect();
    by_name.sort_by(|&a, &b| runs[a].queue.cmp(&runs[b].queue));
    let h = runs.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let mut open: Vec<(usize, usize)> = (0..h)
        .flat_map(|t| by_name.iter().map(move |&q| (t, q)))
        .filter(|&(t, q)| runs[q].open.get(t).copied().unwrap_or(false))
        .collect();
    if runs.windows(2).any(|w| w[0].grid != w[1].grid) {
        // Not reached by `forecast_all` (one origin and horizon for every queue); kept so that
        // the order stays right if grids ever differ.
        open.sort_by(|&(t, q), &(u, r)| {
            (runs[q].grid.timestamp(t), &runs[q].queue)
                .cmp(&(runs[r].grid.timestamp(u), &runs[r].queue))
        });
    }
    open.par_iter()
        .map(|&(t, q)| {
            let run = &runs[q];
            let c = &run.cells[t];
            ForecastRow {
                interval_start: run.grid.timestamp(t),
                queue: run.queue.as_str().to_owned(),
                forecast: c.offered,
                lo80: c.lo80,
                hi80: c.hi80,
                lo95: c.lo95,
                hi95: c.hi95,
                aht_forecast_secs: c.aht_secs,
                aht_bounds: run.aht_bounds.get(t).copied(),
                model: run.model.clone(),
                utc_offset_secs: None,
            }
        })
        .collect()
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
