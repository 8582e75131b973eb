//! `wfm scenario`: what-if variants side by side with the baseline.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wfm::staffing::evaluate::Pooling;
use wfm::staffing::plan::Precision;
use wfm::staffing::scenario;

use super::evaluate::PoolingArg;

use super::staff::PolicyArgs;
use super::{emit, Format, OutputArgs};

/// Arguments of `wfm scenario`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "One row per scenario (baseline first): fte, agent_hours, achieved \
service_level / asa_seconds / occupancy / abandon_rate when staffed for the variant, their \
deltas against the baseline, and hit_*: the baseline's agents evaluated under the variant \
(staffed for the baseline, hit by the variant). service_level = answered within the threshold \
÷ offered; asa_seconds = mean wait of answered calls.

With a multi-skill config (one with [groups], see docs/multiskill.md) and no --schedule, the \
baseline and each variant (volume, AHT, targets; scoped by queue, date, weekday, time of day) \
are re-staffed as `wfm staff --config` does: per scenario, each group's agent-hours and cost, the \
plan's and the two Erlang bounds' (deltas against the baseline), and each queue's simulated SL \
against its target; hit_*: the baseline's plan, minus the absent agents, under the variant. Exit \
code 3 when a re-staffed plan misses a target in its check. With --schedule, a group staffing \
(`wfm staff --config` output, or a schedule's coverage per group) stays fixed and each variant \
meets it in the simulator; one row per scenario × queue (× day). absent_agents = n takes n \
agents off the most-staffed group serving the scope's queues; absent_agents = { cross = 3 } \
takes them off the named groups."
)]
pub(crate) struct Args {
    /// Interval table: `wfm ingest` output, actuals, or `wfm forecast` output (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// The what-if variants (see models/scenarios.toml).
    #[arg(long, value_name = "FILE")]
    scenarios: PathBuf,
    /// A published schedule (`wfm schedule --out DIR`, or its coverage.csv): it stays as it
    /// is and every variant's demand meets it (per queue against each queue's own target).
    #[arg(long, value_name = "DIR")]
    schedule: Option<PathBuf>,
    /// Rows: one per scenario (total, the default without --schedule), per scenario × queue
    /// over the horizon (queue), or per scenario × queue × day as well (day, the default with
    /// --schedule).
    #[arg(long, value_enum)]
    by: Option<By>,
    /// With --schedule: how its agents serve the queues (as `wfm evaluate`) [separate]; not
    /// with a multi-skill config.
    #[arg(long, value_enum)]
    pooling: Option<PoolingArg>,
    /// Multi-skill config: replications of the simulation [the config's `[simulate] reps`].
    #[arg(long)]
    reps: Option<u32>,
    /// Multi-skill config: seed of the simulation [the config's `[simulate] seed`].
    #[arg(long)]
    seed: Option<u64>,
    /// Multi-skill config without --schedule: also write every re-staffed plan, one CSV per
    /// scenario (`DIR/<scenario>.csv`, the rows of `wfm staff --config`: interval_start,
    /// group, agents, cost), ready for `wfm simulate --staffing` or `wfm scenario --schedule`.
    /// The directory is written as one set (all files or none).
    #[arg(long, value_name = "DIR")]
    plans: Option<PathBuf>,
    #[command(flatten)]
    policy: Box<PolicyArgs>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Rows of the scenario table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum By {
    /// One row per scenario, all queues together.
    Total,
    /// One row per scenario × queue over the horizon.
    Queue,
    /// One row per scenario × queue over the horizon and per day.
    Day,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if super::multiskill::is_multiskill(args.policy.config.as_ref())? {
        return on_groups(&args);
    }
    if args.reps.is_some() || args.seed.is_some() || args.plans.is_some() {
        return Err(super::vocab::usage(
            "--reps, --seed and --plans apply to a multi-skill config (one with [groups])",
        ));
    }
    let cfg = args.policy.config()?;
    let input = args
        .policy
        .input(&args.input, &wfm::io::staffing::ReadOptions::default())?;
    let variants = wfm::io::staffing::read_scenarios(&args.scenarios)
        .with_context(|| format!("failed to load `{}`", args.scenarios.display()))?;
    let human = args.output.out.is_none() && matches!(args.output.format, Format::Table);
    let precision = if human {
        Precision::Display
    } else {
        Precision::Full
    };
    let mut inputs = args.policy.inputs(&args.input);
    inputs.push(args.scenarios.clone());
    if let Some(dir) = &args.schedule {
        return on_schedule(&args, dir, &input, &cfg, &variants, precision, inputs);
    }
    let report = scenario::run(&input, &cfg, &variants).with_context(|| {
        format!(
            "failed to run the scenarios of `{}` on `{}`",
            args.scenarios.display(),
            args.input.display()
        )
    })?;
    let table = match args.by.unwrap_or(By::Total) {
        By::Total => report.to_table(precision),
        By::Queue => report.to_table_by_queue(precision, false),
        By::Day => report.to_table_by_queue(precision, true),
    };
    emit(&table, &args.output, &inputs)?;
    if let Some(out) = &args.output.out {
        let mut meta_path = out.as_os_str().to_owned();
        meta_path.push(".meta.json");
        let meta_path = PathBuf::from(meta_path);
        let columns: serde_json::Map<String, serde_json::Value> =
            wfm::io::staffing::scenario::definitions()
                .into_iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
                .collect();
        let meta = serde_json::json!({
            "input": args.input.display().to_string(),
            "scenarios": args.scenarios.display().to_string(),
            "config": cfg.source().map(|p| p.display().to_string()),
            "names": report.outcomes.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
            "columns": columns,
        });
        let text = serde_json::to_string_pretty(&meta)? + "\n";
        wfm::table::write_atomic(&meta_path, text.as_bytes(), &inputs)
            .with_context(|| format!("failed to write `{}`", meta_path.display()))?;
    }
    if input.aht_filled() > 0 {
        eprintln!(
            "warning: {} intervals had calls but no handle time (all abandoned); their queue's mean AHT was used",
            input.aht_filled()
        );
    }
    eprintln!(
        "note: service_level = answered within the threshold ÷ offered (Erlang A: abandons count against); asa_seconds = mean wait of answered calls; hit_* = baseline agents under the variant"
    );
    Ok(ExitCode::SUCCESS)
}

/// A multi-skill config: every variant against a group staffing.
fn on_groups(args: &Args) -> anyhow::Result<ExitCode> {
    super::multiskill::refuse_policy_flags(&args.policy, args.pooling.is_some())?;
    let config = args.policy.config.as_deref().expect("a multi-skill config");
    let Some(staffing) = &args.schedule else {
        if args.by.is_some() {
            return Err(super::vocab::usage(
                "--by: without --schedule every scenario is re-staffed and reported over the horizon (groups, plan, bounds, queues); --by applies to a given staffing (--schedule)",
            ));
        }
        return super::multiskill_scenario::run(super::multiskill_scenario::Request {
            config,
            demand: &args.input,
            scenarios: &args.scenarios,
            reps: args.reps,
            seed: args.seed,
            plans: args.plans.as_deref(),
            output: &args.output,
        });
    };
    if args.plans.is_some() {
        return Err(super::vocab::usage(
            "--plans: with --schedule the staffing is given, not re-staffed; --plans writes the re-staffed plans of a run without --schedule",
        ));
    }
    let by = args.by.unwrap_or(By::Day);
    if by == By::Total {
        return Err(super::vocab::usage(
            "--by total: with groups every queue keeps its own target; use --by queue or --by day",
        ));
    }
    super::multiskill_eval::scenario(
        super::multiskill_eval::Request {
            input: super::multiskill_eval::Input {
                config,
                demand: &args.input,
                staffing,
                reps: args.reps,
                seed: args.seed,
            },
            output: &args.output,
        },
        &args.scenarios,
        by == By::Day,
    )
}

/// `--schedule DIR`: every variant against the published schedule.
fn on_schedule(
    args: &Args,
    dir: &std::path::Path,
    input: &wfm::staffing::plan::StaffInput,
    cfg: &wfm::staffing::config::StaffConfig,
    variants: &[scenario::Scenario],
    precision: Precision,
    mut inputs: Vec<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let cov_path = if dir.is_dir() {
        dir.join("coverage.csv")
    } else {
        dir.to_path_buf()
    };
    let coverage = wfm::io::coverage::read_coverage(&cov_path)
        .with_context(|| format!("failed to load `{}`", cov_path.display()))?;
    let pooling = match args.pooling.unwrap_or(PoolingArg::Separate) {
        PoolingArg::Separate => Pooling::Separate,
        PoolingArg::Pool => Pooling::Pool,
    };
    let hits = scenario::run_on_schedule(input, cfg, &coverage, pooling, variants)
        .with_context(|| format!("failed to run the scenarios on `{}`", cov_path.display()))?;
    anyhow::ensure!(
        !hits[0].evaluation.rows.is_empty(),
        "no interval of `{}` lies within the schedule's coverage ({} to {})",
        args.input.display(),
        wfm::time::format_timestamp(coverage.grid().start()),
        wfm::time::format_timestamp(coverage.grid().end())
    );
    let by = args.by.unwrap_or(By::Day);
    if by == By::Total {
        return Err(super::vocab::usage(
            "--by total: against a schedule every queue keeps its own target; use --by queue or --by day",
        ));
    }
    let table = wfm::io::staffing::schedule_hits_table(&hits, precision, by == By::Day);
    inputs.push(cov_path.clone());
    emit(&table, &args.output, &inputs)?;
    // What changed, in words: every queue × day whose verdict or SL moved.
    let base = &hits[0].evaluation;
    for h in &hits[1..] {
        let mut moved = 0;
        for d in &h.evaluation.days {
            let Some(b) = base
                .days
                .iter()
                .find(|x| x.queue == d.queue && x.date == d.date)
            else {
                continue;
            };
            let (Some(s), Some(bs)) = (d.service_level, b.service_level) else {
                continue;
            };
            if (s - bs).abs() >= 0.0005 || d.met != b.met {
                moved += 1;
                eprintln!(
                    "{}: {} {} {}: service level {:.1} % → {:.1} %{}",
                    h.name,
                    d.queue,
                    d.date.format("%a"),
                    d.date,
                    100.0 * bs,
                    100.0 * s,
                    match (b.met, d.met) {
                        (true, false) => " (now misses its target)",
                        (false, true) => " (now meets its target)",
                        _ => "",
                    }
                );
            }
        }
        if moved == 0 {
            eprintln!("{}: no queue × day changes its service level", h.name);
        }
    }
    eprintln!(
        "note: the schedule `{}` is fixed; each variant's demand (scope: queues; weekdays; dates; times of day) meets its agents, split by pooling: {}",
        cov_path.display(),
        pooling.name()
    );
    Ok(ExitCode::SUCCESS)
}
