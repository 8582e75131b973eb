//! Forecasting of call volume and AHT per queue × interval, calendar-aware, with prediction
//! intervals from rolling-origin backtests and automatic model selection.
//!
//! Pipeline for one queue and one origin (see `docs/forecast.md`):
//! 1. [`prepare`](self) the history before the origin: open-hours template per weekday, missing
//!    and special days imputed, unmarked outliers cleaned, special-day effects estimated;
//! 2. fit a model ([`Forecaster`] → [`FittedModel`], STYLE.md C3) and predict the horizon;
//! 3. closed template slots → 0, special days × their estimated effect, clip at 0;
//! 4. prediction intervals from the model's own errors in an inner rolling-origin backtest on
//!    the weeks just before the origin; `auto` ranks the candidates by that backtest's WAPE.
//!
//! Glossary: AHT = average handle time, WAPE = weighted absolute percentage error
//! `Σ|y − f| / Σ y`.

mod aht;
mod aht_backtest;
pub mod backtest;
pub mod calendar;
pub mod decomposition;
pub mod double_seasonal;
pub mod ets_profile;
pub mod history;
mod intervals;
mod intraday;
mod opday;
mod optim;
mod pipeline;
mod prepare;
mod queue;
pub mod seasonal_naive;
pub mod svd;
pub mod weekly_mean;

use crate::io::Location;
use crate::time::NaiveDateTime;

pub use aht::{AhtChoice, AhtModel};
pub use aht_backtest::{backtest_aht, AhtBacktestOptions, AhtBacktestReport, AhtBacktestRow};
pub use backtest::{backtest, BacktestOptions, BacktestReport, BacktestRow, ModelScore};
pub use calendar::{Adjustment, Calendar, Effect, SpecialDay};
pub use decomposition::{Decomposition, FittedDecomposition};
pub use double_seasonal::{DoubleSeasonalHw, FittedDoubleSeasonalHw, HwTermination};
pub use ets_profile::{EtsProfile, FittedEtsProfile, Seasonality};
pub use history::{History, LoadReport, QueueHistory, SeriesInput};
pub use opday::{DayStart, BUSY_MIDNIGHT_SHARE};
pub use optim::FitTermination;
pub use queue::{forecast_queue, QueueForecast};
pub use seasonal_naive::{FittedSeasonalNaive, Season, SeasonalNaive};
pub use svd::{FittedSvd, Svd};
pub use weekly_mean::{FittedWeeklyMean, WeeklyMean};

/// Errors of the `forecast` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// Two rows for the same queue and interval.
    #[error("{at}: queue `{queue}` has this interval already on line {first_line}")]
    DuplicateInterval {
        /// Where the second row is.
        at: Location,
        /// The queue.
        queue: String,
        /// The line of the first row.
        first_line: u64,
    },
    /// Timestamps do not lie on a supported grid.
    #[error(
        "{at}: `{value}` is not on a 5, 6, 10, 15, 30 or 60-minute grid shared by the other rows"
    )]
    UnsupportedStep {
        /// Where.
        at: Location,
        /// The timestamp.
        value: String,
    },
    /// In-memory series are inconsistent.
    #[error("series `{queue}`: {reason}")]
    BadSeries {
        /// The queue (empty when about all series).
        queue: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A model needs more history than there is.
    #[error(
        "model {model} needs at least {needed_days} days of history before the origin, got {days}"
    )]
    NotEnoughHistory {
        /// The model.
        model: &'static str,
        /// Days needed.
        needed_days: usize,
        /// Days available.
        days: usize,
    },
    /// An unknown model name.
    #[error("unknown model `{name}`; known: auto, {known}")]
    UnknownModel {
        /// The name given.
        name: String,
        /// The known names.
        known: String,
    },
    /// An origin or forecast start that cannot be used.
    #[error("origin {value}: {reason} (history starts {first})")]
    BadOrigin {
        /// The origin.
        value: String,
        /// Start of the history.
        first: String,
        /// Why.
        reason: &'static str,
    },
    /// A queue's history before the origin is shorter than a week: the weekdays it has not
    /// seen would be forecast as closed.
    #[error("queue `{queue}`: the history before the origin covers {days} day(s) from {first}; a forecast needs at least 7 (one of each weekday): the weekdays not seen would be forecast as closed")]
    ShortHistory {
        /// The queue.
        queue: String,
        /// Days from the queue's first day with data to the origin.
        days: usize,
        /// The queue's first day with data.
        first: String,
    },
    /// A queue without a single day of history before the origin (a queue that starts later in
    /// the file, e.g. at a backtest origin before it opened).
    #[error("queue `{queue}`: no history before the origin {origin} (its first day with data is {first}); a forecast needs at least 7 days of it (one of each weekday): an origin from {earliest} on")]
    NoHistory {
        /// The queue.
        queue: String,
        /// The origin's day.
        origin: String,
        /// The queue's first day with data (after the origin).
        first: String,
        /// The first origin with a week of the queue's history.
        earliest: String,
    },
    /// A horizon (counted from the end of the history when the start lies beyond it) longer
    /// than [`MAX_HORIZON_DAYS`].
    #[error("{what} ({days:.1} days, {from}): at most {max} days of intervals are forecast; for longer plans use --grain week or month")]
    HorizonTooLong {
        /// What is too long.
        what: &'static str,
        /// Its length in days.
        days: f64,
        /// Where it is counted from.
        from: String,
        /// The maximum, days.
        max: i64,
    },
    /// A backtest origin that cannot be scored, or is given twice.
    #[error("backtest origin {origin}: {reason}")]
    BadBacktestOrigin {
        /// The origin.
        origin: String,
        /// Why.
        reason: String,
    },
    /// A horizon that is not a positive whole number of intervals.
    #[error(
        "horizon of {secs} s: expected a positive multiple of the {step_minutes}-minute interval"
    )]
    BadHorizon {
        /// The horizon in seconds.
        secs: i64,
        /// The grid step.
        step_minutes: u32,
    },
    /// A day start that is not `auto`, `midnight-unless-busy` or a time of day on the
    /// history's grid.
    #[error(
        "day start `{value}`: expected `auto`, `midnight-unless-busy` or HH:MM on the history's interval grid"
    )]
    BadDayStart {
        /// The value given.
        value: String,
    },
}

/// What a model is fitted on: one queue's complete (imputed, cleaned) series before the origin.
#[derive(Debug, Clone, Copy)]
pub struct FitData<'a> {
    /// Volumes per interval, a whole number of days, oldest first; the origin is `y.len()`.
    pub y: &'a [f64],
    /// Intervals per day `D`.
    pub slots_per_day: usize,
    /// Weekday (0 = Sunday) of `y[0]`.
    pub first_weekday: usize,
    /// The other queues' summed volume per interval over the same days (at least as long as
    /// `y`), a prior for the intraday profile; `None` for a single queue.
    pub others: Option<&'a [f64]>,
}

/// An unfitted model (STYLE.md C3): fitting returns a different type.
pub trait Forecaster {
    /// The fitted model.
    type Fitted: FittedModel;
    /// Fits on `data`.
    ///
    /// # Errors
    /// [`ForecastError::NotEnoughHistory`] when `data` is too short for the model.
    fn fit(&self, data: &FitData<'_>) -> Result<Self::Fitted, ForecastError>;
}

/// A fitted model.
pub trait FittedModel {
    /// Point forecasts for the `horizon` intervals following the origin (not yet clipped).
    fn predict(&self, horizon: usize) -> Vec<f64>;
}

/// A named model with its settings.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSpec {
    /// `seasonal-naive-day` / `seasonal-naive-week`.
    SeasonalNaive(SeasonalNaive),
    /// `mean-<k>w` / `wmean-<k>w`.
    WeeklyMean(WeeklyMean),
    /// `ets-profile`: daily totals by Holt-Winters × intraday profile.
    EtsProfile(EtsProfile),
    /// `taylor-hw`: double-seasonal Holt-Winters (Taylor 2003).
    DoubleSeasonal(DoubleSeasonalHw),
    /// `decomposition`: weekly level (shrunk trend) × weekday-slot effects.
    Decomposition(Decomposition),
    /// `svd` / `svd-<K>`: SVD of the root-transformed days × slots matrix, scores by AR(1)
    /// around weekday means (Shen & Huang 2005, 2008).
    Svd(Svd),
}

impl ModelSpec {
    /// The model's name as accepted by `--model`.
    pub fn name(&self) -> String {
        match self {
            ModelSpec::SeasonalNaive(m) => match m.season {
                Season::Day => "seasonal-naive-day".into(),
                Season::Week => "seasonal-naive-week".into(),
            },
            ModelSpec::WeeklyMean(m) => {
                format!("{}mean-{}w", if m.weighted { "w" } else { "" }, m.weeks)
            }
            ModelSpec::EtsProfile(_) => "ets-profile".into(),
            ModelSpec::DoubleSeasonal(_) => "taylor-hw".into(),
            ModelSpec::Decomposition(_) => "decomposition".into(),
            ModelSpec::Svd(m) => match m.components {
                None => "svd".into(),
                Some(k) => format!("svd-{k}"),
            },
        }
    }

    /// Parses a model name (`seasonal-naive-week`, `mean-8w`, `wmean-6w`, `ets-profile`,
    /// `taylor-hw`, `decomposition`).
    ///
    /// # Errors
    /// [`ForecastError::UnknownModel`].
    pub fn parse(name: &str) -> Result<Self, ForecastError> {
        let n = name.trim().to_ascii_lowercase();
        let weeks = |s: &str| {
            s.strip_suffix('w')
                .and_then(|k| k.parse::<usize>().ok())
                .filter(|k| (1..=52).contains(k))
        };
        Ok(match n.as_str() {
            "seasonal-naive-day" | "snaive-day" => ModelSpec::SeasonalNaive(SeasonalNaive {
                season: Season::Day,
            }),
            "seasonal-naive-week" | "snaive-week" | "seasonal-naive" => {
                ModelSpec::SeasonalNaive(SeasonalNaive {
                    season: Season::Week,
                })
            }
            "ets-profile" => ModelSpec::EtsProfile(EtsProfile::default()),
            "taylor-hw" | "double-seasonal-hw" => {
                ModelSpec::DoubleSeasonal(DoubleSeasonalHw::default())
            }
            "decomposition" => ModelSpec::Decomposition(Decomposition),
            "svd" => ModelSpec::Svd(Svd::default()),
            _ => {
                if let Some(k) = n.strip_prefix("wmean-").and_then(weeks) {
                    ModelSpec::WeeklyMean(WeeklyMean {
                        weeks: k,
                        weighted: true,
                    })
                } else if let Some(k) = n
                    .strip_prefix("svd-")
                    .and_then(|k| k.parse::<usize>().ok())
                    .filter(|k| (1..=svd::MAX_COMPONENTS).contains(k))
                {
                    ModelSpec::Svd(Svd {
                        components: Some(k),
                    })
                } else if let Some(k) = n.strip_prefix("mean-").and_then(weeks) {
                    ModelSpec::WeeklyMean(WeeklyMean {
                        weeks: k,
                        weighted: false,
                    })
                } else {
                    return Err(ForecastError::UnknownModel {
                        name: name.to_string(),
                        known: "seasonal-naive-day, seasonal-naive-week, mean-<k>w, wmean-<k>w (k = 1..52), ets-profile, taylor-hw, decomposition, svd, svd-<K> (K = 1..4)".into(),
                    });
                }
            }
        })
    }

    /// The candidates `auto` ranks.
    pub fn auto_candidates() -> Vec<ModelSpec> {
        [
            "seasonal-naive-week",
            "mean-4w",
            "mean-8w",
            "wmean-8w",
            "ets-profile",
            "taylor-hw",
            "svd",
        ]
        .iter()
        .map(|n| ModelSpec::parse(n).expect("known model"))
        .collect()
    }

    /// Whether the model fits on the outlier-cleaned series. The textbook baselines (seasonal
    /// naive, weekly means) use the observed values as their definitions say, so that they
    /// reproduce published benchmark figures; missing and (with a calendar) special days are
    /// imputed for every model.
    pub fn uses_cleaned(&self) -> bool {
        !matches!(self, ModelSpec::SeasonalNaive(_) | ModelSpec::WeeklyMean(_))
    }

    /// The same model with its smoothing parameters fitted on `data` and then held fixed
    /// (models without such parameters are returned unchanged). The inner backtest tunes once,
    /// at its earliest origin, and reuses the parameters at the later origins and for the
    /// final forecast: an honest (no look-ahead) and much cheaper scheme than re-optimising at
    /// every origin.
    ///
    /// # Errors
    /// As the model's [`Forecaster::fit`].
    pub fn tuned(&self, data: &FitData<'_>) -> Result<ModelSpec, ForecastError> {
        Ok(match self {
            ModelSpec::EtsProfile(m) if m.params.is_none() => ModelSpec::EtsProfile(EtsProfile {
                params: Some(m.fit(data)?.params),
                ..*m
            }),
            ModelSpec::DoubleSeasonal(m) if m.params.is_none() => {
                ModelSpec::DoubleSeasonal(DoubleSeasonalHw {
                    params: Some(m.fit(data)?.params),
                })
            }
            other => other.clone(),
        })
    }

    /// Fits on `data` and predicts `horizon` intervals.
    ///
    /// # Errors
    /// As the model's [`Forecaster::fit`].
    pub fn fit_predict(
        &self,
        data: &FitData<'_>,
        horizon: usize,
    ) -> Result<Vec<f64>, ForecastError> {
        Ok(match self {
            ModelSpec::SeasonalNaive(m) => m.fit(data)?.predict(horizon),
            ModelSpec::WeeklyMean(m) => m.fit(data)?.predict(horizon),
            ModelSpec::EtsProfile(m) => m.fit(data)?.predict(horizon),
            ModelSpec::DoubleSeasonal(m) => m.fit(data)?.predict(horizon),
            ModelSpec::Decomposition(m) => m.fit(data)?.predict(horizon),
            ModelSpec::Svd(m) => m.fit(data)?.predict(horizon),
        })
    }
}

/// `auto` or one named model.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelChoice {
    /// Rank [`ModelSpec::auto_candidates`] by an inner rolling-origin backtest per queue and use
    /// the equal-weight mean of the better half of them.
    Auto,
    /// One model.
    Named(ModelSpec),
}

impl ModelChoice {
    /// Parses `auto` or a model name.
    ///
    /// # Errors
    /// [`ForecastError::UnknownModel`].
    pub fn parse(name: &str) -> Result<Self, ForecastError> {
        if name.trim().eq_ignore_ascii_case("auto") {
            Ok(ModelChoice::Auto)
        } else {
            ModelSpec::parse(name).map(ModelChoice::Named)
        }
    }
    /// The name (`auto` or the model's).
    pub fn name(&self) -> String {
        match self {
            ModelChoice::Auto => "auto".into(),
            ModelChoice::Named(m) => m.name(),
        }
    }
}

/// The longest intraday forecast: a year (and a day) of intervals from the end of the history.
/// Weekly and monthly plans (`--grain`) have their own limits.
pub const MAX_HORIZON_DAYS: i64 = 366;

/// The fewest days of a queue's history before the origin: one of each weekday (a weekday never
/// seen is otherwise taken as closed).
pub const MIN_HISTORY_DAYS: usize = 7;

/// Settings of the inner (calibration / selection) backtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InnerBacktest {
    /// Number of weekly inner origins before the forecast origin. Default 8; 1..=12.
    pub origins: usize,
    /// Minimum days of history an inner origin must leave for fitting. Default 14.
    pub min_train_days: usize,
}

impl Default for InnerBacktest {
    fn default() -> Self {
        InnerBacktest {
            origins: 8,
            min_train_days: 14,
        }
    }
}

/// Options of [`forecast`].
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOptions {
    /// The model. Default `auto`.
    pub model: ModelChoice,
    /// Forecast origin, any interval boundary: every interval before it is used (an intraday
    /// origin updates the rest of its day from the morning's arrivals). Default: the end of
    /// history.
    pub start: Option<NaiveDateTime>,
    /// Horizon in seconds (a multiple of the interval). Default 14 days.
    pub horizon_secs: i64,
    /// Inner backtest settings.
    pub inner: InnerBacktest,
    /// Where the planning (operational) day starts; see [`DayStart`].
    pub day_start: DayStart,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        ForecastOptions {
            model: ModelChoice::Auto,
            start: None,
            horizon_secs: 14 * 86_400,
            inner: InnerBacktest::default(),
            day_start: DayStart::default(),
        }
    }
}

/// One candidate's score in a queue's inner backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct RankEntry {
    /// The model (`ensemble(a+b+c+d)` for the mean of the better half of the candidates).
    pub model: String,
    /// WAPE over the inner backtest (`None` when the model could not be fitted there).
    pub wape: Option<f64>,
}

/// One output interval.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRow {
    /// Interval start.
    pub interval_start: NaiveDateTime,
    /// Queue.
    pub queue: String,
    /// Point forecast (calls, ≥ 0).
    pub forecast: f64,
    /// 80 % interval lower bound.
    pub lo80: f64,
    /// 80 % interval upper bound.
    pub hi80: f64,
    /// 95 % interval lower bound.
    pub lo95: f64,
    /// 95 % interval upper bound.
    pub hi95: f64,
    /// AHT forecast in seconds, when the history has AHT.
    pub aht_forecast_secs: Option<f64>,
    /// AHT 80 % and 95 % bounds `[lo80, hi80, lo95, hi95]`, seconds, when calibrated.
    pub aht_bounds: Option<[f64; 4]>,
    /// The model used.
    pub model: String,
    /// UTC offset of the interval start, seconds east, once placed in the site's zone
    /// ([`ForecastOutput::in_zone`]); `None` for wall-clock output.
    pub utc_offset_secs: Option<i32>,
}

/// Per-queue summary of a forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSummary {
    /// Queue.
    pub queue: String,
    /// The model used.
    pub model: String,
    /// Inner-backtest ranking, best first.
    pub ranking: Vec<RankEntry>,
    /// Inner origins used for ranking and intervals.
    pub inner_origins: usize,
    /// The AHT estimator used (`None` without AHT in the history).
    pub aht_model: Option<String>,
}

/// Result of [`forecast`].
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOutput {
    /// The origin (first forecast interval).
    pub origin: NaiveDateTime,
    /// Horizon in seconds.
    pub horizon_secs: i64,
    /// Rows for the open intervals, by time then queue.
    pub rows: Vec<ForecastRow>,
    /// Per-queue model and ranking.
    pub queues: Vec<QueueSummary>,
    /// Every queue × interval of the horizon (closed intervals: zeros), queue-major.
    pub panel: crate::model::Panel<crate::model::Forecast>,
    /// The planner adjustments applied (calendar rows with effect `factor` in the horizon).
    pub adjustments: Vec<Adjustment>,
    /// Special days of the horizon whose effect has no past occurrence in the history.
    pub warnings: Vec<String>,
}

impl ForecastOutput {
    /// Places the rows in the site's time zone (`--tz`): the forecast is made per local
    /// time-of-day slot, so each row is written for every interval its slot has on that local
    /// day, with its UTC offset: twice (each with the slot's forecast) in a fall-back night's
    /// repeated hour, not at all in the hour a spring-forward change skips. A future fall-back
    /// day thus has 50 half-hours and a spring-forward day 46. Rows stay in time order (of
    /// instants), then by queue. [`ForecastOutput::panel`] keeps the wall-clock slots.
    pub fn in_zone(&mut self, zone: chrono_tz::Tz) {
        let mut rows = Vec::with_capacity(self.rows.len());
        for r in self.rows.drain(..) {
            for s in crate::model::slot_stamps(r.interval_start, Some(zone)) {
                rows.push(ForecastRow {
                    utc_offset_secs: s.offset_secs,
                    ..r.clone()
                });
            }
        }
        let instant = |r: &ForecastRow| crate::model::LocalStamp {
            local: r.interval_start,
            offset_secs: r.utc_offset_secs,
        };
        rows.sort_by(|a, b| (instant(a).utc(), &a.queue).cmp(&(instant(b).utc(), &b.queue)));
        self.rows = rows;
    }
}

/// Forecasts every queue of `history` (library entry point of `wfm forecast`).
///
/// # Errors
/// [`ForecastError::BadOrigin`], [`ForecastError::BadHorizon`], or a model's error when the
/// history is too short for it (with `auto`, too-short candidates are skipped instead).
pub fn forecast(
    history: &History,
    calendar: Option<&Calendar>,
    options: &ForecastOptions,
) -> Result<ForecastOutput, ForecastError> {
    queue::forecast_all(history, calendar, options)
}
