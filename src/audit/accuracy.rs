//! Forecast accuracy: forecast rows matched to actuals by (interval, queue), error measures per
//! grouping (total, queue, day, weekday, weekday × interval) for volume and AHT.

use std::collections::{BTreeMap, BTreeSet};

use super::formulas::{self as f, ErrorMeasures};
use super::input::{ActualInterval, Forecast, ForecastInterval};
use super::key::{Grouping, Measure, Scope, WEEKDAYS};
use super::Period;
use crate::model::LocalStamp;
use crate::time::NaiveDate;

/// One forecast-accuracy row.
#[derive(Debug, Clone, PartialEq)]
pub struct AccuracyRow {
    /// Volume or AHT.
    pub measure: Measure,
    /// How the pairs are grouped.
    pub grouping: Grouping,
    /// The group's key (`all`, a queue, a date, `Sun`, `Sun 07:00`).
    pub key: String,
    /// Weekday 0 = Sunday, for weekday groupings.
    pub weekday: Option<usize>,
    /// Seconds since midnight, for `weekday_interval`.
    pub slot_secs: Option<u32>,
    /// The measures.
    pub m: ErrorMeasures,
}

pub(crate) struct AccuracyResult {
    pub(crate) rows: Vec<AccuracyRow>,
    pub(crate) note: String,
    /// Forecast per (date, slot) over the matched pairs.
    pub(crate) by_day_slot: BTreeMap<LocalStamp, f64>,
    /// The same per queue.
    pub(crate) by_queue: BTreeMap<String, BTreeMap<LocalStamp, f64>>,
}

struct Pair {
    ts: LocalStamp,
    queue: String,
    a: f64,
    f: f64,
    n: f64,
    aht: Option<f64>,
    aht_f: Option<f64>,
}

/// (ts, queue) → (offered, answered, Σ handle)
type ActualBy = BTreeMap<(LocalStamp, String), (f64, f64, Option<f64>)>;

fn actual_by(rows: &[&ActualInterval], pooled_as: Option<&str>) -> ActualBy {
    let mut act: ActualBy = BTreeMap::new();
    for r in rows {
        let q = pooled_as.map_or_else(|| r.queue.clone(), str::to_string);
        let e = act
            .entry((r.interval_start, q))
            .or_insert((0.0, 0.0, Some(0.0)));
        e.0 += r.offered;
        e.1 += r.answered;
        e.2 = match (e.2, r.aht_secs) {
            (Some(h), Some(a)) => Some(h + a * r.answered),
            (Some(h), None) if r.answered == 0.0 => Some(h),
            _ => None,
        };
    }
    act
}

/// Matches forecast to actuals by (interval, queue) — or, when the forecast has one queue that
/// the actuals do not have, against the actuals pooled over queues. Returns the pairs and the
/// note that accounts for every row.
fn pairs(rows: &[&ActualInterval], fc_rows: &[&ForecastInterval]) -> (Vec<Pair>, String) {
    let actual_queues: BTreeSet<&str> = rows.iter().map(|r| r.queue.as_str()).collect();
    let fc_queues: BTreeSet<&str> = fc_rows.iter().map(|r| r.queue.as_str()).collect();
    let pooled =
        fc_queues.len() == 1 && !actual_queues.is_empty() && fc_queues.is_disjoint(&actual_queues);
    let act = actual_by(
        rows,
        pooled.then(|| *fc_queues.iter().next().expect("one queue")),
    );
    let mut out = Vec::new();
    let mut unmatched_fc = 0usize;
    let mut matched: BTreeSet<(LocalStamp, String)> = BTreeSet::new();
    for r in fc_rows {
        let key = (r.interval_start, r.queue.clone());
        match act.get(&key) {
            Some(&(a, n, h)) => {
                matched.insert(key);
                out.push(Pair {
                    ts: r.interval_start,
                    queue: r.queue.clone(),
                    a,
                    f: r.forecast,
                    n,
                    aht: h.and_then(|h| (n > 0.0).then(|| h / n)),
                    aht_f: r.aht_forecast_secs,
                });
            }
            None => unmatched_fc += 1,
        }
    }
    // A queue × interval with calls that the forecast omits (inside the forecast's days, for a
    // queue it covers) was forecast as 0: a closed interval in the forecast's eyes.
    let matched_n = out.len();
    let fc_days: Option<(NaiveDate, NaiveDate)> = fc_rows
        .iter()
        .map(|r| r.interval_start.local.date())
        .fold(None, |acc, d| match acc {
            None => Some((d, d)),
            Some((a, b)) => Some((a.min(d), b.max(d))),
        });
    let (mut zero_filled, mut zero_calls, mut outside_n) = (0usize, 0.0, 0usize);
    for ((ts, q), &(a, n, h)) in &act {
        if matched.contains(&(*ts, q.clone())) {
            continue;
        }
        let inside = fc_days.is_some_and(|(d0, d1)| (d0..=d1).contains(&ts.local.date()))
            && fc_queues.contains(q.as_str());
        if !inside {
            outside_n += 1;
            continue;
        }
        zero_filled += 1;
        zero_calls += a;
        out.push(Pair {
            ts: *ts,
            queue: q.clone(),
            a,
            f: 0.0,
            n,
            aht: h.and_then(|h| (n > 0.0).then(|| h / n)),
            aht_f: None,
        });
    }
    let mut note = format!(
        "{matched_n} queue × interval pairs matched; {unmatched_fc} forecast rows without actuals; \
         {zero_filled} actual queue × intervals inside the forecast's days without a forecast row, \
         counted as forecast 0 ({zero_calls} calls offered in them); {outside_n} outside the \
         forecast's days or queues, not compared"
    );
    if pooled {
        note.push_str("; forecast queue not in actuals: compared with actuals pooled over queues");
    }
    (out, note)
}

/// The group of a pair: (weekday, slot, key) sorts the groups.
type GroupKey = (Option<usize>, Option<u32>, String);

/// The groups of a pair (a pair is in every pool that serves its queue).
fn groups_of(g: Grouping, p: &Pair, pools: &[Scope]) -> Vec<GroupKey> {
    let w = crate::time::weekday_sun0(p.ts.local.date());
    let one = match g {
        Grouping::Total => (None, None, "all".to_string()),
        Grouping::Queue => (None, None, p.queue.clone()),
        Grouping::Pool => {
            return pools
                .iter()
                .filter(|s| s.contains(&p.queue))
                .map(|s| (None, None, s.as_str().to_string()))
                .collect()
        }
        Grouping::Day => (None, None, p.ts.local.date().to_string()),
        Grouping::Weekday => (Some(w), None, WEEKDAYS[w].to_string()),
        Grouping::WeekdayInterval => {
            let s = crate::time::seconds_of_day(p.ts.local);
            (
                Some(w),
                Some(s),
                format!("{} {:02}:{:02}", WEEKDAYS[w], s / 3600, s % 3600 / 60),
            )
        }
    };
    vec![one]
}

/// Matches the forecast of `period` with `rows` and computes the error measures per grouping
/// (per pool for each of `pools`).
pub(crate) fn accuracy_rows(
    rows: &[&ActualInterval],
    fc: &Forecast,
    period: Period,
    pools: &[Scope],
) -> AccuracyResult {
    let fc_rows: Vec<&ForecastInterval> = fc
        .rows
        .iter()
        .filter(|r| period.contains(r.interval_start.local))
        .collect();
    let (pairs, note) = pairs(rows, &fc_rows);
    let mut out = Vec::new();
    for g in Grouping::ALL {
        let mut groups: BTreeMap<GroupKey, Vec<&Pair>> = BTreeMap::new();
        for p in &pairs {
            for k in groups_of(g, p, pools) {
                groups.entry(k).or_default().push(p);
            }
        }
        for ((weekday, slot_secs, key), ps) in groups {
            let row = |measure, m| AccuracyRow {
                measure,
                grouping: g,
                key: key.clone(),
                weekday,
                slot_secs,
                m,
            };
            out.push(row(
                Measure::Volume,
                f::error_measures(ps.iter().map(|p| (1.0, p.a, p.f))),
            ));
            if fc.has_aht {
                // AHT pairs: intervals with answered calls and both AHTs known (an interval the
                // forecast omits has no AHT forecast and is left out of the AHT measures).
                let aht_pairs: Vec<(f64, f64, f64)> = ps
                    .iter()
                    .filter(|p| p.n > 0.0)
                    .filter_map(|p| Some((p.n, p.aht?, p.aht_f?)))
                    .collect();
                if !aht_pairs.is_empty() {
                    out.push(row(Measure::Aht, f::error_measures(aht_pairs)));
                }
            }
        }
    }
    let mut by_day_slot = BTreeMap::new();
    let mut by_queue: BTreeMap<String, BTreeMap<LocalStamp, f64>> = BTreeMap::new();
    for p in &pairs {
        let k = p.ts;
        *by_day_slot.entry(k).or_insert(0.0) += p.f;
        *by_queue
            .entry(p.queue.clone())
            .or_default()
            .entry(k)
            .or_insert(0.0) += p.f;
    }
    AccuracyResult {
        rows: out,
        note,
        by_day_slot,
        by_queue,
    }
}
