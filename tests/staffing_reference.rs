//! Reference values for the staffing module from independent implementations.
//!
//! Provenance of every fixture: `tests/fixtures/README-staffing.md` (generating script, tool
//! versions). Erlang C grid: mpmath 1.3.0 at 40 digits with a naive scan from N = 1 and exact
//! rational occupancy/shrinkage; pyworkforce 0.5.1 `ErlangC.required_positions` as a second
//! implementation. Erlang A: birth–death chain in mpmath + tagged-customer absorbing chain in
//! scipy 1.17.1 (`expm`, linear solves).

use wfm::staffing::workforce::gross_agents;
use wfm::staffing::{erlang_a, required_agents, Model, Targets};
use wfm::units::{Erlangs, Fraction, Secs};

/// The accuracy the issue asks for: 1e-6 relative.
const REL_TOL: f64 = 1e-6;
const INTERVAL_SECS: f64 = 1800.0;

fn fixture(name: &str) -> Vec<csv::StringRecord> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/").to_string() + name;
    let mut rdr = csv::Reader::from_path(&path).expect("fixture is committed");
    rdr.records()
        .map(|r| r.expect("valid fixture row"))
        .collect()
}

fn close(got: f64, want: f64, what: &str, case: &str) {
    let rel = if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    };
    assert!(
        rel <= REL_TOL,
        "{case}: {what} = {got}, reference {want} (rel err {rel:.2e})"
    );
}

fn num(r: &csv::StringRecord, i: usize) -> f64 {
    r[i].parse().expect("numeric fixture field")
}

/// Columns: calls,aht_seconds,sl_target,sl_seconds,max_occupancy,shrinkage,load_erlangs,agents,
/// agents_gross,p_wait,service_level,asa_seconds,occupancy,pyworkforce_agents,pyworkforce_agents_gross
#[test]
fn erlang_c_grid_matches_mpmath_and_pyworkforce() {
    let rows = fixture("erlang_c_grid_reference.csv");
    assert_eq!(rows.len(), 480);
    let mut pyworkforce_gross_off = 0;
    for r in &rows {
        let (calls, aht, slt, sls, occ, shr) = (
            num(r, 0),
            num(r, 1),
            num(r, 2),
            num(r, 3),
            num(r, 4),
            num(r, 5),
        );
        let case = format!("calls={calls} aht={aht} sl={slt}/{sls}s occ≤{occ} shrinkage={shr}");
        let mut targets =
            Targets::new().with_service_level(Fraction::new(slt).unwrap(), Secs::new(sls).unwrap());
        if occ < 1.0 {
            targets = targets
                .with_max_occupancy(Fraction::new(occ).unwrap())
                .unwrap();
        }
        let load = Erlangs::new(calls * aht / INTERVAL_SECS).unwrap();
        close(load.value(), num(r, 6), "load", &case);
        let req = required_agents(Model::ErlangC, load, Secs::new(aht).unwrap(), &targets)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(u64::from(req.agents), num(r, 7) as u64, "{case}: agents");
        let gross = gross_agents(req.agents, Fraction::new(shr).unwrap()).unwrap();
        assert_eq!(u64::from(gross), num(r, 8) as u64, "{case}: agents_gross");
        close(req.metrics.p_wait, num(r, 9), "p_wait", &case);
        close(
            req.metrics.service_level,
            num(r, 10),
            "service_level",
            &case,
        );
        close(req.metrics.asa_secs, num(r, 11), "asa_seconds", &case);
        close(req.metrics.occupancy, num(r, 12), "occupancy", &case);
        // pyworkforce agrees on net agents everywhere on this grid; its gross count uses a
        // floating-point ceil and is one too high when N/(1−s) is an integer (README-staffing.md).
        assert_eq!(
            u64::from(req.agents),
            num(r, 13) as u64,
            "{case}: pyworkforce agents"
        );
        if u64::from(gross) != num(r, 14) as u64 {
            pyworkforce_gross_off += 1;
            assert_eq!(num(r, 14) as u64, u64::from(gross) + 1, "{case}");
        }
    }
    assert_eq!(
        pyworkforce_gross_off, 8,
        "documented pyworkforce shrinkage discrepancies"
    );
}

/// Columns: calls,aht_seconds,patience_seconds,agents,sl_seconds,p_wait,abandon_rate,service_level,asa_seconds
#[test]
fn erlang_a_matches_markov_chain_reference() {
    for r in fixture("erlang_a_reference.csv") {
        let (calls, aht, pat, n, t) = (num(&r, 0), num(&r, 1), num(&r, 2), num(&r, 3), num(&r, 4));
        let case = format!("calls={calls} aht={aht} patience={pat} agents={n} t={t}");
        let m = erlang_a::metrics(
            n as u32,
            Erlangs::new(calls * aht / INTERVAL_SECS).unwrap(),
            Secs::new(aht).unwrap(),
            Secs::new(pat).unwrap(),
            Secs::new(t).unwrap(),
        )
        .unwrap();
        close(m.p_wait, num(&r, 5), "p_wait", &case);
        close(m.abandon_rate.unwrap(), num(&r, 6), "abandon_rate", &case);
        close(m.service_level, num(&r, 7), "service_level", &case);
        close(m.asa_secs, num(&r, 8), "asa_seconds", &case);
    }
}
