//! `wfm staff --config <multi-skill config>`: agents per group × interval (issue #20,
//! `wfm::staffing::multiskill`). Rows on stdout; the plan's cost beside the two Erlang bounds,
//! and each queue's simulated service in the final plan, on stderr (or `--totals FILE`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wfm::io::multiskill::read_multiskill_config;
use wfm::io::simulate::read_demand;
use wfm::model::Progress;
use wfm::staffing::multiskill::{staff, MultiSkillPlan};
use wfm::table::{Cell, OutputFormat, Table};

use super::{emit, OutputArgs};

/// What `wfm staff` passes on for a multi-skill config.
pub(crate) struct Request<'a> {
    pub(crate) input: &'a Path,
    pub(crate) config: &'a Path,
    pub(crate) reps: Option<u32>,
    pub(crate) seed: Option<u64>,
    pub(crate) totals: Option<&'a Path>,
    pub(crate) check: Option<&'a Path>,
    pub(crate) quiet: bool,
    pub(crate) output: &'a OutputArgs,
}

/// The progress of a staffing search on stderr (hidden when asked, or when stderr is no
/// terminal).
pub(crate) struct Bar(indicatif::ProgressBar);

impl Bar {
    pub(crate) fn new(hidden: bool) -> Bar {
        let bar = Bar(indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} {elapsed}")
                .expect("a valid template"),
        ));
        if hidden {
            bar.0
                .set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        bar
    }
    pub(crate) fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn begin(&self, stage: &str, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.set_message(stage.to_string());
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}

/// Output columns of the plan.
const COLUMNS: [&str; 4] = ["interval_start", "group", "agents", "cost"];

pub(crate) fn run(req: Request<'_>) -> anyhow::Result<ExitCode> {
    let mut cfg = read_multiskill_config(req.config)
        .with_context(|| format!("failed to load `{}`", req.config.display()))?;
    if let Some(r) = req.reps {
        anyhow::ensure!(r >= 1, "--reps: expected ≥ 1");
        cfg.options.reps = r;
    }
    if let Some(s) = req.seed {
        cfg.options.seed = s;
    }
    let demand = read_demand(req.input)
        .with_context(|| format!("failed to load `{}`", req.input.display()))?;
    super::simulate::warn_aht_filled(req.input, &demand);
    if demand.filled > 0 && !req.quiet {
        eprintln!(
            "note: {}: {} queue × interval cell(s) not in the file are taken as no calls",
            req.input.display(),
            demand.filled
        );
    }
    let bar = Bar::new(req.quiet);
    let plan = staff(&cfg.problem, &demand.demand, &cfg.options, &bar)
        .with_context(|| format!("failed to staff `{}`", req.input.display()))?;
    bar.finish();
    let inputs = vec![req.input.to_path_buf(), req.config.to_path_buf()];
    emit(&plan_rows(&plan), req.output, &inputs)?;
    let summary = summary(&plan);
    if !req.quiet {
        let mut err = std::io::stderr().lock();
        writeln!(
            err,
            "multi-skill plan (cutting planes over simulation, {} replications per staffing; check: {} replications, seed {}):",
            cfg.options.reps, plan.verification.reps, plan.verification.seed
        )?;
        summary.write(OutputFormat::Table, &mut err)?;
        let t = plan.terminations();
        writeln!(
            err,
            "intervals: {}; the check simulated the horizon {} time(s) and added {} agent(s)",
            t.iter()
                .map(|(k, n)| format!("{n} {}", k.name()))
                .collect::<Vec<_>>()
                .join(", "),
            plan.verification.simulations,
            plan.verification.added
        )?;
    }
    for (path, table) in [
        (req.totals, &summary),
        (req.check, &check_table(&plan, &demand.demand)),
    ] {
        let Some(path) = path else { continue };
        let fmt = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => OutputFormat::Json,
            _ => OutputFormat::Csv,
        };
        let mut buf = Vec::new();
        table.write(fmt, &mut buf)?;
        wfm::table::write_atomic(path, &buf, &inputs)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    let missed: usize = plan
        .verification
        .queues
        .iter()
        .map(|q| q.missed_intervals)
        .sum();
    if missed > 0 {
        if !req.quiet {
            eprintln!("{missed} queue × interval(s) miss a target in the check (exit code 3)");
        }
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// The plan's rows (`wfm staff --config` output): one per interval × group.
pub(crate) fn plan_rows(plan: &MultiSkillPlan) -> Table {
    let mut t = Table::new(COLUMNS);
    let g = plan.agents.grid();
    let h = plan.interval_hours();
    for (i, group, a) in plan.agents.iter_time_major() {
        let gi = plan.agents.queue_index(group.as_str()).unwrap_or(0);
        t.push(vec![
            Cell::text(g.timestamp(i).format("%Y-%m-%dT%H:%M:%S").to_string()),
            Cell::text(group.as_str()),
            Cell::Int(i64::from(a.get())),
            Cell::float(Some(a.as_f64() * h * plan.cost_per_hour[gi]), 4),
        ]);
    }
    t
}

/// The check's simulated SL per queue × interval, beside the demand and the target.
fn check_table(plan: &MultiSkillPlan, demand: &wfm::model::Panel<wfm::model::Demand>) -> Table {
    let mut t = Table::new([
        "interval_start",
        "queue",
        "offered",
        "service_level",
        "sl_target",
    ]);
    let sl = &plan.verification.service_level;
    let g = sl.grid();
    for (i, q, v) in sl.iter_time_major() {
        let qi = sl.queue_index(q.as_str()).unwrap_or(0);
        let offered = demand.series_of(q.as_str()).map(|s| s[i].offered);
        t.push(vec![
            Cell::text(g.timestamp(i).format("%Y-%m-%dT%H:%M:%S").to_string()),
            Cell::text(q.as_str()),
            Cell::float(offered, 3),
            Cell::float(*v, 4),
            Cell::float(plan.verification.queues[qi].targets.service_level, 4),
        ]);
    }
    t
}

/// Cost rows (each group, the plan, the two bounds) and one row per queue.
fn summary(plan: &MultiSkillPlan) -> Table {
    let mut t = Table::new([
        "kind",
        "name",
        "agent_hours",
        "cost",
        "sl_target",
        "service_level",
        "abandon_rate",
        "p_meet_horizon",
        "p_meet_interval",
        "missed_intervals",
        "busy_intervals",
    ]);
    let f = |v: f64, dp: usize| Cell::float(Some(v), dp);
    let cost_row = |kind: &str, name: &str, hours: f64, cost: f64| {
        let mut r = vec![Cell::text(kind), Cell::text(name), f(hours, 2), f(cost, 2)];
        r.extend(std::iter::repeat_n(Cell::Empty, 7));
        r
    };
    let hours = plan.agent_hours();
    for (g, id) in plan.agents.queues().iter().enumerate() {
        t.push(cost_row(
            "group",
            id.as_str(),
            hours[g],
            hours[g] * plan.cost_per_hour[g],
        ));
    }
    t.push(cost_row(
        "plan",
        "multi-skill",
        plan.total_agent_hours(),
        plan.total_cost(),
    ));
    let b = &plan.bounds;
    t.push(cost_row(
        "bound",
        "all-separate",
        b.separate_hours(),
        b.separate_cost(),
    ));
    t.push(cost_row(
        "bound",
        "fully-pooled",
        b.pooled_hours(),
        b.pooled_cost(),
    ));
    for q in &plan.verification.queues {
        t.push(vec![
            Cell::text("queue"),
            Cell::text(q.queue.as_str()),
            Cell::Empty,
            Cell::Empty,
            Cell::float(q.targets.service_level, 4),
            Cell::float(q.service_level, 4),
            Cell::float(q.abandon_rate, 4),
            f(q.p_meet_horizon, 4),
            f(q.p_meet_interval, 4),
            Cell::Int(q.missed_intervals as i64),
            Cell::Int(q.busy_intervals as i64),
        ]);
    }
    t
}

/// `wfm evaluate` / `wfm scenario` with a multi-skill config: the single-queue policy flags
/// (and `--pooling`) are refused, since the file holds the targets, shapes and routing.
pub(crate) fn refuse_policy_flags(
    policy: &super::staff::PolicyArgs,
    pooling: bool,
) -> anyhow::Result<()> {
    let mut given = policy.flags_given();
    if pooling {
        given.push("--pooling");
    }
    if given.is_empty() {
        return Ok(());
    }
    Err(super::vocab::usage(format!(
        "{} do(es) not apply to a multi-skill config: its targets, shapes and routing are in the file",
        given.join(", ")
    )))
}

/// Whether `--config` names a multi-skill config (one with agent groups).
pub(crate) fn is_multiskill(config: Option<&PathBuf>) -> anyhow::Result<bool> {
    match config {
        Some(p) => wfm::io::multiskill::is_multiskill_config(p)
            .with_context(|| format!("failed to load `{}`", p.display())),
        None => Ok(false),
    }
}
