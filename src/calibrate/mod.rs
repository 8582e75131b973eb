//! Calibration: how this center behaves, learned from its own history.
//!
//! - [`kaplan_meier`]: the distribution of patience (time to abandon) with answered calls as
//!   censored observations — a caller answered after waiting `w` had a patience > `w`
//!   (Brown et al. 2005, §6; Kaplan & Meier 1958) — and its exponential-equivalent mean, the
//!   maximum-likelihood mean of an exponential patience under the same censoring,
//!   `Σ waits ÷ abandons` (Mandelbaum & Zeltyn 2005, §7), which is what Erlang A takes.
//! - [`fit_service`]: handle-time mean, coefficient of variation and quantiles.
//! - [`detect_pools`]: which queues share agents, from who served what.
//! - [`fit_availability`]: the share of *recorded* agents that effectively serves the queue,
//!   fitted so that Erlang A reproduces the observed service level and abandonment (Azriel,
//!   Feigin & Mandelbaum 2018, "Erlang-S": model server availability explicitly).
//! - [`SizeRecalibration`]: the calibrated model's in-sample errors by band of interval size,
//!   corrected on its later predictions (model output statistics, Glahn & Lowry 1972).
//!
//! Everything here computes on plain values; reading call logs and writing `calibration.toml`
//! is [`crate::io::calibration`]'s.

pub(crate) mod availability;
mod pools;
mod recalibration;

pub use availability::{fit_availability, AvailabilityFit, FitInterval, FitOptions};
pub use pools::{detect_pools, PoolDetection, SHARED_POOL};
pub use recalibration::{Residual, SizeBand, SizeRecalibration};

/// One call of a call log, as calibration needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSample {
    /// The queue.
    pub queue: String,
    /// Waited in the agent queue (`false`: served directly or ended in the VRU).
    pub queued: bool,
    /// Answered by an agent (`false`: abandoned).
    pub answered: bool,
    /// Time in queue, seconds.
    pub wait_secs: f64,
    /// Handle time of an answered call, seconds.
    pub handle_secs: f64,
    /// The agent who answered, when the log names one.
    pub server: Option<String>,
    /// When service started (queue arrival + wait), for answered calls whose log gives the
    /// time: per-pool agent counts per interval.
    pub service_start: Option<chrono::NaiveDateTime>,
}

/// A Kaplan–Meier patience estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct PatienceFit {
    /// Queued calls used (abandoned + answered after a wait).
    pub calls: usize,
    /// Abandons (events).
    pub abandoned: usize,
    /// CDF points `(seconds, P(patience ≤ seconds))` at the event times, thinned to at most
    /// ~40 points (every 2.5 % of probability and the last event).
    pub cdf: Vec<(f64, f64)>,
    /// Exponential-equivalent mean patience `Σ waits ÷ abandons`, seconds.
    pub exp_mean_secs: Option<f64>,
    /// Median patience, seconds, when the estimate reaches 0.5.
    pub median_secs: Option<f64>,
}

/// Kaplan–Meier estimate of patience from `(wait_secs, abandoned)` of queued calls.
///
/// `S(t) = Π_{t_i ≤ t} (1 − d_i ÷ n_i)`, `d_i` abandons at `t_i`, `n_i` calls still waiting
/// just before `t_i` (answered calls leave the risk set at their wait: censored).
///
/// # References
/// Kaplan, E. L. and Meier, P. (1958), "Nonparametric estimation from incomplete
/// observations", *JASA* 53(282), 457–481.
pub fn kaplan_meier(waits: &[(f64, bool)]) -> PatienceFit {
    let mut v: Vec<(f64, bool)> = waits
        .iter()
        .copied()
        .filter(|(w, _)| w.is_finite() && *w >= 0.0)
        .collect();
    // At equal times events come before censorings (the usual convention).
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let n = v.len();
    let abandoned = v.iter().filter(|x| x.1).count();
    let total_wait: f64 = v.iter().map(|x| x.0).sum();
    let mut at_risk = n as f64;
    let mut s = 1.0;
    let mut cdf: Vec<(f64, f64)> = Vec::new();
    let mut next_mark = 0.025;
    let mut median = None;
    let mut i = 0;
    while i < n {
        let t = v[i].0;
        let (mut d, mut c) = (0.0, 0.0);
        while i < n && v[i].0 == t {
            if v[i].1 {
                d += 1.0;
            } else {
                c += 1.0;
            }
            i += 1;
        }
        if d > 0.0 {
            s *= 1.0 - d / at_risk;
            let f = 1.0 - s;
            if median.is_none() && f >= 0.5 {
                median = Some(t);
            }
            let last_event = !v[i..].iter().any(|x| x.1);
            if f >= next_mark || last_event {
                cdf.push((t, f));
                while next_mark <= f {
                    next_mark += 0.025;
                }
            }
        }
        at_risk -= d + c;
    }
    PatienceFit {
        calls: n,
        abandoned,
        cdf,
        exp_mean_secs: (abandoned > 0).then(|| total_wait / abandoned as f64),
        median_secs: median,
    }
}

/// Handle-time statistics of one queue.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFit {
    /// Answered calls with a handle time > 0.
    pub calls: usize,
    /// Mean, seconds.
    pub mean_secs: f64,
    /// Coefficient of variation (sd ÷ mean).
    pub cv: f64,
    /// Empirical CDF at every 5 % `(seconds, probability)`, 5 % … 100 %.
    pub cdf: Vec<(f64, f64)>,
}

/// Mean, CV and quantiles of positive handle times; `None` with fewer than two.
pub fn fit_service(handles: &[f64]) -> Option<ServiceFit> {
    let mut v: Vec<f64> = handles
        .iter()
        .copied()
        .filter(|h| h.is_finite() && *h > 0.0)
        .collect();
    if v.len() < 2 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let cdf = (1..=20)
        .map(|k| {
            let p = f64::from(k) * 0.05;
            let idx = ((p * n).ceil() as usize).clamp(1, v.len()) - 1;
            (v[idx], p)
        })
        .collect();
    Some(ServiceFit {
        calls: v.len(),
        mean_secs: mean,
        cv: sd / mean,
        cdf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaplan_meier_matches_the_textbook_example() {
        // Kaplan & Meier style example (Klein & Moeschberger 2003, Table 4.1A style by hand):
        // times 1, 2+, 3, 3, 4+, 5 (+ = censored). S(1) = 5/6, S(3) = 5/6 · (1 − 2/4) = 5/12,
        // S(5) = 5/12 · (1 − 1/1) = 0.
        let w = [
            (1.0, true),
            (2.0, false),
            (3.0, true),
            (3.0, true),
            (4.0, false),
            (5.0, true),
        ];
        let f = kaplan_meier(&w);
        assert_eq!(f.abandoned, 4);
        let at = |t: f64| f.cdf.iter().find(|p| p.0 == t).unwrap().1;
        assert!((at(1.0) - 1.0 / 6.0).abs() < 1e-12);
        assert!((at(3.0) - 7.0 / 12.0).abs() < 1e-12);
        assert!((at(5.0) - 1.0).abs() < 1e-12);
        assert_eq!(f.median_secs, Some(3.0));
        // Exponential MLE: total exposure 18 s over 4 events.
        assert_eq!(f.exp_mean_secs, Some(4.5));
    }

    #[test]
    fn queue_patience_uses_the_pools_wait_exposure_and_mixes_rates() {
        // A: 100 offered, 20 abandoned; B: 100 offered, 5 abandoned; 5,000 s of waits in all.
        // Wait per offered call 25 s, pool rate 25 / 5,000 = 0.005 /s, prior 20 abandons:
        // θ_A = (20 + 20) / (100·25 + 20 / 0.005) = 40 / 6,500, θ_B = 25 / 6,500.
        let q = |queue: &str, abandoned: f64, wait_secs: f64| QueueWaits {
            queue: queue.to_string(),
            offered: 100.0,
            abandoned,
            wait_secs,
        };
        let qp = queue_patience(&[q("A", 20.0, 4000.0), q("B", 5.0, 1000.0)]);
        assert_eq!(qp.len(), 2);
        assert!((qp[0].1 - 6500.0 / 40.0).abs() < 1e-9 && (qp[1].1 - 260.0).abs() < 1e-9);
        let pool = PoolCalibration {
            name: "ALL".to_string(),
            queue_patience: qp,
            ..PoolCalibration::default()
        };
        let f = |mix: &[(&str, f64)]| {
            let mix: Vec<(String, f64)> = mix.iter().map(|(q, o)| (q.to_string(), *o)).collect();
            pool.mix_patience_factor(&mix)
        };
        // The pool rate is the offered-weighted mean of the queues' (65 / 13,000 = 0.005).
        assert!((f(&[("A", 30.0)]) - 0.005 * 6500.0 / 40.0).abs() < 1e-12);
        assert!((f(&[("B", 30.0)]) - 1.3).abs() < 1e-12);
        assert!((f(&[("A", 10.0), ("B", 10.0)]) - 1.0).abs() < 1e-12);
        // An unknown queue takes the pool's rate; no calls or no estimates: factor 1.
        assert!((f(&[("C", 5.0)]) - 1.0).abs() < 1e-12);
        assert_eq!(f(&[]), 1.0);
        assert_eq!(PoolCalibration::default().mix_patience_factor(&[]), 1.0);
        assert!(queue_patience(&[q("A", 0.0, 0.0)]).is_empty());
    }

    #[test]
    fn exponential_patience_is_recovered_under_censoring() {
        let mut rng = crate::simulate::rng::Rng::for_replication(3, 0);
        let w: Vec<(f64, bool)> = (0..50_000)
            .map(|_| {
                let patience = 200.0 * rng.exp1();
                let wait = 150.0 * rng.exp1();
                (patience.min(wait), patience < wait)
            })
            .collect();
        let f = kaplan_meier(&w);
        assert!((f.exp_mean_secs.unwrap() / 200.0 - 1.0).abs() < 0.03);
        // Median of Exp(200) = 200 ln 2.
        assert!((f.median_secs.unwrap() / (200.0 * 2f64.ln()) - 1.0).abs() < 0.05);
        let s = fit_service(&[100.0, 200.0, 300.0]).unwrap();
        assert!((s.mean_secs - 200.0).abs() < 1e-12 && (s.cv - 0.5).abs() < 1e-12);
    }
}

/// A pool's calibration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PoolCalibration {
    /// Pool name (`ALL` when every queue is pooled).
    pub name: String,
    /// Its queues.
    pub queues: Vec<String>,
    /// Availability of recorded agents, when agent counts for the pool were given.
    pub availability: Option<AvailabilityFit>,
    /// Exponential-equivalent mean patience of the pool's queued calls, seconds.
    pub patience_exp_mean_secs: Option<f64>,
    /// Detection from the call log, when pools were detected.
    pub detection: Option<PoolDetection>,
    /// Each queue's patience in the pooled model, `(queue, seconds, offered calls)`: see
    /// [`queue_patience`]. Empty when not estimated.
    pub queue_patience: Vec<(String, f64, f64)>,
    /// The calibrated Erlang A's correction by interval size, when fitted (pool `ALL`).
    pub size_recalibration: Option<SizeRecalibration>,
}

impl PoolCalibration {
    /// See [`Calibration::mix_patience_factor`].
    pub fn mix_patience_factor(&self, offered_by_queue: &[(String, f64)]) -> f64 {
        let qp = &self.queue_patience;
        let w: f64 = qp.iter().map(|q| q.2).sum();
        let pooled = qp.iter().map(|q| q.2 / q.1).sum::<f64>() / w;
        if qp.is_empty() || !(pooled.is_finite() && pooled > 0.0) {
            return 1.0;
        }
        let (mut o, mut rate) = (0.0, 0.0);
        for (q, n) in offered_by_queue {
            let theta = qp.iter().find(|x| x.0 == *q).map_or(pooled, |x| 1.0 / x.1);
            o += n;
            rate += n * theta;
        }
        if o > 0.0 && rate > 0.0 {
            pooled * o / rate
        } else {
            1.0
        }
    }
}

/// One queue's history for [`queue_patience`].
#[derive(Debug, Clone, PartialEq)]
pub struct QueueWaits {
    /// The queue.
    pub queue: String,
    /// Offered calls.
    pub offered: f64,
    /// Abandoned calls.
    pub abandoned: f64,
    /// Total time in queue of its answered and abandoned calls, seconds.
    pub wait_secs: f64,
}

/// Prior weight, in abandons, of the pool's abandonment rate in a queue's
/// ([`queue_patience`]).
pub const QUEUE_PATIENCE_PRIOR_ABANDONS: f64 = 20.0;

/// Each queue's patience in a pooled Erlang A, `(queue, seconds, offered calls)` by queue.
///
/// The pooled model gives every caller the pool's wait, so a queue whose callers wait longer
/// than the pool's (a lower priority) abandons more than its own patience says. Its patience
/// is the exponential maximum-likelihood mean with the pool's wait exposure instead of its own:
/// `p_q = o_q·(W ÷ O) ÷ a_q` (`o_q`, `a_q` the queue's offered and abandoned calls, `W ÷ O` the
/// pool's total wait per offered call), the rate shrunk toward the pool's by a gamma prior of
/// [`QUEUE_PATIENCE_PRIOR_ABANDONS`] abandons: `θ_q = (a_q + k) ÷ (o_q·W ÷ O + k ÷ θ̄)`,
/// `θ̄ = A ÷ W`. The offered-weighted mean of the unshrunk rates is exactly `θ̄`, the pool's
/// exponential-equivalent rate (Mandelbaum & Zeltyn 2005, §7). Queues without offered calls
/// are left out; empty when the pool has no wait or no abandon.
pub fn queue_patience(waits: &[QueueWaits]) -> Vec<(String, f64, f64)> {
    let mut by: std::collections::BTreeMap<&str, (f64, f64)> = std::collections::BTreeMap::new();
    let (mut o, mut a, mut w) = (0.0, 0.0, 0.0);
    for q in waits {
        let e = by.entry(q.queue.as_str()).or_default();
        e.0 += q.offered;
        e.1 += q.abandoned;
        o += q.offered;
        a += q.abandoned;
        w += q.wait_secs;
    }
    if !(o > 0.0 && a > 0.0 && w > 0.0) {
        return Vec::new();
    }
    let (per_call, theta) = (w / o, a / w);
    let k = QUEUE_PATIENCE_PRIOR_ABANDONS;
    by.into_iter()
        .filter(|(_, (oq, _))| *oq > 0.0)
        .map(|(q, (oq, aq))| {
            let rate = (aq + k) / (oq * per_call + k / theta);
            (q.to_string(), 1.0 / rate, oq)
        })
        .collect()
}

/// A queue's calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueCalibration {
    /// The queue.
    pub name: String,
    /// Patience (Kaplan–Meier).
    pub patience: PatienceFit,
    /// Handle times.
    pub service: Option<ServiceFit>,
}

/// Everything `wfm calibrate` learns; written to and read from `calibration.toml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calibration {
    /// First and last day of the history.
    pub period: (String, String),
    /// Input files.
    pub sources: Vec<String>,
    /// SL threshold of the fit, seconds.
    pub threshold_secs: f64,
    /// Busy-interval threshold (offered calls) of the fit.
    pub min_offered: f64,
    /// Pools.
    pub pools: Vec<PoolCalibration>,
    /// Queues.
    pub queues: Vec<QueueCalibration>,
}

impl Calibration {
    /// The pool named `name`.
    pub fn pool(&self, name: &str) -> Option<&PoolCalibration> {
        self.pools.iter().find(|p| p.name == name)
    }
    /// The pool whose availability applies to `queue`: the detected pool holding it when that
    /// pool has an availability, else pool `ALL`.
    pub fn pool_of(&self, queue: &str) -> Option<&PoolCalibration> {
        self.pools
            .iter()
            .find(|p| {
                p.name != crate::model::QueueId::ALL
                    && p.availability.is_some()
                    && p.queues.iter().any(|q| q == queue)
            })
            .or_else(|| {
                self.pool(crate::model::QueueId::ALL)
                    .filter(|p| p.availability.is_some())
            })
    }
    /// Mean patience for Erlang A of `queue`: the exponential-equivalent mean of its own
    /// Kaplan–Meier data when the call log had abandons of it, else its pool's, else pool
    /// `ALL`'s — times the patience scale fitted with the availability of the queue's pool
    /// ([`Self::pool_of`]; 1 without one).
    pub fn patience_secs(&self, queue: &str) -> Option<f64> {
        let scale = self
            .pool_of(queue)
            .and_then(|p| p.availability.as_ref())
            .map_or(1.0, |f| f.patience_scale);
        self.exp_mean_patience_secs(queue).map(|p| p * scale)
    }
    /// The Kaplan–Meier exponential-equivalent mean patience of `queue` (its own, else its
    /// pool's, else pool `ALL`'s), seconds, before any patience scale.
    pub fn exp_mean_patience_secs(&self, queue: &str) -> Option<f64> {
        self.queues
            .iter()
            .find(|q| q.name == queue)
            .and_then(|q| q.patience.exp_mean_secs)
            .or_else(|| {
                self.pools
                    .iter()
                    .filter(|p| p.queues.iter().any(|q| q == queue))
                    .find_map(|p| p.patience_exp_mean_secs)
            })
            .or_else(|| {
                self.pool(crate::model::QueueId::ALL)
                    .and_then(|p| p.patience_exp_mean_secs)
            })
    }
    /// The patience factor of an interval's queue mix in pool `ALL`'s Erlang A: the pool's
    /// abandonment rate over the history divided by the mix's,
    /// `θ̄ ÷ (Σ_q o_q·θ_q ÷ Σ_q o_q)`, `θ_q = 1 ÷` the queue's [`PoolCalibration::queue_patience`]
    /// (`θ̄` for a queue without one), `o_q` the interval's offered calls; 1 without queue
    /// patience or calls.
    pub fn mix_patience_factor(&self, offered_by_queue: &[(String, f64)]) -> f64 {
        self.pool(crate::model::QueueId::ALL)
            .map_or(1.0, |p| p.mix_patience_factor(offered_by_queue))
    }
    /// The availability of recorded agents for staffing: each queue of a detected pool with
    /// an availability gets that pool's, every other queue pool `ALL`'s (hour-of-day
    /// estimates included).
    ///
    /// # Errors
    /// [`crate::staffing::StaffingError::InvalidParameter`] for an availability outside (0, 2].
    pub fn staffing_availability(
        &self,
    ) -> Result<crate::staffing::availability::Availability, crate::staffing::StaffingError> {
        use crate::staffing::availability::{Availability, QueueAvailability};
        let of = |p: &PoolCalibration| {
            p.availability.as_ref().map(|f| QueueAvailability {
                pool: p.name.clone(),
                level: f.availability,
                by_hour: f.by_hour.iter().map(|&(h, a, _)| (h, a)).collect(),
                by_utilisation: f.by_utilisation.iter().map(|&(u, a, _)| (u, a)).collect(),
            })
        };
        let mut out = Availability::new();
        if let Some(a) = self.pool(crate::model::QueueId::ALL).and_then(of) {
            out = out.with_default(a)?;
        }
        for p in &self.pools {
            for q in &p.queues {
                if let Some(a) = self.pool_of(q).and_then(of) {
                    out = out.with_queue(q.clone(), a)?;
                }
            }
        }
        Ok(out)
    }
    /// Availability of pool `name` at `hour` for an interval with recorded utilisation
    /// `utilisation` (offered load ÷ recorded agents; `None`: unknown), see
    /// [`AvailabilityFit::at`].
    pub fn availability(&self, name: &str, hour: u32, utilisation: Option<f64>) -> Option<f64> {
        let fit = self.pool(name)?.availability.as_ref()?;
        Some(fit.at(hour, utilisation))
    }
}
