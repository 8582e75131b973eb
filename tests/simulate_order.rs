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
