//! Invariants of the Erlang formulas and of the staffing search, as property tests
//! (STYLE.md C10). Regressions found by proptest are kept in `proptest-regressions/`.

use proptest::prelude::*;
use wfm::staffing::erlang_b::{blocking, blocking_closed_form};
use wfm::staffing::workforce::gross_agents;
use wfm::staffing::{erlang_a, erlang_c, required_agents, Binding, Model, Targets};
use wfm::units::{Erlangs, Fraction, Secs};

fn e(a: f64) -> Erlangs {
    Erlangs::new(a).unwrap()
}
fn s(x: f64) -> Secs {
    Secs::new(x).unwrap()
}

/// Naive reference search: count agents up from 1 and take the first that meets every target —
/// what the fast search must equal (it starts at ⌊A⌋ + 1 for Erlang C and brackets + bisects for
/// Erlang A, so it must never skip a smaller feasible N).
fn naive_required(model: Model, a: f64, aht: f64, targets: &Targets) -> u32 {
    let start = match model {
        Model::ErlangC => 1,
        Model::ErlangA { .. } => 0,
    };
    (start..)
        .find(
            |&n| match model.metrics(n, e(a), s(aht), targets.threshold()) {
                Ok(m) => targets.first_unmet(&m).is_none(),
                Err(_) => false,
            },
        )
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// P(wait) is a probability, for Erlang C (N > A) and Erlang A (any N ≥ 0).
    #[test]
    fn p_wait_is_a_probability(a in 0.001f64..5_000.0, extra in 0u32..200, below in 0u32..50,
                               aht in 10.0f64..900.0, patience in 1.0f64..3_000.0) {
        let n = a.floor() as u32 + 1 + extra;
        let c = erlang_c::metrics(n, e(a), s(aht), s(20.0)).unwrap();
        prop_assert!((0.0..=1.0).contains(&c.p_wait), "C: {}", c.p_wait);
        prop_assert!((0.0..=1.0).contains(&c.service_level));
        let n_a = n.saturating_sub(below + extra);
        let m = erlang_a::metrics(n_a, e(a), s(aht), s(patience), s(20.0)).unwrap();
        prop_assert!((0.0..=1.0).contains(&m.p_wait), "A: {}", m.p_wait);
        let ab = m.abandon_rate.unwrap();
        prop_assert!((0.0..=1.0).contains(&ab));
        prop_assert!(m.asa_secs.is_finite() && m.asa_secs >= 0.0);
    }

    /// Adding an agent never lowers the service level (nor raises P(wait) or ASA).
    #[test]
    fn service_level_never_falls_when_an_agent_is_added(
        a in 0.01f64..2_000.0, aht in 10.0f64..900.0, t in 0.0f64..120.0,
        patience in 5.0f64..2_000.0, k in 0u32..40) {
        let n = a.floor() as u32 + 1 + k;
        let m0 = erlang_c::metrics(n, e(a), s(aht), s(t)).unwrap();
        let m1 = erlang_c::metrics(n + 1, e(a), s(aht), s(t)).unwrap();
        prop_assert!(m1.service_level >= m0.service_level - 1e-12);
        prop_assert!(m1.p_wait <= m0.p_wait + 1e-12);
        prop_assert!(m1.asa_secs <= m0.asa_secs * (1.0 + 1e-12) + 1e-12);
        let n_a = (a * 0.7).floor() as u32 + k;
        let a0 = erlang_a::metrics(n_a, e(a), s(aht), s(patience), s(t)).unwrap();
        let a1 = erlang_a::metrics(n_a + 1, e(a), s(aht), s(patience), s(t)).unwrap();
        prop_assert!(a1.service_level >= a0.service_level - 1e-9,
            "A: SL {} → {}", a0.service_level, a1.service_level);
        prop_assert!(a1.abandon_rate.unwrap() <= a0.abandon_rate.unwrap() + 1e-12);
    }

    /// Erlang A tends to Erlang C as patience → ∞: the gap in P(wait) shrinks as patience grows
    /// from 10⁴ to 10⁶ × AHT, and at 10⁶ × AHT the metrics agree to 1e-3 (the gap is
    /// O(queue length × mean wait ÷ patience) relative to the drift N − A, so it is largest when
    /// N is close to A: the 1e-3 check is made for N − A ≥ 2, the shrinking gap for all N > A).
    #[test]
    fn erlang_a_tends_to_erlang_c(a in 0.1f64..300.0, k in 1u32..30, aht in 30.0f64..600.0) {
        let n = a.floor() as u32 + k;
        let c = erlang_c::metrics(n, e(a), s(aht), s(20.0)).unwrap();
        let near = erlang_a::metrics(n, e(a), s(aht), s(aht * 1e4), s(20.0)).unwrap();
        let m = erlang_a::metrics(n, e(a), s(aht), s(aht * 1e6), s(20.0)).unwrap();
        prop_assert!((m.p_wait - c.p_wait).abs() <= (near.p_wait - c.p_wait).abs() + 1e-12);
        prop_assert!((m.asa_secs - c.asa_secs).abs() <= (near.asa_secs - c.asa_secs).abs() + 1e-9);
        if f64::from(n) - a < 2.0 {
            return Ok(());
        }
        prop_assert!((m.p_wait - c.p_wait).abs() <= 1e-3 * c.p_wait.max(1e-3),
            "P(wait) A {} vs C {}", m.p_wait, c.p_wait);
        prop_assert!((m.service_level - c.service_level).abs() <= 1e-3,
            "SL A {} vs C {}", m.service_level, c.service_level);
        prop_assert!((m.asa_secs - c.asa_secs).abs() <= 1e-3 * c.asa_secs.max(1e-3) + 1e-6,
            "ASA A {} vs C {}", m.asa_secs, c.asa_secs);
        prop_assert!(m.abandon_rate.unwrap() < 1e-4);
    }

    /// The (truncated) Erlang B recursion equals the closed form Σ-of-powers at small N.
    /// Below the smallest normal double the recursion's reciprocal `1/B` overflows and B is
    /// reported as 0 (as the `ErlangB` docs say; e.g. B(88, 0.01) = 5.3e-311, found by proptest).
    #[test]
    fn erlang_b_recursion_equals_closed_form(n in 0u32..120, a in 0.01f64..150.0) {
        let r = blocking(n, a);
        let c = blocking_closed_form(n, a);
        // Below the smallest normal double (e.g. B(88, 0.01) ≈ 1e-310) both forms lose all
        // relative precision; there they only have to agree that B is (sub)normally zero.
        if c < f64::MIN_POSITIVE {
            prop_assert!(r < f64::MIN_POSITIVE, "B({n}, {a}) = {r} vs {c}");
        } else {
            prop_assert!(((r - c) / c).abs() < 1e-12, "B({n}, {a}) = {r} vs {c}");
        }
    }

    /// The fast search returns exactly the naive scan's answer (never a larger N: no smaller
    /// feasible N is skipped), for random SL / ASA / occupancy targets.
    #[test]
    fn search_equals_naive_scan_erlang_c(a in 0.05f64..120.0, aht in 20.0f64..600.0,
                                         sl in 0.0f64..0.97, t in 0.0f64..120.0,
                                         asa in prop::option::of(1.0f64..2_000.0),
                                         occ in prop::option::of(0.5f64..1.0)) {
        let mut targets = Targets::new()
            .with_service_level(Fraction::new(sl).unwrap(), s(t));
        if let Some(x) = asa { targets = targets.with_max_asa(s(x)); }
        if let Some(o) = occ { targets = targets.with_max_occupancy(Fraction::new(o).unwrap()).unwrap(); }
        let fast = required_agents(Model::ErlangC, e(a), s(aht), &targets).unwrap();
        prop_assert_eq!(fast.agents, naive_required(Model::ErlangC, a, aht, &targets));
        // The binding target is the one N − 1 misses first (SL, ASA, abandon, occupancy).
        let expected = if fast.agents == a.floor() as u32 + 1 {
            Binding::Stability
        } else {
            let m = erlang_c::metrics(fast.agents - 1, e(a), s(aht), s(t)).unwrap();
            targets.first_unmet(&m).unwrap()
        };
        prop_assert_eq!(fast.binding, expected);
    }

    /// Same for Erlang A, including answers below the offered load.
    #[test]
    fn search_equals_naive_scan_erlang_a(a in 0.05f64..80.0, aht in 20.0f64..600.0,
                                         patience in 5.0f64..1_000.0,
                                         sl in 0.0f64..0.95, t in 0.0f64..60.0,
                                         ab in prop::option::of(0.01f64..0.3)) {
        let mut targets = Targets::new()
            .with_service_level(Fraction::new(sl).unwrap(), s(t));
        if let Some(x) = ab { targets = targets.with_max_abandon(Fraction::new(x).unwrap()); }
        let model = Model::ErlangA { patience: s(patience) };
        let fast = required_agents(model, e(a), s(aht), &targets).unwrap();
        prop_assert_eq!(fast.agents, naive_required(model, a, aht, &targets));
    }

    /// Gross agents are the exact rational ceiling: the smallest G with G·(1 − s) ≥ N, for
    /// shrinkage given in whole percent (checked in integers: 100·G − p·G ≥ 100·N).
    #[test]
    fn gross_is_exact(net in 0u32..5_000, pct in 0u32..95) {
        let g = gross_agents(net, Fraction::new(f64::from(pct) / 100.0).unwrap()).unwrap();
        let keep = u64::from(100 - pct);
        let n100 = 100 * u64::from(net);
        prop_assert!(u64::from(g) * keep >= n100);
        prop_assert!(g == 0 || u64::from(g - 1) * keep < n100);
    }
}

/// The example: a long answer-time target needs ⌊A⌋ + 1 agents although
/// `round(A + 1)` (where pyworkforce starts) is one more. A = 10.6 Erl, AHT 360 s, ASA ≤ 900 s:
/// 11 agents give ASA 778.5 s (C(11, 10.6) = 0.8650, mpmath check in the CLI test).
#[test]
fn long_answer_time_target_needs_floor_plus_one() {
    let targets = Targets::new().with_max_asa(s(900.0));
    let r = required_agents(Model::ErlangC, e(10.6), s(360.0), &targets).unwrap();
    assert_eq!(r.agents, 11);
    assert_eq!(naive_required(Model::ErlangC, 10.6, 360.0, &targets), 11);
    assert!((10.6f64 + 1.0).round() as u32 > r.agents);
}
