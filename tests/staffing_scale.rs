//! Very large and very small loads: finite, correct answers at 50,000 Erlangs (checked against
//! the Halfin–Whitt normal approximation) and at 10⁻⁹ Erlangs.
//!
//! Halfin, S. and Whitt, W. (1981), "Heavy-traffic limits for queues with many exponential
//! servers", *Operations Research* 29(3), 567–588: with `N = A + β√A`,
//! `P(wait) → [1 + β·Φ(β)/φ(β)]⁻¹` as `A → ∞`, with error `O(1/√A)` (≈ 0.5 % at 50,000 Erl).
//! Garnett, Mandelbaum and Reiman (2002) give
//! the corresponding limit for Erlang A; here Erlang A is checked for finiteness, monotonicity,
//! the fluid limit in overload and ordering against Erlang C (its exact values are checked in
//! `staffing_reference.rs` and `staffing_cli.rs`).

// The mpmath values are quoted with all 17 digits as printed, so they can be checked by eye.
#![allow(clippy::excessive_precision)]

use statrs::distribution::{Continuous, ContinuousCDF, Normal};
use wfm::staffing::{erlang_a, erlang_c, required_agents, Binding, Model, Targets};
use wfm::units::{Erlangs, Fraction, Secs};

/// The Halfin–Whitt approximation is accurate to O(1/√A); 2 % relative is ~4× that at 50,000 Erl.
const HALFIN_WHITT_RTOL: f64 = 0.02;

fn halfin_whitt_p_wait(beta: f64) -> f64 {
    let z = Normal::new(0.0, 1.0).unwrap();
    1.0 / (1.0 + beta * z.cdf(beta) / z.pdf(beta))
}

#[test]
fn fifty_thousand_erlangs_erlang_c() {
    let a = 50_000.0;
    let aht = Secs::new(180.0).unwrap();
    let targets =
        Targets::new().with_service_level(Fraction::new(0.8).unwrap(), Secs::new(20.0).unwrap());
    let r = required_agents(Model::ErlangC, Erlangs::new(a).unwrap(), aht, &targets).unwrap();
    let m = r.metrics;
    for v in [m.p_wait, m.service_level, m.asa_secs, m.occupancy] {
        assert!(v.is_finite());
    }
    assert_eq!(r.binding, Binding::ServiceLevel);
    let n = f64::from(r.agents);
    // Square-root staffing: the answer sits within a few √A of the load.
    assert!(n > a && n < a + 3.0 * a.sqrt(), "N = {n}");
    let beta = (n - a) / a.sqrt();
    let hw = halfin_whitt_p_wait(beta);
    assert!(
        ((m.p_wait - hw) / hw).abs() < HALFIN_WHITT_RTOL,
        "P(wait) {} vs Halfin–Whitt {hw} (β = {beta})",
        m.p_wait
    );
    // One agent fewer misses the target; SL is consistent with its closed form.
    let below = erlang_c::metrics(
        r.agents - 1,
        Erlangs::new(a).unwrap(),
        aht,
        Secs::new(20.0).unwrap(),
    )
    .unwrap();
    assert!(below.service_level < 0.8);
    let sl = 1.0 - m.p_wait * (-(n - a) * 20.0 / 180.0).exp();
    assert!((sl - m.service_level).abs() < 1e-12);
    // Exact values at other staffing levels: Erlang B by its recursion from N = 0 in 40-digit
    // mpmath 1.3.0 (script in tests/fixtures/README-staffing.md, "50,000 Erlangs"), and the
    // Halfin–Whitt approximation where it is accurate (β ≤ 1.5; its relative error grows in
    // the tail: 2 % at β = 2.7, 7 % at β = 4.5).
    let exact = [
        (
            50_050u32,
            0.747_566_739_335_721_73,
            0.997_109_966_686_802_02,
            2.691_240_261_608_598_2,
        ),
        (
            50_100,
            0.545_937_583_039_746_38,
            0.999_991_840_778_008_07,
            0.982_687_649_471_543_49,
        ),
        (
            50_300,
            0.117_804_152_139_910_73,
            0.999_999_999_999_999_61,
            0.070_682_491_283_946_436,
        ),
        (
            50_600,
            0.004_143_860_314_603_119_1,
            1.0,
            0.001_243_158_094_380_935_7,
        ),
        (
            51_000,
            4.369_345_692_372_080_5e-6,
            1.0,
            7.864_822_246_269_744_9e-7,
        ),
    ];
    for (n, c, sl, asa) in exact {
        let m =
            erlang_c::metrics(n, Erlangs::new(a).unwrap(), aht, Secs::new(20.0).unwrap()).unwrap();
        for (what, got, want) in [
            ("p_wait", m.p_wait, c),
            ("SL", m.service_level, sl),
            ("ASA", m.asa_secs, asa),
        ] {
            assert!(
                ((got - want) / want).abs() < 1e-9,
                "N = {n}: {what} {got} vs mpmath {want}"
            );
        }
        let beta = f64::from(n - 50_000) / a.sqrt();
        if beta <= 1.5 {
            let hw = halfin_whitt_p_wait(beta);
            assert!(
                ((m.p_wait - hw) / hw).abs() < HALFIN_WHITT_RTOL,
                "N = {n}: {} vs {hw}",
                m.p_wait
            );
        }
    }
}

#[test]
fn fifty_thousand_erlangs_erlang_a() {
    let a = Erlangs::new(50_000.0).unwrap();
    let aht = Secs::new(180.0).unwrap();
    let t = Secs::new(20.0).unwrap();
    let pat = Secs::new(300.0).unwrap();
    let mut last_sl = -1.0;
    for n in [40_000u32, 49_000, 50_000, 50_100, 51_000] {
        let m = erlang_a::metrics(n, a, aht, pat, t).unwrap();
        let ab = m.abandon_rate.unwrap();
        for v in [m.p_wait, m.service_level, m.asa_secs, m.occupancy, ab] {
            assert!(v.is_finite() && v >= 0.0, "N = {n}: {m:?}");
        }
        assert!(m.service_level >= last_sl);
        last_sl = m.service_level;
        if n == 40_000 {
            // Heavy overload: the fluid model says the agents carry N of the A Erlangs, so
            // abandonment ≈ 1 − N/A = 0.2.
            assert!((ab - 0.2).abs() < 0.01, "abandon {ab}");
        }
        if n > 50_000 {
            let c = erlang_c::metrics(n, a, aht, t).unwrap();
            // Abandonment shortens the queue: fewer wait, and those answered wait less. (SL
            // may be lower than Erlang C's: abandoned calls count against it.)
            assert!(m.p_wait <= c.p_wait && m.asa_secs <= c.asa_secs);
        }
    }
    let targets = Targets::new().with_service_level(Fraction::new(0.8).unwrap(), t);
    let r = required_agents(Model::ErlangA { patience: pat }, a, aht, &targets).unwrap();
    let c = required_agents(Model::ErlangC, a, aht, &targets).unwrap();
    assert!(r.agents <= c.agents && r.metrics.service_level >= 0.8);
}

#[test]
fn tiny_and_zero_loads() {
    let aht = Secs::new(180.0).unwrap();
    let targets =
        Targets::new().with_service_level(Fraction::new(0.8).unwrap(), Secs::new(20.0).unwrap());
    let r = required_agents(Model::ErlangC, Erlangs::new(1e-9).unwrap(), aht, &targets).unwrap();
    assert_eq!(r.agents, 1);
    assert!(r.metrics.p_wait <= 1e-9 && r.metrics.p_wait >= 0.0);
    let r = required_agents(Model::ErlangC, Erlangs::new(0.0).unwrap(), aht, &targets).unwrap();
    assert_eq!((r.agents, r.binding), (0, Binding::None));
    let model = Model::ErlangA {
        patience: Secs::new(60.0).unwrap(),
    };
    let r = required_agents(model, Erlangs::new(0.0).unwrap(), aht, &targets).unwrap();
    assert_eq!(r.agents, 0);
}
