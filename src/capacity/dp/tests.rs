//! The DP against every plan of small instances, costed by [`evaluate()`]: ramps longer than
//! the gap between class starts (ramp states), hard coverage, classes that join after the
//! horizon, per-week attrition.

use super::solve;
use crate::capacity::{
    evaluate, Attrition, Budget, CapacityInput, CapacitySpec, Costs, Hiring, Training, Weekly,
};

fn spec(ramp: Vec<f64>, starts: Vec<usize>, under: Option<f64>) -> CapacitySpec {
    CapacitySpec {
        start: chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
        required_fte: vec![
            20.0, 20.5, 21.0, 22.0, 23.5, 24.0, 26.0, 27.5, 28.0, 29.0, 28.0, 27.0, 27.5, 29.0,
        ],
        initial_productive: 28.0,
        attrition: Attrition::PerWeek((0..14).map(|t| 0.004 + 0.001 * (t % 3) as f64).collect()),
        shrinkage: Weekly::Constant(0.3),
        max_headcount: None,
        training: Training {
            weeks: 2,
            attrition: 0.05,
            ramp,
        },
        hiring: Hiring {
            class_starts: starts,
            min_class: 2,
            max_class: 5,
        },
        costs: Costs {
            hire: 3000.0,
            class: 10_000.0,
            wage: 800.0,
            overtime: 1200.0,
            max_overtime: 0.10,
            under,
        },
        budget: Budget::default(),
    }
}

/// The least cost over every plan (`None` when none covers the hard limits).
fn enumerate(input: &CapacityInput) -> Option<f64> {
    let starts = &input.hiring.class_starts;
    let choices: Vec<u32> = std::iter::once(0).chain(2..=5).collect();
    let mut best: Option<f64> = None;
    for mut code in 0..choices.len().pow(starts.len() as u32) {
        let mut hires = vec![0; input.weeks()];
        for &s in starts {
            hires[s] = choices[code % choices.len()];
            code /= choices.len();
        }
        let rows = evaluate(input, &hires);
        if input.costs.under.is_none() && rows.iter().any(|r| r.under > 1e-6) {
            continue;
        }
        let c: f64 = rows.iter().map(|r| r.cost).sum();
        best = Some(best.map_or(c, |b: f64| b.min(c)));
    }
    best
}

#[test]
fn dp_equals_enumeration() {
    let cases = [
        (
            "ramp within the gap",
            spec(vec![0.5, 0.8], vec![0, 3, 6, 9], Some(5000.0)),
        ),
        (
            "ramp over two classes",
            spec(
                vec![0.3, 0.5, 0.7, 0.9, 0.95],
                vec![0, 2, 4, 6, 8],
                Some(5000.0),
            ),
        ),
        (
            "hard coverage, weekly starts",
            spec(vec![0.5, 0.8, 0.9], vec![0, 1, 2, 3, 5, 8], None),
        ),
        (
            "under cheaper than overtime",
            spec(vec![0.6], vec![1, 4, 7, 10, 12], Some(900.0)),
        ),
    ];
    for (name, s) in cases {
        let input = CapacityInput::new(s).unwrap();
        let best = enumerate(&input);
        let dp = solve(&input);
        match (best, dp) {
            (Some(b), Some(p)) => {
                let rows = evaluate(&input, &p.hires);
                let c: f64 = rows.iter().map(|r| r.cost).sum();
                assert!(
                    (c - b).abs() <= 1e-9 * b,
                    "{name}: DP {c} vs enumeration {b}"
                );
                assert!((p.cost - c).abs() <= 1e-9 * b, "{name}: {} vs {c}", p.cost);
                assert!(
                    // The bound and the recomputed cost are sums in different orders: allow rounding.
                    p.bound <= c * (1.0 + 1e-12) && p.bound >= c * (1.0 - 1e-9),
                    "{name}: bound {} vs cost {c}",
                    p.bound
                );
            }
            (None, None) => {}
            (b, p) => panic!("{name}: enumeration {b:?}, DP {p:?}"),
        }
    }
}
