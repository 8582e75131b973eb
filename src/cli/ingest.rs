//! `wfm ingest calls|intervals`: parse flags, call `wfm::data`, report the accounting on
//! stderr, render the KPI table.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wfm::data::{
    read_calls, Accounting, CallDays, CallFormat, CallMapping, CallOptions, ColumnMapping,
    Ingested, IntervalOptions, QueueId, SlThresholds,
};
use wfm::io::intervals::ingest_intervals;
use wfm::units::{parse_duration_secs, IntervalLength};

use super::{emit, emit_rows, OutputArgs};

/// The `ingest` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum IngestCommand {
    /// Raw call logs (one record per call) → interval KPIs per queue.
    ///
    /// Formats: the Anonymous Bank tab-separated 17-field log, or a generic CSV with columns
    /// call_id, queue, arrival_time, outcome (answered|abandoned), wait_seconds,
    /// handle_seconds [, acw_seconds, agent] (docs/ingest.md). Every record is used or
    /// rejected; rejections and repairs are listed on stderr with file and line, then a summary
    /// `N read, M used, R repaired, K rejected`.
    Calls(CallsArgs),
    /// Interval exports → the normalized, validated interval KPI table.
    ///
    /// Reads the shared schema (interval_start,queue,offered,answered,abandoned,aht_seconds,
    /// asa_seconds,sl_20s [+ exact sums]) or any export through a column mapping. Duplicate,
    /// unsorted, negative, non-finite or inconsistent rows are errors naming line and column.
    Intervals(IntervalsArgs),
}

/// Options shared by both readers.
#[derive(Debug, clap::Args)]
pub(crate) struct CommonArgs {
    /// Service level as TARGET/THRESHOLD (e.g. 80/20); repeatable. Each threshold T adds the
    /// columns sl_<T>s (a fraction), answered_le<T>, abandoned_le<T>; the target is not used
    /// by ingestion [80/20].
    #[arg(long, value_name = "TARGET/THRESHOLD", value_parser = parse_sl)]
    sl: Vec<Sl>,
    /// Old spelling of the threshold of --sl (e.g. 20s, 30, 1m); repeatable.
    #[arg(
        long = "sl-threshold",
        value_name = "DURATION",
        hide = true,
        conflicts_with = "sl"
    )]
    sl_threshold: Vec<String>,
    /// Any rejected record is an error (exit code 1, no output written).
    #[arg(long)]
    strict: bool,
    /// Do not list each rejection and repair on stderr (the summary is still printed).
    #[arg(long, short)]
    quiet: bool,
    /// Pool all queues into one queue of this name (agents shared by every queue); every KPI
    /// of the pooled rows is rebuilt exactly from the sums.
    #[arg(long, value_name = "NAME")]
    pool: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Arguments of `wfm ingest calls`.
#[derive(Debug, clap::Args)]
pub(crate) struct CallsArgs {
    /// Call-log files (`-` = standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Interval length: 5m, 6m, 10m, 15m, 30m or 60m.
    #[arg(long, default_value = "30m", value_parser = parse_interval)]
    interval: IntervalLength,
    /// Input format (auto = detect from the first line).
    #[arg(long = "input-format", value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Column mapping TOML of a generic call log: other column names, outcome words, and the
    /// export's shape (delimiter, decimal comma, lines to skip, date/time/duration formats,
    /// time zone). Implies --input-format generic.
    #[arg(long, value_name = "TOML")]
    mapping: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Arguments of `wfm ingest intervals`.
#[derive(Debug, clap::Args)]
pub(crate) struct IntervalsArgs {
    /// Interval export files (CSV with a header; `-` = standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Expected interval length (inferred from the data when omitted).
    #[arg(long, value_parser = parse_interval)]
    interval: Option<IntervalLength>,
    /// Column mapping TOML (e.g. models/interval_mapping.toml).
    #[arg(long, value_name = "TOML")]
    mapping: Option<PathBuf>,
    /// Column mapping entry KEY=VALUE, applied after --mapping; repeatable
    /// (e.g. --map offered="Calls Offered" --map sl_unit=percent).
    #[arg(long = "map", value_name = "KEY=VALUE")]
    map: Vec<String>,
    /// Keep the rows as given instead of zero-filling every covered day × interval × queue.
    #[arg(long)]
    no_fill: bool,
    #[command(flatten)]
    common: CommonArgs,
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum InputFormat {
    /// Detect from the first line.
    Auto,
    /// Anonymous Bank tab-separated 17-field log.
    Anonbank,
    /// Generic call-level CSV.
    Generic,
}

use super::vocab::{parse_sl, usage, Sl};

fn parse_interval(s: &str) -> Result<IntervalLength, String> {
    s.parse::<IntervalLength>().map_err(|e| e.to_string())
}

fn thresholds(common: &CommonArgs) -> anyhow::Result<SlThresholds> {
    if common.sl_threshold.is_empty() {
        let secs: Vec<u32> = common.sl.iter().map(|s| s.threshold_secs).collect();
        return Ok(SlThresholds::new(secs).unwrap_or_default());
    }
    old_thresholds(&common.sl_threshold)
}

fn old_thresholds(args: &[String]) -> anyhow::Result<SlThresholds> {
    let mut secs = Vec::new();
    for a in args {
        let s = parse_duration_secs(a).map_err(|e| usage(format!("--sl-threshold `{a}`: {e}")))?;
        let s = u32::try_from(s)
            .ok()
            .filter(|s| *s <= 86_400)
            .ok_or_else(|| usage(format!("--sl-threshold `{a}`: at most one day")))?;
        secs.push(s);
    }
    Ok(SlThresholds::new(secs).unwrap_or_default())
}

/// Lists repairs and rejections on stderr in input order (file as given, then line), then the
/// summary.
fn report(acc: &Accounting, quiet: bool, inputs: &[PathBuf]) {
    if !quiet {
        let rank = |f: &Path| inputs.iter().position(|p| p == f).unwrap_or(usize::MAX);
        let mut msgs: Vec<(usize, u64, String)> = acc
            .repairs
            .iter()
            .map(|r| (rank(&r.at.file), r.at.line, r.to_string()))
            .chain(
                acc.rejections
                    .iter()
                    .map(|r| (rank(&r.at.file), r.at.line, r.to_string())),
            )
            .collect();
        msgs.sort_by_key(|m| (m.0, m.1));
        for (_, _, m) in msgs {
            eprintln!("{m}");
        }
    }
    eprintln!("{}", acc.summary());
    for l in acc.detail_lines() {
        eprintln!("  {l}");
    }
}

pub(crate) fn run(cmd: IngestCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        IngestCommand::Calls(a) => run_calls(a),
        IngestCommand::Intervals(a) => run_intervals(a),
    }
}

fn finish(ing: Ingested, common: &CommonArgs, inputs: &[PathBuf]) -> anyhow::Result<ExitCode> {
    account(&ing.accounting, common, inputs)?;
    let kpis = match pool_name(common)? {
        Some(name) => ing.kpis.pooled(name),
        None => ing.kpis,
    };
    emit(&kpis.to_table(), &common.output, inputs)?;
    Ok(ExitCode::SUCCESS)
}

fn run_calls(a: CallsArgs) -> anyhow::Result<ExitCode> {
    let opts = CallOptions::default()
        .with_interval(a.interval)
        .with_thresholds(thresholds(&a.common)?)
        .with_format(match a.input_format {
            InputFormat::Auto => CallFormat::Auto,
            InputFormat::Anonbank => CallFormat::AnonBank,
            InputFormat::Generic => CallFormat::Generic,
        });
    let mut opts = opts.with_zone(wfm::table::default_zone());
    if let Some(p) = &a.mapping {
        opts = opts.with_mapping(CallMapping::from_toml(p)?);
    }
    let calls = read_calls(&a.files, &opts).with_context(|| {
        let names: Vec<String> = a
            .files
            .iter()
            .map(|f| format!("`{}`", f.display()))
            .collect();
        format!("failed to ingest call log(s) {}", names.join(", "))
    })?;
    finish_calls(calls, &a.common, &a.files)
}

/// As [`finish`], streaming the table one covered day at a time (CSV, JSON and text output):
/// zero-filled rows of many queues × days at a short interval never exist all at once.
fn finish_calls(
    calls: CallDays,
    common: &CommonArgs,
    inputs: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let parquet = common.output.out.as_ref().is_some_and(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    });
    if parquet {
        // The Parquet writer takes a whole table.
        return finish(calls.into_ingested(), common, inputs);
    }
    account(calls.accounting(), common, inputs)?;
    let pool = pool_name(common)?;
    // One table of this ingestion's header, refilled with each day's rows; the columns do not
    // depend on the queues, so a pooled table has the same ones.
    let mut day = calls.header();
    let columns = day.column_names();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    emit_rows(&columns, &common.output, inputs, |w| {
        for d in 0..calls.n_days() {
            day.rows = calls.day(d);
            let rows = match &pool {
                Some(name) => day.pooled(name.clone()).rows,
                None => std::mem::take(&mut day.rows),
            };
            for r in &rows {
                w.row(&day.row_cells(r))?;
            }
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Reports the accounting on stderr and, with `--strict`, fails on any rejected record.
fn account(acc: &Accounting, common: &CommonArgs, inputs: &[PathBuf]) -> anyhow::Result<()> {
    report(acc, common.quiet, inputs);
    if common.strict {
        acc.ensure_none_rejected()?;
    }
    Ok(())
}

/// `--pool NAME` as a queue id.
fn pool_name(common: &CommonArgs) -> anyhow::Result<Option<QueueId>> {
    common
        .pool
        .as_ref()
        .map(|name| {
            QueueId::new(name)
                .ok_or_else(|| usage(format!("--pool `{name}`: not a valid queue name")))
        })
        .transpose()
}

fn run_intervals(a: IntervalsArgs) -> anyhow::Result<ExitCode> {
    let mut mapping = match &a.mapping {
        Some(p) => ColumnMapping::from_toml(Path::new(p))?,
        None => ColumnMapping::default(),
    };
    for m in &a.map {
        mapping.set(m)?;
    }
    let opts = IntervalOptions {
        mapping,
        interval: a.interval,
        thresholds: thresholds(&a.common)?,
        no_fill: a.no_fill,
        zone: wfm::table::default_zone(),
    };
    let ing = ingest_intervals(&a.files, &opts).context("failed to ingest interval exports")?;
    finish(ing, &a.common, &a.files)
}
