//! Nelder–Mead minimisation (argmin) of smoothing-parameter cost functions on the unit cube.
//!
//! Parameters are optimised in logit space, `p = 1 / (1 + e^{−x})`, so every trial point is a
//! valid smoothing constant in (0, 1) and the simplex never needs a penalty.
//! Reference: Nelder, J. A. & Mead, R. (1965), "A simplex method for function minimization",
//! The Computer Journal 7(4):308–313; implementation: argmin 0.11 `solver::neldermead`.

use argmin::core::{CostFunction, Executor, State, TerminationReason, TerminationStatus};
use argmin::solver::neldermead::NelderMead;

/// Why a parameter fit stopped (STYLE.md C12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitTermination {
    /// The simplex shrank below the tolerance.
    Converged,
    /// The iteration limit was reached; the best point so far is used.
    IterationLimit,
    /// The optimiser failed; the starting values are used.
    Failed,
    /// The parameters were given (tuned earlier), not optimised.
    Fixed,
}

/// The result of [`minimize_unit`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Optimum {
    /// Best parameters, each in (0, 1).
    pub params: Vec<f64>,
    /// Cost at `params`.
    pub cost: f64,
    /// Why it stopped.
    pub termination: FitTermination,
}

/// Logistic map ℝ → (0, 1).
pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

struct Problem<'a> {
    cost: &'a dyn Fn(&[f64]) -> f64,
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let p: Vec<f64> = x.iter().map(|&v| logistic(v)).collect();
        let c = (self.cost)(&p);
        Ok(if c.is_finite() { c } else { f64::MAX })
    }
}

/// Minimises `cost` over `(0, 1)^n` from `start` with at most `max_iters` Nelder–Mead steps.
pub(crate) fn minimize_unit(
    cost: &dyn Fn(&[f64]) -> f64,
    start: &[f64],
    max_iters: u64,
) -> Optimum {
    let x0: Vec<f64> = start.iter().map(|&p| logit(p)).collect();
    // Initial simplex: the start and one step of 1 logit unit along each axis.
    let mut simplex = vec![x0.clone()];
    for i in 0..x0.len() {
        let mut v = x0.clone();
        v[i] += 1.0;
        simplex.push(v);
    }
    let fallback = || Optimum {
        params: start.to_vec(),
        cost: cost(start),
        termination: FitTermination::Failed,
    };
    let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(1e-7) else {
        return fallback();
    };
    let run = Executor::new(Problem { cost }, solver)
        .configure(|s| s.max_iters(max_iters))
        .run();
    match run {
        Ok(res) => {
            let state = res.state();
            let Some(best) = state.get_best_param() else {
                return fallback();
            };
            let termination = match state.get_termination_status() {
                TerminationStatus::Terminated(TerminationReason::SolverConverged) => {
                    FitTermination::Converged
                }
                TerminationStatus::Terminated(TerminationReason::MaxItersReached) => {
                    FitTermination::IterationLimit
                }
                _ => FitTermination::Converged,
            };
            Optimum {
                params: best.iter().map(|&v| logistic(v)).collect(),
                cost: state.get_best_cost(),
                termination,
            }
        }
        Err(_) => fallback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_interior_minimum() {
        let f = |p: &[f64]| (p[0] - 0.3).powi(2) + (p[1] - 0.8).powi(2);
        let o = minimize_unit(&f, &[0.5, 0.5], 500);
        assert!(
            (o.params[0] - 0.3).abs() < 1e-3 && (o.params[1] - 0.8).abs() < 1e-3,
            "{o:?}"
        );
        assert_eq!(o.termination, FitTermination::Converged);
    }
}
