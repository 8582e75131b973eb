//! `wfm evaluate` and `wfm scenario` with a multi-skill config (one with `[groups]`, issue #20):
//! a group staffing (agents per group × interval: `wfm staff` output, or a schedule's coverage
//! per group) simulated with the config's routing against every queue's targets
//! (`wfm::staffing::multiskill::evaluate_groups`, `scenarios_on_groups`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wfm::io::multiskill::{read_multiskill_config, MultiSkillConfig};
use wfm::io::simulate::{read_agents, read_demand, DemandInput};
use wfm::io::staffing::number;
use wfm::model::{Agents, Demand, Panel, Silent};
use wfm::staffing::multiskill::{
    evaluate_groups, scenarios_on_groups, GroupEvaluation, GroupScenarioRun, QueuePeriod,
};
use wfm::staffing::plan::Precision;
use wfm::table::{Cell, Table};

use super::{emit, Format, OutputArgs};

/// What `wfm evaluate` / `wfm scenario` pass on for a multi-skill config.
pub(crate) struct Request<'a> {
    pub(crate) input: Input<'a>,
    pub(crate) output: &'a OutputArgs,
}

/// The files and simulation overrides of a group staffing's evaluation.
pub(crate) struct Input<'a> {
    pub(crate) config: &'a Path,
    pub(crate) demand: &'a Path,
    /// A group staffing file, or a schedule directory (its coverage.csv).
    pub(crate) staffing: &'a Path,
    pub(crate) reps: Option<u32>,
    pub(crate) seed: Option<u64>,
}

/// A multi-skill config, its demand and a group staffing on the demand's grid.
pub(crate) struct Loaded {
    pub(crate) cfg: MultiSkillConfig,
    pub(crate) demand: Panel<Demand>,
    pub(crate) agents: Panel<Agents>,
    /// The demand, the config and the staffing file (provenance of outputs).
    pub(crate) inputs: Vec<PathBuf>,
    /// The staffing file read (a directory's coverage.csv).
    pub(crate) staffing: PathBuf,
}

/// Reads a groups config (with `--reps` / `--seed` over it) and the demand, noting on stderr
/// the queue × interval cells the demand file leaves out (taken as no calls).
pub(crate) fn config_and_demand(
    config: &Path,
    reps: Option<u32>,
    seed: Option<u64>,
    demand: &Path,
) -> anyhow::Result<(MultiSkillConfig, DemandInput)> {
    let mut cfg = read_multiskill_config(config)
        .with_context(|| format!("failed to load `{}`", config.display()))?;
    if let Some(r) = reps {
        anyhow::ensure!(r >= 1, "--reps: expected ≥ 1");
        cfg.options.verify_reps = r;
    }
    if let Some(s) = seed {
        cfg.options.seed = s;
    }
    let input =
        read_demand(demand).with_context(|| format!("failed to load `{}`", demand.display()))?;
    super::simulate::warn_aht_filled(demand, &input);
    if input.filled > 0 {
        eprintln!(
            "note: {}: {} queue × interval cell(s) not in the file are taken as no calls",
            demand.display(),
            input.filled
        );
    }
    Ok((cfg, input))
}

/// Reads `req`'s config (with `--reps` / `--seed` over it), demand and group staffing; a
/// group × interval the staffing skips is an error when one of its queues has calls there.
pub(crate) fn load(req: &Input<'_>) -> anyhow::Result<Loaded> {
    let (cfg, demand) = config_and_demand(req.config, req.reps, req.seed, req.demand)?;
    let staffing = if req.staffing.is_dir() {
        req.staffing.join("coverage.csv")
    } else {
        req.staffing.to_path_buf()
    };
    let grid = *demand.demand.grid();
    let agents = read_agents(&staffing, &grid)
        .with_context(|| format!("failed to load `{}`", staffing.display()))?;
    if agents.outside > 0 {
        eprintln!(
            "note: {}: {} row(s) outside the demand's horizon are not used",
            staffing.display(),
            agents.outside
        );
    }
    // A group × interval the file skips is 0 agents when none of its queues has calls there
    // (`wfm staff` leaves idle intervals out), an error otherwise.
    let routing = &cfg.problem.routing;
    for &(g, t) in &agents.missing {
        let gid = &agents.agents.queues()[g];
        let busy = routing
            .groups()
            .iter()
            .filter(|grp| &grp.id == gid)
            .flat_map(|grp| grp.skills().iter().map(|&(q, _)| &routing.queues()[q]))
            .find(|q| {
                demand
                    .demand
                    .series_of(q.as_str())
                    .is_some_and(|s| s[t].offered > 0.0)
            });
        if let Some(q) = busy {
            anyhow::bail!(
                "{}: group `{gid}` has no agents listed for {}, when queue `{q}` has calls",
                staffing.display(),
                grid.timestamp(t).format("%Y-%m-%dT%H:%M:%S")
            );
        }
    }
    Ok(Loaded {
        cfg,
        demand: demand.demand,
        agents: agents.agents,
        inputs: vec![
            req.demand.to_path_buf(),
            req.config.to_path_buf(),
            staffing.clone(),
        ],
        staffing,
    })
}

pub(crate) fn precision(output: &OutputArgs) -> Precision {
    if output.out.is_none() && matches!(output.format, Format::Table) {
        Precision::Display
    } else {
        Precision::Full
    }
}

fn bool_cell(b: bool) -> Cell {
    Cell::text(if b { "true" } else { "false" })
}

pub(crate) fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |s| format!("{:.1} %", 100.0 * s))
}

/// `wfm evaluate --config <groups> --demand FILE --schedule FILE|DIR`.
pub(crate) fn evaluate(req: Request<'_>, by_day: bool) -> anyhow::Result<ExitCode> {
    let l = load(&req.input)?;
    let ev = evaluate_groups(
        &l.cfg.problem,
        &l.demand,
        &l.agents,
        &l.cfg.options,
        &Silent,
    )
    .with_context(|| format!("failed to evaluate `{}`", l.staffing.display()))?;
    let p = precision(req.output);
    let table = if by_day {
        day_table(&ev, p)
    } else {
        interval_table(&ev, p)
    };
    emit(&table, req.output, &l.inputs)?;
    eprintln!(
        "simulated the group staffing `{}` ({} replications, seed {}, common random numbers; SL threshold {} s):",
        l.staffing.display(),
        ev.reps,
        ev.seed,
        ev.threshold_secs
    );
    for (h, t) in ev.horizon.iter().zip(&ev.targets) {
        eprintln!(
            "  {}: service level {} (target {}), ASA {}, abandoned {}, occupancy {}; {} of {} busy intervals miss a target",
            h.queue,
            pct(h.service_level),
            pct(t.service_level),
            h.asa_secs.map_or("-".into(), |a| format!("{a:.1} s")),
            pct(h.abandon_rate),
            pct(h.occupancy),
            h.missed_intervals,
            h.busy_intervals
        );
    }
    for d in ev.days.iter().filter(|d| !d.met || d.missed_intervals > 0) {
        let t = &ev.targets[queue_index(&ev, d)];
        eprintln!(
            "miss: {} {}: service level {} against target {} ({} of {} intervals miss){}",
            d.queue,
            d.start.date(),
            pct(d.service_level),
            t.service_level
                .map_or("- (ASA/abandon)".into(), |s| format!("{:.0} %", 100.0 * s)),
            d.missed_intervals,
            d.busy_intervals,
            if d.met { "" } else { "; the day misses" }
        );
    }
    let missed = ev.missed_intervals() + ev.days.iter().filter(|d| !d.met).count();
    Ok(if missed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

fn target_cells(ev: &GroupEvaluation, r: &QueuePeriod, p: Precision) -> [Cell; 3] {
    let t = &ev.targets[queue_index(ev, r)];
    [
        number(t.service_level, p, 2),
        number(t.max_asa_secs, p, 1),
        number(t.max_abandon, p, 4),
    ]
}

fn queue_index(ev: &GroupEvaluation, r: &QueuePeriod) -> usize {
    ev.horizon
        .iter()
        .position(|h| h.queue == r.queue)
        .unwrap_or(0)
}

fn interval_table(ev: &GroupEvaluation, p: Precision) -> Table {
    let mut t = Table::new([
        "queue",
        wfm::io::schema::INTERVAL_START,
        "offered",
        "agents",
        "service_level",
        "target",
        "max_asa_seconds",
        "max_abandon",
        "met",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
        wfm::io::schema::P_MEET_TARGET,
    ]);
    let hours = ev
        .agents
        .grid()
        .interval()
        .map_or(1.0, |i| f64::from(i.seconds()) / 3600.0);
    for r in &ev.intervals {
        let mut row = vec![
            Cell::text(r.queue.as_str()),
            Cell::text(r.start.format("%Y-%m-%dT%H:%M:%S").to_string()),
            number(Some(r.offered), p, 2),
            Cell::Int((r.serving_agent_hours / hours).round() as i64),
            number(r.service_level, p, 4),
        ];
        row.extend(target_cells(ev, r, p));
        row.extend([
            bool_cell(r.met),
            number(r.asa_secs, p, 1),
            number(r.abandon_rate, p, 4),
            number(r.occupancy, p, 4),
            number(r.p_meet, p, 4),
        ]);
        t.push(row);
    }
    t
}

fn day_table(ev: &GroupEvaluation, p: Precision) -> Table {
    let mut t = Table::new([
        "queue",
        "date",
        "intervals",
        "offered",
        "agent_hours",
        "service_level",
        "target",
        "max_asa_seconds",
        "max_abandon",
        "met",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
        "missed_intervals",
        wfm::io::schema::P_MEET_TARGET,
    ]);
    for r in &ev.days {
        let mut row = vec![
            Cell::text(r.queue.as_str()),
            Cell::text(r.start.date().to_string()),
            Cell::Int(r.intervals as i64),
            number(Some(r.offered), p, 1),
            number(Some(r.serving_agent_hours), p, 2),
            number(r.service_level, p, 4),
        ];
        row.extend(target_cells(ev, r, p));
        row.extend([
            bool_cell(r.met),
            number(r.asa_secs, p, 1),
            number(r.abandon_rate, p, 4),
            number(r.occupancy, p, 4),
            Cell::Int(r.missed_intervals as i64),
            number(r.p_meet, p, 4),
        ]);
        t.push(row);
    }
    t
}

/// `wfm scenario --config <groups> --input FILE --scenarios FILE --schedule FILE|DIR`.
pub(crate) fn scenario(
    req: Request<'_>,
    scenarios: &Path,
    by_day: bool,
) -> anyhow::Result<ExitCode> {
    let l = load(&req.input)?;
    let variants = wfm::io::staffing::read_scenarios(scenarios)
        .with_context(|| format!("failed to load `{}`", scenarios.display()))?;
    let runs = scenarios_on_groups(
        &l.cfg.problem,
        &l.demand,
        &l.agents,
        &l.cfg.options,
        &variants,
        &Silent,
    )
    .with_context(|| {
        format!(
            "failed to run the scenarios of `{}` on `{}`",
            scenarios.display(),
            l.staffing.display()
        )
    })?;
    let mut inputs = l.inputs.clone();
    inputs.push(scenarios.to_path_buf());
    emit(
        &scenario_table(&runs, precision(req.output), by_day),
        req.output,
        &inputs,
    )?;
    let base = &runs[0].evaluation;
    for r in &runs[1..] {
        for (h, b) in r.evaluation.horizon.iter().zip(&base.horizon) {
            eprintln!(
                "{}: {}: service level {} → {}, {} → {} intervals miss a target{}",
                r.name,
                h.queue,
                pct(b.service_level),
                pct(h.service_level),
                b.missed_intervals,
                h.missed_intervals,
                if r.removed > 0 {
                    format!(" ({} agent-intervals absent)", r.removed)
                } else {
                    String::new()
                }
            );
        }
    }
    eprintln!(
        "note: the group staffing `{}` is fixed; each variant's demand (scope: queues; weekdays; dates; times of day) meets it in the simulator ({} replications, seed {}, common random numbers); absent agents leave the groups named (absent_agents = {{ group = n }}), or else the group with the most agents among those serving the scope's queues",
        l.staffing.display(),
        base.reps,
        base.seed
    );
    Ok(ExitCode::SUCCESS)
}

fn scenario_table(runs: &[GroupScenarioRun], p: Precision, by_day: bool) -> Table {
    let mut t = Table::new([
        "scenario",
        "queue",
        "period",
        "offered",
        "agent_hours",
        "service_level",
        "service_level_delta",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
        "met",
        "missed_intervals",
        "absent_agents",
        "absent_from",
        "scope",
    ]);
    let base = &runs[0].evaluation;
    for r in runs {
        let ev = &r.evaluation;
        for (q, h) in ev.horizon.iter().enumerate() {
            let days = ev.days.iter().filter(|d| d.queue == h.queue);
            let base_days = base.days.iter().filter(|d| d.queue == h.queue);
            let periods = std::iter::once((h, &base.horizon[q], "horizon".to_string()));
            let rows: Vec<(&QueuePeriod, &QueuePeriod, String)> = if by_day {
                periods
                    .chain(
                        days.zip(base_days)
                            .map(|(d, b)| (d, b, d.start.date().to_string())),
                    )
                    .collect()
            } else {
                periods.collect()
            };
            for (x, b, period) in rows {
                t.push(vec![
                    Cell::text(r.name.clone()),
                    Cell::text(x.queue.as_str()),
                    Cell::text(period),
                    number(Some(x.offered), p, 1),
                    number(Some(x.serving_agent_hours), p, 2),
                    number(x.service_level, p, 4),
                    number(
                        x.service_level.zip(b.service_level).map(|(a, b)| a - b),
                        p,
                        4,
                    ),
                    number(x.asa_secs, p, 1),
                    number(x.abandon_rate, p, 4),
                    number(x.occupancy, p, 4),
                    bool_cell(x.met),
                    Cell::Int(x.missed_intervals as i64),
                    Cell::Int(i64::from(r.absent_agents)),
                    Cell::text(r.absent_from.clone()),
                    Cell::text(r.scope.clone()),
                ]);
            }
        }
    }
    t
}
