//! Distributions of handle times and patience: exponential, lognormal, or empirical (a
//! quantile function, e.g. a Kaplan–Meier estimate, with an exponential tail).

use super::rng::Rng;
use super::SimulateError;

/// A distribution of a positive duration in seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Exponential with the given mean (the Markovian case of Erlang C / Erlang A).
    Exponential {
        /// Mean, seconds (> 0).
        mean_secs: f64,
    },
    /// Lognormal with the given mean and coefficient of variation (sd ÷ mean).
    Lognormal {
        /// Mean, seconds (> 0).
        mean_secs: f64,
        /// Coefficient of variation (> 0).
        cv: f64,
    },
    /// An empirical distribution given by its quantile function: `probs[i]` is the CDF at
    /// `values[i]`; between points the CDF is linear; beyond the last point the remaining
    /// probability `1 − probs.last()` has an exponential tail with mean `tail_mean_secs`
    /// (a Kaplan–Meier estimate that does not reach 0, i.e. patience longer than any wait seen).
    Empirical(Empirical),
}

/// The empirical distribution of [`Dist::Empirical`]; built by [`Empirical::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct Empirical {
    probs: Vec<f64>,
    values: Vec<f64>,
    tail_mean_secs: f64,
    mean: f64,
}

impl Empirical {
    /// An empirical distribution from CDF points `(value_secs, prob)`, increasing in both, with
    /// an exponential tail of mean `tail_mean_secs` beyond the last point (ignored when the last
    /// probability is 1). The CDF starts at `(0, 0)`.
    ///
    /// # Errors
    /// [`SimulateError::Parameter`] when the points are not finite, not increasing, outside
    /// `[0, 1]`, or the tail mean is not positive while some probability is left for it.
    pub fn new(points: &[(f64, f64)], tail_mean_secs: f64) -> Result<Self, SimulateError> {
        let mut probs = vec![0.0];
        let mut values = vec![0.0];
        for &(v, p) in points {
            let (lv, lp) = (
                *values.last().unwrap_or(&0.0),
                *probs.last().unwrap_or(&0.0),
            );
            if !(v.is_finite() && p.is_finite() && v >= lv && p >= lp && p <= 1.0) {
                return Err(SimulateError::Parameter(format!(
                    "empirical distribution: points must increase in value and probability \
                     within [0, 1]; got ({v}, {p}) after ({lv}, {lp})"
                )));
            }
            values.push(v);
            probs.push(p);
        }
        let last_p = *probs.last().unwrap_or(&0.0);
        if last_p < 1.0 && !(tail_mean_secs.is_finite() && tail_mean_secs > 0.0) {
            return Err(SimulateError::Parameter(format!(
                "empirical distribution: tail mean must be > 0 seconds, got {tail_mean_secs}"
            )));
        }
        // Mean: trapezoids of the linear CDF pieces + the exponential tail.
        let mut mean = 0.0;
        for i in 1..values.len() {
            mean += (probs[i] - probs[i - 1]) * 0.5 * (values[i] + values[i - 1]);
        }
        if last_p < 1.0 {
            // (Only then: a CDF that reaches 1 has no tail, and its tail mean may be absent, NaN.)
            let last_v = *values.last().unwrap_or(&0.0);
            mean += (1.0 - last_p) * (last_v + tail_mean_secs);
        }
        Ok(Empirical {
            probs,
            values,
            tail_mean_secs,
            mean,
        })
    }

    /// From a sample of durations (each weighted equally).
    ///
    /// # Errors
    /// [`SimulateError::Parameter`] when the sample is empty or holds a negative or non-finite
    /// value.
    pub fn from_sample(sample: &[f64]) -> Result<Self, SimulateError> {
        if sample.is_empty() || sample.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(SimulateError::Parameter(
                "empirical distribution: the sample must be non-empty, finite and ≥ 0".into(),
            ));
        }
        let mut s = sample.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len() as f64;
        let points: Vec<(f64, f64)> = s
            .iter()
            .enumerate()
            .map(|(i, &v)| (v, (i + 1) as f64 / n))
            .collect();
        Self::new(&points, 1.0)
    }

    /// The CDF points `(value_secs, prob)`, without the implicit `(0, 0)`.
    pub fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.values
            .iter()
            .zip(&self.probs)
            .skip(1)
            .map(|(&v, &p)| (v, p))
    }

    /// Mean of the exponential tail, seconds.
    pub fn tail_mean_secs(&self) -> f64 {
        self.tail_mean_secs
    }

    fn quantile(&self, u: f64) -> f64 {
        let last_p = *self.probs.last().unwrap_or(&0.0);
        let last_v = *self.values.last().unwrap_or(&0.0);
        if u >= last_p {
            if last_p >= 1.0 {
                return last_v;
            }
            // Exponential tail: the conditional excess is Exp(tail mean).
            let excess = -((1.0 - u) / (1.0 - last_p)).max(f64::MIN_POSITIVE).ln();
            return last_v + self.tail_mean_secs * excess;
        }
        let i = self.probs.partition_point(|&p| p <= u).max(1);
        let (p0, p1) = (self.probs[i - 1], self.probs[i]);
        let (v0, v1) = (self.values[i - 1], self.values[i]);
        if p1 > p0 {
            v0 + (v1 - v0) * (u - p0) / (p1 - p0)
        } else {
            v1
        }
    }
}

impl Dist {
    /// An exponential distribution.
    ///
    /// # Errors
    /// [`SimulateError::Parameter`] unless `0 < mean_secs < ∞`.
    pub fn exponential(mean_secs: f64) -> Result<Self, SimulateError> {
        positive("mean", mean_secs)?;
        Ok(Dist::Exponential { mean_secs })
    }

    /// A lognormal distribution with the given mean and coefficient of variation.
    ///
    /// # Errors
    /// [`SimulateError::Parameter`] unless both are positive and finite.
    pub fn lognormal(mean_secs: f64, cv: f64) -> Result<Self, SimulateError> {
        positive("mean", mean_secs)?;
        positive("coefficient of variation", cv)?;
        Ok(Dist::Lognormal { mean_secs, cv })
    }

    /// The mean, seconds.
    pub fn mean_secs(&self) -> f64 {
        match self {
            Dist::Exponential { mean_secs } | Dist::Lognormal { mean_secs, .. } => *mean_secs,
            Dist::Empirical(e) => e.mean,
        }
    }

    /// A draw, seconds.
    #[inline(always)]
    pub(crate) fn sample(&self, rng: &mut Rng) -> f64 {
        match self {
            Dist::Exponential { mean_secs } => mean_secs * rng.exp1(),
            Dist::Lognormal { mean_secs, cv } => {
                // ln X ~ N(μ, σ²) with σ² = ln(1 + cv²), μ = ln(mean) − σ²/2.
                let s2 = cv.mul_add(*cv, 1.0).ln();
                (mean_secs.ln() - 0.5 * s2 + s2.sqrt() * rng.normal()).exp()
            }
            Dist::Empirical(e) => e.quantile(rng.uniform_open0().min(1.0 - f64::EPSILON)),
        }
    }
}

/// A mean duration in (0, [`crate::limits::MAX_CALL_SECONDS`]] (a patience of 1e308 s is no
/// patience the simulator can schedule), or a coefficient of variation in (0, 1e3].
fn positive(what: &str, v: f64) -> Result<(), SimulateError> {
    let (max, unit) = if what == "mean" {
        (crate::limits::MAX_CALL_SECONDS, " seconds")
    } else {
        (1e3, "")
    };
    if v.is_finite() && v > 0.0 && v <= max {
        Ok(())
    } else {
        Err(SimulateError::Parameter(format!(
            "{what} must be in (0, {max}]{unit}, got {}",
            crate::units::Shown(v)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(d: &Dist, n: usize) -> (f64, f64) {
        let mut r = Rng::for_replication(1, 0);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut r)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v.sqrt() / m)
    }

    #[test]
    fn lognormal_has_its_mean_and_cv() {
        let (m, cv) = moments(&Dist::lognormal(180.0, 0.8).unwrap(), 400_000);
        assert!((m / 180.0 - 1.0).abs() < 0.01, "{m}");
        assert!((cv - 0.8).abs() < 0.02, "{cv}");
    }

    #[test]
    fn empirical_mean_matches_its_draws_including_the_tail() {
        let e = Empirical::new(&[(10.0, 0.2), (60.0, 0.5), (120.0, 0.7)], 200.0).unwrap();
        // Trapezoids: 0.2·5 + 0.3·35 + 0.2·90 = 29.5; tail 0.3·(120 + 200) = 96.
        let d = Dist::Empirical(e);
        assert!((d.mean_secs() - 125.5).abs() < 1e-9);
        let (m, _) = moments(&d, 400_000);
        assert!((m / 125.5 - 1.0).abs() < 0.01, "{m}");
        assert!(Empirical::new(&[(10.0, 0.5), (5.0, 0.6)], 1.0).is_err());
        // A CDF that reaches 1 needs no tail: without a tail mean (NaN, as the config reader
        // passes it) the mean is the trapezoids' 0.3·30 + 0.5·130 + 0.2·400 = 154 (it was NaN,
        // and with it every handle time of the queue).
        let full = Empirical::new(&[(60.0, 0.3), (200.0, 0.8), (600.0, 1.0)], f64::NAN).unwrap();
        assert!((Dist::Empirical(full).mean_secs() - 154.0).abs() < 1e-9);
        assert!(Dist::exponential(0.0).is_err());
    }
}
