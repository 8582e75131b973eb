//! Forecast risk in staffing: the probability that a staffing level meets the service targets
//! under the forecast's predictive distribution, and the staffing that meets them with a chosen
//! probability.
//!
//! # Predictive distribution
//! A forecast row gives its point (the median) and its 80 % and 95 % central prediction
//! intervals. The quantile function is taken piecewise linear in the standard-normal score
//! between the knots `z = −1.96, −1.2816, 0, 1.2816, 1.96` (the bounds and the point), and
//! continued linearly in `z` beyond the 95 % bounds with the slope of the outer segment, never
//! below 0. With normal bounds this is exactly the normal distribution; with skewed bounds
//! (a forecast clipped at 0, a log-scale model) each side keeps its own spread.
//!
//! # Probability of meeting the target
//! At `N` agents the service targets (SL, ASA, abandon rate; the occupancy cap is a sizing cap,
//! not a service target) hold for every offered volume up to a threshold `λ*(N)`, because every
//! metric worsens as the load grows with the AHT fixed. `λ*` is found by bisection and
//! `p_meet_target = F(λ*)`. Staffing for risk `P` sizes each interval for the offered quantile
//! `Q(P)`, so that `F(λ*(N)) ≥ P` by construction.
//!
//! The Poisson variability of arrivals within the interval is in the Erlang formulas; the
//! predictive distribution adds the uncertainty of the arrival *rate*.

use super::config::QueuePolicy;
use super::requirement::Binding;
use crate::units::{Erlangs, Secs};

/// Standard-normal scores of the knots: 2.5 %, 10 %, 50 %, 90 %, 97.5 %.
const Z: [f64; 5] = [
    -1.959_963_984_540_054,
    -1.281_551_565_544_600_5,
    0.0,
    1.281_551_565_544_600_5,
    1.959_963_984_540_054,
];

/// The predictive distribution of one interval's offered contacts (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Predictive {
    x: [f64; 5],
}

impl Predictive {
    /// From the point forecast and its bounds; `None` unless `lo95 ≤ lo80 ≤ point ≤ hi80 ≤ hi95`
    /// (all finite, ≥ 0) with some spread.
    pub fn from_bounds(point: f64, lo80: f64, hi80: f64, lo95: f64, hi95: f64) -> Option<Self> {
        let x = [lo95, lo80, point, hi80, hi95];
        let ordered = x.windows(2).all(|w| w[0] <= w[1]);
        let valid = x.iter().all(|v| v.is_finite() && *v >= 0.0);
        (ordered && valid && hi95 > lo95).then_some(Predictive { x })
    }

    /// The offered volume at standard-normal score `z` (≥ 0).
    fn at_z(&self, z: f64) -> f64 {
        let x = &self.x;
        let seg = if z <= Z[1] {
            0
        } else if z <= Z[2] {
            1
        } else if z <= Z[3] {
            2
        } else {
            3
        };
        let slope = |i: usize| (x[i + 1] - x[i]) / (Z[i + 1] - Z[i]);
        let s = slope(seg);
        (x[seg] + s * (z - Z[seg])).max(0.0)
    }

    /// The `p`-quantile of offered contacts, `p` in (0, 1).
    pub fn quantile(&self, p: f64) -> f64 {
        self.at_z(inverse_normal_cdf(p))
    }

    /// `P(offered ≤ v)`.
    pub fn cdf(&self, v: f64) -> f64 {
        if v < 0.0 {
            return 0.0;
        }
        // at_z is non-decreasing in z: bisect for the largest z with at_z(z) ≤ v.
        let (mut lo, mut hi) = (-12.0_f64, 12.0_f64);
        if self.at_z(lo) > v {
            return 0.0;
        }
        if self.at_z(hi) <= v {
            return 1.0;
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if self.at_z(mid) <= v {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        normal_cdf(lo)
    }
}

/// Whether `agents` meet the policy's service targets at `offered` contacts of `aht_secs`.
fn meets(p: &QueuePolicy, agents: u32, offered: f64, aht_secs: f64, interval_secs: f64) -> bool {
    let aht_eff = aht_secs / p.concurrency;
    let load = offered * aht_eff / interval_secs;
    let (Ok(load), Ok(aht)) = (Erlangs::new(load), Secs::new(aht_eff)) else {
        return false;
    };
    match p.model.metrics(agents, load, aht, p.targets.threshold()) {
        Ok(m) => matches!(p.targets.first_unmet(&m), None | Some(Binding::Occupancy)),
        Err(_) => false,
    }
}

/// The largest offered volume up to `limit` that `agents` serve within the targets (`λ*` of
/// the module docs); `limit` itself when the targets hold there. The limit keeps the search
/// at loads the distribution can produce (with a target that never fails, such as an ASA
/// above the Erlang A patience, the search would otherwise run to absurd loads).
pub fn max_offered(
    p: &QueuePolicy,
    agents: u32,
    aht_secs: f64,
    interval_secs: f64,
    limit: f64,
) -> f64 {
    if aht_secs <= 0.0 || meets(p, agents, limit, aht_secs, interval_secs) {
        return limit;
    }
    if !meets(p, agents, 0.0, aht_secs, interval_secs) {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0, limit);
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if meets(p, agents, mid, aht_secs, interval_secs) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// `P(targets met)` at `agents` under the predictive distribution.
pub fn p_meet_target(
    p: &QueuePolicy,
    dist: &Predictive,
    agents: u32,
    aht_secs: f64,
    interval_secs: f64,
) -> f64 {
    // Beyond the z = 8 quantile the distribution has no mass (1 − Φ(8) ≈ 6e-16).
    let limit = dist.at_z(8.0);
    let cap = max_offered(p, agents, aht_secs, interval_secs, limit);
    if cap >= limit {
        1.0
    } else {
        dist.cdf(cap)
    }
}

/// Standard normal CDF Φ(z), via the complementary error function (W. J. Cody's rational
/// Chebyshev approximation as given in Numerical Recipes §6.2, `erfcc`: |relative error| <
/// 1.2e-7 everywhere).
pub fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    let erfc = if x >= 0.0 { erfc } else { 2.0 - erfc };
    0.5 * erfc
}

/// Φ⁻¹(p) for p in (0, 1): P. J. Acklam's rational approximation (relative error < 1.15e-9).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let plow = 0.02425;
    if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values of Φ and Φ⁻¹ from any statistical table (e.g. Abramowitz & Stegun
    /// table 26.1): Φ(1.2816) ≈ 0.9, Φ(1.96) ≈ 0.975, Φ(−1) = 0.158655254.
    #[test]
    fn normal_functions_match_tables() {
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 2e-7);
        assert!((normal_cdf(-1.0) - 0.158_655_253_931_457).abs() < 2e-7);
        assert!((normal_cdf(0.0) - 0.5).abs() < 5e-8);
        assert!((inverse_normal_cdf(0.9) - 1.281_551_565_544_600_5).abs() < 1e-8);
        assert!((inverse_normal_cdf(0.025) + 1.959_963_984_540_054).abs() < 1e-8);
    }

    #[test]
    fn quantiles_pass_through_the_bounds() {
        let d = Predictive::from_bounds(100.0, 80.0, 125.0, 70.0, 140.0).unwrap();
        assert!((d.quantile(0.5) - 100.0).abs() < 1e-6);
        assert!((d.quantile(0.9) - 125.0).abs() < 1e-6);
        assert!((d.quantile(0.1) - 80.0).abs() < 1e-6);
        assert!((d.quantile(0.975) - 140.0).abs() < 1e-6);
        assert!((d.cdf(125.0) - 0.9).abs() < 1e-6);
        assert!((d.cdf(112.5) - normal_cdf(0.640_775_782_772_300_2)).abs() < 1e-6);
        assert!(Predictive::from_bounds(100.0, 110.0, 125.0, 70.0, 140.0).is_none());
    }
}
