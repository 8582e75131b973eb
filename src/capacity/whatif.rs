//! What-ifs on a capacity plan (issue #15): each [`PlanScenario`] changes the plan — attrition,
//! volume, AHT, training length, ramp, class sizes, a hiring freeze, the headcount cap — and is
//! solved afresh, so that plans compare side by side (hires, classes, cost, under-staffed
//! weeks), as `wfm scenario` compares staffing variants.

use crate::capacity::{Attrition, CapacityError, CapacityInput, CapacitySpec, Weekly};

/// One what-if. Every field is optional except the name; the plan's value stands for a field
/// left out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanScenario {
    /// Name in the comparison.
    pub name: String,
    /// Annual floor attrition plus this many percentage points (`2.0` = +2 pp), week by week:
    /// the weekly rate `a` is taken to its annual rate `A = 1 − (1 − a)^52`, moved by the
    /// points, and back to `1 − (1 − A')^(1/52)`.
    pub attrition_pp: Option<f64>,
    /// The requirement × this (offered volume; `1.10` = +10 %).
    pub volume: Option<f64>,
    /// The requirement × this (AHT; the requirement is taken as linear in workload).
    pub aht_factor: Option<f64>,
    /// Training length `L`, weeks.
    pub training_weeks: Option<usize>,
    /// Ramp curve, productivity in weeks 1…K on the floor.
    pub ramp: Option<Vec<f64>>,
    /// Smallest class.
    pub min_class: Option<u32>,
    /// Largest class.
    pub max_class: Option<u32>,
    /// No class starts in weeks `from ≤ t < to` (a hiring freeze).
    pub hiring_freeze: Option<(usize, usize)>,
    /// Cap on headcount (floor + trainees).
    pub max_headcount: Option<f64>,
}

/// The spec a validated input came from (per-week values as series).
fn spec_of(input: &CapacityInput) -> CapacitySpec {
    CapacitySpec {
        start: input.grid.date(0),
        required_fte: input.required.clone(),
        initial_productive: input.initial_productive,
        attrition: Attrition::PerWeek(input.attrition.clone()),
        shrinkage: Weekly::Series(input.shrinkage.clone()),
        max_headcount: input.max_headcount,
        training: input.training.clone(),
        hiring: input.hiring.clone(),
        costs: input.costs.clone(),
        budget: input.budget.clone(),
    }
}

impl PlanScenario {
    /// The plan `base` changed by this what-if, validated as any plan is.
    ///
    /// # Errors
    /// [`CapacityError`] when a changed value leaves its domain (e.g. attrition pushed to 100 %,
    /// `min_class > max_class`), naming the field.
    pub fn apply(&self, base: &CapacityInput) -> Result<CapacityInput, CapacityError> {
        let mut spec = spec_of(base);
        if let Some(pp) = self.attrition_pp {
            let weekly: Vec<f64> = base
                .attrition
                .iter()
                .map(|&a| {
                    let annual = 1.0 - (1.0 - a).powi(52) + pp / 100.0;
                    1.0 - (1.0 - annual).max(0.0).powf(1.0 / 52.0)
                })
                .collect();
            spec.attrition = Attrition::PerWeek(weekly);
        }
        let factor = self.volume.unwrap_or(1.0) * self.aht_factor.unwrap_or(1.0);
        for (name, f) in [("volume", self.volume), ("aht_factor", self.aht_factor)] {
            if let Some(f) = f {
                if !(f.is_finite() && f > 0.0) {
                    return Err(CapacityError::Invalid {
                        field: if name == "volume" {
                            "volume"
                        } else {
                            "aht_factor"
                        },
                        value: f.to_string(),
                        expected: "a factor > 0",
                    });
                }
            }
        }
        spec.required_fte.iter_mut().for_each(|r| *r *= factor);
        if let Some(l) = self.training_weeks {
            spec.training.weeks = l;
        }
        if let Some(r) = &self.ramp {
            spec.training.ramp.clone_from(r);
        }
        if let Some(m) = self.min_class {
            spec.hiring.min_class = m;
        }
        if let Some(m) = self.max_class {
            spec.hiring.max_class = m;
        }
        if let Some((from, to)) = self.hiring_freeze {
            spec.hiring.class_starts.retain(|&t| t < from || t >= to);
        }
        if let Some(m) = self.max_headcount {
            spec.max_headcount = Some(m);
        }
        CapacityInput::new(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::{Budget, Costs, Hiring, Training};

    fn base() -> CapacityInput {
        CapacityInput::new(CapacitySpec {
            start: chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
            required_fte: vec![10.0; 20],
            initial_productive: 12.0,
            attrition: Attrition::Annual(0.23),
            shrinkage: Weekly::Constant(0.3),
            max_headcount: None,
            training: Training {
                weeks: 4,
                attrition: 0.02,
                ramp: vec![0.5],
            },
            hiring: Hiring {
                class_starts: vec![0, 4, 8, 12],
                min_class: 2,
                max_class: 6,
            },
            costs: Costs {
                hire: 1.0,
                class: 1.0,
                wage: 1.0,
                overtime: 1.0,
                max_overtime: 0.1,
                under: Some(100.0),
            },
            budget: Budget::default(),
        })
        .unwrap()
    }

    #[test]
    fn attrition_points_move_the_annual_rate() {
        let b = base();
        let s = PlanScenario {
            attrition_pp: Some(2.0),
            ..PlanScenario::default()
        };
        let v = s.apply(&b).unwrap();
        // 23 % a year → 25 % a year, in weekly terms.
        let annual = 1.0 - (1.0 - v.attrition()[0]).powi(52);
        assert!((annual - 0.25).abs() < 1e-12, "{annual}");
    }

    #[test]
    fn volume_freeze_and_class_sizes_change_the_plan() {
        let b = base();
        let s = PlanScenario {
            volume: Some(1.1),
            aht_factor: Some(0.5),
            hiring_freeze: Some((0, 8)),
            min_class: Some(3),
            max_class: Some(4),
            training_weeks: Some(6),
            ..PlanScenario::default()
        };
        let v = s.apply(&b).unwrap();
        assert!((v.required()[0] - 5.5).abs() < 1e-12);
        assert_eq!(v.hiring().class_starts, vec![8, 12]);
        assert_eq!((v.hiring().min_class, v.hiring().max_class), (3, 4));
        assert_eq!(v.training().weeks, 6);
        // Out of domain: named.
        let bad = PlanScenario {
            min_class: Some(9),
            ..PlanScenario::default()
        };
        assert!(bad.apply(&b).is_err());
    }
}
