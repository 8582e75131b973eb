//! Heuristic fallback: greedy construction with break placement, LP rounding, and an improvement
//! pass (break re-placement, removal of redundant shifts).
//!
//! Used when no MIP incumbent is found within the time limit, when the caller asks for the
//! heuristic, and as the MIP's warm start. It gives no optimality proof on its own: its gap is
//! measured against the LP relaxation bound when one is available.
//!
//! Each step adds the candidate shift with the best marginal value per unit cost, placing each of
//! its breaks where the shift's presence is worth least (Dantzig-style greedy set cover with
//! ratio rule, Chvátal 1979).
//!
//! # References
//! Chvátal, V. (1979), "A greedy heuristic for the set-covering problem", *Mathematics of
//! Operations Research* 4(3), 233–235.

use std::time::{Duration, Instant};

use super::lp::{Backend, Limits, LpKind};
use super::model::{Formulation, GridObjective, Instance, ShiftInstance};

/// Per-interval penalty `f_t(n)` to minimise (plus cost for the cost objective).
struct Penalty<'a> {
    inst: &'a Instance,
    obj: &'a GridObjective<'a>,
}

impl Penalty<'_> {
    fn f(&self, t: usize, n: f64) -> f64 {
        let req = self.inst.req[t];
        match self.obj {
            GridObjective::Cost => (req - n).max(0.0),
            GridObjective::Gap => (n - req).abs(),
            GridObjective::Service {
                curves, weights, ..
            } => match &curves[t] {
                Some(c) => -weights[t] * c.envelope(n),
                None => 0.0,
            },
        }
    }
    /// `f(n + 1) − f(n)` at every interval.
    fn marginal(&self, cov: &[f64]) -> Vec<f64> {
        (0..cov.len())
            .map(|t| self.f(t, cov[t] + 1.0) - self.f(t, cov[t]))
            .collect()
    }
}

/// Counts used to respect the limits while adding shifts.
struct Counts {
    per_day: Vec<u32>,
    per_tpl_day: Vec<Vec<u32>>,
    per_tpl: Vec<u32>,
}

impl Counts {
    fn new(inst: &Instance, shifts: &[ShiftInstance]) -> Self {
        let mut c = Counts {
            per_day: vec![0; inst.days],
            per_tpl_day: vec![vec![0; inst.days]; inst.templates.len()],
            per_tpl: vec![0; inst.templates.len()],
        };
        for s in shifts {
            c.add(inst, s.cand, 1);
        }
        c
    }
    fn add(&mut self, inst: &Instance, cand: usize, d: i32) {
        let c = inst.cands[cand];
        let upd = |v: &mut u32| *v = (*v as i32 + d) as u32;
        upd(&mut self.per_day[c.day]);
        upd(&mut self.per_tpl_day[c.template][c.day]);
        upd(&mut self.per_tpl[c.template]);
    }
    fn can_add(&self, inst: &Instance, cand: usize) -> bool {
        let c = inst.cands[cand];
        let tp = &inst.templates[c.template];
        inst.max_shifts_per_day
            .is_none_or(|m| self.per_day[c.day] < m)
            && tp
                .max_per_day
                .is_none_or(|m| self.per_tpl_day[c.template][c.day] < m)
            && tp.max_total.is_none_or(|m| self.per_tpl[c.template] < m)
    }
    fn can_remove(&self, inst: &Instance, cand: usize) -> bool {
        let c = inst.cands[cand];
        inst.templates[c.template]
            .min_total
            .is_none_or(|m| self.per_tpl[c.template] > m)
    }
}

/// Best break starts for a shift of candidate `cand` given marginals `m` (a break forgoes the
/// shift's value over its intervals, so it goes where that value is least), and the shift's
/// total marginal value with those breaks.
fn place(inst: &Instance, cand: usize, m: &[f64]) -> (Vec<usize>, f64) {
    let c = inst.cands[cand];
    let tp = &inst.templates[c.template];
    let t_len = inst.t_len;
    let mut total: f64 = (0..tp.len).map(|i| m[(c.start + i) % t_len]).sum();
    let mut breaks = Vec::with_capacity(tp.breaks.len());
    for &(blen, e, l) in &tp.breaks {
        let mut best = (f64::NEG_INFINITY, c.start + e);
        let mid = c.start + (e + l) / 2;
        for u in (c.start + e)..=(c.start + l) {
            let v: f64 = (0..blen).map(|i| m[(u + i) % t_len]).sum();
            // prefer the window's middle on ties: it leaves room to move either way
            let better = v > best.0 + 1e-12
                || ((v - best.0).abs() <= 1e-12 && u.abs_diff(mid) < best.1.abs_diff(mid));
            if better {
                best = (v, u);
            }
        }
        total -= best.0;
        breaks.push(best.1);
    }
    (breaks, total)
}

/// The candidates whose span (every interval [`place`] reads) covers each interval.
fn covering(inst: &Instance) -> Vec<Vec<usize>> {
    let mut at = vec![Vec::new(); inst.t_len];
    for (i, c) in inst.cands.iter().enumerate() {
        let tp = &inst.templates[c.template];
        let reach = tp
            .breaks
            .iter()
            .map(|&(blen, _, l)| l + blen)
            .fold(tp.len, usize::max)
            .min(inst.t_len);
        for k in 0..reach {
            at[(c.start + k) % inst.t_len].push(i);
        }
    }
    at
}

/// Greedy completion from `start`, then improvement.
pub(crate) fn greedy(
    inst: &Instance,
    obj: &GridObjective<'_>,
    start: Vec<ShiftInstance>,
) -> Vec<ShiftInstance> {
    let pen = Penalty { inst, obj };
    let mut shifts = start;
    let mut cov = inst.coverage(&shifts);
    let mut counts = Counts::new(inst, &shifts);
    let budget = match obj {
        GridObjective::Service { budget_hours, .. } => Some(*budget_hours),
        _ => None,
    };
    let mut paid = inst.paid_hours(&shifts);
    // minimum totals first
    for (j, tp) in inst.templates.iter().enumerate() {
        while tp.min_total.is_some_and(|m| counts.per_tpl[j] < m) {
            let m = pen.marginal(&cov);
            let best = (0..inst.cands.len())
                .filter(|&i| inst.cands[i].template == j && counts.can_add(inst, i))
                .map(|i| (i, place(inst, i, &m)))
                .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1));
            let Some((i, (breaks, _))) = best else { break };
            let s = ShiftInstance { cand: i, breaks };
            inst.add_coverage(&s, 1.0, &mut cov);
            counts.add(inst, i, 1);
            paid += tp.paid_hours;
            shifts.push(s);
        }
    }
    // Every candidate's best breaks and marginal value, kept between steps and recomputed only
    // where the marginals changed (an added shift changes them over its own span): the same
    // choices as a full rescan at every step, without its cost (on a 15-min month the rescan
    // was 5,376 candidates × every shift added).
    let covering = covering(inst);
    let mut m = pen.marginal(&cov);
    let mut placed: Vec<(Vec<usize>, f64)> =
        (0..inst.cands.len()).map(|i| place(inst, i, &m)).collect();
    let mut dirty = vec![false; inst.cands.len()];
    loop {
        let mut best: Option<(f64, usize)> = None;
        for (i, (_, delta)) in placed.iter().enumerate() {
            if !counts.can_add(inst, i) {
                continue;
            }
            let tp = &inst.templates[inst.cands[i].template];
            if budget.is_some_and(|b| paid + tp.paid_hours > b + 1e-9) {
                continue;
            }
            if *delta >= -1e-12 {
                continue;
            }
            let score = match obj {
                GridObjective::Gap => *delta,
                _ => delta / tp.cost,
            };
            if best.is_none_or(|b| score < b.0 - 1e-12) {
                best = Some((score, i));
            }
        }
        let Some((_, i)) = best else { break };
        let s = ShiftInstance {
            cand: i,
            breaks: placed[i].0.clone(),
        };
        inst.add_coverage(&s, 1.0, &mut cov);
        counts.add(inst, i, 1);
        paid += inst.templates[inst.cands[i].template].paid_hours;
        shifts.push(s);
        let next = pen.marginal(&cov);
        for t in 0..next.len() {
            if next[t].to_bits() != m[t].to_bits() {
                for &c in &covering[t] {
                    dirty[c] = true;
                }
            }
        }
        m = next;
        for (c, d) in dirty.iter_mut().enumerate() {
            if *d {
                placed[c] = place(inst, c, &m);
                *d = false;
            }
        }
    }
    improve(inst, obj, &mut shifts);
    shifts.sort();
    shifts
}

/// Re-places breaks and removes shifts whose removal does not worsen the objective.
pub(crate) fn improve(inst: &Instance, obj: &GridObjective<'_>, shifts: &mut Vec<ShiftInstance>) {
    let pen = Penalty { inst, obj };
    let t_len = inst.t_len;
    for _round in 0..3 {
        let mut changed = false;
        let mut cov = inst.coverage(shifts);
        // break re-placement: move each break to where the shift is worth least
        for s in shifts.iter_mut() {
            let c = inst.cands[s.cand];
            let tp = &inst.templates[c.template];
            for k in 0..s.breaks.len() {
                let (blen, e, l) = tp.breaks[k];
                for i in 0..blen {
                    cov[(s.breaks[k] + i) % t_len] += 1.0;
                }
                // value of removing one agent at t: f(n − 1) − f(n); a break costs that
                let loss = |u: usize, cov: &[f64]| -> f64 {
                    (0..blen)
                        .map(|i| {
                            let t = (u + i) % t_len;
                            pen.f(t, cov[t] - 1.0) - pen.f(t, cov[t])
                        })
                        .sum()
                };
                let old = s.breaks[k];
                let mut best = (loss(old, &cov), old);
                for u in (c.start + e)..=(c.start + l) {
                    let v = loss(u, &cov);
                    if v < best.0 - 1e-12 {
                        best = (v, u);
                    }
                }
                if best.1 != old {
                    changed = true;
                }
                s.breaks[k] = best.1;
                for i in 0..blen {
                    cov[(s.breaks[k] + i) % t_len] -= 1.0;
                }
            }
        }
        // removal of shifts whose value does not pay for their cost
        let mut counts = Counts::new(inst, shifts);
        let mut order: Vec<usize> = (0..shifts.len()).collect();
        order.sort_by(|&a, &b| {
            let ca = inst.templates[inst.cands[shifts[a].cand].template].cost;
            let cb = inst.templates[inst.cands[shifts[b].cand].template].cost;
            cb.total_cmp(&ca).then(b.cmp(&a))
        });
        let mut keep = vec![true; shifts.len()];
        for i in order {
            if !counts.can_remove(inst, shifts[i].cand) {
                continue;
            }
            let mut delta = 0.0;
            let mut trial = cov.clone();
            inst.add_coverage(&shifts[i], -1.0, &mut trial);
            for t in 0..t_len {
                if trial[t] != cov[t] {
                    delta += pen.f(t, trial[t]) - pen.f(t, cov[t]);
                }
            }
            let remove = match obj {
                GridObjective::Cost => delta <= 1e-12,
                GridObjective::Gap => delta < -1e-12,
                GridObjective::Service { .. } => false,
            };
            if remove {
                keep[i] = false;
                cov = trial;
                counts.add(inst, shifts[i].cand, -1);
                changed = true;
            }
        }
        let mut idx = 0;
        shifts.retain(|_| {
            idx += 1;
            keep[idx - 1]
        });
        if !changed {
            break;
        }
    }
}

/// LP rounding: take `⌊x⌋` of the LP relaxation, place breaks greedily, then complete greedily.
pub(crate) fn round_lp(
    inst: &Instance,
    form: &Formulation,
    obj: &GridObjective<'_>,
    values: &[f64],
) -> Vec<ShiftInstance> {
    let pen = Penalty { inst, obj };
    let mut shifts = Vec::new();
    let mut cov = vec![0.0; inst.t_len];
    let mut counts = Counts::new(inst, &[]);
    for (i, &col) in form.x.iter().enumerate() {
        let n = (values[col] + 1e-6).floor().max(0.0) as usize;
        for _ in 0..n {
            if !counts.can_add(inst, i) {
                break;
            }
            let m = pen.marginal(&cov);
            let (breaks, _) = place(inst, i, &m);
            let s = ShiftInstance { cand: i, breaks };
            inst.add_coverage(&s, 1.0, &mut cov);
            counts.add(inst, i, 1);
            shifts.push(s);
        }
    }
    if let GridObjective::Service { budget_hours, .. } = obj {
        // flooring keeps the budget; nothing to trim
        debug_assert!(inst.paid_hours(&shifts) <= budget_hours + 1e-6);
    }
    greedy(inst, obj, shifts)
}

/// Most LP re-solves of one dive (each fixes at least one more shift count).
pub(crate) const DIVE_ROUNDS: usize = 200;

/// LP diving: solve the relaxation, fix the shift counts that are nearly integral (or the most
/// fractional one) at their rounded-up value as lower bounds, re-solve, until the shift counts
/// are integral; then place breaks and repair greedily. A standard LP-based primal heuristic
/// (Berthold 2006, "Primal heuristics for mixed integer programs", §3.3, diving).
///
/// Work is bounded by counts: at most [`DIVE_ROUNDS`] LP re-solves, and `budget.nodes`
/// branch-and-bound nodes for the break placement; `budget.time`, when given, also stops it
/// (and makes the result timing-dependent).
pub(crate) fn dive(
    inst: &Instance,
    form: &Formulation,
    obj: &GridObjective<'_>,
    backend: Backend,
    root_values: &[f64],
    budget: Limits,
) -> Option<Vec<ShiftInstance>> {
    let deadline = budget.time.map(|t| Instant::now() + t);
    let left =
        |floor: Duration| deadline.map(|d| d.saturating_duration_since(Instant::now()).max(floor));
    let mut lp = form.lp.clone();
    let mut last: Option<Vec<f64>> = None;
    let mut next = Some(root_values.to_vec());
    for _ in 0..DIVE_ROUNDS {
        let rel_values = match next.take() {
            Some(v) => v,
            None => {
                let time = left(Duration::ZERO);
                if time.is_some_and(|t| t.is_zero()) {
                    break;
                }
                let limits = Limits { nodes: None, time };
                let rel = lp.solve(true, backend, limits, 0.0, None);
                if rel.kind != LpKind::Optimal {
                    break;
                }
                rel.values
            }
        };
        let rel = RelaxedPoint { values: rel_values };
        let mut frac: Vec<(f64, usize)> = form
            .x
            .iter()
            .map(|&c| (rel.values[c] - rel.values[c].floor(), c))
            .filter(|(f, _)| *f > 1e-6 && *f < 1.0 - 1e-6)
            .collect();
        last = Some(rel.values);
        if frac.is_empty() {
            break;
        }
        frac.sort_by(|a, b| b.0.total_cmp(&a.0));
        let vals = last.as_ref().expect("just set");
        let mut fixed = 0;
        for &(f, c) in &frac {
            if f >= 0.6 {
                lp.cols[c].lo = vals[c].ceil();
                fixed += 1;
            }
        }
        if fixed == 0 {
            let c = frac[0].1;
            lp.cols[c].lo = vals[c].ceil();
        }
    }
    // With the shift counts integral, place the breaks exactly: the MIP over the break columns
    // alone (shift counts fixed) is small; fall back to greedy placement if it fails.
    last.map(|v| {
        let mut fixed = lp.clone();
        for &c in &form.x {
            let n = v[c].round();
            fixed.cols[c].lo = n;
            fixed.cols[c].hi = n;
        }
        let limits = Limits {
            nodes: budget.nodes,
            time: left(Duration::from_secs(2)),
        };
        let res = fixed.solve(false, backend, limits, 0.0, None);
        let exact = (res.has_incumbent).then(|| {
            let mut s = form.extract(inst, &res.values);
            improve(inst, obj, &mut s);
            s
        });
        let rounded = round_lp(inst, form, obj, &v);
        match exact {
            Some(e)
                if inst.cost(&e) <= inst.cost(&rounded) || !matches!(obj, GridObjective::Cost) =>
            {
                e
            }
            _ => rounded,
        }
    })
}

struct RelaxedPoint {
    values: Vec<f64>,
}
