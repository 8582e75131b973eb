//! Shift planning: optimise shift starts, lengths and breaks against the staffing requirement,
//! then build weekly tours and a roster of named agents.
//!
//! Entry point: [`solve`] (`wfm schedule` and `wfm demo` call it in-process). It builds the MIP of
//! [`model`](self) with implicit break placement (Bechtold–Jacobs), solves it with CBC (cargo
//! feature `cbc`, default) or microlp (pure Rust), falls back to a greedy / LP-rounding heuristic
//! when no incumbent is found in time, and reports why it stopped ([`Termination`], STYLE.md C12).
//!
//! Glossary: SL = service level (share of calls answered within the threshold), AHT = average
//! handle time, agent-hours = agents × hours.

mod greedy;
pub mod groups;
pub(crate) mod lp;
mod model;
mod per_queue;
pub mod requirement;
pub mod roster;

pub mod rules;
pub mod service;
pub mod tours;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use lp::Backend;
pub use requirement::Requirement;
pub use rules::{BreakRule, ShiftRules, ShiftTemplate, TourRules};

use crate::io::Location;
use crate::units::Secs;
use model::{Formulation, GridObjective, Instance, ShiftInstance};
use service::SlCurve;

/// Errors of the `schedule` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// A value in the shift rules is invalid.
    #[error("{}: `{item}`, field `{field}`: {reason}", file.display())]
    Rules {
        /// The rules file.
        file: PathBuf,
        /// Template or section (`full`, `full.lunch`, `tours`).
        item: String,
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A length or offset is not a multiple of the planning interval.
    #[error("`{item}`, field `{field}`: {minutes} min is not a multiple of the {interval}-min planning interval")]
    OffGrid {
        /// Template or break.
        item: String,
        /// The field.
        field: String,
        /// The value in minutes.
        minutes: u32,
        /// Planning interval in minutes.
        interval: u32,
    },
    /// The requirement is not usable.
    #[error("requirement: {reason}")]
    BadRequirement {
        /// What is wrong.
        reason: String,
    },
    /// The same interval appears twice.
    #[error("{at}: duplicate interval {interval}")]
    DuplicateInterval {
        /// Where.
        at: Location,
        /// Which interval.
        interval: String,
    },
    /// The `service` objective needs load and AHT per interval.
    #[error("the `service` objective needs offered load and AHT per interval: give a `wfm staff` output (columns load_erlangs, aht_seconds) or the anchor's offered_erlangs, aht_seconds")]
    NoLoad,
    /// An option is outside its domain.
    #[error("{name}: expected {range}, got {}", crate::units::Shown(*.value))]
    BadOption {
        /// Option name.
        name: &'static str,
        /// Allowed range.
        range: &'static str,
        /// The value.
        value: f64,
    },
    /// A roster or tour solve cannot produce a usable plan (nobody skilled, nothing assigned).
    #[error("roster: {reason}")]
    Unrosterable {
        /// Why, in the planner's terms.
        reason: String,
    },
    /// The agents file is invalid.
    #[error("{at}: {reason}, got `{}`", crate::io::clip(value))]
    BadAgent {
        /// Where.
        at: Location,
        /// The field text.
        value: String,
        /// What was expected.
        reason: String,
    },
}

/// What the plan optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Objective {
    /// Minimum cost with coverage ≥ requirement in every interval (pyworkforce
    /// `MinRequiredResources`).
    #[default]
    Cost,
    /// Minimum `Σ_t |scheduled_t − required_t|` in agent-intervals (pyworkforce
    /// `MinAbsDifference`).
    Gap,
    /// Maximum expected service level (call-weighted Erlang C SL) for a paid-hours budget.
    Service,
}

impl Objective {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Cost => "cost",
            Objective::Gap => "gap",
            Objective::Service => "service",
        }
    }
}

/// Which algorithm runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// MIP with the heuristic as warm start and fallback (default).
    #[default]
    Auto,
    /// Greedy + LP rounding only, with the LP relaxation as the bound.
    Heuristic,
    /// The greedy construction and its improvement pass only, with the LP relaxation as the
    /// bound: no LP diving and no MIP. For long horizons (a 15-min month), where each LP
    /// re-solve of the diving takes seconds and the MIP's root alone minutes.
    Greedy,
}

/// Options of [`solve`] (STYLE.md C4: defaults documented per field).
#[derive(Debug, Clone, PartialEq)]
pub struct SolveOptions {
    objective: Objective,
    node_limit: Option<u64>,
    time_limit: Option<Duration>,
    mip_gap: f64,
    method: Method,
    backend: Backend,
    budget_hours: Option<f64>,
    sl_threshold: Secs,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            objective: Objective::Cost,
            node_limit: Some(DEFAULT_NODE_LIMIT),
            time_limit: None,
            mip_gap: 0.0,
            method: Method::Auto,
            backend: Backend::best_available(),
            budget_hours: None,
            sl_threshold: Secs::new(20.0).expect("20 s is valid"),
        }
    }
}

/// Default work limit of the MIP search, in branch-and-bound nodes (see
/// [`SolveOptions::with_node_limit`]). Measured in docs/schedule.md: the demo's week proves
/// optimality well within it; the 15-min week with breaks stops on it within 1 % of its bound.
pub const DEFAULT_NODE_LIMIT: u64 = 2_000;

impl SolveOptions {
    /// Defaults: objective cost, a work limit of [`DEFAULT_NODE_LIMIT`] branch-and-bound nodes
    /// and no wall-clock limit (so the plan does not depend on the machine or its load), MIP
    /// gap 0 (prove optimality), method auto, the best available back end (CBC when built), SL
    /// threshold 20 s, no budget.
    pub fn new() -> Self {
        Self::default()
    }
    /// The objective. Default [`Objective::Cost`].
    pub fn with_objective(mut self, o: Objective) -> Self {
        self.objective = o;
        self
    }
    /// Deterministic work limit of the MIP search: at most `nodes` branch-and-bound nodes (the
    /// LP re-solves of the heuristics are bounded by counts too). The same inputs and options
    /// give the same plan on an idle or a loaded machine. Default [`DEFAULT_NODE_LIMIT`].
    pub fn with_node_limit(mut self, nodes: u64) -> Self {
        self.node_limit = Some(nodes);
        self
    }
    /// No node limit: the MIP search runs to proven optimality (or the time limit, if any).
    pub fn without_node_limit(mut self) -> Self {
        self.node_limit = None;
        self
    }
    /// Wall-clock limit of the whole solve, on top of the node limit (the first reached stops
    /// the search). Default none. **Makes the plan timing-dependent**: how far the search gets
    /// depends on the machine and its load, so two runs may return different plans.
    pub fn with_time_limit(mut self, d: Duration) -> Self {
        self.time_limit = Some(d);
        self
    }
    /// Relative MIP gap at which the search may stop and report optimal. Default 0; in [0, 1).
    ///
    /// # Errors
    /// [`ScheduleError::BadOption`] outside [0, 1).
    pub fn with_mip_gap(mut self, gap: f64) -> Result<Self, ScheduleError> {
        if !(0.0..1.0).contains(&gap) {
            return Err(ScheduleError::BadOption {
                name: "mip gap",
                range: "[0, 1)",
                value: gap,
            });
        }
        self.mip_gap = gap;
        Ok(self)
    }
    /// Algorithm. Default [`Method::Auto`].
    pub fn with_method(mut self, m: Method) -> Self {
        self.method = m;
        self
    }
    /// MIP engine. Default [`Backend::best_available`].
    pub fn with_backend(mut self, b: Backend) -> Self {
        self.backend = b;
        self
    }
    /// The MIP engine (also the roster's).
    pub fn backend(&self) -> Backend {
        self.backend
    }
    /// Paid-hours budget of the `service` objective. Default: the paid hours of the minimum-cost
    /// plan (so the service plan redistributes the same hours).
    ///
    /// # Errors
    /// [`ScheduleError::BadOption`] unless positive and finite.
    pub fn with_budget_hours(mut self, h: f64) -> Result<Self, ScheduleError> {
        if !(h > 0.0 && h <= crate::limits::MAX_HOURS) {
            return Err(ScheduleError::BadOption {
                name: "budget (paid agent-hours)",
                range: "(0, 1e9]",
                value: h,
            });
        }
        self.budget_hours = Some(h);
        Ok(self)
    }
    /// Answer-time threshold of the service level. Default 20 s.
    pub fn with_sl_threshold(mut self, t: Secs) -> Self {
        self.sl_threshold = t;
        self
    }
    /// The objective.
    pub fn objective(&self) -> Objective {
        self.objective
    }
    /// The wall-clock limit, if any.
    pub fn time_limit(&self) -> Option<Duration> {
        self.time_limit
    }
    /// The node limit, if any.
    pub fn node_limit(&self) -> Option<u64> {
        self.node_limit
    }
    /// The solver limits left when `elapsed` of the wall-clock budget is spent.
    fn limits_after(&self, elapsed: Duration) -> lp::Limits {
        lp::Limits {
            nodes: self.node_limit,
            time: self.time_limit.map(|t| t.saturating_sub(elapsed)),
        }
    }
}

/// Why the solver stopped (STYLE.md C12).
#[derive(Debug, Clone, PartialEq)]
pub enum Termination {
    /// The plan is proven optimal (within the requested MIP gap).
    Optimal,
    /// The node limit (deterministic work limit) ended the MIP search with an incumbent.
    NodeLimit {
        /// Objective of the plan returned.
        incumbent: f64,
        /// Best proven bound on the optimum, when known.
        bound: Option<f64>,
        /// Relative gap `|incumbent − bound| / |incumbent|`, when the bound is known.
        gap: Option<f64>,
    },
    /// The wall-clock limit ended the MIP search with an incumbent (timing-dependent).
    TimeLimit {
        /// Objective of the plan returned.
        incumbent: f64,
        /// Best proven bound on the optimum, when known.
        bound: Option<f64>,
        /// Relative gap `|incumbent − bound| / |incumbent|`, when the bound is known.
        gap: Option<f64>,
    },
    /// The plan comes from the greedy / LP-rounding heuristic.
    Heuristic {
        /// Why the heuristic was used.
        why: String,
        /// Bound (LP relaxation or MIP bound), when known.
        bound: Option<f64>,
        /// Relative gap to that bound.
        gap: Option<f64>,
    },
    /// No plan satisfies the rules.
    Infeasible {
        /// The reason, as precise as the solver can tell.
        reason: String,
    },
}

impl Termination {
    /// Short status name: `optimal`, `node_limit`, `time_limit`, `heuristic`, `infeasible`.
    pub fn name(&self) -> &'static str {
        match self {
            Termination::Optimal => "optimal",
            Termination::NodeLimit { .. } => "node_limit",
            Termination::TimeLimit { .. } => "time_limit",
            Termination::Heuristic { .. } => "heuristic",
            Termination::Infeasible { .. } => "infeasible",
        }
    }
}

/// Receives progress while solving (the library never prints; the CLI shows a spinner).
pub trait Observer {
    /// A new stage started (`building model`, `solving MIP`, …).
    fn stage(&mut self, message: &str);
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Observer for Silent {
    fn stage(&mut self, _message: &str) {}
}

/// One break of a planned shift.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedBreak {
    /// Break name from the rules.
    pub name: String,
    /// Start, minutes from the start of the horizon (may exceed the horizon for a wrapped week).
    pub start_min: u32,
    /// Length in minutes.
    pub length_min: u32,
    /// Whether it is paid.
    pub paid: bool,
}

/// One planned shift (one agent).
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Template name.
    pub template: String,
    /// Day index of the start (0 = first day of the horizon).
    pub day: usize,
    /// Weekday of the start, 0 = Sunday.
    pub weekday: usize,
    /// Start, minutes from the start of the horizon on its (local) wall clock.
    pub start_min: u32,
    /// End, minutes from the start of the horizon on its wall clock (may exceed it for a
    /// wrapped week). Across a clock change `end_min − start_min` is the shift's length ± the
    /// hour; its elapsed length (and its paid hours) are the template's.
    pub end_min: u32,
    /// UTC offsets (seconds east) of the start and the end, for a requirement read with
    /// `--tz`: they tell the two starts of a fall-back night's repeated hour apart.
    pub offsets_secs: Option<(i32, i32)>,
    /// Paid hours.
    pub paid_hours: f64,
    /// Cost.
    pub cost: f64,
    /// Breaks in time order.
    pub breaks: Vec<PlannedBreak>,
}

impl Shift {
    /// `HH:MM` of a minute offset within its day.
    pub fn clock(min: u32) -> String {
        let m = min % 1440;
        format!("{:02}:{:02}", m / 60, m % 60)
    }
    /// `HH:MM` of the start, with its UTC offset (`01:00-05:00`) when the plan has offsets.
    pub fn start_text(&self) -> String {
        Shift::clock(self.start_min) + &offset_text(self.offsets_secs.map(|o| o.0))
    }
    /// `HH:MM` of the end, with its UTC offset when the plan has offsets.
    pub fn end_text(&self) -> String {
        Shift::clock(self.end_min) + &offset_text(self.offsets_secs.map(|o| o.1))
    }
    /// Breaks as `lunch 12:00-12:30; break1 10:00-10:15`.
    pub fn breaks_text(&self) -> String {
        self.breaks
            .iter()
            .map(|b| {
                format!(
                    "{} {}-{}",
                    b.name,
                    Shift::clock(b.start_min),
                    Shift::clock(b.start_min + b.length_min)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// `±hh:mm` of a UTC offset in seconds, empty without one.
fn offset_text(offset_secs: Option<i32>) -> String {
    offset_secs.map_or_else(String::new, |o| {
        let a = o.unsigned_abs();
        let sign = if o < 0 { '-' } else { '+' };
        format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
    })
}

/// Coverage of one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    /// Interval label (timestamp, or `Sun 07:30` for an undated week).
    pub interval_start: String,
    /// Required agents.
    pub required: f64,
    /// Scheduled agents on the phones (breaks excluded).
    pub scheduled: f64,
    /// `scheduled − required`.
    pub gap: f64,
    /// Erlang C SL with the scheduled agents, when load and AHT are known.
    pub expected_sl: Option<f64>,
}

/// Totals of a plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Objective optimised.
    pub objective: String,
    /// Termination status name.
    pub status: String,
    /// Detail of the status (reason of infeasibility or of the heuristic).
    pub status_detail: Option<String>,
    /// Which solver produced the plan (`cbc`, `microlp`, `greedy`).
    pub solver: String,
    /// Wall-clock seconds (not written to summary.json: timing is not part of the plan).
    #[serde(skip)]
    pub seconds: f64,
    /// The node limit the MIP search ran under, if any (deterministic).
    pub node_limit: Option<u64>,
    /// The wall-clock limit, seconds, if any: a plan stopped by it is timing-dependent.
    pub time_limit_seconds: Option<f64>,
    /// Planning interval in minutes.
    pub interval_minutes: u32,
    /// Number of shifts.
    pub shifts: usize,
    /// Paid agent-hours.
    pub paid_agent_hours: f64,
    /// Cost (paid hours × cost per hour).
    pub cost: f64,
    /// What the required agents count: `scheduled` (net ÷ (1 − unplanned shrinkage)), `net`,
    /// or `given`.
    pub requirement_basis: String,
    /// Required agent-hours, on the requirement's basis.
    pub required_agent_hours: f64,
    /// Net required agent-hours (on the phones, no absence allowance).
    pub net_agent_hours: f64,
    /// What the plan must cover: agents on shift and not on a break, absence allowance
    /// included (= `required_agent_hours`).
    pub scheduled_agent_hours: f64,
    /// Agent-hours on shift and not on a break, as planned.
    pub on_phone_agent_hours: f64,
    /// Over-staffing, agent-hours: `Σ max(0, scheduled − required) × interval`.
    pub over_agent_hours: f64,
    /// Under-staffing, agent-hours.
    pub under_agent_hours: f64,
    /// Over-staffing in % of required agent-hours.
    pub over_pct: f64,
    /// Under-staffing in % of required agent-hours.
    pub under_pct: f64,
    /// Intervals with scheduled < required.
    pub understaffed_intervals: usize,
    /// `Σ |scheduled − required|` in agent-intervals.
    pub abs_gap_agent_intervals: f64,
    /// Objective value of the plan (cost; Σ|gap|; expected SL by the envelope).
    pub objective_value: f64,
    /// Best proven bound on the objective, when known.
    pub lower_bound: Option<f64>,
    /// Relative optimality gap, when a bound is known.
    pub gap: Option<f64>,
    /// Call-weighted expected Erlang C SL of the plan with every queue in one pool at one
    /// threshold, when load and AHT are known (what the `service` objective maximises; each
    /// queue against its own target is [`Summary::per_queue`]).
    #[serde(rename = "expected_sl_pooled")]
    pub expected_sl: Option<f64>,
    /// Paid-hours budget (service objective).
    pub budget_hours: Option<f64>,
    /// Service per queue over the horizon, each queue against its own targets (filled by
    /// [`Schedule::evaluate_per_queue`]; `None` until then).
    pub per_queue: Option<Vec<crate::staffing::evaluate::QueueService>>,
    /// The pooling assumption of `per_queue` (`separate`: the plan's agents split by each
    /// queue's requirement; `pool`: every agent answers every queue).
    pub per_queue_pooling: Option<String>,
}

/// A solved plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Why the solver stopped.
    pub termination: Termination,
    /// Every planned shift (one per agent-shift), sorted by start.
    pub shifts: Vec<Shift>,
    /// Coverage per interval.
    pub coverage: Vec<CoverageRow>,
    /// Totals.
    pub summary: Summary,
    /// Day labels (date or weekday name) per day index.
    pub day_labels: Vec<String>,
}

/// Lays the requirement on the rules' planning interval.
fn planning_requirement(
    req: &Requirement,
    rules: &ShiftRules,
) -> Result<Requirement, ScheduleError> {
    match rules.interval {
        Some(i) if i != req.interval() => req.refined(i),
        _ => Ok(req.clone()),
    }
}

/// SL curves and call weights per interval (weights sum to 1).
fn service_inputs(
    req: &Requirement,
    threshold: Secs,
) -> Result<(Vec<Option<SlCurve>>, Vec<f64>), ScheduleError> {
    let (Some(load), Some(aht)) = (req.load(), req.aht_secs()) else {
        return Err(ScheduleError::NoLoad);
    };
    let secs = f64::from(req.interval().seconds());
    let calls: Vec<f64> = load
        .iter()
        .zip(aht)
        .map(|(l, a)| if *a > 0.0 { l * secs / a } else { 0.0 })
        .collect();
    let total: f64 = calls.iter().sum();
    if total <= 0.0 {
        return Err(ScheduleError::NoLoad);
    }
    let curves = load
        .iter()
        .zip(aht)
        .map(|(&l, &a)| {
            (l > 0.0 && a > 0.0).then(|| {
                let cap = (l + 8.0 * l.sqrt() + 10.0).ceil().min(5000.0) as u32;
                SlCurve::new(l, a, threshold.value(), cap)
            })
        })
        .collect();
    Ok((curves, calls.iter().map(|c| c / total).collect()))
}

fn grid_value(inst: &Instance, obj: &GridObjective<'_>, shifts: &[ShiftInstance]) -> f64 {
    let cov = inst.coverage(shifts);
    match obj {
        GridObjective::Cost => inst.cost(shifts),
        GridObjective::Gap => cov.iter().zip(&inst.req).map(|(c, r)| (c - r).abs()).sum(),
        GridObjective::Service {
            curves, weights, ..
        } => cov
            .iter()
            .enumerate()
            .map(|(t, &n)| {
                curves[t]
                    .as_ref()
                    .map_or(0.0, |c| weights[t] * c.envelope(n))
            })
            .sum(),
    }
}

fn feasible(inst: &Instance, obj: &GridObjective<'_>, shifts: &[ShiftInstance]) -> bool {
    if !inst.within_limits(shifts) {
        return false;
    }
    match obj {
        GridObjective::Cost => inst
            .coverage(shifts)
            .iter()
            .zip(&inst.req)
            .all(|(c, r)| c + 1e-9 >= *r),
        GridObjective::Gap => true,
        GridObjective::Service { budget_hours, .. } => {
            inst.paid_hours(shifts) <= budget_hours + 1e-6
        }
    }
}

fn rel_gap(maximise: bool, inc: f64, bound: f64) -> f64 {
    let diff = if maximise { bound - inc } else { inc - bound };
    if diff.abs() < 1e-9 {
        0.0
    } else {
        diff.max(0.0) / inc.abs().max(1e-9)
    }
}

/// Solves the shift-planning problem without progress reports. See [`solve_observed`].
///
/// # Errors
/// As [`solve_observed`].
pub fn solve(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &SolveOptions,
) -> Result<Schedule, ScheduleError> {
    solve_observed(req, rules, opts, &mut Silent)
}

/// Solves the shift-planning problem: the MIP (with the greedy plan as warm start), falling back
/// to the heuristic when the MIP finds nothing in time. Infeasibility is a [`Termination`], not an
/// error.
///
/// # Errors
/// [`ScheduleError::OffGrid`] when a template does not fit the planning interval,
/// [`ScheduleError::BadRequirement`] when the planning interval does not divide the
/// requirement's, [`ScheduleError::NoLoad`] for the service objective without load.
pub fn solve_observed(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &SolveOptions,
    obs: &mut dyn Observer,
) -> Result<Schedule, ScheduleError> {
    solve_impl(req, rules, opts, obs, None).map(|(s, _)| s)
}

/// Plans the week as tours (rules `[tours]`: days-on patterns, weekly paid hours, minimum rest;
/// see [`tours`]) and builds the explicit tours, reporting every rule they still break.
///
/// # Errors
/// As [`solve_observed`]; [`ScheduleError::BadOption`] when the rules have no `[tours]`
/// section; [`ScheduleError::BadRequirement`] unless the horizon is 7 days.
pub fn solve_tours(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &SolveOptions,
    obs: &mut dyn Observer,
) -> Result<tours::TourPlan, ScheduleError> {
    let Some(tr) = &rules.tours else {
        return Err(ScheduleError::BadRequirement {
            reason: "weekly tours need shift rules with a [tours] section (days_on, min_weekly_hours, …)".into(),
        });
    };
    if req.days() != 7 {
        return Err(ScheduleError::BadRequirement {
            reason: format!(
                "weekly tours need a 7-day horizon, got {} day(s)",
                req.days()
            ),
        });
    }
    let (sched, counts) = solve_impl(req, rules, opts, obs, Some(tr))?;
    let pats = tours::patterns(tr);
    let counts = counts.unwrap_or_else(|| vec![0; pats.len()]);
    obs.stage("building explicit tours");
    tours::build_tours(sched, tr, &pats, &counts, req.weekday(0), rules.week_wraps)
}

fn solve_impl(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &SolveOptions,
    obs: &mut dyn Observer,
    tour_rules: Option<&TourRules>,
) -> Result<(Schedule, Option<Vec<u32>>), ScheduleError> {
    let started = Instant::now();
    let preq = planning_requirement(req, rules)?;
    obs.stage("building the model");
    let inst = Instance::new(&preq, rules)?;
    let service = match opts.objective {
        Objective::Service => Some(service_inputs(&preq, opts.sl_threshold)?),
        _ => None,
    };
    let budget = match service_budget(req, rules, opts, obs)? {
        Ok(b) => b,
        Err(reason) => {
            return Ok((
                empty_schedule(&preq, &inst, opts, started, reason, None),
                None,
            ))
        }
    };
    let obj = grid_objective(opts.objective, service.as_ref(), budget);
    let maximise = matches!(obj, GridObjective::Service { .. });
    if let Some(reason) = uncoverable_reason(&inst, &preq, &obj) {
        return Ok((
            empty_schedule(&preq, &inst, opts, started, reason, budget),
            None,
        ));
    }
    obs.stage("greedy plan");
    let greedy_plan = greedy::greedy(&inst, &obj, Vec::new());
    obs.stage("formulating the MIP");
    let mut form = Formulation::build(&inst, &obj);
    let tour_cols = tour_rules.map(|t| tours::add_tour_model(&inst, &mut form, t));
    let mut mip_values: Option<Vec<f64>> = None;
    obs.stage("LP relaxation");
    let root = form.lp.solve(
        true,
        opts.backend,
        opts.limits_after(started.elapsed()),
        0.0,
        None,
    );
    let root_bound =
        (root.kind == lp::LpKind::Optimal).then(|| form.lp.round_bound(root.objective));
    let root_infeasible = root.kind == lp::LpKind::Infeasible;
    let mut heur = greedy_plan;
    if root.kind == lp::LpKind::Optimal {
        match opts.method {
            Method::Heuristic => {
                obs.stage("LP diving");
                let budget = opts.limits_after(started.elapsed());
                if let Some(d) =
                    greedy::dive(&inst, &form, &obj, opts.backend, &root.values, budget)
                {
                    heur = best_of(&inst, &obj, maximise, heur, d);
                }
            }
            Method::Auto | Method::Greedy => {}
        }
    }
    let heur_ok = feasible(&inst, &obj, &heur);
    let limits = opts.limits_after(started.elapsed());
    let heuristic_result = |why: String, bound: Option<f64>, proven_infeasible: bool| {
        let v = grid_value(&inst, &obj, &heur);
        if heur_ok {
            Termination::Heuristic {
                why,
                bound,
                gap: bound.map(|b| rel_gap(maximise, v, b)),
            }
        } else {
            Termination::Infeasible {
                reason: infeasible_reason(&inst, proven_infeasible),
            }
        }
    };
    let (shifts, termination, solver) = match opts.method {
        Method::Heuristic => {
            let term = heuristic_result(
                "requested (--method heuristic)".into(),
                root_bound,
                root_infeasible,
            );
            (heur.clone(), term, "greedy+lp-diving".to_string())
        }
        Method::Greedy => {
            let term = heuristic_result(
                "requested (--method greedy)".into(),
                root_bound,
                root_infeasible,
            );
            (heur.clone(), term, "greedy".to_string())
        }
        // CBC crashed (SIGSEGV, CBC 2.10.8) when started with under a second left and a warm
        // start on the 28-day demo instance; with no time left the heuristic plan is the answer.
        Method::Auto
            if !root_infeasible && limits.time.is_some_and(|t| t < Duration::from_secs(1)) =>
        {
            (
                heur.clone(),
                heuristic_result(no_time_left(started, opts), root_bound, false),
                "greedy".to_string(),
            )
        }
        Method::Auto if root_infeasible => (
            Vec::new(),
            Termination::Infeasible {
                reason: infeasible_reason(&inst, true),
            },
            opts.backend.name().to_string(),
        ),
        Method::Auto => {
            let mip = Mip {
                inst: &inst,
                form: &form,
                obj: &obj,
                maximise,
                root: &root,
                root_bound,
                with_tours: tour_cols.is_some(),
            };
            let (plan, term, solver, values) = mip.solve(opts, obs, limits, &heur, heur_ok);
            mip_values = values;
            (plan, term, solver)
        }
    };
    let value = grid_value(&inst, &obj, &shifts);
    let (bound, gap) = bound_and_gap(&termination, value);
    let counts = match (&tour_cols, &mip_values) {
        (Some(tc), Some(v)) => Some(tc.z.iter().map(|&c| v[c].round().max(0.0) as u32).collect()),
        _ => None,
    };
    let sched = assemble(
        &preq,
        rules,
        &inst,
        opts,
        shifts,
        termination,
        solver,
        value,
        bound,
        gap,
        budget,
        started,
    );
    Ok((sched, counts))
}

/// Why the cost objective cannot be met: intervals with required agents that no allowed shift
/// start covers (`None` when every one is coverable, or for the other objectives).
fn uncoverable_reason(
    inst: &Instance,
    preq: &Requirement,
    obj: &GridObjective<'_>,
) -> Option<String> {
    if !matches!(obj, GridObjective::Cost) {
        return None;
    }
    let bad = inst.uncoverable();
    let &t = bad.first()?;
    Some(format!(
        "{} interval(s) with required agents are covered by no allowed shift start; first: {} (required {})",
        bad.len(),
        preq.label(t),
        preq.required()[t]
    ))
}

/// The heuristic's reason when the greedy plan and the LP relaxation used the time limit.
fn no_time_left(started: Instant, opts: &SolveOptions) -> String {
    format!(
        "no time left for the MIP: the greedy plan and the LP relaxation used {:.1} s of the {:.0}-s limit",
        started.elapsed().as_secs_f64(),
        opts.time_limit.unwrap_or_default().as_secs_f64()
    )
}

/// What [`solve_impl`] has ready when it starts the MIP: the grid, the formulation, the
/// objective and the LP relaxation at the root.
struct Mip<'a> {
    inst: &'a Instance,
    form: &'a Formulation,
    obj: &'a GridObjective<'a>,
    maximise: bool,
    root: &'a lp::LpResult,
    root_bound: Option<f64>,
    /// Tours are modelled: the heuristic plans ignore their rows.
    with_tours: bool,
}

impl Mip<'_> {
    /// Solves the MIP warm-started from `heur` (when feasible): the plan, why the search
    /// stopped, the solver's name and the MIP's column values (when it has an incumbent). With
    /// no incumbent the heuristic plan, improved by LP diving, is the answer.
    fn solve(
        &self,
        opts: &SolveOptions,
        obs: &mut dyn Observer,
        limits: lp::Limits,
        heur: &[ShiftInstance],
        heur_ok: bool,
    ) -> (Vec<ShiftInstance>, Termination, String, Option<Vec<f64>>) {
        let mut mip_values = None;
        obs.stage(&format!(
            "solving the MIP with {} ({} columns, {} rows; {}; warm start {:.2})",
            opts.backend.name(),
            self.form.lp.cols.len(),
            self.form.lp.rows.len(),
            limits_text(limits),
            grid_value(self.inst, self.obj, heur),
        ));
        let warm = if heur_ok {
            self.form.encode(self.inst, heur, self.obj)
        } else {
            None
        };
        let res = self
            .form
            .lp
            .solve(false, opts.backend, limits, opts.mip_gap, warm.as_deref());
        let backend = opts.backend.name().to_string();
        let (plan, term, solver) = match res.kind {
            lp::LpKind::Optimal => {
                mip_values = Some(res.values.clone());
                (
                    self.form.extract(self.inst, &res.values),
                    Termination::Optimal,
                    backend,
                )
            }
            lp::LpKind::Infeasible => (
                Vec::new(),
                Termination::Infeasible {
                    reason: infeasible_reason(self.inst, true),
                },
                backend,
            ),
            lp::LpKind::Stopped(stop) if res.has_incumbent => {
                let mip = self.form.extract(self.inst, &res.values);
                mip_values = Some(res.values.clone());
                // With tours the heuristic plans ignore the tour rows: keep the MIP's.
                let pick = if self.with_tours {
                    mip
                } else {
                    best_of(self.inst, self.obj, self.maximise, heur.to_vec(), mip)
                };
                let v = grid_value(self.inst, self.obj, &pick);
                let bound = best_bound(self.maximise, res.bound, self.root_bound);
                let gap = bound.map(|b| rel_gap(self.maximise, v, b));
                let term = match stop {
                    lp::Stop::Nodes => Termination::NodeLimit {
                        incumbent: v,
                        bound,
                        gap,
                    },
                    lp::Stop::Time => Termination::TimeLimit {
                        incumbent: v,
                        bound,
                        gap,
                    },
                };
                (pick, term, backend)
            }
            other => {
                let why = match other {
                    lp::LpKind::Stopped(_) => {
                        format!("the MIP found no incumbent within {}", limits_text(limits))
                    }
                    lp::LpKind::Failed(m) => format!("the MIP solver failed: {m}"),
                    k => format!("the MIP solver stopped: {k:?}"),
                };
                let bound = best_bound(self.maximise, res.bound, self.root_bound);
                // LP diving: bounded by its round count and the node limit, and by a tenth
                // of the time limit on top when one is given (see docs/schedule.md).
                let mut plan = heur.to_vec();
                if self.root.kind == lp::LpKind::Optimal {
                    obs.stage("no MIP incumbent: LP diving fallback");
                    let budget = lp::Limits {
                        nodes: opts.node_limit,
                        time: opts.time_limit.map(|t| t / 10),
                    };
                    if let Some(d) = greedy::dive(
                        self.inst,
                        self.form,
                        self.obj,
                        opts.backend,
                        &self.root.values,
                        budget,
                    ) {
                        plan = best_of(self.inst, self.obj, self.maximise, plan, d);
                    }
                }
                let v = grid_value(self.inst, self.obj, &plan);
                let term = if feasible(self.inst, self.obj, &plan) {
                    Termination::Heuristic {
                        why,
                        bound,
                        gap: bound.map(|b| rel_gap(self.maximise, v, b)),
                    }
                } else {
                    Termination::Infeasible {
                        reason: infeasible_reason(self.inst, false),
                    }
                };
                (plan, term, "greedy+lp-diving".to_string())
            }
        };
        (plan, term, solver, mip_values)
    }
}

/// The paid-hours budget of the service objective: the given one, or the minimum-cost plan's
/// (`Err` with the reason when that plan is infeasible); `None` for the other objectives.
fn service_budget(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &SolveOptions,
    obs: &mut dyn Observer,
) -> Result<Result<Option<f64>, String>, ScheduleError> {
    Ok(match (opts.objective, opts.budget_hours) {
        (Objective::Service, Some(b)) => Ok(Some(b)),
        (Objective::Service, None) => {
            obs.stage("service objective: finding the minimum-cost budget");
            let base = solve_observed(
                req,
                rules,
                &opts.clone().with_objective(Objective::Cost),
                obs,
            )?;
            if let Termination::Infeasible { reason } = base.termination {
                return Ok(Err(reason));
            }
            Ok(Some(base.summary.paid_agent_hours))
        }
        _ => Ok(None),
    })
}

/// The objective on the grid: service for a budget when SL curves are known, else gap or cost.
fn grid_objective<'a>(
    objective: Objective,
    service: Option<&'a (Vec<Option<SlCurve>>, Vec<f64>)>,
    budget: Option<f64>,
) -> GridObjective<'a> {
    match (service, budget) {
        (Some((curves, weights)), Some(b)) => GridObjective::Service {
            curves,
            weights,
            budget_hours: b,
        },
        _ => match objective {
            Objective::Gap => GridObjective::Gap,
            _ => GridObjective::Cost,
        },
    }
}

/// The bound and relative gap a termination reports (`value` is the plan's objective value).
fn bound_and_gap(termination: &Termination, value: f64) -> (Option<f64>, Option<f64>) {
    match termination {
        Termination::Optimal => (Some(value), Some(0.0)),
        Termination::NodeLimit { bound, gap, .. }
        | Termination::TimeLimit { bound, gap, .. }
        | Termination::Heuristic { bound, gap, .. } => (*bound, *gap),
        Termination::Infeasible { .. } => (None, None),
    }
}

/// The limits for a stage message: `node limit 2000`, `node limit 2000, time limit 30 s`.
fn limits_text(l: lp::Limits) -> String {
    let nodes = l
        .nodes
        .map_or("no node limit".to_string(), |n| format!("node limit {n}"));
    match l.time {
        Some(t) => format!("{nodes}, time limit {:.0} s", t.as_secs_f64()),
        None => nodes,
    }
}

/// The tighter of two bounds.
fn best_bound(maximise: bool, a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if maximise { x.min(y) } else { x.max(y) }),
        (x, y) => x.or(y),
    }
}

fn best_of(
    inst: &Instance,
    obj: &GridObjective<'_>,
    maximise: bool,
    a: Vec<ShiftInstance>,
    b: Vec<ShiftInstance>,
) -> Vec<ShiftInstance> {
    match (feasible(inst, obj, &a), feasible(inst, obj, &b)) {
        (true, false) => a,
        (false, true) => b,
        _ => {
            let (va, vb) = (grid_value(inst, obj, &a), grid_value(inst, obj, &b));
            let b_better = if maximise {
                vb > va + 1e-9
            } else {
                vb < va - 1e-9
            };
            if b_better {
                b
            } else {
                a
            }
        }
    }
}

fn infeasible_reason(inst: &Instance, proven: bool) -> String {
    let bad = inst.uncoverable();
    if !bad.is_empty() {
        return format!(
            "{} interval(s) with required agents are covered by no allowed shift start",
            bad.len()
        );
    }
    let mut limits = Vec::new();
    if let Some(m) = inst.max_shifts_per_day {
        limits.push(format!("max_shifts_per_day = {m}"));
    }
    for tp in &inst.templates {
        if let Some(m) = tp.max_per_day {
            limits.push(format!("{}.max_per_day = {m}", tp.name));
        }
        if let Some(m) = tp.max_total {
            limits.push(format!("{}.max_total = {m}", tp.name));
        }
        if let Some(m) = tp.min_total {
            limits.push(format!("{}.min_total = {m}", tp.name));
        }
    }
    format!(
        "{}the limits ({}) do not allow enough shifts to cover every interval; peak requirement {}",
        if proven { "proven by the MIP: " } else { "" },
        if limits.is_empty() {
            "none set".to_string()
        } else {
            limits.join(", ")
        },
        inst.req.iter().copied().fold(0.0, f64::max)
    )
}

fn empty_schedule(
    preq: &Requirement,
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
    reason: String,
    budget: Option<f64>,
) -> Schedule {
    let rules_stub = ShiftRules {
        interval: None,
        week_wraps: inst.cyclic,
        operating_hours: None,
        max_shifts_per_day: None,
        templates: Vec::new(),
        tours: None,
    };
    assemble(
        preq,
        &rules_stub,
        inst,
        opts,
        Vec::new(),
        Termination::Infeasible { reason },
        opts.backend.name().to_string(),
        f64::NAN,
        None,
        None,
        budget,
        started,
    )
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    preq: &Requirement,
    rules: &ShiftRules,
    inst: &Instance,
    opts: &SolveOptions,
    mut shifts: Vec<ShiftInstance>,
    termination: Termination,
    solver: String,
    value: f64,
    bound: Option<f64>,
    gap: Option<f64>,
    budget: Option<f64>,
    started: Instant,
) -> Schedule {
    shifts.sort_by_key(|s| {
        (
            inst.cands[s.cand].start,
            inst.cands[s.cand].template,
            s.breaks.clone(),
        )
    });
    let m = inst.minutes;
    let cov = inst.coverage(&shifts);
    let h = inst.hours_per_interval();
    let out: Vec<Shift> = shifts
        .iter()
        .map(|s| {
            let c = inst.cands[s.cand];
            let tp = &inst.templates[c.template];
            let rule_breaks = rules
                .templates
                .iter()
                .find(|t| t.name == tp.name)
                .map(|t| t.breaks.clone())
                .unwrap_or_default();
            let end = c.start + tp.len;
            Shift {
                template: tp.name.clone(),
                day: c.day,
                weekday: preq.weekday(c.day),
                start_min: preq.wall_minutes(c.start),
                end_min: preq.wall_minutes(end),
                offsets_secs: preq
                    .local_stamp(c.start)
                    .zip(preq.local_stamp(end))
                    .and_then(|(a, b)| a.offset_secs.zip(b.offset_secs)),
                paid_hours: tp.paid_hours,
                cost: tp.cost,
                breaks: s
                    .breaks
                    .iter()
                    .zip(&rule_breaks)
                    .map(|(&u, br)| PlannedBreak {
                        name: br.name.clone(),
                        start_min: preq.wall_minutes(u),
                        length_min: br.length_min,
                        paid: br.paid,
                    })
                    .collect(),
            }
        })
        .collect();
    let sl: Option<Vec<f64>> = match (preq.load(), preq.aht_secs()) {
        (Some(load), Some(aht)) => Some(
            (0..inst.t_len)
                .map(|t| {
                    service::service_level(
                        cov[t].max(0.0).round() as u32,
                        load[t],
                        aht[t],
                        opts.sl_threshold.value(),
                    )
                })
                .collect(),
        ),
        _ => None,
    };
    let coverage: Vec<CoverageRow> = (0..inst.t_len)
        .map(|t| CoverageRow {
            interval_start: preq.label(t),
            required: inst.req[t],
            scheduled: cov[t],
            gap: cov[t] - inst.req[t],
            expected_sl: sl.as_ref().map(|v| v[t]),
        })
        .collect();
    let required_h: f64 = inst.req.iter().sum::<f64>() * h;
    let over: f64 = coverage.iter().map(|r| r.gap.max(0.0)).sum::<f64>() * h;
    let under: f64 = coverage.iter().map(|r| (-r.gap).max(0.0)).sum::<f64>() * h;
    let expected_sl = match (preq.load(), preq.aht_secs(), &sl) {
        (Some(load), Some(aht), Some(sl)) => {
            let mut num = 0.0;
            let mut den = 0.0;
            for t in 0..inst.t_len {
                if aht[t] > 0.0 && load[t] > 0.0 {
                    let calls = load[t] / aht[t];
                    num += calls * sl[t];
                    den += calls;
                }
            }
            (den > 0.0).then(|| num / den)
        }
        _ => None,
    };
    let pct = |v: f64| {
        if required_h > 0.0 {
            100.0 * v / required_h
        } else {
            0.0
        }
    };
    let status_detail = match &termination {
        Termination::Infeasible { reason } => Some(reason.clone()),
        Termination::Heuristic { why, .. } => Some(why.clone()),
        _ => None,
    };
    let summary = Summary {
        objective: opts.objective.name().to_string(),
        status: termination.name().to_string(),
        status_detail,
        solver,
        seconds: started.elapsed().as_secs_f64(),
        node_limit: opts.node_limit,
        time_limit_seconds: opts.time_limit.map(|t| t.as_secs_f64()),
        interval_minutes: m,
        shifts: out.len(),
        paid_agent_hours: out.iter().map(|s| s.paid_hours).sum(),
        cost: out.iter().map(|s| s.cost).sum(),
        requirement_basis: preq.basis().name().to_string(),
        required_agent_hours: required_h,
        net_agent_hours: preq.net_agent_hours(),
        scheduled_agent_hours: required_h,
        on_phone_agent_hours: cov.iter().sum::<f64>() * h,
        over_agent_hours: over,
        under_agent_hours: under,
        over_pct: pct(over),
        under_pct: pct(under),
        understaffed_intervals: coverage.iter().filter(|r| r.gap < -1e-9).count(),
        abs_gap_agent_intervals: coverage.iter().map(|r| r.gap.abs()).sum(),
        objective_value: value,
        lower_bound: bound,
        gap,
        expected_sl,
        budget_hours: budget,
        per_queue: None,
        per_queue_pooling: None,
    };
    Schedule {
        termination,
        shifts: out,
        coverage,
        summary,
        day_labels: (0..preq.days()).map(|d| preq.day_label(d)).collect(),
    }
}
