//! Exact sums of actual rows and agent-state rows over one scope and period: the inputs of
//! every KPI family.

use std::collections::BTreeSet;

use super::input::{ActualInterval, Actuals, AgentStateRow};
use crate::time::NaiveDate;

/// column, or some row with calls lacks the value.
#[derive(Debug, Clone)]
pub(crate) struct Sums {
    pub(crate) offered: f64,
    pub(crate) answered: f64,
    pub(crate) abandoned: f64,
    pub(crate) handle: Result<f64, String>,
    pub(crate) wait_answered: Result<f64, String>,
    pub(crate) answered_within: Result<f64, String>,
    pub(crate) abandoned_within: Result<f64, String>,
    pub(crate) wait_abandoned: Result<f64, String>,
    pub(crate) vru_only: Result<f64, String>,
    pub(crate) talk: Result<f64, String>,
    pub(crate) hold: Result<f64, String>,
    pub(crate) acw: Result<f64, String>,
    pub(crate) transferred: Result<f64, String>,
    pub(crate) days: BTreeSet<NaiveDate>,
}

pub(crate) fn needs_column(key: &str, threshold: u32) -> String {
    let col = match key {
        "aht" => "`aht_seconds` or `sum_service_s`".to_string(),
        "asa" => "`asa_seconds` or `sum_wait_answered_s`".to_string(),
        "answered_within" if threshold == 20 => "`answered_le20` or `sl_20s`".to_string(),
        "answered_within" => format!("`answered_le{threshold}`"),
        "abandoned_within" => format!("`abandoned_le{threshold}`"),
        "sum_wait_abandoned" => "`sum_wait_abandoned_s`".to_string(),
        "vru_only" => "`vru_only`".to_string(),
        "talk" => "`talk_seconds`".to_string(),
        "hold" => "`hold_seconds`".to_string(),
        "acw" => "`acw_seconds`".to_string(),
        "transferred" => "`transferred`".to_string(),
        other => format!("`{other}`"),
    };
    format!("column {col} in --actuals")
}

impl Sums {
    pub(crate) fn of<'a>(
        actuals: &Actuals,
        rows: impl Iterator<Item = &'a ActualInterval>,
    ) -> Sums {
        let th = actuals.threshold_secs;
        let init = |key: &str| -> Result<f64, String> {
            if actuals.has(key) {
                Ok(0.0)
            } else {
                Err(needs_column(key, th))
            }
        };
        let mut s = Sums {
            offered: 0.0,
            answered: 0.0,
            abandoned: 0.0,
            handle: init("aht"),
            wait_answered: init("asa"),
            answered_within: init("answered_within"),
            abandoned_within: init("abandoned_within"),
            wait_abandoned: init("sum_wait_abandoned"),
            vru_only: init("vru_only"),
            talk: init("talk"),
            hold: init("hold"),
            acw: init("acw"),
            transferred: init("transferred"),
            days: BTreeSet::new(),
        };
        fn add(acc: &mut Result<f64, String>, v: Option<f64>, weight: f64, what: &str) {
            if let Ok(a) = acc {
                match v {
                    Some(v) => *a += v * weight,
                    None if weight == 0.0 => {}
                    None => *acc = Err(format!("{what} on every row with calls")),
                }
            }
        }
        for r in rows {
            s.offered += r.offered;
            s.answered += r.answered;
            s.abandoned += r.abandoned;
            s.days.insert(r.interval_start.local.date());
            add(&mut s.handle, r.aht_secs, r.answered, "AHT");
            add(&mut s.wait_answered, r.asa_secs, r.answered, "ASA");
            add(
                &mut s.answered_within,
                r.answered_within,
                1.0,
                "answered within X",
            );
            add(
                &mut s.abandoned_within,
                r.abandoned_within,
                1.0,
                "abandoned within X",
            );
            add(
                &mut s.wait_abandoned,
                r.sum_wait_abandoned_secs,
                1.0,
                "sum_wait_abandoned_s",
            );
            add(&mut s.vru_only, r.vru_only, 1.0, "vru_only");
            add(&mut s.talk, r.talk_secs, r.answered, "talk_seconds");
            add(&mut s.hold, r.hold_secs, r.answered, "hold_seconds");
            add(&mut s.acw, r.acw_secs, r.answered, "acw_seconds");
            add(&mut s.transferred, r.transferred, 1.0, "transferred");
        }
        s
    }
}

/// Agent-state sums over a period.
#[derive(Debug, Clone, Default)]
pub(crate) struct AgentSums {
    pub(crate) handle: f64,
    pub(crate) talk: f64,
    pub(crate) hold: f64,
    pub(crate) acw: f64,
    pub(crate) ready: f64,
    pub(crate) brk: f64,
    pub(crate) scheduled: f64,
    pub(crate) logged_in: f64,
    pub(crate) available_within_schedule: f64,
    pub(crate) calls: Option<f64>,
    pub(crate) shifts: f64,
}

pub(crate) fn agent_sums<'a>(
    rows: impl Iterator<Item = &'a AgentStateRow>,
    has_calls: bool,
) -> AgentSums {
    let mut s = AgentSums {
        calls: has_calls.then_some(0.0),
        ..Default::default()
    };
    let mut shifts = BTreeSet::new();
    for r in rows {
        let handle = r.talk_secs + r.hold_secs + r.acw_secs;
        s.handle += handle;
        s.talk += r.talk_secs;
        s.hold += r.hold_secs;
        s.acw += r.acw_secs;
        s.ready += r.ready_secs;
        s.brk += r.break_secs;
        s.scheduled += r.scheduled_secs;
        s.logged_in += r.logged_in_secs;
        s.available_within_schedule += (handle + r.ready_secs).min(r.scheduled_secs);
        if let (Some(c), Some(v)) = (s.calls.as_mut(), r.calls_handled) {
            *c += v;
        }
        if r.logged_in_secs > 0.0 {
            shifts.insert((r.agent.as_str(), r.interval_start.local.date()));
        }
    }
    s.shifts = shifts.len() as f64;
    s
}
