//! `wfm schedule`: plan shifts and breaks against a staffing requirement.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::ValueEnum;
use wfm::schedule::{
    self, Backend, Method, Objective, Observer as _, Requirement, ShiftRules, SolveOptions,
    Termination,
};
use wfm::staffing::config::{Settings, StaffConfig};
use wfm::staffing::evaluate::{Pooling, QueueService};
use wfm::staffing::plan::StaffInput;
use wfm::table::{OutputFormat, Table};
use wfm::units::Fraction;

use super::vocab::{parse_sl, usage, Sl};
use super::Format;

mod groups;

/// Objective of the plan.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ObjectiveArg {
    /// Minimum cost with every interval covered.
    Cost,
    /// Minimum Σ |scheduled − required|.
    Gap,
    /// Maximum expected service level for a paid-hours budget.
    Service,
}

/// Algorithm.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum MethodArg {
    /// MIP, with the heuristic as warm start and fallback.
    Auto,
    /// Greedy + LP rounding only.
    Heuristic,
    /// Greedy construction only (with the LP bound): for long horizons such as a 15-min month.
    Greedy,
}

/// MIP engine.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum SolverArg {
    /// CBC (when built with the `cbc` feature), else microlp.
    Best,
    /// CBC.
    Cbc,
    /// microlp (pure Rust).
    Microlp,
}

/// Arguments of `wfm schedule`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes plan.csv, coverage.csv, summary.json (and roster.csv, tours.csv) \
to --out DIR; prints the summary on stdout. Exit code 3 when the problem is infeasible or, for \
the cost objective, an interval stays understaffed. Without --out the files go to wfm-schedule/. \
The MIP stops on a node limit (deterministic: the same plan on an idle or a busy machine); \
--time-limit adds a wall-clock limit that makes the plan timing-dependent."
)]
pub(crate) struct Args {
    /// Requirement CSV: `wfm staff` output (interval_start,queue,agents[,load_erlangs,aht_seconds];
    /// queues are pooled) or `day,slot,required[,offered_erlangs,aht_seconds]`.
    #[arg(long, value_name = "FILE")]
    requirement: PathBuf,
    /// Shift rules TOML (see models/shifts.toml).
    #[arg(long, value_name = "FILE")]
    shifts: PathBuf,
    /// `wfm calibrate` output: the requirement is in available agents (e.g. `wfm staff` without
    /// --calibration); cover RECORDED agents = required ÷ the availability by hour of the pool
    /// serving the requirement's queues (pool ALL when they span pools).
    #[arg(long, value_name = "FILE")]
    calibration: Option<PathBuf>,
    /// Named agents CSV (id, weekly_hours, availability, skills, preferences[, monthly_hours,
    /// vacation_days, unavailable]) to roster: writes roster.csv and ics/<agent>.ics.
    #[arg(long, value_name = "FILE")]
    agents: Option<PathBuf>,
    /// Approved leave of the agents: `agent,from,to[,kind]`, inclusive dates (needs --agents
    /// and a dated requirement).
    #[arg(long, value_name = "FILE", requires = "agents")]
    leave: Option<PathBuf>,
    /// Plan from this date (YYYY-MM-DD; a dated requirement such as `wfm staff` output) [its
    /// first day].
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Plan this many days [to the end of the requirement], e.g. one week of a month's
    /// requirement.
    #[arg(long, value_name = "N")]
    days: Option<usize>,
    /// Objective.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Cost)]
    objective: ObjectiveArg,
    /// Work limit of the MIP search in branch-and-bound nodes (deterministic: the same plan on
    /// an idle or a loaded machine), and of each 7-day block of a roster (--agents); 0 = none
    /// [default: 2000].
    #[arg(long, value_name = "NODES")]
    node_limit: Option<u64>,
    /// Wall-clock limit on top of the node limit (e.g. 30s, 2m). Makes the plan
    /// timing-dependent: on a slower or busier machine the search gets less far. A roster gets
    /// what is left of it [default: none; a roster has a 600-s safety net, reported if it fires].
    #[arg(long, value_parser = parse_limit)]
    time_limit: Option<Duration>,
    /// Relative MIP gap at which to stop (0 = prove optimality).
    #[arg(long, default_value_t = 0.0)]
    mip_gap: f64,
    /// Algorithm.
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    method: MethodArg,
    /// MIP engine.
    #[arg(long, value_enum, default_value_t = SolverArg::Best)]
    solver: SolverArg,
    /// Paid agent-hours budget for `--objective service` (default: the minimum-cost plan's hours).
    #[arg(long, value_name = "HOURS")]
    budget: Option<f64>,
    /// Service level as TARGET/THRESHOLD, e.g. 80/20 (80 % within 20 s); the `service`
    /// objective and the coverage's expected_sl use its threshold [80/20].
    #[arg(long, value_name = "TARGET/THRESHOLD", value_parser = parse_sl)]
    sl: Option<Sl>,
    /// Old spelling of the threshold of --sl (e.g. 20s).
    #[arg(long, hide = true, value_parser = parse_limit, conflicts_with = "sl")]
    sl_threshold: Option<Duration>,
    /// The staffing config of `wfm staff` (models/staffing.toml): each queue's targets and
    /// unplanned shrinkage for `per_queue` in summary.json [built-in: 80/20, Erlang C, no
    /// shrinkage].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// With a multi-skill config (one with [groups], --config): calls per queue × interval
    /// (`wfm staff --input` of the group requirement) to simulate the plan's groups against.
    #[arg(long, value_name = "FILE")]
    demand: Option<PathBuf>,
    /// With a multi-skill config: a group's agents on the phones beyond its requirement stand
    /// in for groups that serve exactly its first priority level's queues (planned afterwards
    /// for what is left); the simulation judges the result.
    #[arg(long)]
    substitute: bool,
    /// A history with abandon columns (`wfm ingest` output) for the Erlang A queues' patience,
    /// as given to `wfm staff`.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Also solve without breaks and overnight shifts, and report what they cost or save.
    #[arg(long)]
    compare: bool,
    /// Also plan the week as tours (rules `[tours]`), write tours.csv, and report paid hours and
    /// coverage against the day-by-day plan.
    #[arg(long)]
    tours: bool,
    /// Output directory for plan.csv, coverage.csv, summary.json (created if absent; a file
    /// name such as s.csv is an error) [wfm-schedule].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Format of the summary on stdout (json: summary.json's content). The files in --out are
    /// CSV and JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The answer-time threshold of `--sl` (or its old spelling `--sl-threshold`) [20 s].
fn sl_threshold(args: &Args) -> anyhow::Result<wfm::units::Secs> {
    let secs = match (args.sl, args.sl_threshold) {
        (Some(sl), _) => f64::from(sl.threshold_secs),
        (None, Some(d)) => d.as_secs_f64(),
        (None, None) => 20.0,
    };
    wfm::units::Secs::new(secs).map_err(|e| usage(format!("--sl: {e}")))
}

fn parse_limit(s: &str) -> Result<Duration, String> {
    wfm::units::parse_duration_secs(s)
        .map(|v| Duration::from_secs(v as u64))
        .map_err(|e| e.to_string())
}

/// Shows solver stages on stderr with a ticking spinner (progress never goes to stdout).
struct Spinner(indicatif::ProgressBar, std::time::Instant);

impl schedule::Observer for Spinner {
    fn stage(&mut self, message: &str) {
        // a log line per stage (kept on stderr above the spinner) and the live message
        let at = self.1.elapsed().as_secs_f64();
        self.0.suspend(|| eprintln!("[{at:7.2} s] {message}"));
        self.0.set_message(message.to_string());
    }
}

fn write_table(dir: &Path, name: &str, t: &Table, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    t.write(OutputFormat::Csv, &mut buf)?;
    let path = dir.join(name);
    wfm::table::write_atomic(&path, &buf, inputs)
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// The output directory: `--out DIR`, else [`DEFAULT_OUT`]. A path that names a file
/// (`s.csv`) is a usage error: the schedule is several files.
fn out_dir(args: &Args) -> anyhow::Result<PathBuf> {
    let Some(dir) = &args.out else {
        return Ok(PathBuf::from(DEFAULT_OUT));
    };
    let ext = dir.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ["csv", "json", "txt", "parquet", "xlsx"].contains(&ext.to_ascii_lowercase().as_str()) {
        return Err(usage(format!(
            "--out {}: the schedule is a directory of files (plan.csv, coverage.csv, summary.json); give a directory, e.g. --out {}",
            dir.display(),
            dir.with_extension("").display()
        )));
    }
    if dir.is_file() {
        return Err(usage(format!(
            "--out {}: is a file; the schedule is written into a directory",
            dir.display()
        )));
    }
    Ok(dir.clone())
}

/// Where the plan goes when `--out` is not given.
const DEFAULT_OUT: &str = "wfm-schedule";

/// `--from` / `--days`: the window of whole days to plan.
fn window(args: &Args, req: Requirement) -> anyhow::Result<Requirement> {
    if args.from.is_none() && args.days.is_none() {
        return Ok(req);
    }
    let first = match &args.from {
        None => 0,
        Some(text) => {
            let date = wfm::time::parse_date(text)
                .ok_or_else(|| usage(format!("--from: `{text}` is not a date (YYYY-MM-DD)")))?;
            let start = req.start_date().ok_or_else(|| {
                usage("--from needs a dated requirement (interval_start), not day/slot rows")
            })?;
            let first = (date - start).num_days();
            if !(0..req.days() as i64).contains(&first) {
                return Err(usage(format!(
                    "--from {text}: the requirement covers {start} and the {} day(s) after it",
                    req.days() - 1
                )));
            }
            first as usize
        }
    };
    let days = args.days.unwrap_or(req.days() - first);
    let all = req.days();
    let req = req
        .days_window(first, days)
        .map_err(|e| usage(format!("--days {days}: {e}")))?;
    eprintln!(
        "planning {days} of the requirement's {all} day(s), from day {first}; the other days' rows are read but not planned"
    );
    Ok(req)
}

/// The solver options of the flags.
fn options(args: &Args) -> anyhow::Result<SolveOptions> {
    let mut opts = SolveOptions::new()
        .with_objective(match args.objective {
            ObjectiveArg::Cost => Objective::Cost,
            ObjectiveArg::Gap => Objective::Gap,
            ObjectiveArg::Service => Objective::Service,
        })
        .with_mip_gap(args.mip_gap)
        .map_err(|e| usage(format!("--mip-gap: {e}")))?
        .with_method(match args.method {
            MethodArg::Auto => Method::Auto,
            MethodArg::Heuristic => Method::Heuristic,
            MethodArg::Greedy => Method::Greedy,
        })
        .with_sl_threshold(sl_threshold(args)?);
    match args.node_limit {
        None => {}
        Some(0) => opts = opts.without_node_limit(),
        Some(n) => opts = opts.with_node_limit(n),
    }
    if let Some(t) = args.time_limit {
        opts = opts.with_time_limit(t);
        eprintln!(
            "note: --time-limit {} s makes the plan timing-dependent (a busier machine gets less far); --node-limit alone is deterministic",
            t.as_secs()
        );
    }
    match args.solver {
        SolverArg::Best => {}
        SolverArg::Cbc => {
            if !cfg!(feature = "cbc") {
                return Err(usage("--solver cbc: this binary was built without the `cbc` feature; use --solver microlp or rebuild with default features"));
            }
            opts = opts.with_backend(Backend::Cbc);
        }
        SolverArg::Microlp => opts = opts.with_backend(Backend::MicroLp),
    }
    if let Some(b) = args.budget {
        opts = opts
            .with_budget_hours(b)
            .map_err(|e| usage(format!("--budget: {e}")))?;
    }
    Ok(opts)
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if super::multiskill::is_multiskill(args.config.as_ref())? {
        return groups::run(&args);
    }
    if args.demand.is_some() || args.substitute {
        return Err(usage(
            "--demand and --substitute apply to a multi-skill config (one with [groups]); a single requirement carries its load",
        ));
    }
    let dir = out_dir(&args)?;
    let opts = options(&args)?;
    let req = Requirement::from_csv(&args.requirement)
        .with_context(|| format!("failed to load `{}`", args.requirement.display()))?;
    let rules = ShiftRules::from_path(&args.shifts)
        .with_context(|| format!("failed to load `{}`", args.shifts.display()))?;
    eprintln!(
        "requirement: {} rows read, {} intervals of {} min over {} day(s), {} filled with 0, {:.1} required agent-hours",
        req.rows_read(),
        req.len(),
        req.interval().minutes(),
        req.days(),
        req.intervals_filled(),
        req.agent_hours()
    );
    match req.basis() {
        schedule::requirement::Basis::Scheduled => eprintln!(
            "requirement basis: scheduled (agents_scheduled = net ÷ (1 − unplanned shrinkage), {:.1} net agent-hours); breaks are placed by the shift rules",
            req.net_agent_hours()
        ),
        schedule::requirement::Basis::Net => eprintln!(
            "warning: requirement basis: net (no `agents_scheduled` column): absence and other unplanned shrinkage are not covered by this plan"
        ),
        schedule::requirement::Basis::Given => {}
    }
    let req = match &args.calibration {
        Some(path) => in_recorded_agents(req, path, &args.requirement)?,
        None => req,
    };
    let req = window(&args, req)?;
    let agents = match &args.agents {
        Some(path) => {
            let mut agents = wfm::io::schedule::read_agents(path)
                .with_context(|| format!("failed to load `{}`", path.display()))?;
            if let Some(lp) = &args.leave {
                let ids: Vec<&str> = agents.iter().map(|a| a.id.as_str()).collect();
                let leave = wfm::io::leave::read_leave(lp, &ids)
                    .with_context(|| format!("failed to load `{}`", lp.display()))?;
                eprintln!("leave: {} approved range(s) read", leave.len());
                agents = schedule::roster::with_leave(agents, &leave);
            }
            if req.start_date().is_none() && agents.iter().any(|a| !a.leave.is_empty()) {
                return Err(usage(
                    "leave and dated unavailability need a dated requirement (interval_start), not day/slot rows",
                ));
            }
            let templates: Vec<&str> = rules.templates.iter().map(|t| t.name.as_str()).collect();
            if let Err(e) = schedule::roster::check_agents(&agents, req.queues(), &templates) {
                eprintln!("error: `{}`: {e}", path.display());
                return Ok(ExitCode::from(3));
            }
            Some(agents)
        }
        None => None,
    };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let mut spinner = Spinner(bar, std::time::Instant::now());
    let mut solved = solve_all(&args, &req, &rules, &opts, agents.as_deref(), &mut spinner)
        .map_err(|e| {
            // Errors of the rules that show only against the requirement's grid (a length off
            // the planning interval) or a flag (--tours without a [tours] section) name the
            // rules file.
            let of_rules = matches!(
                e.downcast_ref::<schedule::ScheduleError>(),
                Some(schedule::ScheduleError::OffGrid { .. })
            ) || (args.tours && rules.tours.is_none());
            if of_rules {
                e.context(format!("shift rules `{}`", args.shifts.display()))
            } else {
                e
            }
        })?;
    spinner.stage("service per queue");
    per_queue(&args, &req, &mut solved.sched)?;
    spinner.0.finish_and_clear();
    let sched = &solved.sched;
    eprintln!(
        "solved in {:.2} s: {} ({})",
        spinner.1.elapsed().as_secs_f64(),
        sched.summary.status,
        sched.summary.solver
    );
    let mut inputs = vec![args.requirement.clone(), args.shifts.clone()];
    inputs.extend(args.config.iter().cloned());
    inputs.extend(args.history.iter().cloned());
    let summary_json = summary_json(&solved)?;
    write_files(&dir, &solved, &summary_json, &inputs)?;
    eprintln!(
        "plan written to {}/ (plan.csv, coverage.csv, summary.json{})",
        dir.display(),
        if args.out.is_none() {
            "; choose the directory with --out DIR"
        } else {
            ""
        }
    );
    print_summary(&solved, &summary_json, args.format)?;
    let failed = failures(&solved);
    for f in &failed {
        eprintln!("error: {f} (exit code 3)");
    }
    if !failed.is_empty() {
        return Ok(ExitCode::from(3));
    }
    let unmet = matches!(sched.termination, Termination::Infeasible { .. })
        || (matches!(opts.objective(), Objective::Cost)
            && sched.summary.understaffed_intervals > 0);
    Ok(if unmet {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// `per_queue` of summary.json: the plan against each queue's demand and own targets
/// (`--config`, `--history`; `--sl` overrides every queue's target as in `wfm staff`). A
/// requirement without dates or queues (day/slot rows) has none.
fn per_queue(args: &Args, req: &Requirement, sched: &mut schedule::Schedule) -> anyhow::Result<()> {
    let Some(start) = req.start_date() else {
        return Ok(());
    };
    if req.has_clock_change() {
        eprintln!(
            "note: per-queue service not computed: the horizon has a clock-change day (its 23 or 25 hours are not a day of the evaluation's fixed grid); plan without that day for per_queue"
        );
        return Ok(());
    }
    if req.queues().is_empty() || req.load().is_none() {
        return Ok(());
    }
    let mut cfg = match &args.config {
        Some(p) => StaffConfig::from_toml(p)
            .with_context(|| format!("failed to load `{}`", p.display()))?,
        None => {
            eprintln!(
                "note: per-queue service judged against 80/20 (Erlang C, no absence allowance) for every queue: pass the staffing config of `wfm staff` with --config for each queue's own targets"
            );
            StaffConfig::new()
        }
    };
    if let Some(sl) = args.sl {
        cfg = cfg.with_overrides(Settings {
            sl_target: Some(Fraction::new(sl.target).map_err(|e| usage(format!("--sl: {e}")))?),
            sl_seconds: Some(sl_threshold(args)?),
            ..Settings::default()
        });
    }
    // In name order, as the requirement itself is read (`Requirement::from_csv`): the same
    // rows in another order give the same figures to the last digit (issue #16).
    let mut input = match StaffInput::read(&args.requirement) {
        Ok(i) => i.in_name_order(),
        Err(e) => {
            eprintln!("warning: per-queue service not computed: {e}");
            return Ok(());
        }
    };
    if let Some(h) = &args.history {
        input = input
            .with_history(h)
            .with_context(|| format!("failed to load history `{}`", h.display()))?;
    }
    match sched.evaluate_per_queue(start, &input, &cfg, Pooling::Separate) {
        Ok(Some(ev)) => {
            for q in ev.queues.iter().filter(|q| !q.met) {
                eprintln!(
                    "warning: queue {} misses its targets over the plan: service level {} against {} ({} of {} intervals miss; days: {})",
                    q.queue,
                    q.service_level
                        .map_or("-".into(), |s| format!("{:.1} %", 100.0 * s)),
                    q.target
                        .map_or("- (ASA/abandon)".into(), |t| format!("{:.0} %", 100.0 * t)),
                    q.missed_intervals,
                    q.intervals,
                    if q.missed_days.is_empty() {
                        "none".to_string()
                    } else {
                        q.missed_days.join(", ")
                    }
                );
            }
        }
        Ok(None) => {}
        Err(e) => eprintln!("warning: per-queue service not computed: {e}"),
    }
    Ok(())
}

/// `per_queue` as a table for the terminal.
fn per_queue_table(qs: &[QueueService]) -> Table {
    let pct = |v: Option<f64>| wfm::table::Cell::float(v.map(|x| 100.0 * x), 1);
    let mut t = Table::new([
        "queue",
        "service_level_%",
        "target_%",
        "met",
        "asa_seconds",
        "abandon_%",
        "occupancy_%",
        "missed_days",
    ]);
    for q in qs {
        t.push(vec![
            wfm::table::Cell::text(q.queue.clone()),
            pct(q.service_level),
            pct(q.target),
            wfm::table::Cell::text(if q.met { "yes" } else { "no" }),
            wfm::table::Cell::float(q.asa_seconds, 1),
            pct(q.abandon_rate),
            pct(q.occupancy),
            wfm::table::Cell::Int(q.missed_days.len() as i64),
        ]);
    }
    t
}

/// What the tours or the roster failed to do at all (exit code 3).
fn failures(solved: &Solved) -> Vec<String> {
    let sched = &solved.sched;
    let mut failed = Vec::new();
    if let Some(tp) = &solved.tour_plan {
        if tp.tours.is_empty() && !sched.shifts.is_empty() {
            failed.push(format!(
                "the tour solve built no employee's tour ({}: {}); the day-by-day plan needs {} shifts",
                tp.schedule.summary.status,
                tp.schedule.summary.status_detail.as_deref().unwrap_or("no detail"),
                sched.shifts.len()
            ));
        }
    }
    if let Some(tp) = solved
        .tour_plan
        .as_ref()
        .filter(|t| t.unassigned_shifts > 0)
    {
        if !tp.tours.is_empty() {
            failed.push(format!(
                "the weekly tours left {} of {} shifts without an employee: on those days every employee whose pattern works already has a shift (tours.csv; summary.json tours.unassigned_shifts)",
                tp.unassigned_shifts,
                tp.schedule.shifts.len()
            ));
        }
    }
    if let Some((r, base)) = &solved.roster {
        let assigned = r.assignment.iter().filter(|a| a.is_some()).count();
        if assigned == 0 && !base.shifts.is_empty() {
            failed.push(format!(
                "the roster assigned none of the {} shifts to the {} agents ({}): check availability windows, leave and contracted hours against the shift times",
                base.shifts.len(),
                r.agents.len(),
                r.status
            ));
        } else if !r.unassigned_why.is_empty() {
            failed.push(roster_unassigned(r, base));
        }
    }
    failed
}

/// How many shifts the roster left unassigned and why, with the first few listed (as `wfm
/// evaluate` lists its misses); roster.csv lists all of them as `UNASSIGNED`.
fn roster_unassigned(r: &schedule::roster::Roster, base: &schedule::Schedule) -> String {
    let mut by_reason: std::collections::BTreeMap<schedule::roster::UnassignedReason, usize> =
        std::collections::BTreeMap::new();
    for u in &r.unassigned_why {
        *by_reason.entry(u.reason).or_default() += 1;
    }
    let why: Vec<String> = by_reason
        .iter()
        .map(|(reason, n)| format!("{n}: {}", reason.explain()))
        .collect();
    let mut msg = format!(
        "the roster left {} of {} shifts unassigned ({}; roster status {}); roster.csv lists them as UNASSIGNED, summary.json roster.unassigned says why each",
        r.unassigned_why.len(),
        base.shifts.len(),
        why.join("; "),
        r.status
    );
    const SHOWN: usize = 10;
    for u in r.unassigned_why.iter().take(SHOWN) {
        let s = &base.shifts[u.shift];
        msg.push_str(&format!(
            "\n  {} {} {}-{}: {}",
            base.day_labels[s.day],
            s.template,
            schedule::Shift::clock(s.start_min),
            schedule::Shift::clock(s.end_min),
            u.reason.name()
        ));
    }
    if r.unassigned_why.len() > SHOWN {
        msg.push_str(&format!(
            "\n  … and {} more",
            r.unassigned_why.len() - SHOWN
        ));
    }
    msg
}

/// Everything one `wfm schedule` run solved.
struct Solved {
    sched: schedule::Schedule,
    /// `--compare`: without breaks or overnight shifts, and with breaks but no overnight.
    comparison: Option<(schedule::Schedule, schedule::Schedule)>,
    tour_plan: Option<schedule::tours::TourPlan>,
    /// `--agents`: the roster and the plan it assigns.
    roster: Option<(schedule::roster::Roster, schedule::Schedule)>,
    /// The agents rostered, leave included.
    agents: Option<Vec<schedule::roster::Agent>>,
}

fn solve_all(
    args: &Args,
    req: &Requirement,
    rules: &ShiftRules,
    opts: &SolveOptions,
    agents: Option<&[schedule::roster::Agent]>,
    spinner: &mut Spinner,
) -> anyhow::Result<Solved> {
    let sched = schedule::solve_observed(req, rules, opts, spinner)?;
    let comparison = if args.compare {
        spinner.stage("baseline without breaks or overnight shifts");
        let base =
            schedule::solve_observed(req, &rules.without_breaks_or_overnight(), opts, spinner)?;
        spinner.stage("breaks, no overnight shifts");
        let mid = schedule::solve_observed(req, &rules.without_overnight(), opts, spinner)?;
        Some((base, mid))
    } else {
        None
    };
    let tour_plan = if args.tours {
        spinner.stage("weekly tours");
        Some(schedule::solve_tours(req, rules, opts, spinner)?)
    } else {
        None
    };
    let roster = match agents {
        Some(agents) => {
            spinner.stage(&format!("rostering {} agents", agents.len()));
            let rr = schedule::roster::RosterRules {
                min_rest_min: rules.tours.as_ref().map_or(660, |t| t.min_rest_min),
                week_wraps: rules.week_wraps && req.days() == 7,
                start: req.start_date(),
                ..Default::default()
            };
            let base = tour_plan.as_ref().map_or(&sched, |t| &t.schedule);
            let r = schedule::roster::assign(
                base,
                agents,
                req.queues(),
                &rr,
                opts.backend(),
                schedule::roster::RosterLimits {
                    // The plan's deterministic work limit, per 7-day block of the roster.
                    nodes_per_block: opts.node_limit(),
                    // What is left of the command's wall-clock limit (issue #16); without one,
                    // only the safety net.
                    time: args
                        .time_limit
                        .map_or(schedule::roster::DEFAULT_ROSTER_SAFETY_NET, |t| {
                            t.saturating_sub(spinner.1.elapsed())
                        }),
                },
            )?;
            Some((r, base.clone()))
        }
        None => None,
    };
    Ok(Solved {
        sched,
        comparison,
        tour_plan,
        roster,
        agents: agents.map(<[schedule::roster::Agent]>::to_vec),
    })
}

/// `ics/<agent>.ics`: every agent's shifts and leave days (a dated plan only).
fn write_ics(
    dir: &Path,
    r: &schedule::roster::Roster,
    base: &schedule::Schedule,
    agents: &[schedule::roster::Agent],
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    let Some(start) = r.start else {
        eprintln!("note: no .ics files: the plan is an undated week");
        return Ok(());
    };
    let at = |min: u32| {
        start.and_hms_opt(0, 0, 0).expect("midnight") + chrono::Duration::minutes(i64::from(min))
    };
    let mut by_agent: std::collections::HashMap<&str, Vec<usize>> =
        std::collections::HashMap::new();
    let rows = r.rows(base);
    for (a, i) in &rows {
        by_agent.entry(a.as_str()).or_default().push(*i);
    }
    let mut files = Vec::with_capacity(agents.len());
    for ag in agents {
        let shifts: Vec<wfm::io::ics::IcsShift> = by_agent
            .get(ag.id.as_str())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| {
                let s = &base.shifts[i];
                wfm::io::ics::IcsShift {
                    start: at(s.start_min),
                    end: at(s.end_min),
                    template: s.template.clone(),
                    breaks: s.breaks_text(),
                }
            })
            .collect();
        let leave: Vec<wfm::io::ics::IcsLeave> = (0..base.day_labels.len())
            .filter_map(|d| {
                let date = start + chrono::Duration::days(d as i64);
                ag.leave_on(date).map(|k| wfm::io::ics::IcsLeave {
                    date,
                    kind: k.to_string(),
                })
            })
            .collect();
        let text = wfm::io::ics::calendar(&ag.id, &shifts, &leave, start);
        let safe: String = ag
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        files.push((format!("{safe}.ics"), text.into_bytes()));
    }
    // One directory of the output set: a buffered write per calendar, one rename for all.
    let ics = dir.join("ics");
    wfm::table::write_atomic_dir(&ics, &files, inputs)
        .with_context(|| format!("failed to write `{}`", ics.display()))
}

/// summary.json: the plan's summary with the comparison, tours and roster when asked for.
fn summary_json(solved: &Solved) -> anyhow::Result<serde_json::Value> {
    let Solved {
        sched,
        comparison,
        tour_plan,
        roster,
        ..
    } = solved;
    let mut summary_json = serde_json::to_value(&sched.summary)?;
    if let Some((base, mid)) = &comparison {
        let entry = |s: &schedule::Schedule| {
            serde_json::json!({
                "paid_agent_hours": s.summary.paid_agent_hours,
                "cost": s.summary.cost,
                "status": s.summary.status,
                "gap": s.summary.gap,
                "abs_gap_agent_intervals": s.summary.abs_gap_agent_intervals,
            })
        };
        summary_json["comparison"] = serde_json::json!({
            "no_breaks_no_overnight": entry(base),
            "breaks_no_overnight": entry(mid),
            "breaks_and_overnight": entry(sched),
            "breaks_cost_agent_hours": mid.summary.paid_agent_hours - base.summary.paid_agent_hours,
            "overnight_saves_agent_hours": mid.summary.paid_agent_hours - sched.summary.paid_agent_hours,
        });
    }
    if let Some(tp) = &tour_plan {
        let t = &tp.schedule.summary;
        let d = &sched.summary;
        summary_json["tours"] = serde_json::json!({
            "status": t.status,
            "gap": t.gap,
            "employees": tp.tours.len(),
            "patterns": tp.patterns.iter().map(|(p, n)| serde_json::json!({"pattern": p, "employees": n})).collect::<Vec<_>>(),
            "paid_agent_hours": t.paid_agent_hours,
            "over_agent_hours": t.over_agent_hours,
            "under_agent_hours": t.under_agent_hours,
            "understaffed_intervals": t.understaffed_intervals,
            "abs_gap_agent_intervals": t.abs_gap_agent_intervals,
            "extra_paid_hours_vs_day_by_day": t.paid_agent_hours - d.paid_agent_hours,
            "rest_violations": tp.rest_violations,
            "hours_violations": tp.hours_violations,
            "unassigned_shifts": tp.unassigned_shifts,
        });
    }
    if let Some((r, base)) = &roster {
        let unassigned: Vec<serde_json::Value> = r
            .unassigned_why
            .iter()
            .map(|u| {
                let s = &base.shifts[u.shift];
                serde_json::json!({
                    "day": base.day_labels[s.day],
                    "start": schedule::Shift::clock(s.start_min),
                    "end": schedule::Shift::clock(s.end_min),
                    "template": s.template,
                    "reason": u.reason.name(),
                })
            })
            .collect();
        summary_json["roster"] = serde_json::json!({
            "status": r.status,
            "status_detail": r.status_detail,
            "blocks": r.blocks,
            "unassigned": unassigned,
            "agents": r.agents.len(),
            "unassigned_shifts": r.unassigned(),
            "soft_violations": r.violations.len(),
            "unskilled_agents": r.unskilled,
            "agents_summary": r.summary,
        });
    }
    Ok(summary_json)
}

/// Writes plan.csv, coverage.csv, summary.json (and the tours and roster files when asked for)
/// into `dir`, creating it.
fn write_files(
    dir: &Path,
    solved: &Solved,
    summary_json: &serde_json::Value,
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    let sched = &solved.sched;
    if let Some((r, base)) = &solved.roster {
        write_table(dir, "roster.csv", &r.table(base), inputs)?;
        write_table(dir, "roster_violations.csv", &r.violations_table(), inputs)?;
        if let Some(agents) = &solved.agents {
            write_ics(dir, r, base, agents, inputs)?;
        }
    }
    if let Some(tp) = &solved.tour_plan {
        write_table(dir, "tours.csv", &tp.tours_table(), inputs)?;
        write_table(dir, "tours_plan.csv", &tp.schedule.plan_table(), inputs)?;
        write_table(
            dir,
            "tours_coverage.csv",
            &tp.schedule.coverage_table(),
            inputs,
        )?;
    }
    write_table(dir, "plan.csv", &sched.plan_table(), inputs)?;
    write_table(dir, "coverage.csv", &sched.coverage_table(), inputs)?;
    let mut text = serde_json::to_string_pretty(summary_json)?;
    text.push('\n');
    let path = dir.join("summary.json");
    wfm::table::write_atomic(&path, text.as_bytes(), inputs)
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// The summary on stdout: aligned tables (`--format table`), the summary table as CSV, or
/// summary.json (`--format json`).
fn print_summary(
    solved: &Solved,
    summary_json: &serde_json::Value,
    format: Format,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Table => {}
        Format::Csv => {
            solved
                .sched
                .summary_table()
                .write(OutputFormat::Csv, &mut out)?;
            out.flush()?;
            return Ok(());
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, summary_json)?;
            writeln!(out)?;
            out.flush()?;
            return Ok(());
        }
    }
    let Solved {
        sched,
        comparison,
        tour_plan,
        roster,
        ..
    } = solved;
    sched.summary_table().write(OutputFormat::Table, &mut out)?;
    if let Some(qs) = &sched.summary.per_queue {
        writeln!(
            out,
            "\nservice per queue, each against its own target (pooling: {}):",
            sched.summary.per_queue_pooling.as_deref().unwrap_or("?")
        )?;
        per_queue_table(qs).write(OutputFormat::Table, &mut out)?;
    }
    if let Some((base, mid)) = &comparison {
        writeln!(out)?;
        let mut t = Table::new(["variant", "paid_agent_hours", "status", "gap_pct"]);
        for (name, s) in [
            ("no breaks, no overnight", base),
            ("breaks, no overnight", mid),
            ("breaks + overnight", sched),
        ] {
            t.push(vec![
                wfm::table::Cell::text(name),
                wfm::table::Cell::Float(s.summary.paid_agent_hours, 2),
                wfm::table::Cell::text(s.summary.status.clone()),
                wfm::table::Cell::float(s.summary.gap.map(|g| 100.0 * g), 3),
            ]);
        }
        t.write(OutputFormat::Table, &mut out)?;
        writeln!(
            out,
            "breaks cost {:+.2} agent-hours; overnight shifts change paid hours by {:+.2}",
            mid.summary.paid_agent_hours - base.summary.paid_agent_hours,
            sched.summary.paid_agent_hours - mid.summary.paid_agent_hours
        )?;
    }
    if let Some(tp) = &tour_plan {
        writeln!(out)?;
        let mut t = Table::new([
            "plan",
            "status",
            "paid_agent_hours",
            "over_agent_hours",
            "under_agent_hours",
            "understaffed_intervals",
            "employees",
        ]);
        for (name, s, emp) in [
            ("day by day", sched, None),
            ("weekly tours", &tp.schedule, Some(tp.tours.len())),
        ] {
            t.push(vec![
                wfm::table::Cell::text(name),
                wfm::table::Cell::text(s.summary.status.clone()),
                wfm::table::Cell::Float(s.summary.paid_agent_hours, 2),
                wfm::table::Cell::Float(s.summary.over_agent_hours, 2),
                wfm::table::Cell::Float(s.summary.under_agent_hours, 2),
                wfm::table::Cell::Int(s.summary.understaffed_intervals as i64),
                emp.map_or(wfm::table::Cell::Empty, |n| wfm::table::Cell::Int(n as i64)),
            ]);
        }
        t.write(OutputFormat::Table, &mut out)?;
        let pats: Vec<String> = tp
            .patterns
            .iter()
            .map(|(p, n)| format!("{p}×{n}"))
            .collect();
        writeln!(out, "tour patterns: {}", pats.join(", "))?;
        writeln!(
            out,
            "tour rule violations: {} rest, {} weekly hours, {} unassigned shifts",
            tp.rest_violations.len(),
            tp.hours_violations.len(),
            tp.unassigned_shifts
        )?;
        for v in tp.rest_violations.iter().chain(&tp.hours_violations) {
            writeln!(out, "  {v}")?;
        }
    }
    if let Some((r, _)) = &roster {
        writeln!(out)?;
        writeln!(
            out,
            "roster ({}): {} agents, {} unassigned shifts, {} soft-rule violations",
            r.status,
            r.agents.len(),
            r.unassigned(),
            r.violations.len()
        )?;
        writeln!(out, "roster search: {}", r.status_detail)?;
        let mut t = Table::new([
            "agent",
            "shifts",
            "paid_hours",
            "contracted_hours",
            "monthly_cap",
            "leave_days",
            "vacation_days",
            "weekend_shifts",
            "late_shifts",
        ]);
        for a in &r.summary {
            t.push(vec![
                wfm::table::Cell::text(a.agent.clone()),
                wfm::table::Cell::Int(a.shifts as i64),
                wfm::table::Cell::Float(a.paid_hours, 2),
                wfm::table::Cell::Float(a.contracted_hours, 2),
                wfm::table::Cell::float(a.monthly_cap_hours, 2),
                wfm::table::Cell::Int(a.leave_days as i64),
                wfm::table::Cell::Int(a.vacation_days as i64),
                wfm::table::Cell::Int(a.weekend_shifts as i64),
                wfm::table::Cell::Int(a.late_shifts as i64),
            ]);
        }
        t.write(OutputFormat::Table, &mut out)?;
        for v in &r.violations {
            writeln!(out, "  {} {}: {}", v.agent, v.rule, v.detail)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The requirement in recorded agents with a calibration (refused when the requirement's
/// `wfm staff` run already planned recorded agents: its `.meta.json` names a calibration).
fn in_recorded_agents(
    req: Requirement,
    path: &std::path::Path,
    requirement: &std::path::Path,
) -> anyhow::Result<Requirement> {
    let mut meta = requirement.as_os_str().to_owned();
    meta.push(".meta.json");
    if let Ok(text) = std::fs::read_to_string(&meta) {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if v.get("calibration").is_some_and(|c| !c.is_null()) {
            return Err(super::vocab::usage(format!(
                "`{}` is already in recorded agents (`wfm staff --calibration`, see {}): leave out --calibration here",
                requirement.display(),
                std::path::Path::new(&meta).display()
            )));
        }
    }
    let cal = wfm::io::calibration::read_calibration(path)
        .with_context(|| format!("failed to load the calibration `{}`", path.display()))?;
    let queues = req.queues().to_vec();
    let pool = queues
        .first()
        .and_then(|q| cal.pool_of(q))
        .filter(|p| queues.iter().all(|q| p.queues.contains(q)))
        .or_else(|| cal.pool(wfm::model::QueueId::ALL))
        .filter(|p| p.availability.is_some())
        .ok_or_else(|| anyhow::anyhow!("`{}` has no availability", path.display()))?;
    let name = pool.name.clone();
    let fit = pool.availability.clone().expect("filtered");
    let before = req.agent_hours();
    let req = req.in_recorded_agents(|h| {
        fit.by_hour
            .iter()
            .find(|x| x.0 == h)
            .map_or(fit.availability, |x| x.1)
    });
    eprintln!(
        "note: --calibration {}: the plan covers RECORDED agents = required ÷ availability of pool {name} ({:.3}, by hour): {:.1} → {:.1} agent-hours",
        path.display(),
        fit.availability,
        before,
        req.agent_hours()
    );
    Ok(req)
}
