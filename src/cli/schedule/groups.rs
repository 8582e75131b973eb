//! `wfm schedule --config <multi-skill config> --requirement <group staffing> --demand FILE`
//! (issue #20, build 3): shifts per group covering each group's requirement
//! ([`wfm::schedule::groups`]), then the plan's coverage per group simulated with the config's
//! routing against every queue's demand and targets (the simulation of `wfm evaluate`).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use wfm::model::{Agents, Panel};
use wfm::schedule::groups::{solve_groups, stand_in, GroupInput, GroupSchedules};
use wfm::schedule::{Observer, ShiftRules};
use wfm::staffing::multiskill::{evaluate_groups, GroupEvaluation};
use wfm::table::{Cell, OutputFormat, Table};

use super::super::multiskill_eval::{load, Input, Loaded};
use super::super::vocab::usage;
use super::{out_dir, write_table, Args, ObjectiveArg};

/// The flags of a single-requirement plan that a group plan does not take.
fn not_for_groups(args: &Args) -> Vec<&'static str> {
    [
        ("--calibration", args.calibration.is_some()),
        ("--agents", args.agents.is_some()),
        ("--leave", args.leave.is_some()),
        ("--from", args.from.is_some()),
        ("--days", args.days.is_some()),
        ("--budget", args.budget.is_some()),
        ("--sl", args.sl.is_some() || args.sl_threshold.is_some()),
        ("--history", args.history.is_some()),
        ("--compare", args.compare),
        ("--tours", args.tours),
        (
            "--objective service",
            matches!(args.objective, ObjectiveArg::Service),
        ),
    ]
    .into_iter()
    .filter_map(|(f, given)| given.then_some(f))
    .collect()
}

/// Re-planning rounds of `--substitute` after a simulated miss.
const SUBSTITUTE_ROUNDS: u32 = 5;

struct Stages(std::time::Instant);

impl Observer for Stages {
    fn stage(&mut self, message: &str) {
        eprintln!("[{:7.2} s] {message}", self.0.elapsed().as_secs_f64());
    }
}

pub(super) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let given = not_for_groups(args);
    if !given.is_empty() {
        return Err(usage(format!(
            "{} do(es) not apply to a multi-skill config (one with [groups]): the plan covers each group's requirement and is judged by simulation",
            given.join(", ")
        )));
    }
    let config = args.config.as_deref().expect("a multi-skill config");
    let Some(demand) = args.demand.as_deref() else {
        return Err(usage(
            "a multi-skill config needs --demand: the calls per queue × interval the plan's groups are simulated against",
        ));
    };
    let dir = out_dir(args)?;
    let opts = super::options(args)?;
    let l = load(&Input {
        config,
        demand,
        staffing: &args.requirement,
        reps: None,
        seed: None,
    })?;
    let rules = ShiftRules::from_path(&args.shifts)
        .with_context(|| format!("failed to load `{}`", args.shifts.display()))?;
    let required = group_requirement(&l, config)?;
    let costs: Vec<f64> = l
        .cfg
        .problem
        .groups
        .iter()
        .map(|g| g.cost_per_hour)
        .collect();
    let stand_in = if args.substitute {
        let skills: Vec<Vec<(usize, u32)>> = l
            .cfg
            .problem
            .routing
            .groups()
            .iter()
            .map(|g| g.skills().to_vec())
            .collect();
        stand_in(&skills)
    } else {
        vec![Vec::new(); costs.len()]
    };
    let (plan, ev) = plan_and_simulate(args, &l, &required, &costs, &stand_in, &rules, &opts)?;
    let mut inputs = l.inputs.clone();
    inputs.push(args.shifts.clone());
    write_table(&dir, "plan.csv", &plan_table(&plan), &inputs)?;
    write_table(&dir, "coverage.csv", &coverage_table(&plan), &inputs)?;
    let summary = summary_table(&plan, &ev);
    let mut json = Vec::new();
    summary.write(OutputFormat::Json, &mut json)?;
    wfm::table::write_atomic(&dir.join("summary.json"), &json, &inputs)
        .with_context(|| format!("failed to write `{}`", dir.join("summary.json").display()))?;
    eprintln!(
        "plan written to {}/ (plan.csv, coverage.csv per group, summary.json); the queues simulated with {} replications, seed {} (`wfm evaluate --config {} --demand {} --schedule {}` gives the same figures)",
        dir.display(),
        ev.reps,
        ev.seed,
        config.display(),
        demand.display(),
        dir.display()
    );
    let mut out = std::io::stdout().lock();
    summary.write(args.format.into(), &mut out)?;
    out.flush()?;
    let mut unmet = false;
    if !plan.covered() {
        eprintln!(
            "error: a group's plan is infeasible or leaves intervals understaffed (exit code 3)"
        );
        unmet = true;
    }
    let missed = ev.missed_intervals();
    if missed > 0 {
        eprintln!("{missed} queue × interval(s) miss a target in the simulation (exit code 3)");
        unmet = true;
    }
    Ok(if unmet {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// The group staffing of `l` as the requirement per group, in the config's group order.
fn group_requirement(l: &Loaded, config: &std::path::Path) -> anyhow::Result<Panel<Agents>> {
    let routing = &l.cfg.problem.routing;
    let mut cells = Vec::new();
    for g in routing.groups() {
        let s = l.agents.series_of(g.id.as_str()).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: group `{}` of the config has no rows",
                l.staffing.display(),
                g.id
            )
        })?;
        cells.extend_from_slice(s);
    }
    if let Some(g) = l
        .agents
        .queues()
        .iter()
        .find(|g| !routing.groups().iter().any(|x| &x.id == *g))
    {
        anyhow::bail!(
            "{}: group `{g}` is not a group of `{}`",
            l.staffing.display(),
            config.display()
        );
    }
    let groups = routing.groups().iter().map(|g| g.id.clone()).collect();
    Ok(Panel::from_cells(groups, *l.demand.grid(), cells)?)
}

/// Plans every group and simulates the plan; with `--substitute`, re-plans without the
/// stand-ins where a queue missed, up to [`SUBSTITUTE_ROUNDS`] times.
fn plan_and_simulate(
    args: &Args,
    l: &Loaded,
    required: &Panel<Agents>,
    costs: &[f64],
    stand_in: &[Vec<usize>],
    rules: &ShiftRules,
    opts: &wfm::schedule::SolveOptions,
) -> anyhow::Result<(GroupSchedules, GroupEvaluation)> {
    let mut stages = Stages(std::time::Instant::now());
    let mut blocked: Vec<Vec<bool>> = Vec::new();
    let mut round = 0;
    let mut previous = None;
    let out = loop {
        let input = GroupInput {
            required,
            cost_per_hour: costs,
            stand_in,
            blocked: &blocked,
            previous: previous.as_ref(),
        };
        let plan = solve_groups(&input, rules, opts, &mut stages)
            .with_context(|| format!("shift rules `{}`", args.shifts.display()))?;
        stages.stage("simulating the plan's coverage per group against every queue");
        let offset = plan
            .coverage
            .grid()
            .position(l.demand.grid().start())
            .context("the demand's first interval is not on the plan's grid")?;
        let on_demand: Panel<Agents> = plan.coverage.window(offset, l.demand.grid().len())?;
        let ev = evaluate_groups(
            &l.cfg.problem,
            &l.demand,
            &on_demand,
            &l.cfg.options,
            &wfm::model::Silent,
        )
        .context("failed to simulate the plan")?;
        // With stand-ins: where a queue misses, every group that took a stand-in there covers
        // its own requirement in the next round (stand-ins share agents with every queue);
        // when no stand-in was there (the queue carries over from earlier intervals), every
        // stand-in of the miss's day.
        let mut more = 0;
        if args.substitute && round < SUBSTITUTE_ROUNDS {
            let grid = *plan.coverage.grid();
            if blocked.is_empty() {
                blocked = vec![vec![false; grid.len()]; costs.len()];
            }
            let n = l.demand.grid().len();
            let missed: Vec<usize> = (ev.intervals.iter().enumerate())
                .filter(|(_, r)| !r.met)
                .map(|(k, _)| offset + k % n)
                .collect();
            let mut block = |ts: &mut dyn Iterator<Item = usize>| {
                let mut k = 0;
                for t in ts {
                    for (g, b) in blocked.iter_mut().enumerate() {
                        if plan.stood_in.get(g, t).get() > 0 && !b[t] {
                            b[t] = true;
                            k += 1;
                        }
                    }
                }
                k
            };
            more = block(&mut missed.iter().copied());
            if more == 0 {
                let per_day = grid.per_day().unwrap_or(1);
                more = block(
                    &mut missed
                        .iter()
                        .flat_map(|&t| (t / per_day * per_day)..((t / per_day + 1) * per_day)),
                );
            }
        }
        if more == 0 {
            break (plan, ev);
        }
        previous = Some(plan);
        round += 1;
        stages.stage(&format!(
            "round {round}: {more} group × interval(s) where a queue missed plan without stand-ins"
        ));
    };
    Ok(out)
}

/// `group, day, start, end, template, count, paid_hours, breaks`.
fn plan_table(plan: &GroupSchedules) -> Table {
    let mut t = Table::new([
        "group",
        "day",
        "start",
        "end",
        "template",
        "count",
        "paid_hours",
        "breaks",
    ]);
    for p in &plan.plans {
        let inner = p.schedule.plan_table();
        for row in &inner.rows {
            let mut r = vec![Cell::text(p.group.as_str())];
            r.extend(row.iter().cloned());
            t.push(r);
        }
    }
    t
}

/// `interval_start, group, required, stood_in, scheduled, gap` per group × requirement
/// interval, with `scheduled` the fewest agents on the phones within the interval (whole
/// numbers: `wfm evaluate --config <groups> --schedule DIR` reads it), `stood_in` the part of
/// `required` other groups' spare agents cover (`--substitute`), `gap = scheduled + stood_in −
/// required`.
fn coverage_table(plan: &GroupSchedules) -> Table {
    let mut t = Table::new([
        "interval_start",
        "group",
        "required",
        "stood_in",
        "scheduled",
        "gap",
    ]);
    let g = plan.coverage.grid();
    for (i, group, a) in plan.coverage.iter_time_major() {
        let gi = plan.coverage.queue_index(group.as_str()).unwrap_or(0);
        let r = i64::from(plan.required.get(gi, i).get());
        let by_others = i64::from(plan.stood_in.get(gi, i).get());
        let on = i64::from(a.get());
        t.push(vec![
            Cell::text(g.timestamp(i).format("%Y-%m-%dT%H:%M:%S").to_string()),
            Cell::text(group.as_str()),
            Cell::Int(r),
            Cell::Int(by_others),
            Cell::Int(on),
            Cell::Int(on + by_others - r),
        ]);
    }
    t
}

/// One row per group (its plan), the total, and one per queue (its simulated service).
fn summary_table(plan: &GroupSchedules, ev: &GroupEvaluation) -> Table {
    let mut t = Table::new([
        "kind",
        "name",
        "status",
        "shifts",
        "required_agent_hours",
        "stood_in_agent_hours",
        "paid_agent_hours",
        "cost",
        "understaffed_intervals",
        "sl_target",
        "service_level",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
        "missed_intervals",
        "busy_intervals",
    ]);
    let f = |v: f64, dp: usize| Cell::float(Some(v), dp);
    let empty = |n: usize| std::iter::repeat_n(Cell::Empty, n);
    let hours = plan
        .required
        .grid()
        .interval()
        .map_or(0.0, |i| f64::from(i.seconds()) / 3600.0);
    let sum_hours = |p: &wfm::model::Panel<wfm::model::Agents>, g: usize| {
        p.series(g).iter().map(|a| a.as_f64()).sum::<f64>() * hours
    };
    for (g, p) in plan.plans.iter().enumerate() {
        let s = &p.schedule.summary;
        let mut r = vec![
            Cell::text("group"),
            Cell::text(p.group.as_str()),
            Cell::text(s.status.clone()),
            Cell::Int(s.shifts as i64),
            f(sum_hours(&plan.required, g), 2),
            f(sum_hours(&plan.stood_in, g), 2),
            f(s.paid_agent_hours, 2),
            f(p.cost(), 2),
            Cell::Int(s.understaffed_intervals as i64),
        ];
        r.extend(empty(7));
        t.push(r);
    }
    let mut r = vec![
        Cell::text("plan"),
        Cell::text("all groups"),
        Cell::text(if plan.covered() { "covered" } else { "short" }),
        Cell::Int(
            plan.plans
                .iter()
                .map(|p| p.schedule.summary.shifts as i64)
                .sum(),
        ),
        f(
            (0..plan.plans.len())
                .map(|g| sum_hours(&plan.required, g))
                .sum(),
            2,
        ),
        f(
            (0..plan.plans.len())
                .map(|g| sum_hours(&plan.stood_in, g))
                .sum(),
            2,
        ),
        f(plan.paid_agent_hours(), 2),
        f(plan.cost(), 2),
        Cell::Int(
            plan.plans
                .iter()
                .map(|p| p.schedule.summary.understaffed_intervals as i64)
                .sum(),
        ),
    ];
    r.extend(empty(7));
    t.push(r);
    for (h, tg) in ev.horizon.iter().zip(&ev.targets) {
        let mut r = vec![Cell::text("queue"), Cell::text(h.queue.as_str())];
        r.extend(empty(7));
        r.extend([
            Cell::float(tg.service_level, 4),
            Cell::float(h.service_level, 4),
            Cell::float(h.asa_secs, 2),
            Cell::float(h.abandon_rate, 4),
            Cell::float(h.occupancy, 4),
            Cell::Int(h.missed_intervals as i64),
            Cell::Int(h.busy_intervals as i64),
        ]);
        t.push(r);
    }
    t
}
