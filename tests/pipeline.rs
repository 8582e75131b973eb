//! The in-process pipeline (`wfm::pipeline`) on the committed sample: every stage runs on the
//! previous stage's panel, and the forecast and staffing it computes are byte for byte what the
//! same steps give when run as `wfm` commands through files (the demo's golden fingerprints in
//! `tests/fixtures/demo_golden.txt`, produced by `wfm demo`).

use std::path::Path;

use wfm::audit::{AuditOptions, Period};
use wfm::data::{ingest_calls, CallOptions, IntervalOptions};
use wfm::forecast::{Calendar, ForecastOptions, InnerBacktest, ModelChoice};
use wfm::io::intervals::ingest_intervals;
use wfm::model::{Coverage, Grain};
use wfm::pipeline::{Pipeline, PipelineConfig, PipelineInputs};
use wfm::schedule::{Method, ShiftRules, SolveOptions};
use wfm::staffing::config::StaffConfig;
use wfm::staffing::plan::Precision;
use wfm::table::OutputFormat;
use wfm::time::{parse_date, parse_timestamp};

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn golden(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/demo_golden.txt")).unwrap();
    text.lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("{name} not in the golden file"))
        .to_string()
}

fn fingerprint(name: &str, t: &wfm::table::Table) -> String {
    let mut buf = Vec::new();
    t.write(OutputFormat::Csv, &mut buf).unwrap();
    format!("{name} {:016x} {}", fnv1a(&buf), buf.len())
}

#[test]
fn the_pipeline_runs_every_stage_in_process_and_matches_the_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log = ingest_calls(
        &[root.join("data/anonbank/january_01-14.txt")],
        &CallOptions::default(),
    )
    .unwrap();
    assert_eq!(log.accounting.read, log.accounting.used);
    let ingested = log.kpis.to_panel();
    let history = ingest_intervals(
        &[root.join("data/audit/actuals_1999-01_02.csv")],
        &IntervalOptions::default(),
    )
    .unwrap();
    let actuals = history.kpis.to_panel();
    // The panel is dated and dense: every queue over every day of January and February.
    assert_eq!(actuals.grid().whole_days(), Some(59));
    assert_eq!(actuals.queues().len(), history.kpis.queues.len());

    let config = PipelineConfig {
        forecast: ForecastOptions {
            model: ModelChoice::parse("auto").unwrap(),
            start: parse_timestamp("1999-02-01T00:00:00"),
            horizon_secs: 28 * 86_400,
            inner: InnerBacktest::default(),
            day_start: Default::default(),
        },
        calendar: Some(Calendar::read(&root.join("data/anonbank/special_days_1999.csv")).unwrap()),
        staffing: StaffConfig::from_toml(&root.join("models/staffing.toml")).unwrap(),
        shifts: ShiftRules::from_path(&root.join("models/shifts.toml")).unwrap(),
        // One day with the heuristic keeps the test fast; the demo plans a week by MIP.
        schedule: SolveOptions::new().with_method(Method::Heuristic),
        schedule_window: parse_date("1999-02-08").map(|d| (d, 1)),
        audit: Period::parse("1999-02").ok().map(AuditOptions::new),
    };
    let inputs = PipelineInputs {
        actuals: &actuals,
        sl_thresholds: history.kpis.thresholds.secs(),
        patience_history: Some(&ingested),
    };
    let run = Pipeline::new(config)
        .run(&inputs, &wfm::model::Silent)
        .unwrap();

    // Forecast and staffing equal the demo's `wfm forecast` and `wfm staff` outputs.
    assert_eq!(
        fingerprint("02_forecast_feb.csv", &run.forecast_output.to_table()),
        golden("02_forecast_feb.csv")
    );
    assert_eq!(
        fingerprint(
            "03_staff_feb.csv",
            &run.staff_plan.to_table(Precision::Full)
        ),
        golden("03_staff_feb.csv")
    );

    // Panels are dated on one grid from the origin.
    let g = run.forecast.grid();
    assert_eq!(g.start(), parse_timestamp("1999-02-01T00:00:00").unwrap());
    assert_eq!(g.whole_days(), Some(28));
    assert_eq!(run.staffing.grid(), g);
    let net: u32 = run.staffing.cells().iter().map(|s| s.net.get()).sum();
    let from_rows: u32 = run.staff_plan.rows.iter().map(|r| r.agents).sum();
    assert_eq!(net, from_rows);

    // The schedule covers the chosen day, dated (no "Mon 00:00" labels), at the shift grid.
    let c = &run.coverage;
    assert_eq!(c.grid().start().date(), parse_date("1999-02-08").unwrap());
    assert_eq!(c.grid().whole_days(), Some(1));
    assert!(matches!(c.grid().grain(), Grain::Interval(_)));
    let required: f64 = c.cells().iter().map(|x: &Coverage| x.required).sum();
    assert!(required > 0.0);
    let under = c.cells().iter().filter(|x| x.gap() < 0.0).count();
    assert_eq!(under, run.schedule.summary.understaffed_intervals);

    // The audit ran on the same panels: February's service level from the actuals.
    let audit = run.audit.expect("audit configured");
    let sl = audit.value("service_level").unwrap();
    assert!((sl - 0.5208).abs() < 5e-5, "{sl}");
    assert!(audit.value("forecast_accuracy").is_some());
}
