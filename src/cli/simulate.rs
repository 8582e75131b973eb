//! `wfm simulate`: discrete-event simulation of a plan (see `docs/simulate.md`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use wfm::io::simulate::{
    local_label, read_agents_utc, read_demand_utc, read_sim_config, sim_table, AgentsInput,
    SimLevel,
};
use wfm::model::{Demand, Panel, Progress, QueueId};
use wfm::simulate::{
    simulate_with_retrials, Arrivals, Dist, Retrial, Routing, SimModel, SimOptions,
};

use super::vocab::{parse_sl, Sl};
use super::{emit, OutputArgs};

/// Arguments of `wfm simulate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Simulation config (TOML): queues with service and patience distributions, agent groups
    /// and the queues they serve in priority order. Without it: one group per queue (or one pool
    /// `ALL` when the staffing has no key column), exponential handle times.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Demand per queue × interval: `wfm forecast`, `wfm ingest` or `wfm staff` output.
    #[arg(long, value_name = "FILE")]
    demand: PathBuf,
    /// Agents per group (or queue) × interval: `wfm staff` output (`agents`), a schedule's
    /// coverage (`scheduled`), or `interval_start,group,agents`.
    #[arg(long, value_name = "FILE")]
    staffing: PathBuf,
    /// Replications [default: the config's, else 30].
    #[arg(long)]
    reps: Option<u32>,
    /// Seed of the random streams [default: the config's, else 1].
    #[arg(long)]
    seed: Option<u64>,
    /// Service level as TARGET/THRESHOLD, e.g. 80/20: the service level is measured at
    /// THRESHOLD seconds, and each queue's service level over the horizon is set against TARGET
    /// on stderr [threshold: the config's, else 20 s].
    #[arg(long, value_name = "TARGET/THRESHOLD", value_parser = parse_sl)]
    sl: Option<Sl>,
    /// Old spelling of the threshold of --sl, seconds.
    #[arg(long, hide = true, value_name = "SECONDS", conflicts_with = "sl")]
    threshold_seconds: Option<f64>,
    /// Mean patience (exponential) for queues whose patience the config does not give;
    /// without either, callers never abandon.
    #[arg(long, value_name = "SECONDS")]
    patience_seconds: Option<f64>,
    /// `wfm calibrate` output: the staffing is in RECORDED agents (⌊availability × recorded⌋
    /// of each group are simulated, availability of the group's pool by hour), and queues whose
    /// distributions the config does not give take the calibration's empirical handle-time
    /// shape and Kaplan–Meier patience.
    #[arg(long, value_name = "FILE")]
    calibration: Option<PathBuf>,
    /// Probability that an abandoned caller calls again (queues whose config has no `retrial`);
    /// with --retrial-delay-seconds.
    #[arg(long, value_name = "P", requires = "retrial_delay_seconds")]
    retrial_probability: Option<f64>,
    /// Mean delay before an abandoned caller calls again, seconds (exponential).
    #[arg(long, value_name = "SECONDS", requires = "retrial_probability")]
    retrial_delay_seconds: Option<f64>,
    /// Rows per queue × interval, per day, or over the horizon.
    #[arg(long, value_enum, default_value_t = Level::Interval)]
    level: Level,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Level {
    Interval,
    Day,
    Horizon,
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn begin(&self, _stage: &str, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
    fn end(&self) {
        self.0.finish_and_clear();
    }
}

/// Says on stderr what the demand reader filled in: cells absent from the file (zero demand)
/// and intervals of actuals with calls but no handle time (the queue's mean AHT).
fn note_demand(path: &std::path::Path, demand: &wfm::io::simulate::DemandInput) {
    if demand.filled > 0 {
        eprintln!(
            "note: {}: {} queue × interval cell(s) absent from the file are taken as zero demand",
            path.display(),
            demand.filled
        );
    }
    warn_aht_filled(path, demand);
}

/// Says on stderr how many intervals of actuals with calls but no handle time took their
/// queue's mean AHT (the demand reader's `aht_filled`).
pub(crate) fn warn_aht_filled(path: &std::path::Path, demand: &wfm::io::simulate::DemandInput) {
    if demand.aht_filled > 0 {
        eprintln!(
            "warning: {}: {} interval(s) had calls but an empty or 0 handle time (all abandoned, or 0 s logged); their queue's mean AHT was used",
            path.display(),
            demand.aht_filled
        );
    }
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    // With --tz the simulation runs on elapsed time (UTC): a clock-change day's intervals are
    // consecutive; labels and days are on the site's clock.
    let demand = read_demand_utc(&args.demand)?;
    let zone = demand.zone;
    note_demand(&args.demand, &demand);
    let grid = *demand.demand.grid();
    let mut agents = read_agents_utc(&args.staffing, &grid, zone)?;
    let cal = args
        .calibration
        .as_deref()
        .map(|p| {
            wfm::io::calibration::read_calibration(p)
                .with_context(|| format!("failed to load the calibration `{}`", p.display()))
        })
        .transpose()?;
    if agents.outside > 0 {
        eprintln!(
            "note: {}: {} row(s) outside the demand's horizon {} … {} are not used",
            args.staffing.display(),
            agents.outside,
            local_label(grid.start(), zone),
            local_label(grid.end(), zone)
        );
    }
    let config = args.config.as_deref().map(read_sim_config).transpose()?;
    let routing = match config.as_ref().and_then(|c| c.routing.clone()) {
        Some(r) => r,
        None => default_routing(demand.demand.queues(), agents.agents.queues())?,
    };
    check_missing(&agents, &routing, &demand.demand, &args.staffing, zone)?;
    let patience_default = args
        .patience_seconds
        .map(Dist::exponential)
        .transpose()
        .context("--patience-seconds")?;
    let mut service = Vec::new();
    let mut patience = Vec::new();
    for q in routing.queues() {
        let c = config.as_ref();
        let (cal_service, cal_patience) = match &cal {
            Some(cal) => calibrated_dists(cal, q.as_str())?,
            None => (None, None),
        };
        service.push(
            c.and_then(|c| c.service.get(q).cloned())
                .or(cal_service)
                .unwrap_or(Dist::Exponential { mean_secs: 1.0 }),
        );
        patience.push(match c.and_then(|c| c.patience.get(q).cloned()) {
            Some(p) => p,
            None => cal_patience.or_else(|| patience_default.clone()),
        });
    }
    if let (Some(cal), Some(path)) = (&cal, &args.calibration) {
        to_available(
            &mut agents.agents,
            &demand.demand,
            &routing,
            cal,
            path,
            zone,
        )?;
    }
    if patience.iter().all(Option::is_none) {
        eprintln!("note: no patience given (--patience-seconds or the config): nobody abandons");
    }
    let c = config.as_ref();
    let options = SimOptions {
        reps: args.reps.or(c.and_then(|c| c.reps)).unwrap_or(30),
        seed: args.seed.or(c.and_then(|c| c.seed)).unwrap_or(1),
        threshold_secs: args
            .sl
            .map(|sl| f64::from(sl.threshold_secs))
            .or(args.threshold_seconds)
            .or(c.and_then(|c| c.threshold_secs))
            .unwrap_or(20.0),
        // The global `--threads` sizes rayon's pool, which runs the replications.
        threads: None,
    };
    let model = SimModel {
        demand: &demand.demand,
        agents: &agents.agents,
        routing: &routing,
        service,
        patience,
        arrivals: Arrivals::Poisson,
    };
    let bar = Bar(indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "simulate {bar:30} {pos}/{len} replications {elapsed}",
        )
        .expect("valid template"),
    ));
    let retry_default = match (args.retrial_probability, args.retrial_delay_seconds) {
        (Some(p), Some(d)) => {
            Some(Retrial::new(p, d).map_err(|e| super::vocab::usage(format!("--retrial-*: {e}")))?)
        }
        _ => None,
    };
    let retrials: Vec<Option<Retrial>> = routing
        .queues()
        .iter()
        .map(|q| c.and_then(|c| c.retrials.get(q).copied()).or(retry_default))
        .collect();
    let result = simulate_with_retrials(&model, &options, &retrials, &bar)?;
    if retrials.iter().any(Option::is_some) {
        let (mut offered, mut retried) = (0u64, 0u64);
        for rep in result.replications() {
            for c in &rep.cells {
                offered += u64::from(c.offered);
                retried += u64::from(c.retrials);
            }
        }
        eprintln!(
            "note: retrials: {:.1} % of the offered calls are abandoned callers calling again (counted as offered in the interval they come back)",
            100.0 * retried as f64 / offered.max(1) as f64
        );
    }
    let unserved: u64 = result
        .replications()
        .iter()
        .map(|r| u64::from(r.unserved))
        .sum();
    if unserved > 0 {
        eprintln!(
            "warning: {unserved} call(s) over all replications were still waiting at the end with no agent to serve them (counted as offered, neither answered nor abandoned)"
        );
    }
    if let Some(sl) = args.sl {
        report_targets(&result, sl);
    }
    let level = match args.level {
        Level::Interval => SimLevel::Interval,
        Level::Day => SimLevel::Day,
        Level::Horizon => SimLevel::Horizon,
    };
    let mut inputs = vec![args.demand.clone(), args.staffing.clone()];
    inputs.extend(args.config.clone());
    inputs.extend(args.calibration.clone());
    emit(&sim_table(&result, level, zone), &args.output, &inputs)?;
    Ok(ExitCode::SUCCESS)
}

/// Each queue's simulated service level over the horizon (mean over replications, 10th–90th
/// percentile) against the target of `--sl`, on stderr.
fn report_targets(result: &wfm::simulate::SimResult, sl: Sl) {
    use wfm::simulate::SlConvention;
    for (q, cell) in result.horizon() {
        let Some(s) = cell.sl(SlConvention::OfOffered) else {
            continue;
        };
        eprintln!(
            "{q}: service level {:.1} % (p10–p90 {:.1}–{:.1} %) over the horizon against the target {sl} ({})",
            100.0 * s.mean,
            100.0 * s.p10,
            100.0 * s.p90,
            if s.mean >= sl.target { "met" } else { "missed" }
        );
    }
}

/// Without a config: one pool when the staffing is pooled, else one group per queue.
fn default_routing(queues: &[QueueId], groups: &[QueueId]) -> anyhow::Result<Routing> {
    if groups.len() == 1 && groups[0].as_str() == QueueId::ALL && !queues.contains(&groups[0]) {
        return Ok(Routing::pooled(queues.to_vec(), QueueId::all())?);
    }
    Ok(Routing::dedicated(queues.to_vec()))
}

/// A group with no agents listed for an interval is an error when a queue it serves has calls
/// then, and a note otherwise (0 agents).
fn check_missing(
    agents: &AgentsInput,
    routing: &Routing,
    demand: &Panel<Demand>,
    file: &std::path::Path,
    zone: Option<chrono_tz::Tz>,
) -> anyhow::Result<()> {
    let mut idle = 0;
    for &(g, t) in &agents.missing {
        let gid = &agents.agents.queues()[g];
        let busy = routing
            .groups()
            .iter()
            .filter(|grp| &grp.id == gid)
            .flat_map(|grp| grp.skills().iter().map(|&(q, _)| &routing.queues()[q]))
            .find(|q| {
                demand
                    .series_of(q.as_str())
                    .is_some_and(|s| s[t].offered > 0.0)
            });
        match busy {
            Some(q) => anyhow::bail!(
                "{}: group `{gid}` has no agents listed for {}, when queue `{q}` has calls",
                file.display(),
                local_label(demand.grid().timestamp(t), zone)
            ),
            None => idle += 1,
        }
    }
    if idle > 0 {
        eprintln!(
            "note: {}: {idle} group × interval cell(s) without demand are not listed: 0 agents",
            file.display()
        );
    }
    Ok(())
}

/// A queue's handle-time shape and patience from a calibration (its empirical handle-time
/// CDF; its Kaplan–Meier patience CDF with the exponential-equivalent mean as the tail beyond
/// the last abandon).
fn calibrated_dists(
    cal: &wfm::calibrate::Calibration,
    queue: &str,
) -> anyhow::Result<(Option<Dist>, Option<Dist>)> {
    let Some(qc) = cal.queues.iter().find(|x| x.name == queue) else {
        return Ok((None, None));
    };
    let service = qc
        .service
        .as_ref()
        .filter(|s| !s.cdf.is_empty())
        .map(|s| wfm::simulate::Empirical::new(&s.cdf, s.mean_secs).map(Dist::Empirical))
        .transpose()
        .with_context(|| format!("calibration: queue `{queue}`: service_cdf"))?;
    let patience = match (qc.patience.cdf.is_empty(), qc.patience.exp_mean_secs) {
        (false, Some(tail)) => Some(
            wfm::simulate::Empirical::new(&qc.patience.cdf, tail)
                .map(Dist::Empirical)
                .with_context(|| format!("calibration: queue `{queue}`: patience_cdf"))?,
        ),
        (true, Some(mean)) => Some(Dist::exponential(mean)?),
        _ => None,
    };
    Ok((service, patience))
}

/// Recorded agents → available agents, group by group: ⌊availability × recorded⌋ with the
/// availability by hour of the group's pool (the calibration pool of that name, else the pool
/// of the queues it serves, else pool ALL) and by recorded utilisation: the offered load of the
/// queues the group serves ÷ the recorded agents of every group serving one of them.
fn to_available(
    agents: &mut Panel<wfm::model::Agents>,
    demand: &Panel<wfm::model::Demand>,
    routing: &Routing,
    cal: &wfm::calibrate::Calibration,
    path: &std::path::Path,
    zone: Option<chrono_tz::Tz>,
) -> anyhow::Result<()> {
    use chrono::TimeZone;
    use wfm::staffing::availability::Availability;
    use wfm::time::Timelike;
    // The hour of day on the site's clock (the grid is UTC with --tz).
    let hour = |at: wfm::time::NaiveDateTime| match zone {
        Some(z) => z.from_utc_datetime(&at).hour(),
        None => at.hour(),
    };
    let grid = *agents.grid();
    let groups = agents.queues().to_vec();
    let serves = |g: &QueueId| -> Vec<&QueueId> {
        routing
            .groups()
            .iter()
            .filter(|x| &x.id == g)
            .flat_map(|x| x.skills().iter().map(|&(q, _)| &routing.queues()[q]))
            .collect()
    };
    let recorded = agents.clone();
    let ivl = grid.interval().map_or(0.0, |i| f64::from(i.seconds()));
    let (mut before, mut after) = (0u64, 0u64);
    for (gi, g) in groups.iter().enumerate() {
        let served = serves(g);
        let sharing: Vec<usize> = (0..groups.len())
            .filter(|&h| serves(&groups[h]).iter().any(|q| served.contains(q)))
            .collect();
        let rows: Vec<usize> = (0..demand.queues().len())
            .filter(|&qi| served.contains(&&demand.queues()[qi]))
            .collect();
        let utilisation = |t: usize| -> Option<f64> {
            if demand.grid() != &grid || ivl <= 0.0 {
                return None;
            }
            let load: f64 = rows
                .iter()
                .map(|&qi| demand.get(qi, t).workload_secs() / ivl)
                .sum();
            let n: u32 = sharing.iter().map(|&h| recorded.get(h, t).get()).sum();
            (n > 0).then(|| load / f64::from(n))
        };
        let pool = cal
            .pool(g.as_str())
            .filter(|p| p.availability.is_some())
            .or_else(|| {
                served
                    .first()
                    .and_then(|q| cal.pool_of(q.as_str()))
                    .filter(|p| {
                        served
                            .iter()
                            .all(|q| p.queues.iter().any(|x| x == q.as_str()))
                    })
            })
            .or_else(|| cal.pool(QueueId::ALL).filter(|p| p.availability.is_some()))
            .ok_or_else(|| anyhow::anyhow!("`{}` has no availability", path.display()))?;
        eprintln!(
            "note: --calibration: group {g}: RECORDED agents × availability of pool {} ({:.3}, by hour and load per recorded agent), rounded down",
            pool.name,
            pool.availability.as_ref().map_or(f64::NAN, |f| f.availability)
        );
        for t in 0..grid.len() {
            let a = cal
                .availability(&pool.name, hour(grid.timestamp(t)), utilisation(t))
                .unwrap_or(1.0);
            let cell = agents.get_mut(gi, t);
            let n = Availability::available(cell.get(), a);
            before += u64::from(cell.get());
            after += u64::from(n);
            *cell = wfm::model::Agents(n);
        }
    }
    eprintln!("note: --calibration: {before} recorded agent-intervals → {after} available");
    Ok(())
}
