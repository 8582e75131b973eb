//! How each input file was used: rows in the period, in the previous period, outside.

use std::path::{Path, PathBuf};

use super::{AuditInputs, Period};
use crate::time::NaiveDateTime;

/// How one input file was used.
#[derive(Debug, Clone, PartialEq)]
pub struct InputUse {
    /// Which input (`actuals`, `forecast`, …).
    pub input: &'static str,
    /// The file.
    pub path: PathBuf,
    /// Data rows read.
    pub rows: usize,
    /// Rows in the period, used.
    pub used: usize,
    /// Rows in the previous period, used for month-over-month.
    pub previous: usize,
    /// Rows outside both periods, not used (earlier months feed the trend and 4-month means).
    pub outside: usize,
    /// Remarks (e.g. forecast rows without actuals).
    pub note: String,
}

fn count(period: Period, stamps: impl Iterator<Item = NaiveDateTime>) -> [usize; 4] {
    let prev = period.previous();
    let mut c = [0usize; 4];
    for ts in stamps {
        c[0] += 1;
        if period.contains(ts) {
            c[1] += 1;
        } else if prev.contains(ts) {
            c[2] += 1;
        } else {
            c[3] += 1;
        }
    }
    c
}

fn entry(input: &'static str, path: &Path, c: [usize; 4], note: String) -> InputUse {
    InputUse {
        input,
        path: path.to_path_buf(),
        rows: c[0],
        used: c[1],
        previous: c[2],
        outside: c[3],
        note,
    }
}

/// The accounting of every input given.
pub(crate) fn uses(inputs: &AuditInputs, period: Period, fc_note: String) -> Vec<InputUse> {
    let act = &inputs.actuals;
    let optional: Vec<String> = act.provided.values().cloned().collect();
    let mut out = vec![entry(
        "actuals",
        &act.path,
        count(period, act.rows.iter().map(|r| r.interval_start.local)),
        format!("optional columns read: {}", optional.join(", ")),
    )];
    if let Some(fc) = &inputs.forecast {
        let c = count(period, fc.rows.iter().map(|r| r.interval_start.local));
        out.push(entry("forecast", &fc.path, c, fc_note));
    }
    if let Some(p) = &inputs.planned {
        let c = count(period, p.rows.iter().map(|r| r.interval_start.local));
        let note = "rows = distinct intervals after pooling queues".to_string();
        out.push(entry("planned", &p.path, c, note));
    }
    if let Some(a) = &inputs.agent_states {
        let c = count(period, a.rows.iter().map(|r| r.interval_start.local));
        out.push(entry("agent-states", &a.path, c, String::new()));
    }
    if let Some(a) = &inputs.staffing_proxy {
        let c = count(period, a.rows.iter().map(|r| r.interval_start.local));
        out.push(entry(
            "agent-states (pooled proxy)",
            &a.path,
            c,
            String::new(),
        ));
    }
    out
}
