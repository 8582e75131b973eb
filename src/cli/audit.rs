//! `wfm audit`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use wfm::audit::{AuditInputs, AuditOptions, InputPaths, Period, SlConvention};
use wfm::table::{Cell, OutputFormat, Table};

use super::vocab::{parse_sl, usage, Sl};
use super::{deliver, output_format, OutputArgs};

/// Which part of the audit to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Section {
    /// Every KPI with value, previous month, change, status and formula.
    Kpis,
    /// Forecast accuracy per queue, day, weekday and weekday × interval (volume and AHT).
    Accuracy,
    /// The weighted scorecard.
    Scorecard,
    /// Erlang C / Erlang A predictions against what happened.
    ModelCheck,
    /// Per pool × interval: Erlang C, Erlang A and the simulator, with and without
    /// `--calibration`, predicted against observed SL, abandonment and ASA.
    ModelCheckIntervals,
    /// The fidelity report: errors per model on busy intervals, noise floor, verdict.
    Fidelity,
    /// The fidelity per day: each day's observed and predicted SL and abandonment on its busy
    /// intervals, per model, with and without `--calibration`.
    FidelityDaily,
    /// Per-day volumes, SL, ASA, abandon rate, occupancy.
    Daily,
    /// Per-interval required, scheduled and actual agents.
    Staffing,
    /// How every input row was used.
    Inputs,
    /// Every section (table format: one after the other; JSON: one object; CSV: not allowed).
    All,
}

/// The SL convention flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Convention {
    /// answered ≤ X ÷ offered (abandons count against).
    Offered,
    /// answered ≤ X ÷ answered (abandons ignored).
    Answered,
    /// answered ≤ X ÷ (offered − abandoned ≤ X) (short abandons excluded).
    ExcludeShortAbandons,
}

/// Arguments of `wfm audit` (boxed: the `Command` enum stays small).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    inner: Box<AuditArgs>,
}

/// The flags of `wfm audit`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  wfm audit --period 1999-02 --actuals data/audit/actuals_1999-01_02.csv \\\n    --forecast data/audit/forecast_1999-02.csv --agent-states data/audit/agents_30min_1999-01_02.csv \\\n    --facts data/audit/facts_1999-02.toml --previous-facts data/audit/facts_1999-01.toml \\\n    --scorecard models/scorecard.toml --report report/\n\nA KPI whose input is missing is listed as `not computable: needs …`, never as 0."
)]
pub(crate) struct AuditArgs {
    /// The audited month, YYYY-MM.
    #[arg(long)]
    period: String,
    /// Actual intervals (`wfm ingest` output: interval_start,queue,offered,answered,abandoned,…).
    #[arg(long, value_name = "FILE")]
    actuals: PathBuf,
    /// Forecast snapshot (`wfm forecast` output); FILE.meta.json is read when present.
    #[arg(long, value_name = "FILE")]
    forecast: Option<PathBuf>,
    /// Planned staffing: interval_start[,queue],required|scheduled|agents.
    #[arg(long, value_name = "FILE")]
    planned: Option<PathBuf>,
    /// Agent states per agent × interval, or the pooled proxy (busy_agents_equiv, distinct_named_agents).
    #[arg(long, value_name = "FILE")]
    agent_states: Option<PathBuf>,
    /// Monthly operations facts (TOML).
    #[arg(long, value_name = "FILE")]
    facts: Option<PathBuf>,
    /// The previous month's facts, for month-over-month change.
    #[arg(long, value_name = "FILE")]
    previous_facts: Option<PathBuf>,
    /// Scorecard definition (TOML), e.g. models/scorecard.toml.
    #[arg(long, value_name = "FILE")]
    scorecard: Option<PathBuf>,
    /// Service level as TARGET/THRESHOLD, e.g. 80/20: the threshold X selects the actuals'
    /// answered_le{X} columns (sl_20s serves X = 20) [80/20]. The KPI table shows percentages;
    /// CSV and JSON carry fractions.
    #[arg(long, value_name = "TARGET/THRESHOLD", value_parser = parse_sl)]
    sl: Option<Sl>,
    /// Old spelling of the threshold of --sl, seconds.
    #[arg(long, hide = true, conflicts_with = "sl")]
    threshold: Option<u32>,
    /// Convention of the headline service level (all three are reported).
    #[arg(long, value_enum, default_value_t = Convention::Offered)]
    sl_convention: Convention,
    /// Mean patience for Erlang A in seconds (default: estimated from the period's waits).
    #[arg(long)]
    patience: Option<f64>,
    /// `wfm calibrate` output: adds calibrated predictions to the model check sections.
    #[arg(long, value_name = "FILE")]
    calibration: Option<PathBuf>,
    /// Replications of the simulator in the model check sections.
    #[arg(long, default_value_t = 20)]
    sim_reps: u32,
    /// Which part to print.
    #[arg(long, value_enum, default_value_t = Section::Kpis)]
    section: Section,
    #[command(flatten)]
    output: OutputArgs,
    /// KPI targets (TOML: per KPI, optionally per queue; docs/audit.md). Defaults: the
    /// staffing config's (--config) and the scorecard's full-marks thresholds.
    #[arg(long, value_name = "FILE")]
    targets: Option<PathBuf>,
    /// Staffing config (models/staffing.toml): its SL / ASA / abandon / occupancy targets are
    /// default KPI targets.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Label an input as illustrative on the report (agent-states, facts, planned, …); facts
    /// whose `source` says "illustrative" are labelled without it. Repeatable.
    #[arg(long, value_name = "NAME")]
    illustrative: Vec<String>,
    /// Agent pools (skill groups): a TOML file with `[[pools]]` `name`, `queues` — `wfm
    /// calibrate`'s output or a planner's file. Each pool gets its KPIs and a report section.
    /// Default: the pools of --calibration, when given.
    #[arg(long, value_name = "FILE")]
    pools: Option<PathBuf>,
    /// Write the HTML report (index.html with inline SVG charts) into DIR.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// `wfm schedule` output directory (coverage.csv, plan.csv): the report's week coverage and
    /// shift Gantt.
    #[arg(long, value_name = "DIR", requires = "report")]
    schedule: Option<PathBuf>,
    /// `wfm scenario` output (CSV): the report's scenario page.
    #[arg(long, value_name = "FILE", requires = "report")]
    scenarios: Option<PathBuf>,
    /// `wfm capacity --format csv --out FILE` hiring plan: the report's capacity view.
    #[arg(long, value_name = "FILE", requires = "report")]
    capacity: Option<PathBuf>,
    /// The day of the report's day view, YYYY-MM-DD (default: the worst and the best day).
    #[arg(long, value_name = "DATE", requires = "report")]
    day: Option<String>,
    /// Also print the report to this PDF through headless Chromium (skipped with a warning
    /// when Chromium is not installed).
    #[arg(long, value_name = "FILE", requires = "report")]
    pdf: Option<PathBuf>,
}

/// The answer-time threshold of `--sl` (or its old spelling `--threshold`) [20 s].
fn threshold_secs(args: &AuditArgs) -> u32 {
    match (args.sl, args.threshold) {
        (Some(sl), _) => sl.threshold_secs,
        (None, Some(t)) => t,
        (None, None) => 20,
    }
}

/// The KPI table with its percentage rows (unit `%`) as fractions (unit `fraction`, two more
/// decimals): 52.08 % → 0.5208, for CSV and JSON.
fn percent_rows_as_fractions(mut t: Table) -> Table {
    let col = |name: &str| t.columns.iter().position(|c| c == name);
    let Some(unit) = col("unit") else {
        return t;
    };
    let values: Vec<usize> = ["value", "previous", "change", "mean_4m", "target"]
        .iter()
        .filter_map(|c| col(c))
        .collect();
    for row in &mut t.rows {
        if row[unit] != Cell::text("%") {
            continue;
        }
        row[unit] = Cell::text("fraction");
        for &c in &values {
            if let Cell::Float(v, dp) = row[c] {
                row[c] = Cell::Float(v / 100.0, dp + 2);
            }
        }
    }
    t
}

/// `--sim-reps` and `--patience` against their domains (usage errors naming the flag); the
/// patience.
fn checked_patience(args: &AuditArgs) -> anyhow::Result<Option<f64>> {
    if args.sim_reps == 0 || args.sim_reps as usize > wfm::limits::MAX_REPLICATIONS {
        return Err(usage(format!(
            "--sim-reps: expected 1 to {} replications, got {}",
            wfm::limits::MAX_REPLICATIONS,
            args.sim_reps
        )));
    }
    if let Some(p) = args.patience {
        let domain = wfm::staffing::limits::PATIENCE_SECONDS;
        if wfm::staffing::limits::check(domain, p).is_err() {
            return Err(usage(format!(
                "--patience: expected a value in {}, got {}",
                domain.1,
                wfm::units::Shown(p)
            )));
        }
    }
    Ok(args.patience)
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let args = *args.inner;
    let period = Period::parse(&args.period).map_err(|e| usage(format!("--period: {e}")))?;
    let mut options = AuditOptions::new(period);
    options.threshold_secs = threshold_secs(&args);
    options.sl_convention = match args.sl_convention {
        Convention::Offered => SlConvention::Offered,
        Convention::Answered => SlConvention::Answered,
        Convention::ExcludeShortAbandons => SlConvention::ExcludeShortAbandons,
    };
    options.patience_secs = checked_patience(&args)?;
    let paths = InputPaths {
        actuals: args.actuals.clone(),
        forecast: args.forecast.clone(),
        planned: args.planned.clone(),
        agent_states: args.agent_states.clone(),
        facts: args.facts.clone(),
        previous_facts: args.previous_facts.clone(),
        scorecard: args.scorecard.clone(),
        targets: args.targets.clone(),
        staffing_config: args.config.clone(),
        illustrative: args.illustrative.clone(),
        pools: args.pools.clone().or_else(|| args.calibration.clone()),
    };
    let loaded = AuditInputs::load(&paths, &options).context("failed to read the audit inputs")?;
    let audit = wfm::audit::audit(&loaded, &options).context("audit failed")?;
    let not_computable = audit
        .kpis
        .iter()
        .filter(|k| k.scope == "all" && k.value.value().is_none())
        .count();
    eprintln!(
        "audit {period}: {} KPIs (scope all), {not_computable} not computable",
        audit.kpis.iter().filter(|k| k.scope == "all").count()
    );
    let inputs: Vec<PathBuf> = [
        Some(args.actuals.clone()),
        args.forecast.clone(),
        args.planned.clone(),
        args.agent_states.clone(),
        args.facts.clone(),
        args.previous_facts.clone(),
        args.scorecard.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The fidelity report (a simulation and the carried Erlang A: seconds, minutes on a large
    // pool) once, for the sections that print it and for the report's fidelity view.
    let fidelity_section = matches!(
        args.section,
        Section::ModelCheckIntervals | Section::Fidelity | Section::FidelityDaily
    );
    let fidelity_report = args.report.is_some() && args.calibration.is_some();
    let fid = if fidelity_section || fidelity_report {
        Some(fidelity(&audit, &loaded, &args)?)
    } else {
        None
    };
    if let Some(dir) = &args.report {
        let extras = report_extras(
            &args,
            fid.clone().filter(|_| fidelity_report).unwrap_or_default(),
        )?;
        let path = wfm::report::write_html(&audit, &extras, dir, &inputs)
            .with_context(|| format!("failed to write the report into `{}`", dir.display()))?;
        eprintln!("report written to {}", path.display());
        if let Some(pdf) = &args.pdf {
            // Chromium reads the report from disk: the set so far goes into place first.
            wfm::table::commit_output_set()?;
            wfm::table::begin_output_set();
            print_pdf(&path, pdf, &inputs)?;
        }
    }
    let fmt = output_format(&args.output)?;
    // KPI values: percentages for people, fractions in CSV/JSON (docs/cli.md).
    let kpis = || {
        let t = audit.kpi_table();
        if matches!(fmt, OutputFormat::Table) {
            t
        } else {
            percent_rows_as_fractions(t)
        }
    };
    let sections: Vec<(&str, Table)> = match args.section {
        Section::Kpis => vec![("kpis", kpis())],
        Section::Accuracy => vec![("accuracy", audit.accuracy_table())],
        Section::Scorecard => vec![("scorecard", audit.scorecard_table())],
        Section::ModelCheck => {
            warn_left_out(&audit.model_check, 20.0);
            vec![("model_check", audit.model_check_table())]
        }
        Section::ModelCheckIntervals | Section::Fidelity | Section::FidelityDaily => {
            let f = fid
                .as_ref()
                .expect("computed above for the fidelity sections");
            fidelity_sections(&audit, f, args.section)
        }
        Section::Daily => vec![("daily", audit.daily_table())],
        Section::Staffing => vec![("staffing", audit.staffing_table())],
        Section::Inputs => vec![("inputs", audit.inputs_table())],
        Section::All => vec![
            ("inputs", audit.inputs_table()),
            ("kpis", kpis()),
            ("scorecard", audit.scorecard_table()),
            ("accuracy", audit.accuracy_table()),
            ("model_check", audit.model_check_table()),
            ("daily", audit.daily_table()),
            ("staffing", audit.staffing_table()),
        ],
    };
    let mut out: Vec<u8> = Vec::new();
    use std::io::Write;
    if sections.len() == 1 {
        sections[0].1.write(fmt, &mut out)?;
    } else {
        match fmt {
            OutputFormat::Csv => {
                return Err(usage(
                    "--section all cannot be one CSV (the sections have different columns): pick a section, or use --format table|json (or --out FILE.json)",
                ))
            }
            OutputFormat::Json => {
                writeln!(out, "{{")?;
                for (i, (name, t)) in sections.iter().enumerate() {
                    write!(out, "\"{name}\": ")?;
                    t.write(fmt, &mut out)?;
                    if i + 1 < sections.len() {
                        writeln!(out, ",")?;
                    }
                }
                writeln!(out, "}}")?;
            }
            OutputFormat::Table => {
                for (name, t) in &sections {
                    writeln!(out, "== {name} ==")?;
                    t.write(fmt, &mut out)?;
                    writeln!(out)?;
                }
            }
        }
    }
    deliver(&out, &args.output, &inputs)?;
    Ok(ExitCode::SUCCESS)
}

/// The report's inputs besides the audit (`--schedule`, `--scenarios`, `--capacity`, `--day`).
fn report_extras(
    args: &AuditArgs,
    fidelity: Vec<wfm::audit::fidelity::Fidelity>,
) -> anyhow::Result<wfm::report::Extras> {
    let schedule = args
        .schedule
        .as_deref()
        .map(wfm::report::ScheduleOutput::read)
        .transpose()
        .context("failed to read --schedule")?;
    let scenarios = args
        .scenarios
        .as_deref()
        .map(wfm::report::ScenarioRows::read)
        .transpose()
        .context("failed to read --scenarios")?;
    let capacity = args
        .capacity
        .as_deref()
        .map(wfm::report::CapacityRows::read)
        .transpose()
        .context("failed to read --capacity")?;
    let day = args
        .day
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| usage(format!("--day: expected YYYY-MM-DD, got `{d}`")))
        })
        .transpose()?;
    Ok(wfm::report::Extras {
        schedule,
        scenarios,
        day,
        capacity,
        fidelity,
    })
}

/// Prints `html` to `pdf` with headless Chromium; warns and skips when Chromium is absent.
fn print_pdf(
    html: &std::path::Path,
    pdf: &std::path::Path,
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    let chromium = std::env::var_os("CHROMIUM").map(PathBuf::from).or_else(|| {
        [
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
    });
    let Some(chromium) = chromium else {
        eprintln!("warning: --pdf skipped: no Chromium found (set CHROMIUM=/path/to/chromium)");
        return Ok(());
    };
    anyhow::ensure!(
        !inputs.iter().any(|i| i == pdf),
        "--pdf `{}` is one of the inputs: refusing to overwrite it",
        pdf.display()
    );
    let abs = std::fs::canonicalize(html)?;
    let tmp = pdf.with_extension("pdf.tmp");
    let profile = std::env::temp_dir().join(format!("wfm-pdf-{}", std::process::id()));
    let out = std::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", tmp.display()))
        .arg(format!("file://{}", abs.display()))
        .output()
        .with_context(|| format!("failed to run `{}`", chromium.display()))?;
    let _ = std::fs::remove_dir_all(&profile);
    anyhow::ensure!(
        out.status.success() && tmp.exists(),
        "chromium could not print the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("")
    );
    std::fs::rename(&tmp, pdf).with_context(|| format!("failed to write `{}`", pdf.display()))?;
    eprintln!("PDF written to {}", pdf.display());
    Ok(())
}

/// Says on stderr which intervals with calls the model check left out (no agent-states row,
/// 0 agents, no handle time) when one of them is busy (`min_offered` calls or more: it would
/// have been scored); quiet ones (a stray call before the agents log in) are left out silently.
fn warn_left_out(mc: &wfm::audit::model_check::ModelCheck, min_offered: f64) {
    let busy: Vec<&(wfm::model::LocalStamp, f64)> =
        mc.skipped.iter().filter(|s| s.1 >= min_offered).collect();
    let (Some(first), Some(last)) = (busy.first(), busy.last()) else {
        return;
    };
    let off: f64 = mc.skipped.iter().map(|s| s.1).sum();
    eprintln!(
        "warning: model check: {} interval(s) with calls left out, {} of them busy (≥ {min_offered} \
         offered; {} .. {}), {off} of the period's {} offered calls ({:.1} %): {} without a row in \
         --agent-states, {} with 0 agents, {} without a handle time",
        mc.skipped.len(),
        busy.len(),
        first.0.local.format("%Y-%m-%dT%H:%M"),
        last.0.local.format("%Y-%m-%dT%H:%M"),
        mc.period_offered,
        100.0 * off / mc.period_offered.max(1.0),
        mc.skipped_no_agent_row,
        mc.skipped_no_agents,
        mc.skipped_no_aht
    );
}

/// The fidelity sections (`model-check-intervals`, `fidelity`, `fidelity-daily`), with the
/// verdict and an empty period said on stderr.
fn fidelity_sections(
    audit: &wfm::audit::Audit,
    pools: &[wfm::audit::fidelity::Fidelity],
    section: Section,
) -> Vec<(&'static str, Table)> {
    for f in pools {
        say_verdict(audit, f);
    }
    match section {
        Section::Fidelity => vec![("fidelity", wfm::io::calibration::fidelity_table(pools))],
        Section::FidelityDaily => vec![(
            "fidelity_daily",
            wfm::io::calibration::fidelity_daily_table(pools),
        )],
        _ => vec![(
            "model_check_intervals",
            wfm::io::calibration::model_check_intervals_table(pools),
        )],
    }
}

/// One pool's verdict (or why it has none) on stderr.
fn say_verdict(audit: &wfm::audit::Audit, f: &wfm::audit::fidelity::Fidelity) {
    let all = f.pool == wfm::model::QueueId::ALL;
    let label = if all {
        String::new()
    } else {
        format!(" (pool {})", f.pool)
    };
    if f.summaries.is_empty() && (!all || audit.model_check.needs.is_empty()) {
        eprintln!(
            "warning: fidelity{label}: no busy interval (≥ {} offered calls, with agents) in \
             the period: no score and no verdict ({} interval(s) with agents and calls)",
            f.min_offered, f.intervals_checked
        );
    }
    if let Some((model, cal)) = f.verdict {
        eprintln!(
            "fidelity{label}: best fit {model}{} (score: offered-weighted ΔSL² + Δabandon² on intervals with ≥ {} offered)",
            if cal { " calibrated" } else { "" },
            f.min_offered
        );
    }
}

/// Queues of the audited month with calls that pool `ALL`'s queue mix of the calibration does
/// not know: their callers take the pool's patience (said on stderr with their share of calls).
fn warn_queues_not_calibrated(check: &wfm::audit::ModelCheck, c: &wfm::calibrate::Calibration) {
    let Some(all) = c.pool(wfm::model::QueueId::ALL) else {
        return;
    };
    if all.queue_patience.is_empty() {
        return;
    }
    let mut unknown: std::collections::BTreeMap<&str, f64> = std::collections::BTreeMap::new();
    let mut total = 0.0;
    for (q, n) in check.rows.iter().flat_map(|r| &r.offered_by_queue) {
        total += n;
        if !all.queue_patience.iter().any(|k| k.0 == *q) {
            *unknown.entry(q.as_str()).or_default() += n;
        }
    }
    for (q, n) in unknown {
        eprintln!(
            "warning: queue {q} ({:.1} % of the audited calls) is not in the calibration's queue mix: its callers take pool ALL's patience in the calibrated Erlang A",
            100.0 * n / total
        );
    }
}

/// The fidelity report of the audit's model check, with `--calibration` when given: pool `ALL`
/// first, then every pool of the calibration with a team (`members`) that is not the whole
/// center, when `--agent-states` names the agents (else said on stderr).
fn fidelity(
    audit: &wfm::audit::Audit,
    inputs: &AuditInputs,
    args: &AuditArgs,
) -> anyhow::Result<Vec<wfm::audit::fidelity::Fidelity>> {
    let calibration = args
        .calibration
        .as_deref()
        .map(wfm::io::calibration::read_calibration)
        .transpose()?;
    if let Some(c) = &calibration {
        if c.availability(wfm::model::QueueId::ALL, 12, None).is_none() {
            eprintln!("warning: the calibration has no availability for pool ALL: calibrated rows are left out");
        }
        warn_queues_not_calibrated(&audit.model_check, c);
    }
    if !audit.model_check.needs.is_empty() {
        eprintln!(
            "model check needs: {}{}",
            audit.model_check.needs.join("; "),
            if calibration.is_some() && audit.model_check.patience_secs.is_none() {
                " (uncalibrated Erlang A and simulation are left out; the calibrated rows take \
                 the calibration's patience)"
            } else {
                ""
            }
        );
    }
    warn_left_out(
        &audit.model_check,
        calibration.as_ref().map_or(20.0, |c| c.min_offered),
    );
    let interval = wfm::units::IntervalLength::from_minutes(i64::from(audit.interval_secs / 60))?;
    let options = wfm::audit::fidelity::FidelityOptions {
        interval,
        threshold_secs: f64::from(threshold_secs(args)),
        reps: args.sim_reps,
        seed: 1,
    };
    let mut out = vec![wfm::audit::fidelity::fidelity(
        &audit.model_check,
        calibration.as_ref(),
        wfm::model::QueueId::ALL,
        &options,
    )?];
    let Some(c) = &calibration else {
        return Ok(out);
    };
    for (name, queues, members) in team_pools(c, &audit.queues) {
        let Some(states) = &inputs.agent_states else {
            eprintln!(
                "note: fidelity: pool {name} ({}) is not checked apart: its agents need \
                 --agent-states per named agent (the pooled proxy has no names)",
                queues.join(" ")
            );
            continue;
        };
        let check = wfm::audit::model_check::pool_check(
            &inputs.actuals,
            states,
            queues,
            members,
            audit.interval_secs,
            &audit.options,
        )?;
        out.push(wfm::audit::fidelity::fidelity(
            &check,
            Some(c),
            name,
            &options,
        )?);
    }
    Ok(out)
}

/// The calibration's pools with a team (detected from a call log, `members`) that do not
/// serve every queue of the period (such a pool is the center itself: pool `ALL`):
/// `(name, queues, members)`.
fn team_pools<'c>(
    c: &'c wfm::calibrate::Calibration,
    period_queues: &[String],
) -> Vec<(&'c str, &'c [String], &'c [String])> {
    c.pools
        .iter()
        .filter(|p| p.name != wfm::model::QueueId::ALL)
        .filter(|p| !period_queues.iter().all(|q| p.queues.contains(q)))
        .filter_map(|p| {
            let d = p.detection.as_ref()?;
            (!d.members.is_empty()).then_some((
                p.name.as_str(),
                p.queues.as_slice(),
                d.members.as_slice(),
            ))
        })
        .collect()
}
