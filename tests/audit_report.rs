//! The HTML report: self-contained, every chart an inline <svg>, and it renders in headless
//! Chromium without console errors (scripts/report_screenshot.sh; skipped when Chromium is
//! absent).

use std::path::{Path, PathBuf};

#[path = "common/chromium.rs"]
mod chromium;

use wfm::audit::{audit, Audit, AuditInputs, AuditOptions, InputPaths, Period};
use wfm::audit::{KpiKey, Scope};
use wfm::report::{
    charts, render_html, write_html, CapacityRows, Extras, ScenarioRows, ScheduleOutput, CHART_IDS,
    VIEWS,
};

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
            staffing_config: Some(root("tests/fixtures/report/staffing_no_sl.toml")),
            pools: Some(root("tests/fixtures/report/pools.toml")),
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

/// The schedule and scenario outputs of a small plan (tests/fixtures/report/).
fn extras() -> Extras {
    Extras {
        schedule: Some(ScheduleOutput::read(&root("tests/fixtures/report/schedule")).unwrap()),
        scenarios: Some(ScenarioRows::read(&root("tests/fixtures/report/scenarios.csv")).unwrap()),
        day: None,
        capacity: Some(CapacityRows::read(&root("tests/fixtures/report/capacity.csv")).unwrap()),
        fidelity: Vec::new(),
    }
}

/// The sections of queues and pools, and the pools' charts.
const SCOPE_VIEWS: [&str; 4] = ["queue-A", "queue-B", "pool-A", "pool-SHARED"];

#[test]
fn every_chart_is_drawn_with_data_when_inputs_are_complete() {
    let a = small(true);
    let x = extras();
    let cs = charts(&a, &x).unwrap();
    let ids: Vec<&str> = cs.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids[..CHART_IDS.len()], CHART_IDS[..]);
    // The day view (worst and best day), the trends, one chart per queue.
    for id in [
        "day-forecast-worst",
        "day-forecast-best",
        "trend-service_level",
        "queue-A-daily",
        "queue-B-daily",
        "queue-A-forecast",
        "queue-B-forecast",
        "pool-A-forecast",
        "pool-SHARED-daily",
    ] {
        assert!(ids.contains(&id), "case {id}: {ids:?}");
    }
    for c in &cs {
        assert!(c.svg.starts_with("<svg"), "case {}", c.id);
        assert!(c.needs.is_none(), "case {}: {:?}", c.id, c.needs);
        assert!(c.svg.contains("<text"), "case {}: no labels", c.id);
    }
    let html = render_html(&a, &x).unwrap();
    // Self-contained: no external resource, no script (the only links are in-page anchors).
    for bad in ["<script", "<link", "<img", " src=", "href=\"http", "url("] {
        assert!(!html.contains(bad), "the report contains `{bad}`");
    }
    assert!(!html.replace("href=\"#", "").contains("href="));
    assert_eq!(html.matches("<figure class=\"chart").count(), cs.len());
    for v in VIEWS.iter().chain(&SCOPE_VIEWS) {
        assert!(
            html.contains(&format!("data-view=\"{v}\"")),
            "case {v}: no view"
        );
    }
}

#[test]
fn every_kpi_with_a_target_shows_its_status_in_text() {
    let a = small(true);
    let html = render_html(&a, &extras()).unwrap();
    // The scorecard's thresholds are default targets: answer rate ≥ 90 %, talk time ≤ 120 s…
    let k = a.kpi("answer_rate").unwrap();
    assert!(k.target.is_some() && k.status().is_some());
    for k in a
        .kpis
        .iter()
        .filter(|k| k.target.is_some() && k.value.value().is_some())
    {
        assert!(k.status().is_some(), "case {} {}", k.def.key, k.scope);
    }
    // Status in words, not colour alone; "ok" (computable) is no status.
    assert!(html.contains("✓ met") || html.contains("✗ missed") || html.contains("≈ near"));
    assert!(!a
        .kpi_table()
        .rows
        .iter()
        .any(|r| r.iter().any(|c| *c == wfm::table::Cell::text("ok"))));
    // The seeds' labels.
    for label in [
        "受话业务接通率",
        "非受话业务处理率",
        "人均年度培训时长",
        "平均通话时长",
        "实际工作率",
    ] {
        assert!(html.contains(label), "case {label}");
    }
    for old in ["人工接通率", "非话务工作处理率", "人均培训时长<"] {
        assert!(!html.contains(old), "case {old}");
    }
}

#[test]
fn a_queue_without_an_sl_target_says_no_target_instead_of_the_centers() {
    let a = small(true);
    // The center's 80 % applies to A; B's staffing config says `sl_target = 0`.
    let sl = |q: &str| {
        a.get(KpiKey::ServiceLevel, &Scope::Queue(q.into()))
            .unwrap()
    };
    assert_eq!(sl("A").target.as_ref().unwrap().value, 0.8);
    assert!(sl("B").target.is_none() && sl("B").status().is_none());
    assert!(sl("B").no_target.as_deref().unwrap().contains("[queues.B]"));
    let html = render_html(&a, &extras()).unwrap();
    let b = section(&html, "queue-B");
    let card = b
        .split("data-kpi=\"service_level\"")
        .nth(1)
        .unwrap()
        .split("</div>\n")
        .next()
        .unwrap();
    assert!(card.contains("no target"), "{card}");
    assert!(!card.contains("target ≥ 80"), "{card}");
    assert!(b.contains("no SL target"), "the chart says so: {b}");
    assert!(section(&html, "queue-A").contains("target ≥ 80"));
    // The KPI table says it too.
    let t = a.kpi_table();
    assert!(t.rows.iter().any(|r| r[1] == wfm::table::Cell::text("B")
        && r[2] == wfm::table::Cell::text("service_level")
        && r.contains(&wfm::table::Cell::text("no target"))));
}

#[test]
fn queues_and_pools_have_their_own_forecast_and_service_charts() {
    let a = small(true);
    // Pool SHARED is queue B: the same KPIs, its own scope.
    let pool = Scope::pool("SHARED", vec!["B".into()]);
    let q = Scope::Queue("B".into());
    for key in [KpiKey::Offered, KpiKey::ServiceLevel, KpiKey::ForecastWape] {
        let (p, b) = (a.get(key, &pool).unwrap(), a.get(key, &q).unwrap());
        assert_eq!(p.value, b.value, "case {key:?}");
    }
    assert_eq!(a.scope_daily[&pool], a.scope_daily[&q]);
    // Each queue's days carry that queue's forecast; they add up to the center's.
    let total: f64 = a.daily.iter().filter_map(|d| d.forecast).sum();
    let by_queue: f64 = ["A", "B"]
        .iter()
        .flat_map(|q| &a.scope_daily[&Scope::Queue(q.to_string())])
        .filter_map(|d| d.forecast)
        .sum();
    assert!(total > 0.0 && (total - by_queue).abs() < 1e-9 * total);
    let cs = charts(&a, &extras()).unwrap();
    let fc = cs.iter().find(|c| c.id == "queue-B-forecast").unwrap();
    assert!(fc.svg.contains("forecast") && fc.svg.contains("actual offered"));
    let html = render_html(&a, &extras()).unwrap();
    assert!(section(&html, "pool-SHARED").contains("Queues served by this pool: B"));
}

/// The HTML of the section `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("</section>").unwrap();
    &html[start..start + end]
}

#[test]
fn missing_inputs_draw_a_panel_that_says_what_is_needed() {
    let a = small(false);
    let cs = charts(&a, &Extras::default()).unwrap();
    let heat = cs.iter().find(|c| c.id == "accuracy-heatmap").unwrap();
    assert!(heat.needs.as_deref().unwrap().contains("--forecast"));
    assert!(heat.svg.contains("not computable: needs"));
    let sc = cs.iter().find(|c| c.id == "scorecard").unwrap();
    assert!(sc.needs.as_deref().unwrap().contains("--scorecard"));
    // The volume chart still shows the actuals.
    let fd = cs.iter().find(|c| c.id == "forecast-daily").unwrap();
    assert!(fd.title.contains("actual only"));
    for (id, needs) in [
        ("week-coverage", "--schedule"),
        ("shift-gantt", "--schedule"),
        ("scenarios-fte", "--scenarios"),
        ("capacity-plan", "--capacity"),
    ] {
        let c = cs.iter().find(|c| c.id == id).unwrap();
        assert!(c.needs.as_deref().unwrap().contains(needs), "case {id}");
    }
}

#[test]
fn write_html_refuses_to_overwrite_an_input() {
    let a = small(true);
    let dir = tmp("overwrite");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("index.html");
    std::fs::write(&input, "input").unwrap();
    assert!(write_html(&a, &Extras::default(), &dir, std::slice::from_ref(&input)).is_err());
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "input");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_renders_in_headless_chromium_without_console_errors() {
    let Some(chromium) = chromium::chromium() else {
        eprintln!(
            "skipped: no Chromium at /usr/bin/chromium; scripts/report_screenshot.sh not run"
        );
        return;
    };
    let a = small(true);
    let dir = tmp("chromium");
    let path = write_html(&a, &extras(), &dir, &[]).unwrap();
    assert!(path.ends_with("index.html"));
    let shot = dir.join("screenshot.png");
    let queues = ["A".to_string(), "B".to_string()];
    let stdout = chromium::check_report(chromium, &dir, &shot, None, &queues);
    chromium::assert_shown(
        &stdout,
        CHART_IDS,
        VIEWS.iter().chain(&SCOPE_VIEWS).copied(),
    );
    // The page without JavaScript was screenshot too.
    let png = std::fs::read(dir.join("screenshot-nojs.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    std::fs::remove_dir_all(&dir).unwrap();
}
