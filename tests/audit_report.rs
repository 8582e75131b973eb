//! The HTML report: self-contained, every chart an inline <svg>, and it renders in headless
//! Chromium without console errors (scripts/report_screenshot.sh; skipped when Chromium is
//! absent).

use std::path::{Path, PathBuf};
use std::process::Command;

use wfm::audit::{audit, Audit, AuditInputs, AuditOptions, InputPaths, Period};
use wfm::report::{charts, render_html, write_html, CHART_IDS};

fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn small(all: bool) -> Audit {
    let p = |f: &str| root(&format!("tests/fixtures/audit/small/{f}"));
    let paths = if all {
        InputPaths {
            actuals: p("actuals.csv"),
            forecast: Some(p("forecast.csv")),
            planned: Some(p("planned.csv")),
            agent_states: Some(p("agent_states.csv")),
            facts: Some(p("facts.toml")),
            previous_facts: Some(p("facts_prev.toml")),
            scorecard: Some(root("models/scorecard.toml")),
            ..InputPaths::default()
        }
    } else {
        InputPaths {
            actuals: p("actuals.csv"),
            ..InputPaths::default()
        }
    };
    let options = AuditOptions::new(Period::parse("1999-02").unwrap());
    audit(&AuditInputs::load(&paths, &options).unwrap(), &options).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wfm-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn every_chart_is_drawn_with_data_when_inputs_are_complete() {
    let a = small(true);
    let cs = charts(&a).unwrap();
    let ids: Vec<&str> = cs.iter().map(|c| c.id).collect();
    assert_eq!(ids, CHART_IDS.to_vec());
    for c in &cs {
        assert!(c.svg.starts_with("<svg"), "case {}", c.id);
        assert!(c.needs.is_none(), "case {}: {:?}", c.id, c.needs);
        assert!(c.svg.contains("<text"), "case {}: no labels", c.id);
    }
    let html = render_html(&a).unwrap();
    // Self-contained: no external resource, no script (the only URL is the SVG namespace).
    for bad in ["<script", "<link", "<img", " src=", " href=", "url("] {
        assert!(!html.contains(bad), "the report contains `{bad}`");
    }
    assert_eq!(
        html.matches("<figure class=\"chart\"").count(),
        CHART_IDS.len()
    );
}

#[test]
fn missing_inputs_draw_a_panel_that_says_what_is_needed() {
    let a = small(false);
    let cs = charts(&a).unwrap();
    let heat = cs.iter().find(|c| c.id == "accuracy-heatmap").unwrap();
    assert!(heat.needs.as_deref().unwrap().contains("--forecast"));
    assert!(heat.svg.contains("not computable: needs"));
    let sc = cs.iter().find(|c| c.id == "scorecard").unwrap();
    assert!(sc.needs.as_deref().unwrap().contains("--scorecard"));
    // The volume chart still shows the actuals.
    let fd = cs.iter().find(|c| c.id == "forecast-daily").unwrap();
    assert!(fd.title.contains("actual only"));
}

#[test]
fn write_html_refuses_to_overwrite_an_input() {
    let a = small(true);
    let dir = tmp("overwrite");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("index.html");
    std::fs::write(&input, "input").unwrap();
    assert!(write_html(&a, &dir, std::slice::from_ref(&input)).is_err());
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "input");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_renders_in_headless_chromium_without_console_errors() {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(chromium) = chromium else {
        eprintln!(
            "skipped: no Chromium at /usr/bin/chromium; scripts/report_screenshot.sh not run"
        );
        return;
    };
    let a = small(true);
    let dir = tmp("chromium");
    let path = write_html(&a, &dir, &[]).unwrap();
    assert!(path.ends_with("index.html"));
    let shot = dir.join("screenshot.png");
    let out = Command::new("bash")
        .arg(root("scripts/report_screenshot.sh"))
        .arg(&dir)
        .arg(&shot)
        .env("CHROMIUM", chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "script failed ({:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
    for id in CHART_IDS {
        assert!(
            stdout.contains(&format!("chart {id:<18} ok")),
            "case {id}: {stdout}"
        );
    }
    // A PNG was written.
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    std::fs::remove_dir_all(&dir).unwrap();
}
