//! [`CapacityInput`]: the validated inputs of a long-range capacity plan on a weekly
//! [`TimeGrid`].
//!
//! Every value is checked once here (STYLE.md C2); the planner's functions are then infallible
//! on their inputs. Per-week values (requirement, attrition, shrinkage) are expanded to one
//! value per week of the grid.

use crate::capacity::CapacityError;
use crate::model::{Grain, TimeGrid};

/// A quantity that is either the same every week or given per week of the horizon.
#[derive(Debug, Clone, PartialEq)]
pub enum Weekly {
    /// The same value every week.
    Constant(f64),
    /// One value per week, `len == weeks`.
    Series(Vec<f64>),
}

impl Weekly {
    fn expand(&self, weeks: usize) -> Vec<f64> {
        match self {
            Weekly::Constant(v) => vec![*v; weeks],
            Weekly::Series(v) => v.clone(),
        }
    }
}

/// Floor attrition, as given by the planner.
#[derive(Debug, Clone, PartialEq)]
pub enum Attrition {
    /// A weekly rate `a` (share of the floor that leaves per week).
    Weekly(f64),
    /// An annual rate `A`, converted to the weekly rate `1 − (1 − A)^(1/52)`.
    Annual(f64),
    /// A weekly rate per week of the horizon.
    PerWeek(Vec<f64>),
}

impl Attrition {
    /// The weekly rate for each of `weeks` weeks.
    ///
    /// # Formula
    /// An annual rate `A` compounds over 52 weeks: `(1 − a)^52 = 1 − A`, so
    /// `a = 1 − (1 − A)^(1/52)` (e.g. A = 23 % gives a ≈ 0.5014 % per week).
    pub fn weekly_rates(&self, weeks: usize) -> Vec<f64> {
        match self {
            Attrition::Weekly(a) => vec![*a; weeks],
            Attrition::Annual(a) => vec![1.0 - (1.0 - a).powf(1.0 / 52.0); weeks],
            Attrition::PerWeek(v) => v.clone(),
        }
    }
}

/// New-hire training.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// `L`: weeks in class before joining the floor (≥ 1).
    pub weeks: usize,
    /// `b`: share of a class lost per week of training, in [0, 1).
    pub attrition: f64,
    /// `ramp[k−1]`: productivity of an agent in its k-th week on the floor (k = 1…K), each in
    /// [0, 1]; empty when new agents are fully productive at once.
    pub ramp: Vec<f64>,
}

/// When and how many people can be hired.
#[derive(Debug, Clone, PartialEq)]
pub struct Hiring {
    /// Week indices where a class may start (lead time already included), sorted, distinct.
    pub class_starts: Vec<usize>,
    /// Smallest class that may run.
    pub min_class: u32,
    /// Largest class.
    pub max_class: u32,
}

/// Unit costs (any one currency) and the overtime policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    /// Per hire.
    pub hire: f64,
    /// Per class opened.
    pub class: f64,
    /// Per person-week, productive and in training.
    pub wage: f64,
    /// Per FTE-week of overtime.
    pub overtime: f64,
    /// Overtime allowed, as a share of the productive agents `N[t]`.
    pub max_overtime: f64,
    /// Per FTE-week short of the requirement; `None` forbids under-staffing (hard coverage).
    pub under: Option<f64>,
}

/// Optional budget caps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Budget {
    /// Cap on the total cost over the horizon.
    pub total: Option<f64>,
    /// Cap on the cost of any one week.
    pub per_week: Option<f64>,
}

/// The planner's inputs before validation (what a plan file or a program gives).
#[derive(Debug, Clone, PartialEq)]
pub struct CapacitySpec {
    /// Start of week 0 (a midnight; weeks run seven days from its weekday).
    pub start: chrono::NaiveDate,
    /// `R[t]`: required effective FTE per week (its length is the horizon `T`).
    pub required_fte: Vec<f64>,
    /// `N[0]`: tenured productive agents on the floor at the start of week 0.
    pub initial_productive: f64,
    /// Floor attrition `a[t]`.
    pub attrition: Attrition,
    /// Shrinkage `s[t]`, a fraction of paid time in [0, 1).
    pub shrinkage: Weekly,
    /// Cap on `N[t] + trainees[t]`.
    pub max_headcount: Option<f64>,
    /// Training.
    pub training: Training,
    /// Hiring windows and class sizes.
    pub hiring: Hiring,
    /// Costs and overtime.
    pub costs: Costs,
    /// Budget caps.
    pub budget: Budget,
}

/// Validated inputs of a capacity plan: every per-week value expanded to the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityInput {
    pub(crate) grid: TimeGrid,
    pub(crate) required: Vec<f64>,
    pub(crate) initial_productive: f64,
    pub(crate) attrition: Vec<f64>,
    pub(crate) shrinkage: Vec<f64>,
    pub(crate) max_headcount: Option<f64>,
    pub(crate) training: Training,
    pub(crate) hiring: Hiring,
    pub(crate) costs: Costs,
    pub(crate) budget: Budget,
}

fn check(
    field: &'static str,
    v: f64,
    ok: bool,
    expected: &'static str,
) -> Result<(), CapacityError> {
    if v.is_finite() && ok {
        Ok(())
    } else {
        Err(CapacityError::Invalid {
            field,
            value: crate::units::Shown(v).to_string(),
            expected,
        })
    }
}

/// A money amount in [0, [`crate::limits::MAX_MONEY`]]: beyond, the MIP's objective loses every
/// other term (a hire cost of 1e308 gave 0 hires and no warning).
fn money(v: f64) -> bool {
    (0.0..=crate::limits::MAX_MONEY).contains(&v)
}

fn check_weeks(
    field: &'static str,
    grid: &TimeGrid,
    v: &[f64],
    ok: impl Fn(f64) -> bool,
    expected: &'static str,
) -> Result<(), CapacityError> {
    if v.len() != grid.len() {
        return Err(CapacityError::Length {
            field,
            got: v.len(),
            weeks: grid.len(),
        });
    }
    match v.iter().position(|&x| !x.is_finite() || !ok(x)) {
        Some(t) => Err(CapacityError::InvalidWeek {
            field,
            week: t,
            week_start: grid.date(t),
            value: v[t],
            expected,
        }),
        None => Ok(()),
    }
}

impl CapacityInput {
    /// Validates `spec`.
    ///
    /// # Errors
    /// [`CapacityError::Invalid`] naming the field, its value and its domain;
    /// [`CapacityError::InvalidWeek`] for a per-week value (naming the week);
    /// [`CapacityError::Length`] when a per-week list does not have one value per week.
    pub fn new(spec: CapacitySpec) -> Result<Self, CapacityError> {
        let weeks = spec.required_fte.len();
        if weeks == 0 {
            return Err(CapacityError::Length {
                field: "requirement",
                got: 0,
                weeks: 0,
            });
        }
        let grid = TimeGrid::new(
            spec.start.and_time(chrono::NaiveTime::MIN),
            Grain::Week,
            weeks,
        )
        .map_err(|e| CapacityError::Grid(e.to_string()))?;
        let max_agents = crate::limits::MAX_AGENTS;
        check_weeks(
            "requirement",
            &grid,
            &spec.required_fte,
            |x| (0.0..=max_agents).contains(&x),
            "[0, 1e6] FTE",
        )?;
        let p = spec.initial_productive;
        check(
            "initial_productive",
            p,
            (0.0..=max_agents).contains(&p),
            "[0, 1e6] agents",
        )?;
        match &spec.attrition {
            Attrition::Weekly(a) => check(
                "weekly_attrition",
                *a,
                (0.0..1.0).contains(a),
                "a weekly rate in [0, 1)",
            )?,
            Attrition::Annual(a) => check(
                "annual_attrition",
                *a,
                (0.0..1.0).contains(a),
                "an annual rate in [0, 1)",
            )?,
            Attrition::PerWeek(v) => check_weeks(
                "attrition",
                &grid,
                v,
                |x| (0.0..1.0).contains(&x),
                "a weekly rate in [0, 1)",
            )?,
        }
        let attrition = spec.attrition.weekly_rates(weeks);
        if let Weekly::Constant(s) = spec.shrinkage {
            check(
                "shrinkage",
                s,
                (0.0..1.0).contains(&s),
                "a fraction in [0, 1)",
            )?;
        }
        let shrinkage = spec.shrinkage.expand(weeks);
        check_weeks(
            "shrinkage",
            &grid,
            &shrinkage,
            |x| (0.0..1.0).contains(&x),
            "a fraction in [0, 1)",
        )?;
        if let Some(m) = spec.max_headcount {
            check(
                "max_headcount",
                m,
                (0.0..=max_agents).contains(&m),
                "[0, 1e6] people",
            )?;
        }
        Self::check_training(&spec.training)?;
        Self::check_hiring(&spec.hiring, weeks)?;
        Self::check_costs(&spec.costs)?;
        if let Some(b) = spec.budget.total {
            check("budget.total", b, money(b), "[0, 1e12]")?;
        }
        if let Some(b) = spec.budget.per_week {
            check("budget.per_week", b, money(b), "[0, 1e12]")?;
        }
        Ok(CapacityInput {
            grid,
            required: spec.required_fte,
            initial_productive: p,
            attrition,
            shrinkage,
            max_headcount: spec.max_headcount,
            training: spec.training,
            hiring: spec.hiring,
            costs: spec.costs,
            budget: spec.budget,
        })
    }

    fn check_training(t: &Training) -> Result<(), CapacityError> {
        let l = t.weeks as f64;
        check(
            "training.weeks",
            l,
            t.weeks >= 1 && t.weeks <= 104,
            "1 to 104 weeks",
        )?;
        check(
            "training.attrition",
            t.attrition,
            (0.0..1.0).contains(&t.attrition),
            "a weekly rate in [0, 1)",
        )?;
        check(
            "training.ramp",
            t.ramp.len() as f64,
            t.ramp.len() <= 52,
            "at most 52 weeks of ramp",
        )?;
        for &r in &t.ramp {
            check(
                "training.ramp",
                r,
                (0.0..=1.0).contains(&r),
                "productivities in [0, 1]",
            )?;
        }
        Ok(())
    }

    fn check_hiring(h: &Hiring, weeks: usize) -> Result<(), CapacityError> {
        if let Some(w) = h.class_starts.windows(2).find(|w| w[0] >= w[1]) {
            return Err(CapacityError::Invalid {
                field: "hiring.class_starts",
                value: format!("{} then {}", w[0], w[1]),
                expected: "distinct week indices in increasing order",
            });
        }
        if let Some(&s) = h.class_starts.iter().find(|&&s| s >= weeks) {
            return Err(CapacityError::Invalid {
                field: "hiring.class_starts",
                value: s.to_string(),
                expected: "week indices inside the horizon (0 … weeks − 1)",
            });
        }
        check(
            "hiring.max_class",
            f64::from(h.max_class),
            h.max_class >= 1,
            "≥ 1",
        )?;
        check(
            "hiring.min_class",
            f64::from(h.min_class),
            h.min_class <= h.max_class,
            "≤ hiring.max_class",
        )
    }

    fn check_costs(c: &Costs) -> Result<(), CapacityError> {
        for (field, v) in [
            ("costs.hire", c.hire),
            ("costs.class", c.class),
            ("costs.wage", c.wage),
            ("costs.overtime", c.overtime),
        ] {
            check(field, v, money(v), "[0, 1e12]")?;
        }
        check(
            "costs.max_overtime",
            c.max_overtime,
            (0.0..=1.0).contains(&c.max_overtime),
            "a share of N[t] in [0, 1]",
        )?;
        if let Some(u) = c.under {
            check("costs.under", u, money(u), "[0, 1e12] per FTE-week")?;
        }
        Ok(())
    }

    /// The weekly time axis of the plan.
    pub fn grid(&self) -> &TimeGrid {
        &self.grid
    }
    /// Number of weeks `T`.
    pub fn weeks(&self) -> usize {
        self.grid.len()
    }
    /// `R[t]`, required effective FTE per week.
    pub fn required(&self) -> &[f64] {
        &self.required
    }
    /// `a[t]`, weekly floor attrition per week.
    pub fn attrition(&self) -> &[f64] {
        &self.attrition
    }
    /// `s[t]`, shrinkage per week.
    pub fn shrinkage(&self) -> &[f64] {
        &self.shrinkage
    }
    /// `N[0]`.
    pub fn initial_productive(&self) -> f64 {
        self.initial_productive
    }
    /// Training parameters.
    pub fn training(&self) -> &Training {
        &self.training
    }
    /// Hiring parameters.
    pub fn hiring(&self) -> &Hiring {
        &self.hiring
    }
    /// Costs.
    pub fn costs(&self) -> &Costs {
        &self.costs
    }
    /// Budget caps.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }
    /// Cap on `N[t] + trainees[t]`.
    pub fn max_headcount(&self) -> Option<f64> {
        self.max_headcount
    }
}
