//! Forecast tables: the forecast output and the snapshot `wfm audit` reads beside it, and
//! the backtest's summary, intraday and per-interval tables.

use super::schema;
use super::table::{Cell, Table};
use crate::forecast::{AhtBacktestReport, BacktestReport, ForecastOutput, ModelScore};
use crate::time::format_timestamp;

/// The leading columns of a backtest's per-interval table (volume and AHT alike).
const BACKTEST_ROW_COLUMNS: [&str; 10] = [
    "origin",
    schema::INTERVAL_START,
    "queue",
    "actual",
    "forecast",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "model",
];

impl BacktestReport {
    /// The summary table (one row per model).
    pub fn summary_table(&self) -> Table {
        score_table(&self.scores)
    }

    /// Rest-of-day accuracy of intraday origins, per model and origin time of day:
    /// `model,origin_time,origins,reforecast_wape,day_ahead_wape,improvement,points`
    /// (`improvement` = 1 − reforecast ÷ day-ahead). `None` without intraday origins.
    pub fn intraday_table(&self) -> Option<Table> {
        if self.scores.iter().all(|s| s.intraday.is_empty()) {
            return None;
        }
        let mut t = Table::new([
            "model",
            "origin_time",
            "origins",
            "reforecast_wape",
            "day_ahead_wape",
            "improvement",
            "points",
        ]);
        for s in &self.scores {
            for i in &s.intraday {
                t.push(vec![
                    Cell::text(&s.model),
                    Cell::text(i.time_of_day.format("%H:%M").to_string()),
                    Cell::Int(i.origins as i64),
                    Cell::Float(i.reforecast_wape, 4),
                    Cell::Float(i.day_ahead_wape, 4),
                    Cell::Float(1.0 - i.reforecast_wape / i.day_ahead_wape, 4),
                    Cell::Int(i.points as i64),
                ]);
            }
        }
        Some(t)
    }

    /// The per-interval table `origin,interval_start,queue,actual,forecast,lo80,hi80,lo95,hi95,model`
    /// (plus `day_ahead`, the midnight forecast of the same interval, when an origin is
    /// intraday).
    pub fn rows_table(&self) -> Table {
        let intraday = self.rows.iter().any(|r| r.day_ahead.is_some());
        let mut t = Table::new(
            BACKTEST_ROW_COLUMNS
                .into_iter()
                .chain(intraday.then_some("day_ahead")),
        );
        for r in &self.rows {
            let mut row = vec![
                Cell::text(format_timestamp(r.origin)),
                Cell::text(format_timestamp(r.interval_start)),
                Cell::text(&r.queue),
                Cell::Float(r.actual, 3),
                Cell::Float(r.forecast, 3),
                Cell::Float(r.lo80, 3),
                Cell::Float(r.hi80, 3),
                Cell::Float(r.lo95, 3),
                Cell::Float(r.hi95, 3),
                Cell::text(&r.model),
            ];
            if intraday {
                row.push(Cell::float(r.day_ahead, 3));
            }
            t.push(row);
        }
        t
    }
}

impl ForecastOutput {
    /// The output table
    /// `interval_start,queue,forecast,lo80,hi80,lo95,hi95,aht_forecast,model,aht_lo80,aht_hi80,aht_lo95,aht_hi95`
    /// (the AHT bounds last, so that readers of the older columns by position still work).
    pub fn to_table(&self) -> Table {
        let mut t = Table::new([
            schema::INTERVAL_START,
            "queue",
            "forecast",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
            "aht_forecast",
            "model",
            "aht_lo80",
            "aht_hi80",
            "aht_lo95",
            "aht_hi95",
        ]);
        for r in &self.rows {
            let b = |k: usize| r.aht_bounds.map(|b| b[k]);
            t.push(vec![
                Cell::text(
                    crate::model::LocalStamp {
                        local: r.interval_start,
                        offset_secs: r.utc_offset_secs,
                    }
                    .to_rfc3339(),
                ),
                Cell::text(&r.queue),
                Cell::Float(r.forecast, 3),
                Cell::Float(r.lo80, 3),
                Cell::Float(r.hi80, 3),
                Cell::Float(r.lo95, 3),
                Cell::Float(r.hi95, 3),
                Cell::float(r.aht_forecast_secs, 1),
                Cell::text(&r.model),
                Cell::float(b(0), 1),
                Cell::float(b(1), 1),
                Cell::float(b(2), 1),
                Cell::float(b(3), 1),
            ]);
        }
        t
    }

    /// The snapshot `wfm audit` reads: origin, creation time, history file, horizon, model per
    /// queue and the ranking.
    pub fn meta_json(&self, history: &std::path::Path, created_at: &str) -> serde_json::Value {
        let models: serde_json::Map<String, serde_json::Value> = self
            .queues
            .iter()
            .map(|q| (q.queue.clone(), serde_json::Value::String(q.model.clone())))
            .collect();
        let ranking: serde_json::Map<String, serde_json::Value> = self
            .queues
            .iter()
            .map(|q| {
                let list: Vec<serde_json::Value> = q
                    .ranking
                    .iter()
                    .map(|r| serde_json::json!({"model": r.model, "wape": r.wape.map(|w| (w * 1e4).round() / 1e4)}))
                    .collect();
                (q.queue.clone(), serde_json::Value::Array(list))
            })
            .collect();
        let aht_models: serde_json::Map<String, serde_json::Value> = self
            .queues
            .iter()
            .filter_map(|q| {
                q.aht_model
                    .as_ref()
                    .map(|m| (q.queue.clone(), serde_json::Value::String(m.clone())))
            })
            .collect();
        serde_json::json!({
            "origin": format_timestamp(self.origin),
            "created_at": created_at,
            "history": history.display().to_string(),
            "horizon": format!("{}s", self.horizon_secs),
            "horizon_days": self.horizon_secs as f64 / 86_400.0,
            "models": models,
            "ranking": ranking,
            "aht_models": aht_models,
            "adjustments": self.adjustments.iter().map(|a| serde_json::json!({
                "date": a.date.to_string(),
                "name": a.name,
                "factor": a.factor,
                "queue": a.queue,
            })).collect::<Vec<_>>(),
            "warnings": self.warnings,
        })
    }
}

/// The summary table of backtest scores, one row per model:
/// `model,wape,bias,daily_wape,accuracy_mean,accuracy_min,accuracy_max,coverage80,coverage95,seconds,points`.
fn score_table(scores: &[ModelScore]) -> Table {
    let mut t = Table::new([
        "model",
        "wape",
        "bias",
        "daily_wape",
        "accuracy_mean",
        "accuracy_min",
        "accuracy_max",
        "coverage80",
        "coverage95",
        "seconds",
        "points",
    ]);
    for s in scores {
        t.push(vec![
            Cell::text(&s.model),
            Cell::Float(s.wape, 4),
            Cell::Float(s.bias, 4),
            Cell::Float(s.daily_wape, 4),
            Cell::Float(s.accuracy_mean, 4),
            Cell::Float(s.accuracy_min, 4),
            Cell::Float(s.accuracy_max, 4),
            // Empty when nothing had an interval (an AHT backtest too short to calibrate one).
            Cell::float(Some(s.coverage80).filter(|v| !v.is_nan()), 4),
            Cell::float(Some(s.coverage95).filter(|v| !v.is_nan()), 4),
            Cell::Float(s.seconds, 3),
            Cell::Int(s.points as i64),
        ]);
    }
    t
}

impl AhtBacktestReport {
    /// The summary table, with the columns of [`BacktestReport::summary_table`] (call-weighted
    /// AHT metrics).
    pub fn summary_table(&self) -> Table {
        score_table(&self.scores)
    }

    /// The per-interval table
    /// `origin,interval_start,queue,actual,forecast,lo80,hi80,lo95,hi95,model,calls` (AHT in
    /// seconds; bounds empty when the inner backtest was too short to calibrate them).
    pub fn rows_table(&self) -> Table {
        let mut t = Table::new(BACKTEST_ROW_COLUMNS.into_iter().chain(["calls"]));
        for r in &self.rows {
            let b = |k: usize| {
                r.bounds.map(|b| match k {
                    0 => b.0,
                    1 => b.1,
                    2 => b.2,
                    _ => b.3,
                })
            };
            t.push(vec![
                Cell::text(format_timestamp(r.origin)),
                Cell::text(format_timestamp(r.interval_start)),
                Cell::text(&r.queue),
                Cell::Float(r.actual, 1),
                Cell::Float(r.forecast, 1),
                Cell::float(b(0), 1),
                Cell::float(b(1), 1),
                Cell::float(b(2), 1),
                Cell::float(b(3), 1),
                Cell::text(&r.model),
                Cell::Float(r.calls, 3),
            ]);
        }
        t
    }
}
