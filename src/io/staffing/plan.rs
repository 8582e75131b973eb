//! A staffing plan as text: its columns and their definitions, the per-interval table (whole,
//! or written row by row) and the totals table, with numbers at 10 significant digits for
//! other tools or few decimals for a terminal.

use crate::io::schema;
use crate::io::table::{Cell, RowWriter, Table};
use crate::model::LocalStamp;
use crate::staffing::plan::{PlanRow, Precision, StaffPlan, Staffed, Totals};

/// The output columns of a staffing plan, in order.
pub const COLUMNS: [&str; 15] = [
    schema::INTERVAL_START,
    "queue",
    "offered",
    "aht_seconds",
    "load_erlangs",
    "agents",
    schema::AGENTS_GROSS,
    schema::AGENTS_SCHEDULED,
    "service_level",
    "asa_seconds",
    "occupancy",
    "p_wait",
    "abandon_rate",
    "binding",
    schema::P_MEET_TARGET,
];

/// The columns of the totals table, in order.
pub const TOTAL_COLUMNS: [&str; 13] = [
    "period",
    "queue",
    "intervals",
    "offered",
    "agent_hours",
    "agent_hours_scheduled",
    "agent_hours_gross",
    "fte",
    "service_level",
    "asa_seconds",
    "occupancy",
    "abandon_rate",
    "unstable_intervals",
];

/// The definition of every output column, for docs, `--help` notes and JSON sidecars.
pub fn definitions() -> Vec<(&'static str, &'static str)> {
    vec![
        (schema::INTERVAL_START, "left edge of the interval, local wall-clock time"),
        ("queue", "queue (service) name"),
        ("offered", "contacts offered in the interval (a forecast's `forecast` column)"),
        ("aht_seconds", "average handle time per contact, as given (before chat concurrency)"),
        ("load_erlangs", "offered load in agents: offered × AHT ÷ concurrency ÷ interval seconds"),
        ("agents", "basis NET: agents on the phones, required (sizing) or given (--evaluate)"),
        ("agents_gross", "basis GROSS/PAID, whole people for this interval on its own: the smallest G with G·(1 − shrinkage) ≥ agents (totals do not add these up: they use the unrounded agents ÷ (1 − shrinkage))"),
        ("agents_scheduled", "basis SCHEDULED: what a schedule must cover, agents on shift and not on a break = agents ÷ (1 − unplanned shrinkage), unrounded; the scheduled shrinkage categories (breaks, meetings) are placed by the schedule itself"),
        ("service_level", "calls answered within the threshold ÷ OFFERED calls; under Erlang A abandoned calls count against SL, also those abandoning before the threshold; async: share of the interval's work finished within the SLA window"),
        ("asa_seconds", "average speed of answer = mean wait of ANSWERED calls only (Erlang A abandoners' waits excluded); empty when unbounded (Erlang C with agents ≤ load) or async"),
        ("occupancy", "carried load ÷ agents (Erlang A: abandoned calls take no agent time); async: work done ÷ agent time"),
        ("p_wait", "probability that an arriving call finds every agent busy (abandoners included)"),
        ("abandon_rate", "abandoned ÷ offered (Erlang A); empty under Erlang C, which has no abandonment"),
        (schema::P_MEET_TARGET, "probability that the row's agents meet its service targets (SL, ASA, abandon) under the forecast's predictive distribution, from its point and 80 %/95 % bounds (see wfm::staffing::risk); empty without bounds or for async work. With --risk P every interval is sized for the offered P-quantile, so p_meet_target ≥ P"),
        ("binding", "sizing: the target that one agent fewer would miss (service_level, asa, abandon, occupancy, stability = Erlang C needs agents > load, sla_window for async, none = no traffic); --evaluate: met, miss:<target>, or unstable (Erlang C, agents ≤ load: the queue grows without bound)"),
    ]
}

/// A float cell: at most 10 significant digits and no trailing zeros in [`Precision::Full`]
/// (deterministic, exact enough for 1e-9 relative comparisons), `display_dp` decimals in
/// [`Precision::Display`].
pub fn number(v: Option<f64>, precision: Precision, display_dp: usize) -> Cell {
    match precision {
        Precision::Display => Cell::float(v, display_dp),
        Precision::Full => Cell::float(v, v.map_or(0, full_dp)),
    }
}

/// Decimals for 10 significant digits, without trailing zeros.
fn full_dp(v: f64) -> usize {
    if v == 0.0 || !v.is_finite() {
        return 0;
    }
    let mag = v.abs().log10().floor() as i64;
    let sig = (9 - mag).clamp(0, 30) as usize;
    // Round to `sig` decimals, then drop trailing zeros (1.5812500000000014 → 1.58125).
    let text = format!("{v:.sig$}");
    text.split_once('.')
        .map_or(0, |(_, d)| d.trim_end_matches('0').len())
}

impl StaffPlan {
    /// The per-interval table in [`COLUMNS`] order.
    pub fn to_table(&self, precision: Precision) -> Table {
        let mut t = Table::new(COLUMNS);
        for r in &self.rows {
            t.push(row_cells(r, precision));
        }
        t
    }

    /// Writes the per-interval table row by row (the same bytes as [`StaffPlan::to_table`]
    /// written in that format, without holding every row's cells at once).
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn write_rows(&self, precision: Precision, w: &mut RowWriter<'_>) -> std::io::Result<()> {
        for r in &self.rows {
            w.row(&row_cells(r, precision))?;
        }
        Ok(())
    }

    /// The totals table in [`TOTAL_COLUMNS`] order.
    pub fn totals_table(&self, precision: Precision) -> Table {
        totals_to_table(&self.totals, precision)
    }
}

impl Staffed<'_> {
    /// Writes the per-interval table row by row, each [`PlanRow`] built only to be written:
    /// the same bytes as [`StaffPlan::write_rows`] on the plan of [`Staffed::into_plan`].
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn write_rows(&self, precision: Precision, w: &mut RowWriter<'_>) -> std::io::Result<()> {
        for r in self.rows() {
            w.row(&row_cells(&r, precision))?;
        }
        Ok(())
    }

    /// The totals table in [`TOTAL_COLUMNS`] order.
    pub fn totals_table(&self, precision: Precision) -> Table {
        totals_to_table(&self.totals, precision)
    }
}

/// The cells of one row of the per-interval table, in [`COLUMNS`] order.
fn row_cells(r: &PlanRow, precision: Precision) -> Vec<Cell> {
    vec![
        Cell::text(
            LocalStamp {
                local: r.start,
                offset_secs: r.utc_offset_secs,
            }
            .to_rfc3339(),
        ),
        Cell::text(r.queue.clone()),
        number(Some(r.offered), precision, 2),
        number(r.aht_secs, precision, 1),
        number(Some(r.load_erlangs), precision, 3),
        Cell::Int(i64::from(r.agents)),
        Cell::Int(i64::from(r.agents_gross)),
        number(Some(r.agents_scheduled), precision, 2),
        number(r.service_level, precision, 4),
        number(r.asa_secs, precision, 2),
        number(r.occupancy, precision, 4),
        number(r.p_wait, precision, 4),
        number(r.abandon_rate, precision, 4),
        Cell::text(r.outcome.label()),
        number(r.p_meet_target, precision, 4),
    ]
}

/// Renders totals in [`TOTAL_COLUMNS`] order.
pub fn totals_to_table(totals: &[Totals], precision: Precision) -> Table {
    let mut t = Table::new(TOTAL_COLUMNS);
    for s in totals {
        t.push(vec![
            Cell::text(s.period.clone()),
            Cell::text(s.queue.clone()),
            Cell::Int(i64::from(s.intervals)),
            number(Some(s.offered), precision, 1),
            number(Some(s.agent_hours), precision, 2),
            number(Some(s.agent_hours_scheduled), precision, 2),
            number(Some(s.agent_hours_gross), precision, 2),
            number(Some(s.fte), precision, 2),
            number(s.service_level, precision, 4),
            number(s.asa_secs, precision, 2),
            number(s.occupancy, precision, 4),
            number(s.abandon_rate, precision, 4),
            Cell::Int(i64::from(s.unstable_intervals)),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(full_dp(0.1234567891234), 10);
        assert_eq!(full_dp(1.2345678911234e-12), 21);
        assert_eq!(full_dp(1234.0), 0);
        assert_eq!(full_dp(0.25), 2);
        assert_eq!(full_dp(1.5812500000000014), 5);
        assert_eq!(full_dp(0.1 + 0.2), 1);
    }
}
