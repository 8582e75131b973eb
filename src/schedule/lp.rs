//! A solver-independent sparse (mixed-integer) linear program and its two back ends through
//! `good_lp`: CBC (feature `cbc`, COIN-OR branch-and-cut, needs the system library) and
//! microlp (pure Rust, always available).
//!
//! Keeping our own model lets the scheduler solve the same program as an LP relaxation (for the
//! bound and LP rounding) or as a MIP, check an incumbent against every row itself, and read
//! CBC's best bound after a time limit, which good_lp's generic API does not expose.

use std::time::Duration;

use good_lp::{variable, Expression, ProblemVariables, Solution, SolverModel, Variable};

/// Which MIP engine solves the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// CBC through `coin_cbc` (cargo feature `cbc`).
    Cbc,
    /// microlp, pure Rust (always built).
    MicroLp,
}

impl Backend {
    /// The strongest engine built into this binary: CBC with feature `cbc`, else microlp.
    pub fn best_available() -> Self {
        if cfg!(feature = "cbc") {
            Backend::Cbc
        } else {
            Backend::MicroLp
        }
    }
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cbc => "cbc",
            Backend::MicroLp => "microlp",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Col {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) integer: bool,
    pub(crate) obj: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) terms: Vec<(usize, f64)>,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
}

/// A sparse linear program `opt c·x s.t. lo ≤ A x ≤ hi, bounds, integrality`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lp {
    pub(crate) cols: Vec<Col>,
    pub(crate) rows: Vec<Row>,
    pub(crate) maximise: bool,
}

/// How a solve ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LpKind {
    /// Proven optimal (within the requested relative gap).
    Optimal,
    /// The time limit ended the search; `values` hold the incumbent if `has_incumbent`.
    TimeLimit,
    /// No solution exists.
    Infeasible,
    /// The objective is unbounded.
    Unbounded,
    /// The engine failed or stopped for another reason.
    Failed(String),
}

/// Result of one solve.
#[derive(Debug, Clone)]
pub(crate) struct LpResult {
    pub(crate) kind: LpKind,
    pub(crate) values: Vec<f64>,
    pub(crate) has_incumbent: bool,
    pub(crate) objective: f64,
    /// Best proven bound on the optimum (CBC), if known.
    pub(crate) bound: Option<f64>,
}

/// Feasibility tolerance for checking incumbents (absolute, on rows and bounds).
pub(crate) const FEAS_TOL: f64 = 1e-6;

impl Lp {
    pub(crate) fn add_col(&mut self, lo: f64, hi: f64, integer: bool, obj: f64) -> usize {
        self.cols.push(Col {
            lo,
            hi,
            integer,
            obj,
        });
        self.cols.len() - 1
    }

    pub(crate) fn add_row(&mut self, terms: Vec<(usize, f64)>, lo: f64, hi: f64) {
        self.rows.push(Row { terms, lo, hi });
    }

    pub(crate) fn objective(&self, x: &[f64]) -> f64 {
        self.cols.iter().zip(x).map(|(c, v)| c.obj * v).sum()
    }

    /// The step of the objective over integer solutions: when every column with a nonzero
    /// objective coefficient is integer and the coefficients are multiples of a common `g`
    /// (to 1e-3), the optimum is a multiple of `g` and a bound can be rounded to one.
    pub(crate) fn objective_step(&self) -> Option<f64> {
        let mut g = 0i64;
        for c in self.cols.iter().filter(|c| c.obj != 0.0) {
            let scaled = c.obj.abs() * 1000.0;
            if !c.integer || (scaled - scaled.round()).abs() > 1e-6 {
                return None;
            }
            if scaled >= 9.0e15 {
                return None;
            }
            g = crate::model::gcd(g, scaled.round() as i64);
        }
        (g > 0).then(|| g as f64 / 1000.0)
    }

    /// Rounds a bound on the optimum to the objective step (up when minimising).
    pub(crate) fn round_bound(&self, bound: f64) -> f64 {
        match self.objective_step() {
            Some(g) if self.maximise => ((bound + 1e-6) / g).floor() * g,
            Some(g) => ((bound - 1e-6) / g).ceil() * g,
            None => bound,
        }
    }

    /// Whether `x` satisfies every bound, row and integrality within [`FEAS_TOL`].
    pub(crate) fn is_feasible(&self, x: &[f64]) -> bool {
        self.is_feasible_as(x, false)
    }

    /// As [`Lp::is_feasible`], ignoring integrality when `relax`.
    pub(crate) fn is_feasible_as(&self, x: &[f64], relax: bool) -> bool {
        if x.len() != self.cols.len() {
            return false;
        }
        let cols_ok = self.cols.iter().zip(x).all(|(c, &v)| {
            v.is_finite()
                && v >= c.lo - FEAS_TOL
                && v <= c.hi + FEAS_TOL
                && (relax || !c.integer || (v - v.round()).abs() <= FEAS_TOL)
        });
        cols_ok
            && self.rows.iter().all(|r| {
                let a: f64 = r.terms.iter().map(|&(j, c)| c * x[j]).sum();
                a >= r.lo - FEAS_TOL * (1.0 + r.lo.abs())
                    && a <= r.hi + FEAS_TOL * (1.0 + r.hi.abs())
            })
    }

    fn build(&self, relax: bool) -> (ProblemVariables, Vec<Variable>, Expression) {
        let mut pv = ProblemVariables::new();
        let vars: Vec<Variable> = self
            .cols
            .iter()
            .map(|c| {
                let mut d = variable().min(c.lo);
                if c.hi.is_finite() {
                    d = d.max(c.hi);
                }
                if c.integer && !relax {
                    d = d.integer();
                }
                pv.add(d)
            })
            .collect();
        let mut obj = Expression::with_capacity(self.cols.len());
        for (c, v) in self.cols.iter().zip(&vars) {
            if c.obj != 0.0 {
                obj.add_mul(c.obj, *v);
            }
        }
        (pv, vars, obj)
    }

    fn constraints(&self, vars: &[Variable]) -> Vec<good_lp::Constraint> {
        let mut out = Vec::with_capacity(self.rows.len());
        for r in &self.rows {
            let mut e = Expression::with_capacity(r.terms.len());
            for &(j, c) in &r.terms {
                e.add_mul(c, vars[j]);
            }
            if r.lo == r.hi {
                out.push(e.eq(r.lo));
            } else {
                if r.lo.is_finite() {
                    out.push(e.clone().geq(r.lo));
                }
                if r.hi.is_finite() {
                    out.push(e.leq(r.hi));
                }
            }
        }
        out
    }

    /// Solves the program (or its LP relaxation when `relax`).
    pub(crate) fn solve(
        &self,
        relax: bool,
        backend: Backend,
        time_limit: Duration,
        mip_gap: f64,
        initial: Option<&[f64]>,
    ) -> LpResult {
        match backend {
            #[cfg(feature = "cbc")]
            Backend::Cbc => self.solve_cbc(relax, time_limit, mip_gap, initial),
            #[cfg(not(feature = "cbc"))]
            Backend::Cbc => self.solve_microlp(relax, time_limit, mip_gap, initial),
            Backend::MicroLp => self.solve_microlp(relax, time_limit, mip_gap, initial),
        }
    }

    fn failed(&self, kind: LpKind) -> LpResult {
        LpResult {
            kind,
            values: vec![0.0; self.cols.len()],
            has_incumbent: false,
            objective: f64::NAN,
            bound: None,
        }
    }

    fn on_error(&self, e: good_lp::ResolutionError) -> LpResult {
        match e {
            good_lp::ResolutionError::Infeasible => self.failed(LpKind::Infeasible),
            good_lp::ResolutionError::Unbounded => self.failed(LpKind::Unbounded),
            other => {
                let msg = other.to_string();
                if msg.contains("Time limit") {
                    self.failed(LpKind::TimeLimit)
                } else {
                    self.failed(LpKind::Failed(msg))
                }
            }
        }
    }

    #[cfg(feature = "cbc")]
    fn solve_cbc(
        &self,
        relax: bool,
        time_limit: Duration,
        mip_gap: f64,
        initial: Option<&[f64]>,
    ) -> LpResult {
        use good_lp::{WithInitialSolution, WithMipGap, WithTimeLimit};
        // CBC's C interface keeps some state outside the model (parameter parsing, the clock
        // of `timeMode elapsed`); coin_cbc only locks `solve`. Serialise the whole life of a
        // model so that concurrent callers (tests, `wfm demo`) cannot interleave.
        static CBC: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _guard = CBC
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (pv, vars, obj) = self.build(relax);
        let problem = if self.maximise {
            pv.maximise(obj)
        } else {
            pv.minimise(obj)
        };
        let mut model = problem
            .using(good_lp::solvers::coin_cbc::coin_cbc)
            .with_time_limit(time_limit.as_secs_f64().max(1.0));
        // One thread: `cbc-src` builds CBC without its threads option (CBC 2.10.12's parser then
        // prints "No match for threads" on stdout), and a single thread keeps the search
        // deterministic, so no `threads` parameter is passed.
        // CBC counts CPU seconds by default; on a shared machine that lets a 60-s limit run for
        // minutes of wall-clock time. The limit we promise is wall-clock.
        model.set_parameter("timeMode", "elapsed");
        // Measured on the 15-min week with breaks (docs/schedule.md): CBC's default strong
        // branching and primal heuristics took most of the node time (≈4 nodes/s); without them
        // it runs ≈25 nodes/s and finds the 728-hour plan in a third of the time. The caller
        // always supplies a warm start or falls back to its own heuristics.
        model.set_parameter("strongBranching", "0");
        model.set_parameter("heuristicsOnOff", "off");
        // The library never prints: silence the LP solver's own messages too (`log 0` only
        // covers the branch-and-cut ones; Clp still reports postsolve repairs on stdout).
        model.set_parameter("slogLevel", "0");
        if mip_gap > 0.0 {
            model = match model.with_mip_gap(mip_gap as f32) {
                Ok(m) => m,
                Err(e) => return self.failed(LpKind::Failed(e.to_string())),
            };
        }
        if let Some(x0) = initial.filter(|x| self.is_feasible(x)) {
            model = model.with_initial_solution(vars.iter().copied().zip(x0.iter().copied()));
        }
        for c in self.constraints(&vars) {
            model.add_constraint(c);
        }
        match model.solve() {
            Ok(sol) => {
                let values: Vec<f64> = vars.iter().map(|v| sol.value(*v)).collect();
                let raw = sol.model();
                let proven = raw.is_proven_optimal();
                let has_incumbent = self.is_feasible_as(&values, relax);
                let objective = self.objective(&values);
                let bound = raw.best_possible_value();
                let bound = if relax || (proven && has_incumbent) {
                    Some(objective)
                } else if bound.is_finite() && bound.abs() < 1e40 {
                    Some(self.round_bound(bound))
                } else {
                    None
                };
                let kind = match sol.status() {
                    good_lp::SolutionStatus::Optimal if has_incumbent => LpKind::Optimal,
                    good_lp::SolutionStatus::GapLimit if has_incumbent => LpKind::Optimal,
                    // CBC's presolve can prove infeasibility without setting the "proven
                    // infeasible" flag that good_lp checks; it then hands back a point that
                    // violates the rows. The status flags below tell the two cases apart.
                    good_lp::SolutionStatus::Optimal | good_lp::SolutionStatus::GapLimit
                        if raw.is_proven_infeasible()
                            || raw.is_initial_solve_proven_primal_infeasible()
                            || !raw.is_proven_optimal() =>
                    {
                        LpKind::Infeasible
                    }
                    good_lp::SolutionStatus::Optimal | good_lp::SolutionStatus::GapLimit => {
                        LpKind::Failed("CBC reported a solution that violates the model".into())
                    }
                    good_lp::SolutionStatus::TimeLimit => LpKind::TimeLimit,
                };
                LpResult {
                    kind,
                    values,
                    has_incumbent,
                    objective,
                    bound,
                }
            }
            Err(e) => self.on_error(e),
        }
    }

    fn solve_microlp(
        &self,
        relax: bool,
        time_limit: Duration,
        mip_gap: f64,
        initial: Option<&[f64]>,
    ) -> LpResult {
        use good_lp::{WithInitialSolution, WithMipGap, WithTimeLimit};
        let (pv, vars, obj) = self.build(relax);
        let problem = if self.maximise {
            pv.maximise(obj)
        } else {
            pv.minimise(obj)
        };
        let mut model = problem
            .using(good_lp::solvers::microlp::microlp)
            .with_time_limit(time_limit.as_secs_f64());
        if mip_gap > 0.0 {
            model = match model.with_mip_gap(mip_gap as f32) {
                Ok(m) => m,
                Err(e) => return self.failed(LpKind::Failed(e.to_string())),
            };
        }
        if let Some(x0) = initial.filter(|x| self.is_feasible(x)) {
            model = model.with_initial_solution(vars.iter().copied().zip(x0.iter().copied()));
        }
        for c in self.constraints(&vars) {
            model.add_constraint(c);
        }
        match model.solve() {
            Ok(sol) => {
                let values: Vec<f64> = vars.iter().map(|v| sol.value(*v)).collect();
                let has_incumbent = self.is_feasible_as(&values, relax);
                let objective = self.objective(&values);
                let kind = match sol.status() {
                    good_lp::SolutionStatus::Optimal | good_lp::SolutionStatus::GapLimit
                        if has_incumbent =>
                    {
                        LpKind::Optimal
                    }
                    good_lp::SolutionStatus::TimeLimit => LpKind::TimeLimit,
                    _ => {
                        LpKind::Failed("microlp returned a solution that violates the model".into())
                    }
                };
                LpResult {
                    bound: (kind == LpKind::Optimal).then_some(objective),
                    kind,
                    values,
                    has_incumbent,
                    objective,
                }
            }
            Err(e) => self.on_error(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A knapsack-like cover: min x + y s.t. 2x + 3y ≥ 7, integer → x = 2, y = 1 (cost 3),
    /// LP optimum 7/3.
    fn tiny() -> Lp {
        let mut lp = Lp::default();
        let x = lp.add_col(0.0, f64::INFINITY, true, 1.0);
        let y = lp.add_col(0.0, f64::INFINITY, true, 1.0);
        lp.add_row(vec![(x, 2.0), (y, 3.0)], 7.0, f64::INFINITY);
        lp
    }

    #[test]
    fn mip_and_relaxation_on_each_backend() {
        for b in [Backend::MicroLp, Backend::best_available()] {
            let lp = tiny();
            let mip = lp.solve(false, b, Duration::from_secs(10), 0.0, None);
            assert_eq!(mip.kind, LpKind::Optimal, "{b:?}: {mip:?}");
            assert!((mip.objective - 3.0).abs() < 1e-6, "{b:?}: {mip:?}");
            let rel = lp.solve(true, b, Duration::from_secs(10), 0.0, None);
            assert!((rel.objective - 7.0 / 3.0).abs() < 1e-6, "{b:?}");
        }
    }

    #[test]
    fn infeasible_is_reported() {
        for b in [Backend::MicroLp, Backend::best_available()] {
            let mut lp = tiny();
            lp.add_row(vec![(0, 1.0), (1, 1.0)], f64::NEG_INFINITY, 1.0);
            let r = lp.solve(false, b, Duration::from_secs(10), 0.0, None);
            assert_eq!(r.kind, LpKind::Infeasible, "{b:?}");
        }
    }
}
