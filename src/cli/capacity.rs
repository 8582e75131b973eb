//! `wfm capacity`: the long-range hiring plan (issue #15).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::ValueEnum;
use wfm::capacity::{plan_capacity, CapacityPlan, Method, PlanStatus, SolveOptions};
use wfm::io::capacity::{plan_table, read_plan};
use wfm::io::table::Cell;
use wfm::schedule::Backend;

use super::{emit, Format, OutputArgs};

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

/// Exact method.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum MethodArg {
    /// The dynamic program over class starts; the MIP where it does not apply (a binding
    /// headcount cap or budget, an infeasible plan).
    Auto,
    /// The weekly MIP only.
    Mip,
}

/// Arguments of `wfm capacity`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Prints one row per week: week_start, required_fte, productive, \
in_training, joiners, leavers, effective_fte, overtime, under, hires_started, cost; the solver \
status, objective, bound, gap and totals go to stderr. Exit code 3 when no plan can cover a \
week (the first such week is named)."
)]
pub(crate) struct Args {
    /// Plan TOML (see models/capacity_plan.toml and docs/capacity.md).
    #[arg(long, value_name = "FILE")]
    plan: PathBuf,
    /// MIP engine.
    #[arg(long, value_enum, default_value_t = SolverArg::Best)]
    solver: SolverArg,
    /// Exact method: the DP (with the MIP as fallback) or the MIP.
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    method: MethodArg,
    /// What-ifs (TOML `[[scenario]]`, models/capacity_scenarios.toml): the plan and each
    /// scenario are solved and printed side by side instead of the weekly rows.
    #[arg(long, value_name = "FILE")]
    scenarios: Option<PathBuf>,
    /// Wall-clock limit of the MIP solve, seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    time_limit: f64,
    #[command(flatten)]
    output: OutputArgs,
}

fn backend(arg: SolverArg) -> anyhow::Result<Backend> {
    Ok(match arg {
        SolverArg::Best => Backend::best_available(),
        SolverArg::Cbc => {
            anyhow::ensure!(
                cfg!(feature = "cbc"),
                "this binary was built without the `cbc` feature; use --solver microlp or rebuild with default features"
            );
            Backend::Cbc
        }
        SolverArg::Microlp => Backend::MicroLp,
    })
}

/// The solver's report and the totals, for stderr.
fn summary(plan: &CapacityPlan) -> String {
    let t = &plan.totals;
    let opt = |v: Option<f64>, dp: usize| v.map_or("n/a".to_string(), |x| format!("{x:.dp$}"));
    format!(
        "status {} ({}), objective {:.2}, bound {}, gap {}\n\
         totals: {} hire(s) in {} class(es); cost {:.2} = hires {:.2} + classes {:.2} + wages {:.2} \
         + overtime {:.2} + under-staffing {:.2}; overtime {:.2} FTE-weeks; under-staffed {} week(s), \
         {:.2} FTE-weeks; peak headcount {:.2}; productive in the last week {:.2}",
        plan.status.name(),
        plan.solver,
        plan.objective,
        opt(plan.bound, 2),
        opt(plan.gap, 6),
        t.hires,
        t.classes,
        t.cost,
        t.hire_cost,
        t.class_cost,
        t.wage_cost,
        t.overtime_cost,
        t.under_cost,
        t.overtime_fte_weeks,
        t.under_weeks,
        t.under_fte_weeks,
        t.peak_headcount,
        t.final_productive
    )
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let max = wfm::limits::MAX_TIME_LIMIT_SECS;
    if !(args.time_limit > 0.0 && args.time_limit <= max) {
        return Err(super::vocab::usage(format!(
            "--time-limit: expected (0, {max}] seconds, got {}",
            wfm::units::Shown(args.time_limit)
        )));
    }
    let file = read_plan(&args.plan)
        .with_context(|| format!("failed to load plan `{}`", args.plan.display()))?;
    for k in &file.ignored_keys {
        eprintln!(
            "warning: {}: key `{k}` is not used by wfm capacity",
            args.plan.display()
        );
    }
    for n in &file.notes {
        eprintln!("note: {n}");
    }
    let opts = SolveOptions {
        backend: backend(args.solver)?,
        time_limit: Duration::from_secs_f64(args.time_limit),
        method: match args.method {
            MethodArg::Auto => Method::Auto,
            MethodArg::Mip => Method::Mip,
        },
    };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!(
        "solving the {}-week capacity plan",
        file.input.weeks()
    ));
    bar.enable_steady_tick(Duration::from_millis(200));
    let plan = plan_capacity(&file.input, &opts);
    bar.finish_and_clear();
    if let Some(path) = &args.scenarios {
        let scenarios = wfm::io::capacity::read_plan_scenarios(path)
            .with_context(|| format!("failed to load scenarios `{}`", path.display()))?;
        let mut inputs = file.inputs.clone();
        inputs.push(path.clone());
        return compare(&file.input, plan, &scenarios, &opts, &args.output, &inputs);
    }
    match &plan.status {
        PlanStatus::Infeasible(u) => {
            let reach = u.max_coverable.map_or(String::new(), |m| {
                format!("; at most {m:.4} effective FTE + overtime can be on the floor that week while earlier weeks are covered")
            });
            eprintln!(
                "infeasible: week {} ({}) cannot be covered: it requires {:.4} effective FTE{reach}; {}",
                u.week, u.week_start, u.required_fte, u.reason
            );
            return Ok(ExitCode::from(3));
        }
        PlanStatus::NoPlan(why) => anyhow::bail!("no capacity plan: {why}"),
        PlanStatus::Optimal | PlanStatus::TimeLimit => {}
    }
    let mut table = plan_table(&plan);
    if matches!(args.output.format, Format::Table) && args.output.out.is_none() {
        let t = &plan.totals;
        let mut row = vec![Cell::text("total"), Cell::Empty];
        row.extend([Cell::Empty, Cell::Empty]);
        row.push(Cell::float(
            Some(plan.weeks.iter().map(|r| r.joiners).sum()),
            4,
        ));
        row.push(Cell::float(
            Some(plan.weeks.iter().map(|r| r.leavers).sum()),
            4,
        ));
        row.push(Cell::Empty);
        row.push(Cell::float(Some(t.overtime_fte_weeks), 4));
        row.push(Cell::float(Some(t.under_fte_weeks), 4));
        row.push(Cell::Int(t.hires as i64));
        row.push(Cell::float(Some(t.cost), 2));
        table.push(row);
    }
    emit(&table, &args.output, &file.inputs)?;
    eprintln!("{}", summary(&plan));
    Ok(ExitCode::SUCCESS)
}

/// The plan and each what-if solved afresh, side by side (`--scenarios`).
fn compare(
    base: &wfm::capacity::CapacityInput,
    plan: CapacityPlan,
    scenarios: &[wfm::capacity::PlanScenario],
    opts: &SolveOptions,
    output: &OutputArgs,
    inputs: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let bar = indicatif::ProgressBar::new(scenarios.len() as u64);
    let mut plans = vec![("plan".to_string(), Ok(plan))];
    for s in scenarios {
        bar.set_message(s.name.clone());
        let p = s.apply(base).map(|input| plan_capacity(&input, opts));
        plans.push((s.name.clone(), p));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let table = wfm::io::capacity::comparison_table(&plans);
    emit(&table, output, inputs)?;
    let base_ok = matches!(
        plans[0].1,
        Ok(CapacityPlan {
            status: PlanStatus::Optimal | PlanStatus::TimeLimit,
            ..
        })
    );
    Ok(if base_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
