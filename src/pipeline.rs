//! The stages composed in process: actuals → forecast → staffing → schedule → audit, each stage
//! handing the next a model [`Panel`] — no files, no re-parsing, no column names.
//!
//! ```no_run
//! use wfm::pipeline::{Pipeline, PipelineConfig};
//! # fn run(actuals: &wfm::model::Panel<Option<wfm::model::Actual>>,
//! #        config: PipelineConfig) -> Result<(), wfm::pipeline::PipelineError> {
//! let inputs = wfm::pipeline::PipelineInputs {
//!     actuals,
//!     sl_thresholds: &[20],
//!     patience_history: None,
//! };
//! let run = Pipeline::new(config).run(&inputs, &wfm::model::Silent)?;
//! println!("{} agent-hours paid", run.schedule.summary.paid_agent_hours);
//! # Ok(()) }
//! ```
//!
//! The adapters between stages are public so that a program can stop after any stage or feed
//! its own panel into the next: [`history_from_actuals`], [`forecast_panel`], [`demand_panel`],
//! [`staffing_panel`], [`requirement_from_staffing`], [`coverage_panel`], [`audit_inputs`].

use std::collections::BTreeMap;
use std::path::Path;

use crate::audit::{self, Audit, AuditOptions};
use crate::forecast::{self, Calendar, ForecastOptions, ForecastOutput, History, SeriesInput};
use crate::model::{
    Actual, Agents, Combine, Coverage, Demand, Forecast, Grain, Panel, Progress, QueueId, Staffing,
    TimeGrid,
};
use crate::schedule::{self, Requirement, Schedule, ShiftRules, SolveOptions};
use crate::staffing::config::StaffConfig;
use crate::staffing::plan::{self, StaffInput, StaffPlan};
use crate::staffing::workforce::{estimate_patience, PatienceEstimate};
use crate::time::{weekday_sun0, NaiveDate};

/// A stage of the pipeline failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The actuals cannot be used (e.g. not an intraday grid, no day before the origin).
    #[error("actuals: {0}")]
    Actuals(String),
    /// Forecasting failed.
    #[error("forecast: {0}")]
    Forecast(#[from] forecast::ForecastError),
    /// Staffing failed.
    #[error("staffing: {0}")]
    Staffing(#[from] crate::staffing::StaffingError),
    /// Scheduling failed.
    #[error("schedule: {0}")]
    Schedule(#[from] schedule::ScheduleError),
    /// The audit failed.
    #[error("audit: {0}")]
    Audit(String),
}

/// What the pipeline does at each stage.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// Forecast: model choice, origin (`start`, a midnight) and horizon.
    pub forecast: ForecastOptions,
    /// Special days for the forecast.
    pub calendar: Option<Calendar>,
    /// Staffing policy per queue (targets, model, shrinkage, …).
    pub staffing: StaffConfig,
    /// Shift rules for the schedule.
    pub shifts: ShiftRules,
    /// Solver options for the schedule.
    pub schedule: SolveOptions,
    /// Plan `days` days from this date (default: the whole forecast horizon).
    pub schedule_window: Option<(NaiveDate, usize)>,
    /// Audit of a month of the actuals against the forecast and the plan; `None` skips it.
    pub audit: Option<AuditOptions>,
}

/// The data the pipeline runs on.
#[derive(Debug, Clone, Copy)]
pub struct PipelineInputs<'a> {
    /// Interval actuals: the history the forecast learns from (the days before its origin),
    /// and the audited month when an audit is configured.
    pub actuals: &'a Panel<Option<Actual>>,
    /// The thresholds, in seconds, of the actuals' service-level counts (cell order).
    pub sl_thresholds: &'a [u32],
    /// Where Erlang A's patience is estimated from (default: the actuals before the origin).
    pub patience_history: Option<&'a Panel<Option<Actual>>>,
}

/// What each stage produced.
#[derive(Debug, Clone)]
pub struct PipelineRun {
    /// The forecast as the library returns it (models, rankings, rows).
    pub forecast_output: ForecastOutput,
    /// The forecast per queue × interval over the horizon (`None`: closed, no forecast).
    pub forecast: Panel<Option<Forecast>>,
    /// The staffing plan as the library returns it (rows and totals).
    pub staff_plan: StaffPlan,
    /// Required net agents and metrics per queue × interval.
    pub staffing: Panel<Staffing>,
    /// The shift plan.
    pub schedule: Schedule,
    /// Required vs scheduled agents (all queues pooled) per interval of the plan.
    pub coverage: Panel<Coverage>,
    /// The audit, when configured.
    pub audit: Option<Audit>,
}

/// The stages composed in process.
#[derive(Debug, Clone)]
pub struct Pipeline {
    config: PipelineConfig,
}

impl Pipeline {
    /// A pipeline with `config`.
    pub fn new(config: PipelineConfig) -> Self {
        Pipeline { config }
    }

    /// Runs every stage on `inputs`, reporting each stage to `progress`.
    ///
    /// # Errors
    /// The first stage that fails, as [`PipelineError`].
    pub fn run(
        &self,
        inputs: &PipelineInputs<'_>,
        progress: &dyn Progress,
    ) -> Result<PipelineRun, PipelineError> {
        let c = &self.config;
        let actuals = inputs.actuals;
        progress.begin("forecast", 0);
        let origin = c.forecast.start;
        let history = history_from_actuals(actuals, origin.map(|o| o.date()))?;
        let forecast_output = forecast::forecast(&history, c.calendar.as_ref(), &c.forecast)?;
        let forecast = forecast_panel(&forecast_output, history.step())?;
        progress.end();

        progress.begin("staffing", 0);
        let patience = match inputs.patience_history {
            Some(p) => patience_from_actuals(p, None),
            None => patience_from_actuals(actuals, origin),
        };
        let input = StaffInput::from_demand(Path::new("<pipeline>"), &demand_rows(&forecast))?
            .with_patience(patience)
            .with_bounds(&bound_rows(&forecast));
        let staff_plan = plan::staff(&input, &c.staffing)?;
        let staffing = staffing_panel(&staff_plan, forecast.grid(), forecast.queues())?;
        progress.end();

        progress.begin("schedule", 0);
        let mut req = requirement_from_staffing(&staffing)?;
        if let Some((from, days)) = c.schedule_window {
            let first = (from - forecast.grid().start().date()).num_days();
            if first < 0 {
                return Err(PipelineError::Actuals(format!(
                    "the schedule window starts on {from}, before the forecast"
                )));
            }
            req = req.days_window(first as usize, days)?;
        }
        let schedule = schedule::solve(&req, &c.shifts, &c.schedule)?;
        let coverage = coverage_panel(&req, &schedule)?;
        progress.end();

        let audit = match &c.audit {
            Some(options) => {
                progress.begin("audit", 0);
                let mut inputs = audit_inputs(
                    actuals,
                    inputs.sl_thresholds,
                    options.threshold_secs,
                    &forecast_output,
                    &staffing,
                )?;
                // Every queue's service level, ASA and abandon rate against its staffing targets.
                let queues: Vec<String> =
                    staffing.queues().iter().map(ToString::to_string).collect();
                inputs.targets = audit::targets::Targets::from_staffing(
                    &c.staffing,
                    &queues,
                    options.threshold_secs,
                );
                let a = audit::audit(&inputs, options)
                    .map_err(|e| PipelineError::Audit(e.to_string()))?;
                progress.end();
                Some(a)
            }
            None => None,
        };
        Ok(PipelineRun {
            forecast_output,
            forecast,
            staff_plan,
            staffing,
            schedule,
            coverage,
            audit,
        })
    }
}

/// The forecast's history: every queue's offered calls and AHT before `until` (exclusive; the
/// whole panel when `None`), unobserved intervals as missing.
///
/// # Errors
/// [`PipelineError::Actuals`] when the panel is not a whole-day intraday grid or nothing lies
/// before `until`; [`PipelineError::Forecast`] for values the forecast rejects.
pub fn history_from_actuals(
    actuals: &Panel<Option<Actual>>,
    until: Option<NaiveDate>,
) -> Result<History, PipelineError> {
    let grid = actuals.grid();
    let (Some(step), Some(days)) = (grid.interval(), grid.whole_days()) else {
        return Err(PipelineError::Actuals(format!(
            "a history needs whole days of intervals, got a {} grid of {} period(s) from {}",
            grid.grain(),
            grid.len(),
            grid.start()
        )));
    };
    let keep_days = match until {
        Some(d) => ((d - grid.start().date()).num_days().clamp(0, days as i64)) as usize,
        None => days,
    };
    if keep_days == 0 {
        return Err(PipelineError::Actuals(format!(
            "no day of the actuals ({} …) lies before the forecast origin",
            grid.start().date()
        )));
    }
    let n = keep_days * step.per_day();
    let series = actuals
        .queues()
        .iter()
        .enumerate()
        .map(|(q, id)| {
            let cells = &actuals.series(q)[..n];
            SeriesInput {
                queue: id.to_string(),
                volume: cells
                    .iter()
                    .map(|c| c.as_ref().map(|a| a.offered))
                    .collect(),
                // At the 3 decimals interval files carry, so that the AHT model choice and
                // its quantile-based intervals are those `wfm forecast` computes from the file.
                aht_secs: cells
                    .iter()
                    .map(|c| {
                        c.as_ref()
                            .and_then(Actual::aht_secs)
                            .map(|a| published(a, 3))
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(History::from_series(grid.start(), step, series)?)
}

/// Mean patience per queue from actuals before `until` (all of them when `None`): the
/// censored-exponential estimate Σ waits (answered and abandoned) ÷ abandoned
/// ([`crate::staffing::workforce::estimate_patience`]); intervals without the wait sums are
/// skipped.
pub fn patience_from_actuals(
    actuals: &Panel<Option<Actual>>,
    until: Option<crate::time::NaiveDateTime>,
) -> BTreeMap<String, PatienceEstimate> {
    let grid = actuals.grid();
    let end = until.map_or(grid.len(), |u| grid.range_between(grid.start(), u).end);
    actuals
        .queues()
        .iter()
        .enumerate()
        .map(|(q, id)| {
            let (mut ab, mut wab, mut wans) = (0.0, 0.0, 0.0);
            for a in actuals.series(q)[..end].iter().flatten() {
                if let (Some(n), Some(b), Some(c)) = (
                    a.abandoned,
                    a.sum_wait_abandoned_secs,
                    a.sum_wait_answered_secs,
                ) {
                    ab += n;
                    wab += b;
                    wans += c;
                }
            }
            (id.to_string(), estimate_patience(ab, wab, wans))
        })
        .collect()
}

/// The forecast rows as a panel over the horizon: every queue × interval from the origin for
/// the horizon, `None` where the forecast omitted an interval (closed hours). Values are taken at
/// the precision `wfm forecast` publishes (calls to 0.001, AHT to 0.1 s), so that the
/// in-process pipeline and the same steps run as commands give the same staffing.
///
/// # Errors
/// [`PipelineError::Actuals`] when a row lies off the horizon's grid.
pub fn forecast_panel(
    out: &ForecastOutput,
    step: crate::units::IntervalLength,
) -> Result<Panel<Option<Forecast>>, PipelineError> {
    let len = (out.horizon_secs / i64::from(step.seconds())) as usize;
    let grid = TimeGrid::new(out.origin, Grain::Interval(step), len)
        .map_err(|e| PipelineError::Actuals(e.to_string()))?;
    let queues: Vec<QueueId> = out
        .queues
        .iter()
        .map(|q| QueueId::new(&q.queue).ok_or_else(|| bad_queue(&q.queue)))
        .collect::<Result<_, _>>()?;
    let mut panel = Panel::filled(queues, grid, None);
    for r in &out.rows {
        let q = panel
            .queue_index(&r.queue)
            .ok_or_else(|| bad_queue(&r.queue))?;
        let t = grid
            .index_of(r.interval_start)
            .map_err(|e| PipelineError::Actuals(format!("forecast row: {e}")))?;
        *panel.get_mut(q, t) = Some(Forecast {
            offered: published(r.forecast, 3),
            lo80: published(r.lo80, 3),
            hi80: published(r.hi80, 3),
            lo95: published(r.lo95, 3),
            hi95: published(r.hi95, 3),
            aht_secs: r.aht_forecast_secs.map(|a| published(a, 1)),
        });
    }
    Ok(panel)
}

/// `v` rounded to `dp` decimals exactly as the output tables print it.
fn published(v: f64, dp: usize) -> f64 {
    format!("{v:.dp$}").parse().unwrap_or(v)
}

fn bad_queue(name: &str) -> PipelineError {
    PipelineError::Actuals(format!("`{name}` is not a valid queue name"))
}

/// The point forecast as demand (see `From<&Forecast> for Demand`); closed intervals have none.
pub fn demand_panel(forecast: &Panel<Option<Forecast>>) -> Panel<Demand> {
    forecast.map(|f| f.as_ref().map(Demand::from).unwrap_or_default())
}

/// Staffing's input rows for the open intervals, time-major like the CLI's tables (the staffing
/// plan keeps input order).
fn demand_rows(forecast: &Panel<Option<Forecast>>) -> Vec<plan::Demand> {
    let grid = forecast.grid();
    forecast
        .iter_time_major()
        .filter_map(|(t, q, f)| f.as_ref().map(|f| (t, q, f)))
        .map(|(t, q, f)| plan::Demand {
            start: grid.timestamp(t),
            queue: q.to_string(),
            offered: f.offered,
            aht_secs: f.aht_secs.or((f.offered == 0.0).then_some(0.0)),
            agents: None,
        })
        .collect()
}

/// The forecast bounds of [`demand_rows`]' rows, in the same order (for `p_meet_target`).
fn bound_rows(forecast: &Panel<Option<Forecast>>) -> Vec<Option<[f64; 4]>> {
    forecast
        .iter_time_major()
        .filter_map(|(_, _, f)| f.as_ref())
        .map(|f| Some([f.lo80, f.hi80, f.lo95, f.hi95]))
        .collect()
}

/// The staffing plan's rows as a panel on `grid` × `queues` (intervals without a row, e.g.
/// closed hours, need no agents).
///
/// # Errors
/// [`PipelineError::Actuals`] when a row names another queue or lies off the grid.
pub fn staffing_panel(
    plan: &StaffPlan,
    grid: &TimeGrid,
    queues: &[QueueId],
) -> Result<Panel<Staffing>, PipelineError> {
    let mut panel = Panel::filled(queues.to_vec(), *grid, Staffing::zero());
    for r in &plan.rows {
        let q = panel
            .queue_index(&r.queue)
            .ok_or_else(|| bad_queue(&r.queue))?;
        let t = grid
            .index_of(r.start)
            .map_err(|e| PipelineError::Actuals(format!("staffing row: {e}")))?;
        *panel.get_mut(q, t) = Staffing {
            demand: Demand {
                offered: r.offered,
                aht_secs: r.aht_secs,
            },
            load_erlangs: r.load_erlangs,
            net: Agents(r.agents),
            gross: Agents(r.agents_gross),
            service_level: r.service_level,
            asa_secs: r.asa_secs,
            occupancy: r.occupancy,
            abandon_rate: r.abandon_rate,
            outcome: r.outcome,
        };
    }
    Ok(panel)
}

/// The schedule's requirement: net agents of all queues pooled by summing (each queue staffed
/// for its own targets), with the pooled load and the load-weighted AHT for the schedule's
/// service-level estimate; dated from the panel's first day.
///
/// # Errors
/// [`PipelineError::Actuals`] when the panel is not whole days of intervals;
/// [`PipelineError::Schedule`] for values the schedule rejects.
pub fn requirement_from_staffing(staffing: &Panel<Staffing>) -> Result<Requirement, PipelineError> {
    let grid = staffing.grid();
    let (Some(step), Some(_)) = (grid.interval(), grid.whole_days()) else {
        return Err(PipelineError::Actuals(
            "a schedule needs whole days of intervals from midnight".into(),
        ));
    };
    let n = grid.len();
    let mut required = vec![0.0; n];
    let mut load = vec![0.0; n];
    let mut calls_rate = vec![0.0; n];
    for q in 0..staffing.queues().len() {
        for (t, s) in staffing.series(q).iter().enumerate() {
            required[t] += s.net.as_f64();
            load[t] += s.load_erlangs;
            if let Some(a) = s.demand.aht_secs.filter(|a| *a > 0.0) {
                calls_rate[t] += s.load_erlangs / a;
            }
        }
    }
    let aht = load
        .iter()
        .zip(&calls_rate)
        .map(|(l, c)| if *c > 0.0 { l / c } else { 0.0 })
        .collect();
    let first = grid.start().date();
    let queues = staffing.queues().iter().map(ToString::to_string).collect();
    Ok(
        Requirement::new(step, weekday_sun0(first), required, Some(load), Some(aht))?
            .with_start_date(first)
            .with_queues(queues),
    )
}

/// The plan's coverage as a dated panel (one pooled queue `ALL`) on the schedule's grid.
///
/// # Errors
/// [`PipelineError::Actuals`] when the coverage does not tile the requirement's days.
pub fn coverage_panel(
    req: &Requirement,
    sched: &Schedule,
) -> Result<Panel<Coverage>, PipelineError> {
    let days = req.days();
    let n = sched.coverage.len();
    let start = req
        .start_date()
        .ok_or_else(|| PipelineError::Actuals("the requirement has no start date".into()))?;
    if days == 0 || n % days != 0 {
        return Err(PipelineError::Actuals(format!(
            "{n} coverage intervals do not tile {days} day(s)"
        )));
    }
    let minutes = 1440 / (n / days) as i64;
    let step = crate::units::IntervalLength::from_minutes(minutes)
        .map_err(|e| PipelineError::Actuals(e.to_string()))?;
    let grid = TimeGrid::days(start, step, days);
    let cells = sched
        .coverage
        .iter()
        .map(|c| Coverage {
            required: c.required,
            scheduled: c.scheduled,
        })
        .collect();
    Panel::from_cells(vec![QueueId::all()], grid, cells)
        .map_err(|e| PipelineError::Actuals(e.to_string()))
}

/// The audit's inputs from the pipeline's panels: actuals (service level counted at
/// `threshold_secs`, which must be one of `sl_thresholds`, the thresholds of the cells'
/// counts), the forecast rows and the
/// pooled net requirement as planned staffing.
///
/// # Errors
/// [`PipelineError::Audit`] when the actuals have no counts for `threshold_secs`.
pub fn audit_inputs(
    actuals: &Panel<Option<Actual>>,
    sl_thresholds: &[u32],
    threshold_secs: u32,
    forecast: &ForecastOutput,
    staffing: &Panel<Staffing>,
) -> Result<audit::AuditInputs, PipelineError> {
    let actuals = audit::input::Actuals::from_panel(actuals, sl_thresholds, threshold_secs)
        .map_err(PipelineError::Audit)?;
    let forecast = audit::input::Forecast {
        path: Path::new("<pipeline>").to_path_buf(),
        rows: forecast
            .rows
            .iter()
            .map(|r| audit::input::ForecastInterval {
                interval_start: crate::model::LocalStamp {
                    local: r.interval_start,
                    offset_secs: r.utc_offset_secs,
                },
                queue: r.queue.clone(),
                forecast: r.forecast,
                aht_forecast_secs: r.aht_forecast_secs,
                model: Some(r.model.clone()),
            })
            .collect(),
        has_aht: forecast.rows.iter().any(|r| r.aht_forecast_secs.is_some()),
        meta: BTreeMap::new(),
    };
    let pooled = staffing.pooled();
    let grid = pooled.grid();
    let planned = audit::input::Planned {
        path: Path::new("<pipeline>").to_path_buf(),
        rows: pooled
            .series(0)
            .iter()
            .enumerate()
            .map(|(t, s)| audit::input::PlannedInterval {
                interval_start: crate::model::LocalStamp::naive(grid.timestamp(t)),
                required: Some(s.net.as_f64()),
                scheduled: None,
            })
            .collect(),
    };
    Ok(audit::AuditInputs {
        actuals,
        forecast: Some(forecast),
        planned: Some(planned),
        agent_states: None,
        staffing_proxy: None,
        facts: None,
        previous_facts: None,
        scorecard: None,
        targets: audit::targets::Targets::new(),
        illustrative: Vec::new(),
        pools: Vec::new(),
    })
}
