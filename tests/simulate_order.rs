//! The same rows in another order give the same simulation (issue #16: before, the order in
//! which queues first appeared seeded their random streams and ordered the output).

#[path = "common/cli.rs"]
mod cli;

use cli::{scratch, wfm};

fn write(name: &str, text: &str) -> String {
    let p = scratch("simulate-order").join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn row_order_does_not_change_the_simulation() {
    let mut rows = Vec::new();
    for (q, offered, aht, agents) in [("PS", 40, 200, 6), ("NE", 15, 300, 3)] {
        for m in [0, 30] {
            rows.push(format!(
                "1999-01-04T09:{m:02}:00,{q},{offered},{aht},{agents}"
            ));
        }
    }
    let header = "interval_start,queue,offered,aht_seconds,agents\n";
    let forward = write("forward.csv", &format!("{header}{}\n", rows.join("\n")));
    rows.reverse();
    let backward = write("backward.csv", &format!("{header}{}\n", rows.join("\n")));
    let run = |f: &str| {
        let r = wfm(&[
            "simulate",
            "--demand",
            f,
            "--staffing",
            f,
            "--reps",
            "20",
            "--seed",
            "7",
            "--format",
            "csv",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let (a, b) = (run(&forward), run(&backward));
    assert!(a.lines().count() > 4, "{a}");
    assert_eq!(a, b);
}

#[test]
fn actuals_with_an_empty_or_0_aht_take_the_queues_mean_like_staff() {
    // `wfm ingest` output: an interval whose every call was abandoned has no AHT, one whose
    // answered calls logged 0 s has AHT 0 (78 such rows in the bank's Jan–Feb). Both were
    // refused ("an AHT > 0 seconds where calls are offered"); now the queue's answered-weighted
    // mean AHT, said on stderr — the same numbers as writing that mean in.
    let header = "interval_start,queue,offered,answered,aht_seconds,agents\n";
    let rows = |gap: &str, zero: &str| {
        format!(
            "{header}1999-01-04T09:00:00,PS,40,36,200,6\n1999-01-04T09:30:00,PS,40,24,300,6\n\
             1999-01-04T10:00:00,PS,3,0,{gap},6\n1999-01-04T10:30:00,PS,2,1,{zero},6\n"
        )
    };
    let given = write("aht_gaps.csv", &rows("", "0.000"));
    // (36 × 200 + 24 × 300) ÷ 60 = 240 s.
    let filled = write("aht_filled.csv", &rows("240", "240"));
    let run = |f: &str| {
        wfm(&[
            "simulate",
            "--demand",
            f,
            "--staffing",
            f,
            "--reps",
            "10",
            "--format",
            "csv",
        ])
    };
    let (a, b) = (run(&given), run(&filled));
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(
        a.stderr
            .contains("2 interval(s) had calls but an empty or 0 handle time"),
        "{}",
        a.stderr
    );
    assert_eq!(a.stdout, b.stdout);
    // A forecast with calls still needs its handle time.
    let fc = write(
        "aht_forecast_gap.csv",
        "interval_start,queue,forecast,aht_forecast,agents\n1999-01-04T09:00:00,PS,40,200,6\n\
         1999-01-04T09:30:00,PS,40,,6\n",
    );
    let r = run(&fc);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("aht_forecast_gap.csv:3"), "{}", r.stderr);
}
