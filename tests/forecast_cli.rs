//! `wfm forecast` / `wfm backtest` end to end on the committed fixture.

use std::process::Command;

fn fixture(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/forecast/").to_string() + name
}

fn wfm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .output()
        .expect("runs")
}

/// `wfm forecast` of the 5-week VRU fixture by `mean-4w` over 2 days, with `extra` arguments.
fn forecast_mean_4w_2d(extra: &[&str]) -> std::process::Output {
    let history = fixture("vru_5w.csv");
    let mut args = vec![
        "forecast",
        "--history",
        &history,
        "--model",
        "mean-4w",
        "--horizon",
        "2d",
    ];
    args.extend_from_slice(extra);
    wfm(&args)
}

#[test]
fn forecast_writes_table_and_snapshot() {
    let dir = std::env::temp_dir().join(format!("wfm-forecast-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("fc.csv");
    let o = forecast_mean_4w_2d(&["--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "interval_start,queue,forecast,lo80,hi80,lo95,hi95,aht_forecast,model,aht_lo80,aht_hi80,aht_lo95,aht_hi95"
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[0], "1999-02-05T00:00:00");
    assert_eq!(first[8], "mean-4w");
    let (f, lo80, hi80, lo95, hi95): (f64, f64, f64, f64, f64) = (
        first[2].parse().unwrap(),
        first[3].parse().unwrap(),
        first[4].parse().unwrap(),
        first[5].parse().unwrap(),
        first[6].parse().unwrap(),
    );
    assert!(lo95 <= lo80 && lo80 <= f && f <= hi80 && hi80 <= hi95);
    assert!(text.lines().count() <= 1 + 96);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("fc.csv.meta.json")).unwrap())
            .unwrap();
    assert_eq!(meta["origin"], "1999-02-05T00:00:00");
    assert_eq!(meta["models"]["VRU_ALL"], "mean-4w");
    assert!(meta["created_at"].is_string());
    assert!(meta["ranking"]["VRU_ALL"].is_array());
    // The output never overwrites an input.
    let o = wfm(&[
        "forecast",
        "--history",
        &fixture("vru_5w.csv"),
        "--out",
        &fixture("vru_5w.csv"),
    ]);
    assert!(!o.status.success());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn backtest_prints_summary_and_rows() {
    let dir = std::env::temp_dir().join(format!("wfm-backtest-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("bt.csv");
    let o = wfm(&[
        "backtest",
        "--history",
        &fixture("vru_5w.csv"),
        "--origins",
        "1999-01-17T00:00:00,1999-01-24T00:00:00",
        "--horizon",
        "7d",
        "--model",
        "seasonal-naive-week,auto",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.starts_with("model,wape,bias,daily_wape,accuracy_mean,accuracy_min,accuracy_max,coverage80,coverage95,seconds,points"));
    assert!(
        stdout.contains("\nseasonal-naive-week,0.3338,0.2149,"),
        "{stdout}"
    );
    let rows = std::fs::read_to_string(&out).unwrap();
    assert!(rows.starts_with("origin,interval_start,queue,actual,forecast,lo80,hi80,lo95,hi95"));
    assert_eq!(rows.lines().count(), 1 + 2 * 2 * 336);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_inputs_are_reported_with_location() {
    let o = wfm(&[
        "forecast",
        "--history",
        &fixture("vru_5w.csv"),
        "--model",
        "prophet",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown model `prophet`"));
    let o = wfm(&[
        "forecast",
        "--history",
        &fixture("vru_5w.csv"),
        "--start",
        "1999-01-20T10:07:00",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("00:00"));
}

#[test]
fn forecast_starts_at_an_intraday_boundary() {
    // Noon of the fixture's last day: the morning's rows are history, the afternoon is forecast.
    let dir = std::env::temp_dir().join(format!("wfm-forecast-noon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("noon.csv");
    let o = wfm(&[
        "forecast",
        "--history",
        &fixture("vru_5w.csv"),
        "--start",
        "1999-02-04T12:00:00",
        "--horizon",
        "12h",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let stamps: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(stamps.first(), Some(&"1999-02-04T12:00:00"));
    assert_eq!(stamps.last(), Some(&"1999-02-04T23:30:00"));
    assert_eq!(stamps.len(), 24);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("noon.csv.meta.json")).unwrap())
            .unwrap();
    assert_eq!(meta["origin"], "1999-02-04T12:00:00");
}

#[test]
fn a_day_start_keeps_the_calendar_grid_and_a_bad_one_is_named() {
    let run = |day_start: &str| forecast_mean_4w_2d(&["--format", "csv", "--day-start", day_start]);
    let stamps = |o: &std::process::Output| -> Vec<String> {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    // The VRU's quiet hour is about 04:00. Every day start writes the calendar grid from the
    // same origin (only open intervals are written, and which night slots are open depends on
    // the weekday a slot's operational day has).
    for day_start in ["00:00", "04:00", "auto", "midnight-unless-busy"] {
        let s = stamps(&run(day_start));
        assert_eq!(s[0], "interval_start");
        assert!(s.len() > 40, "{day_start}: {s:?}");
        assert!(s[1..].windows(2).all(|w| w[0] < w[1]), "{day_start}: {s:?}");
        assert!(s[1..].iter().all(|t| t.as_str() >= "1999-02-05T00:00:00"
            && t.as_str() < "1999-02-07T00:00:00"
            && (t.ends_with(":00:00") || t.ends_with(":30:00"))));
    }
    let o = run("04:10");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("day start `04:10`"), "{err}");
}
