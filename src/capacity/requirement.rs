//! The weekly required FTE of a capacity plan from the interval-level staffing of a reference
//! period, scaled week by week by a long-range forecast (issue #15).
//!
//! # Method
//! For each interval `i` of the reference staffing (a `wfm staff` output over whole weeks) with
//! offered load `Rᵢ` (Erlangs) and net agents `Nᵢ`, the safety staffing above the load is read as
//! the square-root staffing rule's `βᵢ = (Nᵢ − Rᵢ) ÷ √Rᵢ` (Halfin & Whitt 1981; Gans, Koole &
//! Mandelbaum 2003, §4.1: `N ≈ R + β√R` keeps the service grade as the load changes). For a
//! forecast week `t` of the queue, the workload ratio to the reference's mean week is
//! `f = (F_t · AHT_t) ÷ (V_ref · AHT_ref)` (`F_t` offered, `AHT_t` its forecast AHT when given,
//! else the reference AHT; `V_ref` the reference's offered calls per week, `AHT_ref` its
//! load-weighted AHT), each interval's load becomes `f·Rᵢ` and its agents
//! `f·Rᵢ + βᵢ·√(f·Rᵢ)` (an interval with no load keeps its agents: opening-hours minimum). The
//! week's requirement is `Σᵢ Nᵢ′ · interval hours ÷ reference weeks ÷ hours per FTE-week`
//! (net FTE: agents on the phones, which is what the plan's effective FTE covers). Unlike a
//! linear scaling of agent-hours, a 10 % rise in volume needs less than 10 % more agents
//! (economies of scale), as Erlang staffing does.

use std::collections::BTreeMap;

use crate::capacity::CapacityError;

/// One interval of the reference staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceInterval {
    /// Queue.
    pub queue: String,
    /// Offered calls.
    pub offered: f64,
    /// Offered load, Erlangs.
    pub load_erlangs: f64,
    /// Net agents required (on the phones).
    pub agents: f64,
}

/// A reference period's interval staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceStaffing {
    /// The intervals.
    pub intervals: Vec<ReferenceInterval>,
    /// Interval length, seconds.
    pub interval_secs: u32,
    /// Weeks the reference spans (days ÷ 7).
    pub weeks: f64,
}

/// A queue's forecast week: offered calls and, when forecast, AHT (seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekDemand {
    /// Offered calls in the week.
    pub offered: f64,
    /// Forecast AHT, seconds.
    pub aht_secs: Option<f64>,
}

/// Weekly required net FTE (see the module docs) for each week of `forecast`: queue → one
/// [`WeekDemand`] per plan week. A forecast of a single queue that the reference does not
/// have (e.g. `ALL`) scales every reference queue by the pooled ratio.
///
/// # Errors
/// [`CapacityError::Invalid`] for a reference without weeks or load, hours per FTE-week not
/// in (0, 168], a reference queue the forecast lacks, or forecast weeks of unequal length.
pub fn weekly_requirement(
    reference: &ReferenceStaffing,
    forecast: &BTreeMap<String, Vec<WeekDemand>>,
    hours_per_fte_week: f64,
) -> Result<Vec<f64>, CapacityError> {
    let invalid =
        |field: &'static str, value: String, expected: &'static str| CapacityError::Invalid {
            field,
            value,
            expected,
        };
    if !(hours_per_fte_week > 0.0 && hours_per_fte_week <= 168.0) {
        return Err(invalid(
            "requirement.hours_per_fte_week",
            hours_per_fte_week.to_string(),
            "hours in (0, 168]",
        ));
    }
    if reference.weeks.is_nan() || reference.weeks <= 0.0 || reference.interval_secs == 0 {
        return Err(invalid(
            "requirement.staffing",
            format!("{} week(s)", reference.weeks),
            "a reference staffing of at least one whole week",
        ));
    }
    let weeks = forecast.values().map(Vec::len).max().unwrap_or(0);
    if let Some((q, v)) = forecast.iter().find(|(_, v)| v.len() != weeks) {
        return Err(invalid(
            "requirement.forecast",
            format!("queue {q}: {} week(s), others {weeks}", v.len()),
            "the same weeks for every queue",
        ));
    }
    // The forecast series each reference queue follows: its own, or the single pooled one.
    let pooled = forecast.len() == 1
        && reference
            .intervals
            .iter()
            .any(|r| !forecast.contains_key(&r.queue));
    let key = |q: &str| -> Option<String> {
        if pooled {
            forecast.keys().next().cloned()
        } else {
            forecast.contains_key(q).then(|| q.to_string())
        }
    };
    // Reference per forecast series: Σ offered, Σ load.
    let mut base: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for r in &reference.intervals {
        let k = key(&r.queue).ok_or_else(|| {
            invalid(
                "requirement.forecast",
                format!("no forecast for queue {}", r.queue),
                "a forecast row per week for every queue of the reference staffing",
            )
        })?;
        let e = base.entry(k).or_insert((0.0, 0.0));
        e.0 += r.offered;
        e.1 += r.load_erlangs;
    }
    let ivl = f64::from(reference.interval_secs);
    // f per series and week.
    let mut ratio: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (k, &(offered, load)) in &base {
        if offered <= 0.0 || load <= 0.0 {
            return Err(invalid(
                "requirement.staffing",
                format!("series {k}: {offered} calls, {load} Erlangs"),
                "offered calls and load in the reference",
            ));
        }
        let v_ref = offered / reference.weeks;
        let aht_ref = load * ivl / offered;
        let f = forecast[k]
            .iter()
            .map(|w| w.offered * w.aht_secs.unwrap_or(aht_ref) / (v_ref * aht_ref))
            .collect();
        ratio.insert(k.as_str(), f);
    }
    let hours = ivl / 3600.0;
    let mut out = vec![0.0; weeks];
    for r in &reference.intervals {
        let k = key(&r.queue).expect("checked above");
        let f = &ratio[k.as_str()];
        for (t, o) in out.iter_mut().enumerate() {
            let n = if r.load_erlangs > 0.0 {
                let beta = (r.agents - r.load_erlangs) / r.load_erlangs.sqrt();
                let load = f[t] * r.load_erlangs;
                (load + beta * load.sqrt()).max(0.0)
            } else {
                r.agents
            };
            *o += n * hours;
        }
    }
    Ok(out
        .into_iter()
        .map(|h| h / reference.weeks / hours_per_fte_week)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> ReferenceStaffing {
        // One week of one queue, two 30-min intervals: 100 calls at 180 s = 10 Erlangs → 14
        // agents; 50 calls → 5 Erlangs, 8 agents.
        let r = |offered: f64, load: f64, agents: f64| ReferenceInterval {
            queue: "Q".into(),
            offered,
            load_erlangs: load,
            agents,
        };
        ReferenceStaffing {
            intervals: vec![r(100.0, 10.0, 14.0), r(50.0, 5.0, 8.0)],
            interval_secs: 1800,
            weeks: 1.0,
        }
    }

    fn weeks(v: &[f64]) -> BTreeMap<String, Vec<WeekDemand>> {
        let w = v
            .iter()
            .map(|&offered| WeekDemand {
                offered,
                aht_secs: None,
            })
            .collect();
        BTreeMap::from([("Q".to_string(), w)])
    }

    #[test]
    fn the_reference_week_gives_back_its_own_agent_hours() {
        let r = weekly_requirement(&reference(), &weeks(&[150.0]), 40.0).unwrap();
        // (14 + 8) agents × 0.5 h ÷ 40 h.
        assert!((r[0] - 22.0 * 0.5 / 40.0).abs() < 1e-12, "{r:?}");
    }

    #[test]
    fn scaling_follows_the_square_root_rule() {
        // Volume × 4: loads 40 and 20 Erlangs; β = 4/√10 and 3/√5.
        let r = weekly_requirement(&reference(), &weeks(&[600.0]), 40.0).unwrap();
        let n1 = 40.0 + 4.0 / 10f64.sqrt() * 40f64.sqrt();
        let n2 = 20.0 + 3.0 / 5f64.sqrt() * 20f64.sqrt();
        assert!((r[0] - (n1 + n2) * 0.5 / 40.0).abs() < 1e-12);
        // Less than 4 × the reference: economies of scale.
        assert!(r[0] < 4.0 * 22.0 * 0.5 / 40.0);
        // AHT forecast: +10 % AHT is +10 % workload.
        let mut f = weeks(&[150.0]);
        f.get_mut("Q").unwrap()[0].aht_secs = Some(198.0);
        let up = weekly_requirement(&reference(), &f, 40.0).unwrap();
        let vol = weekly_requirement(&reference(), &weeks(&[165.0]), 40.0).unwrap();
        assert!((up[0] - vol[0]).abs() < 1e-12);
    }

    #[test]
    fn a_pooled_forecast_scales_every_queue_and_a_missing_queue_is_an_error() {
        let mut pooled = weeks(&[300.0]);
        let v = pooled.remove("Q").unwrap();
        pooled.insert("ALL".into(), v);
        let r = weekly_requirement(&reference(), &pooled, 40.0).unwrap();
        let same = weekly_requirement(&reference(), &weeks(&[300.0]), 40.0).unwrap();
        assert!((r[0] - same[0]).abs() < 1e-12);
        pooled.insert(
            "OTHER".into(),
            vec![WeekDemand {
                offered: 1.0,
                aht_secs: None,
            }],
        );
        assert!(weekly_requirement(&reference(), &pooled, 40.0).is_err());
        assert!(weekly_requirement(&reference(), &weeks(&[1.0]), 0.0).is_err());
    }
}
