//! The weighted monthly KPI scorecard (`models/scorecard.toml`).
//!
//! The shipped file is the 8-indicator scorecard of the handbook "客服中心整体工作量化评定方案"
//! (overall quantitative evaluation of the service center). Users define their own scorecards in
//! the same TOML: each indicator names a `source` (a KPI key of the audit, or a fact), a
//! `direction`, a `threshold` at which full marks are earned, a `step` and the `points_per_step`
//! lost per step beyond the threshold, and a `weight` (the full marks). A score never drops
//! below 0 and never exceeds the weight.
//!
//! # Partial steps
//! The handbook states whole steps ("−1 per percentage point below"); a value between two steps
//! (answer rate 87.5 %, talk time 141 s) is settled by the `rounding` rule, set for the whole
//! scorecard and overridable per indicator:
//!
//! | rule | steps for a shortfall of `s` steps | 87.5 % vs ≥ 90 % (−1/pt, weight 15) | 141 s vs ≤ 120 s (−1/10 s, weight 10) |
//! |---|---|---|---|
//! | `ceil` (default: a started step counts in full, "不足一个单位按一个单位计") | `⌈s⌉` | 3 steps → 12 | 3 steps → 7 |
//! | `floor` (only completed steps count) | `⌊s⌋` | 2 → 13 | 2 → 8 |
//! | `half-up` (nearest step, halves up) | `⌊s + ½⌋` | 3 → 12 | 2 → 8 |
//! | `proportional` (no rounding) | `s` | 2.5 → 12.5 | 2.1 → 7.9 |
//!
//! `s` is rounded to 9 decimals first so that binary fractions (0.3 ÷ 0.1) do not add a step.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::AuditError;

/// Which side of the threshold is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Full marks at `value ≥ threshold`; points are lost per step below.
    HigherIsBetter,
    /// Full marks at `value ≤ threshold`; points are lost per step above.
    LowerIsBetter,
}

/// How a partial step is counted (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// A started step counts as a whole step.
    #[default]
    Ceil,
    /// Only completed steps count.
    Floor,
    /// The nearest whole step, halves rounded up.
    HalfUp,
    /// Fractional steps deduct fractional points.
    Proportional,
}

impl Rounding {
    /// The name used in the TOML.
    pub fn name(self) -> &'static str {
        match self {
            Rounding::Ceil => "ceil",
            Rounding::Floor => "floor",
            Rounding::HalfUp => "half-up",
            Rounding::Proportional => "proportional",
        }
    }
    fn apply(self, steps: f64) -> f64 {
        let s = (steps * 1e9).round() / 1e9;
        match self {
            Rounding::Ceil => s.ceil(),
            Rounding::Floor => s.floor(),
            Rounding::HalfUp => (s + 0.5).floor(),
            Rounding::Proportional => s,
        }
    }
}

/// The unit an indicator's value is expressed in. KPI values that are fractions are converted
/// to percent for a `percent` indicator; facts and `[values]` are taken as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorUnit {
    /// Percent (0–100).
    Percent,
    /// Seconds.
    Seconds,
    /// Points of an exam, QA or performance score.
    Points,
    /// A count (complaints, errors).
    Count,
    /// A plain number.
    Number,
}

impl IndicatorUnit {
    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            IndicatorUnit::Percent => "%",
            IndicatorUnit::Seconds => "s",
            IndicatorUnit::Points => "points",
            IndicatorUnit::Count => "count",
            IndicatorUnit::Number => "",
        }
    }
}

/// One indicator of a scorecard.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Identifier (unique in the scorecard).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Where the value comes from: a key of the facts' `[values]` table, a fact, or a KPI key.
    pub source: String,
    /// The unit of `threshold` and `step`.
    pub unit: IndicatorUnit,
    /// Which side of the threshold is good.
    pub direction: Direction,
    /// Full marks at or beyond this value.
    pub threshold: f64,
    /// Size of one step beyond the threshold, > 0.
    pub step: f64,
    /// Points lost per step, ≥ 0.
    pub points_per_step: f64,
    /// Full marks, > 0.
    pub weight: f64,
    /// Overrides the scorecard's rounding rule for this indicator.
    pub rounding: Option<Rounding>,
}

/// A scorecard definition.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    /// Schema version, `1`.
    pub schema_version: u32,
    /// Display name.
    pub name: String,
    /// Where the scorecard comes from (free text).
    pub source: Option<String>,
    /// The default rounding rule for partial steps (default `ceil`).
    #[serde(default)]
    pub rounding: Rounding,
    /// The indicators, in display order.
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

impl Scorecard {
    /// Checks every field's domain; `path` is used in messages. The TOML readers
    /// ([`Scorecard::from_toml`], [`Scorecard::read`]) are in [`crate::io::audit`].
    ///
    /// # Errors
    /// [`AuditError::Scorecard`] naming the indicator and field.
    pub(crate) fn validate(&self, path: &Path) -> Result<(), AuditError> {
        let bad = |key: &str, field: &'static str, value: f64, expected: &'static str| {
            AuditError::Scorecard {
                path: PathBuf::from(path),
                indicator: key.to_string(),
                field,
                value,
                expected,
            }
        };
        if self.schema_version != 1 {
            return Err(bad(
                "-",
                "schema_version",
                f64::from(self.schema_version),
                "1",
            ));
        }
        if self.indicators.is_empty() {
            return Err(bad("-", "indicator", 0.0, "at least one [[indicator]]"));
        }
        let mut seen = BTreeSet::new();
        for i in &self.indicators {
            if !seen.insert(i.key.as_str()) {
                return Err(bad(&i.key, "key", 0.0, "a key used once"));
            }
            if !(i.step.is_finite() && i.step > 0.0) {
                return Err(bad(&i.key, "step", i.step, "a number > 0"));
            }
            if !(i.points_per_step.is_finite() && i.points_per_step >= 0.0) {
                return Err(bad(&i.key, "points_per_step", i.points_per_step, "≥ 0"));
            }
            if !(i.weight.is_finite() && i.weight > 0.0) {
                return Err(bad(&i.key, "weight", i.weight, "a number > 0"));
            }
            if !i.threshold.is_finite() {
                return Err(bad(&i.key, "threshold", i.threshold, "a finite number"));
            }
        }
        Ok(())
    }

    /// The sum of the weights: the best possible total.
    pub fn max_total(&self) -> f64 {
        self.indicators.iter().map(|i| i.weight).sum()
    }

    /// The rounding rule in force for `indicator`.
    pub fn rounding_of(&self, indicator: &Indicator) -> Rounding {
        indicator.rounding.unwrap_or(self.rounding)
    }
}

/// The score of one indicator for `value`.
///
/// # Formula
/// `shortfall = threshold − value` (higher is better) or `value − threshold` (lower is better);
/// `steps = rounding(max(shortfall, 0) ÷ step)`;
/// `score = clamp(weight − points_per_step · steps, 0, weight)`.
///
/// # Examples
/// ```
/// use wfm::audit::scorecard::{score, Direction, Indicator, IndicatorUnit, Rounding};
/// let talk = Indicator { key: "talk".into(), name: "talk".into(), source: "average_talk_time".into(),
///     unit: IndicatorUnit::Seconds, direction: Direction::LowerIsBetter, threshold: 120.0,
///     step: 10.0, points_per_step: 1.0, weight: 10.0, rounding: None };
/// assert_eq!(score(&talk, 140.0, Rounding::Ceil), 8.0);
/// assert_eq!(score(&talk, 141.0, Rounding::Ceil), 7.0);
/// assert_eq!(score(&talk, 141.0, Rounding::Floor), 8.0);
/// ```
pub fn score(indicator: &Indicator, value: f64, rounding: Rounding) -> f64 {
    let shortfall = match indicator.direction {
        Direction::HigherIsBetter => indicator.threshold - value,
        Direction::LowerIsBetter => value - indicator.threshold,
    };
    if shortfall <= 0.0 {
        return indicator.weight;
    }
    let steps = rounding.apply(shortfall / indicator.step);
    (indicator.weight - indicator.points_per_step * steps).clamp(0.0, indicator.weight)
}

/// One indicator's value and score for the period (and the previous period when known).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorScore {
    /// The indicator's key.
    pub key: String,
    /// The indicator's name.
    pub name: String,
    /// The unit of `value`.
    pub unit: IndicatorUnit,
    /// Full marks.
    pub weight: f64,
    /// The value, or `None` when it could not be found.
    pub value: Option<f64>,
    /// Where the value came from (`facts [values]`, `facts`, `kpi`), or what is needed.
    pub origin: String,
    /// The score, `None` when the value is missing.
    pub score: Option<f64>,
    /// The previous period's value, when known.
    pub previous_value: Option<f64>,
    /// The previous period's score, when known.
    pub previous_score: Option<f64>,
}

/// The scored scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardResult {
    /// The scorecard's name.
    pub name: String,
    /// The default rounding rule.
    pub rounding: Rounding,
    /// Per indicator, in the scorecard's order.
    pub indicators: Vec<IndicatorScore>,
    /// The best possible total (sum of weights).
    pub max_total: f64,
    /// The total, `None` when any indicator is not computable.
    pub total: Option<f64>,
    /// The previous period's total, when every previous score is known.
    pub previous_total: Option<f64>,
}

impl ScorecardResult {
    /// Month-over-month change of the total.
    pub fn change(&self) -> Option<f64> {
        Some(self.total? - self.previous_total?)
    }
}

/// A value looked up for an indicator: the number in the indicator's unit and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LookedUp {
    /// The value, in the indicator's unit.
    pub value: f64,
    /// `facts [values]`, `facts` or `kpi`.
    pub origin: &'static str,
}

/// Looks a source up in an indicator's unit; `Err(needs)` when unknown.
pub type Lookup<'a> = &'a dyn Fn(&str, IndicatorUnit) -> Result<LookedUp, String>;

/// Scores `card` with values from `lookup(source, unit)` for the period and `previous` for the
/// month before (`Err(needs)` when a value is unknown).
pub fn evaluate(
    card: &Scorecard,
    lookup: &dyn Fn(&str, IndicatorUnit) -> Result<LookedUp, String>,
    previous: Option<Lookup<'_>>,
) -> ScorecardResult {
    let mut indicators = Vec::new();
    let (mut total, mut prev_total) = (Some(0.0), previous.map(|_| 0.0));
    for ind in &card.indicators {
        let rounding = card.rounding_of(ind);
        let (value, origin) = match lookup(&ind.source, ind.unit) {
            Ok(l) => (Some(l.value), l.origin.to_string()),
            Err(needs) => (None, format!("not computable: needs {needs}")),
        };
        let s = value.map(|v| score(ind, v, rounding));
        let pv = previous.and_then(|p| p(&ind.source, ind.unit).ok().map(|l| l.value));
        let ps = pv.map(|v| score(ind, v, rounding));
        total = match (total, s) {
            (Some(t), Some(s)) => Some(t + s),
            _ => None,
        };
        prev_total = match (prev_total, ps) {
            (Some(t), Some(s)) => Some(t + s),
            _ => None,
        };
        indicators.push(IndicatorScore {
            key: ind.key.clone(),
            name: ind.name.clone(),
            unit: ind.unit,
            weight: ind.weight,
            value,
            origin,
            score: s,
            previous_value: pv,
            previous_score: ps,
        });
    }
    ScorecardResult {
        name: card.name.clone(),
        rounding: card.rounding,
        indicators,
        max_total: card.max_total(),
        total,
        previous_total: prev_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(dir: Direction, threshold: f64, step: f64, weight: f64) -> Indicator {
        Indicator {
            key: "k".into(),
            name: "k".into(),
            source: "k".into(),
            unit: IndicatorUnit::Number,
            direction: dir,
            threshold,
            step,
            points_per_step: 1.0,
            weight,
            rounding: None,
        }
    }

    #[test]
    fn binary_fractions_do_not_add_a_step() {
        // 0.3 below a 1.0 threshold in steps of 0.1 is exactly 3 steps under every rule.
        let i = ind(Direction::HigherIsBetter, 1.0, 0.1, 10.0);
        for r in [
            Rounding::Ceil,
            Rounding::Floor,
            Rounding::HalfUp,
            Rounding::Proportional,
        ] {
            assert_eq!(score(&i, 0.7, r), 7.0, "rule {}", r.name());
        }
    }

    #[test]
    fn never_below_zero_nor_above_weight() {
        let i = ind(Direction::LowerIsBetter, 0.0, 1.0, 10.0);
        assert_eq!(score(&i, 50.0, Rounding::Ceil), 0.0);
        assert_eq!(score(&i, -3.0, Rounding::Ceil), 10.0);
    }
}
