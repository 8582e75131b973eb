//! `wfm scenario --config <groups>` without `--schedule` (issue #20): the baseline and every
//! variant re-staffed by the group staffing of `wfm staff --config`
//! (`wfm::staffing::multiskill::restaff_scenarios`), one block of rows per scenario: each
//! group's agent-hours and cost, the plan's, the two Erlang bounds', and each queue's simulated
//! service against its target, beside the baseline's plan hit by the variant.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wfm::io::staffing::number;
use wfm::staffing::multiskill::{restaff_scenarios, GroupRestaffRun};
use wfm::staffing::plan::Precision;
use wfm::table::{Cell, OutputFormat, Table};

use super::multiskill::Bar;
use super::multiskill_eval::{config_and_demand, pct, precision};
use super::{emit, OutputArgs};

/// What `wfm scenario` passes on to re-staff a multi-skill config's variants.
pub(crate) struct Request<'a> {
    pub(crate) config: &'a Path,
    pub(crate) demand: &'a Path,
    pub(crate) scenarios: &'a Path,
    /// `[simulate] reps` (the check of every plan and the hit runs) instead of the config's.
    pub(crate) reps: Option<u32>,
    pub(crate) seed: Option<u64>,
    /// `--plans DIR`: every re-staffed plan, one file per scenario.
    pub(crate) plans: Option<&'a Path>,
    pub(crate) output: &'a OutputArgs,
}

/// Output columns, one row per scenario × (group, plan, bound, queue).
const COLUMNS: [&str; 19] = [
    "scenario",
    "kind",
    "name",
    "agent_hours",
    "cost",
    "agent_hours_delta",
    "cost_delta",
    "sl_target",
    "service_level",
    "abandon_rate",
    "p_meet_horizon",
    "missed_intervals",
    "busy_intervals",
    "hit_service_level",
    "hit_abandon_rate",
    "hit_missed_intervals",
    "absent_agents",
    "absent_from",
    "scope",
];

pub(crate) fn run(req: Request<'_>) -> anyhow::Result<ExitCode> {
    let (cfg, demand) = config_and_demand(req.config, req.reps, req.seed, req.demand)?;
    let variants = wfm::io::staffing::read_scenarios(req.scenarios)
        .with_context(|| format!("failed to load `{}`", req.scenarios.display()))?;
    let bar = Bar::new(false);
    let runs = restaff_scenarios(&cfg.problem, &demand.demand, &cfg.options, &variants, &bar)
        .with_context(|| {
            format!(
                "failed to re-staff the scenarios of `{}` on `{}`",
                req.scenarios.display(),
                req.demand.display()
            )
        })?;
    bar.finish();
    let inputs = [
        req.demand.to_path_buf(),
        req.config.to_path_buf(),
        req.scenarios.to_path_buf(),
    ];
    emit(&table(&runs, precision(req.output)), req.output, &inputs)?;
    if let Some(dir) = req.plans {
        write_plans(dir, &runs, &inputs)?;
    }
    describe(&runs);
    eprintln!(
        "note: every scenario re-staffed as `wfm staff --config` does ({} replications per staffing in the search; check and hit runs: {} replications, seed {}); hit_* = the baseline's plan, minus the scenario's absent agents, under the scenario's calls and targets",
        cfg.options.reps, cfg.options.verify_reps, cfg.options.seed
    );
    let missed: usize = runs
        .iter()
        .flat_map(|r| &r.plan.verification.queues)
        .map(|q| q.missed_intervals)
        .sum();
    if missed > 0 {
        eprintln!(
            "{missed} queue × interval(s) of the re-staffed plans miss a target in their check (exit code 3)"
        );
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// `--plans DIR`: one CSV per scenario, `<scenario>.csv` with the rows `wfm staff --config`
/// writes, committed as one directory. A scenario name that cannot be a file name is an error
/// naming it (nothing is written).
fn write_plans(dir: &Path, runs: &[GroupRestaffRun], inputs: &[PathBuf]) -> anyhow::Result<()> {
    let mut files = Vec::with_capacity(runs.len());
    for r in runs {
        let fine = !r.name.is_empty()
            && r.name != "."
            && r.name != ".."
            && !r.name.contains(['/', '\\', '\0', ':']);
        anyhow::ensure!(
            fine,
            "--plans: scenario `{}` cannot be a file name in `{}` (rename it: no '/', '\\', ':')",
            r.name,
            dir.display()
        );
        let mut buf = Vec::new();
        super::multiskill::plan_rows(&r.plan).write(OutputFormat::Csv, &mut buf)?;
        files.push((format!("{}.csv", r.name), buf));
    }
    wfm::table::write_atomic_dir(dir, &files, inputs)
        .with_context(|| format!("failed to write `{}`", dir.display()))?;
    Ok(())
}

/// Each variant in a line: its cost against the baseline's, and its queues' service.
fn describe(runs: &[GroupRestaffRun]) {
    let base = &runs[0].plan;
    for r in runs {
        let cost = r.plan.total_cost();
        let delta = cost - base.total_cost();
        let groups: Vec<String> = r
            .plan
            .agents
            .queues()
            .iter()
            .zip(r.plan.agent_hours())
            .map(|(g, h)| format!("{g} {h:.1}"))
            .collect();
        let queues: Vec<String> = r
            .plan
            .verification
            .queues
            .iter()
            .zip(&r.hit.horizon)
            .map(|(q, h)| {
                format!(
                    "{} {} (target {}; baseline plan {})",
                    q.queue,
                    pct(q.service_level),
                    pct(q.targets.service_level),
                    pct(h.service_level)
                )
            })
            .collect();
        eprintln!(
            "{}: cost {cost:.2} ({delta:+.2}, {:+.1} %), agent-hours {} ({}); {}",
            r.name,
            100.0 * delta / base.total_cost().max(f64::MIN_POSITIVE),
            format_args!("{:.1}", r.plan.total_agent_hours()),
            groups.join(", "),
            queues.join(", ")
        );
    }
}

fn table(runs: &[GroupRestaffRun], p: Precision) -> Table {
    let mut t = Table::new(COLUMNS);
    let base = &runs[0].plan;
    let base_hours = base.agent_hours();
    for r in runs {
        let plan = &r.plan;
        let tail = [
            Cell::Int(i64::from(r.absent_agents)),
            Cell::text(r.absent_from.clone()),
            Cell::text(r.scope.clone()),
        ];
        let cost_row = |kind: &str, name: &str, hours: f64, cost: f64, base: (f64, f64)| {
            let mut row = vec![
                Cell::text(r.name.clone()),
                Cell::text(kind),
                Cell::text(name),
                number(Some(hours), p, 2),
                number(Some(cost), p, 2),
                number(Some(hours - base.0), p, 2),
                number(Some(cost - base.1), p, 2),
            ];
            row.extend(std::iter::repeat_n(Cell::Empty, 9));
            row.extend(tail.iter().cloned());
            row
        };
        let hours = plan.agent_hours();
        for (g, id) in plan.agents.queues().iter().enumerate() {
            let c = plan.cost_per_hour[g];
            t.push(cost_row(
                "group",
                id.as_str(),
                hours[g],
                hours[g] * c,
                (base_hours[g], base_hours[g] * c),
            ));
        }
        let (b, vb) = (&base.bounds, &plan.bounds);
        for (kind, name, now, then) in [
            (
                "plan",
                "multi-skill",
                (plan.total_agent_hours(), plan.total_cost()),
                (base.total_agent_hours(), base.total_cost()),
            ),
            (
                "bound",
                "all-separate",
                (vb.separate_hours(), vb.separate_cost()),
                (b.separate_hours(), b.separate_cost()),
            ),
            (
                "bound",
                "fully-pooled",
                (vb.pooled_hours(), vb.pooled_cost()),
                (b.pooled_hours(), b.pooled_cost()),
            ),
        ] {
            t.push(cost_row(kind, name, now.0, now.1, then));
        }
        for q in &plan.verification.queues {
            let h = r.hit.horizon.iter().find(|h| h.queue == q.queue);
            let mut row = vec![
                Cell::text(r.name.clone()),
                Cell::text("queue"),
                Cell::text(q.queue.as_str()),
            ];
            row.extend(std::iter::repeat_n(Cell::Empty, 4));
            row.extend([
                number(q.targets.service_level, p, 4),
                number(q.service_level, p, 4),
                number(q.abandon_rate, p, 4),
                number(Some(q.p_meet_horizon), p, 4),
                Cell::Int(q.missed_intervals as i64),
                Cell::Int(q.busy_intervals as i64),
                number(h.and_then(|h| h.service_level), p, 4),
                number(h.and_then(|h| h.abandon_rate), p, 4),
                h.map_or(Cell::Empty, |h| Cell::Int(h.missed_intervals as i64)),
            ]);
            row.extend(tail.iter().cloned());
            t.push(row);
        }
    }
    t
}
