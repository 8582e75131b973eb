//! `calibration.toml`: written by `wfm calibrate`, read by `--calibration FILE`.
//!
//! Human-readable: every estimate with its sample size, the period and the method, in plain
//! TOML that a planner may edit (e.g. to override the pools). See `docs/calibrate.md`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::calibrate::{
    AvailabilityFit, Calibration, PatienceFit, PoolCalibration, PoolDetection, QueueCalibration,
    ServiceFit, SizeBand, SizeRecalibration,
};
use crate::io::table::TableError;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    period_start: String,
    period_end: String,
    sources: Vec<String>,
    threshold_seconds: f64,
    busy_min_offered: f64,
    method: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolToml {
    name: String,
    queues: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability_se: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability_ci90: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit_intervals: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit_days: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit_sl_mae: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit_sl_bias: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit_abandon_mae: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit_abandon_bias: Option<f64>,
    /// Erlang A patience of the availability fit = patience_exp_mean_seconds × patience_scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    erlang_a_patience_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patience_scale: Option<f64>,
    /// `[hour, availability (shrunk), intervals]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    availability_by_hour: Vec<(u32, f64, usize)>,
    /// `[lower edge of the band of load ÷ recorded agents, availability (shrunk), intervals]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    availability_by_utilisation: Vec<(f64, f64, usize)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patience_exp_mean_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agents_in_log: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answered_calls_in_log: Option<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    specialist_share: Vec<f64>,
    /// The pool's team (agents whose home queue is one of its queues).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    members: Vec<String>,
    /// `[queue, patience in the pooled model (seconds), offered calls]`: the queue mix's
    /// patience factor of Erlang A per interval.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    queue_patience: Vec<(String, f64, f64)>,
    /// `[fewest offered calls of the band, SL shift, abandonment factor, ASA factor,
    /// intervals]`: the
    /// calibrated Erlang A's correction by interval size (quartiles of the history's busy
    /// intervals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    recalibration_by_size: Vec<(f64, f64, f64, f64, usize)>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueToml {
    name: String,
    patience_calls: usize,
    patience_abandoned: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    patience_exp_mean_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patience_median_seconds: Option<f64>,
    /// Kaplan–Meier CDF `[seconds, P(patience ≤ seconds)]`.
    patience_cdf: Vec<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_calls: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_mean_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_cv: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    service_cdf: Vec<(f64, f64)>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    calibration: Head,
    #[serde(default)]
    pools: Vec<PoolToml>,
    #[serde(default)]
    queues: Vec<QueueToml>,
}

const METHOD: &str = "availability: share of recorded agents fitted so that Erlang A reproduces observed SL and abandonment on busy intervals (offered-weighted squared error), bootstrap over days for the SE and 90 % interval, by hour of day and by band of recorded utilisation (load / recorded agents, width 0.1, last band >= 1.0) each shrunk toward the pool level with a prior of 20 intervals and combined as a_hour * a_band / a; Erlang A patience = Kaplan-Meier exponential-equivalent mean * patience_scale, the scale (bisection on its log in [0.25, 4]) making the fitted model's in-sample offered-weighted abandonment bias zero, the availability refitted at each scale; pool ALL's Erlang A patience per interval x the queue-mix factor theta_pool / (sum_q offered_q theta_q / offered), theta_q = 1 / queue_patience, queue_patience = offered_q * (pool wait / pool offered) / abandons_q (the queue's rate shrunk toward the pool's with a prior of 20 abandons); patience: Kaplan-Meier with answered calls censored, exponential-equivalent mean = total queue wait / abandons; service: mean, CV and 5 % quantiles of handle times > 0; pools: every agent's home queue is the queue most of their calls came from, agents with the same home queue form a team, each queue joins the team that answered most of its calls; a pool of one queue is dedicated, the main multi-queue pool is SHARED; availability per pool: its queues' actuals against its team's agents who served a call in the interval, with the pool's Kaplan-Meier exponential-equivalent patience; pool ALL: all queues against the recorded agents of --agent-states; recalibration_by_size (pool ALL): calibrated Erlang A (queue carried across intervals) over the history's busy intervals, by quartile of offered calls: SL shift = mean(observed - predicted) * n / (n + 20), abandonment factor = (n * sum observed / sum predicted + 20) / (n + 20), ASA factor the same with answered-weighted sums, applied to its later predictions (model output statistics), none below the lowest band";

fn round(v: f64, dp: i32) -> f64 {
    let f = 10f64.powi(dp);
    // `+ 0.0` writes a rounded −0.0 as 0.0.
    (v * f).round() / f + 0.0
}

fn pool_toml(p: &PoolCalibration) -> PoolToml {
    let a = p.availability.as_ref();
    PoolToml {
        name: p.name.clone(),
        queues: p.queues.clone(),
        availability: a.map(|a| round(a.availability, 4)),
        availability_se: a.map(|a| round(a.se, 4)),
        availability_ci90: a.map(|a| (round(a.ci90.0, 4), round(a.ci90.1, 4))),
        fit_intervals: a.map(|a| a.intervals),
        fit_days: a.map(|a| a.days),
        fit_sl_mae: a.map(|a| round(a.sl_mae, 4)),
        fit_sl_bias: a.map(|a| round(a.sl_bias, 4)),
        fit_abandon_mae: a.map(|a| round(a.abandon_mae, 4)),
        fit_abandon_bias: a.map(|a| round(a.abandon_bias, 4)),
        erlang_a_patience_seconds: a.map(|a| round(a.patience_secs, 1)),
        patience_scale: a.map(|a| round(a.patience_scale, 4)),
        availability_by_hour: a
            .map(|a| {
                a.by_hour
                    .iter()
                    .map(|&(h, v, n)| (h, round(v, 4), n))
                    .collect()
            })
            .unwrap_or_default(),
        availability_by_utilisation: a
            .map(|a| {
                a.by_utilisation
                    .iter()
                    .map(|&(u, v, n)| (round(u, 2), round(v, 4), n))
                    .collect()
            })
            .unwrap_or_default(),
        patience_exp_mean_seconds: p.patience_exp_mean_secs.map(|v| round(v, 1)),
        agents_in_log: p.detection.as_ref().map(|d| d.agents),
        answered_calls_in_log: p.detection.as_ref().map(|d| d.calls),
        specialist_share: p
            .detection
            .as_ref()
            .map(|d| d.specialist_share.iter().map(|v| round(*v, 4)).collect())
            .unwrap_or_default(),
        members: p
            .detection
            .as_ref()
            .map(|d| d.members.clone())
            .unwrap_or_default(),
        queue_patience: p
            .queue_patience
            .iter()
            .map(|(q, s, o)| (q.clone(), round(*s, 1), *o))
            .collect(),
        recalibration_by_size: p
            .size_recalibration
            .as_ref()
            .map(|m| {
                m.bands
                    .iter()
                    .map(|b| {
                        (
                            round(b.lowest_offered, 2),
                            round(b.sl_shift, 4),
                            round(b.abandon_factor, 4),
                            round(b.asa_factor, 4),
                            b.intervals,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The calibration as TOML text.
pub fn calibration_toml(c: &Calibration) -> String {
    let file = FileToml {
        calibration: Head {
            period_start: c.period.0.clone(),
            period_end: c.period.1.clone(),
            sources: c.sources.clone(),
            threshold_seconds: c.threshold_secs,
            busy_min_offered: c.min_offered,
            method: METHOD.to_string(),
        },
        pools: c.pools.iter().map(pool_toml).collect(),
        queues: c
            .queues
            .iter()
            .map(|q| QueueToml {
                name: q.name.clone(),
                patience_calls: q.patience.calls,
                patience_abandoned: q.patience.abandoned,
                patience_exp_mean_seconds: q.patience.exp_mean_secs.map(|v| round(v, 1)),
                patience_median_seconds: q.patience.median_secs,
                patience_cdf: q
                    .patience
                    .cdf
                    .iter()
                    .map(|&(s, p)| (s, round(p, 4)))
                    .collect(),
                service_calls: q.service.as_ref().map(|s| s.calls),
                service_mean_seconds: q.service.as_ref().map(|s| round(s.mean_secs, 1)),
                service_cv: q.service.as_ref().map(|s| round(s.cv, 4)),
                service_cdf: q
                    .service
                    .as_ref()
                    .map(|s| s.cdf.clone())
                    .unwrap_or_default(),
            })
            .collect(),
    };
    let body = toml::to_string(&file).unwrap_or_default();
    format!(
        "# wfm calibration: how this center behaved in {} .. {}.\n\
         # Written by `wfm calibrate`; read by `--calibration FILE` (docs/calibrate.md).\n\
         # Staffing with a calibration plans recorded agents = available agents / availability.\n\n{body}",
        c.period.0, c.period.1
    )
}

/// A pool's `recalibration_by_size`: `None` when absent; an error message for bands out of
/// order or corrections outside their domain.
fn size_recalibration(p: &PoolToml) -> Result<Option<SizeRecalibration>, String> {
    let mut lowest = f64::NEG_INFINITY;
    for &(lo, shift, factor, asa, _) in &p.recalibration_by_size {
        let valid = lo.is_finite()
            && lo >= 0.0
            && lo > lowest
            && shift.is_finite()
            && shift.abs() <= 1.0
            && factor.is_finite()
            && factor >= 0.0
            && asa.is_finite()
            && asa > 0.0;
        if !valid {
            return Err(format!(
                "pool `{}`: recalibration_by_size [{lo}, {shift}, {factor}, {asa}, …]: offered ≥ 0 and ascending, SL shift in [-1, 1], abandonment factor ≥ 0, ASA factor > 0",
                p.name
            ));
        }
        lowest = lo;
    }
    Ok(
        (!p.recalibration_by_size.is_empty()).then(|| SizeRecalibration {
            bands: p
                .recalibration_by_size
                .iter()
                .map(
                    |&(lowest_offered, sl_shift, abandon_factor, asa_factor, intervals)| SizeBand {
                        lowest_offered,
                        sl_shift,
                        abandon_factor,
                        asa_factor,
                        intervals,
                    },
                )
                .collect(),
        }),
    )
}

/// Reads `calibration.toml`.
///
/// # Errors
/// [`TableError::Toml`] for a syntax error, an unknown key or a value out of its domain
/// (availability outside (0, 2], a negative mean).
pub fn read_calibration(path: &Path) -> Result<Calibration, TableError> {
    let f: FileToml = crate::io::table::read_toml(path)?;
    let err = |message: String| TableError::Toml {
        path: PathBuf::from(path),
        message,
    };
    let mut pools = Vec::new();
    for p in f.pools {
        if let Some(a) = p.availability {
            if !(a.is_finite() && a > 0.0 && a <= 2.0) {
                return Err(err(format!(
                    "pool `{}`: availability must be in (0, 2], got {a}",
                    p.name
                )));
            }
        }
        if let Some((h, v, _)) = p
            .availability_by_hour
            .iter()
            .find(|(h, v, _)| *h > 23 || !(*v > 0.0 && *v <= 2.0))
        {
            return Err(err(format!(
                "pool `{}`: availability_by_hour [{h}, {v}]: hour 0–23, availability in (0, 2]",
                p.name
            )));
        }
        if let Some((u, v, _)) = p
            .availability_by_utilisation
            .iter()
            .find(|(u, v, _)| !(u.is_finite() && *u >= 0.0 && *v > 0.0 && *v <= 2.0))
        {
            return Err(err(format!(
                "pool `{}`: availability_by_utilisation [{u}, {v}]: band edge ≥ 0, availability in (0, 2]",
                p.name
            )));
        }
        for (key, v) in [
            ("erlang_a_patience_seconds", p.erlang_a_patience_seconds),
            ("patience_scale", p.patience_scale),
        ] {
            if let Some(v) = v.filter(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(err(format!(
                    "pool `{}`: {key} must be > 0, got {v}",
                    p.name
                )));
            }
        }
        let scale = p.patience_scale.unwrap_or(1.0);
        let fit_patience = p
            .erlang_a_patience_seconds
            .or(p.patience_exp_mean_seconds.map(|m| m * scale))
            .unwrap_or(f64::NAN);
        let availability = p.availability.map(|a| AvailabilityFit {
            availability: a,
            se: p.availability_se.unwrap_or(f64::NAN),
            ci90: p.availability_ci90.unwrap_or((a, a)),
            intervals: p.fit_intervals.unwrap_or(0),
            days: p.fit_days.unwrap_or(0),
            by_hour: p.availability_by_hour.clone(),
            by_utilisation: p.availability_by_utilisation.clone(),
            patience_secs: fit_patience,
            patience_scale: scale,
            sl_mae: p.fit_sl_mae.unwrap_or(f64::NAN),
            sl_bias: p.fit_sl_bias.unwrap_or(f64::NAN),
            abandon_mae: p.fit_abandon_mae.unwrap_or(f64::NAN),
            abandon_bias: p.fit_abandon_bias.unwrap_or(f64::NAN),
        });
        if let Some(m) = p
            .patience_exp_mean_seconds
            .filter(|m| m.is_nan() || *m <= 0.0)
        {
            return Err(err(format!(
                "pool `{}`: patience_exp_mean_seconds must be > 0, got {m}",
                p.name
            )));
        }
        if let Some((q, secs, offered)) = p
            .queue_patience
            .iter()
            .find(|(_, s, o)| !(s.is_finite() && *s > 0.0 && o.is_finite() && *o >= 0.0))
        {
            return Err(err(format!(
                "pool `{}`: queue_patience [{q}, {secs}, {offered}]: seconds > 0, offered ≥ 0",
                p.name
            )));
        }
        let size_recalibration = size_recalibration(&p).map_err(err)?;
        pools.push(PoolCalibration {
            size_recalibration,
            queue_patience: p.queue_patience.clone(),
            name: p.name.clone(),
            queues: p.queues.clone(),
            availability,
            patience_exp_mean_secs: p.patience_exp_mean_seconds,
            detection: p.agents_in_log.map(|agents| PoolDetection {
                name: p.name,
                queues: p.queues,
                agents,
                specialist_share: p.specialist_share,
                calls: p.answered_calls_in_log.unwrap_or(0),
                members: p.members,
            }),
        });
    }
    let queues = f
        .queues
        .into_iter()
        .map(|q| QueueCalibration {
            name: q.name,
            patience: PatienceFit {
                calls: q.patience_calls,
                abandoned: q.patience_abandoned,
                cdf: q.patience_cdf,
                exp_mean_secs: q.patience_exp_mean_seconds,
                median_secs: q.patience_median_seconds,
            },
            service: match (q.service_calls, q.service_mean_seconds, q.service_cv) {
                (Some(calls), Some(mean_secs), Some(cv)) => Some(ServiceFit {
                    calls,
                    mean_secs,
                    cv,
                    cdf: q.service_cdf,
                }),
                _ => None,
            },
        })
        .collect();
    Ok(Calibration {
        period: (f.calibration.period_start, f.calibration.period_end),
        sources: f.calibration.sources,
        threshold_secs: f.calibration.threshold_seconds,
        min_offered: f.calibration.busy_min_offered,
        pools,
        queues,
    })
}

/// `--section fidelity-daily`: one row per day × pool × model × calibration on busy intervals.
pub fn fidelity_daily_table(pools: &[crate::audit::fidelity::Fidelity]) -> crate::io::table::Table {
    use crate::io::table::{Cell, Table};
    let mut t = Table::new([
        "date",
        "pool",
        "model",
        "calibrated",
        "busy_intervals",
        "offered",
        "observed_sl",
        "predicted_sl",
        "sl_error",
        "sl_mae",
        "observed_abandon",
        "predicted_abandon",
        "abandon_error",
        "abandon_mae",
    ]);
    for d in pools.iter().flat_map(crate::audit::fidelity::daily) {
        t.push(vec![
            Cell::text(d.date.to_string()),
            Cell::text(d.pool),
            Cell::text(d.model),
            Cell::text(if d.calibrated { "true" } else { "false" }),
            Cell::Int(d.intervals as i64),
            Cell::float(Some(d.offered), 0),
            Cell::float(Some(d.observed_sl), 4),
            Cell::float(Some(d.predicted_sl), 4),
            Cell::float(Some(d.predicted_sl - d.observed_sl), 4),
            Cell::float(Some(d.sl_mae), 4),
            Cell::float(Some(d.observed_abandon), 4),
            Cell::float(Some(d.predicted_abandon), 4),
            Cell::float(Some(d.predicted_abandon - d.observed_abandon), 4),
            Cell::float(Some(d.abandon_mae), 4),
        ]);
    }
    t
}

/// `--section model-check-intervals`: one row per pool × interval × model × calibration.
pub fn model_check_intervals_table(
    pools: &[crate::audit::fidelity::Fidelity],
) -> crate::io::table::Table {
    use crate::io::table::{Cell, Table};
    let mut t = Table::new([
        "interval_start",
        "pool",
        "offered",
        "agents",
        "model",
        "calibrated",
        "predicted_sl",
        "observed_sl",
        "predicted_abandon",
        "observed_abandon",
        "predicted_asa",
        "observed_asa",
    ]);
    for r in pools.iter().flat_map(|f| &f.rows) {
        t.push(vec![
            Cell::text(r.interval_start.to_rfc3339()),
            Cell::text(r.pool.clone()),
            Cell::float(Some(r.offered), 0),
            Cell::Int(i64::from(r.agents)),
            Cell::text(r.model),
            Cell::text(if r.calibrated { "true" } else { "false" }),
            Cell::float(Some(r.predicted_sl), 4),
            Cell::float(r.observed_sl, 4),
            Cell::float(Some(r.predicted_abandon), 4),
            Cell::float(Some(r.observed_abandon), 4),
            Cell::float(r.predicted_asa, 1),
            Cell::float(r.observed_asa, 1),
        ]);
    }
    t
}

/// `--section fidelity`: per pool (`ALL` first) × model × calibration on busy intervals, the
/// pool's noise floor and its verdict.
pub fn fidelity_table(pools: &[crate::audit::fidelity::Fidelity]) -> crate::io::table::Table {
    use crate::io::table::Table;
    let mut t = Table::new([
        "pool",
        "model",
        "calibrated",
        "busy_intervals",
        "days",
        "sl_mae",
        "sl_bias",
        "daily_sl_mae",
        "abandon_mae",
        "abandon_bias",
        "sl_mae_per_call",
        "abandon_mae_per_call",
        "asa_mae_seconds",
        "score",
        "verdict",
    ]);
    for f in pools {
        fidelity_rows(&mut t, f);
    }
    t
}

/// One pool's rows of [`fidelity_table`].
fn fidelity_rows(t: &mut crate::io::table::Table, f: &crate::audit::fidelity::Fidelity) {
    use crate::io::table::Cell;
    for s in &f.summaries {
        let best = f.verdict == Some((s.model, s.calibrated));
        t.push(vec![
            Cell::text(f.pool.clone()),
            Cell::text(s.model),
            Cell::text(if s.calibrated { "true" } else { "false" }),
            Cell::Int(s.intervals as i64),
            Cell::Int(s.days as i64),
            Cell::float(Some(s.sl_mae), 4),
            Cell::float(Some(s.sl_bias), 4),
            Cell::float(Some(s.daily_sl_mae), 4),
            Cell::float(Some(s.abandon_mae), 4),
            Cell::float(Some(s.abandon_bias), 4),
            Cell::float(Some(s.sl_mae_per_call), 4),
            Cell::float(Some(s.abandon_mae_per_call), 4),
            Cell::float(s.asa_mae, 1),
            Cell::float(Some(s.score), 5),
            Cell::text(if best { "best" } else { "" }),
        ]);
    }
    let floors = [
        ("noise-floor", f.noise_floor),
        ("noise-floor-binomial", f.noise_floor_binomial),
    ];
    for (name, floor) in floors {
        let Some(fl) = floor else { continue };
        t.push(vec![
            Cell::text(f.pool.clone()),
            Cell::text(name),
            Cell::text(""),
            Cell::Empty,
            Cell::Empty,
            Cell::float(Some(fl.sl), 4),
            Cell::Empty,
            Cell::Empty,
            Cell::float(Some(fl.abandon), 4),
            Cell::Empty,
            Cell::float(Some(fl.sl_per_call), 4),
            Cell::float(Some(fl.abandon_per_call), 4),
            Cell::Empty,
            Cell::Empty,
            Cell::text(""),
        ]);
    }
}
