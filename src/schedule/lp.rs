//! A solver-independent sparse (mixed-integer) linear program and its two back ends: CBC
//! (feature `cbc`, COIN-OR branch-and-cut built from source by `cbc-src`, through `coin_cbc`)
//! and microlp (pure Rust, always available).
//!
//! Keeping our own model lets the scheduler solve the same program as an LP relaxation (for the
//! bound and LP rounding) or as a MIP, check an incumbent against every row itself, read the
//! best bound after a limit, and stop the search on a deterministic node limit with the
//! incumbent kept (good_lp's generic API exposes none of the three).

use std::time::Duration;

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
    /// CBC only: keep its default search (strong branching and primal heuristics on). Off by
    /// default: the large scheduling models run faster without them (see `solve_cbc`); small
    /// models with a flat objective and a weak relaxation (the capacity plan) need them.
    pub(crate) cbc_default_search: bool,
}

/// When a search may stop before it proves optimality: at the first limit reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Limits {
    /// Branch-and-bound nodes (the root LP is not a node). Deterministic: the same program
    /// explores the same nodes on an idle or a loaded machine. `None`: no node limit.
    pub(crate) nodes: Option<u64>,
    /// Wall-clock time. Timing-dependent: how far the search gets depends on the machine and
    /// its load. `None`: no time limit.
    pub(crate) time: Option<Duration>,
}

/// Which limit ended a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The node limit (deterministic).
    Nodes,
    /// The wall-clock limit.
    Time,
}

/// How a solve ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LpKind {
    /// Proven optimal (within the requested relative gap).
    Optimal,
    /// A limit ended the search; `values` hold the incumbent if `has_incumbent`.
    Stopped(Stop),
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
    /// Best proven bound on the optimum, if known.
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

    /// Row terms with repeated columns summed and zero coefficients dropped, sorted by column.
    fn merged_terms(r: &Row) -> Vec<(usize, f64)> {
        let mut t = r.terms.clone();
        t.sort_by_key(|&(j, _)| j);
        let mut out: Vec<(usize, f64)> = Vec::with_capacity(t.len());
        for (j, a) in t {
            match out.last_mut() {
                Some((k, b)) if *k == j => *b += a,
                _ => out.push((j, a)),
            }
        }
        out.retain(|&(_, a)| a != 0.0);
        out
    }

    /// Solves the program (or its LP relaxation when `relax`), stopping at the first of
    /// `limits` reached (see [`Limits`]).
    pub(crate) fn solve(
        &self,
        relax: bool,
        backend: Backend,
        limits: Limits,
        mip_gap: f64,
        initial: Option<&[f64]>,
    ) -> LpResult {
        match backend {
            #[cfg(feature = "cbc")]
            Backend::Cbc => self.solve_cbc(relax, limits, mip_gap, initial),
            #[cfg(not(feature = "cbc"))]
            Backend::Cbc => self.solve_microlp(relax, limits, mip_gap, initial),
            Backend::MicroLp => self.solve_microlp(relax, limits, mip_gap, initial),
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

    /// The result of a solve that stopped on a limit or finished, from the engine's point.
    fn finish(
        &self,
        relax: bool,
        values: Vec<f64>,
        kind: LpKind,
        raw_bound: Option<f64>,
    ) -> LpResult {
        let has_incumbent = self.is_feasible_as(&values, relax);
        let objective = self.objective(&values);
        let kind = match kind {
            LpKind::Optimal if !has_incumbent => {
                LpKind::Failed("the solver reported a solution that violates the model".into())
            }
            k => k,
        };
        let bound = if relax || (kind == LpKind::Optimal && has_incumbent) {
            (kind == LpKind::Optimal).then_some(objective)
        } else {
            raw_bound
                .filter(|b| b.is_finite() && b.abs() < 1e40)
                .map(|b| self.round_bound(b))
        };
        LpResult {
            kind,
            values,
            has_incumbent,
            objective,
            bound,
        }
    }

    #[cfg(feature = "cbc")]
    fn solve_cbc(
        &self,
        relax: bool,
        limits: Limits,
        mip_gap: f64,
        initial: Option<&[f64]>,
    ) -> LpResult {
        use coin_cbc::raw::{SecondaryStatus, Status};
        use coin_cbc::{Model, Sense};
        // CBC's C interface keeps some state outside the model (parameter parsing, the clock
        // of `timeMode elapsed`). Serialise the whole life of a model so that concurrent callers
        // (tests, `wfm demo`, the roster) cannot interleave.
        static CBC: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _guard = CBC
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut m = Model::default();
        // The library never prints: `log 0` silences branch-and-cut, `slogLevel 0` the LP
        // solver (Clp otherwise reports postsolve repairs on stdout).
        m.set_log_level(0);
        m.set_parameter("slogLevel", "0");
        let cols: Vec<coin_cbc::Col> = self
            .cols
            .iter()
            .map(|c| {
                let col = m.add_col();
                m.set_col_lower(col, c.lo);
                m.set_col_upper(col, c.hi);
                m.set_obj_coeff(col, c.obj);
                if c.integer && !relax {
                    m.set_integer(col);
                }
                col
            })
            .collect();
        for r in &self.rows {
            let row = m.add_row();
            for (j, a) in Self::merged_terms(r) {
                m.set_weight(row, cols[j], a);
            }
            m.set_row_lower(row, r.lo);
            m.set_row_upper(row, r.hi);
        }
        m.set_obj_sense(if self.maximise {
            Sense::Maximize
        } else {
            Sense::Minimize
        });
        // One thread: `cbc-src` builds CBC without its threads option (CBC 2.10.12's parser then
        // prints "No match for threads" on stdout), and a single thread keeps the search
        // deterministic, so no `threads` parameter is passed.
        // Measured on the 15-min week with breaks (docs/schedule.md): CBC's default strong
        // branching and primal heuristics took most of the node time (≈4 nodes/s); without them
        // it runs ≈25 nodes/s and finds the 728-hour plan in a third of the time. The caller
        // always supplies a warm start or falls back to its own heuristics.
        if !self.cbc_default_search {
            m.set_parameter("strongBranching", "0");
            m.set_parameter("heuristicsOnOff", "off");
        }
        if let Some(n) = limits.nodes {
            // Deterministic: the same model and options explore the same nodes on any machine.
            m.set_parameter("maxNodes", &n.min(i32::MAX as u64).to_string());
        }
        if let Some(t) = limits.time {
            // CBC counts CPU seconds by default; the limit we promise is wall-clock.
            m.set_parameter("timeMode", "elapsed");
            m.set_parameter("seconds", &format!("{:.3}", t.as_secs_f64().max(0.001)));
        }
        if mip_gap > 0.0 {
            m.set_parameter("ratioGap", &mip_gap.to_string());
        }
        if let Some(x0) = initial.filter(|x| self.is_feasible(x)) {
            for (&c, &v) in cols.iter().zip(x0) {
                m.set_col_initial_solution(c, v);
            }
        }
        let sol = m.solve();
        let raw = sol.raw();
        if raw.is_continuous_unbounded() {
            return self.failed(LpKind::Unbounded);
        }
        let stopped = match raw.secondary_status() {
            SecondaryStatus::StoppedOnNodes => Some(Stop::Nodes),
            SecondaryStatus::StoppedOnTime => Some(Stop::Time),
            _ => None,
        };
        let values: Vec<f64> = raw.col_solution().to_vec();
        let feasible_point = self.is_feasible_as(&values, relax);
        // The order of good_lp's checks, which the tests were written against: proven
        // infeasible first; a limit; then a point that satisfies every row is the optimum (or
        // within the requested gap). CBC's presolve can prove infeasibility without setting
        // the "proven infeasible" flag and hand back a point that violates the rows: the other
        // flags tell that case apart. (The "initial solve" flags describe the last LP solved,
        // which after branch-and-bound may be an infeasible node: never trusted alone.)
        let kind = match (raw.status(), stopped) {
            (Status::Abandoned, _) => LpKind::Failed("CBC abandoned the search".into()),
            (Status::UserEvent, _) => LpKind::Failed("CBC stopped on a user event".into()),
            _ if stopped.is_none() && raw.is_proven_infeasible() => LpKind::Infeasible,
            (_, Some(stop)) => LpKind::Stopped(stop),
            (Status::Stopped, None) => LpKind::Failed(format!(
                "CBC stopped (secondary status {})",
                raw.secondary_status() as i32
            )),
            _ if feasible_point => LpKind::Optimal,
            _ if raw.is_initial_solve_proven_primal_infeasible() || !raw.is_proven_optimal() => {
                LpKind::Infeasible
            }
            _ => LpKind::Failed("CBC reported a solution that violates the model".into()),
        };
        if kind == LpKind::Infeasible {
            return self.failed(kind);
        }
        let bound = raw.best_possible_value();
        self.finish(relax, values, kind, Some(bound))
    }

    fn solve_microlp(
        &self,
        relax: bool,
        limits: Limits,
        mip_gap: f64,
        initial: Option<&[f64]>,
    ) -> LpResult {
        use microlp::{ComparisonOp, OptimizationDirection, TerminationReason};
        let mut p = microlp::Problem::new(if self.maximise {
            OptimizationDirection::Maximize
        } else {
            OptimizationDirection::Minimize
        });
        let mut vars = Vec::with_capacity(self.cols.len());
        for c in &self.cols {
            let v = if c.integer && !relax {
                let to_i32 = |x: f64, inf: i32| {
                    if x.is_infinite() {
                        Some(inf)
                    } else {
                        (f64::from(i32::MIN)..=f64::from(i32::MAX))
                            .contains(&x)
                            .then_some(x as i32)
                    }
                };
                match (
                    to_i32(c.lo.ceil(), i32::MIN),
                    to_i32(c.hi.floor(), i32::MAX),
                ) {
                    (Some(lo), Some(hi)) if lo <= hi => p.add_integer_var(c.obj, (lo, hi)),
                    (Some(_), Some(_)) => return self.failed(LpKind::Infeasible),
                    _ => {
                        return self.failed(LpKind::Failed(
                            "microlp takes integer bounds within the i32 range only".into(),
                        ))
                    }
                }
            } else {
                p.add_var(c.obj, (c.lo, c.hi))
            };
            vars.push(v);
        }
        for r in &self.rows {
            let mut e = microlp::LinearExpr::empty();
            for (j, a) in Self::merged_terms(r) {
                e.add(vars[j], a);
            }
            if r.lo == r.hi {
                p.add_constraint(e, ComparisonOp::Eq, r.lo);
            } else {
                if r.lo.is_finite() {
                    p.add_constraint(e.clone(), ComparisonOp::Ge, r.lo);
                }
                if r.hi.is_finite() {
                    p.add_constraint(e, ComparisonOp::Le, r.hi);
                }
            }
        }
        let mut opts = microlp::SolveOptions::default();
        opts.node_limit = limits.nodes;
        opts.time_limit = limits.time;
        opts.mip_gap = mip_gap;
        if let Some(x0) = initial.filter(|x| self.is_feasible(x)) {
            opts.warm_start = Some(vars.iter().copied().zip(x0.iter().copied()).collect());
        }
        let stop_of = |r: TerminationReason| match r {
            TerminationReason::NodeLimit => Some(Stop::Nodes),
            TerminationReason::TimeLimit => Some(Stop::Time),
            _ => None,
        };
        match p.solve_with(opts) {
            Ok(microlp::SolveOutcome::Solution(sol)) => {
                let values: Vec<f64> = vars
                    .iter()
                    .zip(&self.cols)
                    .map(|(&v, c)| {
                        let x = sol.var_value_raw(v);
                        if c.integer && !relax {
                            x.round()
                        } else {
                            x
                        }
                    })
                    .collect();
                let kind =
                    stop_of(sol.termination_reason()).map_or(LpKind::Optimal, LpKind::Stopped);
                self.finish(relax, values, kind, sol.stats().best_bound)
            }
            Ok(microlp::SolveOutcome::Interrupted(i)) => {
                let stop = stop_of(i.termination_reason()).unwrap_or(Stop::Time);
                let mut r = self.failed(LpKind::Stopped(stop));
                r.bound = i
                    .stats()
                    .best_bound
                    .filter(|b| b.is_finite())
                    .map(|b| self.round_bound(b));
                r
            }
            Err(microlp::Error::Infeasible) => self.failed(LpKind::Infeasible),
            Err(microlp::Error::Unbounded) => self.failed(LpKind::Unbounded),
            Err(e) => self.failed(LpKind::Failed(e.to_string())),
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
            let mip = lp.solve(false, b, Limits::default(), 0.0, None);
            assert_eq!(mip.kind, LpKind::Optimal, "{b:?}: {mip:?}");
            assert!((mip.objective - 3.0).abs() < 1e-6, "{b:?}: {mip:?}");
            let rel = lp.solve(true, b, Limits::default(), 0.0, None);
            assert!((rel.objective - 7.0 / 3.0).abs() < 1e-6, "{b:?}");
        }
    }

    #[test]
    fn infeasible_is_reported() {
        for b in [Backend::MicroLp, Backend::best_available()] {
            let mut lp = tiny();
            lp.add_row(vec![(0, 1.0), (1, 1.0)], f64::NEG_INFINITY, 1.0);
            let r = lp.solve(false, b, Limits::default(), 0.0, None);
            assert_eq!(r.kind, LpKind::Infeasible, "{b:?}");
        }
    }
}
