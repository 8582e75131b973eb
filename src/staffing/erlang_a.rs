//! Erlang A (M/M/N+M): Poisson arrivals, exponential handle times, `N` agents, FCFS, and
//! exponentially distributed patience — a caller who has not been answered after his patience
//! runs out hangs up.
//!
//! # Definitions (they differ between tools; these are ours)
//! - `p_wait`: P(an arrival finds all agents busy) = P(V > 0), abandoners included.
//! - `abandon_rate`: P(a call abandons) = abandoned ÷ offered.
//! - `service_level`: P(answered **and** waited ≤ t) = answered within t ÷ **offered**. Abandoned
//!   calls count against SL, including those that hang up before `t` ("short abandons" are not
//!   excluded).
//! - `asa_secs`: mean wait of **answered** calls only (abandoners' waits are excluded and reported
//!   separately as `abandon_wait_secs`).
//! - `occupancy`: carried load ÷ agents = `A·(1 − P(ab)) / N` (abandoned calls take no agent time).
//!
//! # Formula
//! With `x = N·μ/θ = N·patience/AHT` and `y = λ/θ = A·patience/AHT`, the birth–death chain gives
//! `π_{N+j} = π_N·t_j` with `t_j = Π_{i=1}^{j} y / (x + i)`, and
//! `T(x, y) = Σ_j t_j = x·e^y·y^{−x}·γ(x, y)` — the function `A(x, y)` of Mandelbaum & Zeltyn,
//! a lower incomplete gamma function. Then, with `B = B(N, A)` (Erlang B):
//! - `P(V > 0) = T / (T + (1 − B)/B)`;
//! - given `j` callers ahead, a waiting caller is served with probability `x / (x + j + 1)` and
//!   his offered wait `V` is a sum of exponentials with rates `θ(x + i)`, `i = 0..j`, so
//!   `P(Ab | V > 0) = Σ_j t_j (j+1)/(x+j+1) / T` and
//!   `E[W; served | V > 0] = Σ_j t_j · x/(x+j+1) · Σ_{i=1}^{j+1} 1/(θ(x+i)) / T`;
//! - `P(served, V ≤ t | V > 0) = [γ(x+1, y) − γ(x+1, y·e^{−θt})] / (y·γ(x, y))`, obtained by
//!   integrating `e^{−θv}` against the density of `V`, `P(V > t | V > 0) = γ(x, y e^{−θt}) / γ(x, y)`.
//!
//! # Numerics
//! `T` is the power series of the lower incomplete gamma function (DLMF 8.7.1) summed directly in
//! `f64` with a running rescale (no `Γ`, no overflow, no cancellation: every term is positive),
//! stopped when the geometric bound on the tail is below 1e-17 of the sum. Its cost is
//! `O(max(0, y − x) + 9·√(x + y))` terms. All ratios of incomplete gamma functions are then formed
//! in log space, so loads of 50,000 Erlangs and heavy overload (`N` far below `A`) stay finite.
//!
//! # References
//! - Mandelbaum, A. and Zeltyn, S. (2009), "The M/M/n+G queue: summary of performance measures",
//!   Technion (2004, revised 2009), §"Exponential patience" — P(W>0), P(Ab), P(W>t), E[W].
//! - Garnett, O., Mandelbaum, A. and Reiman, M. (2002), "Designing a call center with impatient
//!   customers", *Manufacturing & Service Operations Management* 4(3), 208–227.
//! - NIST DLMF §8.7.1 (series of γ(a, z)).

use super::erlang_b::ErlangB;
use super::{QueueMetrics, StaffingError};
use crate::units::{Erlangs, Secs};

/// Relative truncation tolerance of the series (tail bound ÷ sum).
const SERIES_EPS: f64 = 1e-17;
/// Largest series argument `y = load · patience / AHT` (see [`metrics`]).
const MAX_SERIES_ARG: f64 = 1e12;
/// Rescale threshold: keeps the running sums of the series far from `f64::MAX`.
const RESCALE_AT: f64 = 1e280;

/// Sums of the series `t_j = Π_{i≤j} y/(x+i)` with the weights the metrics need; every value is
/// `stored · exp(ln_scale)`.
#[derive(Debug, Clone, Copy)]
struct Series {
    ln_scale: f64,
    /// `Σ t_j`.
    sum: f64,
    /// `Σ t_j · (j+1)/(x+j+1)` (abandons among waiting callers).
    abandon: f64,
    /// `Σ t_j · x/(x+j+1) · Σ_{i=1}^{j+1} 1/(x+i)` (θ × wait of served callers).
    served_wait: f64,
}

impl Series {
    fn ln_sum(&self) -> f64 {
        self.sum.ln() + self.ln_scale
    }
}

fn series(x: f64, y: f64, weighted: bool) -> Series {
    let mut out = Series {
        ln_scale: 0.0,
        sum: 0.0,
        abandon: 0.0,
        served_wait: 0.0,
    };
    let mut t = 1.0f64;
    let mut harmonic = 0.0f64;
    let mut j = 0.0f64;
    loop {
        let d = x + j + 1.0;
        out.sum += t;
        if weighted {
            harmonic += 1.0 / d;
            out.abandon += t * (j + 1.0) / d;
            out.served_wait += t * x / d * harmonic;
        }
        let ratio = y / d;
        t *= ratio;
        // Ratios decrease with j, so the tail after this term is ≤ t / (1 − ratio).
        if ratio < 1.0 && t <= SERIES_EPS * out.sum * (1.0 - ratio) {
            break;
        }
        if out.sum > RESCALE_AT {
            let f = 1.0 / RESCALE_AT;
            t *= f;
            out.sum *= f;
            out.abandon *= f;
            out.served_wait *= f;
            out.ln_scale += RESCALE_AT.ln();
        }
        j += 1.0;
    }
    out
}

/// Checks the Erlang A parameters; returns `(A, AHT, patience)` as `f64`.
fn check(load: Erlangs, aht: Secs, patience: Secs) -> Result<(f64, f64, f64), StaffingError> {
    if !patience.value().is_finite() || patience.value() <= 0.0 {
        return Err(StaffingError::InvalidParameter {
            name: "patience (seconds)",
            value: patience.value(),
            range: "(0, ∞)",
        });
    }
    super::limits::check_load(load.value())?;
    // The series runs over `y = load · patience / AHT` terms in overload: a patience of 1e308 s
    // looped for ever. Staffing settings keep patience within a day (`super::limits`); this
    // bound only keeps direct library calls finite.
    if load.value() > 0.0 && aht.value() > 0.0 {
        let y = load.value() * patience.value() / aht.value();
        if !(y.is_finite() && y <= MAX_SERIES_ARG) {
            return Err(StaffingError::InvalidParameter {
                name: "load × patience ÷ AHT (the Erlang A series argument)",
                value: y,
                range: "[0, 1e12]",
            });
        }
    }
    if load.value() > 0.0 && aht.value() <= 0.0 {
        return Err(StaffingError::InvalidParameter {
            name: "average handle time (seconds) with a positive load",
            value: aht.value(),
            range: "(0, ∞)",
        });
    }
    Ok((load.value(), aht.value(), patience.value()))
}

/// Erlang A metrics for `agents` agents, offered load `load`, average handle time `aht`, mean
/// patience `patience` (exponential) and answer-time threshold `threshold`. Any `agents` is
/// allowed, also `agents ≤ load` (abandonment keeps the queue stable).
///
/// See the module docs for the formulas, definitions and references.
///
/// # Errors
/// [`StaffingError::InvalidParameter`] when `patience = 0`, or `aht = 0` with a positive load.
///
/// # Examples
/// ```
/// use wfm::units::{Erlangs, Secs};
/// // 100 calls / 30 min, AHT 3 min (A = 10 Erl), mean patience 5 min, 14 agents.
/// let m = wfm::staffing::erlang_a::metrics(14, Erlangs::new(10.0)?, Secs::new(180.0)?,
///     Secs::new(300.0)?, Secs::new(20.0)?)?;
/// assert!((m.p_wait - 0.145260).abs() < 5e-7);
/// assert!((m.abandon_rate.unwrap() - 0.013984).abs() < 5e-7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn metrics(
    agents: u32,
    load: Erlangs,
    aht: Secs,
    patience: Secs,
    threshold: Secs,
) -> Result<QueueMetrics, StaffingError> {
    let (a, aht, patience) = check(load, aht, patience)?;
    if a <= 0.0 {
        let mut m = QueueMetrics::idle();
        m.abandon_rate = Some(0.0);
        m.abandon_wait_secs = Some(0.0);
        return Ok(m);
    }
    Ok(compute(agents, a, aht, patience, threshold.value()))
}

pub(crate) fn compute(n: u32, a: f64, aht: f64, patience: f64, t: f64) -> QueueMetrics {
    if n == 0 {
        // Nobody answers: every caller waits out his patience and hangs up (the series below
        // would take `y` terms to say so).
        return QueueMetrics {
            p_wait: 1.0,
            service_level: 0.0,
            asa_secs: 0.0,
            occupancy: 0.0,
            abandon_rate: Some(1.0),
            abandon_wait_secs: Some(patience),
        };
    }
    let nf = f64::from(n);
    let x = nf * patience / aht;
    let y = a * patience / aht;
    let erlang_b = ErlangB::new(a, n);
    let r = erlang_b.reciprocal();
    let s = series(x, y, true);
    let ln_sum = s.ln_sum();
    // (1 − B)/B ÷ T: the probability mass below N relative to the mass at or above N.
    let below = if r.is_infinite() {
        f64::INFINITY
    } else {
        (r - 1.0) * (-ln_sum).exp()
    };
    let p_wait = 1.0 / (1.0 + below);
    let ab_given_wait = (s.abandon / s.sum).clamp(0.0, 1.0);
    let abandon_rate = p_wait * ab_given_wait;
    let served_given_wait = 1.0 - ab_given_wait;

    // P(served, V ≤ t | V > 0) = (x/(x+1))·[T(x+1, y) − e^{δ₀}·T(x+1, z)] / T(x, y), z = y·e^{−θt},
    // δ₀ = −θt(x+1) + y(1 − e^{−θt}).
    let theta_t = t / patience;
    let served_within_given_wait = if n == 0 {
        0.0
    } else {
        let t1y = series(x + 1.0, y, false);
        let z = y * (-theta_t).exp();
        let t1z = series(x + 1.0, z, false);
        let delta = -theta_t * (x + 1.0) + y * (-(-theta_t).exp_m1()) + t1z.ln_sum() - t1y.ln_sum();
        let ratio = (x / (x + 1.0)).ln() + t1y.ln_sum() - ln_sum;
        (ratio.exp() * -delta.min(0.0).exp_m1()).clamp(0.0, served_given_wait)
    };
    let service_level = ((1.0 - p_wait) + p_wait * served_within_given_wait).clamp(0.0, 1.0);

    let wait_served = p_wait * (s.served_wait / s.sum) * patience;
    let served = 1.0 - abandon_rate;
    let asa_secs = if served > 0.0 {
        wait_served / served
    } else {
        0.0
    };
    // Little's law on the queue: abandonment rate θ·E[Q] = λ·P(Ab), so E[W] = P(Ab)·patience.
    let wait_all = abandon_rate * patience;
    let abandon_wait_secs = if abandon_rate > 0.0 {
        ((wait_all - wait_served) / abandon_rate).max(0.0)
    } else {
        0.0
    };
    QueueMetrics {
        p_wait,
        service_level,
        asa_secs,
        occupancy: if n == 0 { 0.0 } else { a * served / nf },
        abandon_rate: Some(abandon_rate),
        abandon_wait_secs: Some(abandon_wait_secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_matches_incomplete_gamma_of_statrs() {
        // T(x, y) = Γ(x+1)·P(x, y)·e^y·y^{−x}, P = regularized lower incomplete gamma (statrs 0.19).
        for &(x, y) in &[(5.0, 3.0), (23.333, 16.667), (40.0, 55.0), (3.5, 0.2)] {
            let s = series(x, y, false);
            let via_statrs = statrs::function::gamma::ln_gamma(x + 1.0)
                + statrs::function::gamma::gamma_lr(x, y).ln()
                + y
                - x * f64::ln(y);
            assert!(
                (s.ln_sum() - via_statrs).abs() < 1e-10,
                "case x={x}, y={y}: {} vs {via_statrs}",
                s.ln_sum()
            );
        }
    }

    #[test]
    fn zero_agents_everyone_abandons() {
        let m = compute(0, 5.0, 180.0, 60.0, 20.0);
        assert_eq!(m.p_wait, 1.0);
        assert!((m.abandon_rate.unwrap() - 1.0).abs() < 1e-15);
        assert_eq!(m.service_level, 0.0);
    }
}
