//! `wfm evaluate`: service level, ASA, abandonment and occupancy per queue × interval (or ×
//! day) that a published schedule delivers against demand, judged against each queue's own
//! targets. The pooling assumption is a flag and is printed on every row.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wfm::io::staffing::{number, ReadOptions};
use wfm::staffing::evaluate::{evaluate_schedule, Evaluation, Pooling};
use wfm::staffing::plan::Precision;
use wfm::table::{Cell, Table};
use wfm::time::format_timestamp;

use super::staff::PolicyArgs;
use super::{emit, Format, OutputArgs};

/// Rows per interval or per day.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum By {
    /// One row per queue × interval.
    Interval,
    /// One row per queue × day.
    Day,
}

/// How the schedule's agents serve the queues.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum PoolingArg {
    /// Agents split by each queue's requirement; every queue on its own.
    Separate,
    /// One pool answers every queue.
    Pool,
}

/// Arguments of `wfm evaluate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The schedule's agents (coverage.csv `scheduled`: on shift, not on a \
break) are expected on the phones × (1 − unplanned shrinkage) and evaluated against each queue's \
demand and targets (--config). --pooling separate splits them by each queue's requirement \
(agents_scheduled); --pooling pool lets every agent answer every queue. Fractional agents: \
linear interpolation between the neighbouring whole numbers. Misses are listed on stderr; exit \
code 3 when a queue × period misses its target.

With a multi-skill config (one with [groups], see docs/multiskill.md) --schedule is a group \
staffing (`wfm staff --config` output, or a schedule's coverage per group: interval_start, \
group, agents): it is simulated with the config's routing, replications and seed (common random \
numbers, as the staffing's final check) and every queue's SL, ASA, abandonment and occupancy \
are set against its own targets."
)]
pub(crate) struct Args {
    /// Demand: a forecast, actuals or `wfm staff` output (interval_start, queue, offered, AHT).
    #[arg(long, value_name = "FILE")]
    demand: PathBuf,
    /// A schedule output directory (its coverage.csv), or any `interval_start, agents` table.
    #[arg(long, value_name = "DIR")]
    schedule: PathBuf,
    /// Rows per interval or per day.
    #[arg(long, value_enum, default_value_t = By::Interval)]
    by: By,
    /// Pooling assumption [separate]; not with a multi-skill config, whose groups and routing
    /// say who serves what.
    #[arg(long, value_enum)]
    pooling: Option<PoolingArg>,
    /// Multi-skill config: replications of the simulation [the config's `[simulate] reps`].
    #[arg(long)]
    reps: Option<u32>,
    /// Multi-skill config: seed of the simulation [the config's `[simulate] seed`].
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    policy: Box<PolicyArgs>,
    #[command(flatten)]
    output: OutputArgs,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if super::multiskill::is_multiskill(args.policy.config.as_ref())? {
        super::multiskill::refuse_policy_flags(&args.policy, args.pooling.is_some())?;
        let config = args.policy.config.as_deref().expect("checked above");
        return super::multiskill_eval::evaluate(
            super::multiskill_eval::Request {
                input: super::multiskill_eval::Input {
                    config,
                    demand: &args.demand,
                    staffing: &args.schedule,
                    reps: args.reps,
                    seed: args.seed,
                },
                output: &args.output,
            },
            matches!(args.by, By::Day),
        );
    }
    if args.reps.is_some() || args.seed.is_some() {
        return Err(super::vocab::usage(
            "--reps and --seed apply to a multi-skill config (one with [groups])",
        ));
    }
    let cfg = args.policy.config()?;
    let input = args.policy.input(&args.demand, &ReadOptions::default())?;
    let cov_path = if args.schedule.is_dir() {
        args.schedule.join("coverage.csv")
    } else {
        args.schedule.clone()
    };
    let coverage = wfm::io::coverage::read_coverage(&cov_path)
        .with_context(|| format!("failed to load `{}`", cov_path.display()))?;
    let pooling = match args.pooling.unwrap_or(PoolingArg::Separate) {
        PoolingArg::Separate => Pooling::Separate,
        PoolingArg::Pool => Pooling::Pool,
    };
    let ev = evaluate_schedule(&input, &cfg, &coverage, pooling)
        .with_context(|| format!("failed to evaluate `{}`", args.demand.display()))?;
    anyhow::ensure!(
        !ev.rows.is_empty(),
        "no interval of `{}` lies within the schedule's coverage ({} to {})",
        args.demand.display(),
        format_timestamp(coverage.grid().start()),
        format_timestamp(coverage.grid().end())
    );
    let human = args.output.out.is_none() && matches!(args.output.format, Format::Table);
    let precision = if human {
        Precision::Display
    } else {
        Precision::Full
    };
    let table = match args.by {
        By::Interval => interval_table(&ev, precision),
        By::Day => day_table(&ev, precision),
    };
    let mut inputs = args.policy.inputs(&args.demand);
    inputs.push(cov_path.clone());
    emit(&table, &args.output, &inputs)?;
    eprintln!(
        "evaluated {} queue × interval rows within the schedule ({} demand intervals outside it); pooling: {}",
        ev.rows.len(),
        ev.outside,
        pooling.name()
    );
    let missed: Vec<_> = ev.days.iter().filter(|d| !d.met).collect();
    for d in &missed {
        eprintln!(
            "miss: {} {}: service level {} against target {} ({} of {} intervals miss)",
            d.queue,
            d.date,
            d.service_level
                .map_or("-".into(), |s| format!("{:.1} %", 100.0 * s)),
            d.target
                .map_or("- (ASA/abandon)".into(), |t| format!("{:.0} %", 100.0 * t)),
            d.missed_intervals,
            d.intervals
        );
    }
    let interval_misses = ev.rows.iter().filter(|r| !r.met).count();
    Ok(if missed.is_empty() && interval_misses == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

fn bool_cell(b: bool) -> Cell {
    Cell::text(if b { "true" } else { "false" })
}

fn interval_table(ev: &Evaluation, p: Precision) -> Table {
    let mut t = Table::new([
        "queue",
        wfm::io::schema::INTERVAL_START,
        "offered",
        "scheduled",
        "agents",
        "service_level",
        "target",
        "met",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
        wfm::io::schema::P_MEET_TARGET,
        "pooling",
    ]);
    for r in &ev.rows {
        t.push(vec![
            Cell::text(r.queue.clone()),
            Cell::text(format_timestamp(r.start)),
            number(Some(r.offered), p, 2),
            number(Some(r.scheduled), p, 2),
            number(Some(r.agents), p, 2),
            number(r.service_level, p, 4),
            number(r.target, p, 2),
            bool_cell(r.met),
            number(r.asa_secs, p, 1),
            number(r.abandon_rate, p, 4),
            number(r.occupancy, p, 4),
            number(r.p_meet_target, p, 4),
            Cell::text(ev.pooling.name()),
        ]);
    }
    t
}

fn day_table(ev: &Evaluation, p: Precision) -> Table {
    let mut t = Table::new([
        "queue",
        "date",
        "intervals",
        "offered",
        "scheduled_hours",
        "service_level",
        "target",
        "met",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
        "missed_intervals",
        "pooling",
    ]);
    for d in &ev.days {
        t.push(vec![
            Cell::text(d.queue.clone()),
            Cell::text(d.date.to_string()),
            Cell::Int(d.intervals as i64),
            number(Some(d.offered), p, 1),
            number(Some(d.scheduled_hours), p, 2),
            number(d.service_level, p, 4),
            number(d.target, p, 2),
            bool_cell(d.met),
            number(d.asa_secs, p, 1),
            number(d.abandon_rate, p, 4),
            number(d.occupancy, p, 4),
            Cell::Int(d.missed_intervals as i64),
            Cell::text(ev.pooling.name()),
        ]);
    }
    t
}
