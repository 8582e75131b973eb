//! AHT forecast per weekday × slot: volume-weighted, shrunk toward broader means when the slot
//! had few calls.
//!
//! # Formula
//! Over the last [`AHT_WEEKS`] weeks of observed days before the origin, with `v` the calls and
//! `a` the AHT of each interval:
//! - queue mean `A₀ = Σ v·a / Σ v`;
//! - slot mean (all weekdays) `A₁(s) = (Σ_s v·a + n₀ A₀) / (Σ_s v + n₀)`;
//! - weekday-slot mean `A₂(w, s) = (Σ_{w,s} v·a + n₀ A₁(s)) / (Σ_{w,s} v + n₀)`.
//!
//! This is the Bühlmann credibility estimator with `n₀` = [`AHT_PRIOR_CALLS`] calls of prior
//! weight (Bühlmann, H. & Gisler, A. (2005), *A Course in Credibility Theory*, §3.2): a slot with
//! 5 calls moves little from its broader mean, a slot with 500 calls keeps its own.

use super::history::QueueHistory;

/// Weeks of history the AHT forecast averages.
pub(crate) const AHT_WEEKS: usize = 8;
/// Prior weight, in calls, of the broader mean.
pub(crate) const AHT_PRIOR_CALLS: f64 = 20.0;

/// AHT forecast in seconds per `weekday * d + slot`, or `None` when the history has no AHT.
pub(crate) fn aht_profile(
    q: &QueueHistory,
    d: usize,
    first_wd: usize,
    origin_day: usize,
) -> Option<Vec<f64>> {
    let from = origin_day.saturating_sub(7 * AHT_WEEKS);
    let mut va = vec![0.0; 7 * d];
    let mut v = vec![0.0; 7 * d];
    for j in from..origin_day.min(q.day_present().len()) {
        let w = (first_wd + j) % 7;
        for s in 0..d {
            let i = j * d + s;
            if let (Some(n), Some(a)) = (q.volume()[i], q.aht_secs()[i]) {
                va[w * d + s] += n * a;
                v[w * d + s] += n;
            }
        }
    }
    let tv: f64 = v.iter().sum();
    if tv <= 0.0 {
        return None;
    }
    let a0 = va.iter().sum::<f64>() / tv;
    let slot: Vec<f64> = (0..d)
        .map(|s| {
            let sva: f64 = (0..7).map(|w| va[w * d + s]).sum();
            let sv: f64 = (0..7).map(|w| v[w * d + s]).sum();
            (sva + AHT_PRIOR_CALLS * a0) / (sv + AHT_PRIOR_CALLS)
        })
        .collect();
    Some(
        (0..7 * d)
            .map(|i| (va[i] + AHT_PRIOR_CALLS * slot[i % d]) / (v[i] + AHT_PRIOR_CALLS))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::history::SeriesInput;
    use crate::forecast::History;
    use crate::time::parse_timestamp;
    use crate::units::IntervalLength;

    #[test]
    fn credibility_weighted() {
        // One day-slot per day (1440-min grid is not supported, so use 60-min and slot 0 only).
        let d = 24;
        let mut vol = vec![Some(0.0); 14 * d];
        let mut aht = vec![None; 14 * d];
        // Slot 0: 100 calls at 200 s every day; slot 1: 1 call at 1000 s on day 0 only.
        for j in 0..14 {
            vol[j * d] = Some(100.0);
            aht[j * d] = Some(200.0);
        }
        vol[1] = Some(1.0);
        aht[1] = Some(1000.0);
        let h = History::from_series(
            parse_timestamp("1999-01-03").unwrap(),
            IntervalLength::from_minutes(60).unwrap(),
            vec![SeriesInput {
                queue: "Q".into(),
                volume: vol,
                aht_secs: aht,
            }],
        )
        .unwrap();
        let p = aht_profile(&h.queues()[0], d, 0, 14).unwrap();
        let a0 = (1400.0 * 200.0 + 1000.0) / 1401.0;
        let a1 = (1000.0 + 20.0 * a0) / 21.0;
        let a2 = (1000.0 + 20.0 * a1) / 21.0; // weekday 0, slot 1 has the one call
        assert!((p[1] - a2).abs() < 1e-9, "{} vs {a2}", p[1]);
        assert!((p[d + 1] - a1).abs() < 1e-9); // other weekdays: slot mean only
        assert!(
            (p[0] - (200.0 * 200.0 + 20.0 * ((1400.0 * 200.0 + 20.0 * a0) / 1420.0)) / 220.0).abs()
                < 1e-9
        );
    }
}
