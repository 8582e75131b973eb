//! The KPI table of ingestion as text: its column names (the shared interval schema, then the
//! exact sums and the patience statistics) and its cells, with fixed decimals.

use super::schema;
use super::table::{Cell, Table};
use crate::data::{KpiRow, KpiTable, SECS_DECIMALS, SL_DECIMALS};

fn count_cell(v: Option<f64>) -> Cell {
    match v {
        Some(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 => Cell::Int(x as i64),
        other => Cell::float(other, SECS_DECIMALS),
    }
}

impl KpiTable {
    /// The output column names: the shared interval schema first
    /// (`interval_start,queue,offered,answered,abandoned,aht_seconds,asa_seconds,sl_<T>s…`),
    /// then the exact sums and the patience statistics.
    pub fn column_names(&self) -> Vec<String> {
        let mut c: Vec<String> = [
            schema::INTERVAL_START,
            "queue",
            "offered",
            "answered",
            "abandoned",
            "aht_seconds",
            "asa_seconds",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let t = self.thresholds.secs();
        c.extend(t.iter().map(|t| format!("sl_{t}s")));
        c.push("queued".into());
        c.extend(t.iter().map(|t| format!("answered_le{t}")));
        c.extend(t.iter().map(|t| format!("abandoned_le{t}")));
        for s in [
            "sum_service_s",
            "sum_wait_answered_s",
            "sum_wait_abandoned_s",
            "answered_service0",
            "vru_only",
            "mean_wait_abandoned_s",
            "patience_mle_s",
        ] {
            c.push(s.into());
        }
        c
    }

    /// Renders the table for output (CSV/JSON/text), with fixed decimals.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(self.column_names());
        for r in &self.rows {
            t.push(self.row_cells(r));
        }
        t
    }

    /// The cells of one row in the columns of [`KpiTable::column_names`] (what
    /// [`KpiTable::to_table`] writes for it).
    pub fn row_cells(&self, r: &KpiRow) -> Vec<Cell> {
        let n = self.thresholds.secs().len();
        let mut row = vec![
            Cell::text(r.interval_label()),
            Cell::text(r.queue.as_str()),
            count_cell(Some(r.offered)),
            count_cell(r.answered),
            count_cell(r.abandoned),
            Cell::float(r.aht_secs(), SECS_DECIMALS),
            Cell::float(r.asa_secs(), SECS_DECIMALS),
        ];
        row.extend((0..n).map(|i| Cell::float(r.service_level(i), SL_DECIMALS)));
        row.push(count_cell(r.queued));
        row.extend(r.answered_le.iter().map(|v| count_cell(*v)));
        row.extend(r.abandoned_le.iter().map(|v| count_cell(*v)));
        row.push(count_cell(r.sum_service_secs));
        row.push(count_cell(r.sum_wait_answered_secs));
        row.push(count_cell(r.sum_wait_abandoned_secs));
        row.push(count_cell(r.answered_service0));
        row.push(count_cell(r.vru_only));
        row.push(Cell::float(r.mean_wait_abandoned_secs(), SECS_DECIMALS));
        row.push(Cell::float(r.patience_mle_secs(), SECS_DECIMALS));
        row
    }
}

impl From<&KpiTable> for Table {
    fn from(k: &KpiTable) -> Table {
        k.to_table()
    }
}
