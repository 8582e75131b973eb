//! The backward pass: `V_k(·, τ)` for every stage and ramp state, pruned by `Φ_k`.

use super::{seg, Block, Model, EPS, MAX_SEGMENTS};
use crate::capacity::pwl::{x_tol, Pwl, Seg};

/// `V_k(·, τ)` for `k = 0…K−1`, indexed `[k][τ code]`; `None` past the work limit.
pub(super) fn values(m: &Model, ub: f64) -> Option<Vec<Vec<Pwl>>> {
    let k_len = m.stages();
    let mut v: Vec<Vec<Pwl>> = vec![Vec::new(); k_len];
    let mut work = 0usize;
    for k in (0..k_len).rev() {
        let codes = m.choices.len().pow(m.r[k] as u32);
        let phi = Phi::new(m, k);
        let mut stage = Vec::with_capacity(codes);
        for code in 0..codes {
            let tau = m.decode(k, code);
            let mut env = Pwl::default();
            for &h in &m.choices {
                let mut recent = tau.clone();
                recent.push(h);
                let next = (k + 1 < k_len).then(|| &v[k + 1][m.encode_next(k, &recent)]);
                let f = choice(m, k, h, &m.block(k, &recent), next);
                work += f.len() + env.len();
                env = env.min(&f);
            }
            let scale = env.segs.iter().map(|s| s.y0.abs()).fold(1.0, f64::max);
            let mut env = env.compress(EPS * scale);
            let tol = 1e-9 * ub.abs().max(1.0);
            env.retain(|s| phi.below(s) + s.y0.min(s.y1) <= ub + tol);
            stage.push(env);
            if work > MAX_SEGMENTS {
                return None;
            }
        }
        v[k] = stage;
    }
    Some(v)
}

/// `n ↦ κ(h) + Σ_{t ∈ block} c_t(n + g·h) + V_{k+1}(n')` on the reachable floors of stage `k`.
fn choice(m: &Model, k: usize, h: u32, b: &Block, next: Option<&Pwl>) -> Pwl {
    let gh = m.g * f64::from(h);
    let (mut lo, mut hi) = (m.lo[k], m.hi[k]);
    let mut kinks = Vec::with_capacity(2 * b.weeks.len());
    for &(t, q, rg) in &b.weeks {
        let (bends, least) = m.week_kinks(t, rg);
        lo = lo.max(least / q - gh);
        kinks.extend(bends.iter().map(|n| n / q - gh));
    }
    if let Some(nx) = next {
        let (Some(first), Some(last)) = (nx.segs.first(), nx.segs.last()) else {
            return Pwl::default();
        };
        lo = lo.max(first.x0 / b.q - gh);
        hi = hi.min(last.x1 / b.q - gh);
    }
    let (lo, hi) = (lo - x_tol(lo), hi + x_tol(hi));
    if lo >= hi {
        return Pwl::default();
    }
    kinks.retain(|&x| x > lo && x < hi);
    kinks.sort_by(f64::total_cmp);
    let kappa = m.kappa(h);
    let cost = |n: f64, s: Option<&Seg>| {
        let x = n + gh;
        kappa + m.block_cost(b, x) + s.map_or(0.0, |s| at(s, x * b.q))
    };
    let mut out = Vec::new();
    let mut piece = |a: f64, z: f64, s: Option<&Seg>, ki: &mut usize| {
        while *ki < kinks.len() && kinks[*ki] <= a {
            *ki += 1;
        }
        let (mut x, mut y) = (a, cost(a, s));
        while *ki < kinks.len() && kinks[*ki] < z {
            let (nx, ny) = (kinks[*ki], cost(kinks[*ki], s));
            out.push(seg(x, nx, y, ny));
            (x, y) = (nx, ny);
            *ki += 1;
        }
        if z > x {
            out.push(seg(x, z, y, cost(z, s)));
        }
    };
    let mut ki = 0;
    match next {
        None => piece(lo, hi, None, &mut ki),
        Some(nx) => {
            let last = nx.segs.len() - 1;
            for (j, s) in nx.segs.iter().enumerate() {
                let a = if j == 0 {
                    lo
                } else {
                    (s.x0 / b.q - gh).max(lo)
                };
                let z = if j == last {
                    hi
                } else {
                    (s.x1 / b.q - gh).min(hi)
                };
                if z > a {
                    piece(a, z, Some(s), &mut ki);
                }
            }
        }
    }
    Pwl { segs: out }
}

fn at(s: &Seg, x: f64) -> f64 {
    s.y0 + (s.y1 - s.y0) * (x - s.x0) / (s.x1 - s.x0)
}

/// `Φ_k`: a lower bound on the cost of the weeks before block `k` and of classes `0…k−1`
/// for any plan whose floor is `n` at stage `k`. `Φ_k = A(n) + B(n)`, `A` the least cost of
/// each earlier week `t` with at most `n·P_t/P_w` agents (non-increasing in `n`), `B` the
/// cheapest cost of the `(n − lo_k)/g` hires it takes at least (non-decreasing).
struct Phi {
    a: Pwl,
    lo: f64,
    beta: f64,
}

impl Phi {
    fn new(m: &Model, k: usize) -> Self {
        let w = m.starts[k] + m.input.training.weeks;
        let c = &m.input.costs;
        let beta =
            (c.hire + c.wage * m.trainee_weeks + c.class / f64::from(m.input.hiring.max_class))
                / m.g;
        // A is piecewise linear with bends where some week's cover changes regime.
        let scale: Vec<f64> = (0..w).map(|t| m.p[t] / m.p[w]).collect();
        let least_week = |t: usize, cap: f64| -> f64 {
            let (bends, _) = m.week_kinks(t, 0.0);
            std::iter::once(cap)
                .chain(std::iter::once(0.0))
                .chain(bends.into_iter().filter(|&b| (0.0..=cap).contains(&b)))
                .map(|n| m.week_cost(t, n, 0.0))
                .fold(f64::INFINITY, f64::min)
        };
        let eval = |x: f64| -> f64 { (0..w).map(|t| least_week(t, x * scale[t])).sum() };
        let (lo, hi) = (m.lo[k] - 1.0, m.hi[k] + 1.0);
        let mut xs: Vec<f64> = vec![lo, hi];
        for (t, &sc) in scale.iter().enumerate() {
            let (bends, least) = m.week_kinks(t, 0.0);
            xs.extend(
                bends
                    .iter()
                    .chain([least].iter())
                    .map(|b| b / sc)
                    .filter(|x| x.is_finite() && *x > lo && *x < hi),
            );
        }
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let ys: Vec<f64> = xs.iter().map(|&x| eval(x)).collect();
        let segs = xs
            .windows(2)
            .zip(ys.windows(2))
            .filter(|(x, y)| x[1] > x[0] && y[0].is_finite() && y[1].is_finite())
            .map(|(x, y)| seg(x[0], x[1], y[0], y[1]))
            .collect();
        Phi {
            a: Pwl { segs },
            lo: m.lo[k],
            beta,
        }
    }

    /// A lower bound of `Φ_k` on the segment's interval.
    fn below(&self, s: &Seg) -> f64 {
        // A is non-increasing: its least value on [x0, x1] is at x1 (+∞ where no plan covers).
        let a = self.a.eval(s.x1);
        a + self.beta * (s.x0 - self.lo).max(0.0)
    }
}
