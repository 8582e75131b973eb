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
    /// Time limit of the scheduling step.
    #[arg(long, default_value = "20s")]
    schedule_time_limit: String,
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

fn steps(root: &Path, out: &Path, time_limit: &str) -> Vec<Step> {
    let p = |rel: &str| root.join(rel).display().to_string();
    let o = |rel: &str| out.join(rel).display().to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut v = vec![
        Step {
            title:
                "ingest: raw call log (1–14 Jan 1999) → interval KPIs, every record accounted for",
            argv: [
                s(&["ingest", "calls"]),
                vec![p("data/anonbank/january_01-14.txt")],
                s(&["--interval", "30m", "--out"]),
                vec![o("01_ingest_jan01-14.csv")],
            ]
            .concat(),
        },
        Step {
            title: "forecast: February 1999 from January, per queue, model chosen by backtest",
            argv: [
                s(&["forecast", "--history"]),
                vec![p("data/audit/actuals_1999-01_02.csv")],
                s(&["--calendar"]),
                vec![p("data/anonbank/special_days_1999.csv")],
                s(&[
                    "--model",
                    "auto",
                    "--start",
                    "1999-02-01T00:00:00",
                    "--horizon",
                    "28d",
                    "--out",
                ]),
                vec![o("02_forecast_feb.csv")],
            ]
            .concat(),
        },
        Step {
            title:
                "staff: required agents per queue × interval (Erlang C, targets from the config)",
            argv: [
                s(&["staff", "--input"]),
                vec![o("02_forecast_feb.csv")],
                s(&["--config"]),
                vec![p("models/staffing.toml")],
                s(&["--history"]),
                vec![o("01_ingest_jan01-14.csv")],
                s(&["--out"]),
                vec![o("03_staff_feb.csv")],
            ]
            .concat(),
        },
        Step {
            title: "scenario: what-if variants against the February baseline",
            argv: [
                s(&["scenario", "--input"]),
                vec![o("02_forecast_feb.csv")],
                s(&["--config"]),
                vec![p("models/staffing.toml")],
                s(&["--history"]),
                vec![o("01_ingest_jan01-14.csv")],
                s(&["--scenarios"]),
                vec![p("models/scenarios.toml")],
                s(&["--out"]),
                vec![o("04_scenarios.csv")],
            ]
            .concat(),
        },
    ];
    v.push(Step {
        title: "schedule: a week of shifts with breaks covering the requirement (pooled queues)",
        argv: [
            s(&["schedule", "--requirement"]),
            vec![o("03_staff_feb.csv")],
            s(&["--from", "1999-02-07", "--days", "7", "--shifts"]),
            vec![p("models/shifts.toml")],
            s(&["--objective", "cost", "--time-limit", time_limit, "--out"]),
            vec![o("05_schedule")],
        ]
        .concat(),
    });
    v.push(Step {
        title: "audit: February against actuals, scorecard, HTML report",
        argv: [
            s(&["audit", "--period", "1999-02", "--actuals"]),
            vec![p("data/audit/actuals_1999-01_02.csv")],
            s(&["--forecast"]),
            vec![o("02_forecast_feb.csv")],
            s(&["--planned"]),
            vec![o("03_staff_feb.csv")],
            s(&["--agent-states"]),
            vec![p("data/audit/agent_states_1999-02.csv")],
            s(&["--facts"]),
            vec![p("data/audit/facts_1999-02.toml")],
            s(&["--previous-facts"]),
            vec![p("data/audit/facts_1999-01.toml")],
            s(&["--scorecard"]),
            vec![p("models/scorecard.toml")],
            s(&["--report"]),
            vec![o("06_report")],
        ]
        .concat(),
    });
    v
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
    let steps = steps(&root, &args.out, &args.schedule_time_limit);
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
