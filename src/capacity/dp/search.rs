//! A first plan (the upper bound of the pruning) and the depth-first branch and bound that
//! returns the optimal plan with the value functions as bounds.

use super::{DpPlan, Model, REL_TOL};
use crate::capacity::pwl::Pwl;

/// The cost of a plan given its hires per class (the DP's arithmetic).
fn plan_cost(m: &Model, hires: &[u32]) -> f64 {
    let mut n = m.lo.first().copied().unwrap_or(0.0);
    let mut total = m.head_cost();
    for k in 0..m.stages() {
        let recent = &hires[k - m.r[k]..=k];
        let b = m.block(k, recent);
        let x = n + m.g * f64::from(hires[k]);
        total += m.kappa(hires[k]) + m.block_cost(&b, x);
        n = x * b.q;
    }
    total
}

/// The cheaper of two simple plans: no hires, and the smallest class at each start that keeps
/// its block free of under-staffing (the largest when none does). `+∞` when neither covers
/// the hard limits.
pub(super) fn heuristic(m: &Model) -> (f64, Vec<u32>) {
    let none = vec![0; m.stages()];
    let mut greedy = vec![0; m.stages()];
    let mut n = m.lo.first().copied().unwrap_or(0.0);
    for k in 0..m.stages() {
        let pick = m.choices.iter().copied().find(|&h| {
            let mut recent = greedy[k - m.r[k]..k].to_vec();
            recent.push(h);
            let b = m.block(k, &recent);
            let x = n + m.g * f64::from(h);
            b.weeks.iter().all(|&(t, q, rg)| {
                let i = m.input;
                let short = i.required[t] - (1.0 - i.shrinkage[t]) * (x * q - rg);
                short <= i.costs.max_overtime * x * q + 1e-9
            })
        });
        greedy[k] = pick.unwrap_or(m.input.hiring.max_class);
        let mut recent = greedy[k - m.r[k]..k].to_vec();
        recent.push(greedy[k]);
        n = (n + m.g * f64::from(greedy[k])) * m.block(k, &recent).q;
    }
    let (a, b) = (plan_cost(m, &none), plan_cost(m, &greedy));
    if a <= b {
        (a, none)
    } else {
        (b, greedy)
    }
}

struct Search<'a> {
    m: &'a Model<'a>,
    values: &'a [Vec<Pwl>],
    best: f64,
    best_hires: Vec<u32>,
    /// The least bound of a pruned subtree.
    pruned: f64,
    hires: Vec<u32>,
}

impl Search<'_> {
    fn tol(&self) -> f64 {
        REL_TOL * self.best.abs().max(1.0)
    }

    /// Explores stage `k` from floor `n` with cost `c` so far.
    fn dfs(&mut self, k: usize, n: f64, c: f64) {
        let m = self.m;
        if k == m.stages() {
            if c < self.best {
                self.best = c;
                self.best_hires = self.hires.clone();
            }
            return;
        }
        let mut children: Vec<(f64, f64, f64, usize)> = Vec::with_capacity(m.choices.len());
        for (i, &h) in m.choices.iter().enumerate() {
            let mut recent = self.hires[k - m.r[k]..k].to_vec();
            recent.push(h);
            let b = m.block(k, &recent);
            let x = n + m.g * f64::from(h);
            let cost = c + m.kappa(h) + m.block_cost(&b, x);
            let next = x * b.q;
            let bound = if k + 1 < m.stages() {
                cost + self.values[k + 1][m.encode_next(k, &recent)].eval(next)
            } else {
                cost
            };
            if bound.is_finite() || cost.is_finite() {
                children.push((bound, cost, next, i));
            }
        }
        children.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.3.cmp(&b.3)));
        for (bound, cost, next, i) in children {
            if bound >= self.best - self.tol() {
                self.pruned = self.pruned.min(bound);
                continue;
            }
            self.hires.push(m.choices[i]);
            self.dfs(k + 1, next, cost);
            self.hires.pop();
        }
    }
}

/// The optimal plan (within `REL_TOL`) by depth-first branch and bound from the heuristic
/// plan; `None` when no plan has a finite cost.
pub(super) fn branch_and_bound(
    m: &Model,
    values: &[Vec<Pwl>],
    ub: f64,
    heuristic: Vec<u32>,
) -> Option<DpPlan> {
    let mut s = Search {
        m,
        values,
        best: ub,
        best_hires: heuristic,
        pruned: f64::INFINITY,
        hires: Vec::with_capacity(m.stages()),
    };
    s.dfs(0, m.lo.first().copied().unwrap_or(0.0), m.head_cost());
    if !s.best.is_finite() {
        return None;
    }
    let mut hires = vec![0; m.input.weeks()];
    for (k, &h) in s.best_hires.iter().enumerate() {
        hires[m.starts[k]] = h;
    }
    Some(DpPlan {
        hires,
        cost: s.best,
        bound: s.pruned.min(s.best),
    })
}
