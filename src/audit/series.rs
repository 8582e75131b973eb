//! The series the report plots: per day, by time of day, per interval (pooled over queues)
//! and the staffing per interval.

use std::collections::{BTreeMap, BTreeSet};

use super::formulas as f;
use super::input::{ActualInterval, Actuals, AgentStateRow, PlannedInterval, StaffingProxyRow};
use super::sums::{agent_sums, Sums};
use super::AuditOptions;
use crate::model::LocalStamp;
use crate::time::{NaiveDate, NaiveTime};

/// One day of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyRow {
    /// The date.
    pub date: NaiveDate,
    /// Offered calls.
    pub offered: f64,
    /// Answered calls.
    pub answered: f64,
    /// Abandoned calls.
    pub abandoned: f64,
    /// Forecast calls for the queue × intervals matched, when a forecast is given.
    pub forecast: Option<f64>,
    /// Service level (configured convention).
    pub service_level: Option<f64>,
    /// ASA, seconds.
    pub asa_secs: Option<f64>,
    /// Abandon rate.
    pub abandon_rate: Option<f64>,
    /// Occupancy (agent states or proxy).
    pub occupancy: Option<f64>,
}

/// Mean calls per day by time of day.
#[derive(Debug, Clone, PartialEq)]
pub struct IntradayRow {
    /// Seconds since midnight.
    pub slot_secs: u32,
    /// Mean actual offered per day.
    pub actual: f64,
    /// Mean forecast per day (days with forecast).
    pub forecast: Option<f64>,
}

/// Staffing of one interval (pooled over queues).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingRow {
    /// Left edge.
    pub interval_start: LocalStamp,
    /// Required agents (planned input).
    pub required: Option<f64>,
    /// Scheduled agents (planned input, else the agent states' scheduled seconds ÷ interval).
    pub scheduled: Option<f64>,
    /// Actual agents on duty: Σ signed-in seconds ÷ interval (agent states), or distinct named
    /// agents (proxy).
    pub actual: Option<f64>,
    /// Occupancy in the interval.
    pub occupancy: Option<f64>,
}

/// One interval pooled over queues: what the SL/ASA heatmaps and the day view plot.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// Left edge.
    pub interval_start: LocalStamp,
    /// Offered calls.
    pub offered: f64,
    /// Answered calls.
    pub answered: f64,
    /// Answered within the SL threshold, when the actuals have it.
    pub answered_within: Option<f64>,
    /// Abandoned within the SL threshold, when the actuals have it.
    pub abandoned_within: Option<f64>,
    /// Σ wait of answered calls, seconds, when the actuals have it.
    pub wait_answered: Option<f64>,
    /// Forecast calls (matched queue × intervals), when a forecast is given.
    pub forecast: Option<f64>,
}

/// The intervals of the period pooled over queues, in elapsed-time order.
pub(crate) fn interval_rows(
    act: &Actuals,
    rows: &[&ActualInterval],
    fc: Option<&BTreeMap<LocalStamp, f64>>,
) -> Vec<IntervalRow> {
    let mut by: BTreeMap<LocalStamp, Vec<&ActualInterval>> = BTreeMap::new();
    for r in rows {
        by.entry(r.interval_start).or_default().push(r);
    }
    // Elapsed order (below): a fall-back night's repeated hour in the order it happened.
    let mut out: Vec<IntervalRow> = by
        .into_iter()
        .map(|(ts, rs)| {
            let s = Sums::of(act, rs.into_iter());
            IntervalRow {
                interval_start: ts,
                offered: s.offered,
                answered: s.answered,
                answered_within: s.answered_within.ok(),
                abandoned_within: s.abandoned_within.ok(),
                wait_answered: s.wait_answered.ok(),
                forecast: fc.map(|m| m.get(&ts).copied().unwrap_or(0.0)),
            }
        })
        .collect();
    out.sort_by_key(|r| r.interval_start.utc());
    out
}

pub(crate) fn daily_rows(
    act: &Actuals,
    rows: &[&ActualInterval],
    options: &AuditOptions,
    fc: Option<&BTreeMap<LocalStamp, f64>>,
    agents: Option<&[&AgentStateRow]>,
    proxy: Option<&[&StaffingProxyRow]>,
) -> Vec<DailyRow> {
    let days: BTreeSet<NaiveDate> = rows.iter().map(|r| r.interval_start.local.date()).collect();
    days.into_iter()
        .map(|d| {
            let s = Sums::of(
                act,
                rows.iter()
                    .copied()
                    .filter(|r| r.interval_start.local.date() == d),
            );
            let sl = s.answered_within.clone().ok().and_then(|aw| {
                let abw = s.abandoned_within.clone().ok();
                f::service_level(options.sl_convention, aw, s.offered, s.answered, abw)
            });
            let occupancy = match (agents, proxy) {
                (Some(a), _) => {
                    let ag = agent_sums(
                        a.iter()
                            .copied()
                            .filter(|r| r.interval_start.local.date() == d),
                        false,
                    );
                    f::occupancy(ag.handle, ag.ready)
                }
                (None, Some(p)) => {
                    let (b, n) = p
                        .iter()
                        .filter(|r| r.interval_start.local.date() == d)
                        .fold((0.0, 0.0), |(b, n), r| {
                            (b + r.busy_agents_equiv, n + r.distinct_named_agents)
                        });
                    f::ratio(b, n)
                }
                (None, None) => None,
            };
            DailyRow {
                date: d,
                offered: s.offered,
                answered: s.answered,
                abandoned: s.abandoned,
                // Every interval whose wall clock is on day d, whatever its offset.
                forecast: fc.map(|m| {
                    m.range(LocalStamp::naive(d.and_time(NaiveTime::MIN))..)
                        .take_while(|(k, _)| k.local.date() == d)
                        .map(|(_, v)| v)
                        .sum()
                }),
                service_level: sl,
                asa_secs: s
                    .wait_answered
                    .ok()
                    .and_then(|w| f::average_speed_of_answer(w, s.answered)),
                abandon_rate: f::abandon_rate(s.abandoned, s.answered),
                occupancy,
            }
        })
        .collect()
}

pub(crate) fn intraday_rows(
    rows: &[&ActualInterval],
    fc: Option<&BTreeMap<LocalStamp, f64>>,
) -> Vec<IntradayRow> {
    let days: BTreeSet<NaiveDate> = rows.iter().map(|r| r.interval_start.local.date()).collect();
    let nd = days.len().max(1) as f64;
    let mut act: BTreeMap<u32, f64> = BTreeMap::new();
    for r in rows {
        *act.entry(crate::time::seconds_of_day(r.interval_start.local))
            .or_insert(0.0) += r.offered;
    }
    let fc_days: BTreeSet<NaiveDate> = fc
        .map(|m| m.keys().map(|k| k.local.date()).collect())
        .unwrap_or_default();
    let mut fcs: BTreeMap<u32, f64> = BTreeMap::new();
    if let Some(m) = fc {
        for (k, v) in m {
            *fcs.entry(crate::time::seconds_of_day(k.local))
                .or_insert(0.0) += v;
        }
    }
    act.into_iter()
        .map(|(s, a)| IntradayRow {
            slot_secs: s,
            actual: a / nd,
            forecast: fc.map(|_| fcs.get(&s).copied().unwrap_or(0.0) / fc_days.len().max(1) as f64),
        })
        .collect()
}

pub(crate) fn staffing_rows(
    ivl: u32,
    planned: Option<&[&PlannedInterval]>,
    agents: Option<&[&AgentStateRow]>,
    proxy: Option<&[&StaffingProxyRow]>,
) -> Vec<StaffingRow> {
    let mut m: BTreeMap<LocalStamp, StaffingRow> = BTreeMap::new();
    if let Some(p) = planned {
        for r in p {
            let e = m
                .entry(r.interval_start)
                .or_insert_with(|| blank(r.interval_start));
            e.required = r.required;
            e.scheduled = r.scheduled;
        }
    }
    if let Some(a) = agents {
        let mut by: BTreeMap<LocalStamp, (f64, f64, f64)> = BTreeMap::new();
        for r in a {
            let e = by.entry(r.interval_start).or_insert((0.0, 0.0, 0.0));
            e.0 += r.logged_in_secs;
            e.1 += r.talk_secs + r.hold_secs + r.acw_secs;
            e.2 += r.ready_secs;
        }
        let planned_has_sched = planned.is_some_and(|p| p.iter().any(|r| r.scheduled.is_some()));
        let mut sched: BTreeMap<LocalStamp, f64> = BTreeMap::new();
        for r in a {
            *sched.entry(r.interval_start).or_insert(0.0) += r.scheduled_secs;
        }
        for (ts, (li, h, rd)) in by {
            let e = m.entry(ts).or_insert_with(|| blank(ts));
            e.actual = Some(li / f64::from(ivl));
            e.occupancy = f::occupancy(h, rd);
            if !planned_has_sched {
                e.scheduled = sched.get(&ts).map(|s| s / f64::from(ivl));
            }
        }
    } else if let Some(p) = proxy {
        for r in p {
            let e = m
                .entry(r.interval_start)
                .or_insert_with(|| blank(r.interval_start));
            e.actual = Some(r.distinct_named_agents);
            e.occupancy = f::ratio(r.busy_agents_equiv, r.distinct_named_agents);
        }
    }
    let mut rows: Vec<StaffingRow> = m.into_values().collect();
    // Elapsed order: a fall-back night's repeated hour in the order it happened.
    rows.sort_by_key(|r| r.interval_start.utc());
    rows
}

fn blank(ts: LocalStamp) -> StaffingRow {
    StaffingRow {
        interval_start: ts,
        required: None,
        scheduled: None,
        actual: None,
        occupancy: None,
    }
}
