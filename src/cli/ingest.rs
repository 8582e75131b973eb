//! `wfm ingest calls|intervals`: parse flags, call `wfm::data`, report the accounting on
//! stderr, render the KPI table.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wfm::data::{
    ingest_calls, ingest_intervals, Accounting, CallFormat, CallMapping, CallOptions,
    ColumnMapping, Ingested, IntervalOptions, QueueId, SlThresholds,
};
use wfm::units::{parse_duration_secs, IntervalLength};

use super::{emit, OutputArgs};

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
    report(&ing.accounting, common.quiet, inputs);
    if common.strict {
        ing.accounting.ensure_none_rejected()?;
    }
    let kpis = match &common.pool {
        Some(name) => ing.kpis.pooled(
            QueueId::new(name)
                .ok_or_else(|| usage(format!("--pool `{name}`: not a valid queue name")))?,
        ),
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
    let ing = ingest_calls(&a.files, &opts).context("failed to ingest call logs")?;
    finish(ing, &a.common, &a.files)
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
