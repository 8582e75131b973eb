//! Staffing a whole interval table: per-queue policies ([`super::config`]), one requirement per
//! interval, and totals per queue and day (agent-hours, FTE).
//!
//! # Input
//! [`StaffInput`]: validated rows of demand, built from memory ([`StaffInput::from_demand`]) or
//! read by [`crate::io::staffing`] from any interval table with `interval_start, queue, offered, aht_seconds` — `wfm ingest` output,
//! actuals, or a `wfm forecast` output, whose `forecast` column is read as `offered` and
//! `aht_forecast` as `aht_seconds`. When `aht_seconds` is absent but `sum_service_s` and
//! `answered` are present (the `_ext` interval files), AHT = `sum_service_s / answered`.
//! A missing `queue` column means one queue named `ALL`. `agents` (net agents on the phones) is
//! read when present and required by [`evaluate`]. When the table also carries the abandon
//! columns of `wfm ingest` (`abandoned`, `sum_wait_abandoned_s`, and `sum_wait_answered_s` or
//! `asa_seconds` with `answered`), the mean patience per queue is estimated from them for
//! Erlang A ([`super::workforce::estimate_patience`]).
//!
//! # Output
//! [`StaffPlan`]: one [`PlanRow`] per input row, in input order, and [`Totals`] per day and
//! queue, per day over all queues, and over the whole horizon (the all-queue rows are left out
//! when there is only one queue). [`staff_lean`] computes the same plan without holding every
//! row's [`PlanRow`] ([`Staffed`], ~70 bytes per row), for inputs of millions of intervals.
//! Their tables and column definitions: [`crate::io::staffing`].
//!
//! # Async queues
//! Deferred work (`kind = "async"` in the config) is staffed by
//! [`super::workforce::staff_async`]: each interval's work (`offered · AHT`) is spread over the
//! SLA window, counted in the queue's input rows (give the full grid, as `wfm ingest` and
//! `wfm forecast` write it, for a wall-clock window). The achieved service level of an async row
//! is the share of that interval's work finished within the window when the agents work the
//! backlog first-in first-out; work still open at the end of the horizon but not yet due is not
//! counted as late.

use crate::io::schema;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use super::availability::QueueAvailability;
use super::config::{QueueKind, QueuePolicy, StaffConfig};
use super::limits::{MAX_DURATION_SECS, MAX_OFFERED};
use super::requirement::{required_agents, Binding, Model};
use super::risk::{p_meet_target, Predictive};
use super::workforce::{gross_agents, staff_async, PatienceEstimate};
use super::{QueueMetrics, StaffingError};
use crate::io::Location;
use crate::model::{infer_interval, LocalStamp, Stamp};
use crate::time::{NaiveDate, NaiveDateTime, Timelike};
use crate::units::{Erlangs, IntervalLength, Secs};

/// One interval of demand, as given to [`StaffInput::from_demand`].
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Interval start.
    pub start: NaiveDateTime,
    /// Queue name.
    pub queue: String,
    /// Contacts offered (may be fractional, e.g. a forecast), ≥ 0.
    pub offered: f64,
    /// Average handle time in seconds; may be `None` only when `offered = 0`.
    pub aht_secs: Option<f64>,
    /// Net agents, for [`evaluate`].
    pub agents: Option<u32>,
}

impl Row {
    fn stamp(&self) -> LocalStamp {
        LocalStamp {
            local: self.start,
            offset_secs: self.offset,
        }
    }
}

/// Each row's start on an axis of elapsed time: its instant, shifted by the first row's UTC
/// offset so that wall-clock times before any clock change read as themselves (grid alignment
/// is then checked on the site's clock). Without offsets: the starts themselves.
fn elapsed_axis(rows: &[Row]) -> Vec<NaiveDateTime> {
    let base = rows.first().and_then(|r| r.offset).unwrap_or(0);
    rows.par_iter()
        .map(|r| r.stamp().utc() + chrono::TimeDelta::seconds(i64::from(base)))
        .collect()
}

/// One validated input row (72 bytes: a million intervals take 72 MB).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Row {
    pub(crate) start: NaiveDateTime,
    /// UTC offset of `start` (`--tz`), seconds east.
    pub(crate) offset: Option<i32>,
    pub(crate) agents: Option<u32>,
    /// Index of the row's queue in [`StaffInput::queues`].
    pub(crate) queue: u32,
    /// Index of the forecast's predictive distribution in the input's table of them, when the
    /// input has prediction bounds ([`NO_DIST`]: none).
    pub(crate) dist: u32,
    pub(crate) offered: f64,
    pub(crate) aht: Option<f64>,
    pub(crate) line: u64,
}

/// [`Row::dist`] of a row without a predictive distribution.
pub(crate) const NO_DIST: u32 = u32::MAX;

impl Row {
    fn q(&self) -> usize {
        self.queue as usize
    }
}

/// A validated interval table ready for staffing.
#[derive(Debug, Clone)]
pub struct StaffInput {
    path: PathBuf,
    queues: Vec<String>,
    rows: Vec<Row>,
    /// The predictive distributions of the rows that have one ([`Row::dist`]).
    dists: Vec<Predictive>,
    inferred_interval: Option<IntervalLength>,
    patience: BTreeMap<String, PatienceEstimate>,
    aht_filled: usize,
}

/// The domain of an input row's offered contacts ([`super::limits::MAX_OFFERED`]).
pub(crate) const OFFERED_DOMAIN: &str = "expected offered contacts in [0, 1e9] per interval";
/// The domain of an input row's handle time ([`super::limits::MAX_DURATION_SECS`]).
pub(crate) const AHT_DOMAIN: &str = "expected a handle time in [0, 86400] seconds";

pub(crate) fn bad(at: Location, value: f64, reason: &'static str) -> StaffingError {
    StaffingError::BadInput { at, value, reason }
}

/// Checks one in-memory demand row (row `i`, numbered `i + 2` as if read from a CSV file).
fn check_demand(source: &Path, i: usize, d: &Demand) -> Result<(), StaffingError> {
    let at = |col: &str| Location {
        file: source.to_path_buf(),
        line: i as u64 + 2,
        column: Some(col.to_string()),
    };
    if !(d.offered.is_finite() && (0.0..=MAX_OFFERED).contains(&d.offered)) {
        return Err(bad(at("offered"), d.offered, OFFERED_DOMAIN));
    }
    if let Some(a) = d.aht_secs {
        if !(a.is_finite() && (0.0..=MAX_DURATION_SECS).contains(&a)) {
            return Err(bad(at("aht_seconds"), a, AHT_DOMAIN));
        }
    } else if d.offered > 0.0 {
        return Err(bad(
            at("aht_seconds"),
            d.offered,
            "handle time is empty while offered > 0",
        ));
    }
    Ok(())
}

impl StaffInput {
    /// Builds an input from in-memory demand (for in-process pipelines such as `wfm demo`).
    /// Rows are numbered 2, 3, … in error messages, as if read from a CSV file named `source`.
    ///
    /// # Errors
    /// [`StaffingError::BadInput`] for negative or non-finite values, or `offered > 0` without
    /// AHT; [`StaffingError::Duplicate`].
    pub fn from_demand(source: &Path, demand: &[Demand]) -> Result<Self, StaffingError> {
        // Rows are checked in parallel; the first bad row in input order is reported.
        if let Some(e) = demand
            .par_iter()
            .enumerate()
            .find_map_first(|(i, d)| check_demand(source, i, d).err())
        {
            return Err(e);
        }
        // Queue indices in order of first appearance (one pass in order), then the rows.
        let mut queues: Vec<String> = Vec::new();
        let mut queue_ix: HashMap<&str, usize> = HashMap::new();
        let ix: Vec<u32> = demand
            .iter()
            .map(|d| match queue_ix.get(d.queue.as_str()) {
                Some(&q) => q as u32,
                None => {
                    queues.push(d.queue.clone());
                    queue_ix.insert(&d.queue, queues.len() - 1);
                    (queues.len() - 1) as u32
                }
            })
            .collect();
        let rows = demand
            .par_iter()
            .zip(ix)
            .enumerate()
            .map(|(i, (d, queue))| Row {
                start: d.start,
                offset: None,
                queue,
                offered: d.offered,
                aht: d.aht_secs,
                agents: d.agents,
                dist: NO_DIST,
                line: i as u64 + 2,
            })
            .collect();
        Self::from_rows(
            source.to_path_buf(),
            queues,
            rows,
            Vec::new(),
            BTreeMap::new(),
        )
    }

    /// An input from validated rows (what a reader of [`crate::io::staffing`] builds): checks
    /// duplicates and infers the interval length.
    ///
    /// # Errors
    /// [`StaffingError::Duplicate`].
    pub(crate) fn from_rows(
        path: PathBuf,
        queues: Vec<String>,
        rows: Vec<Row>,
        dists: Vec<Predictive>,
        patience: BTreeMap<String, PatienceEstimate>,
    ) -> Result<Self, StaffingError> {
        // Duplicates and the grid step, per queue, on the axis of elapsed time (a fall-back
        // night's repeated hour is two intervals, told apart by their offsets). Rows are in
        // file order, so sorting by (time, row) sorts equal times by line.
        let axis = elapsed_axis(&rows);
        let mut by_queue: Vec<Vec<(NaiveDateTime, u32)>> = vec![Vec::new(); queues.len()];
        for (i, r) in rows.iter().enumerate() {
            by_queue[r.q()].push((axis[i], i as u32));
        }
        // Queues in parallel; the first queue (in queue order) with a duplicate is reported.
        let duplicate = by_queue
            .par_iter_mut()
            .enumerate()
            .find_map_first(|(q, v)| {
                v.sort_unstable();
                let w = v
                    .windows(2)
                    .find(|w| (w[1].0 - w[0].0).num_seconds() == 0)?;
                let (a, b) = (rows[w[0].1 as usize].line, rows[w[1].1 as usize].line);
                let (first, second) = (a.min(b), a.max(b));
                Some(StaffingError::Duplicate {
                    at: Location {
                        file: path.clone(),
                        line: second,
                        column: Some(schema::INTERVAL_START.into()),
                    },
                    queue: queues[q].clone(),
                    start: rows[w[0].1 as usize].stamp().to_rfc3339(),
                    first_line: first,
                })
            });
        if let Some(e) = duplicate {
            return Err(e);
        }
        drop(by_queue);
        let stamps: Vec<Stamp> = rows
            .par_iter()
            .zip(&axis)
            .map(|(r, &at)| Stamp { at, series: r.q() })
            .collect();
        drop(axis);
        let inferred_interval = infer_interval(&stamps, None).ok();
        drop(stamps);
        Ok(StaffInput {
            path,
            queues,
            rows,
            dists,
            inferred_interval,
            patience,
            aht_filled: 0,
        })
    }

    /// The predictive distribution of row `r`, when the input has one for it.
    fn dist(&self, r: &Row) -> Option<Predictive> {
        self.dists.get(r.dist as usize).copied()
    }

    /// The same input with `other`'s Erlang A patience estimates for queues it has none of.
    pub(crate) fn with_patience_of(mut self, other: &StaffInput) -> Self {
        for (q, e) in &other.patience {
            self.patience.entry(q.clone()).or_insert(*e);
        }
        self
    }

    /// Sets each row's predictive distribution from forecast bounds `[lo80, hi80, lo95, hi95]`
    /// given in row order (as the CSV reader does from those columns); `None` leaves a row
    /// without one.
    ///
    /// # Panics
    /// When `bounds.len()` differs from the number of rows.
    pub fn with_bounds(mut self, bounds: &[Option<[f64; 4]>]) -> Self {
        assert_eq!(bounds.len(), self.rows.len(), "one bound set per row");
        self.dists.clear();
        for (r, b) in self.rows.iter_mut().zip(bounds) {
            let d =
                b.and_then(|[l8, h8, l9, h9]| Predictive::from_bounds(r.offered, l8, h8, l9, h9));
            r.dist = match d {
                Some(d) => {
                    self.dists.push(d);
                    (self.dists.len() - 1) as u32
                }
                None => NO_DIST,
            };
        }
        self
    }

    /// Adds patience estimates computed elsewhere (e.g. from in-memory actuals); queues already
    /// estimated from the input itself keep theirs.
    pub fn with_patience(mut self, estimates: BTreeMap<String, PatienceEstimate>) -> Self {
        for (q, e) in estimates {
            self.patience.entry(q).or_insert(e);
        }
        self
    }

    /// The same input with its queues in name order and its rows in (queue, time) order, so
    /// that what is computed from it (sums over rows, per-queue results in queue order) does
    /// not depend on the order of the file's rows (issue #16).
    pub fn in_name_order(mut self) -> Self {
        let mut by_name: Vec<usize> = (0..self.queues.len()).collect();
        by_name.sort_by(|&a, &b| self.queues[a].cmp(&self.queues[b]));
        let mut rank = vec![0u32; by_name.len()];
        for (new, &old) in by_name.iter().enumerate() {
            rank[old] = new as u32;
        }
        self.queues = by_name
            .iter()
            .map(|&old| self.queues[old].clone())
            .collect();
        for r in &mut self.rows {
            r.queue = rank[r.q()];
        }
        self.rows
            .sort_by_key(|r| (r.queue, r.stamp().utc(), r.line));
        self
    }

    /// Replaces every row's `agents` (for evaluating a plan against other demand).
    ///
    /// # Panics
    /// When `agents.len()` differs from the number of rows.
    pub fn with_agents(mut self, agents: &[u32]) -> Self {
        assert_eq!(agents.len(), self.rows.len(), "one agent count per row");
        for (r, &a) in self.rows.iter_mut().zip(agents) {
            r.agents = Some(a);
        }
        self
    }

    /// Scales volume by `factor` and transforms AHT by `aht · aht_factor + aht_delta` (clamped at
    /// 0), for what-if scenarios.
    pub fn with_demand_change(mut self, factor: f64, aht_factor: f64, aht_delta: f64) -> Self {
        for r in &mut self.rows {
            r.offered *= factor;
            r.aht = r.aht.map(|a| (a * aht_factor + aht_delta).max(0.0));
        }
        self
    }

    /// [`Self::with_demand_change`] on the rows in `scope` only (their queue and interval
    /// start); returns the input and the number of rows changed.
    pub fn with_demand_change_in(
        mut self,
        scope: &super::scope::Scope,
        factor: f64,
        aht_factor: f64,
        aht_delta: f64,
    ) -> (Self, usize) {
        let mut n = 0;
        for r in &mut self.rows {
            if scope.contains(&self.queues[r.q()], r.start) {
                r.offered *= factor;
                r.aht = r.aht.map(|a| (a * aht_factor + aht_delta).max(0.0));
                n += 1;
            }
        }
        (self, n)
    }

    /// The smallest AHT of a row with contacts in `scope`, with its file line.
    pub(crate) fn min_aht_in(&self, scope: &super::scope::Scope) -> Option<(f64, u64)> {
        self.rows
            .iter()
            .filter(|r| r.offered > 0.0 && scope.contains(&self.queues[r.q()], r.start))
            .filter_map(|r| r.aht.map(|a| (a, r.line)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// Offered contacts and AHT of every row, in row order.
    pub(crate) fn offered_aht(&self) -> impl Iterator<Item = (f64, Option<f64>)> + '_ {
        self.rows.iter().map(|r| (r.offered, r.aht))
    }

    /// Whether any row has a predictive distribution (forecast bounds `lo80 … hi95`): what
    /// `--risk` sizes for.
    pub fn has_predictive(&self) -> bool {
        !self.dists.is_empty()
    }

    /// The input file.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// Queue names in order of first appearance (in name order after [`Self::in_name_order`]).
    pub fn queues(&self) -> &[String] {
        &self.queues
    }
    /// The interval length inferred from the starts (see [`crate::model::infer_interval`]);
    /// `None` when it cannot be inferred (too few rows, or rows off one grid).
    pub fn inferred_interval(&self) -> Option<IntervalLength> {
        self.inferred_interval
    }
    /// Records how many rows were given their queue's mean AHT (by the reader that filled them).
    pub(crate) fn set_aht_filled(&mut self, n: usize) {
        self.aht_filled = n;
    }
    /// Rows with traffic but no handle time (every call abandoned) that were given their queue's
    /// mean AHT (weighted by answered calls).
    pub fn aht_filled(&self) -> usize {
        self.aht_filled
    }
    /// Patience estimated per queue from the abandon columns.
    pub fn patience_estimates(&self) -> &BTreeMap<String, PatienceEstimate> {
        &self.patience
    }
}

pub use crate::model::Outcome;

/// One staffed interval (see [`crate::io::staffing::definitions`] for every field's meaning).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    /// Interval start (the site's wall clock).
    pub start: NaiveDateTime,
    /// UTC offset of `start`, seconds east, when the input carried one (`--tz`): the two
    /// intervals of a fall-back night's repeated hour share `start` and differ here.
    pub utc_offset_secs: Option<i32>,
    /// Queue name.
    pub queue: String,
    /// Contacts offered.
    pub offered: f64,
    /// AHT per contact as given (`None` when no contact and no AHT).
    pub aht_secs: Option<f64>,
    /// Offered load in agents (after concurrency).
    pub load_erlangs: f64,
    /// Net agents.
    pub agents: u32,
    /// Gross agents (after shrinkage), rounded up for this interval alone.
    pub agents_gross: u32,
    /// Agents a schedule must cover: net ÷ (1 − unplanned shrinkage), unrounded.
    pub agents_scheduled: f64,
    /// Paid agents: net ÷ (1 − shrinkage), unrounded (what totals and FTE add up).
    pub agents_paid: f64,
    /// Service level (`None`: undefined).
    pub service_level: Option<f64>,
    /// ASA (`None`: unbounded or undefined).
    pub asa_secs: Option<f64>,
    /// Occupancy.
    pub occupancy: Option<f64>,
    /// P(wait) (`None` for async work).
    pub p_wait: Option<f64>,
    /// Abandon rate (Erlang A only).
    pub abandon_rate: Option<f64>,
    /// Probability that the row's agents meet the service targets under the forecast's
    /// predictive distribution (`None` without prediction bounds, or for async work).
    pub p_meet_target: Option<f64>,
    /// The binding target, or the evaluation outcome.
    pub outcome: Outcome,
    /// Interval length, hours.
    pub hours: f64,
}

impl PlanRow {
    /// Fills the scheduled and paid bases from the net agents and the queue's shrinkage.
    fn with_bases(self, p: &QueuePolicy) -> PlanRow {
        let net = f64::from(self.agents);
        PlanRow {
            agents_scheduled: net / (1.0 - p.unplanned.value()),
            agents_paid: net / (1.0 - p.shrinkage.value()),
            ..self
        }
    }

    fn from_metrics(base: PlanRow, m: &QueueMetrics) -> PlanRow {
        PlanRow {
            service_level: Some(m.service_level),
            asa_secs: Some(m.asa_secs),
            occupancy: Some(m.occupancy),
            p_wait: Some(m.p_wait),
            abandon_rate: m.abandon_rate,
            ..base
        }
    }
}

/// Sizing or evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Required agents per interval.
    Size,
    /// Metrics of the given agents.
    Evaluate,
}

/// How numbers are rendered by [`StaffPlan::to_table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 10 significant digits (at least 6 decimals): for CSV/JSON that other tools read.
    Full,
    /// Few fixed decimals for a terminal.
    Display,
}

/// A staffing plan: rows in input order plus totals.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffPlan {
    /// Sizing or evaluation.
    pub mode: Mode,
    /// Interval length used.
    pub interval: IntervalLength,
    /// One row per input row.
    pub rows: Vec<PlanRow>,
    /// Totals per day × queue, per day, and over the horizon.
    pub totals: Vec<Totals>,
    /// The resolved policy of every queue, by name.
    pub policies: BTreeMap<String, QueuePolicy>,
}

/// The whole-horizon label in [`Totals::period`].
pub const HORIZON: &str = "total";
/// The all-queues label in [`Totals::queue`].
pub const ALL_QUEUES: &str = "ALL";

/// Totals over a period (a day or the horizon) for one queue or all.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// `YYYY-MM-DD` or [`HORIZON`].
    pub period: String,
    /// Queue name or [`ALL_QUEUES`].
    pub queue: String,
    /// Intervals summed.
    pub intervals: u32,
    /// Contacts offered.
    pub offered: f64,
    /// Net agent-hours: Σ agents × interval hours.
    pub agent_hours: f64,
    /// Scheduled agent-hours: Σ agents ÷ (1 − unplanned shrinkage) × interval hours (what a
    /// schedule must cover).
    pub agent_hours_scheduled: f64,
    /// Gross (paid) agent-hours: Σ agents ÷ (1 − shrinkage) × interval hours, unrounded.
    pub agent_hours_gross: f64,
    /// FTE (basis gross/paid): gross agent-hours ÷ hours per FTE per day (day rows), or ÷ (hours per FTE per week ×
    /// days ÷ 7) for the horizon (the head count that covers the horizon on average).
    pub fte: f64,
    /// Offered-weighted service level (unstable intervals count as 0).
    pub service_level: Option<f64>,
    /// Answered-weighted ASA; `None` when any interval with traffic is unstable.
    pub asa_secs: Option<f64>,
    /// Σ carried load ÷ Σ agents.
    pub occupancy: Option<f64>,
    /// Offered-weighted abandon rate (Erlang A rows only).
    pub abandon_rate: Option<f64>,
    /// Intervals where Erlang C had agents ≤ load.
    pub unstable_intervals: u32,
}

/// Accumulates rows into [`Totals`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Aggregate {
    intervals: u32,
    offered: f64,
    agent_hours: f64,
    scheduled_hours: f64,
    gross_hours: f64,
    sl_num: f64,
    sl_den: f64,
    answered: f64,
    asa_num: f64,
    asa_unbounded: bool,
    busy_hours: f64,
    ab_num: f64,
    ab_den: f64,
    unstable: u32,
}

impl Aggregate {
    /// Adds one row.
    pub fn add(&mut self, r: &PlanRow) {
        self.intervals += 1;
        self.offered += r.offered;
        let agents = f64::from(r.agents);
        self.agent_hours += agents * r.hours;
        self.scheduled_hours += r.agents_scheduled * r.hours;
        self.gross_hours += r.agents_paid * r.hours;
        if r.outcome == Outcome::Unstable {
            self.unstable += 1;
        }
        if let Some(sl) = r.service_level {
            self.sl_num += r.offered * sl;
            self.sl_den += r.offered;
        }
        let ab = r.abandon_rate.unwrap_or(0.0);
        let answered = r.offered * (1.0 - ab);
        match r.asa_secs {
            Some(a) => {
                self.asa_num += answered * a;
                self.answered += answered;
            }
            None if r.outcome == Outcome::Unstable && r.offered > 0.0 => self.asa_unbounded = true,
            None => {}
        }
        if let Some(o) = r.occupancy {
            self.busy_hours += o * agents * r.hours;
        }
        if let Some(a) = r.abandon_rate {
            self.ab_num += r.offered * a;
            self.ab_den += r.offered;
        }
    }

    /// Adds another aggregate.
    pub fn merge(&mut self, o: &Aggregate) {
        self.intervals += o.intervals;
        self.offered += o.offered;
        self.agent_hours += o.agent_hours;
        self.scheduled_hours += o.scheduled_hours;
        self.gross_hours += o.gross_hours;
        self.sl_num += o.sl_num;
        self.sl_den += o.sl_den;
        self.answered += o.answered;
        self.asa_num += o.asa_num;
        self.asa_unbounded |= o.asa_unbounded;
        self.busy_hours += o.busy_hours;
        self.ab_num += o.ab_num;
        self.ab_den += o.ab_den;
        self.unstable += o.unstable;
    }

    /// Offered-weighted service level.
    pub fn service_level(&self) -> Option<f64> {
        (self.sl_den > 0.0).then(|| self.sl_num / self.sl_den)
    }
    /// Answered-weighted ASA (`None` when unbounded or no call answered).
    pub fn asa_secs(&self) -> Option<f64> {
        (!self.asa_unbounded && self.answered > 0.0).then(|| self.asa_num / self.answered)
    }
    /// Σ carried ÷ Σ agents.
    pub fn occupancy(&self) -> Option<f64> {
        (self.agent_hours > 0.0).then(|| self.busy_hours / self.agent_hours)
    }
    /// Offered-weighted abandon rate.
    pub fn abandon_rate(&self) -> Option<f64> {
        (self.ab_den > 0.0).then(|| self.ab_num / self.ab_den)
    }
    /// Net agent-hours.
    pub fn agent_hours(&self) -> f64 {
        self.agent_hours
    }
    /// Scheduled agent-hours (net ÷ (1 − unplanned shrinkage)).
    pub fn agent_hours_scheduled(&self) -> f64 {
        self.scheduled_hours
    }
    /// Gross agent-hours (net ÷ (1 − shrinkage), unrounded).
    pub fn agent_hours_gross(&self) -> f64 {
        self.gross_hours
    }
    /// Unstable intervals.
    pub fn unstable_intervals(&self) -> u32 {
        self.unstable
    }

    fn totals(&self, period: String, queue: String, hours_per_fte: f64) -> Totals {
        Totals {
            period,
            queue,
            intervals: self.intervals,
            offered: self.offered,
            agent_hours: self.agent_hours,
            agent_hours_scheduled: self.scheduled_hours,
            agent_hours_gross: self.gross_hours,
            fte: self.gross_hours / hours_per_fte,
            service_level: self.service_level(),
            asa_secs: self.asa_secs(),
            occupancy: self.occupancy(),
            abandon_rate: self.abandon_rate(),
            unstable_intervals: self.unstable,
        }
    }
}

/// Required agents for every row of `input` under `config` (see the module docs).
///
/// # Errors
/// [`StaffingError::IntervalUnknown`] when the interval length is neither configured nor
/// inferable; [`StaffingError::PatienceUnknown`]; [`StaffingError::Row`] when a row cannot be
/// staffed (e.g. an unreachable target), naming the row.
///
/// # Examples
/// ```
/// use std::path::Path;
/// use wfm::staffing::plan::{staff, Demand, StaffInput};
/// use wfm::staffing::config::StaffConfig;
/// let t = |s| wfm::time::parse_timestamp(s).unwrap();
/// let demand = [
///     Demand { start: t("2026-01-05 09:00"), queue: "sales".into(), offered: 100.0, aht_secs: Some(180.0), agents: None },
///     Demand { start: t("2026-01-05 09:30"), queue: "sales".into(), offered: 0.0, aht_secs: None, agents: None },
/// ];
/// let input = StaffInput::from_demand(Path::new("demo"), &demand)?;
/// let plan = staff(&input, &StaffConfig::new())?; // 80 % in 20 s, Erlang C
/// assert_eq!(plan.rows[0].agents, 14);
/// assert_eq!(plan.rows[1].agents, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn staff(input: &StaffInput, config: &StaffConfig) -> Result<StaffPlan, StaffingError> {
    Ok(staff_lean(input, config, Mode::Size)?.into_plan())
}

/// The metrics of the agents given in the input's `agents` column (see
/// [`crate::io::staffing::definitions`]).
/// Under Erlang C an interval with `agents ≤ load` is reported as unstable (P(wait) 1, SL 0,
/// ASA empty = unbounded, occupancy 1); under Erlang A every staffing has finite metrics.
///
/// # Errors
/// As [`staff`]; [`StaffingError::BadInput`] when a row has no `agents`.
pub fn evaluate(input: &StaffInput, config: &StaffConfig) -> Result<StaffPlan, StaffingError> {
    Ok(staff_lean(input, config, Mode::Evaluate)?.into_plan())
}

/// One async queue: its index, its rows (input indices, by start) and their computed values.
type AsyncRun = (usize, Vec<usize>, Result<Vec<Computed>, StaffingError>);

/// What a [`PlanRow`] adds to its input row, packed (72 bytes; the rest of the row is its
/// input row, its queue's policy and the interval length): what [`Staffed`] keeps per row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Computed {
    load_erlangs: f64,
    agents: u32,
    agents_gross: u32,
    /// service_level, asa_secs, occupancy, p_wait, abandon_rate, p_meet_target; the bits of
    /// `present` say which are given.
    metrics: [f64; 6],
    present: u8,
    outcome: Outcome,
}

impl Computed {
    /// Placeholder of an async row until its queue is staffed.
    const PENDING: Computed = Computed {
        load_erlangs: 0.0,
        agents: 0,
        agents_gross: 0,
        metrics: [0.0; 6],
        present: 0,
        outcome: Outcome::Met,
    };

    fn of(r: &PlanRow) -> Computed {
        let m = [
            r.service_level,
            r.asa_secs,
            r.occupancy,
            r.p_wait,
            r.abandon_rate,
            r.p_meet_target,
        ];
        let mut present = 0u8;
        let mut metrics = [0.0; 6];
        for (k, v) in m.iter().enumerate() {
            if let Some(v) = v {
                present |= 1 << k;
                metrics[k] = *v;
            }
        }
        Computed {
            load_erlangs: r.load_erlangs,
            agents: r.agents,
            agents_gross: r.agents_gross,
            metrics,
            present,
            outcome: r.outcome,
        }
    }

    fn get(&self, k: usize) -> Option<f64> {
        (self.present & (1 << k) != 0).then_some(self.metrics[k])
    }
}

/// A staffing plan that keeps, per row, only what the computation adds to the input row
/// ([`staff_lean`]): [`Staffed::row`] gives each [`PlanRow`] on demand, equal to the row of
/// [`staff`] or [`evaluate`].
#[derive(Debug, Clone)]
pub struct Staffed<'a> {
    input: &'a StaffInput,
    /// Sizing or evaluation.
    pub mode: Mode,
    /// Interval length used.
    pub interval: IntervalLength,
    /// Totals per day × queue, per day, and over the horizon.
    pub totals: Vec<Totals>,
    /// The resolved policy of every queue, by name.
    pub policies: BTreeMap<String, QueuePolicy>,
    queue_policies: Vec<QueuePolicy>,
    cells: Vec<Computed>,
    hours: f64,
}

impl Staffed<'_> {
    /// Number of rows (one per input row).
    pub fn len(&self) -> usize {
        self.cells.len()
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Row `i` (in input order), its queue named.
    ///
    /// # Panics
    /// When `i ≥ len()`.
    pub fn row(&self, i: usize) -> PlanRow {
        let q = self.input.rows[i].q();
        PlanRow {
            queue: self.input.queues[q].clone(),
            ..self.row_unnamed(i)
        }
    }

    /// Row `i` with an empty queue name (for sums, without an allocation per row).
    fn row_unnamed(&self, i: usize) -> PlanRow {
        let r = &self.input.rows[i];
        let c = &self.cells[i];
        PlanRow {
            start: r.start,
            utc_offset_secs: r.offset,
            queue: String::new(),
            offered: r.offered,
            aht_secs: r.aht,
            load_erlangs: c.load_erlangs,
            agents: c.agents,
            agents_gross: c.agents_gross,
            agents_scheduled: 0.0,
            agents_paid: 0.0,
            service_level: c.get(0),
            asa_secs: c.get(1),
            occupancy: c.get(2),
            p_wait: c.get(3),
            abandon_rate: c.get(4),
            p_meet_target: c.get(5),
            outcome: c.outcome,
            hours: self.hours,
        }
        .with_bases(&self.queue_policies[r.q()])
    }

    /// The rows in input order.
    pub fn rows(&self) -> impl Iterator<Item = PlanRow> + '_ {
        (0..self.len()).map(|i| self.row(i))
    }

    /// Rows whose evaluation missed a target or was unstable.
    pub fn missed(&self) -> usize {
        self.cells
            .iter()
            .filter(|c| {
                matches!(
                    c.outcome,
                    Outcome::Missed(_) | Outcome::MissedSla | Outcome::Unstable
                )
            })
            .count()
    }

    /// The horizon totals over all queues (the queue's own horizon row when there is one queue).
    pub fn horizon(&self) -> &Totals {
        self.totals
            .last()
            .expect("totals always end with the horizon")
    }

    /// The whole plan, every row built.
    pub fn into_plan(self) -> StaffPlan {
        let rows = (0..self.len())
            .into_par_iter()
            .map(|i| self.row(i))
            .collect();
        StaffPlan {
            mode: self.mode,
            interval: self.interval,
            rows,
            totals: self.totals,
            policies: self.policies,
        }
    }
}

/// Rows sized in one parallel piece: bounds the memory of the per-row results in flight.
const PIECE_ROWS: usize = 1 << 14;

/// The availability of recorded agents of `queue`, when planning in recorded agents.
fn availability_of<'a>(config: &'a StaffConfig, queue: &str) -> Option<&'a QueueAvailability> {
    config.availability().and_then(|av| av.for_queue(queue))
}

/// Every queue's resolved policy under `config`, Erlang A patience from the input's estimates.
///
/// # Errors
/// As [`StaffConfig::resolve`].
pub(crate) fn policies(
    input: &StaffInput,
    config: &StaffConfig,
) -> Result<BTreeMap<String, QueuePolicy>, StaffingError> {
    input
        .queues
        .iter()
        .map(|q| {
            let hist = input.patience.get(q).and_then(|e| e.mean_secs);
            Ok((q.clone(), config.resolve(q, hist)?))
        })
        .collect()
}

/// The interval length of `input`: `declared` checked against every start, else inferred by the
/// crate's one inference ([`infer_interval`]): one 15-min row in a 30-min file is an error
/// naming that row, not a 15-min grid that doubles every load.
fn interval_of(
    input: &StaffInput,
    declared: Option<IntervalLength>,
) -> Result<IntervalLength, StaffingError> {
    let stamps: Vec<Stamp> = input
        .rows
        .iter()
        .zip(elapsed_axis(&input.rows))
        .map(|(r, at)| Stamp { at, series: r.q() })
        .collect();
    infer_interval(&stamps, declared).map_err(|e| match e.index() {
        None => StaffingError::IntervalUnknown {
            file: input.path.display().to_string(),
            detail: "of one queue at a supported spacing of 5, 6, 10, 15, 30 or 60 minutes",
        },
        Some(i) => StaffingError::Grid {
            at: Location {
                file: input.path.clone(),
                line: input.rows[i].line,
                column: Some(schema::INTERVAL_START.to_string()),
            },
            source: Box::new(e),
            hint: if declared.is_some() {
                " (the interval length is given by --interval or the config's `interval`)"
            } else {
                "; every row of a queue must start on one grid from midnight (pass --interval to declare a finer one)"
            },
        },
    })
}

/// [`staff`] (`Mode::Size`) or [`evaluate`] (`Mode::Evaluate`), keeping per row only what the
/// computation adds to the input row (see [`Staffed`]): for inputs of millions of intervals.
///
/// # Errors
/// As [`staff`] and [`evaluate`].
pub fn staff_lean<'a>(
    input: &'a StaffInput,
    config: &StaffConfig,
    mode: Mode,
) -> Result<Staffed<'a>, StaffingError> {
    // The inferred interval was found when the input was built (its starts do not change
    // since); inferred again here only for a declared length or for the error message.
    let interval = match (config.interval(), input.inferred_interval) {
        (None, Some(l)) => l,
        (declared, _) => interval_of(input, declared)?,
    };
    let t = f64::from(interval.seconds());
    let hours = t / 3600.0;
    let mut policies = Vec::with_capacity(input.queues.len());
    for q in &input.queues {
        let hist = input.patience.get(q).and_then(|e| e.mean_secs);
        policies.push(config.resolve(q, hist)?);
    }
    // Inbound intervals are independent: each row is checked and sized in parallel, piece by
    // piece (async rows are staffed below); the first failing row in input order is reported,
    // whatever the thread count.
    let mut cells: Vec<Computed> = Vec::with_capacity(input.rows.len());
    for piece in input.rows.chunks(PIECE_ROWS) {
        let sized: Vec<Result<Option<Computed>, StaffingError>> = piece
            .par_iter()
            .map(|r| {
                inbound_plan_row(input, config, &policies[r.q()], r, t, mode)
                    .map(|row| row.map(|row| Computed::of(&row)))
            })
            .collect();
        if let Some(i) = sized.iter().position(Result::is_err) {
            return Err(sized
                .into_iter()
                .nth(i)
                .and_then(Result::err)
                .expect("an error at i"));
        }
        cells.extend(
            sized
                .into_iter()
                .map(|r| r.ok().flatten().unwrap_or(Computed::PENDING)),
        );
    }
    // Async queues carry work over between intervals: one queue is sequential, queues are
    // independent and run in parallel.
    let mut async_rows: Vec<Vec<usize>> = vec![Vec::new(); input.queues.len()];
    for (i, r) in input.rows.iter().enumerate() {
        if policies[r.q()].kind == QueueKind::Async {
            async_rows[r.q()].push(i);
        }
    }
    let async_runs: Vec<AsyncRun> = async_rows
        .par_iter()
        .enumerate()
        .filter(|(_, ix)| !ix.is_empty())
        .map(|(q, ix)| {
            let mut ix = ix.clone();
            ix.sort_by_key(|&i| input.rows[i].stamp().utc());
            let rows = async_queue(&ix, input, &policies[q], interval, mode)
                .map(|rows| rows.iter().map(Computed::of).collect());
            (q, ix, rows)
        })
        .collect();
    for (_, ix, rows) in async_runs {
        for (i, c) in ix.into_iter().zip(rows?) {
            cells[i] = c;
        }
    }
    let mut staffed = Staffed {
        input,
        mode,
        interval,
        totals: Vec::new(),
        policies: input
            .queues
            .iter()
            .cloned()
            .zip(policies.iter().copied())
            .collect(),
        queue_policies: policies,
        cells,
        hours,
    };
    staffed.totals = totals(input, config, &|i| staffed.row_unnamed(i));
    Ok(staffed)
}

/// One input row's plan row under its queue's policy `p`: `Ok(None)` for an async queue's row
/// (staffed per queue, see [`async_queue`]); in evaluation, a row without agents is an error.
fn inbound_plan_row(
    input: &StaffInput,
    config: &StaffConfig,
    p: &QueuePolicy,
    r: &Row,
    t: f64,
    mode: Mode,
) -> Result<Option<PlanRow>, StaffingError> {
    let at = |r: &Row, col: &str| Location {
        file: input.path.clone(),
        line: r.line,
        column: Some(col.to_string()),
    };
    if mode == Mode::Evaluate && r.agents.is_none() {
        return Err(bad(
            at(r, "agents"),
            f64::NAN,
            "evaluation needs an agents value on every row (column `agents`, or the one named by --agents-column)",
        ));
    }
    if p.kind == QueueKind::Async {
        return Ok(None);
    }
    // Evaluation with an availability: the given agents are recorded. The availability may
    // depend on the load per recorded agent: the load here is the one the models are given.
    let a = availability_of(config, &input.queues[r.q()]);
    let hour = r.start.hour();
    let load = r.offered.max(0.0) * r.aht.unwrap_or(0.0).max(0.0) / p.concurrency / t;
    let given = match (a, r.agents) {
        (Some(a), Some(n)) => Row {
            agents: Some(a.available(n, hour, load)),
            ..*r
        },
        _ => *r,
    };
    let dist = input.dist(r);
    let mut row =
        inbound_row(&given, dist, p, t, mode, config.risk()).map_err(|e| StaffingError::Row {
            at: at(&given, "offered"),
            source: Box::new(e),
        })?;
    if let Some(a) = a {
        // Recorded agents: the smallest count giving the available agents, evaluated as given.
        row.agents = match mode {
            Mode::Size => a.recorded(row.agents, hour, load),
            Mode::Evaluate => r.agents.expect("checked above"),
        };
        row.agents_gross = gross_agents(row.agents, p.shrinkage)?;
    }
    // The queue name, hours and bases are filled in by [`Staffed::row`].
    Ok(Some(row))
}

fn inbound_row(
    r: &Row,
    dist: Option<Predictive>,
    p: &QueuePolicy,
    t: f64,
    mode: Mode,
    risk: Option<f64>,
) -> Result<PlanRow, StaffingError> {
    let aht = r.aht.unwrap_or(0.0);
    let aht_eff = Secs::new(aht / p.concurrency)?;
    let load = if r.offered > 0.0 && aht > 0.0 {
        Erlangs::new(r.offered * aht_eff.value() / t)?
    } else {
        Erlangs::default()
    };
    let base = PlanRow {
        start: r.start,
        utc_offset_secs: r.offset,
        queue: String::new(),
        offered: r.offered,
        aht_secs: r.aht,
        load_erlangs: load.value(),
        agents: 0,
        agents_gross: 0,
        agents_scheduled: 0.0,
        agents_paid: 0.0,
        service_level: None,
        asa_secs: None,
        occupancy: None,
        p_wait: None,
        abandon_rate: None,
        p_meet_target: None,
        outcome: Outcome::Met,
        hours: 0.0,
    };
    match mode {
        Mode::Size => {
            let risky = risk.zip(dist).filter(|_| aht > 0.0);
            let req = match risky {
                None => required_agents(p.model, load, aht_eff, &p.targets)?,
                Some((prob, dist)) => {
                    // Size for the offered P-quantile; report the metrics at the point.
                    let q_load = Erlangs::new(dist.quantile(prob) * aht_eff.value() / t)?;
                    let mut req = required_agents(p.model, q_load, aht_eff, &p.targets)?;
                    if let Ok(m) = p
                        .model
                        .metrics(req.agents, load, aht_eff, p.targets.threshold())
                    {
                        req.metrics = m;
                    }
                    req
                }
            };
            let gross = gross_agents(req.agents, p.shrinkage)?;
            Ok(PlanRow::from_metrics(
                PlanRow {
                    agents: req.agents,
                    agents_gross: gross,
                    outcome: Outcome::Binding(req.binding),
                    p_meet_target: dist.map(|d| p_meet_target(p, &d, req.agents, aht, t)),
                    ..base
                },
                &req.metrics,
            ))
        }
        Mode::Evaluate => {
            let n = r.agents.expect("checked by the caller");
            let gross = gross_agents(n, p.shrinkage)?;
            let base = PlanRow {
                agents: n,
                agents_gross: gross,
                p_meet_target: dist.map(|d| p_meet_target(p, &d, n, aht, t)),
                ..base
            };
            match p.model.metrics(n, load, aht_eff, p.targets.threshold()) {
                Ok(m) => {
                    let outcome = match p.targets.first_unmet(&m) {
                        None => Outcome::Met,
                        Some(b) => Outcome::Missed(b),
                    };
                    Ok(PlanRow::from_metrics(PlanRow { outcome, ..base }, &m))
                }
                Err(StaffingError::Unstable { .. }) if p.model == Model::ErlangC => Ok(PlanRow {
                    service_level: Some(0.0),
                    asa_secs: None,
                    occupancy: Some(if n == 0 { 0.0 } else { 1.0 }),
                    p_wait: Some(1.0),
                    abandon_rate: None,
                    outcome: Outcome::Unstable,
                    ..base
                }),
                Err(e) => Err(e),
            }
        }
    }
}

/// Relative residue below which a work lot counts as finished (floating-point dust).
const WORK_RTOL: f64 = 1e-9;

fn async_queue(
    ix: &[usize],
    input: &StaffInput,
    p: &QueuePolicy,
    interval: IntervalLength,
    mode: Mode,
) -> Result<Vec<PlanRow>, StaffingError> {
    let t = f64::from(interval.seconds());
    let rows: Vec<&Row> = ix.iter().map(|&i| &input.rows[i]).collect();
    let work: Vec<f64> = rows
        .iter()
        .map(|r| r.offered * r.aht.unwrap_or(0.0))
        .collect();
    let window_secs = p.sla.expect("validated by resolve").value();
    let window = ((window_secs / t).floor() as usize).max(1);
    let agents: Vec<u32> = match mode {
        Mode::Size => staff_async(&work, interval.secs(), window, p.async_occupancy)?.agents,
        Mode::Evaluate => rows.iter().map(|r| r.agents.unwrap_or(0)).collect(),
    };
    // FIFO over work lots: (arrival index, remaining seconds, done by the deadline).
    let cap_per_agent = t * p.async_occupancy.value();
    let mut queue: VecDeque<usize> = VecDeque::new();
    let mut remaining = work.clone();
    let mut late = vec![0.0; work.len()];
    let mut done_in = vec![0.0; work.len()];
    for i in 0..work.len() {
        if work[i] > 0.0 {
            queue.push_back(i);
        }
        let mut cap = f64::from(agents[i]) * cap_per_agent;
        while cap > 0.0 {
            let Some(&k) = queue.front() else { break };
            let d = remaining[k].min(cap);
            remaining[k] -= d;
            cap -= d;
            done_in[i] += d;
            if remaining[k] <= WORK_RTOL * work[k] {
                remaining[k] = 0.0;
                queue.pop_front();
            }
        }
        // Lots whose window closes with this interval: what is left is late.
        if i + 1 >= window {
            let k = i + 1 - window;
            if remaining[k] > 0.0 {
                late[k] = remaining[k];
            }
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let n = agents[i];
        let sl = if work[i] > 0.0 {
            1.0 - late[i] / work[i]
        } else {
            1.0
        };
        let outcome = match mode {
            Mode::Size if work[i] == 0.0 && n == 0 => Outcome::Binding(Binding::None),
            Mode::Size => Outcome::SlaWindow,
            Mode::Evaluate if late[i] > 0.0 => Outcome::MissedSla,
            Mode::Evaluate => Outcome::Met,
        };
        out.push(PlanRow {
            start: r.start,
            utc_offset_secs: r.offset,
            queue: String::new(),
            offered: r.offered,
            aht_secs: r.aht,
            load_erlangs: work[i] / t,
            agents: n,
            agents_gross: gross_agents(n, p.shrinkage)?,
            agents_scheduled: 0.0,
            agents_paid: 0.0,
            service_level: Some(sl),
            asa_secs: None,
            occupancy: Some(if n == 0 {
                0.0
            } else {
                done_in[i] / (f64::from(n) * t)
            }),
            p_wait: None,
            abandon_rate: None,
            p_meet_target: None,
            outcome,
            hours: 0.0,
        });
    }
    Ok(out)
}

/// The totals of the plan rows `row(i)` of every input row `i`.
fn totals(
    input: &StaffInput,
    config: &StaffConfig,
    row: &(dyn Fn(usize) -> PlanRow + Sync),
) -> Vec<Totals> {
    // Row indices per queue, in row order: a counting sort on the queue index, no string
    // hashing per row.
    let nq = input.queues.len();
    let mut first = vec![0usize; nq + 1];
    for r in &input.rows {
        first[r.q() + 1] += 1;
    }
    for q in 0..nq {
        first[q + 1] += first[q];
    }
    let mut next = first.clone();
    let mut by_queue = vec![0u32; input.rows.len()];
    for (i, r) in input.rows.iter().enumerate() {
        by_queue[next[r.q()]] = i as u32;
        next[r.q()] += 1;
    }
    // Each queue's (day, aggregate) cells, each cell summed in row order (as one pass over all
    // rows would), in parallel over queues.
    let per_queue: Vec<Vec<(NaiveDate, Aggregate)>> = (0..nq)
        .into_par_iter()
        .map(|q| {
            let mut cells: Vec<(NaiveDate, Aggregate)> = Vec::new();
            let mut day_ix: HashMap<NaiveDate, usize> = HashMap::new();
            let mut last: Option<(NaiveDate, usize)> = None;
            for &i in &by_queue[first[q]..first[q + 1]] {
                let r = row(i as usize);
                let d = r.start.date();
                let k = match last {
                    Some((ld, k)) if ld == d => k,
                    _ => {
                        let n = cells.len();
                        let k = *day_ix.entry(d).or_insert(n);
                        if k == n {
                            cells.push((d, Aggregate::default()));
                        }
                        last = Some((d, k));
                        k
                    }
                };
                cells[k].1.add(&r);
            }
            cells
        })
        .collect();
    // Merge in sorted order: float sums must not depend on hash order (deterministic output).
    let mut cells: Vec<((NaiveDate, &str), Aggregate)> = per_queue
        .into_iter()
        .enumerate()
        .flat_map(|(q, v)| {
            let name = input.queues[q].as_str();
            v.into_iter().map(move |(d, a)| ((d, name), a))
        })
        .collect();
    cells.sort_unstable_by(|x, y| x.0.cmp(&y.0));
    let mut by_day_queue: BTreeMap<(NaiveDate, &str), Aggregate> = BTreeMap::new();
    let mut by_day: BTreeMap<NaiveDate, Aggregate> = BTreeMap::new();
    let mut by_queue: BTreeMap<&str, Aggregate> = BTreeMap::new();
    let mut all = Aggregate::default();
    for ((d, q), a) in cells {
        by_day.entry(d).or_default().merge(&a);
        by_queue.entry(q).or_default().merge(&a);
        all.merge(&a);
        by_day_queue.insert((d, q), a);
    }
    let days = by_day.len().max(1) as f64;
    let per_day = config.hours_per_fte_day();
    let per_horizon = config.hours_per_fte_week() * days / 7.0;
    // Each day's label formatted once (not once per queue).
    let labels: BTreeMap<NaiveDate, String> = by_day
        .keys()
        .map(|d| (*d, d.format("%Y-%m-%d").to_string()))
        .collect();
    let label = |d: &NaiveDate| labels[d].clone();
    // With one queue the all-queue rows would repeat the queue's rows: leave them out.
    let several = by_queue.len() != 1;
    let mut out = Vec::new();
    let mut current: Option<NaiveDate> = None;
    for ((d, q), a) in &by_day_queue {
        if current != Some(*d) {
            if let Some(c) = current.filter(|_| several) {
                out.push(by_day[&c].totals(label(&c), ALL_QUEUES.into(), per_day));
            }
            current = Some(*d);
        }
        out.push(a.totals(label(d), q.to_string(), per_day));
    }
    if let Some(c) = current.filter(|_| several) {
        out.push(by_day[&c].totals(label(&c), ALL_QUEUES.into(), per_day));
    }
    for (q, a) in &by_queue {
        out.push(a.totals(HORIZON.into(), q.to_string(), per_horizon));
    }
    if several {
        out.push(all.totals(HORIZON.into(), ALL_QUEUES.into(), per_horizon));
    }
    out
}

impl StaffPlan {
    /// Rows whose evaluation missed a target or was unstable.
    pub fn missed(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| {
                matches!(
                    r.outcome,
                    Outcome::Missed(_) | Outcome::MissedSla | Outcome::Unstable
                )
            })
            .count()
    }

    /// The horizon totals over all queues (the queue's own horizon row when there is one queue).
    pub fn horizon(&self) -> &Totals {
        self.totals
            .last()
            .expect("totals always end with the horizon")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::config::Settings;
    use crate::table::CsvInput;
    use crate::units::Fraction;

    fn input(csv: &str) -> StaffInput {
        StaffInput::from_csv(&CsvInput::from_bytes(Path::new("t.csv"), csv.as_bytes()).unwrap())
            .unwrap()
    }

    #[test]
    fn totals_add_up() {
        let i = input(
            "interval_start,queue,offered,aht_seconds\n\
             2026-01-05 09:00,a,100,180\n2026-01-05 09:30,a,0,\n\
             2026-01-05 09:00,b,50,300\n2026-01-06 09:00,a,100,180\n",
        );
        let cfg = StaffConfig::new().with_overrides(Settings {
            shrinkage: Some(Fraction::new(0.3).unwrap()),
            ..Settings::default()
        });
        let p = staff(&i, &cfg).unwrap();
        assert_eq!(p.interval.minutes(), 30);
        let day_a = &p.totals[0];
        assert_eq!(
            (day_a.period.as_str(), day_a.queue.as_str()),
            ("2026-01-05", "a")
        );
        // 14 net agents for one half hour, 20 gross (14 / 0.7 = 20).
        assert_eq!(day_a.agent_hours, 7.0);
        assert_eq!(day_a.agent_hours_gross, 10.0);
        assert_eq!(day_a.fte, 10.0 / 8.0);
        let h = p.horizon();
        assert_eq!(h.queue, ALL_QUEUES);
        // Issue #14: gross totals are Σ net ÷ (1 − shrinkage), never the per-interval rounded
        // `agents_gross` (which put 1 net at 2 gross and March 16 % above).
        let sum: f64 = p.rows.iter().map(|r| f64::from(r.agents) / 0.7 * 0.5).sum();
        assert!((h.agent_hours_gross - sum).abs() < 1e-9 * sum);
        assert!((h.fte - sum / (40.0 * 2.0 / 7.0)).abs() < 1e-9);
        let rounded: f64 = p.rows.iter().map(|r| f64::from(r.agents_gross) * 0.5).sum();
        assert!(
            rounded > sum,
            "the per-interval ceiling overstates: {rounded} vs {sum}"
        );
        // Plain `shrinkage = 0.3`: all unplanned, so the schedule covers the gross basis.
        for r in &p.rows {
            assert!((r.agents_scheduled - f64::from(r.agents) / 0.7).abs() < 1e-12);
        }
    }

    #[test]
    fn async_work_finishes_within_the_window() {
        let mut csv = String::from("interval_start,queue,offered,aht_seconds\n");
        for (h, n) in [(8, 40), (9, 5), (10, 0), (11, 70), (12, 3), (13, 0)] {
            csv.push_str(&format!("2026-01-05 {h:02}:00,mail,{n},240\n"));
        }
        let i = input(&csv);
        let mail = Settings {
            kind: Some(QueueKind::Async),
            sla: Some(Secs::new(3.0 * 3600.0).unwrap()),
            ..Settings::default()
        };
        let cfg = StaffConfig::new().with_queue("mail", mail);
        let p = staff(&i, &cfg).unwrap();
        for r in &p.rows {
            assert!((r.service_level.unwrap() - 1.0).abs() < 1e-12, "{r:?}");
        }
        // Half the agents leave work late; the FIFO backlog is rolled forward.
        let agents: Vec<u32> = p.rows.iter().map(|r| r.agents / 2).collect();
        let e = evaluate(&i.clone().with_agents(&agents), &cfg).unwrap();
        assert!(e.missed() > 0);
        assert!(e.rows.iter().any(|r| r.service_level.unwrap() < 1.0));
    }

    #[test]
    fn duplicates_and_bad_rows_are_located() {
        let csv = "interval_start,queue,offered,aht_seconds\n2026-01-05 09:00,a,1,180\n2026-01-05 09:00,a,1,180\n";
        let e = StaffInput::from_csv(
            &CsvInput::from_bytes(Path::new("t.csv"), csv.as_bytes()).unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("t.csv:3") && e.contains("duplicate"), "{e}");
        let csv = "interval_start,queue,offered,aht_seconds\n2026-01-05 09:00,a,5,\n";
        let e = StaffInput::from_csv(
            &CsvInput::from_bytes(Path::new("t.csv"), csv.as_bytes()).unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("t.csv:2, column `aht_seconds`"), "{e}");
    }
}
