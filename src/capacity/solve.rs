//! Solving the capacity MIP and reporting the plan: status, objective, bound, gap, weekly rows,
//! totals — or the first week that no plan can cover.

use std::time::Duration;

use chrono::NaiveDate;

use crate::capacity::evaluate::{evaluate, first_violation, WeekRow};
use crate::capacity::mip::{formulate, Formulation, Limits};
use crate::capacity::CapacityInput;
use crate::schedule::lp::{self, LpKind, LpResult};
use crate::schedule::Backend;

/// Which exact method solves the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// The dynamic program over class starts (`src/capacity/dp.rs`); the MIP when the DP's
    /// plan breaks the headcount cap or a budget, no plan covers the hard limits, or the DP's
    /// work limits are exceeded.
    #[default]
    Auto,
    /// The weekly MIP only.
    Mip,
}

/// How to solve.
#[derive(Debug, Clone, Copy)]
pub struct SolveOptions {
    /// MIP engine (the MIP, and the diagnosis of infeasible plans). Defaults to
    /// [`Backend::best_available`].
    pub backend: Backend,
    /// Wall-clock limit of one MIP solve. Defaults to 60 s.
    pub time_limit: Duration,
    /// DP or MIP. Defaults to [`Method::Auto`].
    pub method: Method,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            backend: Backend::best_available(),
            time_limit: Duration::from_secs(60),
            method: Method::Auto,
        }
    }
}

/// Why the solver stopped (STYLE.md C12).
#[derive(Debug, Clone, PartialEq)]
pub enum PlanStatus {
    /// Proven optimal.
    Optimal,
    /// The time limit stopped the search with a plan in hand (see the gap).
    TimeLimit,
    /// No plan meets the hard limits.
    Infeasible(Uncoverable),
    /// The solver stopped without a plan (time limit before a first plan, or a failure).
    NoPlan(String),
}

impl PlanStatus {
    /// Short name for reports.
    pub fn name(&self) -> &'static str {
        match self {
            PlanStatus::Optimal => "optimal",
            PlanStatus::TimeLimit => "time limit",
            PlanStatus::Infeasible(_) => "infeasible",
            PlanStatus::NoPlan(_) => "no plan",
        }
    }
}

/// The first week that cannot be covered, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncoverable {
    /// Week index.
    pub week: usize,
    /// Its first day.
    pub week_start: NaiveDate,
    /// Required effective FTE that week.
    pub required_fte: f64,
    /// The most effective FTE plus overtime any plan can put on the floor that week while
    /// meeting every earlier week (`None` when the limits fail before coverage is reached).
    pub max_coverable: Option<f64>,
    /// The limit that makes the week uncoverable.
    pub reason: String,
}

/// Sums over the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    /// People hired.
    pub hires: u64,
    /// Classes run.
    pub classes: usize,
    /// Total cost.
    pub cost: f64,
    /// Hiring cost.
    pub hire_cost: f64,
    /// Class cost.
    pub class_cost: f64,
    /// Wages, floor and trainees.
    pub wage_cost: f64,
    /// Overtime cost.
    pub overtime_cost: f64,
    /// Under-staffing penalty.
    pub under_cost: f64,
    /// Overtime, FTE-weeks.
    pub overtime_fte_weeks: f64,
    /// Under-staffing, FTE-weeks.
    pub under_fte_weeks: f64,
    /// Weeks with under-staffing.
    pub under_weeks: usize,
    /// Largest `N[t] + trainees[t]`.
    pub peak_headcount: f64,
    /// `N[T−1]`: productive agents in the last week.
    pub final_productive: f64,
}

impl Totals {
    /// Totals of weekly rows under `input`'s costs.
    pub fn of(input: &CapacityInput, rows: &[WeekRow]) -> Totals {
        let c = &input.costs;
        let mut t = Totals::default();
        for r in rows {
            t.hires += u64::from(r.hires_started);
            t.classes += usize::from(r.class_open);
            t.cost += r.cost;
            t.hire_cost += c.hire * f64::from(r.hires_started);
            t.class_cost += if r.class_open { c.class } else { 0.0 };
            t.wage_cost += c.wage * (r.productive + r.in_training);
            t.overtime_cost += c.overtime * r.overtime;
            t.under_cost += c.under.unwrap_or(0.0) * r.under;
            t.overtime_fte_weeks += r.overtime;
            t.under_fte_weeks += r.under;
            t.under_weeks += usize::from(r.under > crate::capacity::evaluate::COVER_TOL);
            t.peak_headcount = t.peak_headcount.max(r.productive + r.in_training);
        }
        t.final_productive = rows.last().map_or(0.0, |r| r.productive);
        t
    }
}

/// A solved capacity plan.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityPlan {
    /// Why the solver stopped.
    pub status: PlanStatus,
    /// The method used: `dp`, or the MIP engine (`cbc`, `microlp`).
    pub solver: &'static str,
    /// Total cost of the plan (the sum of the rows' costs); NaN without a plan.
    pub objective: f64,
    /// Best proven lower bound on the optimum, when known.
    pub bound: Option<f64>,
    /// `(objective − bound) / max(|objective|, 1)`, when the bound is known.
    pub gap: Option<f64>,
    /// Hires per week (0 outside class starts).
    pub hires: Vec<u32>,
    /// The weekly rows (empty without a plan).
    pub weeks: Vec<WeekRow>,
    /// Sums over the horizon.
    pub totals: Totals,
}

/// Relative tolerance between the solver's objective and the recomputed rows.
const OBJ_TOL: f64 = 1e-6;

fn solve_lp(f: &Formulation, opts: &SolveOptions, initial: Option<&[f64]>) -> LpResult {
    let limits = lp::Limits {
        nodes: None,
        time: Some(opts.time_limit),
    };
    f.lp.solve(false, opts.backend, limits, 0.0, initial)
}

/// The optimal hiring plan of `input` (issue #15's weekly model).
///
/// The rows are evaluated from the solver's integer hires by the model's recurrences
/// ([`evaluate()`]); the objective is their total cost, checked against the solver's to
/// [`OBJ_TOL`] relative.
pub fn plan_capacity(input: &CapacityInput, opts: &SolveOptions) -> CapacityPlan {
    if opts.method == Method::Auto {
        if let Some(plan) = plan_by_dp(input) {
            return plan;
        }
    }
    plan_by_mip(input, opts)
}

/// The DP's plan when it applies: it meets every hard limit (the DP leaves out the headcount
/// cap and the per-week budget) and its rows cost what the DP computed.
fn plan_by_dp(input: &CapacityInput) -> Option<CapacityPlan> {
    let dp = crate::capacity::dp::solve(input)?;
    let rows = evaluate(input, &dp.hires);
    if first_violation(input, &rows).is_some() {
        return None;
    }
    let totals = Totals::of(input, &rows);
    let objective = totals.cost;
    if (objective - dp.cost).abs() > OBJ_TOL * objective.abs().max(1.0) {
        return None;
    }
    let bound = dp.bound.min(objective);
    Some(CapacityPlan {
        status: PlanStatus::Optimal,
        solver: "dp",
        objective,
        bound: Some(bound),
        gap: Some((objective - bound) / objective.abs().max(1.0)),
        hires: dp.hires,
        weeks: rows,
        totals,
    })
}

/// The optimal hiring plan by the weekly MIP.
fn plan_by_mip(input: &CapacityInput, opts: &SolveOptions) -> CapacityPlan {
    let weeks = input.weeks();
    let f = formulate(input, weeks, Limits::ALL);
    // Warm start: no hires at all, when that is feasible (under-staffing allowed, no caps hit).
    let none = vec![0u32; weeks];
    let zero_rows = evaluate(input, &none);
    let warm = first_violation(input, &zero_rows)
        .is_none()
        .then(|| f.point(&zero_rows, &none));
    let res = solve_lp(&f, opts, warm.as_deref());
    let no_plan = |status: PlanStatus| CapacityPlan {
        status,
        solver: opts.backend.name(),
        objective: f64::NAN,
        bound: res.bound,
        gap: None,
        hires: Vec::new(),
        weeks: Vec::new(),
        totals: Totals::default(),
    };
    let status = match &res.kind {
        LpKind::Optimal => PlanStatus::Optimal,
        LpKind::Stopped(_) if res.has_incumbent => PlanStatus::TimeLimit,
        LpKind::Infeasible => return no_plan(PlanStatus::Infeasible(diagnose(input, opts))),
        LpKind::Stopped(_) => {
            return no_plan(PlanStatus::NoPlan(format!(
                "the time limit of {:?} ended the search before a first plan",
                opts.time_limit
            )))
        }
        LpKind::Unbounded => return no_plan(PlanStatus::NoPlan("the MIP is unbounded".into())),
        LpKind::Failed(m) => {
            return no_plan(PlanStatus::NoPlan(format!("the MIP solver failed: {m}")))
        }
    };
    let hires = f.hires(weeks, &res.values);
    let rows = evaluate(input, &hires);
    let totals = Totals::of(input, &rows);
    let objective = totals.cost;
    if let Some((t, why)) = first_violation(input, &rows) {
        return no_plan(PlanStatus::NoPlan(format!(
            "the solver's plan breaks a limit in week {t} after rounding its hires: {why}"
        )));
    }
    if (objective - res.objective).abs() > OBJ_TOL * objective.abs().max(1.0) {
        return no_plan(PlanStatus::NoPlan(format!(
            "the solver's objective {} differs from its plan's cost {objective}",
            res.objective
        )));
    }
    let bound = match status {
        PlanStatus::Optimal => Some(res.bound.unwrap_or(objective).min(objective)),
        _ => res.bound.map(|b| b.min(objective)),
    };
    CapacityPlan {
        status,
        solver: opts.backend.name(),
        objective,
        gap: bound.map(|b| (objective - b) / objective.abs().max(1.0)),
        bound,
        hires,
        weeks: rows,
        totals,
    }
}

fn feasible(input: &CapacityInput, prefix: usize, limits: Limits, opts: &SolveOptions) -> bool {
    let f = formulate(input, prefix, limits);
    matches!(
        solve_lp(&f, opts, None).kind,
        LpKind::Optimal | LpKind::Stopped(_)
    )
}

/// The first week no plan can cover: the shortest infeasible prefix of the horizon (prefixes
/// only add constraints, so feasibility is monotone and a binary search finds it), the most
/// that week can be covered while the earlier weeks are, and which limit binds.
fn diagnose(input: &CapacityInput, opts: &SolveOptions) -> Uncoverable {
    let (mut lo, mut hi) = (0usize, input.weeks());
    // Invariant: prefix `lo` is feasible (the empty prefix is), prefix `hi` is not.
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if feasible(input, mid, Limits::ALL, opts) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let week = hi - 1;
    let without_headcount = Limits {
        headcount: false,
        budget: true,
    };
    let without_budget = Limits {
        headcount: true,
        budget: false,
    };
    let reason = if input.max_headcount.is_some() && feasible(input, hi, without_headcount, opts) {
        format!(
            "the maximum headcount of {} (productive + in training) leaves too few people",
            input.max_headcount.unwrap_or_default()
        )
    } else if (input.budget.total.is_some() || input.budget.per_week.is_some())
        && feasible(input, hi, without_budget, opts)
    {
        "the budget cap does not pay for enough people".to_string()
    } else if input.costs.under.is_some() {
        "the limits on headcount and budget together leave too few people".to_string()
    } else {
        format!(
            "hiring cannot reach it: classes open only in weeks {:?}, at most {} per class, \
             {} training week(s) with {} weekly training attrition, overtime at most {} of the floor",
            input.hiring.class_starts.iter().filter(|&&s| s <= week).collect::<Vec<_>>(),
            input.hiring.max_class,
            input.training.weeks,
            input.training.attrition,
            input.costs.max_overtime
        )
    };
    Uncoverable {
        week,
        week_start: input.grid.date(week),
        required_fte: input.required[week],
        max_coverable: max_coverable(input, hi, opts),
        reason,
    }
}

/// The most effective FTE plus overtime that week `prefix − 1` can have while every earlier
/// week meets its limits (the coverage row of that week relaxed, its left side maximised).
fn max_coverable(input: &CapacityInput, prefix: usize, opts: &SolveOptions) -> Option<f64> {
    let mut f = formulate(input, prefix, Limits::ALL);
    let w = prefix - 1;
    for c in &mut f.lp.cols {
        c.obj = 0.0;
    }
    let row = f.coverage_rows[w];
    f.lp.rows[row].lo = f64::NEG_INFINITY;
    f.lp.cols[f.un[w]].hi = 0.0;
    for &(j, v) in &f.lp.rows[row].terms.clone() {
        f.lp.cols[j].obj += v;
    }
    f.lp.maximise = true;
    let res = solve_lp(&f, opts, None);
    matches!(res.kind, LpKind::Optimal).then_some(res.objective)
}
