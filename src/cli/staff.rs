//! `wfm staff`: required agents per interval (Erlang C / Erlang A), or `--evaluate` a given
//! staffing. Output columns and their definitions: `wfm::io::staffing::definitions`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wfm::io::staffing::{self as staffing_io, ReadOptions};
use wfm::staffing::config::QueuePolicy;
use wfm::staffing::config::{ModelKind, Settings, StaffConfig};
use wfm::staffing::plan::{self, Precision, StaffInput};
use wfm::table::OutputFormat;
use wfm::units::{Fraction, IntervalLength, Secs};

use super::vocab::{parse_sl, usage, Sl, SL_HELP};
use super::{emit_rows, Format, OutputArgs};

/// Queueing model on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum ModelArg {
    /// M/M/N: nobody abandons.
    ErlangC,
    /// M/M/N+M: exponential patience (needs a patience: flag, config or history).
    ErlangA,
}

/// Staffing policy flags shared by `wfm staff` and `wfm scenario`. Each flag overrides the
/// config for every queue.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PolicyArgs {
    /// Per-queue targets, shrinkage, concurrency and async queues (see models/staffing.toml).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Queueing model [config or erlang-c].
    #[arg(long, value_enum)]
    pub(crate) model: Option<ModelArg>,
    #[arg(long, value_name = "TARGET/THRESHOLD", value_parser = parse_sl, help = SL_HELP,
          long_help = concat!("Service level as TARGET/THRESHOLD: `80/20` = 80 % of offered calls ",
          "answered within 20 s (the target in percent, `80` or `80%`; the threshold in seconds, ",
          "`20`, `20s` or `1m`) [config, else 80/20]. Output columns carry fractions in CSV/JSON ",
          "(0.8) and percentages in table output."))]
    pub(crate) sl: Option<Sl>,
    /// Old spelling of the target of --sl (a percentage such as 80 or 80%, or a fraction ≤ 1);
    /// 0 = no service-level target.
    #[arg(long, value_name = "TARGET", hide = true, value_parser = parse_target, conflicts_with = "sl")]
    pub(crate) sl_target: Option<f64>,
    /// Old spelling of the threshold of --sl, seconds.
    #[arg(long, value_name = "SECONDS", hide = true, conflicts_with = "sl")]
    pub(crate) sl_seconds: Option<f64>,
    /// Maximum ASA (mean wait of answered calls), seconds.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) asa_seconds: Option<f64>,
    /// Maximum abandon rate (Erlang A).
    #[arg(long, value_name = "FRACTION")]
    pub(crate) max_abandon: Option<f64>,
    /// Mean patience for Erlang A, seconds [config, else estimated from the history's abandons].
    #[arg(long, value_name = "SECONDS")]
    pub(crate) patience_seconds: Option<f64>,
    /// Occupancy cap in (0, 1].
    #[arg(long, value_name = "FRACTION")]
    pub(crate) max_occupancy: Option<f64>,
    /// Shrinkage in [0, 1): gross agents = ceil(agents / (1 − shrinkage)) [0].
    #[arg(long, value_name = "FRACTION")]
    pub(crate) shrinkage: Option<f64>,
    /// Sessions one agent handles at once (chat); AHT per session is divided by it [1].
    #[arg(long, value_name = "K")]
    pub(crate) concurrency: Option<f64>,
    /// Interval length (5m, 6m, 10m, 15m, 30m, 60m) [inferred from the timestamps].
    #[arg(long, value_name = "LENGTH")]
    pub(crate) interval: Option<IntervalLength>,
    /// Paid hours per FTE per day [config or 8].
    #[arg(long, value_name = "HOURS")]
    pub(crate) hours_per_fte_day: Option<f64>,
    /// Paid hours per FTE per week [config or 40].
    #[arg(long, value_name = "HOURS")]
    pub(crate) hours_per_fte_week: Option<f64>,
    /// A history with abandon columns (`wfm ingest` output) to estimate Erlang A patience from,
    /// e.g. when --input is a forecast.
    #[arg(long, value_name = "FILE")]
    pub(crate) history: Option<PathBuf>,
    /// `wfm calibrate` output: plan RECORDED agents (available required ÷ the fitted
    /// availability of the queue's pool, by hour) with the calibration's Erlang A patience per
    /// queue (Erlang A unless --model or the config says otherwise).
    #[arg(long, value_name = "FILE")]
    pub(crate) calibration: Option<PathBuf>,
}

impl PolicyArgs {
    /// The flags given besides --config (a multi-skill config takes its policy from the file).
    pub(crate) fn flags_given(&self) -> Vec<&'static str> {
        [
            ("--model", self.model.is_some()),
            (
                "--sl",
                self.sl.is_some() || self.sl_target.is_some() || self.sl_seconds.is_some(),
            ),
            ("--asa-seconds", self.asa_seconds.is_some()),
            ("--max-abandon", self.max_abandon.is_some()),
            ("--patience-seconds", self.patience_seconds.is_some()),
            ("--max-occupancy", self.max_occupancy.is_some()),
            ("--shrinkage", self.shrinkage.is_some()),
            ("--concurrency", self.concurrency.is_some()),
            ("--interval", self.interval.is_some()),
            ("--hours-per-fte-day", self.hours_per_fte_day.is_some()),
            ("--hours-per-fte-week", self.hours_per_fte_week.is_some()),
            ("--history", self.history.is_some()),
            ("--calibration", self.calibration.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, given)| given.then_some(f))
        .collect()
    }
}

/// `--sl-target` (hidden alias): `80`, `80%` (percent) or a fraction ≤ 1 (`0.8`, `0` = none).
fn parse_target(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a service-level target: write e.g. --sl 80/20"))?;
    let f = if pct || v > 1.0 { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&f) {
        return Err(format!("`{text}` is outside 0 … 100 %"));
    }
    Ok(f)
}

/// The flag behind a staffing setting outside its domain, with the domain in the flag's units.
fn flag_out_of_domain(e: &wfm::staffing::limits::OutOfDomain) -> String {
    match e.key {
        "sl_target" => format!(
            "--sl: target {} % is outside (0, 100) %: no finite staffing answers every call within the threshold",
            e.value * 100.0
        ),
        "sl_seconds" => format!("--sl: threshold {} s is outside {}", e.value, e.range),
        key => format!(
            "--{}: expected a value in {}, got {}",
            key.replace('_', "-"),
            e.range,
            wfm::units::Shown(e.value)
        ),
    }
}

fn fraction(flag: &str, v: Option<f64>) -> anyhow::Result<Option<Fraction>> {
    v.map(|x| Fraction::new(x).map_err(|e| usage(format!("--{flag}: {e}"))))
        .transpose()
}

fn secs(flag: &str, v: Option<f64>) -> anyhow::Result<Option<Secs>> {
    v.map(|x| Secs::new(x).map_err(|e| usage(format!("--{flag}: {e}"))))
        .transpose()
}

impl PolicyArgs {
    /// The config file (if any) with the flags layered on top.
    pub(crate) fn config(&self) -> anyhow::Result<StaffConfig> {
        let mut cfg = match &self.config {
            Some(p) => StaffConfig::from_toml(p)
                .with_context(|| format!("failed to load `{}`", p.display()))?,
            None => StaffConfig::new(),
        };
        if let Some(c) = self.concurrency {
            if !(c.is_finite() && c >= 1.0) {
                return Err(usage(format!(
                    "--concurrency: expected a value ≥ 1, got {c}"
                )));
            }
        }
        let overrides = Settings {
            model: self.model.map(|m| match m {
                ModelArg::ErlangC => ModelKind::ErlangC,
                ModelArg::ErlangA => ModelKind::ErlangA,
            }),
            kind: None,
            sl_target: fraction("sl", self.sl.map(|s| s.target).or(self.sl_target))?,
            sl_seconds: secs(
                "sl",
                self.sl
                    .map(|s| f64::from(s.threshold_secs))
                    .or(self.sl_seconds),
            )?,
            asa_seconds: secs("asa-seconds", self.asa_seconds)?,
            max_abandon: fraction("max-abandon", self.max_abandon)?,
            patience_seconds: secs("patience-seconds", self.patience_seconds)?,
            max_occupancy: fraction("max-occupancy", self.max_occupancy)?,
            shrinkage: fraction("shrinkage", self.shrinkage)?,
            unplanned_shrinkage: None,
            concurrency: self.concurrency,
            sla: None,
        };
        overrides
            .check()
            .map_err(|e| usage(flag_out_of_domain(&e)))?;
        cfg = cfg.with_overrides(overrides);
        if self.hours_per_fte_day.is_some() || self.hours_per_fte_week.is_some() {
            use wfm::staffing::limits::{check, HOURS_PER_FTE_DAY, HOURS_PER_FTE_WEEK};
            for (flag, v, domain) in [
                (
                    "hours-per-fte-day",
                    self.hours_per_fte_day,
                    HOURS_PER_FTE_DAY,
                ),
                (
                    "hours-per-fte-week",
                    self.hours_per_fte_week,
                    HOURS_PER_FTE_WEEK,
                ),
            ] {
                if let Some(v) = v {
                    check(domain, v).map_err(|e| {
                        usage(format!(
                            "--{flag}: expected a value in {}, got {}",
                            e.range,
                            wfm::units::Shown(e.value)
                        ))
                    })?;
                }
            }
            let day = self.hours_per_fte_day.unwrap_or(cfg.hours_per_fte_day());
            let week = self.hours_per_fte_week.unwrap_or(cfg.hours_per_fte_week());
            cfg = cfg.with_hours_per_fte(day, week)?;
        }
        if let Some(i) = self.interval {
            cfg = cfg.with_interval(i);
        }
        if let Some(path) = &self.calibration {
            cfg = with_calibration(cfg, path)?;
        }
        Ok(cfg)
    }

    /// Reads the input, adding the patience estimates of `--history`.
    pub(crate) fn input(&self, path: &Path, options: &ReadOptions) -> anyhow::Result<StaffInput> {
        let mut input = StaffInput::read_with(path, options)
            .with_context(|| format!("failed to load `{}`", path.display()))?;
        if let Some(h) = &self.history {
            input = input
                .with_history(h)
                .with_context(|| format!("failed to load history `{}`", h.display()))?;
        }
        Ok(input)
    }

    /// Input and extra files, never to be overwritten.
    pub(crate) fn inputs(&self, input: &Path) -> Vec<PathBuf> {
        let mut v = vec![input.to_path_buf()];
        v.extend(self.config.iter().cloned());
        v.extend(self.history.iter().cloned());
        v.extend(self.calibration.iter().cloned());
        v
    }
}

/// Layers a calibration under the config: Erlang A by default, each queue's patience from the
/// calibration (below the queue's own section and the flags), and planning in recorded agents.
/// Says so on stderr.
pub(crate) fn with_calibration(cfg: StaffConfig, path: &Path) -> anyhow::Result<StaffConfig> {
    let cal = wfm::io::calibration::read_calibration(path)
        .with_context(|| format!("failed to load the calibration `{}`", path.display()))?;
    let defaults = cfg.defaults();
    let all = wfm::model::QueueId::ALL;
    let mut cfg = cfg.with_defaults(Settings {
        model: defaults.model.or(Some(ModelKind::ErlangA)),
        patience_seconds: defaults
            .patience_seconds
            .or(cal.patience_secs(all).and_then(|p| Secs::new(p).ok())),
        ..defaults
    });
    let mut queues: Vec<&str> = cal.queues.iter().map(|q| q.name.as_str()).collect();
    queues.extend(
        cal.pools
            .iter()
            .flat_map(|p| p.queues.iter().map(String::as_str)),
    );
    queues.sort_unstable();
    queues.dedup();
    for q in queues {
        if let Some(p) = cal.patience_secs(q) {
            let own = cfg.queue(q).unwrap_or_default();
            cfg = cfg.with_queue(
                q,
                own.or(Settings {
                    patience_seconds: Some(Secs::new(p)?),
                    ..Settings::default()
                }),
            );
        }
    }
    let availability = cal
        .staffing_availability()
        .with_context(|| format!("`{}`", path.display()))?;
    anyhow::ensure!(
        availability != wfm::staffing::availability::Availability::new(),
        "`{}` has no availability (calibrate with --agent-states)",
        path.display()
    );
    for p in cal.pools.iter().filter(|p| p.availability.is_some()) {
        let f = p.availability.as_ref().expect("filtered");
        let range = |v: &mut dyn Iterator<Item = f64>| {
            v.fold((f.availability, f.availability), |(l, h), a| {
                (l.min(a), h.max(a))
            })
        };
        let (lo, hi) = range(&mut f.by_hour.iter().map(|x| x.1));
        let (ulo, uhi) = range(&mut f.by_utilisation.iter().map(|x| x.1));
        eprintln!(
            "note: --calibration {} ({} … {}): pool {} ({}): availability {:.3} (by hour {:.2}–{:.2}, by load per recorded agent {:.2}–{:.2}), Erlang A patience {:.0} s (Kaplan–Meier {:.0} s × {:.2})",
            path.display(),
            cal.period.0,
            cal.period.1,
            p.name,
            p.queues.join(" "),
            f.availability,
            lo,
            hi,
            ulo,
            uhi,
            f.patience_secs,
            p.patience_exp_mean_secs.unwrap_or(f64::NAN),
            f.patience_scale
        );
    }
    eprintln!(
        "note: agents are RECORDED agents (as counted in the calibration's history): the fewest whose ⌊availability × recorded⌋ covers the available agents required, the availability by hour and by load per recorded agent; service_level, asa_seconds, abandon_rate are those of the available agents; with --evaluate the given agents are recorded and ⌊availability × recorded⌋ are evaluated"
    );
    Ok(cfg.with_availability(availability))
}

/// Arguments of `wfm staff`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Output columns: interval_start, queue, offered, aht_seconds, load_erlangs, \
agents (basis net), agents_gross (gross/paid, whole people), agents_scheduled (what a schedule \
must cover: net ÷ (1 − unplanned shrinkage)), service_level, asa_seconds, occupancy, p_wait, \
abandon_rate, binding, p_meet_target (probability of meeting the targets under the forecast's \
prediction bounds; --risk P sizes for it).\n\
service_level = answered within the --sl threshold ÷ OFFERED (Erlang A: abandons count against); \
asa_seconds = mean wait of ANSWERED calls; abandon_rate empty under Erlang C. \
Totals per queue and day (agent-hours, FTE): after the table with --format table, else the \
horizon rows on stderr; every day as data with --totals FILE. Exit code 3: --evaluate found an interval missing a \
target or unstable."
)]
pub(crate) struct Args {
    /// Interval table: `wfm ingest` output, actuals, or `wfm forecast` output (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    #[command(flatten)]
    policy: Box<PolicyArgs>,
    /// Staff every interval so that its service targets hold with probability ≥ P under the
    /// forecast's predictive distribution (from its lo80/hi80/lo95/hi95 bounds), e.g. 0.8.
    /// The p_meet_target column is written with or without it.
    #[arg(long, value_name = "P")]
    risk: Option<f64>,
    /// Compute the metrics of the input's `agents` column (net agents) instead of sizing.
    #[arg(long)]
    evaluate: bool,
    /// The column holding net agents for --evaluate (e.g. `scheduled` in a schedule's coverage.csv).
    #[arg(long, value_name = "NAME", default_value = "agents")]
    agents_column: String,
    /// Also write the totals per queue and day to FILE (.csv or .json).
    #[arg(long, value_name = "FILE")]
    totals: Option<PathBuf>,
    /// No notes on stderr (metric definitions, patience, totals).
    #[arg(long, short)]
    quiet: bool,
    /// Multi-skill config only: replications per simulated staffing in the search
    /// [config `[staffing] reps`, else 50].
    #[arg(long, value_name = "N")]
    reps: Option<u32>,
    /// Multi-skill config only: seed of the simulations [config `[simulate] seed`, else 1].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Multi-skill config only: write the final check's simulated service level per queue ×
    /// interval to FILE (.csv or .json).
    #[arg(long, value_name = "FILE")]
    check: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if super::multiskill::is_multiskill(args.policy.config.as_ref())? {
        anyhow::ensure!(
            !args.evaluate && args.risk.is_none(),
            "--evaluate and --risk do not apply to a multi-skill config (use `wfm simulate`)"
        );
        let config = args.policy.config.as_deref().expect("checked above");
        return super::multiskill::run(super::multiskill::Request {
            input: &args.input,
            config,
            reps: args.reps,
            seed: args.seed,
            totals: args.totals.as_deref(),
            check: args.check.as_deref(),
            quiet: args.quiet,
            output: &args.output,
        });
    }
    anyhow::ensure!(
        args.reps.is_none() && args.seed.is_none() && args.check.is_none(),
        "--reps, --seed and --check apply to a multi-skill config (one with [groups])"
    );
    let mut cfg = args.policy.config()?;
    if let Some(p) = args.risk {
        anyhow::ensure!(
            !args.evaluate,
            "--risk sizes the staffing; it does not apply to --evaluate"
        );
        cfg = cfg.with_risk(p).context("--risk")?;
    }
    let options = ReadOptions {
        agents_column: args.agents_column.clone(),
    };
    let input = args.policy.input(&args.input, &options)?;
    anyhow::ensure!(
        args.risk.is_none() || input.has_predictive(),
        "--risk sizes for the forecast's prediction bounds (lo80, hi80, lo95, hi95), and `{}` has \
         none: the staffing would be the point forecast's",
        args.input.display()
    );
    let mode = if args.evaluate {
        plan::Mode::Evaluate
    } else {
        plan::Mode::Size
    };
    // Only what the computation adds is kept per row; each output row is built to be written.
    let plan = plan::staff_lean(&input, &cfg, mode)
        .with_context(|| format!("failed to staff `{}`", args.input.display()))?;
    let inputs = args.policy.inputs(&args.input);
    let human = args.output.out.is_none() && matches!(args.output.format, Format::Table);
    let precision = if human {
        Precision::Display
    } else {
        Precision::Full
    };
    // Streamed row by row: a million intervals never exist as a table of cells.
    emit_rows(&staffing_io::COLUMNS, &args.output, &inputs, |w| {
        plan.write_rows(precision, w)
    })?;
    let totals = plan.totals_table(precision);
    if human {
        let mut out = std::io::stdout().lock();
        writeln!(out, "\nTotals per queue and day (FTE = gross agent-hours (net ÷ (1 − shrinkage), unrounded) ÷ {} h per day; horizon: ÷ {} h per week × days ÷ 7):",
            cfg.hours_per_fte_day(), cfg.hours_per_fte_week())?;
        totals.write(OutputFormat::Table, &mut out)?;
    } else if !args.quiet {
        // Keep stderr short: the horizon rows; every day is in --totals FILE.
        let mut horizon = plan.totals_table(Precision::Display);
        horizon
            .rows
            .retain(|r| r[0] == wfm::table::Cell::text(plan::HORIZON));
        let mut err = std::io::stderr().lock();
        writeln!(
            err,
            "totals over the horizon ({}):",
            if args.totals.is_some() {
                "per queue and day in the --totals file"
            } else {
                "per queue and day with --totals FILE"
            }
        )?;
        horizon.write(OutputFormat::Table, &mut err)?;
    }
    if let Some(path) = &args.totals {
        let fmt = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => OutputFormat::Json,
            _ => OutputFormat::Csv,
        };
        let mut buf = Vec::new();
        plan.totals_table(Precision::Full).write(fmt, &mut buf)?;
        wfm::table::write_atomic(path, &buf, &inputs)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    if let Some(out) = &args.output.out {
        write_meta(
            out,
            (plan.mode, plan.interval, &plan.policies),
            (&args.input, args.policy.calibration.as_deref()),
            &cfg,
            &inputs,
        )?;
    }
    if !args.quiet {
        notes(&plan.policies, &input);
    }
    if args.evaluate && plan.missed() > 0 {
        if !args.quiet {
            eprintln!(
                "{} of {} intervals miss a target or are unstable (exit code 3)",
                plan.missed(),
                plan.len()
            );
        }
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// Metric definitions and where each queue's patience came from, on stderr.
pub(crate) fn notes(policies: &BTreeMap<String, QueuePolicy>, input: &StaffInput) {
    if input.aht_filled() > 0 {
        eprintln!(
            "warning: {} intervals had calls but no handle time (all abandoned); their queue's mean AHT was used",
            input.aht_filled()
        );
    }
    let erlang_a = policies
        .values()
        .any(|p| matches!(p.model, wfm::staffing::Model::ErlangA { .. }));
    eprintln!(
        "note: service_level = answered within threshold ÷ offered{}; asa_seconds = mean wait of answered calls only{}",
        if erlang_a { " (abandoned calls count against it)" } else { "" },
        if erlang_a { "; abandon_rate = abandoned ÷ offered" } else { "; abandon_rate empty (Erlang C: no abandonment)" },
    );
    for (q, p) in policies {
        if let wfm::staffing::Model::ErlangA { patience } = p.model {
            let src = match p.patience_source {
                Some(wfm::staffing::config::PatienceSource::History) => {
                    let e = &input.patience_estimates()[q];
                    format!(
                        "estimated from {} abandons over {:.0} s of waiting",
                        e.abandoned, e.total_wait_secs
                    )
                }
                Some(wfm::staffing::config::PatienceSource::Defaults) => "config [defaults]".into(),
                _ => "given".into(),
            };
            eprintln!(
                "note: queue {q}: Erlang A, mean patience {:.1} s ({src})",
                patience.value()
            );
        }
    }
}

fn write_meta(
    out: &Path,
    (mode, interval, policies): (
        plan::Mode,
        wfm::units::IntervalLength,
        &BTreeMap<String, QueuePolicy>,
    ),
    (input, calibration): (&Path, Option<&Path>),
    cfg: &StaffConfig,
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    let mut meta_path = out.as_os_str().to_owned();
    meta_path.push(".meta.json");
    let meta_path = PathBuf::from(meta_path);
    let queues: serde_json::Map<String, serde_json::Value> = policies
        .iter()
        .map(|(q, p)| {
            let t = &p.targets;
            let (model, patience) = match p.model {
                wfm::staffing::Model::ErlangC => ("erlang-c", None),
                wfm::staffing::Model::ErlangA { patience } => ("erlang-a", Some(patience.value())),
            };
            (
                q.clone(),
                serde_json::json!({
                    "kind": format!("{:?}", p.kind).to_lowercase(),
                    "model": model,
                    "patience_seconds": patience,
                    "sl_target": t.service_level(),
                    "sl_seconds": t.threshold().value(),
                    "asa_seconds": t.max_asa().map(Secs::value),
                    "max_abandon": t.max_abandon(),
                    "max_occupancy": t.max_occupancy(),
                    "shrinkage": p.shrinkage.value(),
                    "unplanned_shrinkage": p.unplanned.value(),
                    "concurrency": p.concurrency,
                    "sla_seconds": p.sla.map(Secs::value),
                }),
            )
        })
        .collect();
    let columns: serde_json::Map<String, serde_json::Value> = staffing_io::definitions()
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
        .collect();
    let meta = serde_json::json!({
        "input": input.display().to_string(),
        "config": cfg.source().map(|p| p.display().to_string()),
        "calibration": calibration.map(|p| p.display().to_string()),
        "agents_basis": if calibration.is_some() { "recorded" } else { "available" },
        "mode": match mode { plan::Mode::Size => "size", plan::Mode::Evaluate => "evaluate" },
        "interval_minutes": interval.minutes(),
        "hours_per_fte_day": cfg.hours_per_fte_day(),
        "hours_per_fte_week": cfg.hours_per_fte_week(),
        "queues": queues,
        "columns": columns,
    });
    let text = serde_json::to_string_pretty(&meta)? + "\n";
    wfm::table::write_atomic(&meta_path, text.as_bytes(), inputs)
        .with_context(|| format!("failed to write `{}`", meta_path.display()))?;
    Ok(())
}
