//! `wfm demo` — the README's first quickstart command — runs the whole pipeline on the committed
//! sample data (no `../shared` needed) and writes every stage's output and the HTML report.

use std::process::Command;

#[test]
fn demo_runs_the_pipeline_on_the_sample_data() {
    let out = std::env::temp_dir().join(format!("wfm-demo-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let root = env!("CARGO_MANIFEST_DIR");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_wfm"))
            .args([
                "demo",
                "--root",
                root,
                "--schedule-time-limit",
                "5s",
                "--out",
            ])
            .arg(&out)
            .output()
            .expect("wfm runs")
    };
    let o = run();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "wfm demo failed:\n{stderr}");
    for f in [
        "01_ingest_jan01-14.csv",
        "02_forecast_feb.csv",
        "02_forecast_feb.csv.meta.json",
        "03_staff_feb.csv",
        "04_scenarios.csv",
        "05_schedule/plan.csv",
        "05_schedule/coverage.csv",
        "05_schedule/summary.json",
        "06_report/index.html",
    ] {
        let p = out.join(f);
        let len = std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("{} missing: {e}\n{stderr}", p.display()))
            .len();
        assert!(len > 0, "{} is empty", p.display());
    }
    // Every record of the raw sample is accounted for, and the step commands are printed.
    assert!(stderr.contains("15528 read, 15528 used"), "{stderr}");
    assert!(stderr.contains("$ wfm forecast --history"), "{stderr}");
    // The schedule plans the first full week of the month's requirement.
    assert!(
        stderr.contains("planning 7 of the requirement's 28 day(s), from day 6"),
        "{stderr}"
    );
    // The forecast covers all of February for every queue.
    let fc = std::fs::read_to_string(out.join("02_forecast_feb.csv")).unwrap();
    assert!(fc.lines().skip(1).any(|l| l.starts_with("1999-02-28")));
    assert!(fc.lines().skip(1).all(|l| l.starts_with("1999-02-")));
    // A second run replaces the previous outputs instead of failing on them.
    let o = run();
    assert!(
        o.status.success(),
        "second run failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::remove_dir_all(&out).ok();
}
