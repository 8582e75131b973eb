//! `wfm backtest --target aht` end to end (issue #17, item 3): the per-interval rows, the
//! call-weighted WAPE and the `mean-4w` baseline checked against a hand computation on a tiny
//! synthetic series, and the estimators run on the committed real per-queue fixture.

use std::process::Command;

fn wfm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .output()
        .expect("runs")
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wfm-aht-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Calls of day `j`, hour `s` of the synthetic series (open 08:00–18:00).
fn calls(j: usize, s: usize) -> usize {
    if (8..18).contains(&s) {
        1 + (j * 7 + s) % 5
    } else {
        0
    }
}

/// AHT (whole seconds) of day `j`, hour `s`: a weekday and hour shape, a weekly drift and a
/// wobble.
fn aht(j: usize, s: usize) -> f64 {
    (100 + 3 * (j % 7) + 2 * s + 10 * (j / 7) + (j * s) % 11) as f64
}

/// Six weeks from Sunday 1999-01-03 on a 60-minute grid, one queue.
fn synthetic_history(path: &std::path::Path) {
    let mut text = String::from("interval_start,queue,offered,aht_seconds\n");
    for j in 0..42 {
        let date = chrono::NaiveDate::from_ymd_opt(1999, 1, 3).unwrap() + chrono::Days::new(j);
        for s in 0..24 {
            let n = calls(j as usize, s);
            let a = if n > 0 {
                format!("{}", aht(j as usize, s))
            } else {
                String::new()
            };
            text.push_str(&format!("{date}T{s:02}:00:00,Q,{n},{a}\n"));
        }
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn aht_backtest_scores_the_baseline_by_its_definition() {
    let dir = temp_dir("baseline");
    let history = dir.join("history.csv");
    synthetic_history(&history);
    let rows = dir.join("rows.csv");
    // Origin: day 35 (Sunday 1999-02-07), horizon one day.
    let o = wfm(&[
        "backtest",
        "--history",
        history.to_str().unwrap(),
        "--target",
        "aht",
        "--model",
        "mean-4w,auto",
        "--origins",
        "1999-02-07T00:00:00",
        "--horizon",
        "1d",
        "--format",
        "csv",
        "--out",
        rows.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&rows).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "origin,interval_start,queue,actual,forecast,lo80,hi80,lo95,hi95,model,calls"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Every open hour of the scored day, once per model.
    assert_eq!(rows.len(), 2 * 10);
    let (mut abs, mut work) = (0.0, 0.0);
    for r in rows.iter().filter(|r| r[9] == "mean-4w") {
        let s: usize = r[1][11..13].parse().unwrap();
        // Hand computation: the AHT of all calls of the same weekday and hour over the four
        // weeks before the origin (days 7, 14, 21, 28), Σ n·a / Σ n.
        let weeks = [7, 14, 21, 28];
        let n: f64 = weeks.iter().map(|&j| calls(j, s) as f64).sum();
        let na: f64 = weeks.iter().map(|&j| calls(j, s) as f64 * aht(j, s)).sum();
        let want = na / n;
        let got: f64 = r[4].parse().unwrap();
        assert!(
            (got - want).abs() <= 0.05 + 1e-9,
            "hour {s}: {got} vs {want}"
        );
        let (actual, c): (f64, f64) = (r[3].parse().unwrap(), r[10].parse().unwrap());
        assert_eq!(actual, aht(35, s), "hour {s}");
        assert_eq!(c, calls(35, s) as f64, "hour {s}");
        abs += c * (actual - want).abs();
        work += c * actual;
    }
    // The summary's WAPE is the call-weighted one.
    let summary = String::from_utf8_lossy(&o.stdout);
    let mut sl = summary.lines();
    let header: Vec<&str> = sl.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "model",
            "wape",
            "bias",
            "daily_wape",
            "accuracy_mean",
            "accuracy_min",
            "accuracy_max",
            "coverage80",
            "coverage95",
            "seconds",
            "points"
        ]
    );
    let base: Vec<&str> = sl.next().unwrap().split(',').collect();
    assert_eq!(base[0], "mean-4w");
    let wape: f64 = base[1].parse().unwrap();
    assert!((wape - abs / work).abs() < 1e-4, "{wape} vs {}", abs / work);
    assert_eq!(base[10], "10");
    let auto: Vec<&str> = sl.next().unwrap().split(',').collect();
    assert_eq!(auto[0], "auto");
    // Three inner origins (days 34, 27, 20) of 10 scored hours each: enough errors for
    // intervals, which bracket the forecast.
    for r in rows.iter().filter(|r| r[9] == "auto") {
        let v: Vec<f64> = r[4..9].iter().map(|x| x.parse().unwrap()).collect();
        let (f, lo80, hi80, lo95, hi95) = (v[0], v[1], v[2], v[3], v[4]);
        assert!(
            lo95 <= lo80 && lo80 <= f && f <= hi80 && hi80 <= hi95,
            "{r:?}"
        );
    }
}

#[test]
fn aht_backtest_refuses_what_it_cannot_score() {
    let dir = temp_dir("refuse");
    let history = dir.join("history.csv");
    synthetic_history(&history);
    let h = history.to_str().unwrap();
    let base = ["backtest", "--history", h, "--target", "aht"];
    let run = |extra: &[&str]| wfm(&[&base[..], extra].concat());
    // The AHT estimators do not use a calendar: a usage error, not a silent no-op.
    let o = run(&[
        "--origins",
        "1999-02-07T00:00:00",
        "--calendar",
        h,
        "--horizon",
        "1d",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--calendar"));
    let o = run(&["--origins", "1999-02-07T00:00:00", "--model", "ets-weekly"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("weighted-profile"));
    // A history without AHT: the error names the origin and the missing column.
    let volume_only = dir.join("volume.csv");
    let text: String = std::fs::read_to_string(&history)
        .unwrap()
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    std::fs::write(&volume_only, text).unwrap();
    let o = wfm(&[
        "backtest",
        "--history",
        volume_only.to_str().unwrap(),
        "--target",
        "aht",
        "--origins",
        "1999-02-07T00:00:00",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("1999-02-07") && err.contains("aht_seconds"),
        "{err}"
    );
}

#[test]
fn aht_estimators_run_on_the_committed_real_fixture() {
    // 12 days of the Anonymous Bank's January 1999 per-queue intervals (data/README.md).
    let history = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/anonbank/intervals_30min_by_queue_01-14.csv"
    );
    let o = wfm(&[
        "backtest",
        "--history",
        history,
        "--target",
        "aht",
        "--model",
        "all",
        "--origins",
        "1999-01-13T00:00:00",
        "--horizon",
        "1d",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    let rows: Vec<Vec<&str>> = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(
        names,
        [
            "weighted-profile",
            "recent-level",
            "ets-daily",
            "mean-4w",
            "auto"
        ]
    );
    // Twelve days are too few for ETS (14): the weighted profile stands in, and says so.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ets-daily: AHT estimators used per queue × origin: weighted-profile ×6"),
        "{err}"
    );
    // The same scored intervals for every estimator, each with a finite WAPE.
    assert!(rows.iter().all(|r| r[10] == rows[0][10] && r[10] != "0"));
    for r in &rows {
        let w: f64 = r[1].parse().unwrap();
        assert!(w.is_finite() && w > 0.0 && w < 1.0, "{r:?}");
    }
}
