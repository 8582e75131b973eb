//! Estimators shared by several stages, written once.

/// Weighted absolute percentage error of `(weight, actual, forecast)` triples:
/// `Σ w·|a − f| ÷ Σ w·a`; `None` when `Σ w·a` is not positive.
///
/// # References
/// Kolassa, S. and Schütz, W. (2007), "Advantages of the MAD/mean ratio over the MAPE",
/// *Foresight* 6 (WAPE = MAD/mean).
pub fn wape(triples: impl IntoIterator<Item = (f64, f64, f64)>) -> Option<f64> {
    let (num, den) = triples.into_iter().fold((0.0, 0.0), |(n, d), (w, a, f)| {
        (n + w * (a - f).abs(), d + w * a)
    });
    (den > 0.0).then(|| num / den)
}

/// Maximum-likelihood mean patience of exponentially patient callers from queue data:
/// `θ̂ = (Σ wait of answered + Σ wait of abandoned) ÷ abandoned` — answered calls are
/// right-censored observations of patience; `None` without an abandon. (θ̂ = 0 when every
/// wait was 0: a valid estimate for one interval, unusable as an Erlang A patience.)
///
/// # References
/// Brown, Gans, Mandelbaum et al. (2005), "Statistical analysis of a telephone call center",
/// JASA 100(469), §6; Mandelbaum & Zeltyn (2013), "Data-stories about (im)patient customers".
pub fn patience_mle_secs(
    abandoned: f64,
    sum_wait_abandoned_secs: f64,
    sum_wait_answered_secs: f64,
) -> Option<f64> {
    let total = sum_wait_abandoned_secs + sum_wait_answered_secs;
    (abandoned > 0.0).then(|| total / abandoned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wape_and_patience_by_hand() {
        // (2 + 2 + 6) / 40, the audit's documented example.
        let w = wape([(1.0, 10.0, 12.0), (1.0, 0.0, 2.0), (1.0, 30.0, 24.0)]);
        assert_eq!(w, Some(0.25));
        assert_eq!(wape([(1.0, 0.0, 3.0)]), None);
        // 3 abandons, waits 30 s (abandoned) + 60 s (answered, censored): 90 / 3.
        assert_eq!(patience_mle_secs(3.0, 30.0, 60.0), Some(30.0));
        assert_eq!(patience_mle_secs(0.0, 30.0, 60.0), None);
        assert_eq!(patience_mle_secs(2.0, 0.0, 0.0), Some(0.0));
    }
}
