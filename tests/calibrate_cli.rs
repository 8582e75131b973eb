//! `wfm calibrate` on the committed Jan–Feb 1999 sample (data/audit/), then the audit's model
//! check sections with the calibration: the CSV has exactly the documented columns, the
//! calibration file reads back, and the fidelity verdict is a calibrated model (on this bank
//! the recorded agent count overstates the agents serving calls, see docs/calibrate.md).

use std::path::Path;
use std::process::Command;

fn wfm(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "{args:?}\n{e}");
    (o, e)
}

#[test]
fn calibrate_then_audit_with_the_calibration() {
    let dir = std::env::temp_dir().join(format!("wfm-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cal = dir.join("calibration.toml");
    let cal_s = cal.to_str().unwrap();
    wfm(&[
        "calibrate",
        "--actuals",
        "data/audit/actuals_1999-01_02.csv",
        "--agent-states",
        "data/audit/agents_30min_1999-01_02.csv",
        "--calls",
        "data/anonbank/january_01-14.txt",
        "--bootstrap",
        "20",
        "--out",
        cal_s,
    ]);
    let c = wfm::io::calibration::read_calibration(Path::new(&cal)).unwrap();
    let fit = c.pool("ALL").unwrap().availability.clone().unwrap();
    assert!(fit.availability > 0.3 && fit.availability < 1.0, "{fit:?}");
    assert!(fit.ci90.0 <= fit.availability && fit.availability <= fit.ci90.1);
    assert!(c
        .queues
        .iter()
        .any(|q| q.name == "PS" && q.patience.abandoned > 0));
    let args = |section: &'static str| {
        vec![
            "audit",
            "--period",
            "1999-02",
            "--actuals",
            "data/audit/actuals_1999-01_02.csv",
            "--agent-states",
            "data/audit/agents_30min_1999-01_02.csv",
            "--calibration",
            cal_s,
            "--sim-reps",
            "5",
            "--section",
            section,
            "--format",
            "csv",
        ]
    };
    let (csv, err) = wfm(&args("model-check-intervals"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "interval_start,pool,offered,agents,model,calibrated,predicted_sl,observed_sl,predicted_abandon,observed_abandon,predicted_asa,observed_asa"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.len() > 6 * 500, "{} rows", rows.len());
    for m in ["erlang-c", "erlang-a", "simulation"] {
        for cal in ["true", "false"] {
            assert!(rows
                .iter()
                .any(|r| r[4] == m && r[5] == cal && r[1] == "ALL"));
        }
    }
    assert!(
        err.contains("best fit") && err.contains("calibrated"),
        "{err}"
    );
    let (fid, _) = wfm(&args("fidelity"));
    let best: Vec<&str> = fid.lines().filter(|l| l.ends_with(",best")).collect();
    assert_eq!(best.len(), 1, "{fid}");
    assert!(best[0].split(',').nth(1) == Some("true"), "{fid}");
    std::fs::remove_dir_all(&dir).ok();
}
