//! From agents on the phones to people on the payroll: shrinkage, agent-hours and FTE, chat
//! concurrency, deferred (async) work spread over an SLA window, and patience estimated from
//! history for Erlang A.

use super::StaffingError;
use crate::units::{Fraction, Secs};

/// Relative slack of the shrinkage division (see [`gross_agents`]).
const GROSS_RTOL: f64 = 1e-12;

/// Gross agents to schedule so that `net` remain after `shrinkage` (breaks, training, absence):
/// the smallest integer `G` with `G·(1 − s) ≥ N`, i.e. `⌈N / (1 − s)⌉` computed exactly.
///
/// # Formula
/// `G = ⌈N / (1 − s)⌉`. In floating point `21 / (1 − 0.3) = 30.000000000000004` and a plain `ceil`
/// gives 31 although `30·0.7 = 21` exactly. We take `g = ⌈N/(1−s)⌉` and step down while
/// `(g − 1)·(1 − s) ≥ N·(1 − 1e-12)`: the slack is 10⁴ times the rounding error of the division
/// (≤ 2 ulp) and far below any shrinkage anybody states (at most 4 significant digits), so the
/// result equals the exact rational answer for every decimal shrinkage with ≤ 10 digits.
///
/// # Errors
/// [`StaffingError::InvalidParameter`] when `shrinkage = 1`.
///
/// # Examples
/// ```
/// use wfm::units::Fraction;
/// assert_eq!(wfm::staffing::workforce::gross_agents(21, Fraction::new(0.3)?)?, 30);
/// assert_eq!(wfm::staffing::workforce::gross_agents(22, Fraction::new(0.3)?)?, 32);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn gross_agents(net: u32, shrinkage: Fraction) -> Result<u32, StaffingError> {
    let s = shrinkage.value();
    if s >= 1.0 {
        return Err(StaffingError::InvalidParameter {
            name: "shrinkage",
            value: s,
            range: "[0, 1)",
        });
    }
    if net == 0 {
        return Ok(0);
    }
    let keep = 1.0 - s;
    let n = f64::from(net);
    let mut g = (n / keep).ceil();
    while g > n && (g - 1.0) * keep >= n * (1.0 - GROSS_RTOL) {
        g -= 1.0;
    }
    Ok(g as u32)
}

/// Effective handle time per chat when an agent works `concurrency` chats at once:
/// `AHT_eff = AHT / k`.
///
/// # Formula
/// An agent holding `k` sessions clears `k` times as many per hour, so the offered load in
/// "agent-equivalents" is `λ·AHT / k`. This is the usual planning approximation (it treats the
/// `k` slots of one agent as `k` independent servers of speed `1/k` pooled into one); `AHT` here is
/// the handle time of one chat measured from assignment to close while the agent multitasks.
///
/// # References
/// Tezcan, T. and Zhang, J. (2014), "Routing and staffing in customer service chat systems with
/// impatient customers", *Operations Research* 62(4), 943–956 (the `k`-slot model).
///
/// # Errors
/// [`StaffingError::InvalidParameter`] when `concurrency < 1` or not finite.
pub fn effective_aht(aht: Secs, concurrency: f64) -> Result<Secs, StaffingError> {
    if !(concurrency.is_finite() && concurrency >= 1.0) {
        return Err(StaffingError::InvalidParameter {
            name: "concurrency (sessions per agent)",
            value: concurrency,
            range: "[1, ∞)",
        });
    }
    Ok(Secs::new(aht.value() / concurrency)?)
}

/// Agent-hours and FTE.
///
/// # Formula
/// `agent_hours = Σ agents · interval_hours`; `FTE = agent_hours / hours_per_FTE` for the same
/// period (e.g. 8 h per FTE per day, 40 h per FTE per week).
pub fn fte(agent_hours: f64, hours_per_fte: f64) -> f64 {
    if hours_per_fte > 0.0 {
        agent_hours / hours_per_fte
    } else {
        0.0
    }
}

/// Result of staffing deferred work (email, back office) over an SLA window.
#[derive(Debug, Clone, PartialEq)]
pub struct AsyncStaffing {
    /// Agents required per interval.
    pub agents: Vec<u32>,
    /// Work (seconds) still open at the end of each interval, after that interval's capacity.
    pub backlog_secs: Vec<f64>,
    /// Occupancy per interval: work done ÷ capacity (0 when no agent).
    pub occupancy: Vec<f64>,
}

/// Staffs deferred work: items arriving in an interval must be finished within `window`
/// intervals (the SLA), so their work `items · AHT` may be spread evenly over the arrival interval
/// and the `window − 1` following ones; what one interval's integer agents cannot finish rolls
/// forward as backlog and is served first (FIFO) next interval.
///
/// # Formula
/// Demand `d_i = Σ_{k=i−W+1}^{i} work_k / W` plus the backlog `b_{i−1}` carried in. Agents
/// `N_i = ⌈(b_{i−1} + d_i) / (T·u)⌉` where `T` is the interval length and `u` the occupancy cap
/// (the share of an hour an agent can actually work deferred items); the unused capacity is lost
/// (an idle agent cannot work items that have not arrived), so `b_i = 0` whenever demand is met.
/// The backlog is non-zero only when `agents` are given ([`evaluate_async`]).
///
/// # Errors
/// [`StaffingError::InvalidParameter`] for `window = 0`, or an occupancy cap of 0.
pub fn staff_async(
    work_secs: &[f64],
    interval: Secs,
    window: usize,
    max_occupancy: Fraction,
) -> Result<AsyncStaffing, StaffingError> {
    check_async(window, max_occupancy)?;
    let cap = interval.value() * max_occupancy.value();
    let demand = spread(work_secs, window);
    let agents = demand
        .iter()
        .map(|&d| {
            if d <= 0.0 {
                0
            } else {
                // Same slack as the shrinkage division: d/cap may land a few ulps above an integer.
                (d / cap * (1.0 - GROSS_RTOL)).ceil() as u32
            }
        })
        .collect::<Vec<_>>();
    let occupancy = demand
        .iter()
        .zip(&agents)
        .map(|(&d, &n)| {
            if n == 0 {
                0.0
            } else {
                (d / (f64::from(n) * interval.value())).min(1.0)
            }
        })
        .collect();
    Ok(AsyncStaffing {
        backlog_secs: vec![0.0; agents.len()],
        agents,
        occupancy,
    })
}

/// Deferred work with given `agents`: the backlog rolled forward interval by interval
/// (capacity `N_i·T·u`, FIFO), and the occupancy.
///
/// # Errors
/// As [`staff_async`]; lengths must match.
pub fn evaluate_async(
    work_secs: &[f64],
    agents: &[u32],
    interval: Secs,
    window: usize,
    max_occupancy: Fraction,
) -> Result<AsyncStaffing, StaffingError> {
    check_async(window, max_occupancy)?;
    let demand = spread(work_secs, window);
    let mut backlog = 0.0;
    let mut backlog_secs = Vec::with_capacity(demand.len());
    let mut occupancy = Vec::with_capacity(demand.len());
    for (&d, &n) in demand.iter().zip(agents) {
        let capacity = f64::from(n) * interval.value() * max_occupancy.value();
        let todo = backlog + d;
        let done = todo.min(capacity);
        backlog = todo - done;
        backlog_secs.push(backlog);
        occupancy.push(if n == 0 {
            0.0
        } else {
            done / (f64::from(n) * interval.value())
        });
    }
    Ok(AsyncStaffing {
        agents: agents.to_vec(),
        backlog_secs,
        occupancy,
    })
}

fn check_async(window: usize, max_occupancy: Fraction) -> Result<(), StaffingError> {
    if window == 0 {
        return Err(StaffingError::InvalidParameter {
            name: "SLA window (intervals)",
            value: 0.0,
            range: "[1, ∞)",
        });
    }
    if max_occupancy.value() <= 0.0 {
        return Err(StaffingError::InvalidParameter {
            name: "maximum occupancy",
            value: max_occupancy.value(),
            range: "(0, 1]",
        });
    }
    Ok(())
}

/// Work arriving in interval `k` spread evenly over `k .. k + window − 1` (a moving sum).
fn spread(work_secs: &[f64], window: usize) -> Vec<f64> {
    let w = window as f64;
    let mut out = Vec::with_capacity(work_secs.len());
    let mut run = 0.0;
    for i in 0..work_secs.len() {
        run += work_secs[i];
        if i >= window {
            run -= work_secs[i - window];
        }
        out.push(run.max(0.0) / w);
    }
    out
}

/// Mean patience estimated from history, for Erlang A.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatienceEstimate {
    /// Estimated mean patience, seconds (`None` when nobody abandoned: the data cannot bound it).
    pub mean_secs: Option<f64>,
    /// Abandoned calls used.
    pub abandoned: f64,
    /// Total waiting time of all queued calls, seconds.
    pub total_wait_secs: f64,
}

/// Maximum-likelihood mean patience under exponential patience with right censoring: every
/// answered call's wait is a censored patience observation (the caller would have waited at least
/// that long), every abandon's wait is an exact one.
///
/// # Formula
/// `θ̂ = abandons / Σ waits`, mean patience `= 1 / θ̂ = (Σ W_abandoned + Σ W_answered) / abandons`.
/// Equivalently, by Little's law for the queue, `P(Ab) / E[W]` estimates `θ`.
///
/// # References
/// Brown, L., Gans, N., Mandelbaum, A., Sakov, A., Shen, H., Zeltyn, S. and Zhao, L. (2005),
/// "Statistical analysis of a telephone call center: a queueing-science perspective", *JASA*
/// 100(469), 36–50, §6; Mandelbaum, A. and Zeltyn, S. (2013), "Data-stories about (im)patient
/// customers in tele-queues", *Queueing Systems* 75, 115–146.
///
/// # Examples
/// ```
/// // 10 abandons after 300 s of waiting in total, answered calls waited 2,700 s in total.
/// let p = wfm::staffing::workforce::estimate_patience(10.0, 300.0, 2_700.0);
/// assert_eq!(p.mean_secs, Some(300.0));
/// ```
pub fn estimate_patience(
    abandoned: f64,
    sum_wait_abandoned_secs: f64,
    sum_wait_answered_secs: f64,
) -> PatienceEstimate {
    let total = sum_wait_abandoned_secs + sum_wait_answered_secs;
    PatienceEstimate {
        mean_secs: crate::model::measures::patience_mle_secs(
            abandoned,
            sum_wait_abandoned_secs,
            sum_wait_answered_secs,
        )
        .filter(|m| *m > 0.0),
        abandoned,
        total_wait_secs: total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gross_is_exact_rational_ceiling() {
        let s = Fraction::new(0.3).unwrap();
        for net in 0..2_000u32 {
            // exact: smallest G with 7G ≥ 10N
            let exact = (10 * net).div_ceil(7);
            assert_eq!(gross_agents(net, s).unwrap(), exact, "case net={net}");
        }
        assert!(gross_agents(3, Fraction::new(1.0).unwrap()).is_err());
    }

    #[test]
    fn async_spreads_and_rolls_backlog() {
        let t = Secs::new(1800.0).unwrap();
        let one = Fraction::new(1.0).unwrap();
        // 3,600 s of work arriving at once, 2-interval window → 1 agent in each of 2 intervals.
        let s = staff_async(&[3600.0, 0.0, 0.0], t, 2, one).unwrap();
        assert_eq!(s.agents, vec![1, 1, 0]);
        let e = evaluate_async(&[3600.0, 0.0, 0.0], &[0, 1, 1], t, 2, one).unwrap();
        assert_eq!(e.backlog_secs, vec![1800.0, 1800.0, 0.0]);
    }
}
