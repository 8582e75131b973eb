//! Issue #15 "Must show": `wfm backtest --grain week` reports WAPE at 13- and 26-week horizons
//! below both naive baselines (seasonal naive 52 weeks and the mean of the last 8 weeks) on the
//! shared daily KPI table when it is present, and on the committed synthetic series always
//! (tests/fixtures/capacity/README.md); its prediction intervals cover near their nominal rate
//! there; `wfm forecast --grain week|month` states whether annual seasonality was estimated
//! (the Anonymous Bank's 273 real days: absent).

use std::path::{Path, PathBuf};
use std::process::Command;

fn wfm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .output()
        .expect("run wfm")
}

/// `(model, horizon, wape, coverage80, coverage95)`.
type Row = (String, usize, f64, Option<f64>, Option<f64>);

/// The rows of the backtest's CSV summary.
fn backtest(history: &Path) -> Vec<Row> {
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
                f[5].parse().ok(),
                f[6].parse().ok(),
            )
        })
        .collect()
}

fn assert_beats_baselines(rows: &[Row], what: &str) {
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
fn weekly_backtest_beats_both_naive_baselines_and_covers_on_the_committed_sample() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/capacity/synthetic_daily_offered.csv");
    let rows = backtest(&p);
    assert_beats_baselines(&rows, "committed sample");
    // Intervals calibrated on backtest residuals: near their nominal rate (measured 0.87 / 1.00
    // at 13 weeks, 0.84 / 0.97 at 26; the uncalibrated inner quantiles gave 0.56 / 0.77 on the
    // shared daily KPI table).
    for r in rows.iter().filter(|r| r.0 == "auto") {
        let (c80, c95) = (r.3.unwrap(), r.4.unwrap());
        assert!(
            (0.75..=0.95).contains(&c80),
            "{} weeks: 80 % covers {c80}",
            r.1
        );
        assert!(c95 >= 0.9, "{} weeks: 95 % covers {c95}", r.1);
    }
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
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/capacity");
    let full = fixtures.join("synthetic_daily_offered.csv");
    // The bank's 273 real days: under two years, so the seasonality must be reported absent.
    let short = fixtures.join("anonbank_vru_daily_1999.csv");
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
            let f: Vec<Option<f64>> = l
                .split(',')
                .skip(2)
                .take(6)
                .map(|x| x.parse().ok())
                .collect();
            let f: Vec<f64> = f[..5].iter().map(|x| x.unwrap()).chain(f[5]).collect();
            // lo95 ≤ lo80 ≤ forecast ≤ hi80 ≤ hi95, AHT positive when the history has it.
            assert!(
                f[3] <= f[1] && f[1] <= f[0] && f[0] <= f[2] && f[2] <= f[4],
                "{l}"
            );
            assert_eq!(f.len() == 6, file == &full, "{l}");
            assert!(f.get(5).is_none_or(|a| *a > 0.0), "{l}");
        }
    }
}
