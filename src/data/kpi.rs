//! The normalized per-queue interval KPI table that both readers produce.
//!
//! Every KPI is stored as the *sums* it is computed from (counts, summed seconds), so that any
//! aggregate — pooled queues, hourly, daily, another service-level definition — can be rebuilt
//! exactly by adding rows and dividing once. The means (AHT, ASA, SL) are derived on output
//! ([`crate::io::kpi`] writes the table).

use crate::io::shape::LocalStamp;
use crate::model::{Actual, Panel, TimeGrid};
use crate::time::{NaiveDate, NaiveDateTime};
use crate::units::IntervalLength;

pub use crate::model::QueueId;

/// Service-level answer-time thresholds, in whole seconds, sorted and without duplicates.
/// Each threshold `T` adds the columns `sl_<T>s`, `answered_le<T>` and `abandoned_le<T>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlThresholds(Vec<u32>);

impl SlThresholds {
    /// Thresholds from a list of seconds; `None` when the list is empty.
    pub fn new(mut secs: Vec<u32>) -> Option<Self> {
        secs.sort_unstable();
        secs.dedup();
        (!secs.is_empty()).then_some(SlThresholds(secs))
    }
    /// The thresholds in seconds, ascending.
    pub fn secs(&self) -> &[u32] {
        &self.0
    }
}

impl Default for SlThresholds {
    /// The industry's most common definition, 80/20: answered within 20 s.
    fn default() -> Self {
        SlThresholds(vec![20])
    }
}

/// One queue × interval of the KPI table. Counts are `f64` because interval exports may carry
/// imputed non-integer counts; counts built from call logs are always whole numbers.
/// `None` means "not known" (an interval export without that column), never zero.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiRow {
    /// Left edge of the interval (local wall-clock time).
    pub interval_start: NaiveDateTime,
    /// UTC offset of `interval_start`, seconds east, when the site's time zone is known
    /// (`--tz`): the two intervals of a fall-back night's repeated hour differ only here.
    pub utc_offset_secs: Option<i32>,
    /// The queue.
    pub queue: QueueId,
    /// Calls offered to agents: queued, or served by an agent directly.
    pub offered: f64,
    /// Calls answered by an agent.
    pub answered: Option<f64>,
    /// Calls that hung up after entering the queue.
    pub abandoned: Option<f64>,
    /// Calls that entered the agent queue (offered minus direct service).
    pub queued: Option<f64>,
    /// Per threshold: answered calls whose wait was ≤ the threshold.
    pub answered_le: Vec<Option<f64>>,
    /// Per threshold: abandoned calls whose wait was ≤ the threshold.
    pub abandoned_le: Vec<Option<f64>>,
    /// Sum of handle time of answered calls, seconds (talk + hold + after-call work when known).
    pub sum_service_secs: Option<f64>,
    /// Sum of queue waits of answered calls, seconds.
    pub sum_wait_answered_secs: Option<f64>,
    /// Sum of queue waits of abandoned calls (time to abandon), seconds.
    pub sum_wait_abandoned_secs: Option<f64>,
    /// Answered calls with a handle time of 0 s (a data-quality signal; they lower the AHT).
    pub answered_service0: Option<f64>,
    /// Calls that ended in the VRU without reaching the agent queue (not offered).
    pub vru_only: Option<f64>,
    /// AHT as given by an interval export when the sums are unknown.
    pub given_aht_secs: Option<f64>,
    /// ASA as given by an interval export when the sums are unknown.
    pub given_asa_secs: Option<f64>,
    /// Service level per threshold as given by an interval export when the counts are unknown.
    pub given_sl: Vec<Option<f64>>,
}

fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}

impl KpiRow {
    /// The row's sums as a model cell (see [`KpiTable::to_panel`]).
    pub fn actual(&self) -> Actual {
        let answered = self.answered;
        let times = |mean: Option<f64>, n: Option<f64>| match (mean, n) {
            (Some(m), Some(n)) => Some(m * n),
            _ => None,
        };
        Actual {
            offered: self.offered,
            answered,
            abandoned: self.abandoned,
            answered_le: self
                .answered_le
                .iter()
                .zip(&self.given_sl)
                .map(|(c, sl)| c.or_else(|| sl.map(|s| s * self.offered)))
                .collect(),
            abandoned_le: self.abandoned_le.clone(),
            sum_service_secs: self
                .sum_service_secs
                .or_else(|| times(self.given_aht_secs, answered)),
            sum_wait_answered_secs: self
                .sum_wait_answered_secs
                .or_else(|| times(self.given_asa_secs, answered)),
            sum_wait_abandoned_secs: self.sum_wait_abandoned_secs,
            vru_only: self.vru_only,
        }
    }

    /// An all-zero row (a covered interval with no calls) for `thresholds` thresholds.
    pub fn zero(interval_start: NaiveDateTime, queue: QueueId, thresholds: usize) -> Self {
        KpiRow {
            interval_start,
            utc_offset_secs: None,
            queue,
            offered: 0.0,
            answered: Some(0.0),
            abandoned: Some(0.0),
            queued: Some(0.0),
            answered_le: vec![Some(0.0); thresholds],
            abandoned_le: vec![Some(0.0); thresholds],
            sum_service_secs: Some(0.0),
            sum_wait_answered_secs: Some(0.0),
            sum_wait_abandoned_secs: Some(0.0),
            answered_service0: Some(0.0),
            vru_only: Some(0.0),
            given_aht_secs: None,
            given_asa_secs: None,
            given_sl: vec![None; thresholds],
        }
    }

    /// `interval_start` as written in outputs: `YYYY-MM-DDTHH:MM:SS`, with the UTC offset
    /// (RFC 3339) when it is known.
    pub fn interval_label(&self) -> String {
        LocalStamp {
            local: self.interval_start,
            offset_secs: self.utc_offset_secs,
        }
        .to_rfc3339()
    }

    /// Average handle time of answered calls: `sum_service_s / answered`; `None` when nothing
    /// was answered (or unknown).
    pub fn aht_secs(&self) -> Option<f64> {
        ratio(self.sum_service_secs, self.answered).or(self.given_aht_secs)
    }

    /// Average speed of answer: `sum_wait_answered_s / answered` (direct service waits 0 s).
    pub fn asa_secs(&self) -> Option<f64> {
        ratio(self.sum_wait_answered_secs, self.answered).or(self.given_asa_secs)
    }

    /// Service level for threshold `i`: `answered_le<T> / offered` — abandons count against
    /// the SL and short abandons are not excluded (the definition of
    /// ../shared/data/README.md; other definitions can be rebuilt from `abandoned_le<T>`).
    /// `None` when nothing was offered.
    pub fn service_level(&self, i: usize) -> Option<f64> {
        ratio(
            self.answered_le.get(i).copied().flatten(),
            Some(self.offered),
        )
        .or_else(|| self.given_sl.get(i).copied().flatten())
    }

    /// Mean time to abandon of abandoned calls, seconds.
    pub fn mean_wait_abandoned_secs(&self) -> Option<f64> {
        ratio(self.sum_wait_abandoned_secs, self.abandoned)
    }

    /// Maximum-likelihood mean patience under an exponential patience law with right-censoring
    /// by service: total time all offered calls spent waiting / number of abandons.
    ///
    /// # Formula
    /// `θ̂ = (Σ wait_answered + Σ wait_abandoned) / abandoned` (answered calls are censored
    /// observations of patience). Same estimator as
    /// [`crate::staffing::workforce::estimate_patience`]; meaningful over many intervals, noisy
    /// for one.
    /// # References
    /// Brown, Gans, Mandelbaum et al. (2005), "Statistical analysis of a telephone call center",
    /// JASA 100(469), §6; Mandelbaum & Zeltyn (2013), "Data-stories about (im)patient customers".
    pub fn patience_mle_secs(&self) -> Option<f64> {
        match (
            self.sum_wait_answered_secs,
            self.sum_wait_abandoned_secs,
            self.abandoned,
        ) {
            (Some(a), Some(b), Some(n)) => crate::model::measures::patience_mle_secs(n, b, a),
            _ => None,
        }
    }
}

/// The KPI table: rows sorted by `(interval_start, queue)`, one row per covered day × interval
/// × queue (zero-filled) unless the input omitted intervals and filling was turned off.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiTable {
    /// The interval length of every row.
    pub interval: IntervalLength,
    /// The service-level thresholds of the `answered_le` / `abandoned_le` / SL columns.
    pub thresholds: SlThresholds,
    /// The queues, sorted.
    pub queues: Vec<QueueId>,
    /// The covered days, sorted.
    pub days: Vec<NaiveDate>,
    /// The rows, sorted by `(interval_start, queue)`.
    pub rows: Vec<KpiRow>,
}

/// Decimals of seconds columns (AHT, ASA, patience) in the output.
pub const SECS_DECIMALS: usize = 3;
/// Decimals of service-level columns in the output.
pub const SL_DECIMALS: usize = 6;

impl KpiTable {
    /// Total offered calls over all rows.
    pub fn total_offered(&self) -> f64 {
        self.rows.iter().map(|r| r.offered).sum()
    }

    /// All queues pooled into one queue `name`, per interval (agents shared by every queue).
    /// Counts and sums are added, so every KPI of the pooled row is exact; means given by an
    /// interval export without sums are combined as weighted means (AHT and ASA by answered,
    /// SL by offered), or unknown when a weight is unknown.
    pub fn pooled(&self, name: QueueId) -> KpiTable {
        let mut rows: Vec<KpiRow> = Vec::new();
        let mut groups: Vec<Vec<&KpiRow>> = Vec::new();
        for r in &self.rows {
            match groups.last_mut() {
                Some(g)
                    if g[0].interval_start == r.interval_start
                        && g[0].utc_offset_secs == r.utc_offset_secs =>
                {
                    g.push(r)
                }
                _ => groups.push(vec![r]),
            }
        }
        for g in groups {
            rows.push(combine(&g, g[0].interval_start, name.clone()));
        }
        KpiTable {
            interval: self.interval,
            thresholds: self.thresholds.clone(),
            queues: vec![name],
            days: self.days.clone(),
            rows,
        }
    }

    /// The table as a dated panel: every queue over every interval from midnight of the first
    /// covered day to the end of the last, `None` where no row exists (a day not covered is
    /// missing data, not zero). Means given by an export without sums become sums
    /// (AHT × answered, ASA × answered, SL × offered), exact up to the export's rounding.
    pub fn to_panel(&self) -> Panel<Option<Actual>> {
        let (Some(first), Some(last)) = (self.days.first(), self.days.last()) else {
            return Panel::filled(
                self.queues.clone(),
                TimeGrid::days(NaiveDate::MIN, self.interval, 0),
                None,
            );
        };
        let days = (*last - *first).num_days() as usize + 1;
        let grid = TimeGrid::days(*first, self.interval, days);
        let mut panel = Panel::filled(self.queues.clone(), grid, None);
        for r in &self.rows {
            let (Some(q), Some(t)) = (
                self.queues.iter().position(|q| *q == r.queue),
                grid.position(r.interval_start),
            ) else {
                continue;
            };
            *panel.get_mut(q, t) = Some(r.actual());
        }
        panel
    }

    /// The same table on a coarser grid (e.g. 15 min → 60 min): each new interval adds the
    /// rows of the intervals it contains, per queue.
    ///
    /// # Errors
    /// [`crate::units::UnitError::UnsupportedInterval`] when `length` is not a multiple of the
    /// table's interval length.
    pub fn coarsened(&self, length: IntervalLength) -> Result<KpiTable, crate::units::UnitError> {
        if length.minutes() % self.interval.minutes() != 0 {
            return Err(crate::units::UnitError::UnsupportedInterval {
                minutes: i64::from(length.minutes()),
            });
        }
        let len = i64::from(length.seconds());
        type Key<'a> = (NaiveDateTime, Option<i32>, &'a QueueId);
        let mut groups: std::collections::BTreeMap<Key, Vec<&KpiRow>> =
            std::collections::BTreeMap::new();
        for r in &self.rows {
            let secs = i64::from(crate::time::seconds_of_day(r.interval_start));
            let start = r.interval_start - chrono::TimeDelta::seconds(secs % len);
            let utc = r.utc_offset_secs.map(|o| -o);
            groups.entry((start, utc, &r.queue)).or_default().push(r);
        }
        let rows = groups
            .into_iter()
            .map(|((start, _, q), g)| combine(&g, start, q.clone()))
            .collect();
        Ok(KpiTable {
            interval: length,
            thresholds: self.thresholds.clone(),
            queues: self.queues.clone(),
            days: self.days.clone(),
            rows,
        })
    }
}

/// Sum of an optional field over rows: unknown when any row does not know it.
fn sum_opt(g: &[&KpiRow], f: impl Fn(&KpiRow) -> Option<f64>) -> Option<f64> {
    g.iter().map(|r| f(r)).sum()
}

/// Weighted mean of a given mean, or `None` when a mean or a weight is unknown.
fn weighted(
    g: &[&KpiRow],
    mean: impl Fn(&KpiRow) -> Option<f64>,
    weight: impl Fn(&KpiRow) -> Option<f64>,
) -> Option<f64> {
    let mut num = 0.0;
    let mut den = 0.0;
    for r in g {
        let w = weight(r)?;
        if w > 0.0 {
            num += mean(r)? * w;
            den += w;
        }
    }
    (den > 0.0).then(|| num / den)
}

fn combine(g: &[&KpiRow], interval_start: NaiveDateTime, queue: QueueId) -> KpiRow {
    let n = g[0].answered_le.len();
    let sums_known = |f: &dyn Fn(&KpiRow) -> Option<f64>| sum_opt(g, f);
    let sum_service_secs = sums_known(&|r| r.sum_service_secs);
    let sum_wait_answered_secs = sums_known(&|r| r.sum_wait_answered_secs);
    let answered_le: Vec<Option<f64>> = (0..n).map(|i| sum_opt(g, |r| r.answered_le[i])).collect();
    KpiRow {
        interval_start,
        utc_offset_secs: g[0].utc_offset_secs,
        queue,
        offered: g.iter().map(|r| r.offered).sum(),
        answered: sum_opt(g, |r| r.answered),
        abandoned: sum_opt(g, |r| r.abandoned),
        queued: sum_opt(g, |r| r.queued),
        abandoned_le: (0..n).map(|i| sum_opt(g, |r| r.abandoned_le[i])).collect(),
        sum_service_secs,
        sum_wait_answered_secs,
        sum_wait_abandoned_secs: sum_opt(g, |r| r.sum_wait_abandoned_secs),
        answered_service0: sum_opt(g, |r| r.answered_service0),
        vru_only: sum_opt(g, |r| r.vru_only),
        given_aht_secs: if sum_service_secs.is_some() {
            None
        } else {
            weighted(g, KpiRow::aht_secs, |r| r.answered)
        },
        given_asa_secs: if sum_wait_answered_secs.is_some() {
            None
        } else {
            weighted(g, KpiRow::asa_secs, |r| r.answered)
        },
        given_sl: (0..n)
            .map(|i| {
                if answered_le[i].is_some() {
                    None
                } else {
                    weighted(g, |r| r.service_level(i), |r| Some(r.offered))
                }
            })
            .collect(),
        answered_le,
    }
}

pub(crate) use crate::model::day_intervals;
