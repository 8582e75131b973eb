//! `wfm calibrate`: learn availability, patience, handle times and pools from history
//! (see `docs/calibrate.md`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wfm::audit::{AuditInputs, AuditOptions, InputPaths, Period};
use wfm::calibrate::{
    detect_pools, fit_availability, fit_service, kaplan_meier, Calibration, FitInterval,
    FitOptions, PoolCalibration, QueueCalibration, Residual, SizeRecalibration,
};
use wfm::model::QueueId;
use wfm::table::{Cell, Table};
use wfm::time::{Datelike, Timelike};

use super::vocab::{parse_sl, Sl};
use super::Format;

/// Per queue: `(wait, abandoned)` of queued calls, handle times of answered calls.
type QueueData = (Vec<(f64, bool)>, Vec<f64>);

/// Arguments of `wfm calibrate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  wfm calibrate --actuals data/audit/actuals_1999-01_02.csv \\\n    --agent-states data/audit/agents_30min_1999-01_02.csv --calls january.txt february.txt \\\n    --out calibration.toml"
)]
pub(crate) struct Args {
    /// Actual intervals (`wfm ingest` output) of the history.
    #[arg(long, value_name = "FILE")]
    actuals: PathBuf,
    /// Recorded agents per interval (agent states, or the pooled proxy `distinct_named_agents`).
    #[arg(long, value_name = "FILE")]
    agent_states: PathBuf,
    /// Call logs of the same history (patience, handle times, pools).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    calls: Vec<PathBuf>,
    /// Where to write calibration.toml (atomically).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Also print the pools' summary (availability with its 90 % interval, busy intervals,
    /// patience) on stdout in this format; without it stdout stays empty.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    /// Service level as TARGET/THRESHOLD, e.g. 80/20: the fit explains the observed service
    /// level at THRESHOLD seconds (the target is not used: a calibration has none) [80/20].
    #[arg(long, value_name = "TARGET/THRESHOLD", value_parser = parse_sl)]
    sl: Option<Sl>,
    /// Old spelling of the threshold of --sl, seconds.
    #[arg(long, hide = true, conflicts_with = "sl")]
    threshold: Option<u32>,
    /// Busy intervals (used in the availability fit) have at least this many offered calls.
    #[arg(long, default_value_t = 20.0)]
    min_offered: f64,
    /// Bootstrap resamples (over days) for the availability's uncertainty.
    #[arg(long, default_value_t = 200)]
    bootstrap: usize,
}

/// The numeric flags against their domains (`docs/hardening.md`): usage errors naming the flag.
fn check_args(args: &Args) -> anyhow::Result<()> {
    use super::vocab::usage;
    use wfm::limits::{within, MAX_BOOTSTRAP, MAX_CONTACTS};
    if !within(args.min_offered, 1.0, MAX_CONTACTS) {
        return Err(usage(format!(
            "--min-offered: expected 1 to 1e9 calls, got {}",
            wfm::units::Shown(args.min_offered)
        )));
    }
    if let Some(t) = args.threshold.filter(|t| !(1..=3600).contains(t)) {
        return Err(usage(format!(
            "--threshold: expected 1 to 3600 seconds, got {t}"
        )));
    }
    if args.bootstrap > MAX_BOOTSTRAP {
        return Err(usage(format!(
            "--bootstrap: expected 0 to {MAX_BOOTSTRAP} resamples, got {}",
            args.bootstrap
        )));
    }
    Ok(())
}

/// The answer-time threshold, seconds: `--sl`'s, else the old `--threshold`, else 20.
fn threshold_secs(args: &Args) -> u32 {
    match (args.sl, args.threshold) {
        (Some(sl), _) => sl.threshold_secs,
        (None, Some(t)) => t,
        (None, None) => 20,
    }
}

/// The pools of a calibration, one row each: what `--format` prints.
fn pools_table(cal: &Calibration) -> Table {
    let mut t = Table::new([
        "pool",
        "queues",
        "availability",
        "availability_se",
        "availability_p05",
        "availability_p95",
        "busy_intervals",
        "patience_seconds",
    ]);
    for p in &cal.pools {
        let fit = p.availability.as_ref();
        t.push(vec![
            Cell::text(p.name.clone()),
            Cell::text(p.queues.join(" ")),
            Cell::float(fit.map(|f| f.availability), 4),
            Cell::float(fit.map(|f| f.se), 4),
            Cell::float(fit.map(|f| f.ci90.0), 4),
            Cell::float(fit.map(|f| f.ci90.1), 4),
            fit.map_or(Cell::Empty, |f| Cell::Int(f.intervals as i64)),
            Cell::float(p.patience_exp_mean_secs, 1),
        ]);
    }
    t
}

/// The model check of every month of the history: its busy-interval candidates, each one's
/// queue mix, each month's patience with its number of intervals, and the months' model
/// checks with their interval length in seconds.
type MonthlyHistory = (
    Vec<FitInterval>,
    Vec<Vec<(String, f64)>>,
    Vec<(f64, f64)>,
    Vec<(wfm::audit::ModelCheck, u32)>,
);

fn monthly_history(
    inputs: &AuditInputs,
    options: &mut AuditOptions,
    months: &[String],
) -> anyhow::Result<MonthlyHistory> {
    let mut history = Vec::new();
    let mut mixes: Vec<Vec<(String, f64)>> = Vec::new();
    let mut monthly_patience = Vec::new();
    let mut checks = Vec::new();
    for m in months {
        options.period = Period::parse(m)?;
        let audit =
            wfm::audit::audit(inputs, options).with_context(|| format!("model check of {m}"))?;
        let mc = &audit.model_check;
        if !mc.needs.is_empty() {
            eprintln!("note: {m}: the model check needs {}", mc.needs.join("; "));
        }
        monthly_patience.extend(mc.patience_secs.map(|p| (p, mc.rows.len() as f64)));
        for r in &mc.rows {
            let Some(sl) = r.actual_sl else { continue };
            history.push(FitInterval {
                day: r.interval_start.local.date(),
                hour: r.interval_start.local.hour(),
                offered: r.offered,
                load_erlangs: r.load_erlangs,
                aht_secs: r.aht_secs,
                agents: f64::from(r.agents),
                observed_sl: sl,
                observed_abandon: r.actual_abandon,
                patience_factor: 1.0,
            });
            mixes.push(r.offered_by_queue.clone());
        }
        checks.push((audit.model_check, audit.interval_secs));
    }
    Ok((history, mixes, monthly_patience, checks))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    check_args(&args)?;
    let threshold = threshold_secs(&args);
    let paths = InputPaths {
        actuals: args.actuals.clone(),
        forecast: None,
        planned: None,
        agent_states: Some(args.agent_states.clone()),
        facts: None,
        previous_facts: None,
        scorecard: None,
        targets: None,
        staffing_config: None,
        illustrative: Vec::new(),
        pools: None,
    };
    let first_month = Period::parse("2000-01")?;
    let mut options = AuditOptions::new(first_month);
    options.threshold_secs = threshold;
    let inputs = AuditInputs::load(&paths, &options).context("failed to read the history")?;
    let mut months: Vec<String> = inputs
        .actuals
        .rows
        .iter()
        .map(|r| {
            format!(
                "{:04}-{:02}",
                r.interval_start.local.year(),
                r.interval_start.local.month()
            )
        })
        .collect();
    months.sort();
    months.dedup();
    anyhow::ensure!(
        !months.is_empty(),
        "{}: no actual intervals",
        args.actuals.display()
    );
    let (mut history, mixes, monthly_patience, checks) =
        monthly_history(&inputs, &mut options, &months)?;
    let mut cal = Calibration {
        period: (
            history
                .iter()
                .map(|h| h.day)
                .min()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            history
                .iter()
                .map(|h| h.day)
                .max()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        sources: std::iter::once(&args.actuals)
            .chain(std::iter::once(&args.agent_states))
            .chain(&args.calls)
            .map(|p| p.display().to_string())
            .collect(),
        threshold_secs: f64::from(threshold),
        min_offered: args.min_offered,
        ..Calibration::default()
    };
    let mut fo = FitOptions::new(0.0, f64::from(threshold));
    fo.min_offered = args.min_offered;
    fo.bootstrap = args.bootstrap;
    let (pooled_patience, call_waits) = if args.calls.is_empty() {
        (None, Vec::new())
    } else {
        from_calls(&mut cal, &args.calls, &inputs.actuals.rows, &fo)?
    };
    let patience = pooled_patience.or_else(|| {
        let w: f64 = monthly_patience.iter().map(|p| p.1).sum();
        (w > 0.0).then(|| monthly_patience.iter().map(|p| p.0 * p.1).sum::<f64>() / w)
    });
    let Some(patience) = patience else {
        anyhow::bail!("no patience could be estimated: give --calls, or actuals with abandoned calls and their waits");
    };
    fo.patience_secs = patience;
    let all_pool = PoolCalibration {
        name: QueueId::ALL.to_string(),
        queue_patience: history_queue_patience(&inputs.actuals.rows)
            .unwrap_or_else(|| wfm::calibrate::queue_patience(&call_waits)),
        ..PoolCalibration::default()
    };
    for (h, m) in history.iter_mut().zip(&mixes) {
        h.patience_factor = all_pool.mix_patience_factor(m);
    }
    let fit = fit_availability(&history, &fo);
    match &fit {
        Some(f) => eprintln!(
            "availability (pool ALL): {:.3} ± {:.3} (90 % {:.3}–{:.3}) over {} busy intervals on {} days; in-sample SL MAE {:.1} pp, bias {:+.1} pp, abandonment MAE {:.1} pp; Erlang A patience {:.0} s (Kaplan–Meier {:.0} s × {:.2})",
            f.availability, f.se, f.ci90.0, f.ci90.1, f.intervals, f.days, 100.0 * f.sl_mae, 100.0 * f.sl_bias,
            100.0 * f.abandon_mae, f.patience_secs, patience, f.patience_scale
        ),
        None => eprintln!("warning: no busy interval (≥ {} offered with agents): availability not fitted", args.min_offered),
    }
    warn_at_bounds(QueueId::ALL, fit.as_ref());
    let mut queues: Vec<String> = inputs
        .actuals
        .rows
        .iter()
        .map(|r| r.queue.clone())
        .collect();
    queues.sort();
    queues.dedup();
    cal.pools.insert(
        0,
        PoolCalibration {
            queues,
            availability: fit,
            patience_exp_mean_secs: Some(patience),
            ..all_pool
        },
    );
    cal.pools[0].size_recalibration = size_recalibration(&cal, &checks, f64::from(threshold))?;
    let text = wfm::io::calibration::calibration_toml(&cal);
    let mut inputs_list = vec![args.actuals.clone(), args.agent_states.clone()];
    inputs_list.extend(args.calls.clone());
    wfm::io::write_atomic(&args.out, text.as_bytes(), &inputs_list)
        .with_context(|| format!("failed to write `{}`", args.out.display()))?;
    eprintln!("calibration written to {}", args.out.display());
    if let Some(format) = args.format {
        let stdout = std::io::stdout();
        let mut lock = std::io::BufWriter::new(stdout.lock());
        pools_table(&cal).write(format.into(), &mut lock)?;
        std::io::Write::flush(&mut lock)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Pool `ALL`'s recalibration by interval size ([`SizeRecalibration`]): calibrated Erlang A
/// (the calibration so far, the queue carried) over each month of the history, its busy
/// intervals' errors by quartile of offered calls, said on stderr.
fn size_recalibration(
    cal: &Calibration,
    checks: &[(wfm::audit::ModelCheck, u32)],
    threshold_secs: f64,
) -> anyhow::Result<Option<SizeRecalibration>> {
    let mut residuals = Vec::new();
    for (check, interval_secs) in checks {
        let o = wfm::audit::fidelity::FidelityOptions {
            interval: wfm::units::IntervalLength::from_minutes(i64::from(interval_secs / 60))?,
            threshold_secs,
            reps: 0,
            seed: 1,
        };
        let Some(pred) = wfm::audit::fidelity::calibrated_erlang_a(check, cal, QueueId::ALL, &o)
        else {
            continue;
        };
        for (r, p) in check.rows.iter().zip(pred) {
            let Some(sl) = r.actual_sl.filter(|_| r.offered >= cal.min_offered) else {
                continue;
            };
            residuals.push(Residual {
                offered: r.offered,
                predicted_sl: p.0,
                observed_sl: sl,
                predicted_abandon: p.1,
                observed_abandon: r.actual_abandon,
                predicted_asa: p.2,
                observed_asa: r.actual_asa_secs.map(|a| (a, r.answered)),
            });
        }
    }
    let fit = SizeRecalibration::fit(&residuals, SIZE_PRIOR_INTERVALS);
    if let Some(m) = &fit {
        let bands: Vec<String> = m
            .bands
            .iter()
            .map(|b| {
                format!(
                    "≥ {:.0} offered: SL {:+.1} pp, abandonment × {:.2}, ASA × {:.2} ({} intervals)",
                    b.lowest_offered,
                    100.0 * b.sl_shift,
                    b.abandon_factor,
                    b.asa_factor,
                    b.intervals
                )
            })
            .collect();
        eprintln!(
            "recalibration by interval size (pool ALL, calibrated Erlang A): {}",
            bands.join("; ")
        );
    }
    Ok(fit)
}

/// Prior weight, in busy intervals, of "no correction" in [`SizeRecalibration::fit`]: the
/// same as the availability's by hour and load band.
const SIZE_PRIOR_INTERVALS: f64 = 20.0;

/// Each queue's patience in the pooled model ([`wfm::calibrate::queue_patience`]) from the
/// actuals' offered and abandoned calls and waits; `None` when a row with calls lacks its
/// waits (e.g. actuals without `sum_wait_abandoned_s`: the call logs' waits are used instead).
fn history_queue_patience(rows: &[wfm::audit::ActualInterval]) -> Option<Vec<(String, f64, f64)>> {
    let waits: Option<Vec<wfm::calibrate::QueueWaits>> = rows
        .iter()
        .map(|r| {
            let answered = match r.asa_secs {
                Some(asa) => asa * r.answered,
                None if r.answered == 0.0 => 0.0,
                None => return None,
            };
            let abandoned = match r.sum_wait_abandoned_secs {
                Some(w) => w,
                None if r.abandoned == 0.0 => 0.0,
                None => return None,
            };
            Some(wfm::calibrate::QueueWaits {
                queue: r.queue.clone(),
                offered: r.offered,
                abandoned: r.abandoned,
                wait_secs: answered + abandoned,
            })
        })
        .collect();
    waits.map(|w| wfm::calibrate::queue_patience(&w))
}

/// Per queue, the call logs' offered calls, abandons and total wait in queue (answered and
/// abandoned), for [`wfm::calibrate::queue_patience`].
fn call_queue_waits(calls: &[wfm::calibrate::CallSample]) -> Vec<wfm::calibrate::QueueWaits> {
    let mut by: BTreeMap<&str, wfm::calibrate::QueueWaits> = BTreeMap::new();
    for c in calls {
        let w = by
            .entry(&c.queue)
            .or_insert_with(|| wfm::calibrate::QueueWaits {
                queue: c.queue.clone(),
                offered: 0.0,
                abandoned: 0.0,
                wait_secs: 0.0,
            });
        w.offered += 1.0;
        w.abandoned += f64::from(u8::from(!c.answered));
        w.wait_secs += c.wait_secs;
    }
    by.into_values().collect()
}

/// Patience, handle times and pools from the call logs, and each pool's availability (its
/// queues' actuals against its team's agents per interval); returns the pooled patience and
/// the logs' waits per queue ([`call_queue_waits`]).
fn from_calls(
    cal: &mut Calibration,
    calls: &[PathBuf],
    actuals: &[wfm::audit::ActualInterval],
    fo: &FitOptions,
) -> anyhow::Result<(Option<f64>, Vec<wfm::calibrate::QueueWaits>)> {
    let s = wfm::data::samples::call_samples(calls)?;
    eprintln!(
        "calls: {} read, {} offered, {} rejected, {} not offered",
        s.read,
        s.calls.len(),
        s.rejected,
        s.not_offered
    );
    let mut by_queue: BTreeMap<&str, QueueData> = BTreeMap::new();
    let mut all = Vec::new();
    for c in &s.calls {
        let e = by_queue.entry(&c.queue).or_default();
        if c.queued {
            e.0.push((c.wait_secs, !c.answered));
            all.push((c.wait_secs, !c.answered));
        }
        if c.answered {
            e.1.push(c.handle_secs);
        }
    }
    for (q, (waits, handles)) in &by_queue {
        cal.queues.push(QueueCalibration {
            name: q.to_string(),
            patience: kaplan_meier(waits),
            service: fit_service(handles),
        });
    }
    let pooled = kaplan_meier(&all).exp_mean_secs;
    let ivl = interval_secs(actuals);
    for d in detect_pools(&s.calls) {
        let waits: Vec<(f64, bool)> = d
            .queues
            .iter()
            .filter_map(|q| by_queue.get(q.as_str()))
            .flat_map(|x| x.0.iter().copied())
            .collect();
        let patience = kaplan_meier(&waits).exp_mean_secs;
        let availability = match (patience, ivl) {
            (Some(p), Some(ivl)) => {
                let history = pool_history(&d, &s.calls, actuals, ivl);
                let mut o = fo.clone();
                o.patience_secs = p;
                let fit = fit_availability(&history, &o);
                if let Some(f) = &fit {
                    eprintln!(
                        "availability (pool {}: {} agents, queues {}): {:.3} ± {:.3} over {} busy intervals",
                        d.name,
                        d.agents,
                        d.queues.join(" "),
                        f.availability,
                        f.se,
                        f.intervals
                    );
                }
                warn_at_bounds(&d.name, fit.as_ref());
                fit
            }
            _ => None,
        };
        cal.pools.push(PoolCalibration {
            name: d.name.clone(),
            queues: d.queues.clone(),
            availability,
            patience_exp_mean_secs: patience,
            detection: Some(d),
            queue_patience: Vec::new(),
            size_recalibration: None,
        });
    }
    Ok((pooled, call_queue_waits(&s.calls)))
}

/// Says on stderr when a pool's fit ended at a bound of its search (a value of the range, not
/// of the data).
fn warn_at_bounds(pool: &str, fit: Option<&wfm::calibrate::AvailabilityFit>) {
    for what in fit.map(|f| f.at_search_bounds()).unwrap_or_default() {
        eprintln!(
            "warning: pool {pool}: {what}: no optimum inside (do the actuals, the agent states and \
             the call log describe the same calls and agents?)"
        );
    }
}

/// The actuals' interval length, seconds (the smallest step between starts).
fn interval_secs(actuals: &[wfm::audit::ActualInterval]) -> Option<i64> {
    let mut starts: Vec<_> = actuals.iter().map(|r| r.interval_start.local).collect();
    starts.sort();
    starts.dedup();
    starts
        .windows(2)
        .map(|w| (w[1] - w[0]).num_seconds())
        .filter(|s| *s > 0)
        .min()
}

/// One pool's history: its queues' actuals summed per interval, against the number of its
/// team's agents who served a call during the interval (service overlapping it).
fn pool_history(
    d: &wfm::calibrate::PoolDetection,
    calls: &[wfm::calibrate::CallSample],
    actuals: &[wfm::audit::ActualInterval],
    ivl: i64,
) -> Vec<FitInterval> {
    use std::collections::BTreeSet;
    use wfm::time::NaiveDateTime;
    let floor = |t: NaiveDateTime| {
        let s = t.and_utc().timestamp();
        s - s.rem_euclid(ivl)
    };
    let mut present: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    for c in calls {
        let (Some(a), Some(start)) = (c.server.as_deref(), c.service_start) else {
            continue;
        };
        if d.members.binary_search_by(|m| m.as_str().cmp(a)).is_err() {
            continue;
        }
        let end = start + chrono::Duration::milliseconds((c.handle_secs * 1000.0) as i64);
        let mut t = floor(start);
        while t <= floor(end) {
            present.entry(t).or_default().insert(a);
            t += ivl;
        }
    }
    // interval → (offered, answered, abandoned, handle, answered within, SL known)
    let mut sums: BTreeMap<i64, (NaiveDateTime, [f64; 5], bool)> = BTreeMap::new();
    for r in actuals.iter().filter(|r| d.queues.contains(&r.queue)) {
        let e = sums
            .entry(r.interval_start.local.and_utc().timestamp())
            .or_insert((r.interval_start.local, [0.0; 5], true));
        e.1[0] += r.offered;
        e.1[1] += r.answered;
        e.1[2] += r.abandoned;
        e.1[3] += r.aht_secs.unwrap_or(0.0) * r.answered;
        match r.answered_within {
            Some(w) => e.1[4] += w,
            None if r.offered > 0.0 => e.2 = false,
            None => {}
        }
    }
    sums.into_iter()
        .filter_map(|(k, (ts, v, known))| {
            let agents = present.get(&k).map_or(0, BTreeSet::len) as f64;
            let aht = (v[1] > 0.0).then(|| v[3] / v[1])?;
            (known && v[0] > 0.0 && agents > 0.0).then(|| FitInterval {
                day: ts.date(),
                hour: ts.hour(),
                offered: v[0],
                load_erlangs: v[0] * aht / ivl as f64,
                aht_secs: aht,
                agents,
                observed_sl: v[4] / v[0],
                observed_abandon: v[2] / v[0],
                patience_factor: 1.0,
            })
        })
        .collect()
}
