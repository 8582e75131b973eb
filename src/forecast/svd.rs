//! Singular value decomposition of the variance-stabilised days × slots matrix, with each
//! component's day scores forecast by an AR(1) around weekday means (Shen & Huang).
//!
//! # Formula
//! Over the last `n` ≤ [`SVD_WEEKS`] whole weeks (days `j = 1..7n`, slots `s = 1..D`), the
//! matrix `X_{j,s} = √(y_{j,s} + 1/4)` (root transform: a Poisson count's root has variance
//! ≈ 1/4 whatever its mean) is decomposed as `X = Σ_k σ_k u_k v_kᵀ` (the top eigenpairs of
//! `XᵀX` by subspace iteration from the weekday means of the rows, with a Rayleigh–Ritz step
//! solved by cyclic Jacobi rotations), and the top `K` components are kept: the
//! day scores `β_{j,k} = σ_k u_{j,k} = (X v_k)_j` and the intraday loadings `v_k`. `K` is the
//! number of singular values above the optimal hard threshold for a known noise level,
//! `λ*(β)·√max(7n, D)·σ` with `σ = 1/2` (the root-count noise), `β = min(7n, D) / max(7n, D)` and
//! `λ*(β) = √(2(β+1) + 8β / (β + 1 + √(β² + 14β + 1)))` (Gavish & Donoho 2014), at most
//! [`MAX_COMPONENTS`] and at least 1 (or the fixed `components` of `svd-<K>`).
//! Each score series follows `β_j = μ_{w(j)} + φ (β_{j−1} − μ_{w(j−1)}) + ε_j` with weekday
//! means `μ_w` discounted over the weeks as the intraday profile is (week `i` back weighs
//! 0.9^(i−1), [`PROFILE_DISCOUNT`]) and `φ ∈ [0, 1)` by least squares on the deviations
//! (the varying-coefficient AR(1) of Shen & Huang 2008, §4); the `h`-day forecast is
//! `μ_w + φ^h (β_last − μ_{w(last)})`. For the first component (the day's level) a relative
//! local level is the alternative: deviations `e_j ≈ μ_{w(j)} ℓ_j` with `ℓ` by discounted
//! least squares (forgetting factor λ), forecast `μ_w (1 + ℓ_last)` at every lead time; of the
//! two, the one with the smaller squared error over lead times 1 … 7 days in the window is
//! used. Why: after a level change (a new bank's ramp-up, a lost client) the deviations stay
//! off for weeks, and the stationary AR(1) returned to the old weekday means within the week,
//! from the last day's deviation — a Saturday's, small on the root scale (issue #17 stress
//! tests). The interval forecast is
//! `F = max(0, (Σ_k β̂_k v_{k,s})² − 1/4)` (the back-transform of the root).
//!
//! # References
//! Shen, H. & Huang, J. Z. (2005), "Analysis of call centre arrival data using singular value
//! decomposition", Applied Stochastic Models in Business and Industry 21(3):251–263; Shen, H.
//! & Huang, J. Z. (2008), "Interday forecasting and intraday updating of call center
//! arrivals", M&SOM 10(3):391–410; Brown, L. et al. (2005), "Statistical analysis of a
//! telephone call center", JASA 100:36–50 (the `√(N + 1/4)` transform); Gavish, M. & Donoho,
//! D. L. (2014), "The optimal hard threshold for singular values is 4/√3", IEEE Trans. Inf.
//! Theory 60(8):5040–5053; Golub, G. H. & Van Loan, C. F. (2013), *Matrix Computations*, 4th
//! ed., §8.2.4 (subspace iteration), §8.5 (cyclic Jacobi).

use super::ets_profile::PROFILE_DISCOUNT;
use super::{FitData, FittedModel, ForecastError, Forecaster};

/// Weeks of days in the matrix (the same 16 weeks the ETS totals and the intraday profile use).
pub const SVD_WEEKS: usize = 16;
/// The most components kept.
pub const MAX_COMPONENTS: usize = 4;
/// Standard deviation of a root-transformed Poisson count, `√(y + 1/4)`.
const ROOT_NOISE_SD: f64 = 0.5;

/// The unfitted model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Svd {
    /// A fixed number of components (`svd-<K>`); `None` (default): the hard-threshold rule.
    pub components: Option<usize>,
}

/// The fitted model.
#[derive(Debug, Clone)]
pub struct FittedSvd {
    /// Per component: loadings (`d`), weekday means of the scores (index = weekday relative
    /// to the origin day), AR coefficient, last deviation.
    comps: Vec<Component>,
    d: usize,
    /// Components kept.
    pub components: usize,
}

#[derive(Debug, Clone)]
struct Component {
    loading: Vec<f64>,
    mean: [f64; 7],
    dynamics: Dynamics,
}

/// How a component's deviation from its weekday means is carried forward.
#[derive(Debug, Clone, Copy)]
enum Dynamics {
    /// Stationary: `φ^h` times the last deviation.
    Ar { phi: f64, last_dev: f64 },
    /// A relative local level `ℓ`: the deviation is `ℓ μ_w` at every lead time.
    Level(f64),
}

impl Dynamics {
    /// The deviation forecast `h` days ahead (`h ≥ 1`) of a day whose weekday mean is `mean`.
    fn ahead(self, h: i32, mean: f64) -> f64 {
        match self {
            Dynamics::Ar { phi, last_dev } => phi.powi(h) * last_dev,
            Dynamics::Level(l) => l * mean,
        }
    }
}

impl Forecaster for Svd {
    type Fitted = FittedSvd;

    fn fit(&self, data: &FitData<'_>) -> Result<Self::Fitted, ForecastError> {
        let d = data.slots_per_day;
        let days = data.y.len() / d;
        let weeks = (days / 7).min(SVD_WEEKS);
        if weeks < 2 {
            return Err(ForecastError::NotEnoughHistory {
                model: "svd",
                needed_days: 14,
                days,
            });
        }
        let n = 7 * weeks;
        let j0 = days - n;
        // Day 0 of the window has the origin's weekday (n is whole weeks).
        let x: Vec<f64> = data.y[j0 * d..days * d]
            .iter()
            .map(|&v| (v.max(0.0) + 0.25).sqrt())
            .collect();
        let (values, vectors) = right_singular(&x, n, d);
        let k = match self.components {
            Some(k) => k.clamp(1, values.len()),
            None => {
                let (small, large) = (n.min(d) as f64, n.max(d) as f64);
                let beta = small / large;
                let lambda = (2.0 * (beta + 1.0)
                    + 8.0 * beta / (beta + 1.0 + (beta * beta + 14.0 * beta + 1.0).sqrt()))
                .sqrt();
                let cut = lambda * large.sqrt() * ROOT_NOISE_SD;
                values
                    .iter()
                    .take(MAX_COMPONENTS)
                    .filter(|&&s| s > cut)
                    .count()
                    .max(1)
            }
        };
        let comps = (0..k)
            .map(|c| {
                let v = vectors[c].clone();
                let scores: Vec<f64> = (0..n)
                    .map(|j| {
                        x[j * d..(j + 1) * d]
                            .iter()
                            .zip(&v)
                            .map(|(a, b)| a * b)
                            .sum()
                    })
                    .collect();
                score_model(v, &scores, c == 0)
            })
            .collect();
        Ok(FittedSvd {
            comps,
            d,
            components: k,
        })
    }
}

/// Weekday means (discounted) and the dynamics of the deviations of one score series whose
/// day 0 has weekday index 0: the AR(1), or for the `first` component the relative local level
/// ([`relative_level`]) when its error over lead times 1 … 7 days ([`ahead_sse`]) is smaller.
fn score_model(loading: Vec<f64>, scores: &[f64], first: bool) -> Component {
    let n = scores.len();
    let (mut sw, mut swx) = ([0.0; 7], [0.0; 7]);
    for (j, &b) in scores.iter().enumerate() {
        let w = PROFILE_DISCOUNT.powi(((n - 1 - j) / 7) as i32);
        sw[j % 7] += w;
        swx[j % 7] += w * b;
    }
    let mut mean = [0.0; 7];
    for k in 0..7 {
        mean[k] = swx[k] / sw[k];
    }
    let dev: Vec<f64> = scores
        .iter()
        .enumerate()
        .map(|(j, b)| b - mean[j % 7])
        .collect();
    let (sxy, sxx) = dev
        .windows(2)
        .fold((0.0, 0.0), |(a, b), p| (a + p[0] * p[1], b + p[0] * p[0]));
    let phi = if sxx > 0.0 {
        (sxy / sxx).clamp(0.0, 0.99)
    } else {
        0.0
    };
    let ar_sse = ahead_sse(&dev, |j, h| phi.powi(h as i32) * dev[j]);
    let (level_sse, level) = if first {
        relative_level(&dev, &mean)
    } else {
        (f64::INFINITY, 0.0)
    };
    let dynamics = if level_sse < ar_sse {
        Dynamics::Level(level)
    } else {
        Dynamics::Ar {
            phi,
            last_dev: dev[n - 1],
        }
    };
    Component {
        loading,
        mean,
        dynamics,
    }
}

/// The relative local level of the deviations: `e_j ≈ μ_{w(j)} ℓ_j`, `ℓ_j` by discounted least
/// squares over the days so far, `ℓ_j = Σ_i λ^{j−i} μ_i e_i / Σ_i λ^{j−i} μ_i²` (Brown's
/// discounted regression, the least-squares form of exponential smoothing), with the forgetting
/// factor `λ ∈ {0.50, 0.51, …, 0.99}` of least [`ahead_sse`]. A level change of the series by
/// a factor `c` moves every root score by `(√c − 1) μ_w`, proportionally to its weekday's mean,
/// so a quiet weekday's deviation says as much about it as a busy one's. Returns that error
/// and `ℓ` after the last day.
fn relative_level(dev: &[f64], mean: &[f64; 7]) -> (f64, f64) {
    let mut best = (f64::INFINITY, 0.0);
    let mut levels = vec![0.0; dev.len()];
    for i in 50..100 {
        let lambda = f64::from(i) / 100.0;
        let (mut num, mut den) = (0.0, 0.0);
        for (j, &e) in dev.iter().enumerate() {
            let m = mean[j % 7];
            num = lambda * num + m * e;
            den = lambda * den + m * m;
            levels[j] = if den > 0.0 { num / den } else { 0.0 };
        }
        let sse = ahead_sse(dev, |j, h| levels[j] * mean[(j + h) % 7]);
        if sse < best.0 {
            best = (sse, levels[dev.len() - 1]);
        }
    }
    best
}

/// The squared error of a deviation forecast over lead times 1 … 7 days from every day `j`
/// (`forecast(j, h)` the forecast of `e_{j+h}` made after day `j`): the horizon the model is
/// used for, so that a level that only fits the next day is not preferred (the mean 1 … 7-step
/// squared error, R `forecast::ets(opt.crit = "amse", nmse = 7)`).
fn ahead_sse(dev: &[f64], forecast: impl Fn(usize, usize) -> f64) -> f64 {
    let n = dev.len();
    let mut sse = 0.0;
    for j in 0..n {
        for h in 1..=7.min(n - 1 - j) {
            sse += (dev[j + h] - forecast(j, h)).powi(2);
        }
    }
    sse
}

/// The [`BLOCK`] largest singular values (descending) and right singular vectors of the
/// `n × d` row-major matrix `x`, from the top eigenpairs of `xᵀx`.
fn right_singular(x: &[f64], n: usize, d: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let rows: Vec<&[f64]> = x.chunks(d).take(n).collect();
    let mut a = vec![0.0; d * d];
    for row in &rows {
        for (p, &rp) in row.iter().enumerate() {
            a[p * d + p..(p + 1) * d]
                .iter_mut()
                .zip(&row[p..])
                .for_each(|(g, rq)| *g += rp * rq);
        }
    }
    for p in 0..d {
        for q in 0..p {
            a[p * d + q] = a[q * d + p];
        }
    }
    // Seeds: the weekday means of the rows, which span the level and the weekday shapes.
    let seeds: Vec<Vec<f64>> = (0..7)
        .map(|k| {
            let mut m = vec![0.0; d];
            for row in rows.iter().skip(k).step_by(7) {
                m.iter_mut().zip(*row).for_each(|(a, b)| *a += b);
            }
            m
        })
        .collect();
    let (values, vectors) = top_eigen(&a, d, seeds);
    (values.iter().map(|l| l.max(0.0).sqrt()).collect(), vectors)
}

/// Vectors kept in [`top_eigen`]'s subspace iteration: the [`MAX_COMPONENTS`] wanted and as
/// many guard vectors (convergence goes as the ratio of the 9th to the 4th eigenvalue).
const BLOCK: usize = 2 * MAX_COMPONENTS;

/// The [`BLOCK`] largest eigenvalues (descending) and their eigenvectors of the symmetric
/// positive semi-definite `m × m` row-major matrix `a`, by subspace (block power) iteration
/// with a Rayleigh–Ritz step, from `seeds` (padded with unit vectors; a seed in the span of
/// the others is replaced by one), until the leading [`MAX_COMPONENTS`] Ritz values change by
/// less than 10⁻¹⁰ relative, at most 300 iterations (Golub & Van Loan 2013, §8.2.4). The
/// full spectrum is never needed: only the top components are kept.
fn top_eigen(a: &[f64], m: usize, seeds: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let b = BLOCK.min(m);
    let mut q: Vec<Vec<f64>> = seeds.into_iter().take(b).collect();
    q.extend((q.len()..b).map(|i| unit(m, i)));
    orthonormalise(&mut q, m);
    let mut last = vec![f64::NAN; b];
    let mul = |v: &[f64]| -> Vec<f64> {
        a.chunks(m)
            .map(|row| row.iter().zip(v).map(|(x, y)| x * y).sum())
            .collect()
    };
    for _ in 0..300 {
        let z: Vec<Vec<f64>> = q.iter().map(|v| mul(v)).collect();
        // Rayleigh–Ritz: the eigenvectors of qᵀ a q rotate the block.
        let mut small = vec![0.0; b * b];
        for i in 0..b {
            for j in i..b {
                small[i * b + j] = q[i].iter().zip(&z[j]).map(|(x, y)| x * y).sum();
            }
        }
        let (theta, w) = symmetric_eigen(small, b);
        let done = theta
            .iter()
            .zip(&last)
            .take(MAX_COMPONENTS)
            .all(|(t, l)| (t - l).abs() <= 1e-10 * theta[0].abs());
        if done {
            let vectors = w.iter().map(|wc| combine(&q, wc, m)).collect();
            return (theta, vectors);
        }
        last = theta;
        q = w.iter().map(|wc| combine(&z, wc, m)).collect();
        orthonormalise(&mut q, m);
    }
    let z: Vec<Vec<f64>> = q.iter().map(|v| mul(v)).collect();
    let theta = q
        .iter()
        .zip(&z)
        .map(|(v, av)| v.iter().zip(av).map(|(x, y)| x * y).sum())
        .collect();
    (theta, q)
}

/// `Σ_i w_i q_i`.
fn combine(q: &[Vec<f64>], w: &[f64], m: usize) -> Vec<f64> {
    let mut out = vec![0.0; m];
    for (v, &c) in q.iter().zip(w) {
        out.iter_mut().zip(v).for_each(|(o, x)| *o += c * x);
    }
    out
}

fn unit(m: usize, i: usize) -> Vec<f64> {
    let mut e = vec![0.0; m];
    e[i % m] = 1.0;
    e
}

/// Modified Gram–Schmidt; a vector (numerically) in the span of the ones before it is replaced
/// by the next unit vector not in it.
fn orthonormalise(q: &mut [Vec<f64>], m: usize) {
    let mut next_unit = 0;
    for i in 0..q.len() {
        for _attempt in 0..=m {
            let before: f64 = q[i].iter().map(|x| x * x).sum::<f64>().sqrt();
            for j in 0..i {
                let dot: f64 = q[i].iter().zip(&q[j]).map(|(x, y)| x * y).sum();
                let (head, tail) = q.split_at_mut(i);
                tail[0]
                    .iter_mut()
                    .zip(&head[j])
                    .for_each(|(x, y)| *x -= dot * y);
            }
            let after: f64 = q[i].iter().map(|x| x * x).sum::<f64>().sqrt();
            if after > 1e-10 * before && after > 0.0 {
                q[i].iter_mut().for_each(|x| *x /= after);
                break;
            }
            q[i] = unit(m, next_unit);
            next_unit += 1;
        }
    }
}

/// Eigenvalues (descending) and eigenvectors of the symmetric `m × m` matrix whose upper
/// triangle is in `a` (row-major), by cyclic Jacobi rotations until the off-diagonal norm is
/// below 10⁻¹² of the trace.
fn symmetric_eigen(mut a: Vec<f64>, m: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    for p in 0..m {
        for q in 0..p {
            a[p * m + q] = a[q * m + p];
        }
    }
    let mut v = vec![0.0; m * m];
    for p in 0..m {
        v[p * m + p] = 1.0;
    }
    let scale: f64 = (0..m).map(|p| a[p * m + p].abs()).sum();
    let tol = 1e-12 * scale.max(f64::MIN_POSITIVE);
    for _sweep in 0..60 {
        let off: f64 = (0..m)
            .map(|p| (p + 1..m).map(|q| a[p * m + q].powi(2)).sum::<f64>())
            .sum();
        if (2.0 * off).sqrt() <= tol {
            break;
        }
        for p in 0..m {
            for q in p + 1..m {
                if a[p * m + q].abs() > 1e-3 * tol / m as f64 {
                    rotate(&mut a, &mut v, m, p, q);
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| a[j * m + j].total_cmp(&a[i * m + i]));
    let values = order.iter().map(|&i| a[i * m + i]).collect();
    let vectors = order
        .iter()
        .map(|&i| (0..m).map(|s| v[s * m + i]).collect())
        .collect();
    (values, vectors)
}

/// One Jacobi rotation zeroing `a[p][q]` of the symmetric `a`, accumulated into `v`.
fn rotate(a: &mut [f64], v: &mut [f64], d: usize, p: usize, q: usize) {
    let apq = a[p * d + q];
    if apq == 0.0 {
        return;
    }
    let theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
    let t = if theta == 0.0 { 1.0 } else { t };
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    for r in 0..d {
        let (arp, arq) = (a[r * d + p], a[r * d + q]);
        a[r * d + p] = c * arp - s * arq;
        a[r * d + q] = s * arp + c * arq;
    }
    for r in 0..d {
        let (apr, aqr) = (a[p * d + r], a[q * d + r]);
        a[p * d + r] = c * apr - s * aqr;
        a[q * d + r] = s * apr + c * aqr;
    }
    for r in 0..d {
        let (vrp, vrq) = (v[r * d + p], v[r * d + q]);
        v[r * d + p] = c * vrp - s * vrq;
        v[r * d + q] = s * vrp + c * vrq;
    }
}

impl FittedModel for FittedSvd {
    fn predict(&self, horizon: usize) -> Vec<f64> {
        let d = self.d;
        let mut out = Vec::with_capacity(horizon);
        for day in 0..horizon.div_ceil(d) {
            let scores: Vec<f64> = self
                .comps
                .iter()
                .map(|c| c.mean[day % 7] + c.dynamics.ahead(day as i32 + 1, c.mean[day % 7]))
                .collect();
            for s in 0..d {
                let root: f64 = self
                    .comps
                    .iter()
                    .zip(&scores)
                    .map(|(c, b)| b * c.loading[s])
                    .sum();
                out.push((root * root - 0.25).max(0.0));
            }
        }
        out.truncate(horizon);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The intraday shape of the synthetic series (6 slots a day).
    const SHAPE: [f64; 6] = [0.05, 0.1, 0.3, 0.25, 0.2, 0.1];

    /// `days` days of `factor(day) × level[weekday] × SHAPE[slot]`, the first day a Monday.
    fn level_times_shape(days: usize, level: &[f64; 7], factor: impl Fn(usize) -> f64) -> Vec<f64> {
        let d = SHAPE.len();
        (0..days * d)
            .map(|t| factor(t / d) * level[(t / d) % 7] * SHAPE[t % d])
            .collect()
    }

    /// One queue's fit data on the synthetic grid.
    fn fit_data(y: &[f64]) -> FitData<'_> {
        FitData {
            y,
            slots_per_day: SHAPE.len(),
            first_weekday: 0,
            others: None,
        }
    }

    #[test]
    fn singular_values_of_a_known_matrix() {
        // Rows (3, 0), (0, 4), (0, 0): singular values 4 and 3, vectors e₂ and e₁.
        let x = [3.0, 0.0, 0.0, 4.0, 0.0, 0.0];
        let (s, v) = right_singular(&x, 3, 2);
        assert!(
            (s[0] - 4.0).abs() < 1e-12 && (s[1] - 3.0).abs() < 1e-12,
            "{s:?}"
        );
        // The first vector is e₂, the second e₁ (up to sign).
        assert!(
            (v[0][1].abs() - 1.0).abs() < 1e-12 && v[0][0].abs() < 1e-12,
            "{v:?}"
        );
        assert!(
            (v[1][0].abs() - 1.0).abs() < 1e-12 && v[1][1].abs() < 1e-12,
            "{v:?}"
        );
    }

    #[test]
    fn a_level_drop_is_followed() {
        // 14 weeks × 6 slots of weekday level × shape, × 0.6 from the Wednesday of the
        // 13th week on (11 days before the origin). The stationary AR(1) around the weekday
        // means carried the last (Saturday, small) deviation and forecast the next week near
        // the old level; the relative local level follows the drop.
        let d = SHAPE.len();
        let level = [1.0e4, 1.2e4, 1.1e4, 1.15e4, 0.9e4, 0.3e4, 0.1e4];
        let y = level_times_shape(98, &level, |day| if day >= 87 { 0.6 } else { 1.0 });
        let fc = Svd::default().fit(&fit_data(&y)).unwrap().predict(7 * d);
        let want: f64 = 0.6 * level.iter().sum::<f64>();
        let got: f64 = fc.iter().sum();
        assert!((got / want - 1.0).abs() < 0.05, "{got} vs {want}");
    }

    #[test]
    fn an_exactly_rank_one_series_is_reproduced() {
        // 12 weeks × 6 slots: y = day level × fixed shape, the level a weekday pattern. With
        // ≥ 10⁴ calls a slot, √(y + 1/4) = √y (1 + 1/(8y) + …) is rank 1 to a relative ~10⁻⁵,
        // so the forecast of the next two weeks is the same weekday's level × the shape.
        let d = SHAPE.len();
        let level = [1.0e6, 1.2e6, 1.1e6, 1.15e6, 0.9e6, 0.4e6, 0.3e6];
        let y = level_times_shape(84, &level, |_| 1.0);
        let data = fit_data(&y);
        for model in [
            Svd::default(),
            Svd {
                components: Some(1),
            },
        ] {
            let f = model.fit(&data).unwrap();
            let fc = f.predict(14 * d);
            for (t, v) in fc.iter().enumerate() {
                let want = level[(t / d) % 7] * SHAPE[t % d];
                assert!((v / want - 1.0).abs() < 1e-5, "t {t}: {v} vs {want}");
            }
        }
        let short = FitData {
            y: &y[..13 * d],
            ..data
        };
        assert!(Svd::default().fit(&short).is_err());
    }
}
