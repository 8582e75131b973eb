//! Expected service level of an interval as a function of the agents scheduled, and its concave
//! piecewise-linear majorant for the `service` objective.
//!
//! # Formula
//! Erlang C (see [`crate::staffing::erlang_c::metrics`]): for `n > A`,
//! `SL(n) = 1 − C(n, A)·exp(−(n − A)·τ / AHT)`, and `SL(n) = 0` for `n ≤ A` (the queue is
//! unstable). `SL` is increasing and concave for `n` above the load but flat at 0 below it, so
//! the MIP uses the upper concave envelope of the points `(n, SL(n))`, `n = 0, 1, …` (the
//! standard piecewise-linear treatment of concave staffing returns, e.g. Koole & van der Sluis
//! 2003). The envelope equals `SL` at every integer `n` above the knee and overestimates it only
//! below the load, where no sensible budget puts a plan; the reported expected SL is always the
//! exact Erlang C value, never the envelope.
//!
//! # References
//! Koole, G. and van der Sluis, E. (2003), "Optimal shift scheduling with a global service level
//! constraint", *IIE Transactions* 35(11), 1049–1055.

use crate::staffing::erlang_c;
use crate::units::{Erlangs, Secs};

/// One linear piece of the envelope: through `(agents, value)` with slope `slope` per agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Agents at the left end.
    pub agents: f64,
    /// Envelope value there.
    pub value: f64,
    /// Slope per agent.
    pub slope: f64,
}

/// Service level per agent count for one interval, and its concave envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct SlCurve {
    points: Vec<f64>,
    segments: Vec<Segment>,
}

/// Exact Erlang C service level for `n` agents (0 when `n ≤ load`, 1 with no load).
pub fn service_level(n: u32, load: f64, aht_secs: f64, threshold_secs: f64) -> f64 {
    if load <= 0.0 {
        return 1.0;
    }
    if f64::from(n) <= load {
        return 0.0;
    }
    match (
        Erlangs::new(load),
        Secs::new(aht_secs),
        Secs::new(threshold_secs),
    ) {
        (Ok(a), Ok(h), Ok(t)) => erlang_c::metrics(n, a, h, t).map_or(0.0, |m| m.service_level),
        _ => 0.0,
    }
}

impl SlCurve {
    /// The curve for offered load `load` (Erlangs), AHT and answer-time threshold, tabulated
    /// until SL exceeds 1 − 1e-6 (at most `max_agents`).
    pub fn new(load: f64, aht_secs: f64, threshold_secs: f64, max_agents: u32) -> Self {
        let mut points = Vec::new();
        for n in 0..=max_agents {
            let sl = service_level(n, load, aht_secs, threshold_secs);
            points.push(sl);
            if sl > 1.0 - 1e-6 {
                break;
            }
        }
        // upper concave hull (Andrew's monotone chain, upper part) over integer abscissae
        let mut hull: Vec<usize> = Vec::new();
        for i in 0..points.len() {
            while hull.len() >= 2 {
                let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
                let cross = (b as f64 - a as f64) * (points[i] - points[a])
                    - (points[b] - points[a]) * (i as f64 - a as f64);
                if cross >= 0.0 {
                    hull.pop();
                } else {
                    break;
                }
            }
            hull.push(i);
        }
        let mut segments: Vec<Segment> = hull
            .windows(2)
            .map(|w| Segment {
                agents: w[0] as f64,
                value: points[w[0]],
                slope: (points[w[1]] - points[w[0]]) / (w[1] - w[0]) as f64,
            })
            .collect();
        let last = *hull.last().expect("at least one point");
        segments.push(Segment {
            agents: last as f64,
            value: points[last],
            slope: 0.0,
        });
        SlCurve { points, segments }
    }

    /// The envelope's linear pieces (the envelope is their pointwise minimum).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Exact SL at `n` agents (the last tabulated value beyond the table).
    pub fn at(&self, n: f64) -> f64 {
        let i = n.max(0.0).round() as usize;
        self.points[i.min(self.points.len() - 1)]
    }

    /// The envelope at `n` agents.
    pub fn envelope(&self, n: f64) -> f64 {
        self.segments
            .iter()
            .map(|s| s.value + s.slope * (n - s.agents))
            .fold(f64::INFINITY, f64::min)
            .clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_concave_and_exact_above_the_load() {
        let c = SlCurve::new(5.75, 180.0, 20.0, 60);
        // exact at integer points above the knee
        for n in 9..20 {
            assert!(
                (c.envelope(f64::from(n)) - c.at(f64::from(n))).abs() < 1e-9,
                "n={n}"
            );
        }
        // never below the exact curve
        for n in 0..20 {
            assert!(c.envelope(f64::from(n)) + 1e-12 >= c.at(f64::from(n)));
        }
        // slopes non-increasing
        let s = c.segments();
        assert!(s.windows(2).all(|w| w[0].slope >= w[1].slope - 1e-12));
    }

    #[test]
    fn matches_erlang_c_reference() {
        // 10 Erlangs, 11 agents, AHT 180 s, τ = 20 s: C = 0.682118205 (mpmath, staffing fixture),
        // SL = 1 − C·exp(−(11 − 10)·20/180).
        let want = 1.0 - 0.682_118_205 * (-20.0_f64 / 180.0).exp();
        assert!((service_level(11, 10.0, 180.0, 20.0) - want).abs() < 1e-6);
    }
}
