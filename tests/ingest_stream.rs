//! `wfm ingest calls` writes its table one covered day at a time (issue #11: 10,000 calls over
//! 100 queues × 100 days at 5 min took 3.4 GB as a whole table). The streamed bytes must be
//! exactly those of the whole table the library builds.

use std::process::Command;

use wfm::data::{ingest_calls, CallOptions, QueueId};
use wfm::table::OutputFormat;
use wfm::units::IntervalLength;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/anonbank/january_01-14.txt"
);

fn cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["ingest", "calls", SAMPLE, "--quiet"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn library(minutes: i64, pool: Option<&str>, format: OutputFormat) -> Vec<u8> {
    let opts = CallOptions::default().with_interval(IntervalLength::from_minutes(minutes).unwrap());
    let mut kpis = ingest_calls(&[SAMPLE], &opts).unwrap().kpis;
    if let Some(p) = pool {
        kpis = kpis.pooled(QueueId::new(p).unwrap());
    }
    let mut buf = Vec::new();
    kpis.to_table().write(format, &mut buf).unwrap();
    buf
}

#[test]
fn streamed_output_equals_the_whole_table() {
    assert_eq!(
        cli(&["--interval", "15m", "--format", "csv"]),
        library(15, None, OutputFormat::Csv)
    );
    assert_eq!(
        cli(&["--format", "json", "--pool", "ALL"]),
        library(30, Some("ALL"), OutputFormat::Json)
    );
    assert_eq!(
        cli(&["--interval", "60m", "--format", "table"]),
        library(60, None, OutputFormat::Table)
    );
}

#[test]
fn days_rebuild_the_whole_table() {
    let opts = CallOptions::default();
    let days = wfm::data::read_calls(&[SAMPLE], &opts).unwrap();
    let whole = ingest_calls(&[SAMPLE], &opts).unwrap();
    assert_eq!(days.n_days(), whole.kpis.days.len());
    let mut rows = Vec::new();
    for d in 0..days.n_days() {
        rows.extend(days.day(d));
    }
    assert_eq!(rows, whole.kpis.rows);
    assert_eq!(days.accounting(), &whole.accounting);
}
