//! The audit as output tables (`wfm audit --format table|csv|json`, `--section`).

use crate::audit::{Audit, KpiValue};
use crate::io::schema;
use crate::table::{Cell, Table};

fn pct(v: Option<f64>) -> Cell {
    Cell::float(v.map(|x| x * 100.0), 2)
}

impl Audit {
    /// The KPI table: one row per KPI and scope; values in display units (fractions as %);
    /// `status` is met / near / missed against the target, `no target`, or for a KPI that
    /// cannot be computed what it needs (with an empty value).
    pub fn kpi_table(&self) -> Table {
        let mut t = Table::new([
            "period",
            "scope",
            "key",
            "kpi",
            "handbook",
            "value",
            "unit",
            "previous",
            "change",
            "mean_4m",
            "months_4m",
            "target",
            "status",
            "formula",
            "source",
        ]);
        let period = self.options.period.to_string();
        for k in &self.kpis {
            let u = k.def.unit;
            let disp =
                |v: Option<f64>| Cell::float(v.map(|x| x * u.display_factor()), u.decimals());
            let (status, value) = match &k.value {
                KpiValue::Value(v) => (
                    k.status()
                        .map_or_else(|| "no target".to_string(), |s| s.as_str().to_string()),
                    Some(*v),
                ),
                KpiValue::NotComputable { needs } => {
                    (format!("not computable: needs {needs}"), None)
                }
            };
            t.push(vec![
                Cell::text(&period),
                Cell::text(k.scope.as_str()),
                Cell::text(k.def.key),
                Cell::text(k.def.name),
                Cell::text(k.def.handbook),
                disp(value),
                Cell::text(u.label()),
                disp(k.previous),
                disp(k.change()),
                disp(k.mean_4m.map(|m| m.value)),
                k.mean_4m
                    .map_or(Cell::Empty, |m| Cell::Int(m.months as i64)),
                disp(k.target.as_ref().map(|t| t.value)),
                Cell::text(status),
                Cell::text(k.def.formula),
                Cell::text(&k.source),
            ]);
        }
        t
    }

    /// Forecast accuracy per measure, grouping and key (percent columns).
    pub fn accuracy_table(&self) -> Table {
        let mut t = Table::new([
            "measure",
            "grouping",
            "key",
            "n",
            "actual",
            "forecast",
            "accuracy_ratio_pct",
            "wape_pct",
            "mape_pct",
            "bias_pct",
            "interval_accuracy_pct",
        ]);
        for r in &self.accuracy {
            t.push(vec![
                Cell::text(r.measure.as_str()),
                Cell::text(r.grouping.as_str()),
                Cell::text(&r.key),
                Cell::Int(r.m.n as i64),
                Cell::Float(r.m.actual, 1),
                Cell::Float(r.m.forecast, 1),
                pct(r.m.ratio),
                pct(r.m.wape),
                pct(r.m.mape),
                pct(r.m.bias),
                pct(r.m.accuracy),
            ]);
        }
        t
    }

    /// The scorecard: each indicator's value, score, weight, previous and change, then the total.
    pub fn scorecard_table(&self) -> Table {
        let mut t = Table::new([
            "indicator",
            "name",
            "value",
            "unit",
            "score",
            "weight",
            "previous_value",
            "previous_score",
            "score_change",
            "origin",
        ]);
        let Some(s) = &self.scorecard else {
            return t;
        };
        for i in &s.indicators {
            t.push(vec![
                Cell::text(&i.key),
                Cell::text(&i.name),
                Cell::float(i.value, 2),
                Cell::text(i.unit.label()),
                Cell::float(i.score, 2),
                Cell::Float(i.weight, 2),
                Cell::float(i.previous_value, 2),
                Cell::float(i.previous_score, 2),
                Cell::float(i.score.zip(i.previous_score).map(|(a, b)| a - b), 2),
                Cell::text(&i.origin),
            ]);
        }
        t.push(vec![
            Cell::text("total"),
            Cell::text(format!("{} (rounding: {})", s.name, s.rounding.name())),
            Cell::Empty,
            Cell::text("points"),
            Cell::float(s.total, 2),
            Cell::Float(s.max_total, 2),
            Cell::Empty,
            Cell::float(s.previous_total, 2),
            Cell::float(s.change(), 2),
            Cell::text(if s.total.is_some() {
                "sum of scores".to_string()
            } else {
                "not computable: needs every indicator".to_string()
            }),
        ]);
        t
    }

    /// The model check summary (one row per model), then what is missing.
    pub fn model_check_table(&self) -> Table {
        let mut t = Table::new([
            "model",
            "intervals",
            "unstable",
            "actual_sl_pct",
            "predicted_sl_pct",
            "sl_mae_pct",
            "sl_bias_pct",
            "actual_asa_s",
            "predicted_asa_s",
            "asa_mae_s",
            "actual_abandon_pct",
            "predicted_abandon_pct",
            "abandon_mae_pct",
            "score",
            "note",
        ]);
        let mc = &self.model_check;
        for s in &mc.summaries {
            let mut note = String::new();
            if s.model == "erlang_a" {
                if let Some(p) = mc.patience_secs {
                    note = format!("patience {p:.1} s");
                }
            }
            if mc.better == Some(s.model) {
                note = format!(
                    "{note}{}better fit of the two (lower score: offered-weighted ΔSL² + Δabandon², recorded agents as given; --calibration and --section fidelity for calibrated models)",
                    if note.is_empty() { "" } else { "; " }
                );
            }
            t.push(vec![
                Cell::text(s.model),
                Cell::Int(s.intervals as i64),
                Cell::Int(s.unstable as i64),
                pct(s.actual_sl),
                pct(s.predicted_sl),
                pct(s.sl_mae),
                pct(s.sl_bias),
                Cell::float(s.actual_asa_secs, 1),
                Cell::float(s.predicted_asa_secs, 1),
                Cell::float(s.asa_mae_secs, 1),
                pct(s.actual_abandon),
                pct(s.predicted_abandon),
                pct(s.abandon_mae),
                Cell::float(s.score, 5),
                Cell::text(note),
            ]);
        }
        for n in &mc.needs {
            let mut row = vec![Cell::text("-")];
            row.extend((0..13).map(|_| Cell::Empty));
            row.push(Cell::text(format!("not computable: needs {n}")));
            t.push(row);
        }
        t
    }

    /// Per day: volumes, forecast, SL, ASA, abandon rate, occupancy.
    pub fn daily_table(&self) -> Table {
        let mut t = Table::new([
            "date",
            "offered",
            "answered",
            "abandoned",
            "forecast",
            "service_level_pct",
            "asa_s",
            "abandon_rate_pct",
            "occupancy_pct",
        ]);
        for d in &self.daily {
            t.push(vec![
                Cell::text(d.date.to_string()),
                Cell::Float(d.offered, 0),
                Cell::Float(d.answered, 0),
                Cell::Float(d.abandoned, 0),
                Cell::float(d.forecast, 1),
                pct(d.service_level),
                Cell::float(d.asa_secs, 1),
                pct(d.abandon_rate),
                pct(d.occupancy),
            ]);
        }
        t
    }

    /// Per interval: required, scheduled and actual agents, schedule accuracy (actual ÷
    /// scheduled), occupancy.
    pub fn staffing_table(&self) -> Table {
        let mut t = Table::new([
            schema::INTERVAL_START,
            "required",
            "scheduled",
            "actual",
            "schedule_accuracy_pct",
            "occupancy_pct",
        ]);
        for s in &self.staffing {
            t.push(vec![
                Cell::text(s.interval_start.to_rfc3339()),
                Cell::float(s.required, 2),
                Cell::float(s.scheduled, 2),
                Cell::float(s.actual, 2),
                pct(s
                    .actual
                    .zip(s.scheduled)
                    .and_then(|(a, b)| crate::audit::formulas::schedule_accuracy(a, b))),
                pct(s.occupancy),
            ]);
        }
        t
    }

    /// How each input file was used (every row counted).
    pub fn inputs_table(&self) -> Table {
        let mut t = Table::new([
            "input",
            "file",
            "rows",
            "used",
            "previous_period",
            "outside",
            "note",
        ]);
        for u in &self.inputs {
            t.push(vec![
                Cell::text(u.input),
                Cell::text(u.path.display().to_string()),
                Cell::Int(u.rows as i64),
                Cell::Int(u.used as i64),
                Cell::Int(u.previous as i64),
                Cell::Int(u.outside as i64),
                Cell::text(&u.note),
            ]);
        }
        for (k, v) in &self.forecast_meta {
            t.push(vec![
                Cell::text(format!("forecast meta: {k}")),
                Cell::text(v),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        t
    }
}
