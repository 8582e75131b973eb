//! The capacity plan as a mixed-integer program (issue #15, "exactly"), on the crate's solver
//! layer ([`crate::schedule::lp`]: CBC, or microlp without the `cbc` feature).
//!
//! # Formulation
//! Weeks `t = 0 … P−1` (a prefix `P ≤ T` of the horizon, for the infeasibility diagnosis), class
//! starts `S`, `L` training weeks, `g = (1 − b)^L`:
//! - integer `h[s] ∈ [0, max_class]` and binary `open[s]` for `s ∈ S`, with
//!   `min_class·open[s] ≤ h[s] ≤ max_class·open[s]`;
//! - `N[0]` fixed; `N[t+1] − (1 − a[t])·N[t] − g·h[t+1−L] = 0` (the joiner term only when
//!   `t+1−L ∈ S`);
//! - coverage `(1 − s[t])·(N[t] − Σ_k (1 − ramp[k])·g·h[t−k+1−L]) + ot[t] + un[t] ≥ R[t]`;
//! - `ot[t] ≤ max_overtime·N[t]`; `un[t] ≥ 0`, fixed at 0 when under-staffing is forbidden;
//! - `N[t] + Σ_{s ∈ S, t−L < s ≤ t} (1 − b)^{t−s}·h[s] ≤ max_headcount` (when given);
//! - the cost of week `t` — `hire·h[t] + class·open[t] + wage·(N[t] + trainees[t]) +
//!   overtime·ot[t] + under·un[t]` — summed is the objective, capped per week and in total
//!   when a budget is given.

use crate::capacity::CapacityInput;
use crate::schedule::lp::Lp;

/// The program and where its variables are.
#[derive(Debug, Clone)]
pub(crate) struct Formulation {
    pub(crate) lp: Lp,
    /// `(week, h column, open column)` per class start inside the prefix.
    pub(crate) starts: Vec<(usize, usize, usize)>,
    pub(crate) n: Vec<usize>,
    pub(crate) ot: Vec<usize>,
    pub(crate) un: Vec<usize>,
    /// Row index of each week's coverage constraint.
    pub(crate) coverage_rows: Vec<usize>,
}

/// Which hard limits to include (the diagnosis drops them one at a time).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) headcount: bool,
    pub(crate) budget: bool,
}

impl Limits {
    pub(crate) const ALL: Limits = Limits {
        headcount: true,
        budget: true,
    };
}

/// Builds the program on the first `prefix` weeks.
pub(crate) fn formulate(input: &CapacityInput, prefix: usize, limits: Limits) -> Formulation {
    let l = input.training.weeks;
    let b = input.training.attrition;
    let g = (1.0 - b).powi(l as i32);
    let c = &input.costs;
    // CBC's default search (strong branching, primal heuristics): the plan's objective is flat
    // (hiring vs overtime nearly tie) and its class costs relax weakly, so the search is about
    // proving the bound, where strong branching pays (docs/capacity.md, "Speed").
    let mut lp = Lp {
        cbc_default_search: true,
        ..Lp::default()
    };
    let inf = f64::INFINITY;
    let n0 = input.initial_productive;
    let n: Vec<usize> = (0..prefix)
        .map(|t| {
            if t == 0 {
                lp.add_col(n0, n0, false, 0.0)
            } else {
                lp.add_col(0.0, inf, false, 0.0)
            }
        })
        .collect();
    let ot: Vec<usize> = (0..prefix)
        .map(|_| lp.add_col(0.0, inf, false, 0.0))
        .collect();
    let un_hi = if c.under.is_some() { inf } else { 0.0 };
    let un: Vec<usize> = (0..prefix)
        .map(|_| lp.add_col(0.0, un_hi, false, 0.0))
        .collect();
    let max_class = f64::from(input.hiring.max_class);
    let starts: Vec<(usize, usize, usize)> = input
        .hiring
        .class_starts
        .iter()
        .filter(|&&s| s < prefix)
        .map(|&s| {
            let h = lp.add_col(0.0, max_class, true, 0.0);
            let o = lp.add_col(0.0, 1.0, true, 0.0);
            (s, h, o)
        })
        .collect();
    let h_at = |week: isize| -> Option<usize> {
        (week >= 0)
            .then(|| starts.iter().find(|s| s.0 == week as usize).map(|s| s.1))
            .flatten()
    };
    for &(_, h, o) in &starts {
        lp.add_row(
            vec![(h, 1.0), (o, -f64::from(input.hiring.min_class))],
            0.0,
            inf,
        );
        lp.add_row(vec![(h, 1.0), (o, -max_class)], -inf, 0.0);
    }
    for t in 0..prefix.saturating_sub(1) {
        let mut terms = vec![(n[t + 1], 1.0), (n[t], -(1.0 - input.attrition[t]))];
        if let Some(h) = h_at(t as isize + 1 - l as isize) {
            terms.push((h, -g));
        }
        lp.add_row(terms, 0.0, 0.0);
    }
    let mut coverage_rows = Vec::with_capacity(prefix);
    let mut week_costs: Vec<Vec<(usize, f64)>> = Vec::with_capacity(prefix);
    for t in 0..prefix {
        let keep = 1.0 - input.shrinkage[t];
        let mut cov = vec![(n[t], keep), (ot[t], 1.0), (un[t], 1.0)];
        for (k, r) in input.training.ramp.iter().enumerate() {
            if let Some(h) = h_at(t as isize - k as isize - l as isize) {
                cov.push((h, -keep * (1.0 - r) * g));
            }
        }
        coverage_rows.push(lp.rows.len());
        lp.add_row(cov, input.required[t], inf);
        lp.add_row(vec![(ot[t], 1.0), (n[t], -c.max_overtime)], -inf, 0.0);
        let trainees: Vec<(usize, f64)> = starts
            .iter()
            .filter(|s| s.0 <= t && s.0 + l > t)
            .map(|s| (s.1, (1.0 - b).powi((t - s.0) as i32)))
            .collect();
        if let (Some(m), true) = (input.max_headcount, limits.headcount) {
            let mut hc = vec![(n[t], 1.0)];
            hc.extend(trainees.iter().copied());
            lp.add_row(hc, -inf, m);
        }
        let mut cost = vec![(n[t], c.wage), (ot[t], c.overtime)];
        if let Some(u) = c.under {
            cost.push((un[t], u));
        }
        cost.extend(trainees.iter().map(|&(h, w)| (h, c.wage * w)));
        if let Some(&(_, h, o)) = starts.iter().find(|s| s.0 == t) {
            cost.push((h, c.hire));
            cost.push((o, c.class));
        }
        week_costs.push(merge(cost));
    }
    for terms in &week_costs {
        for &(j, v) in terms {
            lp.cols[j].obj += v;
        }
    }
    if limits.budget {
        if let Some(cap) = input.budget.per_week {
            for terms in &week_costs {
                lp.add_row(terms.clone(), -inf, cap);
            }
        }
        if let Some(cap) = input.budget.total {
            let all = merge(week_costs.concat());
            lp.add_row(all, -inf, cap);
        }
    }
    Formulation {
        lp,
        starts,
        n,
        ot,
        un,
        coverage_rows,
    }
}

/// Adds up the coefficients of repeated columns.
fn merge(mut terms: Vec<(usize, f64)>) -> Vec<(usize, f64)> {
    terms.sort_by_key(|t| t.0);
    let mut out: Vec<(usize, f64)> = Vec::with_capacity(terms.len());
    for (j, v) in terms {
        match out.last_mut() {
            Some(last) if last.0 == j => last.1 += v,
            _ => out.push((j, v)),
        }
    }
    out
}

impl Formulation {
    /// The hires per week (0 outside class starts) read from a solution vector, rounded to
    /// the nearest integer (the solver's integrality tolerance aside, they are integers).
    pub(crate) fn hires(&self, weeks: usize, x: &[f64]) -> Vec<u32> {
        let mut h = vec![0u32; weeks];
        for &(s, col, _) in &self.starts {
            h[s] = x[col].round().max(0.0) as u32;
        }
        h
    }

    /// The solution vector of a given hiring decision and its evaluated rows (a warm start).
    pub(crate) fn point(&self, rows: &[crate::capacity::WeekRow], hires: &[u32]) -> Vec<f64> {
        let mut x = vec![0.0; self.lp.cols.len()];
        for (t, r) in rows.iter().enumerate().take(self.n.len()) {
            x[self.n[t]] = r.productive;
            x[self.ot[t]] = r.overtime;
            x[self.un[t]] = r.under;
        }
        for &(s, h, o) in &self.starts {
            x[h] = f64::from(hires[s]);
            x[o] = if hires[s] > 0 { 1.0 } else { 0.0 };
        }
        x
    }
}
