//! Erlang C (M/M/N, infinite patience, FCFS): probability of waiting, service level, ASA and
//! occupancy.
//!
//! Nobody abandons in this model, so every offered call is answered: SL and ASA are over all
//! offered calls (= answered calls) and `abandon_rate` is `None`.

use super::erlang_b::ErlangB;
use super::{QueueMetrics, StaffingError};
use crate::units::{Erlangs, Secs};

/// Erlang C metrics for `agents` agents, offered load `load`, average handle time `aht` and the
/// service-level answer-time threshold `threshold`.
///
/// # Formula
/// With `B = B(N, A)` from the Erlang B recursion ([`super::erlang_b`]):
/// - `C(N, A) = N·B / (N − A·(1 − B))` — P(wait), the probability that a call must queue;
/// - `SL(t) = P(W ≤ t) = 1 − C·exp(−(N − A)·t / AHT)`;
/// - `ASA = E[W] = C·AHT / (N − A)`;
/// - occupancy `= A / N`.
///
/// # References
/// Cooper, R. B. (1981), *Introduction to Queueing Theory*, 2nd ed., §3.5 (C from B, eq. 5.4);
/// Gans, N., Koole, G. and Mandelbaum, A. (2003), "Telephone call centers: tutorial, review and
/// research prospects", *Manufacturing & Service Operations Management* 5(2), 79–141, §4.1
/// (service level and ASA).
///
/// # Errors
/// [`StaffingError::Unstable`] when `load > 0` and `agents ≤ load` (the queue grows without bound).
/// With `load = 0` every metric is the idle value: P(wait) 0, SL 1, ASA 0, occupancy 0.
///
/// # Examples
/// ```
/// use wfm::units::{Erlangs, Secs};
/// // 10 Erlangs, 11 agents: C = 0.682118205 (closed form in mpmath 1.3.0, 30 digits)
/// let m = wfm::staffing::erlang_c::metrics(11, Erlangs::new(10.0)?, Secs::new(180.0)?, Secs::new(20.0)?)?;
/// assert!((m.p_wait - 0.682118).abs() < 1e-6);
/// assert!(m.abandon_rate.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn metrics(
    agents: u32,
    load: Erlangs,
    aht: Secs,
    threshold: Secs,
) -> Result<QueueMetrics, StaffingError> {
    let a = load.value();
    super::limits::check_load(a)?;
    if a <= 0.0 {
        return Ok(QueueMetrics::idle());
    }
    if f64::from(agents) <= a {
        return Err(StaffingError::Unstable {
            agents,
            load_erlangs: a,
        });
    }
    let b = ErlangB::new(a, agents);
    Ok(from_blocking(
        agents,
        a,
        b.blocking(),
        aht.value(),
        threshold.value(),
    ))
}

/// Erlang C metrics from a known `B(N, A)`; `N > A > 0` is the caller's promise.
#[inline]
pub(crate) fn from_blocking(n: u32, a: f64, b: f64, aht: f64, t: f64) -> QueueMetrics {
    let nf = f64::from(n);
    let c = p_wait_from_blocking(nf, a, b);
    let gap = nf - a;
    QueueMetrics {
        p_wait: c,
        service_level: service_level_from(c, gap, aht, t),
        asa_secs: c * aht / gap,
        occupancy: a / nf,
        abandon_rate: None,
        abandon_wait_secs: None,
    }
}

/// `C = N·B / (N − A·(1 − B))`, clamped to `[0, 1]` against last-bit rounding.
#[inline]
pub(crate) fn p_wait_from_blocking(n: f64, a: f64, b: f64) -> f64 {
    (n * b / (n - a * (1.0 - b))).clamp(0.0, 1.0)
}

#[inline]
pub(crate) fn service_level_from(c: f64, gap: f64, aht: f64, t: f64) -> f64 {
    if aht <= 0.0 {
        return 1.0;
    }
    (1.0 - c * (-gap * t / aht).exp()).clamp(0.0, 1.0)
}

/// Probability of waiting `C(N, A)` alone.
///
/// # Errors
/// As [`metrics`].
pub fn p_wait(agents: u32, load: Erlangs) -> Result<f64, StaffingError> {
    Ok(metrics(agents, load, Secs::default(), Secs::default())?.p_wait)
}
