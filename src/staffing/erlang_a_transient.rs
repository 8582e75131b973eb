//! Erlang A with the queue carried from one interval to the next: the M(t)/M/N(t)+M birth–death
//! chain solved over time (Kolmogorov forward equations), interval after interval, instead of
//! each interval's steady state.
//!
//! Within an interval the arrival rate `λ`, the agents `N`, the handle time `1/μ` and the
//! patience `1/θ` are constant; the number of callers in the system `k` moves up at rate `λ`
//! and down at rate `min(k, N)·μ + (k − N)⁺·θ`. The distribution at the interval's start is
//! the one at the previous interval's end (an interval that follows a gap in the data starts
//! empty after one interval without arrivals). The forward equations are integrated by the
//! classical fourth-order Runge–Kutta method with a step of at most `1.25 ÷` the largest rate
//! out of a state (inside RK4's stability region: the eigenvalues lie in `[−2·rate, 0]`), the time average of the distribution by the trapezoid
//! rule; the state space is cut at `N + ⌈(λ − Nμ)⁺/θ + 8·√(λ/θ) + 10⌉` (the queue drifts to
//! about `(λ − Nμ)⁺/θ` and fluctuates by about `√(λ/θ)` around it), and grown, never shrunk,
//! along the chain. The work is `O(K · λ_max · T)` per interval (`K` states, the step bound
//! by the largest rate): milliseconds for a pool of tens of agents.
//!
//! Each caller's fate is taken at his arrival (Poisson arrivals see the time-averaged
//! distribution, PASTA), with the arrival interval's `N`, `μ` and `θ` for his whole wait:
//! with `j` callers ahead he advances at rate `Nμ + iθ` (`i` still ahead) and hangs up at rate
//! `θ`, so he is served with probability `Π_{i=0}^{j} (Nμ + iθ)/(Nμ + (i+1)θ) = x/(x + j + 1)`
//! (`x = Nμ/θ`, as in [`super::erlang_a`]), after a wait that is the sum of independent
//! exponentials of rates `Nμ + (i+1)θ`, `i = j … 0` (the holding times of competing
//! exponentials do not depend on which event ends them). The service level counts the served
//! callers whose wait is at most the threshold `τ`, `P(Σ ≤ τ)` from the backward equations of
//! that phase chain integrated over `[0, τ]`; ASA is the mean wait of the served.
//!
//! Started from Erlang A's steady state, the chain stays there and the metrics are Erlang A's
//! (tested); started empty, it gives less waiting and abandonment early in a busy interval.
//! A fractional number of agents `n` is the mixture of `⌊n⌋` and `⌈n⌉` agents with weights
//! `⌈n⌉ − n` and `n − ⌊n⌋` — the metrics and the distribution carried forward alike — as the
//! steady-state model interpolates between the two whole counts.
//!
//! # References
//! Ingolfsson, A., Akhmetshina, E., Budge, S., Li, Y. and Wu, X. (2007), "A survey and
//! experimental comparison of service-level-approximation methods for nonstationary
//! M(t)/M/s(t) queueing systems with exhaustive discipline", *INFORMS Journal on Computing*
//! 19(2), 201–214 (the forward equations solved numerically as the reference method);
//! Mandelbaum, A. and Zeltyn, S. (2009), "The M/M/n+G queue: summary of performance measures".

/// One interval of the chain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransientInterval {
    /// Seconds since the first interval's start.
    pub start_secs: f64,
    /// Its length, seconds.
    pub length_secs: f64,
    /// Available agents (fractional: a mixture of the two whole counts around it).
    pub agents: f64,
    /// Offered calls in the interval.
    pub offered: f64,
    /// Mean handle time, seconds (> 0).
    pub aht_secs: f64,
    /// Mean patience, seconds (> 0).
    pub patience_secs: f64,
}

/// Per-arrival metrics of one interval: `(service level, abandon rate, ASA seconds)`.
pub type TransientMetrics = (f64, f64, f64);

/// Relative cut of the state space above the busiest queue (see the module docs).
const QUEUE_SDS: f64 = 8.0;

/// Step bound `h ≤ RK4_RATE_STEP ÷ max_rate` of the forward equations (see [`step`]).
const RK4_RATE_STEP: f64 = 1.25;

/// The chain over `intervals` (ascending starts; a gap between two starts longer than the
/// first's length is a gap in the data): each interval's per-arrival metrics at threshold
/// `threshold_secs`.
pub fn chain(intervals: &[TransientInterval], threshold_secs: f64) -> Vec<TransientMetrics> {
    let mut p: Vec<f64> = vec![1.0];
    let mut out = Vec::with_capacity(intervals.len());
    let mut prev: Option<&TransientInterval> = None;
    for iv in intervals {
        if let Some(pr) = prev {
            let gap = iv.start_secs - (pr.start_secs + pr.length_secs);
            if gap > 0.5 {
                // No arrivals for one interval (the previous agents finish their calls), then
                // empty: the data has no row for the gap.
                let idle = TransientInterval {
                    offered: 0.0,
                    length_secs: gap.min(pr.length_secs),
                    ..*pr
                };
                p = step_mixed(&p, &idle, threshold_secs).0;
                if gap > pr.length_secs {
                    p = vec![1.0];
                }
            }
        }
        let (next, m) = step_mixed(&p, iv, threshold_secs);
        p = next;
        out.push(m);
        prev = Some(iv);
    }
    out
}

/// One interval at a fractional agent count: the mixture of its two whole counts.
fn step_mixed(p0: &[f64], iv: &TransientInterval, tau: f64) -> (Vec<f64>, TransientMetrics) {
    let n = iv.agents.max(0.0);
    let lo = n.floor();
    let f = n - lo;
    let lo = lo as usize;
    if f < 1e-12 {
        return step(p0, lo, iv, tau);
    }
    // The two counts are independent: side by side on two threads (same numbers).
    let ((pa, ma), (pb, mb)) = rayon::join(|| step(p0, lo, iv, tau), || step(p0, lo + 1, iv, tau));
    let len = pa.len().max(pb.len());
    let p = (0..len)
        .map(|k| {
            (1.0 - f) * pa.get(k).copied().unwrap_or(0.0) + f * pb.get(k).copied().unwrap_or(0.0)
        })
        .collect();
    let mix = |a: f64, b: f64| (1.0 - f) * a + f * b;
    // ASA is per served caller: weight each count's by its served share.
    let (sa, sb) = ((1.0 - f) * (1.0 - ma.1), f * (1.0 - mb.1));
    let asa = if sa + sb > 0.0 {
        (sa * ma.2 + sb * mb.2) / (sa + sb)
    } else {
        0.0
    };
    (p, (mix(ma.0, mb.0), mix(ma.1, mb.1), asa))
}

/// Exit rate of state `k`: `min(k, n)·μ + (k − n)⁺·θ`.
fn death(k: usize, n: usize, mu: f64, theta: f64) -> f64 {
    k.min(n) as f64 * mu + k.saturating_sub(n) as f64 * theta
}

/// One Runge–Kutta stage of the forward equations on `0..=K` (no arrival above `K`): the
/// derivative `k = dp/dt` at `x`, and `next = p + c·k`. `exit[j]` is state `j`'s total exit
/// rate, `down[j]` its rate down; plain slices and one pass (the evaluation order of the
/// straightforward form, so the same numbers, faster).
#[allow(clippy::too_many_arguments)]
fn stage(
    x: &[f64],
    lambda: f64,
    exit: &[f64],
    down: &[f64],
    p: &[f64],
    c: f64,
    k: &mut [f64],
    next: &mut [f64],
) {
    let top = x.len() - 1;
    // State 0 (nothing below) and `top` (nothing above) apart, the rest without branches; a
    // `while` loop: the unoptimised (debug) build calls the range iterator per element.
    let d = -exit[0] * x[0] + if top > 0 { down[1] * x[1] } else { 0.0 };
    k[0] = d;
    next[0] = p[0] + c * d;
    let mut j = 1;
    while j < top {
        let d = -exit[j] * x[j] + lambda * x[j - 1] + down[j + 1] * x[j + 1];
        k[j] = d;
        next[j] = p[j] + c * d;
        j += 1;
    }
    if top > 0 {
        let d = -exit[top] * x[top] + lambda * x[top - 1];
        k[top] = d;
        next[top] = p[top] + c * d;
    }
}

/// One interval with `n` whole agents from the distribution `p0`: the distribution at its end
/// and its per-arrival metrics.
fn step(p0: &[f64], n: usize, iv: &TransientInterval, tau: f64) -> (Vec<f64>, TransientMetrics) {
    let lambda = (iv.offered / iv.length_secs).max(0.0);
    let (mu, theta) = (1.0 / iv.aht_secs, 1.0 / iv.patience_secs);
    // The queue drifts to about (λ − Nμ)⁺/θ and fluctuates by about √(λ/θ) around it.
    let drift = (lambda - n as f64 * mu).max(0.0) / theta;
    let spread = (lambda / theta).sqrt();
    let top = (n + (drift + QUEUE_SDS * spread + 10.0).ceil() as usize).max(p0.len() - 1);
    let mut pv = p0.to_vec();
    pv.resize(top + 1, 0.0);
    let max_rate = lambda + death(top, n, mu, theta);
    // The generator's eigenvalues are real (a birth–death chain is reversible) and, by
    // Gershgorin, in [−2·max_rate, 0]; RK4 is stable on the real axis for |hz| ≤ 2.78, so
    // h ≤ 1.25 ÷ max_rate keeps h·2·max_rate = 2.5 inside with a margin.
    let steps = ((iv.length_secs * max_rate / RK4_RATE_STEP).ceil() as usize).max(1);
    let h = iv.length_secs / steps as f64;
    let down: Vec<f64> = (0..=top).map(|k| death(k, n, mu, theta)).collect();
    let exit: Vec<f64> = (0..=top)
        .map(|k| (if k < top { lambda } else { 0.0 }) + down[k])
        .collect();
    let mut avgv = vec![0.0; top + 1];
    let mut bufs = vec![0.0; 6 * (top + 1)];
    let (k1, rest) = bufs.split_at_mut(top + 1);
    let (k2, rest) = rest.split_at_mut(top + 1);
    let (k3, rest) = rest.split_at_mut(top + 1);
    let (k4, rest) = rest.split_at_mut(top + 1);
    let (ta, tb) = rest.split_at_mut(top + 1);
    let (p, avg): (&mut [f64], &mut [f64]) = (&mut pv, &mut avgv);
    let (half, sixth) = (0.5 * h, h / 6.0);
    for _ in 0..steps {
        stage(p, lambda, &exit, &down, p, half, k1, ta);
        stage(ta, lambda, &exit, &down, p, half, k2, tb);
        stage(tb, lambda, &exit, &down, p, h, k3, ta);
        stage(ta, lambda, &exit, &down, p, 0.0, k4, tb);
        let mut j = 0;
        while j <= top {
            let next = (p[j] + sixth * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])).max(0.0);
            avg[j] += half * (p[j] + next);
            p[j] = next;
            j += 1;
        }
    }
    let total: f64 = avg.iter().sum();
    for a in avg.iter_mut() {
        *a /= total;
    }
    let mass: f64 = p.iter().sum();
    for x in p.iter_mut() {
        *x /= mass;
    }
    (pv, arrival_metrics(&avgv, n, mu, theta, tau))
}

/// Per-arrival `(SL, abandon, ASA)` for arrivals that see the distribution `pbar`.
fn arrival_metrics(pbar: &[f64], n: usize, mu: f64, theta: f64, tau: f64) -> TransientMetrics {
    let queue = pbar.len().saturating_sub(n);
    let within = served_within(queue, n, mu, theta, tau);
    let nmu = n as f64 * mu;
    let (mut sl, mut ab, mut wait) = (0.0, 0.0, 0.0);
    for (k, &pk) in pbar.iter().enumerate() {
        if k < n {
            sl += pk;
            continue;
        }
        let j = k - n;
        // Served with probability Π (Nμ + iθ)/(Nμ + (i+1)θ) = Nμ / (Nμ + (j+1)θ); its mean
        // wait Σ_{i=0}^{j} 1/(Nμ + (i+1)θ).
        let served = nmu / (nmu + (j + 1) as f64 * theta);
        let mean_wait: f64 = (0..=j).map(|i| 1.0 / (nmu + (i + 1) as f64 * theta)).sum();
        sl += pk * served * within[j];
        ab += pk * (1.0 - served);
        wait += pk * served * mean_wait;
    }
    let asa = if ab < 1.0 { wait / (1.0 - ab) } else { 0.0 };
    (sl.clamp(0.0, 1.0), ab.clamp(0.0, 1.0), asa)
}

/// `P(Σ_{i=0}^{j} E_i ≤ τ)` for `j = 0..queue`, `E_i` exponential of rate `Nμ + (i+1)θ`: the
/// backward equations `D_j' = r_j·(D_{j−1} − D_j)`, `D_{−1} = 1`, `D_j(0) = 0`, by RK4.
fn served_within(queue: usize, n: usize, mu: f64, theta: f64, tau: f64) -> Vec<f64> {
    if queue == 0 {
        return Vec::new();
    }
    let rate = |j: usize| n as f64 * mu + (j + 1) as f64 * theta;
    let steps = ((tau * rate(queue - 1) / 0.5).ceil() as usize).max(20);
    let h = tau / steps as f64;
    let f = |d: &[f64], out: &mut [f64]| {
        for j in 0..d.len() {
            let before = if j == 0 { 1.0 } else { d[j - 1] };
            out[j] = rate(j) * (before - d[j]);
        }
    };
    let mut d = vec![0.0; queue];
    let (mut k1, mut k2, mut k3, mut k4) = (d.clone(), d.clone(), d.clone(), d.clone());
    let mut tmp = d.clone();
    for _ in 0..steps {
        f(&d, &mut k1);
        for j in 0..queue {
            tmp[j] = d[j] + 0.5 * h * k1[j];
        }
        f(&tmp, &mut k2);
        for j in 0..queue {
            tmp[j] = d[j] + 0.5 * h * k2[j];
        }
        f(&tmp, &mut k3);
        for j in 0..queue {
            tmp[j] = d[j] + h * k3[j];
        }
        f(&tmp, &mut k4);
        for j in 0..queue {
            d[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::erlang_a;

    fn iv(agents: f64, offered: f64, start: f64) -> TransientInterval {
        TransientInterval {
            start_secs: start,
            length_secs: 1800.0,
            agents,
            offered,
            aht_secs: 180.0,
            patience_secs: 300.0,
        }
    }

    #[test]
    fn a_long_steady_stretch_reaches_erlang_a() {
        // Ten 30-min intervals of 100 calls (10 Erlangs), 9 agents: after five hours the chain
        // is in Erlang A's steady state; the last interval's metrics are Erlang A's.
        let ivs: Vec<TransientInterval> = (0..10)
            .map(|i| iv(9.0, 100.0, 1800.0 * f64::from(i)))
            .collect();
        let m = chain(&ivs, 20.0);
        let e = erlang_a::compute(9, 10.0, 180.0, 300.0, 20.0);
        let last = m[9];
        assert!((last.0 - e.service_level).abs() < 2e-3, "{last:?} {e:?}");
        assert!(
            (last.1 - e.abandon_rate.unwrap()).abs() < 2e-3,
            "{last:?} {e:?}"
        );
        assert!((last.2 / e.asa_secs - 1.0).abs() < 0.02, "{last:?} {e:?}");
        // Started empty, the first interval waits and abandons less.
        assert!(m[0].1 < last.1 && m[0].0 > last.0, "{:?}", m[0]);
        // A fractional count lies between its two whole counts.
        let f = chain(&[iv(9.5, 100.0, 0.0)], 20.0)[0];
        let (a, b) = (
            chain(&[iv(9.0, 100.0, 0.0)], 20.0)[0],
            chain(&[iv(10.0, 100.0, 0.0)], 20.0)[0],
        );
        assert!(f.1 < a.1 && f.1 > b.1 && (f.1 - 0.5 * (a.1 + b.1)).abs() < 1e-12);
    }

    #[test]
    fn a_large_pool_stays_finite_and_near_erlang_a() {
        // 300 agents, 5,400 calls per half hour (540 Erlangs at 180 s), three intervals of an
        // overloaded pool: the step bound keeps RK4 stable on the largest rates (with
        // h = 1.5 ÷ rate this chain blew up to NaN), and the last interval approaches the
        // steady state.
        let ivs: Vec<TransientInterval> = (0..3)
            .map(|i| iv(300.0, 5400.0, 1800.0 * f64::from(i)))
            .collect();
        let m = chain(&ivs, 20.0);
        for x in &m {
            assert!(
                x.0.is_finite() && x.1.is_finite() && x.2.is_finite(),
                "{m:?}"
            );
        }
        let e = erlang_a::compute(300, 540.0, 180.0, 300.0, 20.0);
        assert!(
            (m[2].1 - e.abandon_rate.unwrap()).abs() < 0.01,
            "{m:?} {e:?}"
        );
    }

    #[test]
    fn the_queue_carries_over_and_a_gap_empties_it() {
        // An overloaded interval, then a light one: the light one inherits a queue.
        let m = chain(&[iv(5.0, 150.0, 0.0), iv(8.0, 40.0, 1800.0)], 20.0);
        let fresh = chain(&[iv(8.0, 40.0, 0.0)], 20.0)[0];
        assert!(m[1].1 > fresh.1 + 1e-3, "{m:?} {fresh:?}");
        // After a gap of two intervals the light one starts empty.
        let g = chain(&[iv(5.0, 150.0, 0.0), iv(8.0, 40.0, 3.0 * 1800.0)], 20.0);
        assert!((g[1].1 - fresh.1).abs() < 1e-12 && (g[1].0 - fresh.0).abs() < 1e-12);
        // No agent: everyone hangs up.
        let z = chain(&[iv(0.0, 30.0, 0.0)], 20.0)[0];
        assert!((z.1 - 1.0).abs() < 1e-12 && z.0 == 0.0);
    }

    /// The straightforward forward-equation RK4 step (before [`stage`]): the reference the
    /// faster one must equal.
    fn reference_step(p0: &[f64], n: usize, iv: &TransientInterval, tau: f64) -> Vec<f64> {
        let lambda = (iv.offered / iv.length_secs).max(0.0);
        let (mu, theta) = (1.0 / iv.aht_secs, 1.0 / iv.patience_secs);
        let drift = (lambda - n as f64 * mu).max(0.0) / theta;
        let spread = (lambda / theta).sqrt();
        let top = (n + (drift + QUEUE_SDS * spread + 10.0).ceil() as usize).max(p0.len() - 1);
        let mut p = p0.to_vec();
        p.resize(top + 1, 0.0);
        let max_rate = lambda + death(top, n, mu, theta);
        let steps = ((iv.length_secs * max_rate / RK4_RATE_STEP).ceil() as usize).max(1);
        let h = iv.length_secs / steps as f64;
        let f = |p: &[f64], out: &mut [f64]| {
            for k in 0..=top {
                let up = if k < top { lambda } else { 0.0 };
                let mut d = -(up + death(k, n, mu, theta)) * p[k];
                if k > 0 {
                    d += lambda * p[k - 1];
                }
                if k < top {
                    d += death(k + 1, n, mu, theta) * p[k + 1];
                }
                out[k] = d;
            }
        };
        let mut avg = vec![0.0; top + 1];
        let (mut k1, mut k2, mut k3, mut k4) = (avg.clone(), avg.clone(), avg.clone(), avg.clone());
        let mut tmp = avg.clone();
        for _ in 0..steps {
            f(&p, &mut k1);
            for j in 0..=top {
                tmp[j] = p[j] + 0.5 * h * k1[j];
            }
            f(&tmp, &mut k2);
            for j in 0..=top {
                tmp[j] = p[j] + 0.5 * h * k2[j];
            }
            f(&tmp, &mut k3);
            for j in 0..=top {
                tmp[j] = p[j] + h * k3[j];
            }
            f(&tmp, &mut k4);
            for j in 0..=top {
                let next = (p[j] + h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])).max(0.0);
                avg[j] += 0.5 * h * (p[j] + next);
                p[j] = next;
            }
        }
        let total: f64 = avg.iter().sum();
        for a in &mut avg {
            *a /= total;
        }
        let mass: f64 = p.iter().sum();
        for x in &mut p {
            *x /= mass;
        }
        let _ = tau;
        p.extend(avg);
        p
    }

    #[test]
    fn the_fast_step_gives_the_straightforward_steps_numbers() {
        // From empty, from a carried queue, a large pool, one and zero agents: the distribution
        // at the end and the time average are bit for bit the reference's.
        let cases = [
            (vec![1.0], 9, iv(9.0, 100.0, 0.0)),
            (
                vec![0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.05],
                3,
                iv(3.0, 150.0, 0.0),
            ),
            (vec![1.0], 120, iv(120.0, 2500.0, 0.0)),
            (vec![0.5, 0.5], 1, iv(1.0, 0.0, 0.0)),
            (vec![0.25; 4], 0, iv(0.0, 30.0, 0.0)),
        ];
        for (p0, n, v) in &cases {
            let (p, m) = step(p0, *n, v, 20.0);
            let r = reference_step(p0, *n, v, 20.0);
            let (rp, ravg) = r.split_at(p.len());
            assert_eq!(p.as_slice(), rp, "n = {n}");
            let lambda = v.offered / v.length_secs;
            let want = arrival_metrics(ravg, *n, 1.0 / v.aht_secs, 1.0 / v.patience_secs, 20.0);
            assert_eq!(m, want, "n = {n}, λ = {lambda}");
        }
    }
}
