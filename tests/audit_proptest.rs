//! Invariants of the audit formulas and the scorecard (STYLE.md C10).

use proptest::prelude::*;
use wfm::audit::formulas::{error_measures, service_level, SlConvention};
use wfm::audit::scorecard::{score, Direction, Indicator, IndicatorUnit, Rounding};

const TOL: f64 = 1e-9;

proptest! {
    /// Abandons ignored ≥ short abandons excluded ≥ abandons counted, when offered = answered +
    /// abandoned and the short abandons are some of the abandons.
    #[test]
    fn sl_conventions_are_ordered(answered in 1u32..500, abandoned in 0u32..200, within_frac in 0.0f64..=1.0, short_frac in 0.0f64..=1.0) {
        let (n, b) = (f64::from(answered), f64::from(abandoned));
        let aw = (n * within_frac).floor();
        let abw = (b * short_frac).floor();
        let offered = n + b;
        let so = service_level(SlConvention::Offered, aw, offered, n, None).unwrap();
        let sa = service_level(SlConvention::Answered, aw, offered, n, None).unwrap();
        let se = service_level(SlConvention::ExcludeShortAbandons, aw, offered, n, Some(abw)).unwrap();
        prop_assert!(so <= se + TOL && se <= sa + TOL, "{so} {se} {sa}");
        prop_assert!((0.0..=1.0).contains(&so) && sa <= 1.0 + TOL);
    }

    /// accuracy = 1 − WAPE; |bias| ≤ WAPE; ratio · (1 + bias) = 1.
    #[test]
    fn error_measures_are_consistent(pairs in prop::collection::vec((0.0f64..100.0, 0.0f64..100.0), 1..50)) {
        let m = error_measures(pairs.iter().map(|&(a, f)| (1.0, a, f)));
        if let (Some(w), Some(acc), Some(bias)) = (m.wape, m.accuracy, m.bias) {
            prop_assert!((acc - (1.0 - w)).abs() < TOL);
            prop_assert!(bias.abs() <= w + TOL);
            if let Some(r) = m.ratio {
                prop_assert!((r * (1.0 + bias) - 1.0).abs() < 1e-6);
            }
        }
        if let Some(mape) = m.mape {
            prop_assert!(mape >= 0.0);
        }
    }

    /// Scores stay in [0, weight], fall as the value moves away from the threshold, and the
    /// rounding rules are ordered: ceil ≤ half-up, proportional ≤ floor.
    #[test]
    fn scores_are_bounded_monotone_and_ordered(value in 0.0f64..200.0, delta in 0.0f64..50.0, step in 0.1f64..20.0, pps in 0.0f64..5.0, weight in 1.0f64..30.0, higher in any::<bool>()) {
        let ind = Indicator {
            key: "k".into(), name: "k".into(), source: "k".into(), unit: IndicatorUnit::Number,
            direction: if higher { Direction::HigherIsBetter } else { Direction::LowerIsBetter },
            threshold: 100.0, step, points_per_step: pps, weight, rounding: None,
        };
        let worse = if higher { value - delta } else { value + delta };
        for r in [Rounding::Ceil, Rounding::Floor, Rounding::HalfUp, Rounding::Proportional] {
            let s = score(&ind, value, r);
            prop_assert!((0.0..=weight).contains(&s));
            prop_assert!(score(&ind, worse, r) <= s + TOL, "rule {}", r.name());
        }
        let c = score(&ind, value, Rounding::Ceil);
        let h = score(&ind, value, Rounding::HalfUp);
        let p = score(&ind, value, Rounding::Proportional);
        let f = score(&ind, value, Rounding::Floor);
        prop_assert!(c <= h + TOL && h <= f + TOL && c <= p + TOL && p <= f + TOL);
    }
}
