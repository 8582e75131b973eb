//! `wfm demo`: the whole pipeline on sample data embedded in the binary, as the commands a
//! planner would type.
//!
//! The sample data (`data/`) and models (`models/`) are compiled into the binary and written
//! next to the outputs (`wfm-demo/data/…`, `wfm-demo/models/…`), so `wfm demo` works from any
//! directory after `cargo install --path .`, and every printed command can be pasted and re-run
//! as it is. Each step is an ordinary `wfm` command line run by this same binary; its own
//! messages go to `wfm-demo/logs/`, and the demo prints one screen: one line per step with its
//! headline figure and output path, the command, then where to open the report.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::Context;
use wfm::table::{Cell, Table};

use super::{deliver, output_format, OutputArgs};

/// Arguments of `wfm demo`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes the sample inputs (data/, models/), every step's output, logs/ and \
commands.sh into --out DIR [wfm-demo]. A sample file already there and edited by you is kept and \
used (the demo says so); delete it to get the embedded one back. The schedule stops on a node \
limit, so the outputs are the same on an idle or a busy machine."
)]
pub(crate) struct Args {
    /// Directory for the sample inputs and every output of the demo (created; previous demo
    /// outputs are replaced).
    #[arg(long, value_name = "DIR", default_value = "wfm-demo")]
    out: PathBuf,
    /// The summary: one screen (table), or one record per step (csv, json).
    #[arg(long, value_enum, default_value_t = super::Format::Table)]
    format: super::Format,
    /// A wall-clock limit for the scheduling step (e.g. 20s), on top of its deterministic node
    /// limit. Makes the schedule timing-dependent; without it the demo's outputs are the same
    /// on any machine, idle or loaded.
    #[arg(long, value_name = "DURATION")]
    schedule_time_limit: Option<String>,
}

/// The sample inputs, embedded at build time (provenance: data/README.md, data/audit/README.md).
const SAMPLES: [(&str, &[u8]); 16] = [
    ("data/README.md", include_bytes!("../../data/README.md")),
    (
        "data/anonbank/january_01-14.txt",
        include_bytes!("../../data/anonbank/january_01-14.txt"),
    ),
    (
        "data/anonbank/special_days_1999.csv",
        include_bytes!("../../data/anonbank/special_days_1999.csv"),
    ),
    (
        "data/audit/README.md",
        include_bytes!("../../data/audit/README.md"),
    ),
    (
        "data/audit/actuals_1999-01_02.csv",
        include_bytes!("../../data/audit/actuals_1999-01_02.csv"),
    ),
    (
        "data/audit/agent_states_1999-02.csv",
        include_bytes!("../../data/audit/agent_states_1999-02.csv"),
    ),
    (
        "data/audit/facts_1999-01.toml",
        include_bytes!("../../data/audit/facts_1999-01.toml"),
    ),
    (
        "data/audit/facts_1999-02.toml",
        include_bytes!("../../data/audit/facts_1999-02.toml"),
    ),
    (
        "models/staffing.toml",
        include_bytes!("../../models/staffing.toml"),
    ),
    (
        "models/scenarios.toml",
        include_bytes!("../../models/scenarios.toml"),
    ),
    (
        "models/shifts.toml",
        include_bytes!("../../models/shifts.toml"),
    ),
    (
        "models/scorecard.toml",
        include_bytes!("../../models/scorecard.toml"),
    ),
    (
        "models/targets.toml",
        include_bytes!("../../models/targets.toml"),
    ),
    (
        "models/agents_example.csv",
        include_bytes!("../../models/agents_example.csv"),
    ),
    (
        "models/capacity_plan.toml",
        include_bytes!("../../models/capacity_plan.toml"),
    ),
    (
        "models/capacity_requirement.csv",
        include_bytes!("../../models/capacity_requirement.csv"),
    ),
];

/// One step of the demo: a short name, what it does, and a `wfm` command line.
struct Step {
    name: &'static str,
    title: &'static str,
    /// The main output, relative to the demo directory.
    output: &'static str,
    argv: Vec<String>,
}

/// A demo command line: `@…` words are paths inside the demo directory; other words are passed
/// as they are.
fn argv(words: &[&str], out: &Path) -> Vec<String> {
    words
        .iter()
        .map(|w| match w.strip_prefix('@') {
            Some(rel) => out.join(rel).display().to_string(),
            None => w.to_string(),
        })
        .collect()
}

fn steps(out: &Path, time_limit: Option<&str>) -> Vec<Step> {
    type Script = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
    );
    #[rustfmt::skip]
    let script: [Script; 7] = [
        ("ingest", "raw call log (1–14 Jan 1999) → interval KPIs, every record accounted for",
         "01_ingest_jan01-14.csv",
         &["ingest", "calls", "@data/anonbank/january_01-14.txt", "--interval", "30m",
           "--out", "@01_ingest_jan01-14.csv"]),
        ("forecast", "February 1999 from January, per queue, model chosen by backtest",
         "02_forecast_feb.csv",
         &["forecast", "--history", "@data/audit/actuals_1999-01_02.csv",
           "--calendar", "@data/anonbank/special_days_1999.csv", "--model", "auto",
           "--start", "1999-02-01T00:00:00", "--horizon", "28d",
           "--out", "@02_forecast_feb.csv"]),
        ("staff", "required agents per queue × interval (Erlang C/A, targets from the config)",
         "03_staff_feb.csv",
         &["staff", "--input", "@02_forecast_feb.csv", "--config", "@models/staffing.toml",
           "--history", "@01_ingest_jan01-14.csv", "--out", "@03_staff_feb.csv"]),
        ("scenario", "what-if variants against the February baseline",
         "04_scenarios.csv",
         &["scenario", "--input", "@02_forecast_feb.csv", "--config", "@models/staffing.toml",
           "--history", "@01_ingest_jan01-14.csv", "--scenarios", "@models/scenarios.toml",
           "--out", "@04_scenarios.csv"]),
        ("schedule", "a week of shifts with breaks covering the requirement (pooled queues)",
         "05_schedule/",
         &["schedule", "--requirement", "@03_staff_feb.csv", "--from", "1999-02-07",
           "--days", "7", "--shifts", "@models/shifts.toml", "--objective", "cost",
           "--config", "@models/staffing.toml", "--history", "@01_ingest_jan01-14.csv",
           "--out", "@05_schedule"]),
        ("capacity", "78-week hiring plan from March 1999 (classes, training, ramp, attrition)",
         "06_capacity_plan.csv",
         &["capacity", "--plan", "@models/capacity_plan.toml", "--format", "csv",
           "--out", "@06_capacity_plan.csv"]),
        ("audit", "February against actuals, scorecard, HTML report",
         "07_report/index.html",
         &["audit", "--period", "1999-02", "--actuals", "@data/audit/actuals_1999-01_02.csv",
           "--forecast", "@02_forecast_feb.csv", "--planned", "@03_staff_feb.csv",
           "--agent-states", "@data/audit/agent_states_1999-02.csv",
           "--facts", "@data/audit/facts_1999-02.toml",
           "--previous-facts", "@data/audit/facts_1999-01.toml",
           "--scorecard", "@models/scorecard.toml", "--targets", "@models/targets.toml",
           "--config", "@models/staffing.toml", "--illustrative", "agent-states",
           "--report", "@07_report", "--schedule", "@05_schedule",
           "--scenarios", "@04_scenarios.csv", "--capacity", "@06_capacity_plan.csv",
           "--out", "@07_audit_kpis.csv"]),
    ];
    script
        .iter()
        .map(|(name, title, output, words)| {
            let mut argv = argv(words, out);
            if let (Some(limit), "schedule") = (time_limit, *name) {
                argv.extend(["--time-limit".to_string(), limit.to_string()]);
            }
            Step {
                name,
                title,
                output,
                argv,
            }
        })
        .collect()
}

/// Writes the embedded samples into `out`. A file already there with other bytes (edited by the
/// user) is kept; the returned list names them.
fn write_samples(out: &Path) -> anyhow::Result<Vec<String>> {
    let mut kept = Vec::new();
    for (rel, bytes) in SAMPLES {
        let path = out.join(rel);
        match std::fs::read(&path) {
            Ok(existing) if existing == bytes => continue,
            Ok(_) => {
                kept.push(rel.to_string());
                continue;
            }
            Err(_) => {}
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        wfm::table::write_atomic(&path, bytes, &[])
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(kept)
}

/// Removes the outputs a previous demo run left in `out`, so that the steps (which never
/// overwrite an input) can write them again. Only names the demo itself writes are touched.
fn clear_previous(out: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for e in entries {
        let e = e?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        let ours = ["01_", "02_", "03_", "04_", "05_", "06_", "07_"]
            .iter()
            .any(|p| name.starts_with(p))
            || name == "logs"
            || name == "commands.sh";
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

/// What one step did: its exit code, its messages and its headline figure.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    seconds: f64,
    headline: String,
}

/// Runs one step as `wfm ARGS` with this same binary, keeping its messages for the log.
fn run_step(exe: &Path, step: &Step) -> anyhow::Result<Outcome> {
    let t = Instant::now();
    let o = Command::new(exe)
        .args(&step.argv)
        .output()
        .with_context(|| format!("cannot run `{}`", exe.display()))?;
    Ok(Outcome {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        seconds: t.elapsed().as_secs_f64(),
        headline: String::new(),
    })
}

/// The quoted command line as a user would paste it.
fn command_line(argv: &[String]) -> String {
    let quote = |a: &String| {
        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$&;|<>*?()".contains(c)) {
            format!("'{}'", a.replace('\'', r"'\''"))
        } else {
            a.clone()
        }
    };
    std::iter::once("wfm".to_string())
        .chain(argv.iter().map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let fmt = output_format(&OutputArgs {
        format: args.format,
        out: None,
    })?;
    let exe = std::env::current_exe().context("cannot find the wfm binary to run the steps")?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create `{}`", args.out.display()))?;
    clear_previous(&args.out)?;
    let kept = write_samples(&args.out)?;
    for k in &kept {
        eprintln!(
            "note: {} differs from the embedded sample: kept and used (delete it to restore the sample)",
            args.out.join(k).display()
        );
    }
    let logs = args.out.join("logs");
    std::fs::create_dir_all(&logs)
        .with_context(|| format!("cannot create `{}`", logs.display()))?;
    let steps = steps(&args.out, args.schedule_time_limit.as_deref());
    let total = Instant::now();
    let bar = indicatif::ProgressBar::new(steps.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("demo {bar:20} {pos}/{len} {msg} {elapsed}")
            .expect("valid template"),
    );
    let mut script = String::from("#!/bin/sh\n# The commands of `wfm demo`, in order.\nset -e\n");
    let mut outcomes = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        bar.set_message(step.name);
        let mut o = run_step(&exe, step)?;
        let line = command_line(&step.argv);
        let log = logs.join(format!("{:02}_{}.log", i + 1, step.name));
        let text = format!(
            "$ {line}\n# exit code {}, {:.2} s\n--- stdout ---\n{}--- stderr ---\n{}",
            o.code, o.seconds, o.stdout, o.stderr
        );
        wfm::table::write_atomic(&log, text.as_bytes(), &[])
            .with_context(|| format!("cannot write `{}`", log.display()))?;
        script.push_str(&format!("\n# {}: {}\n{line}\n", step.name, step.title));
        // 0 success; 3 completed with a target unmet (reported in the headline)
        if o.code != 0 && o.code != 3 {
            bar.finish_and_clear();
            anyhow::bail!(
                "demo step {} ({}) failed with exit code {}:\n$ {line}\n{}",
                i + 1,
                step.name,
                o.code,
                o.stderr.trim_end()
            );
        }
        o.headline = super::demo_headline::headline(step.name, &args.out, &o.stderr)
            .unwrap_or_else(|e| format!("(no headline: {e:#})"));
        if o.code == 3 {
            o.headline.push_str(" — a target is not met (exit code 3)");
        }
        outcomes.push(o);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let sh = args.out.join("commands.sh");
    wfm::table::write_atomic(&sh, script.as_bytes(), &[])
        .with_context(|| format!("cannot write `{}`", sh.display()))?;
    let report = args.out.join("07_report/index.html");
    let mut buf = Vec::new();
    if matches!(fmt, wfm::table::OutputFormat::Table) {
        screen(&mut buf, &steps, &outcomes, &args.out)?;
        use std::io::Write;
        writeln!(
            buf,
            "done in {:.1} s. Every command is in {} (and its messages in {}/).\nOpen {} in a browser.",
            total.elapsed().as_secs_f64(),
            sh.display(),
            logs.display(),
            report.display()
        )?;
    } else {
        records(&steps, &outcomes, &args.out).write(fmt, &mut buf)?;
    }
    deliver(
        &buf,
        &OutputArgs {
            format: args.format,
            out: None,
        },
        &[],
    )?;
    Ok(ExitCode::SUCCESS)
}

/// One screen: per step, `N name  headline  → output` and the command line.
fn screen(w: &mut Vec<u8>, steps: &[Step], outcomes: &[Outcome], out: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    writeln!(
        w,
        "wfm demo: the pipeline on the embedded Anonymous Bank sample (Jan–Feb 1999), outputs in {}/",
        out.display()
    )?;
    for (i, (s, o)) in steps.iter().zip(outcomes).enumerate() {
        writeln!(w)?;
        writeln!(
            w,
            "{} {:<9} {}  → {}",
            i + 1,
            s.name,
            o.headline,
            out.join(s.output).display()
        )?;
        writeln!(w, "  $ {}", command_line(&s.argv))?;
    }
    Ok(())
}

/// One record per step, for `--format csv|json`.
fn records(steps: &[Step], outcomes: &[Outcome], out: &Path) -> Table {
    let mut t = Table::new([
        "step",
        "name",
        "headline",
        "output",
        "command",
        "exit_code",
        "seconds",
    ]);
    for (i, (s, o)) in steps.iter().zip(outcomes).enumerate() {
        t.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::text(s.name),
            Cell::text(o.headline.clone()),
            Cell::text(out.join(s.output).display().to_string()),
            Cell::text(command_line(&s.argv)),
            Cell::Int(i64::from(o.code)),
            Cell::Float(o.seconds, 2),
        ]);
    }
    t
}
