//! Service per queue for a published schedule: the schedule's agents (on shift and not on a
//! break, per interval) are set against each queue's demand and judged against each queue's
//! own targets, per queue × interval and per queue × day.
//!
//! # Pooling assumption (stated on every output)
//! A schedule's coverage is one pool of agents. How they serve the queues is an assumption:
//! - [`Pooling::Separate`]: each queue has its own agents, the scheduled agents split in
//!   proportion to each queue's own requirement on the scheduled basis in that interval (what
//!   the schedule was built to cover); every queue is then its own Erlang C / A / async queue.
//! - [`Pooling::Pool`]: every agent takes every queue's contacts; all queues' demand is one
//!   queue (offered summed, AHT offered-weighted), evaluated under each queue's own model and
//!   answer-time threshold (in M/M/N the wait distribution is the same for every contact, so
//!   the pooled figure at a queue's threshold is that queue's service).
//!
//! Expected agents on the phones = scheduled × (1 − unplanned shrinkage): the scheduled
//! categories (breaks) are already out of the coverage. A fractional agent count is evaluated
//! by linear interpolation between ⌊n⌋ and ⌈n⌉ agents (exact at whole numbers).

use std::collections::BTreeMap;
use std::path::Path;

use super::config::{QueuePolicy, StaffConfig};
use super::plan::{self, Demand, PlanRow, StaffInput, StaffPlan};
use super::scope::Scope;
use super::StaffingError;
use crate::model::{Coverage, Panel};
use crate::time::{NaiveDate, NaiveDateTime};

/// Every queue's resolved policy, by name.
type Policies = BTreeMap<String, QueuePolicy>;

/// How the schedule's agents serve the queues (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// Agents split by each queue's requirement; queues independent.
    Separate,
    /// One pool of agents answers every queue.
    Pool,
}

impl Pooling {
    /// `separate` / `pool`.
    pub fn name(self) -> &'static str {
        match self {
            Pooling::Separate => "separate",
            Pooling::Pool => "pool",
        }
    }
}

/// One queue × interval of an evaluated schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRow {
    /// Interval start.
    pub start: NaiveDateTime,
    /// Queue.
    pub queue: String,
    /// The queue's contacts offered.
    pub offered: f64,
    /// Scheduled agents (on shift, not on a break) serving this queue.
    pub scheduled: f64,
    /// Expected agents on the phones: scheduled × (1 − unplanned shrinkage).
    pub agents: f64,
    /// Service level.
    pub service_level: Option<f64>,
    /// ASA, seconds (`None`: unbounded).
    pub asa_secs: Option<f64>,
    /// Abandon rate (Erlang A).
    pub abandon_rate: Option<f64>,
    /// Occupancy.
    pub occupancy: Option<f64>,
    /// The queue's service-level target.
    pub target: Option<f64>,
    /// Probability of meeting the targets under the demand's predictive distribution (when the
    /// demand is a forecast with bounds).
    pub p_meet_target: Option<f64>,
    /// Every service target of the queue met (SL, ASA, abandon; async: all work within the SLA).
    pub met: bool,
    /// Interval length, hours.
    pub hours: f64,
}

/// One queue × day.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalDay {
    /// The date.
    pub date: NaiveDate,
    /// Queue.
    pub queue: String,
    /// Intervals evaluated.
    pub intervals: usize,
    /// Contacts offered.
    pub offered: f64,
    /// Scheduled agent-hours serving the queue.
    pub scheduled_hours: f64,
    /// Offered-weighted service level.
    pub service_level: Option<f64>,
    /// Answered-weighted ASA (`None` when some interval is unbounded).
    pub asa_secs: Option<f64>,
    /// Offered-weighted abandon rate.
    pub abandon_rate: Option<f64>,
    /// Busy ÷ on-phone agent-hours.
    pub occupancy: Option<f64>,
    /// The queue's service-level target.
    pub target: Option<f64>,
    /// The day's service level meets the target (and the day's ASA and abandon theirs).
    pub met: bool,
    /// Intervals of the day missing a target.
    pub missed_intervals: usize,
}

/// A schedule judged against demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The pooling assumption.
    pub pooling: Pooling,
    /// Queue × interval, intervals inside the coverage only, in demand order.
    pub rows: Vec<EvalRow>,
    /// Queue × day, sorted by date then queue.
    pub days: Vec<EvalDay>,
    /// Queue over every evaluated interval, sorted by queue.
    pub queues: Vec<QueueService>,
    /// Demand intervals outside the coverage (not evaluated).
    pub outside: usize,
}

/// One queue over the whole evaluated horizon, against its own targets (a schedule's
/// `summary.json` `per_queue`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueueService {
    /// Queue.
    pub queue: String,
    /// Offered-weighted service level over the horizon.
    pub service_level: Option<f64>,
    /// The queue's service-level target (none: judged on ASA / abandonment, or async).
    pub target: Option<f64>,
    /// Every target of the queue met over the horizon (SL, ASA, abandonment; async: every
    /// interval within the SLA).
    pub met: bool,
    /// Answered-weighted ASA, seconds (none: unbounded somewhere, or nothing answered).
    pub asa_seconds: Option<f64>,
    /// The queue's maximum ASA, seconds.
    pub max_asa_seconds: Option<f64>,
    /// Offered-weighted abandon rate (Erlang A).
    pub abandon_rate: Option<f64>,
    /// The queue's maximum abandon rate.
    pub max_abandon: Option<f64>,
    /// Busy ÷ on-phone agent-hours.
    pub occupancy: Option<f64>,
    /// Contacts offered.
    pub offered: f64,
    /// Scheduled agent-hours (on shift, not on a break) serving the queue.
    pub on_shift_agent_hours: f64,
    /// Intervals evaluated.
    pub intervals: usize,
    /// Intervals missing a target.
    pub missed_intervals: usize,
    /// Days (YYYY-MM-DD) whose service misses a target.
    pub missed_days: Vec<String>,
}

/// Mean scheduled agents over `[start, start + secs)` from the coverage, when the coverage
/// spans the whole interval.
fn mean_scheduled(cov: &Panel<Coverage>, start: NaiveDateTime, secs: i64) -> Option<f64> {
    let g = cov.grid();
    let step = i64::from(g.interval()?.seconds());
    if secs % step != 0 {
        return None;
    }
    let k = (secs / step) as usize;
    let t0 = g.position(start)?;
    if t0 + k > g.len() {
        return None;
    }
    let s = &cov.series(0)[t0..t0 + k];
    Some(s.iter().map(|c| c.scheduled).sum::<f64>() / k as f64)
}

fn interp(a: Option<f64>, b: Option<f64>, f: f64) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x + f * (y - x)),
        (x, _) if f == 0.0 => x,
        (_, y) if f == 1.0 => y,
        _ => None,
    }
}

/// Evaluates `coverage` against the demand of `input` under `config` (module docs).
///
/// # Errors
/// What [`plan::staff`] and [`plan::evaluate`] return for the demand (unknown interval,
/// unknown patience, bad rows).
pub fn evaluate_schedule(
    input: &StaffInput,
    config: &StaffConfig,
    coverage: &Panel<Coverage>,
    pooling: Pooling,
) -> Result<Evaluation, StaffingError> {
    let hit = Hit {
        input,
        config,
        absent_agents: 0.0,
        absent_scope: None,
    };
    evaluate_hit(input, config, coverage, pooling, &hit)
}

/// A variant hitting a fixed schedule: other demand, another policy, agents absent.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    /// The variant's demand: the baseline input's rows, in the same order, changed.
    pub input: &'a StaffInput,
    /// The variant's policy (targets, shrinkage, model).
    pub config: &'a StaffConfig,
    /// Agents of the schedule absent in every interval of `absent_scope` (on top of the
    /// unplanned shrinkage allowance).
    pub absent_agents: f64,
    /// Where they are absent (`None`: everywhere). With queues in the scope and separate
    /// queues, the absence falls on those queues' shares, split by their requirement; else
    /// on the whole pool.
    pub absent_scope: Option<&'a Scope>,
}

/// Evaluates `coverage`, built for the demand of `input` under `config` (which splits the
/// schedule's agents between separate queues), against the variant `hit`: the schedule stays
/// as it is, the variant's demand and policy meet it, minus the absent agents.
///
/// # Errors
/// What [`plan::staff`] and [`plan::evaluate`] return for the baseline or the variant.
///
/// # Panics
/// When the variant's input has another number of rows than `input`.
pub fn evaluate_hit(
    input: &StaffInput,
    config: &StaffConfig,
    coverage: &Panel<Coverage>,
    pooling: Pooling,
    hit: &Hit<'_>,
) -> Result<Evaluation, StaffingError> {
    assert_eq!(input.len(), hit.input.len(), "the variant keeps the rows");
    let base = plan::staff(input, config)?;
    let policies = plan::policies(hit.input, hit.config)?;
    let demand: Vec<(f64, Option<f64>)> = hit.input.offered_aht().collect();
    let secs = i64::from(base.interval.seconds());
    let everywhere = Scope::default();
    let scope = hit.absent_scope.unwrap_or(&everywhere);
    let absent_on_queues = !scope.queues.is_empty() && pooling == Pooling::Separate;
    // Per interval start: Σ requirement (scheduled basis), Σ offered and Σ work of the
    // variant, Σ requirement of the queues the absence falls on.
    // Keyed by wall clock and UTC offset: a fall-back night's two 01:00 intervals stay two.
    let mut by_start: BTreeMap<(NaiveDateTime, Option<i32>), [f64; 4]> = BTreeMap::new();
    for (r, &(offered, aht)) in base.rows.iter().zip(&demand) {
        let e = by_start.entry((r.start, r.utc_offset_secs)).or_default();
        e[0] += r.agents_scheduled;
        e[1] += offered;
        e[2] += offered * aht.unwrap_or(0.0);
        if scope.has_queue(&r.queue) {
            e[3] += r.agents_scheduled;
        }
    }
    let absent = |t: NaiveDateTime| {
        if hit.absent_agents > 0.0 && scope.has_time(t) {
            hit.absent_agents
        } else {
            0.0
        }
    };
    let scheduled: Vec<Option<f64>> = base
        .rows
        .iter()
        .map(|r| {
            let mut total = mean_scheduled(coverage, r.start, secs)?;
            if !absent_on_queues {
                total = (total - absent(r.start)).max(0.0);
            }
            let [sum, .., scoped] = by_start[&(r.start, r.utc_offset_secs)];
            Some(match pooling {
                Pooling::Pool => total,
                Pooling::Separate if sum > 0.0 => {
                    let mut share = total * r.agents_scheduled / sum;
                    if absent_on_queues && scope.has_queue(&r.queue) && scoped > 0.0 {
                        share -= absent(r.start) * r.agents_scheduled / scoped;
                    }
                    share.max(0.0)
                }
                Pooling::Separate => 0.0,
            })
        })
        .collect();
    let on_phone: Vec<f64> = base
        .rows
        .iter()
        .zip(&scheduled)
        .map(|(r, s)| s.unwrap_or(0.0) * (1.0 - policies[&r.queue].unplanned.value()))
        .collect();
    let (lo, hi) = match pooling {
        Pooling::Separate => bracket(hit.input, hit.config, &on_phone)?,
        Pooling::Pool => {
            let pooled = pooled_input(hit.input, &base, &by_start)?;
            bracket(&pooled, hit.config, &on_phone)?
        }
    };
    let mut rows = Vec::new();
    let mut outside = 0;
    for (i, r) in base.rows.iter().enumerate() {
        let Some(s) = scheduled[i] else {
            outside += 1;
            continue;
        };
        let mut r = r.clone();
        r.offered = demand[i].0;
        rows.push(judge(
            &r,
            &lo.rows[i],
            &hi.rows[i],
            s,
            on_phone[i],
            &policies,
        ));
    }
    let days = per_day(&rows, &policies);
    let queues = per_queue(&rows, &days, &policies);
    Ok(Evaluation {
        pooling,
        rows,
        days,
        queues,
        outside,
    })
}

/// The metrics at ⌊agents⌋ and ⌈agents⌉ for every row.
fn bracket(
    input: &StaffInput,
    config: &StaffConfig,
    agents: &[f64],
) -> Result<(StaffPlan, StaffPlan), StaffingError> {
    let floor: Vec<u32> = agents.iter().map(|a| (a + 1e-9).floor() as u32).collect();
    let ceil: Vec<u32> = agents.iter().map(|a| (a - 1e-9).ceil() as u32).collect();
    let lo = plan::evaluate(&input.clone().with_agents(&floor), config)?;
    let hi = plan::evaluate(&input.clone().with_agents(&ceil), config)?;
    Ok((lo, hi))
}

/// Every queue's rows carrying the pooled demand of their interval (so that each queue's own
/// policy judges the pooled queue).
fn pooled_input(
    input: &StaffInput,
    base: &StaffPlan,
    by_start: &BTreeMap<(NaiveDateTime, Option<i32>), [f64; 4]>,
) -> Result<StaffInput, StaffingError> {
    let demand: Vec<Demand> = base
        .rows
        .iter()
        .map(|r| {
            let [_, offered, work, _] = by_start[&(r.start, r.utc_offset_secs)];
            Demand {
                start: r.start,
                queue: r.queue.clone(),
                offered,
                aht_secs: (offered > 0.0).then(|| work / offered),
                agents: None,
            }
        })
        .collect();
    Ok(StaffInput::from_demand(Path::new("pooled demand"), &demand)?.with_patience_of(input))
}

fn judge(
    r: &PlanRow,
    lo: &PlanRow,
    hi: &PlanRow,
    scheduled: f64,
    agents: f64,
    policies: &Policies,
) -> EvalRow {
    let f = agents - (agents + 1e-9).floor();
    let f = if f < 1e-9 { 0.0 } else { f };
    let p = &policies[&r.queue];
    let t = &p.targets;
    let sl = interp(lo.service_level, hi.service_level, f);
    let asa = interp(lo.asa_secs, hi.asa_secs, f);
    let ab = interp(lo.abandon_rate, hi.abandon_rate, f);
    let occ = interp(lo.occupancy, hi.occupancy, f);
    let tol = 1e-9;
    let met = if p.kind == super::config::QueueKind::Async {
        sl.is_some_and(|s| s >= 1.0 - tol)
    } else {
        t.service_level()
            .is_none_or(|x| sl.is_some_and(|s| s + tol >= x))
            && t.max_asa()
                .is_none_or(|x| asa.is_some_and(|a| a <= x.value() + tol))
            && t.max_abandon()
                .is_none_or(|x| ab.is_none_or(|a| a <= x + tol))
    };
    EvalRow {
        start: r.start,
        queue: r.queue.clone(),
        offered: r.offered,
        scheduled,
        agents,
        service_level: sl,
        asa_secs: asa,
        abandon_rate: ab,
        occupancy: occ,
        target: t.service_level(),
        p_meet_target: interp(lo.p_meet_target, hi.p_meet_target, f),
        met: met || r.offered == 0.0,
        hours: r.hours,
    }
}

/// Sums of a set of evaluated intervals (one queue × day, or one queue × horizon).
#[derive(Default)]
struct Acc {
    n: usize,
    offered: f64,
    sched_h: f64,
    sl: (f64, f64),
    asa: (f64, f64),
    asa_unbounded: bool,
    ab: (f64, f64),
    busy: f64,
    phone_h: f64,
    missed: usize,
}

/// An aggregate's measures and whether it meets the queue's targets.
struct Judged {
    sl: Option<f64>,
    asa: Option<f64>,
    ab: Option<f64>,
    occ: Option<f64>,
    met: bool,
}

impl Acc {
    fn add(&mut self, r: &EvalRow) {
        self.n += 1;
        self.offered += r.offered;
        self.sched_h += r.scheduled * r.hours;
        self.phone_h += r.agents * r.hours;
        if let Some(s) = r.service_level {
            self.sl.0 += r.offered * s;
            self.sl.1 += r.offered;
        }
        let answered = r.offered * (1.0 - r.abandon_rate.unwrap_or(0.0));
        match r.asa_secs {
            Some(w) => {
                self.asa.0 += answered * w;
                self.asa.1 += answered;
            }
            None if r.offered > 0.0 => self.asa_unbounded = true,
            None => {}
        }
        if let Some(x) = r.abandon_rate {
            self.ab.0 += r.offered * x;
            self.ab.1 += r.offered;
        }
        if let Some(o) = r.occupancy {
            self.busy += o * r.agents * r.hours;
        }
        if !r.met {
            self.missed += 1;
        }
    }

    /// Offered-weighted SL and abandonment, answered-weighted ASA, judged against `p`'s targets
    /// (async: every interval within the SLA).
    fn judge(&self, p: &super::config::QueuePolicy) -> Judged {
        let ratio = |(n, d): (f64, f64)| (d > 0.0).then(|| n / d);
        let t = &p.targets;
        let sl = ratio(self.sl);
        let asa = if self.asa_unbounded {
            None
        } else {
            ratio(self.asa)
        };
        let ab = ratio(self.ab);
        let met = self.offered == 0.0
            || if p.kind == super::config::QueueKind::Async {
                self.missed == 0
            } else {
                t.service_level()
                    .is_none_or(|x| sl.is_some_and(|s| s + 1e-9 >= x))
                    && t.max_asa()
                        .is_none_or(|x| asa.is_some_and(|w| w <= x.value() + 1e-9))
                    && t.max_abandon()
                        .is_none_or(|x| ab.is_none_or(|v| v <= x + 1e-9))
            };
        Judged {
            sl,
            asa,
            ab,
            occ: (self.phone_h > 0.0).then(|| self.busy / self.phone_h),
            met,
        }
    }
}

fn per_day(rows: &[EvalRow], policies: &Policies) -> Vec<EvalDay> {
    let mut acc: BTreeMap<(NaiveDate, &str), Acc> = BTreeMap::new();
    for r in rows {
        acc.entry((r.start.date(), r.queue.as_str()))
            .or_default()
            .add(r);
    }
    acc.into_iter()
        .map(|((date, q), a)| {
            let p = &policies[q];
            let j = a.judge(p);
            EvalDay {
                date,
                queue: q.to_string(),
                intervals: a.n,
                offered: a.offered,
                scheduled_hours: a.sched_h,
                service_level: j.sl,
                asa_secs: j.asa,
                abandon_rate: j.ab,
                occupancy: j.occ,
                target: p.targets.service_level(),
                met: j.met,
                missed_intervals: a.missed,
            }
        })
        .collect()
}

fn per_queue(rows: &[EvalRow], days: &[EvalDay], policies: &Policies) -> Vec<QueueService> {
    let mut acc: BTreeMap<&str, Acc> = BTreeMap::new();
    for r in rows {
        acc.entry(r.queue.as_str()).or_default().add(r);
    }
    acc.into_iter()
        .map(|(q, a)| {
            let p = &policies[q];
            let j = a.judge(p);
            QueueService {
                queue: q.to_string(),
                service_level: j.sl,
                target: p.targets.service_level(),
                met: j.met,
                asa_seconds: j.asa,
                max_asa_seconds: p.targets.max_asa().map(|s| s.value()),
                abandon_rate: j.ab,
                max_abandon: p.targets.max_abandon(),
                occupancy: j.occ,
                offered: a.offered,
                on_shift_agent_hours: a.sched_h,
                intervals: a.n,
                missed_intervals: a.missed,
                missed_days: days
                    .iter()
                    .filter(|d| d.queue == q && !d.met)
                    .map(|d| d.date.to_string())
                    .collect(),
            }
        })
        .collect()
}
