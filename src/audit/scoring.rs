//! The scorecard evaluated on the audit's KPIs (and the facts' `[values]` overrides).

use std::collections::BTreeMap;

use super::input::Facts;
use super::kpi::{Kpi, KpiValue};
use super::scorecard::{self, IndicatorUnit, LookedUp, ScorecardResult};
use super::{AuditInputs, Scope};

fn lookup<'a>(
    facts: Option<&'a Facts>,
    all: &'a BTreeMap<&'static str, &'a Kpi>,
    previous: bool,
) -> impl Fn(&str, IndicatorUnit) -> Result<LookedUp, String> + 'a {
    move |source: &str, unit: IndicatorUnit| {
        if let Some(v) = facts.and_then(|f| f.values.get(source)) {
            return Ok(LookedUp {
                value: *v,
                origin: "facts [values]",
            });
        }
        let Some(k) = all.get(source) else {
            return Err(format!(
                "`{source}` in [values] of --facts (no KPI has this key)"
            ));
        };
        let v = if previous {
            k.previous
        } else {
            k.value.value()
        };
        match v {
            Some(v) => {
                let percent =
                    unit == IndicatorUnit::Percent && k.def.unit.display_factor() == 100.0;
                Ok(LookedUp {
                    value: if percent { v * 100.0 } else { v },
                    origin: if k.def.formula == "fact" {
                        "facts"
                    } else {
                        "kpi"
                    },
                })
            }
            None => Err(match &k.value {
                KpiValue::NotComputable { needs } if !previous => needs.clone(),
                _ => format!("the previous period's `{source}`"),
            }),
        }
    }
}

/// Scores `inputs.scorecard` (if any) on `kpis`; `has_prev` when a previous month exists.
pub(crate) fn score(inputs: &AuditInputs, kpis: &[Kpi], has_prev: bool) -> Option<ScorecardResult> {
    let card = inputs.scorecard.as_ref()?;
    let all: BTreeMap<&'static str, &Kpi> = kpis
        .iter()
        .filter(|k| k.scope == Scope::All)
        .map(|k| (k.def.key, k))
        .collect();
    let cur = lookup(inputs.facts.as_ref(), &all, false);
    let prv = lookup(inputs.previous_facts.as_ref(), &all, true);
    let has_prev = has_prev || inputs.previous_facts.is_some();
    let prv: Option<scorecard::Lookup<'_>> = if has_prev { Some(&prv) } else { None };
    Some(scorecard::evaluate(card, &cur, prv))
}
