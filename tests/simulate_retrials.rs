//! Retrials of abandoned callers (`wfm::simulate::simulate_with_retrials`):
//! - with probability 0 the simulation is the one without retrials, draw for draw;
//! - flow conservation: retrials are the chosen share of abandons (each abandon calls again with
//!   probability p: retrials ÷ abandons → p, a binomial proportion, within 4 standard errors;
//!   the few abandons of the last minutes whose retrial would fall after the horizon are
//!   negligible at a 60 s delay over 24 h);
//! - callers who come back add load: the service level drops and the offered calls rise.

use chrono::NaiveDate;
use wfm::model::{Agents, Demand, Panel, QueueId, Silent, TimeGrid};
use wfm::simulate::{
    simulate, simulate_with_retrials, Arrivals, Dist, Retrial, Routing, SimModel, SimOptions,
    SimResult,
};
use wfm::units::IntervalLength;

fn run(retrial: Option<Retrial>, plain: bool) -> SimResult {
    let q = QueueId::new("Q").unwrap();
    let grid = TimeGrid::new(
        NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
        wfm::model::Grain::Interval(IntervalLength::from_minutes(30).unwrap()),
        48,
    )
    .unwrap();
    // 11 Erlangs offered to 10 agents: overloaded, many abandons.
    let demand = Panel::filled(
        vec![q.clone()],
        grid,
        Demand {
            offered: 110.0,
            aht_secs: Some(180.0),
        },
    );
    let agents = Panel::filled(vec![q.clone()], grid, Agents(10));
    let routing = Routing::dedicated(vec![q]);
    let model = SimModel {
        demand: &demand,
        agents: &agents,
        routing: &routing,
        service: vec![Dist::exponential(180.0).unwrap()],
        patience: vec![Some(Dist::exponential(120.0).unwrap())],
        arrivals: Arrivals::Poisson,
    };
    let opts = SimOptions {
        reps: 8,
        seed: 5,
        threshold_secs: 20.0,
        threads: None,
    };
    if plain {
        simulate(&model, &opts, &Silent).unwrap()
    } else {
        simulate_with_retrials(&model, &opts, &[retrial], &Silent).unwrap()
    }
}

fn totals(r: &SimResult) -> wfm::simulate::Tally {
    let mut t = wfm::simulate::Tally::default();
    for rep in r.replications() {
        for c in &rep.cells {
            t.add(c);
        }
    }
    t
}

#[test]
fn probability_zero_is_the_plain_simulation() {
    let a = run(Some(Retrial::new(0.0, 60.0).unwrap()), false);
    let b = run(None, true);
    // The deadline events of a queue with retrials do not change any outcome; the retrial
    // draws (one uniform per abandon) shift the random stream, so compare totals statistically
    // only for p > 0; with no retrial setting at all the run is the plain one exactly.
    assert_eq!(
        run(None, false).replications(),
        b.replications(),
        "no retrial setting must be the plain simulation"
    );
    let (ta, tb) = (totals(&a), totals(&b));
    assert_eq!(ta.retrials, 0);
    let z = (f64::from(ta.abandoned) - f64::from(tb.abandoned))
        / (f64::from(ta.abandoned) + f64::from(tb.abandoned)).sqrt();
    assert!(z.abs() < 4.0, "{ta:?} {tb:?}");
}

#[test]
fn retrials_are_the_chosen_share_of_abandons_and_add_load() {
    let p = 0.6;
    let with = totals(&run(Some(Retrial::new(p, 60.0).unwrap()), false));
    let without = totals(&run(None, true));
    let a = f64::from(with.abandoned);
    let share = f64::from(with.retrials) / a;
    let se = (p * (1.0 - p) / a).sqrt();
    assert!((share - p).abs() < 4.0 * se, "{share} vs {p} ± {se}");
    assert!(
        with.offered > without.offered + with.retrials / 2,
        "{with:?} {without:?}"
    );
    let sl = |t: &wfm::simulate::Tally| f64::from(t.answered_within) / f64::from(t.offered);
    assert!(
        sl(&with) < sl(&without),
        "{} vs {}",
        sl(&with),
        sl(&without)
    );
    assert!(Retrial::new(1.5, 60.0).is_err() && Retrial::new(0.5, 0.0).is_err());
}
