//! `wfm demo`: the whole pipeline on the embedded sample data, as the commands a planner would
//! type.
//!
//! Each step is an ordinary `wfm` command line, parsed by the same parser and run by the same
//! code as when typed by hand; the demo prints every command before running it, so any step can
//! be re-run or changed on its own. Outputs go to `--out DIR` (default `wfm-demo/`); the sample
//! inputs in `data/` and `models/` are only read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;

/// Arguments of `wfm demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Directory for every output of the demo (created; existing demo outputs are replaced).
    #[arg(long, value_name = "DIR", default_value = "wfm-demo")]
    out: PathBuf,
    /// The repository root holding `data/` and `models/` [the current directory, else the
    /// source tree the binary was built from].
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// A wall-clock limit for the scheduling step (e.g. 20s), on top of its deterministic node
    /// limit. Makes the schedule timing-dependent; without it the demo's outputs are the same
    /// on any machine, idle or loaded.
    #[arg(long, value_name = "DURATION")]
    schedule_time_limit: Option<String>,
}

/// One step of the demo: a title and a `wfm` command line.
struct Step {
    title: &'static str,
    argv: Vec<String>,
}

fn root_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(r) = explicit {
        return Ok(r.to_path_buf());
    }
    let here = PathBuf::from(".");
    if here.join("data/anonbank").is_dir() && here.join("models").is_dir() {
        return Ok(here);
    }
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if built.join("data/anonbank").is_dir() {
        return Ok(built);
    }
    anyhow::bail!(
        "cannot find the sample data: run `wfm demo` from the repository root or pass --root DIR"
    )
}

/// A demo command line: `@data/…` and `@models/…` are read from the repository root, `@out/…`
/// is written to the output directory; other words are passed as they are.
fn argv(words: &[&str], root: &Path, out: &Path) -> Vec<String> {
    words
        .iter()
        .map(|w| {
            if let Some(rel) = w.strip_prefix("@out/") {
                out.join(rel).display().to_string()
            } else if w.starts_with("@data/") || w.starts_with("@models/") {
                root.join(&w[1..]).display().to_string()
            } else {
                w.to_string()
            }
        })
        .collect()
}

fn steps(root: &Path, out: &Path, time_limit: Option<&str>) -> Vec<Step> {
    #[rustfmt::skip]
    let script: [(&'static str, &[&str]); 6] = [
        ("ingest: raw call log (1–14 Jan 1999) → interval KPIs, every record accounted for",
         &["ingest", "calls", "@data/anonbank/january_01-14.txt", "--interval", "30m",
           "--out", "@out/01_ingest_jan01-14.csv"]),
        ("forecast: February 1999 from January, per queue, model chosen by backtest",
         &["forecast", "--history", "@data/audit/actuals_1999-01_02.csv",
           "--calendar", "@data/anonbank/special_days_1999.csv", "--model", "auto",
           "--start", "1999-02-01T00:00:00", "--horizon", "28d",
           "--out", "@out/02_forecast_feb.csv"]),
        ("staff: required agents per queue × interval (Erlang C, targets from the config)",
         &["staff", "--input", "@out/02_forecast_feb.csv", "--config", "@models/staffing.toml",
           "--history", "@out/01_ingest_jan01-14.csv", "--out", "@out/03_staff_feb.csv"]),
        ("scenario: what-if variants against the February baseline",
         &["scenario", "--input", "@out/02_forecast_feb.csv", "--config", "@models/staffing.toml",
           "--history", "@out/01_ingest_jan01-14.csv", "--scenarios", "@models/scenarios.toml",
           "--out", "@out/04_scenarios.csv"]),
        ("schedule: a week of shifts with breaks covering the requirement (pooled queues)",
         &["schedule", "--requirement", "@out/03_staff_feb.csv", "--from", "1999-02-07",
           "--days", "7", "--shifts", "@models/shifts.toml", "--objective", "cost",
           "--out", "@out/05_schedule"]),
        ("audit: February against actuals, scorecard, HTML report",
         &["audit", "--period", "1999-02", "--actuals", "@data/audit/actuals_1999-01_02.csv",
           "--forecast", "@out/02_forecast_feb.csv", "--planned", "@out/03_staff_feb.csv",
           "--agent-states", "@data/audit/agent_states_1999-02.csv",
           "--facts", "@data/audit/facts_1999-02.toml",
           "--previous-facts", "@data/audit/facts_1999-01.toml",
           "--scorecard", "@models/scorecard.toml", "--report", "@out/06_report"]),
    ];
    script
        .iter()
        .map(|(title, words)| {
            let mut argv = argv(words, root, out);
            if let (Some(limit), Some("schedule")) = (time_limit, words.first().copied()) {
                argv.extend(["--time-limit".to_string(), limit.to_string()]);
            }
            Step { title, argv }
        })
        .collect()
}

/// Removes the outputs a previous demo run left in `out`, so that the steps (which never
/// overwrite a file) can write them again. Only names the demo itself writes are touched.
fn clear_previous(out: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for e in entries {
        let e = e?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with("01_")
            || name.starts_with("02_")
            || name.starts_with("03_")
            || name.starts_with("04_")
            || name.starts_with("05_")
            || name.starts_with("06_");
        if !ours {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        }
        .with_context(|| {
            format!(
                "cannot remove the previous demo output `{}`",
                path.display()
            )
        })?;
    }
    Ok(())
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = root_dir(args.root.as_deref())?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create `{}`", args.out.display()))?;
    clear_previous(&args.out)?;
    let steps = steps(&root, &args.out, args.schedule_time_limit.as_deref());
    let total = Instant::now();
    let n = steps.len();
    for (i, step) in steps.iter().enumerate() {
        eprintln!();
        eprintln!("[{}/{n}] {}", i + 1, step.title);
        eprintln!("$ wfm {}", step.argv.join(" "));
        let t = Instant::now();
        let argv = std::iter::once("wfm".to_string()).chain(step.argv.iter().cloned());
        let cli = super::Cli::try_parse_from(argv)
            .with_context(|| format!("demo step {} has a bad command line", i + 1))?;
        let code = super::run(cli).with_context(|| format!("demo step {} failed", i + 1))?;
        eprintln!("  ({:.2} s)", t.elapsed().as_secs_f64());
        if code != ExitCode::SUCCESS {
            eprintln!("  (step {} finished with a non-zero exit code)", i + 1);
        }
    }
    eprintln!();
    eprintln!(
        "demo done in {:.1} s; outputs in {}",
        total.elapsed().as_secs_f64(),
        args.out.display()
    );
    eprintln!(
        "open {} in a browser",
        args.out.join("06_report/index.html").display()
    );
    Ok(ExitCode::SUCCESS)
}
