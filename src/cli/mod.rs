//! Command-line interface: one file per subcommand, each with `Args` and `run`.
//!
//! Exit codes: 0 success; 1 runtime error (bad input, I/O, `--strict` rejections);
//! 2 usage error; 3 completed but a target was not met / the problem is infeasible.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use wfm::table::{OutputFormat, Table};

mod audit;
mod backtest;
mod calibrate;
mod capacity;
mod demo;
mod demo_headline;
mod evaluate;
mod forecast;
mod ingest;
mod long_range;
mod multiskill;
mod multiskill_eval;
mod multiskill_scenario;
mod scenario;
mod schedule;
mod simulate;
mod staff;
pub(crate) mod vocab;

/// Contact-center workforce management: ingest history, forecast, staff, schedule, audit.
#[derive(Debug, Parser)]
#[command(name = "wfm", version, about, long_about = None)]
#[command(
    after_help = "Shared options: --out FILE (format by extension: .csv, .json, .txt, .parquet) and \
--format table|csv|json on every command that writes a table; --sl TARGET/THRESHOLD (e.g. 80/20 = \
80 % answered within 20 s) on every command with a service-level target.\n\
Exit codes: 0 success, 1 error, 2 usage error, 3 target unmet / infeasible."
)]
pub(crate) struct Cli {
    /// Worksheet to read from every XLSX/XLS/ODS input (default: the first sheet).
    #[arg(long, global = true, value_name = "NAME")]
    sheet: Option<String>,
    /// The site's time zone (IANA name, e.g. America/New_York): timestamps with `Z` or a UTC
    /// offset are converted to its clock, naive ones are its wall clock, and ingest, forecast,
    /// staff and schedule write interval_start with its UTC offset (a day is a local calendar
    /// day: a fall-back day has 50 half-hours, a spring-forward day 46).
    #[arg(long, global = true, value_name = "ZONE", value_parser = parse_zone)]
    tz: Option<chrono_tz::Tz>,
    /// Worker threads for per-queue work (forecast, backtest, staffing) [all cores, or
    /// RAYON_NUM_THREADS]; outputs are the same for every thread count.
    #[arg(long, global = true, value_name = "N", value_parser = parse_threads)]
    threads: Option<std::num::NonZeroUsize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read raw call logs or interval exports into validated per-queue interval KPIs.
    #[command(subcommand)]
    Ingest(ingest::IngestCommand),
    /// Forecast volume and AHT per queue × interval.
    Forecast(forecast::Args),
    /// Rolling-origin backtest of forecasting models.
    Backtest(backtest::Args),
    /// Required agents per interval (Erlang C / Erlang A), or evaluate a given staffing.
    Staff(staff::Args),
    /// Service per queue × interval or day that a schedule delivers against demand.
    Evaluate(evaluate::Args),
    /// What-if scenarios against a baseline staffing plan.
    Scenario(scenario::Args),
    /// Optimise shifts and breaks against a staffing requirement.
    Schedule(schedule::Args),
    /// Discrete-event simulation of a plan: SL, ASA, abandonment, occupancy with percentiles.
    Simulate(simulate::Args),
    /// Long-range capacity plan: hires per week over 12–18 months (weekly MIP).
    Capacity(capacity::Args),
    /// Learn availability, patience, handle times and pools from history (calibration.toml).
    Calibrate(calibrate::Args),
    /// Monthly audit of KPIs, forecast accuracy and scorecard.
    Audit(audit::Args),
    /// Run the pipeline on the embedded sample data and print a summary.
    Demo(demo::Args),
}

/// Parses the command line. The value of a one-value option may start with `-` (`--shrinkage -1`,
/// `--horizon -1d`), so that it reaches the option's own domain check, whose error names the
/// option and its range, instead of clap's "unexpected argument '-1'".
pub(crate) fn parse() -> Cli {
    use clap::{ArgAction, CommandFactory, FromArgMatches};
    fn negative_numbers(cmd: clap::Command) -> clap::Command {
        cmd.mut_args(|a| match a.get_action() {
            ArgAction::Set if !a.is_positional() => a.allow_hyphen_values(true),
            ArgAction::Set | ArgAction::Append => a.allow_negative_numbers(true),
            _ => a,
        })
        .mut_subcommands(negative_numbers)
    }
    let matches = negative_numbers(Cli::command()).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    wfm::table::set_default_sheet(cli.sheet);
    wfm::table::set_default_zone(cli.tz);
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.get())
            .build_global()
            .context("--threads: the thread pool could not be built")?;
    }
    // Every command but the demo (whose steps read what the earlier ones wrote) writes its
    // files as one set: all of them or none (issue #16).
    let as_set = !matches!(cli.command, Command::Demo(_));
    if as_set {
        wfm::table::begin_output_set();
    }
    let result = run_command(cli.command);
    match &result {
        Ok(_) if as_set => wfm::table::commit_output_set()?,
        Err(_) => wfm::table::abort_output_set(),
        Ok(_) => {}
    }
    result
}

fn run_command(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Ingest(c) => ingest::run(c),
        Command::Forecast(a) => forecast::run(a),
        Command::Backtest(a) => backtest::run(a),
        Command::Staff(a) => staff::run(a),
        Command::Evaluate(a) => evaluate::run(a),
        Command::Scenario(a) => scenario::run(a),
        Command::Schedule(a) => schedule::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Capacity(a) => capacity::run(a),
        Command::Calibrate(a) => calibrate::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Demo(a) => demo::run(a),
    }
}

/// `--threads`: 1 to [`wfm::limits::MAX_THREADS`] (100,000 threads took minutes to start).
fn parse_threads(s: &str) -> Result<std::num::NonZeroUsize, String> {
    let max = wfm::limits::MAX_THREADS;
    s.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .and_then(std::num::NonZeroUsize::new)
        .ok_or_else(|| format!("expected a number of threads from 1 to {max}, got `{s}`"))
}

fn parse_zone(s: &str) -> Result<chrono_tz::Tz, String> {
    wfm::io::shape::parse_zone(s)
}

/// `--format`, shared by every command that prints a table.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns.
    #[default]
    Table,
    /// CSV with a header.
    Csv,
    /// JSON array of objects.
    Json,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => OutputFormat::Table,
            Format::Csv => OutputFormat::Csv,
            Format::Json => OutputFormat::Json,
        }
    }
}

/// Output options shared by the commands: `--format` to stdout, or `--out FILE`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct OutputArgs {
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    /// Write the result to FILE instead of stdout (format by extension: .csv, .json, .txt, or
    /// .parquet for commands whose output is a table; atomic write, never over an input).
    #[arg(long, value_name = "FILE", value_parser = parse_out_file)]
    pub(crate) out: Option<PathBuf>,
}

/// The extensions `--out FILE` takes, and the format each writes.
const OUT_EXTENSIONS: [(&str, OutputFormat); 3] = [
    ("csv", OutputFormat::Csv),
    ("json", OutputFormat::Json),
    ("txt", OutputFormat::Table),
];

/// `--out FILE`: checked when the command line is parsed, so that a bad extension is a usage
/// error (exit code 2) before any work is done.
fn parse_out_file(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match path.extension().and_then(|e| e.to_str()) {
        None => Ok(path),
        Some(e)
            if OUT_EXTENSIONS
                .iter()
                .any(|(x, _)| x.eq_ignore_ascii_case(e)) =>
        {
            Ok(path)
        }
        // Parquet: recognised here, written by the commands that have a Parquet writer (the
        // others say so when they run).
        Some(e) if e.eq_ignore_ascii_case("parquet") => Ok(path),
        Some(e) => Err(format!(
            "unsupported output extension `.{e}` (use {})",
            OUT_EXTENSIONS
                .iter()
                .map(|(x, _)| format!(".{x}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The format of the output: by `--out`'s extension when given, else `--format`.
///
/// # Errors
/// A usage error (exit code 2) for an extension that is not .csv, .json or .txt.
pub(crate) fn output_format(out: &OutputArgs) -> anyhow::Result<OutputFormat> {
    let Some(path) = &out.out else {
        return Ok(out.format.into());
    };
    let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
        return Ok(OutputFormat::Csv);
    };
    OUT_EXTENSIONS
        .iter()
        .find(|(x, _)| x.eq_ignore_ascii_case(ext))
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            let why = match parse_out_file(&path.display().to_string()) {
                // Parquet is a valid extension, but only for commands whose output is one table.
                Ok(_) => format!(
                    "this command's output is not a single table; `.{ext}` is not available here \
                     (use .csv, .json or .txt)"
                ),
                Err(why) => why,
            };
            vocab::usage(format!("--out {}: {why}", path.display()))
        })
}

/// Writes rendered output `bytes` to `--out` (atomically, never over one of `inputs`) or to
/// stdout.
pub(crate) fn deliver(bytes: &[u8], out: &OutputArgs, inputs: &[PathBuf]) -> anyhow::Result<()> {
    match &out.out {
        Some(path) => wfm::table::write_atomic(path, bytes, inputs)
            .with_context(|| format!("failed to write `{}`", path.display())),
        None => {
            let mut lock = std::io::stdout().lock();
            lock.write_all(bytes)?;
            lock.flush()?;
            Ok(())
        }
    }
}

/// Renders `table` to `--out` (atomically, never over an input) or to stdout in `--format`.
pub(crate) fn emit(table: &Table, out: &OutputArgs, inputs: &[PathBuf]) -> anyhow::Result<()> {
    match &out.out {
        Some(path) => {
            if path.extension().and_then(|e| e.to_str()) == Some("parquet") {
                let buf = wfm::io::parquet_out::write_table(table, path)?;
                wfm::table::write_atomic(path, &buf, inputs)
                    .with_context(|| format!("failed to write `{}`", path.display()))?;
                return Ok(());
            }
            let fmt = output_format(out)?;
            let mut buf = Vec::new();
            table.write(fmt, &mut buf)?;
            wfm::table::write_atomic(path, &buf, inputs)
                .with_context(|| format!("failed to write `{}`", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            table.write(out.format.into(), &mut lock)?;
            lock.flush()?;
        }
    }
    Ok(())
}

/// As [`emit`], for a large table produced row by row by `rows` (streamed to the file or to
/// stdout; only the aligned text format buffers).
pub(crate) fn emit_rows(
    columns: &[&str],
    out: &OutputArgs,
    inputs: &[PathBuf],
    rows: impl FnOnce(&mut wfm::table::RowWriter<'_>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let run = |fmt: OutputFormat, w: &mut dyn Write| -> std::io::Result<()> {
        let mut rw = wfm::table::RowWriter::new(columns, fmt, w)?;
        rows(&mut rw)?;
        rw.finish()
    };
    match &out.out {
        Some(path) => {
            let fmt = output_format(out)?;
            wfm::table::write_atomic_with(path, inputs, |w| run(fmt, w))
                .with_context(|| format!("failed to write `{}`", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            run(out.format.into(), &mut lock)?;
            lock.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
