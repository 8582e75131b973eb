//! An exact dynamic program for the capacity plan (issue #15), specialised to its recurrences.
//!
//! # Why
//! The weekly MIP ([`super::mip`]) proves its optimum slowly: hiring and overtime nearly tie, so
//! branch and bound refutes thousands of near-optimal class patterns (docs/capacity.md).
//! Given the hires, everything else in the model is fixed, and the past reaches the future
//! through one number: the floor. So the plan is a DP over class starts.
//!
//! # Formulation
//! Classes `k = 0…K−1` that join inside the horizon (`s_k + L < T`; a later class only costs, so
//! it runs empty), `g = (1 − b)^L`, `P_t = Π_{u<t}(1 − a[u])`. The state of stage `k` is `n`, the
//! floor at week `s_k + L` before class `k` joins, and `τ`, the hires of the earlier classes
//! whose ramp reaches weeks `≥ s_k + L`. Class `k` joins at once (`x = n + g·h`); weeks
//! `s_k + L ≤ t < s_{k+1} + L` (its *block*) have the floor `N_t = x·P_t/P_{s_k+L}` and cost
//! `c_t = wage·N_t + min(overtime·ot + under·un)` (the cheaper cover first, as
//! [`super::evaluate()`]), and the next state is `n' = x·P_{s_{k+1}+L}/P_{s_k+L}`:
//!
//! `V_k(n, τ) = min_{h ∈ {0} ∪ [min_class, max_class]} κ(h) + Σ_{t ∈ block k} c_t + V_{k+1}(n', τ')`
//!
//! with `κ(h) = hire·h + class·[h > 0] + wage·h·Σ_{i<L}(1 − b)^i` (the class's trainee wages).
//! Each `V_k(·, τ)` is piecewise linear in `n` ([`Pwl`]): `c_t` is, and so are a shift, a sum
//! and a minimum of such functions. They are computed backwards exactly up to a one-sided
//! simplification within `EPS` (a lower bound), over the floors that can be reached.
//!
//! # Pruning (exact)
//! With `UB` the cost of a heuristic plan, a floor `n` at stage `k` is dropped when
//! `Φ_k(n) + V_k(n) > UB`, `Φ_k(n)` a lower bound on the cost of every earlier week and class
//! of any plan reaching `n`: a floor `n` at week `w` means at most `n·P_t/P_w` agents in week
//! `t < w` (joiners only add) and at least `(n − N_0·P_w)/g` hires. An optimal plan never
//! passes a dropped floor, so the DP's value at `N_0` is the optimum. The plan is then found
//! by depth-first branch and bound over the classes with the exact costs, `V_{k+1}` as the
//! bound; it returns a plan within `REL_TOL` of the optimum and the least bound it pruned.
//!
//! # Scope
//! The headcount cap and the per-week budget are not in the DP (a relaxation): the caller
//! checks the plan against them and falls back to the MIP when it breaks one; the total budget
//! is met by the cheapest plan if by any. Work is bounded (`MAX_STATES`, `MAX_SEGMENTS`):
//! beyond, [`solve`] gives up and the MIP solves the plan.

use crate::capacity::evaluate::cover;
use crate::capacity::pwl::Seg;
use crate::capacity::CapacityInput;

/// One-sided simplification of the value functions (money units per unit of scale).
const EPS: f64 = 1e-10;
/// Branch and bound stops at plans within this relative distance of its bound.
const REL_TOL: f64 = 1e-9;
/// Most ramp states `Σ_k |choices|^{r_k + 1}` the DP takes on.
const MAX_STATES: usize = 20_000;
/// Most segments built over the whole backward pass.
const MAX_SEGMENTS: usize = 50_000_000;

/// The DP's plan.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DpPlan {
    /// Hires per week (0 outside class starts).
    pub(crate) hires: Vec<u32>,
    /// The plan's cost by the DP's arithmetic.
    pub(crate) cost: f64,
    /// A proven lower bound on the optimum.
    pub(crate) bound: f64,
}

/// The model in the DP's terms.
struct Model<'a> {
    input: &'a CapacityInput,
    g: f64,
    /// `P_t`, `t = 0…T`.
    p: Vec<f64>,
    /// Start week of each class that joins inside the horizon.
    starts: Vec<usize>,
    /// Class sizes allowed.
    choices: Vec<u32>,
    /// `r_k`: earlier classes whose ramp reaches block `k` (`r_K = 0`).
    r: Vec<usize>,
    /// Trainee person-weeks per hire, `Σ_{i<L} (1 − b)^i`.
    trainee_weeks: f64,
    /// Reachable floors `[lo, hi]` per stage.
    lo: Vec<f64>,
    hi: Vec<f64>,
}

/// Weeks of one block with their floor factor and ramp gap.
struct Block {
    /// `(week, N_t / x, ramp gap in agents)`.
    weeks: Vec<(usize, f64, f64)>,
    /// `n' / x`.
    q: f64,
}

impl<'a> Model<'a> {
    fn new(input: &'a CapacityInput) -> Self {
        let t_len = input.weeks();
        let l = input.training.weeks;
        let b = input.training.attrition;
        let mut p = vec![1.0];
        for t in 0..t_len {
            p.push(p[t] * (1.0 - input.attrition[t]));
        }
        let starts: Vec<usize> = input
            .hiring
            .class_starts
            .iter()
            .copied()
            .filter(|&s| s + l < t_len)
            .collect();
        let k_ramp = input.training.ramp.len();
        let mut r: Vec<usize> = (0..starts.len())
            .map(|k| (0..k).filter(|&j| starts[j] + k_ramp > starts[k]).count())
            .collect();
        r.push(0);
        let choices: Vec<u32> = std::iter::once(0)
            .chain(input.hiring.min_class.max(1)..=input.hiring.max_class)
            .collect();
        let g = (1.0 - b).powi(l as i32);
        let (mut lo, mut hi) = (Vec::new(), Vec::new());
        for (k, &s) in starts.iter().enumerate() {
            let w = s + l;
            lo.push(input.initial_productive * p[w]);
            hi.push(match k {
                0 => input.initial_productive * p[w],
                _ => {
                    (hi[k - 1] + g * f64::from(input.hiring.max_class)) * p[w]
                        / p[starts[k - 1] + l]
                }
            });
        }
        Model {
            input,
            g,
            p,
            trainee_weeks: (0..l).map(|i| (1.0 - b).powi(i as i32)).sum(),
            starts,
            choices,
            r,
            lo,
            hi,
        }
    }

    fn stages(&self) -> usize {
        self.starts.len()
    }

    /// Cost of week `t` with `n` agents on the floor and `rg` of them short by the ramp;
    /// `+∞` when under-staffing is forbidden and overtime cannot cover.
    fn week_cost(&self, t: usize, n: f64, rg: f64) -> f64 {
        let i = self.input;
        let c = &i.costs;
        let e = (1.0 - i.shrinkage[t]) * (n - rg);
        let (ot, un) = cover(i, i.required[t] - e, n);
        if c.under.is_none() && un > 1e-6 {
            return f64::INFINITY;
        }
        c.wage * n + c.overtime * ot + c.under.unwrap_or(0.0) * un
    }

    /// Floors `n` (as `n = x·q`) where week `t`'s cost bends, and the least floor that covers
    /// it when under-staffing is forbidden.
    fn week_kinks(&self, t: usize, rg: f64) -> ([f64; 2], f64) {
        let i = self.input;
        let keep = 1.0 - i.shrinkage[t];
        let full = i.required[t] / keep + rg;
        let capped = (i.required[t] + keep * rg) / (keep + i.costs.max_overtime);
        let least = if i.costs.under.is_none() {
            capped
        } else {
            f64::NEG_INFINITY
        };
        ([full, capped], least)
    }

    fn kappa(&self, h: u32) -> f64 {
        let c = &self.input.costs;
        if h == 0 {
            return 0.0;
        }
        let h = f64::from(h);
        c.hire * h + c.class + c.wage * h * self.trainee_weeks
    }

    /// Block `k` given the hires of the classes in its ramp (`recent`, oldest first, ending
    /// with class `k`'s own).
    fn block(&self, k: usize, recent: &[u32]) -> Block {
        let l = self.input.training.weeks;
        let ramp = &self.input.training.ramp;
        let bs = self.starts[k] + l;
        let be = self.starts.get(k + 1).map_or(self.input.weeks(), |s| s + l);
        let first = k + 1 - recent.len();
        let weeks = (bs..be)
            .map(|t| {
                let rg: f64 = recent
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &h)| {
                        let since = t - (self.starts[first + i] + l);
                        ramp.get(since).map(|r| (1.0 - r) * self.g * f64::from(h))
                    })
                    .sum();
                (t, self.p[t] / self.p[bs], rg)
            })
            .collect();
        Block {
            weeks,
            q: self.p[be] / self.p[bs],
        }
    }

    fn block_cost(&self, b: &Block, x: f64) -> f64 {
        b.weeks
            .iter()
            .map(|&(t, q, rg)| self.week_cost(t, x * q, rg))
            .sum()
    }

    /// Cost of the weeks before the first block.
    fn head_cost(&self) -> f64 {
        let end = self
            .starts
            .first()
            .map_or(self.input.weeks(), |s| s + self.input.training.weeks);
        (0..end)
            .map(|t| self.week_cost(t, self.input.initial_productive * self.p[t], 0.0))
            .sum()
    }

    /// Decodes a ramp state of stage `k` (hires of classes `k − r_k … k − 1`).
    fn decode(&self, k: usize, mut code: usize) -> Vec<u32> {
        let d = self.choices.len();
        (0..self.r[k])
            .map(|_| {
                let h = self.choices[code % d];
                code /= d;
                h
            })
            .collect()
    }

    /// The ramp state of stage `k + 1` after `recent` (ending with class `k`'s hires).
    fn encode_next(&self, k: usize, recent: &[u32]) -> usize {
        let d = self.choices.len();
        let keep = &recent[recent.len() - self.r[k + 1]..];
        keep.iter().rev().fold(0, |acc, h| {
            acc * d + self.choices.iter().position(|c| c == h).unwrap_or(0)
        })
    }
}

mod backward;
mod search;

/// The optimal plan of `input` without its headcount cap and per-week budget, or `None` when
/// the DP's work limits are exceeded or no plan covers the hard limits it models.
pub(crate) fn solve(input: &CapacityInput) -> Option<DpPlan> {
    let m = Model::new(input);
    let states: usize = (0..m.stages())
        .map(|k| m.choices.len().saturating_pow(m.r[k] as u32 + 1))
        .fold(0usize, usize::saturating_add);
    if states > MAX_STATES {
        return None;
    }
    let (ub, heuristic) = search::heuristic(&m);
    let values = backward::values(&m, ub)?;
    search::branch_and_bound(&m, &values, ub, heuristic)
}

/// Seg helper shared by the submodules.
fn seg(x0: f64, x1: f64, y0: f64, y1: f64) -> Seg {
    Seg { x0, x1, y0, y1 }
}

#[cfg(test)]
mod tests;
