//! What-if scenarios as text: the scenario file (`models/scenarios.toml`) and the report
//! tables, with their column definitions.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::io::table::{read_toml, Cell, Table};
use crate::staffing::config::{ModelKind, RawSettings, RawShrinkage};
use crate::staffing::plan::{self, Precision, Totals};
use crate::staffing::scenario::{Scenario, ScenarioReport, ScheduleHit, FACTOR_MAX, FACTOR_MIN};
use crate::staffing::scope::{parse_time_range, parse_weekday, Scope};
use crate::staffing::StaffingError;

use super::plan::number;

/// Reads a `models/scenarios.toml`-style file.
///
/// # Errors
/// [`StaffingError::Table`] for TOML syntax; [`StaffingError::Config`] for a value out of range
/// (naming the scenario), including a `volume` or `aht_factor` outside
/// [[`FACTOR_MIN`], [`FACTOR_MAX`]) — `volume = 10` meant as +10 % is an error saying to write
/// 1.10.
pub fn read_scenarios(path: &Path) -> Result<Vec<Scenario>, StaffingError> {
    let raw: RawFile = read_toml(path)?;
    let file = path.to_path_buf();
    let err = |key: String, value: f64, range: &'static str| StaffingError::Config {
        file: file.clone(),
        key,
        value,
        range,
    };
    if raw.schema_version != 1 {
        return Err(err(
            "schema_version".into(),
            f64::from(raw.schema_version),
            "1",
        ));
    }
    let mut out = Vec::with_capacity(raw.scenario.len());
    for (i, s) in raw.scenario.into_iter().enumerate() {
        let key = |k: &str| format!("scenario[{i}] ({}).{k}", s.name);
        use crate::staffing::limits::{check, HOURS_PER_FTE_DAY, HOURS_PER_FTE_WEEK};
        for (k, v, domain) in [
            ("hours_per_fte_day", s.hours_per_fte_day, HOURS_PER_FTE_DAY),
            (
                "hours_per_fte_week",
                s.hours_per_fte_week,
                HOURS_PER_FTE_WEEK,
            ),
        ] {
            if let Some(x) = v.filter(|&x| check(domain, x).is_err()) {
                return Err(err(key(k), x, domain.1));
            }
        }
        let aht_delta = s.aht_delta_seconds.unwrap_or(0.0);
        let max = crate::limits::MAX_CALL_SECONDS;
        if !crate::limits::within(aht_delta, -max, max) {
            return Err(err(
                key("aht_delta_seconds"),
                aht_delta,
                "[-86400, 86400] seconds",
            ));
        }
        if let Some(j) = out.iter().position(|o: &Scenario| o.name == s.name) {
            return Err(StaffingError::Scenario {
                name: s.name.clone(),
                reason: format!(
                    "{}: scenario[{i}] has the name of scenario[{j}]: every scenario needs its own name (its output row)",
                    path.display()
                ),
            });
        }
        // A factor, not a percentage: `volume = 10` meant as +10 % would staff ten times the
        // calls without a word, so factors outside [0.1, 10) are errors that say how to write it.
        let factor = |k: &str, v: Option<f64>| -> Result<Option<f64>, StaffingError> {
            match v {
                Some(x) if !(x.is_finite() && (FACTOR_MIN..FACTOR_MAX).contains(&x)) => Err(err(
                    key(k),
                    x,
                    "0.1 … 10 (exclusive): it is a factor, so write +10 % as 1.10 and −10 % as 0.90",
                )),
                v => Ok(v),
            }
        };
        let scope = scope_of(&s, &err, &key)?;
        let (absent_agents, absent_by_group) = absent_of(s.absent_agents.as_ref(), &err, &key)?;
        out.push(Scenario {
            scope,
            absent_agents,
            absent_by_group,
            volume_factor: factor("volume", s.volume)?.unwrap_or(1.0),
            aht_factor: factor("aht_factor", s.aht_factor)?.unwrap_or(1.0),
            aht_delta_secs: aht_delta,
            settings: RawSettings {
                model: s.model,
                kind: None,
                sl_target: s.sl_target,
                sl_seconds: s.sl_seconds,
                asa_seconds: s.asa_seconds,
                max_abandon: s.max_abandon,
                patience_seconds: s.patience_seconds,
                max_occupancy: s.max_occupancy,
                shrinkage: s.shrinkage.map(RawShrinkage::Total),
                concurrency: s.concurrency,
                sla: None,
            }
            .validate(path, &format!("scenario[{i}] ({})", s.name))?,
            hours_per_fte_day: s.hours_per_fte_day,
            hours_per_fte_week: s.hours_per_fte_week,
            name: s.name,
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema_version: u32,
    #[serde(default)]
    scenario: Vec<RawScenario>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    volume: Option<f64>,
    aht_factor: Option<f64>,
    aht_delta_seconds: Option<f64>,
    model: Option<ModelKind>,
    sl_target: Option<f64>,
    sl_seconds: Option<f64>,
    asa_seconds: Option<f64>,
    max_abandon: Option<f64>,
    patience_seconds: Option<f64>,
    max_occupancy: Option<f64>,
    shrinkage: Option<f64>,
    concurrency: Option<f64>,
    hours_per_fte_day: Option<f64>,
    hours_per_fte_week: Option<f64>,
    queue: Option<OneOrMany>,
    from: Option<DateText>,
    to: Option<DateText>,
    weekdays: Option<Vec<String>>,
    intervals: Option<Vec<String>>,
    /// A number of agents, or a table of them per agent group.
    absent_agents: Option<toml::Value>,
}

/// `queue = "PS"` or `queue = ["PS", "PE"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `from = "1999-02-08"` or a TOML date `from = 1999-02-08`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DateText {
    Text(String),
    Date(toml::value::Datetime),
}

impl DateText {
    fn text(&self) -> String {
        match self {
            DateText::Text(t) => t.clone(),
            DateText::Date(d) => d.to_string(),
        }
    }
}

/// `absent_agents = 3` (agents, taken where the command says) or `absent_agents = { cross = 3,
/// sales_team = 1 }` (agents per named group of a multi-skill config), validated: whole numbers
/// in [0, 1e6], a table with at least one group.
fn absent_of(
    v: Option<&toml::Value>,
    err: &dyn Fn(String, f64, &'static str) -> StaffingError,
    key: &dyn Fn(&str) -> String,
) -> Result<(u32, BTreeMap<String, u32>), StaffingError> {
    const AGENTS: &str =
        "[0, 1e6], whole agents (or a table of them per agent group: { cross = 3 })";
    let count = |k: String, v: &toml::Value| -> Result<u32, StaffingError> {
        let a = match v {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(f) => *f,
            _ => f64::NAN,
        };
        if a.is_finite() && a >= 0.0 && a.fract() == 0.0 && a <= crate::limits::MAX_AGENTS {
            Ok(a as u32)
        } else {
            Err(err(k, a, AGENTS))
        }
    };
    match v {
        None => Ok((0, BTreeMap::new())),
        Some(toml::Value::Table(t)) => {
            if t.is_empty() {
                return Err(err(key("absent_agents"), f64::NAN, AGENTS));
            }
            let mut by_group = BTreeMap::new();
            for (g, n) in t {
                by_group.insert(g.clone(), count(key(&format!("absent_agents.{g}")), n)?);
            }
            Ok((0, by_group))
        }
        Some(v) => Ok((count(key("absent_agents"), v)?, BTreeMap::new())),
    }
}

/// The scope keys of one scenario (`queue`, `from`, `to`, `weekdays`, `intervals`), validated.
fn scope_of(
    s: &RawScenario,
    err: &dyn Fn(String, f64, &'static str) -> StaffingError,
    key: &dyn Fn(&str) -> String,
) -> Result<Scope, StaffingError> {
    let queues = match &s.queue {
        None => Vec::new(),
        Some(OneOrMany::One(q)) => vec![q.clone()],
        Some(OneOrMany::Many(v)) => v.clone(),
    };
    if s.queue.is_some() && (queues.is_empty() || queues.iter().any(|q| q.trim().is_empty())) {
        return Err(err(
            key("queue"),
            f64::NAN,
            "a queue name or a list of them",
        ));
    }
    let date = |k: &str, v: &Option<DateText>| match v {
        None => Ok(None),
        Some(d) => crate::time::parse_date(&d.text())
            .map(Some)
            .ok_or_else(|| err(key(k), f64::NAN, "a date YYYY-MM-DD")),
    };
    let (from, to) = (date("from", &s.from)?, date("to", &s.to)?);
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(err(key("to"), f64::NAN, "a date on or after `from`"));
        }
    }
    let weekdays = s
        .weekdays
        .iter()
        .flatten()
        .map(|w| {
            parse_weekday(w)
                .ok_or_else(|| err(key("weekdays"), f64::NAN, "weekday names Mon … Sun"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let intervals = s
        .intervals
        .iter()
        .flatten()
        .map(|w| {
            parse_time_range(w).ok_or_else(|| {
                err(
                    key("intervals"),
                    f64::NAN,
                    "times of day such as \"09:00-12:00\"",
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let scope = Scope {
        queues,
        from,
        to,
        weekdays,
        intervals,
    };
    // Policies are per queue: a policy change limited to some dates or hours would be applied
    // to the whole horizon without a word, so it is refused.
    let policy = [
        ("model", s.model.is_some()),
        ("sl_target", s.sl_target.is_some()),
        ("sl_seconds", s.sl_seconds.is_some()),
        ("asa_seconds", s.asa_seconds.is_some()),
        ("max_abandon", s.max_abandon.is_some()),
        ("patience_seconds", s.patience_seconds.is_some()),
        ("max_occupancy", s.max_occupancy.is_some()),
        ("shrinkage", s.shrinkage.is_some()),
        ("concurrency", s.concurrency.is_some()),
    ];
    if scope.restricts_time() {
        if let Some((k, _)) = policy.iter().find(|(_, set)| *set) {
            return Err(err(
                key(k),
                f64::NAN,
                "no policy change together with from / to / weekdays / intervals (policies apply per queue over the whole horizon): put it in a scenario of its own",
            ));
        }
    }
    if !scope.queues.is_empty() {
        for (k, v) in [
            ("hours_per_fte_day", s.hours_per_fte_day),
            ("hours_per_fte_week", s.hours_per_fte_week),
        ] {
            if v.is_some() {
                return Err(err(
                    key(k),
                    f64::NAN,
                    "hours per FTE for every queue: not together with `queue`",
                ));
            }
        }
    }
    Ok(scope)
}

/// The columns of [`ScenarioReport::to_table`].
pub const COLUMNS: [&str; 22] = [
    "scenario",
    "fte",
    "fte_delta",
    "agent_hours",
    "agent_hours_delta",
    "agent_hours_gross",
    "service_level",
    "asa_seconds",
    "occupancy",
    "abandon_rate",
    "service_level_delta",
    "asa_seconds_delta",
    "occupancy_delta",
    "abandon_rate_delta",
    "hit_service_level",
    "hit_asa_seconds",
    "hit_occupancy",
    "hit_abandon_rate",
    "hit_unstable_intervals",
    "hit_missed_intervals",
    "agent_hours_scheduled",
    "scope",
];

fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

impl ScenarioReport {
    /// One row per scenario (baseline first) in [`COLUMNS`] order.
    pub fn to_table(&self, precision: Precision) -> Table {
        let mut t = Table::new(COLUMNS);
        let base = &self.outcomes[0].staffed;
        for o in &self.outcomes {
            let s = &o.staffed;
            t.push(vec![
                Cell::text(o.name.clone()),
                number(Some(s.fte), precision, 2),
                number(Some(s.fte - base.fte), precision, 2),
                number(Some(s.agent_hours), precision, 1),
                number(Some(s.agent_hours - base.agent_hours), precision, 1),
                number(Some(s.agent_hours_gross), precision, 1),
                number(s.service_level, precision, 4),
                number(s.asa_secs, precision, 2),
                number(s.occupancy, precision, 4),
                number(s.abandon_rate, precision, 4),
                number(delta(s.service_level, base.service_level), precision, 4),
                number(delta(s.asa_secs, base.asa_secs), precision, 2),
                number(delta(s.occupancy, base.occupancy), precision, 4),
                number(delta(s.abandon_rate, base.abandon_rate), precision, 4),
                number(o.hit.service_level, precision, 4),
                number(o.hit.asa_secs, precision, 2),
                number(o.hit.occupancy, precision, 4),
                number(o.hit.abandon_rate, precision, 4),
                Cell::Int(i64::from(o.hit.unstable_intervals)),
                Cell::Int(o.hit_missed_intervals as i64),
                number(Some(s.agent_hours_scheduled), precision, 1),
                Cell::text(o.scope.clone()),
            ]);
        }
        t
    }

    /// One row per scenario × queue (`by_day`: × day as well, the horizon row first), with the
    /// baseline's figures beside: staffed afresh for the variant, and the baseline's agents hit
    /// by it.
    pub fn to_table_by_queue(&self, precision: Precision, by_day: bool) -> Table {
        let mut t = Table::new([
            "scenario",
            "queue",
            "period",
            "offered",
            "agent_hours",
            "agent_hours_delta",
            "agent_hours_scheduled",
            "agent_hours_gross",
            "service_level",
            "hit_service_level",
            "hit_service_level_delta",
            "hit_asa_seconds",
            "hit_abandon_rate",
            "hit_unstable_intervals",
            "scope",
        ]);
        let base: std::collections::BTreeMap<(&str, &str), &Totals> = self.outcomes[0]
            .staffed_totals
            .iter()
            .map(|x| ((x.period.as_str(), x.queue.as_str()), x))
            .collect();
        for o in &self.outcomes {
            let hit: std::collections::BTreeMap<(&str, &str), &Totals> = o
                .hit_totals
                .iter()
                .map(|x| ((x.period.as_str(), x.queue.as_str()), x))
                .collect();
            let mut rows: Vec<&Totals> = o
                .staffed_totals
                .iter()
                .filter(|x| x.queue != plan::ALL_QUEUES && (by_day || x.period == plan::HORIZON))
                .collect();
            // queue, then the horizon row before the days
            rows.sort_by(|a, b| {
                (&a.queue, a.period != plan::HORIZON, &a.period).cmp(&(
                    &b.queue,
                    b.period != plan::HORIZON,
                    &b.period,
                ))
            });
            for x in rows {
                let key = (x.period.as_str(), x.queue.as_str());
                let b = base.get(&key);
                let h = hit.get(&key);
                t.push(vec![
                    Cell::text(o.name.clone()),
                    Cell::text(x.queue.clone()),
                    Cell::text(x.period.clone()),
                    number(Some(x.offered), precision, 1),
                    number(Some(x.agent_hours), precision, 1),
                    number(b.map(|b| x.agent_hours - b.agent_hours), precision, 1),
                    number(Some(x.agent_hours_scheduled), precision, 1),
                    number(Some(x.agent_hours_gross), precision, 1),
                    number(x.service_level, precision, 4),
                    number(h.and_then(|h| h.service_level), precision, 4),
                    number(
                        delta(
                            h.and_then(|h| h.service_level),
                            b.and_then(|b| b.service_level),
                        ),
                        precision,
                        4,
                    ),
                    number(h.and_then(|h| h.asa_secs), precision, 2),
                    number(h.and_then(|h| h.abandon_rate), precision, 4),
                    h.map_or(Cell::Empty, |h| Cell::Int(i64::from(h.unstable_intervals))),
                    Cell::text(o.scope.clone()),
                ]);
            }
        }
        t
    }
}

/// Scenarios against a published schedule ([`crate::staffing::scenario::run_on_schedule`]): one row per scenario × queue
/// over the horizon (`period` = `total`) and, with `by_day`, per queue × day, each beside the
/// baseline's figure for the same queue and period.
pub fn schedule_hits_table(hits: &[ScheduleHit], precision: Precision, by_day: bool) -> Table {
    let mut t = Table::new([
        "scenario",
        "queue",
        "period",
        "offered",
        "on_shift_agent_hours",
        "service_level",
        "baseline_service_level",
        "service_level_delta",
        "target",
        "met",
        "asa_seconds",
        "abandon_rate",
        "occupancy",
        "missed_intervals",
        "absent_agents",
        "scope",
        "pooling",
    ]);
    let Some(base) = hits.first() else {
        return t;
    };
    for h in hits {
        let ev = &h.evaluation;
        for q in &ev.queues {
            let b = base.evaluation.queues.iter().find(|x| x.queue == q.queue);
            let b_sl = b.and_then(|b| b.service_level);
            let mut push = |period: String,
                            offered: f64,
                            hours: f64,
                            sl: Option<f64>,
                            base_sl: Option<f64>,
                            met: bool,
                            asa: Option<f64>,
                            ab: Option<f64>,
                            occ: Option<f64>,
                            missed: usize| {
                t.push(vec![
                    Cell::text(h.name.clone()),
                    Cell::text(q.queue.clone()),
                    Cell::text(period),
                    number(Some(offered), precision, 1),
                    number(Some(hours), precision, 2),
                    number(sl, precision, 4),
                    number(base_sl, precision, 4),
                    number(delta(sl, base_sl), precision, 4),
                    number(q.target, precision, 2),
                    Cell::text(if met { "true" } else { "false" }),
                    number(asa, precision, 1),
                    number(ab, precision, 4),
                    number(occ, precision, 4),
                    Cell::Int(missed as i64),
                    Cell::Int(i64::from(h.absent_agents)),
                    Cell::text(h.scope.clone()),
                    Cell::text(ev.pooling.name()),
                ]);
            };
            push(
                plan::HORIZON.to_string(),
                q.offered,
                q.on_shift_agent_hours,
                q.service_level,
                b_sl,
                q.met,
                q.asa_seconds,
                q.abandon_rate,
                q.occupancy,
                q.missed_intervals,
            );
            if !by_day {
                continue;
            }
            for d in ev.days.iter().filter(|d| d.queue == q.queue) {
                let bd = base
                    .evaluation
                    .days
                    .iter()
                    .find(|x| x.queue == d.queue && x.date == d.date);
                push(
                    d.date.to_string(),
                    d.offered,
                    d.scheduled_hours,
                    d.service_level,
                    bd.and_then(|x| x.service_level),
                    d.met,
                    d.asa_secs,
                    d.abandon_rate,
                    d.occupancy,
                    d.missed_intervals,
                );
            }
        }
    }
    t
}

/// Definitions of the scenario columns (for docs and JSON sidecars).
pub fn definitions() -> Vec<(&'static str, &'static str)> {
    vec![
        ("scenario", "variant name; `baseline` is the input under the config and flags"),
        ("fte", "gross agent-hours ÷ (hours per FTE per week × days ÷ 7), all queues"),
        ("agent_hours", "net agent-hours (Σ agents × interval hours) when staffed for the variant"),
        ("agent_hours_gross", "gross agent-hours (after shrinkage)"),
        ("service_level", "achieved SL when staffed for the variant: offered-weighted, answered within the threshold ÷ offered"),
        ("asa_seconds", "achieved ASA: answered-weighted mean wait of answered calls"),
        ("occupancy", "Σ carried load ÷ Σ agents"),
        ("abandon_rate", "offered-weighted abandoned ÷ offered (Erlang A queues only)"),
        ("*_delta", "variant minus baseline"),
        ("hit_*", "the baseline's gross agents kept, net = ⌊gross·(1 − variant shrinkage)⌋, evaluated under the variant's demand and model; Erlang C intervals with agents ≤ load are unstable: SL 0, ASA unbounded (empty)"),
        ("hit_missed_intervals", "intervals of the hit run that miss a target of the variant or are unstable"),
        ("agent_hours_scheduled", "scheduled-basis agent-hours: net ÷ (1 − unplanned shrinkage), what a schedule must cover (on shift, not on a break)"),
        ("scope", "where the variant's demand change and absent agents apply: queues; weekdays; dates; times of day (`all`: everywhere); its policy changes apply to the scope's queues over the whole horizon"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_scenarios_parse() {
        let p = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/models/scenarios.toml"
        ));
        let s = read_scenarios(p).unwrap();
        assert!(s.len() >= 5);
        assert!(s.iter().any(|x| x.volume_factor > 1.0));
    }
}
