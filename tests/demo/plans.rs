//! Issue #14's "Must show" on the demo's own outputs (called from `tests/demo.rs`, which has
//! just run `wfm demo`): `wfm evaluate` on the demo schedule (SL per queue per day, every
//! queue × day below target flagged) and the scoped scenario PS / Mondays / +20 % against it.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

type Row = HashMap<String, String>;

fn csv_rows(text: &str) -> Vec<Row> {
    let mut lines = text.lines();
    let Some(head) = lines.next() else {
        return Vec::new();
    };
    let head: Vec<&str> = head.split(',').collect();
    lines
        .map(|l| {
            head.iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// Runs `wfm` in the demo directory: (exit code, stdout rows, stderr).
fn wfm(out: &Path, args: &[&str]) -> (i32, Vec<Row>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .current_dir(out)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        csv_rows(&String::from_utf8_lossy(&o.stdout)),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn num(r: &Row, k: &str) -> Option<f64> {
    let v = &r[k];
    (!v.is_empty()).then(|| v.parse().unwrap())
}

const QUEUES: [&str; 6] = ["IN", "NE", "NW", "PE", "PS", "TT"];
const WEEK: [&str; 7] = [
    "1999-02-07",
    "1999-02-08",
    "1999-02-09",
    "1999-02-10",
    "1999-02-11",
    "1999-02-12",
    "1999-02-13",
];

/// `wfm evaluate --by day` on the demo schedule: one row per queue × day of the planned week
/// with its SL against the queue's own target. Against the forecast it was planned for every
/// queue × day meets its targets; against what February actually brought (the demo's
/// actuals) the days below target are flagged (`met = false`, a `miss:` line each, exit 3),
/// and a day is flagged whenever its SL is below the queue's SL target.
pub(crate) fn check_evaluate(out: &Path) {
    let eval = |demand: &str| {
        wfm(
            out,
            &[
                "evaluate",
                "--demand",
                demand,
                "--schedule",
                "05_schedule",
                "--config",
                "models/staffing.toml",
                "--history",
                "01_ingest_jan01-14.csv",
                "--by",
                "day",
                "--format",
                "csv",
            ],
        )
    };
    let (code, rows, err) = eval("02_forecast_feb.csv");
    assert_eq!(code, 0, "{err}");
    let keys: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r["queue"].clone(), r["date"].clone()))
        .collect();
    assert_eq!(keys.len(), rows.len(), "one row per queue × day");
    let want: BTreeSet<(String, String)> = QUEUES
        .iter()
        .flat_map(|q| WEEK.iter().map(move |d| (q.to_string(), d.to_string())))
        .collect();
    assert_eq!(keys, want, "one row per queue × day of the planned week");
    for r in &rows {
        assert_eq!(r["met"], "true", "{r:?}");
        // No SL on a day without calls (PE's Saturday).
        let Some(sl) = num(r, "service_level") else {
            assert_eq!(num(r, "offered"), Some(0.0), "{r:?}");
            continue;
        };
        assert!((0.0..=1.0).contains(&sl), "{r:?}");
        if let Some(t) = num(r, "target") {
            assert!(sl + 1e-9 >= t, "{r:?}");
        }
    }
    let (code, rows, err) = eval("data/audit/actuals_1999-01_02.csv");
    assert_eq!(code, 3, "a queue × day below target exits 3: {err}");
    assert_eq!(rows.len(), QUEUES.len() * WEEK.len(), "{err}");
    let mut below_sl = 0;
    for r in &rows {
        let flagged = err.contains(&format!("miss: {} {}:", r["queue"], r["date"]));
        assert_eq!(r["met"] == "false", flagged, "{r:?}\n{err}");
        if let (Some(sl), Some(t)) = (num(r, "service_level"), num(r, "target")) {
            if sl + 1e-9 < t {
                below_sl += 1;
                assert_eq!(r["met"], "false", "below its SL target: {r:?}");
            }
        }
    }
    // February's actual calls were not the forecast: NE and TT on Saturday 13th fall below 80 %
    // with the published agents (before issue #17's `svd` candidate also PE on the 10th below
    // 90 %, now 90.4 %; before its ensemble shape: NW on Tuesday 9th and Saturday 13th; before
    // its earlier forecast changes: NW on the 9th and PS on the 10th).
    assert!(below_sl >= 2, "{err}");
    for (q, d) in [("NE", "1999-02-13"), ("TT", "1999-02-13")] {
        let r = rows
            .iter()
            .find(|r| r["queue"] == q && r["date"] == d)
            .unwrap();
        assert!(
            num(r, "service_level").unwrap() < num(r, "target").unwrap(),
            "{r:?}"
        );
        assert_eq!(r["met"], "false");
    }
}

/// `wfm scenario --schedule` with the scope `queue = "PS"`, `weekdays = ["Mon"]`,
/// `volume = 1.2` against the demo schedule: PS's Monday service level drops, every other
/// queue and day (and PS's other days) keep the baseline's figure exactly.
pub(crate) fn check_scoped_scenario(out: &Path) {
    let scen = out.join("ps_monday.toml");
    std::fs::write(
        &scen,
        "schema_version = 1\n[[scenario]]\nname = \"PS Monday +20%\"\nqueue = \"PS\"\nweekdays = [\"Mon\"]\nvolume = 1.2\n",
    )
    .unwrap();
    let (code, rows, err) = wfm(
        out,
        &[
            "scenario",
            "--input",
            "02_forecast_feb.csv",
            "--config",
            "models/staffing.toml",
            "--history",
            "01_ingest_jan01-14.csv",
            "--scenarios",
            "ps_monday.toml",
            "--schedule",
            "05_schedule",
            "--format",
            "csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // `None`: no calls that day (PE's Saturday).
    let sl = |scenario: &str, q: &str, p: &str| -> Option<f64> {
        let r = rows
            .iter()
            .find(|r| r["scenario"] == scenario && r["queue"] == q && r["period"] == p)
            .unwrap_or_else(|| panic!("{scenario} {q} {p}: {err}"));
        num(r, "service_level")
    };
    let v = "PS Monday +20%";
    let (mon, base) = (
        sl(v, "PS", "1999-02-08").unwrap(),
        sl("baseline", "PS", "1999-02-08").unwrap(),
    );
    assert!(mon < base - 0.02, "PS Monday {base} → {mon}");
    assert!(
        err.contains("PS Mon 1999-02-08: service level"),
        "the move is named on stderr: {err}"
    );
    let mut same = 0;
    for q in QUEUES {
        for p in WEEK.iter().copied().chain(["total"]) {
            if q == "PS" && (p == "1999-02-08" || p == "total") {
                continue;
            }
            assert_eq!(sl(v, q, p), sl("baseline", q, p), "{q} {p} must not move");
            same += 1;
        }
    }
    assert_eq!(same, QUEUES.len() * 8 - 2);
    assert!(sl(v, "PS", "total") < sl("baseline", "PS", "total"));
}
