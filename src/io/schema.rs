//! Every column name `wfm` reads or writes, and the aliases its readers accept, written once.
//!
//! Outputs always use the canonical names; readers accept the aliases listed beside them (in
//! order of preference) so that the same file can come from `wfm`, a WFM export or a
//! statsforecast long-format frame (`unique_id, ds, y`).

/// Left edge of an interval (local wall-clock time, or with its UTC offset under `--tz`).
pub const INTERVAL_START: &str = "interval_start";
/// The queue (split, skill, service type).
pub const QUEUE: &str = "queue";
/// Contacts offered.
pub const OFFERED: &str = "offered";
/// Contacts answered.
pub const ANSWERED: &str = "answered";
/// Contacts abandoned.
pub const ABANDONED: &str = "abandoned";
/// Average handle time, seconds.
pub const AHT_SECONDS: &str = "aht_seconds";
/// Average speed of answer, seconds.
pub const ASA_SECONDS: &str = "asa_seconds";
/// Net agents.
pub const AGENTS: &str = "agents";
/// Gross agents (after shrinkage).
pub const AGENTS_GROSS: &str = "agents_gross";
/// Agents a schedule must cover: net ÷ (1 − unplanned shrinkage).
pub const AGENTS_SCHEDULED: &str = "agents_scheduled";
/// Probability of meeting the service target at the row's staffing under the forecast's
/// predictive distribution.
pub const P_MEET_TARGET: &str = "p_meet_target";
/// Offered load, Erlangs.
pub const LOAD_ERLANGS: &str = "load_erlangs";
/// Service level (a fraction in CSV/JSON).
pub const SERVICE_LEVEL: &str = "service_level";
/// Occupancy (a fraction).
pub const OCCUPANCY: &str = "occupancy";
/// Abandoned ÷ offered (a fraction).
pub const ABANDON_RATE: &str = "abandon_rate";
/// Point forecast of offered contacts.
pub const FORECAST: &str = "forecast";
/// Prediction-interval bounds.
pub const LO80: &str = "lo80";
/// Prediction-interval bounds.
pub const HI80: &str = "hi80";
/// Prediction-interval bounds.
pub const LO95: &str = "lo95";
/// Prediction-interval bounds.
pub const HI95: &str = "hi95";
/// AHT forecast, seconds.
pub const AHT_FORECAST: &str = "aht_forecast";
/// The forecasting model of a row.
pub const MODEL: &str = "model";
/// Agents required (coverage).
pub const REQUIRED: &str = "required";
/// Agents scheduled (coverage).
pub const SCHEDULED: &str = "scheduled";
/// A calendar date `YYYY-MM-DD`.
pub const DATE: &str = "date";
/// First day of a week (long-range plans).
pub const WEEK_START: &str = "week_start";
/// First day of a month (long-range forecasts).
pub const MONTH_START: &str = "month_start";
/// Required effective FTE of a week (long-range plans).
pub const REQUIRED_FTE: &str = "required_fte";
/// A weekly attrition rate (a fraction of the floor per week).
pub const ATTRITION: &str = "attrition";
/// Shrinkage (a fraction of paid time).
pub const SHRINKAGE: &str = "shrinkage";
/// The columns of a weekly capacity plan, in output order (issue #15).
pub const CAPACITY_COLUMNS: [&str; 11] = [
    WEEK_START,
    REQUIRED_FTE,
    "productive",
    "in_training",
    "joiners",
    "leavers",
    "effective_fte",
    "overtime",
    "under",
    "hires_started",
    "cost",
];

/// Names accepted for the timestamp column, in order of preference.
pub const TIMESTAMP_ALIASES: [&str; 5] =
    [INTERVAL_START, "timestamp", "datetime", "interval", "ds"];
/// Names accepted for the queue column, in order of preference.
pub const QUEUE_ALIASES: [&str; 4] = [QUEUE, "skill", "split", "unique_id"];
/// Names accepted for the volume column, in order of preference (`y` is the statsforecast long
/// format `unique_id,ds,y`).
pub const VOLUME_ALIASES: [&str; 8] = [
    OFFERED,
    "arrivals",
    "calls",
    "calls_offered",
    "volume",
    "contacts",
    "count",
    "y",
];

/// The first of `aliases` that `headers` contains, with its position.
pub fn find_column<'a>(headers: &[String], aliases: &[&'a str]) -> Option<(usize, &'a str)> {
    aliases
        .iter()
        .find_map(|a| headers.iter().position(|h| h == a).map(|i| (i, *a)))
}

/// Columns that hold a rate or share in [0, 1] (service level, occupancy, abandon rate, P(wait),
/// expected SL): fractions in CSV, JSON and every file; shown as percentages in `table` output.
pub const FRACTION_COLUMNS: [&str; 6] = [
    SERVICE_LEVEL,
    OCCUPANCY,
    ABANDON_RATE,
    "p_wait",
    "expected_sl",
    P_MEET_TARGET,
];

/// How a numeric column reads to a person: a fraction shown as a percentage, a difference of
/// fractions shown in percentage points, or a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// A fraction in [0, 1]: `0.853` shows as `85.30 %`.
    Fraction,
    /// A difference of two fractions: `0.0038` shows as `+0.38 pp`.
    Points,
    /// Not a share.
    Plain,
}

/// Whether `column` holds a fraction (`service_level`, `hit_occupancy`, `sl_20s`, …), a
/// difference of fractions (`service_level_delta`), or neither.
pub fn share(column: &str) -> Share {
    let (base, delta) = match column.strip_suffix("_delta") {
        Some(b) => (b, true),
        None => (column, false),
    };
    let base = base
        .strip_prefix("hit_")
        .or_else(|| base.strip_prefix("baseline_"))
        .unwrap_or(base);
    let sl_n = base
        .strip_prefix("sl_")
        .and_then(|r| r.strip_suffix('s'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match (FRACTION_COLUMNS.contains(&base) || sl_n, delta) {
        (true, false) => Share::Fraction,
        (true, true) => Share::Points,
        (false, _) => Share::Plain,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares_by_column_name() {
        use super::{share, Share};
        for c in [
            "service_level",
            "hit_occupancy",
            "sl_20s",
            "abandon_rate",
            "expected_sl",
        ] {
            assert_eq!(share(c), Share::Fraction, "{c}");
        }
        assert_eq!(share("service_level_delta"), Share::Points);
        for c in ["asa_seconds", "sl_s", "sl_20x", "agents", "fte_delta"] {
            assert_eq!(share(c), Share::Plain, "{c}");
        }
    }

    use super::*;

    #[test]
    fn aliases_are_tried_in_order_of_preference() {
        let h: Vec<String> = ["ds", "y", "unique_id", "offered"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(find_column(&h, &VOLUME_ALIASES), Some((3, "offered")));
        assert_eq!(find_column(&h, &TIMESTAMP_ALIASES), Some((0, "ds")));
        assert_eq!(find_column(&h, &["nope"]), None);
    }
}
