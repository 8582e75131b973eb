//! The whole pipeline in one process on the committed sample data, with no file written:
//! ingest (the raw call log of 1–14 January 1999) → forecast (February 1999 from January) →
//! staffing → schedule (one week) → audit (February). Prints one summary line per stage.
//!
//! ```sh
//! cargo run --release --example pipeline
//! ```
//!
//! Reading the inputs (call log, interval actuals, configs) is the edge's job; every stage after
//! that hands the next a model panel (`wfm::pipeline`).

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use wfm::audit::{AuditOptions, Period};
use wfm::data::{ingest_calls, CallOptions, IntervalOptions};
use wfm::forecast::{Calendar, ForecastOptions, InnerBacktest, ModelChoice};
use wfm::io::intervals::ingest_intervals;
use wfm::pipeline::{Pipeline, PipelineConfig, PipelineInputs};
use wfm::schedule::{ShiftRules, SolveOptions};
use wfm::staffing::config::StaffConfig;
use wfm::time::{parse_date, parse_timestamp};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pipeline: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // 1. ingest: the raw call log → interval KPIs, every record accounted for.
    let log = ingest_calls(
        &[root.join("data/anonbank/january_01-14.txt")],
        &CallOptions::default(),
    )?;
    let a = &log.accounting;
    let ingested = log.kpis.to_panel();
    println!(
        "ingest    {} records read, {} used, {} rejected → {} queues × {} intervals",
        a.read,
        a.used,
        a.rejected,
        log.kpis.queues.len(),
        ingested.grid().len()
    );

    // The forecast's history and the audited month: the ingested interval actuals of
    // January–February 1999.
    let history = ingest_intervals(
        &[root.join("data/audit/actuals_1999-01_02.csv")],
        &IntervalOptions::default(),
    )?;
    let actuals = history.kpis.to_panel();
    let thresholds = history.kpis.thresholds.secs().to_vec();

    let config = PipelineConfig {
        forecast: ForecastOptions {
            model: ModelChoice::parse("auto")?,
            start: parse_timestamp("1999-02-01T00:00:00"),
            horizon_secs: 28 * 86_400,
            inner: InnerBacktest::default(),
            day_start: Default::default(),
        },
        calendar: Some(Calendar::read(
            &root.join("data/anonbank/special_days_1999.csv"),
        )?),
        staffing: StaffConfig::from_toml(&root.join("models/staffing.toml"))?,
        shifts: ShiftRules::from_path(&root.join("models/shifts.toml"))?,
        schedule: SolveOptions::new().with_time_limit(Duration::from_secs(20)),
        schedule_window: parse_date("1999-02-07").map(|d| (d, 7)),
        audit: Period::parse("1999-02").ok().map(AuditOptions::new),
    };
    let inputs = PipelineInputs {
        actuals: &actuals,
        sl_thresholds: &thresholds,
        // Patience as the demo's `wfm staff --history` step estimates it: from the ingested log.
        patience_history: Some(&ingested),
    };
    let run = Pipeline::new(config).run(&inputs, &wfm::model::Silent)?;

    let f = &run.forecast;
    let total: f64 = f.cells().iter().flatten().map(|c| c.offered).sum();
    let models: Vec<String> = run
        .forecast_output
        .queues
        .iter()
        .map(|q| format!("{} {}", q.queue, q.model))
        .collect();
    println!(
        "forecast  {} queues × {} intervals from {}: {total:.0} calls ({})",
        f.queues().len(),
        f.grid().len(),
        f.grid().start(),
        models.join(", ")
    );
    let s = &run.staffing;
    let hours = s
        .grid()
        .interval()
        .map_or(0.0, |l| f64::from(l.minutes()) / 60.0);
    let agent_hours: f64 = s.cells().iter().map(|c| c.net.as_f64() * hours).sum();
    println!(
        "staffing  {agent_hours:.1} net agent-hours over {} queue-intervals, {:.1} FTE gross (horizon)",
        s.cells().len(),
        run.staff_plan.horizon().fte
    );
    let sum = &run.schedule.summary;
    println!(
        "schedule  {} shifts, {:.0} paid agent-hours against {:.0} required ({}), week from {}",
        sum.shifts,
        sum.paid_agent_hours,
        sum.required_agent_hours,
        sum.status,
        run.coverage.grid().start().date()
    );
    if let Some(audit) = &run.audit {
        let sl = audit
            .value("service_level")
            .map_or("?".into(), |v| format!("{:.2} %", 100.0 * v));
        let acc = audit
            .value("forecast_accuracy")
            .map_or("?".into(), |v| format!("{:.2} %", 100.0 * v));
        println!(
            "audit     {}: service level {sl}, volume forecast accuracy {acc}, {} KPIs",
            audit.options.period,
            audit.kpis.len()
        );
    }
    Ok(())
}
