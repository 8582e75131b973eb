//! Issue #15 "Must show": `wfm backtest --grain week` reports WAPE at 13- and 26-week horizons
//! below both naive baselines (seasonal naive 52 weeks and the mean of the last 8 weeks) on the
//! daily KPI table — the committed sample always, the shared copy when it is present — and
//! `wfm forecast --grain week|month` states whether annual seasonality was estimated.

use std::path::{Path, PathBuf};
use std::process::Command;

fn wfm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .output()
        .expect("run wfm")
}

/// `(model, horizon) → wape` from the backtest's CSV summary.
fn backtest(history: &Path) -> Vec<(String, usize, f64)> {
    let out = wfm(&[
        "backtest",
        "--grain",
        "week",
        "--history",
        history.to_str().unwrap(),
        "--horizons",
        "13,26",
        "--every",
        "2w",
        "--format",
        "csv",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "model,horizon,origins,points,wape,coverage80,coverage95"
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[4].parse().unwrap(),
            )
        })
        .collect()
}

fn assert_beats_baselines(rows: &[(String, usize, f64)], what: &str) {
    for h in [13, 26] {
        let w = |m: &str| {
            rows.iter()
                .find(|r| r.0 == m && r.1 == h)
                .unwrap_or_else(|| panic!("{what}: no {m} at {h}: {rows:?}"))
                .2
        };
        let (auto, snaive, mean8) = (w("auto"), w("seasonal-naive-52"), w("mean-8w"));
        assert!(
            auto < snaive && auto < mean8,
            "{what}, {h} weeks: auto {auto} vs seasonal-naive-52 {snaive}, mean-8w {mean8}"
        );
    }
}

#[test]
fn weekly_backtest_beats_both_naive_baselines_on_the_committed_sample() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/capacity/kaggle_daily_offered.csv");
    assert_beats_baselines(&backtest(&p), "committed sample");
}

#[test]
fn weekly_backtest_beats_both_naive_baselines_on_the_shared_daily_kpi() {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/kaggle_daily_kpi/daily_kpi.csv");
    if !p.exists() {
        eprintln!("skipped: ../shared/data/kaggle_daily_kpi/daily_kpi.csv is absent");
        return;
    }
    assert_beats_baselines(&backtest(&p), "shared daily_kpi.csv");
}

#[test]
fn forecast_says_whether_annual_seasonality_was_estimated() {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/capacity/kaggle_daily_offered.csv");
    let text = std::fs::read_to_string(&full).unwrap();
    let dir = std::env::temp_dir().join(format!("wfm-outlook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 300 days: under two years, so the seasonality must be reported absent.
    let short = dir.join("short.csv");
    std::fs::write(
        &short,
        text.lines().take(301).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    for (file, grain, horizon, expect, rows) in [
        (&full, "week", "78", "annual seasonality estimated", 78),
        (&short, "week", "26w", "annual seasonality absent", 26),
        (&full, "month", "18m", "annual seasonality estimated", 18),
    ] {
        let out = wfm(&[
            "forecast",
            "--grain",
            grain,
            "--history",
            file.to_str().unwrap(),
            "--horizon",
            horizon,
            "--format",
            "csv",
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains(expect), "{grain} {horizon}: {stderr}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), rows + 1, "{stdout}");
        assert!(lines[0].starts_with(if grain == "week" {
            "week_start,queue,forecast,lo80,hi80,lo95,hi95,aht_forecast"
        } else {
            "month_start,"
        }));
        for l in &lines[1..] {
            let f: Vec<f64> = l
                .split(',')
                .skip(2)
                .take(6)
                .map(|x| x.parse().unwrap())
                .collect();
            // lo95 ≤ lo80 ≤ forecast ≤ hi80 ≤ hi95, AHT positive.
            assert!(
                f[3] <= f[1] && f[1] <= f[0] && f[0] <= f[2] && f[2] <= f[4],
                "{l}"
            );
            assert!(f[5] > 0.0, "{l}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
