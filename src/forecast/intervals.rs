//! Prediction intervals from the model's own errors in the inner rolling-origin backtest.
//!
//! # Method
//! Errors are standardised by a Poisson-like scale, `z = (y − f) / √max(f, 1)`, and split into
//! [`BUCKETS`] groups by the size of the forecast `f` (tercile boundaries of the inner
//! forecasts), because relative errors differ between quiet and busy intervals. In each bucket
//! the empirical quantiles of `z` at 2.5 %, 10 %, 90 % and 97.5 % give the bounds
//! `f + q · √max(f, 1)`, clipped at 0. Empirical residual quantiles are the "bootstrapped
//! residuals" intervals of Hyndman & Athanasopoulos (2021), *Forecasting: Principles and
//! Practice*, 3rd ed., §5.5, computed from out-of-sample errors (rolling origin) rather than
//! in-sample ones, so that they include the model's bias and parameter uncertainty.
//!
//! Without any inner error (history too short), the Poisson quantiles are used: `q = ±1.2816`
//! (80 %) and `±1.9600` (95 %), the normal approximation — a lower bound on the real spread.

/// Number of forecast-size buckets.
pub(crate) const BUCKETS: usize = 3;
/// Fewest errors a bucket needs for its own quantiles (else the pooled ones are used).
pub(crate) const MIN_BUCKET_ERRORS: usize = 30;

/// Calibrated standardised-error quantiles.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Calibration {
    /// Upper edges of the forecast-size buckets (the last is +∞).
    edges: Vec<f64>,
    /// Per bucket: quantiles at 2.5 %, 10 %, 90 %, 97.5 %.
    q: Vec<[f64; 4]>,
}

/// The four interval bounds of one forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bounds {
    pub lo80: f64,
    pub hi80: f64,
    pub lo95: f64,
    pub hi95: f64,
}

fn scale(f: f64) -> f64 {
    f.max(1.0).sqrt()
}

pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    // Type-7 quantile (linear interpolation), the default of R and numpy.
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

pub(crate) fn quantiles(z: &mut [f64]) -> [f64; 4] {
    z.sort_by(|a, b| a.total_cmp(b));
    [
        quantile(z, 0.025),
        quantile(z, 0.10),
        quantile(z, 0.90),
        quantile(z, 0.975),
    ]
}

impl Calibration {
    /// The normal-approximation fallback.
    pub(crate) fn poisson() -> Self {
        Calibration {
            edges: vec![],
            q: vec![[-1.96, -1.2816, 1.2816, 1.96]],
        }
    }

    /// Calibrates from `(actual, forecast)` pairs; intervals where both are 0 (closed) are
    /// ignored.
    pub(crate) fn from_errors(pairs: &[(f64, f64)]) -> Self {
        let pairs: Vec<(f64, f64)> = pairs
            .iter()
            .copied()
            .filter(|&(y, f)| y > 0.0 || f > 0.0)
            .collect();
        if pairs.len() < MIN_BUCKET_ERRORS {
            return Self::poisson();
        }
        let mut fs: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        fs.sort_by(|a, b| a.total_cmp(b));
        let edges: Vec<f64> = (1..BUCKETS)
            .map(|k| quantile(&fs, k as f64 / BUCKETS as f64))
            .collect();
        let mut all: Vec<f64> = pairs.iter().map(|&(y, f)| (y - f) / scale(f)).collect();
        let pooled = quantiles(&mut all);
        let mut q = Vec::with_capacity(BUCKETS);
        for b in 0..BUCKETS {
            let mut z: Vec<f64> = pairs
                .iter()
                .filter(|&&(_, f)| bucket(&edges, f) == b)
                .map(|&(y, f)| (y - f) / scale(f))
                .collect();
            q.push(if z.len() >= MIN_BUCKET_ERRORS {
                quantiles(&mut z)
            } else {
                pooled
            });
        }
        Calibration { edges, q }
    }

    /// Interval bounds around forecast `f` (already clipped at 0). A closed interval (`f = 0`
    /// and `open = false`) gets `[0, 0]`.
    pub(crate) fn bounds(&self, f: f64, open: bool) -> Bounds {
        if !open {
            return Bounds {
                lo80: 0.0,
                hi80: 0.0,
                lo95: 0.0,
                hi95: 0.0,
            };
        }
        let q = self.q[bucket(&self.edges, f).min(self.q.len() - 1)];
        let s = scale(f);
        let b = |k: usize| (f + q[k] * s).max(0.0);
        Bounds {
            lo95: b(0).min(f),
            lo80: b(1).min(f),
            hi80: b(2).max(f),
            hi95: b(3).max(f),
        }
    }
}

fn bucket(edges: &[f64], f: f64) -> usize {
    edges.iter().take_while(|&&e| f > e).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_numpy() {
        // numpy 1.26: np.quantile([1, 2, 3, 4, 10], [0.025, 0.1, 0.9, 0.975])
        //   → [1.1, 1.4, 7.6, 9.4]
        let mut v = vec![10.0, 3.0, 1.0, 4.0, 2.0];
        let q = quantiles(&mut v);
        for (a, b) in q.iter().zip([1.1, 1.4, 7.6, 9.4]) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn calibrated_intervals_cover_their_share() {
        // Forecast 100 everywhere, actual errors uniform on −40..=39: 80 % of |z·10| ≤ ~32.
        let pairs: Vec<(f64, f64)> = (0..800)
            .map(|i| (100.0 + f64::from(i % 80) - 40.0, 100.0))
            .collect();
        let c = Calibration::from_errors(&pairs);
        let b = c.bounds(100.0, true);
        let inside = pairs
            .iter()
            .filter(|&&(y, _)| y >= b.lo80 && y <= b.hi80)
            .count() as f64
            / pairs.len() as f64;
        assert!((inside - 0.8).abs() < 0.03, "{inside} {b:?}");
        assert!(b.lo95 <= b.lo80 && b.hi95 >= b.hi80);
        assert_eq!(c.bounds(0.0, false).hi95, 0.0);
    }
}
