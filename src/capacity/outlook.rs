//! The long-range forecast of every queue (`wfm forecast --grain week|month`) and its
//! rolling-origin backtest against the naive baselines (`wfm backtest --grain week`).

use chrono::Weekday;

use crate::capacity::demand::{period_grid, to_periods, HolidayEffects, Volume};
use crate::capacity::long_range::{forecast_series, periods_per_year, Candidate};
use crate::forecast::Calendar;
use crate::model::{Forecast, Grain, GridError, Panel, QueueId, TimeGrid};

/// Options of a long-range forecast.
#[derive(Debug, Clone, Copy)]
pub struct OutlookOptions {
    /// [`Grain::Week`] or [`Grain::Month`].
    pub grain: Grain,
    /// First day of a week (weekly grain). Defaults to Monday.
    pub week_start: Weekday,
    /// Periods ahead (13–78 weeks or 3–18 months are the usual range; at least 1).
    pub horizon: usize,
}

/// Errors of long-range forecasting.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OutlookError {
    /// The history does not fit a period grid.
    #[error(transparent)]
    Grid(#[from] GridError),
    /// Too little history for a queue.
    #[error("queue {queue}: {periods} whole {grain}(s) of history, at least {needed} needed")]
    TooShort {
        /// The queue.
        queue: QueueId,
        /// Observed whole periods.
        periods: usize,
        /// The minimum.
        needed: usize,
        /// The grain.
        grain: Grain,
    },
    /// A bad option.
    #[error("{0}")]
    Options(String),
}

/// What the forecast did for one queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueOutlook {
    /// The queue.
    pub queue: QueueId,
    /// The volume model chosen by the inner backtest.
    pub model: Candidate,
    /// Whether annual seasonality could be estimated (≥ 2 years); `false` means it is absent
    /// from the forecast, not that the series has none.
    pub seasonality_available: bool,
    /// Inner-backtest WAPE of the chosen model.
    pub inner_wape: Option<f64>,
    /// Inner origins used.
    pub inner_origins: usize,
    /// Observed whole periods of history.
    pub history_periods: usize,
    /// Holiday effects measured on the history, when a calendar was given.
    pub holidays: Option<HolidayEffects>,
}

/// A long-range forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    /// The history's whole periods (holidays not cleaned).
    pub history: Panel<Option<Volume>>,
    /// One forecast per queue × future period.
    pub forecast: Panel<Forecast>,
    /// Per queue, in panel order.
    pub queues: Vec<QueueOutlook>,
}

/// Minimum observed periods to forecast: half a year.
fn min_periods(grain: Grain) -> usize {
    periods_per_year(grain) / 2
}

/// Forecasts `opts.horizon` periods after the last whole period of `daily` (a day grid).
///
/// # Errors
/// [`OutlookError::Grid`] when no whole period fits; [`OutlookError::TooShort`] when a queue
/// has fewer than half a year of observed periods; [`OutlookError::Options`].
pub fn forecast_outlook(
    daily: &Panel<Option<Volume>>,
    calendar: Option<&Calendar>,
    opts: &OutlookOptions,
) -> Result<Outlook, OutlookError> {
    if opts.horizon == 0 || opts.horizon > 520 {
        return Err(OutlookError::Options(format!(
            "horizon of {} periods: expected 1 to 520",
            opts.horizon
        )));
    }
    let periods = period_grid(daily.grid(), opts.grain, opts.week_start)?;
    let history = to_periods(daily, &periods);
    let n = periods.len();
    let future = TimeGrid::new(periods.timestamp(n), opts.grain, opts.horizon)?;
    let full = TimeGrid::new(periods.start(), opts.grain, n + opts.horizon)?;
    let mut cells = Vec::with_capacity(daily.queues().len() * opts.horizon);
    let mut reports = Vec::new();
    for (q, queue) in daily.queues().iter().enumerate() {
        let series = history.series(q);
        let observed = series.iter().flatten().count();
        if observed < min_periods(opts.grain) {
            return Err(OutlookError::TooShort {
                queue: queue.clone(),
                periods: observed,
                needed: min_periods(opts.grain),
                grain: opts.grain,
            });
        }
        let holidays = calendar.map(|c| {
            let offered: Vec<Option<f64>> = daily
                .series(q)
                .iter()
                .map(|d| d.map(|v| v.offered))
                .collect();
            HolidayEffects::measure(daily.grid(), &offered, c)
        });
        let factor = |p: usize| match (&holidays, calendar) {
            (Some(h), Some(c)) => h.factor(&full, p, c),
            _ => 1.0,
        };
        // Holidays cleaned: a period's volume ÷ its holiday factor; a (nearly) closed period is
        // left out of the fit.
        let clean: Vec<Option<f64>> = series
            .iter()
            .enumerate()
            .map(|(p, v)| {
                let f = factor(p);
                v.and_then(|v| (f > 0.05).then(|| v.offered / f))
            })
            .collect();
        let fit = forecast_series(&clean, &periods, opts.horizon, false);
        let aht: Vec<Option<f64>> = series
            .iter()
            .map(|v| v.and_then(|v| v.aht_secs()))
            .collect();
        let aht_fit = (aht.iter().flatten().count() >= min_periods(opts.grain))
            .then(|| forecast_series(&aht, &periods, opts.horizon, true));
        for (k, p) in fit.points.iter().enumerate() {
            let f = factor(n + k);
            cells.push(Forecast {
                offered: p.offered * f,
                lo80: p.lo80 * f,
                hi80: p.hi80 * f,
                lo95: p.lo95 * f,
                hi95: p.hi95 * f,
                aht_secs: aht_fit.as_ref().map(|a| a.points[k].offered),
            });
        }
        reports.push(QueueOutlook {
            queue: queue.clone(),
            model: fit.chosen,
            seasonality_available: fit.seasonality_available,
            inner_wape: fit.inner_wape,
            inner_origins: fit.inner_origins,
            history_periods: observed,
            holidays,
        });
    }
    let forecast = Panel::from_cells(daily.queues().to_vec(), future, cells)?;
    Ok(Outlook {
        history,
        forecast,
        queues: reports,
    })
}

/// A model scored by the long-range backtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutlookModel {
    /// The long-range forecast of [`forecast_outlook`].
    Auto,
    /// The same period one year earlier (52 weeks or 12 months).
    SeasonalNaive,
    /// Mean of the last 8 weeks (2 months).
    RecentMean,
}

impl OutlookModel {
    /// Name in reports.
    pub fn name(self, grain: Grain) -> &'static str {
        match (self, grain) {
            (OutlookModel::Auto, _) => "auto",
            (OutlookModel::SeasonalNaive, Grain::Month) => "seasonal-naive-12",
            (OutlookModel::SeasonalNaive, _) => "seasonal-naive-52",
            (OutlookModel::RecentMean, Grain::Month) => "mean-2m",
            (OutlookModel::RecentMean, _) => "mean-8w",
        }
    }
}

/// WAPE of one model over horizons 1…H.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlookScore {
    /// The model.
    pub model: OutlookModel,
    /// The horizon H (periods).
    pub horizon: usize,
    /// Origins scored.
    pub origins: usize,
    /// Queue × period points scored (the same points for every model).
    pub points: usize,
    /// Σ|actual − forecast| / Σ actual over the points.
    pub wape: f64,
    /// Share of actuals inside the 80 % / 95 % intervals (the auto model only).
    pub coverage: Option<(f64, f64)>,
}

/// Rolling-origin backtest: at each origin (a period index of the whole-period grid), the
/// forecast is made from the days before it only, for the largest of `horizons`; every model
/// is scored on the same points (actual observed, every model has a forecast).
///
/// # Errors
/// As [`forecast_outlook`], for the history before an origin.
pub fn backtest_outlook(
    daily: &Panel<Option<Volume>>,
    calendar: Option<&Calendar>,
    opts: &OutlookOptions,
    origins: &[usize],
    horizons: &[usize],
    progress: &dyn crate::model::Progress,
) -> Result<Vec<OutlookScore>, OutlookError> {
    let periods = period_grid(daily.grid(), opts.grain, opts.week_start)?;
    let history = to_periods(daily, &periods);
    let h_max = horizons.iter().copied().max().unwrap_or(0);
    let per_year = periods_per_year(opts.grain);
    let recent = if opts.grain == Grain::Month { 2 } else { 8 };
    let models = [
        OutlookModel::Auto,
        OutlookModel::SeasonalNaive,
        OutlookModel::RecentMean,
    ];
    // Per model × horizon: (Σ|e|, Σ actual, points, in80, in95).
    let mut acc = vec![vec![(0.0, 0.0, 0usize, 0usize, 0usize); horizons.len()]; models.len()];
    progress.begin("long-range backtest", origins.len() as u64);
    for &o in origins {
        if o < per_year || o >= periods.len() {
            return Err(OutlookError::Options(format!(
                "origin {} ({}) needs a year of history before it and lies inside the history",
                o,
                periods.date(o.min(periods.len() - 1))
            )));
        }
        let days = (periods.date(o) - daily.grid().date(0)).num_days() as usize;
        let past = daily.window(0, days)?;
        let out = forecast_outlook(
            &past,
            calendar,
            &OutlookOptions {
                horizon: h_max,
                ..*opts
            },
        )?;
        // The forecast grid of the window starts where the window's whole periods end: `o`.
        let shift = (out.forecast.grid().start() != periods.timestamp(o)) as usize;
        for q in 0..daily.queues().len() {
            let y = history.series(q);
            let mean: Option<f64> = (o >= recent)
                .then(|| {
                    y[o - recent..o]
                        .iter()
                        .map(|v| v.map(|v| v.offered))
                        .sum::<Option<f64>>()
                })
                .flatten()
                .map(|s| s / recent as f64);
            for k in 0..h_max.saturating_sub(shift) {
                let t = o + k;
                let Some(actual) = y.get(t).copied().flatten().map(|v| v.offered) else {
                    continue;
                };
                let naive = y[t - per_year * (1 + k / per_year)].map(|v| v.offered);
                let (Some(naive), Some(mean)) = (naive, mean) else {
                    continue;
                };
                let f = out.forecast.get(q, k + shift);
                for (m, pred) in [f.offered, naive, mean].into_iter().enumerate() {
                    for (hi, &h) in horizons.iter().enumerate() {
                        if k < h {
                            let a = &mut acc[m][hi];
                            a.0 += (actual - pred).abs();
                            a.1 += actual.abs();
                            a.2 += 1;
                            if m == 0 {
                                a.3 += usize::from(actual >= f.lo80 && actual <= f.hi80);
                                a.4 += usize::from(actual >= f.lo95 && actual <= f.hi95);
                            }
                        }
                    }
                }
            }
        }
        progress.advance(1);
    }
    progress.end();
    let mut scores = Vec::new();
    for (hi, &h) in horizons.iter().enumerate() {
        for (m, &model) in models.iter().enumerate() {
            let a = acc[m][hi];
            scores.push(OutlookScore {
                model,
                horizon: h,
                origins: origins.len(),
                points: a.2,
                wape: if a.1 > 0.0 { a.0 / a.1 } else { f64::NAN },
                coverage: (m == 0 && a.2 > 0)
                    .then(|| (a.3 as f64 / a.2 as f64, a.4 as f64 / a.2 as f64)),
            });
        }
    }
    Ok(scores)
}

/// The default origins of a backtest: every `every` periods over the last year of origins that
/// leave `horizon` periods to score (at least a year of history before each).
pub fn default_origins(periods: usize, grain: Grain, horizon: usize, every: usize) -> Vec<usize> {
    let per_year = periods_per_year(grain);
    let last = match periods.checked_sub(horizon) {
        Some(l) if l >= per_year => l,
        _ => return Vec::new(),
    };
    let first = last.saturating_sub(per_year).max(per_year);
    (first..=last)
        .rev()
        .step_by(every.max(1))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}
