//! `wfm staff` on real data: two days of the Anonymous Bank interval history (provenance in
//! `tests/fixtures/staffing/README.md`), read through the `_ext` columns (AHT from
//! `sum_service_s ÷ answered`, patience from the abandon sums). Expected values computed with the
//! Python script in that README.

use std::path::Path;

use wfm::staffing::config::{ModelKind, Settings, StaffConfig};
use wfm::staffing::plan::{self, StaffInput};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/staffing/anonbank_1999-01-04_05_ext.csv"
);

/// (queue, patience MLE, mean AHT, intervals with calls but no answered call)
const EXPECTED: [(&str, f64, f64, usize); 6] = [
    ("IN", 347.75, 262.6666666666667, 3),
    ("NE", 593.7368421052631, 322.6306818181818, 1),
    ("NW", 240.8875, 98.46943231441048, 2),
    ("PE", 585.5, 336.11764705882354, 2),
    ("PS", 449.43783783783783, 175.4953560371517, 0),
    ("TT", 363.42857142857144, 8.68867924528302, 4),
];

#[test]
fn patience_and_aht_from_the_history_columns() {
    let input = StaffInput::read(Path::new(FIXTURE)).unwrap();
    assert_eq!(input.len(), 576);
    assert_eq!(input.inferred_interval().unwrap().minutes(), 30);
    let est = input.patience_estimates();
    for (q, patience, _, _) in EXPECTED {
        let got = est[q].mean_secs.unwrap();
        assert!(
            (got - patience).abs() < 1e-9 * patience,
            "{q}: {got} vs {patience}"
        );
    }
    assert_eq!(
        input.aht_filled(),
        EXPECTED.iter().map(|e| e.3).sum::<usize>()
    );
}

#[test]
fn erlang_a_staffing_of_two_real_days() {
    let input = StaffInput::read(Path::new(FIXTURE)).unwrap();
    let cfg = StaffConfig::new().with_overrides(Settings {
        model: Some(ModelKind::ErlangA),
        ..Settings::default()
    });
    let a = plan::staff(&input, &cfg).unwrap();
    let c = plan::staff(&input, &StaffConfig::new()).unwrap();
    assert_eq!(a.rows.len(), 576);
    for (ra, rc) in a.rows.iter().zip(&c.rows) {
        // Rows without answered calls got the queue's mean AHT.
        if ra.offered > 0.0 && ra.aht_secs.is_none() {
            panic!("{ra:?}");
        }
        assert!(
            ra.agents <= rc.agents,
            "Erlang A never needs more: {ra:?} vs {rc:?}"
        );
        if ra.offered == 0.0 {
            assert_eq!(ra.agents, 0);
        } else {
            assert!(ra.service_level.unwrap() >= 0.8 - 1e-9);
            assert!(ra.abandon_rate.unwrap() >= 0.0);
        }
    }
    for (q, _, aht, n_filled) in EXPECTED {
        if n_filled == 0 {
            continue;
        }
        // Find a filled row: offered > 0 with answered = 0 in the file → AHT = the queue mean.
        let filled = a
            .rows
            .iter()
            .filter(|r| r.queue == q && r.offered > 0.0)
            .filter(|r| (r.aht_secs.unwrap() - aht).abs() < 1e-9 * aht)
            .count();
        assert!(filled >= n_filled, "{q}: {filled} rows with the mean AHT");
    }
    // Two days, six queues: per-day and horizon totals, FTE over 2 days of 40 h / 7 per day.
    let h = a.horizon();
    assert_eq!(h.queue, "ALL");
    assert!((h.fte - h.agent_hours_gross / (40.0 * 2.0 / 7.0)).abs() < 1e-9);
}
