//! Special days (holidays, eves, reduced days) known in advance, and planner adjustments:
//! `date,name,effect[,factor][,queue]`.
//!
//! A row with `effect` = `factor` is an adjustment, not a special day: the model's forecast for
//! that date (of `queue`, or of every queue when `queue` is empty) is multiplied by `factor`
//! after the model, the calendar effects and the intraday update ("campaign on the 12th:
//! +30 %" is `1999-10-12,campaign,factor,1.3`). Adjustments of one date multiply. The file is
//! read by [`crate::io::calendar`].

use std::collections::BTreeMap;

use crate::time::NaiveDate;

/// What a special day does to the center's volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// The center is closed: forecast 0 unless past closed days in history show residual
    /// volume (a VRU that keeps answering), in which case that estimated share is used.
    Closed,
    /// The eve of a holiday (early closing).
    Eve,
    /// A reduced-activity day (intermediate holiday days, memorial days).
    Reduced,
}

impl Effect {
    /// All effects, in a fixed order.
    pub const ALL: [Effect; 3] = [Effect::Closed, Effect::Eve, Effect::Reduced];

    /// The name used in calendar files.
    pub fn name(self) -> &'static str {
        match self {
            Effect::Closed => "closed",
            Effect::Eve => "eve",
            Effect::Reduced => "reduced",
        }
    }

    /// Index into per-effect arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One special day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    /// Its name (e.g. `Yom Kippur`).
    pub name: String,
    /// Its effect.
    pub effect: Effect,
}

/// A planner's adjustment: the forecast of `date` (of one queue, or of all) × `factor`.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    /// The date.
    pub date: NaiveDate,
    /// Its name (e.g. `campaign`).
    pub name: String,
    /// The multiplier (finite, ≥ 0).
    pub factor: f64,
    /// The queue; `None` = every queue.
    pub queue: Option<String>,
}

/// A calendar of special days and planner adjustments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, SpecialDay>,
    adjustments: Vec<Adjustment>,
}

impl Calendar {
    /// A calendar from `(date, effect)` pairs.
    pub fn from_days(days: impl IntoIterator<Item = (NaiveDate, SpecialDay)>) -> Self {
        Calendar {
            days: days.into_iter().collect(),
            adjustments: Vec::new(),
        }
    }

    /// The same calendar with `adjustments` added.
    pub fn with_adjustments(mut self, adjustments: impl IntoIterator<Item = Adjustment>) -> Self {
        self.adjustments.extend(adjustments);
        self
    }

    /// The planner adjustments.
    pub fn adjustments(&self) -> &[Adjustment] {
        &self.adjustments
    }

    /// The product of the adjustments of `date` that apply to `queue` (1 without any).
    pub fn factor(&self, date: NaiveDate, queue: &str) -> f64 {
        self.adjustments
            .iter()
            .filter(|a| a.date == date && a.queue.as_deref().is_none_or(|q| q == queue))
            .map(|a| a.factor)
            .product()
    }

    /// The special day on `date`, if any.
    pub fn get(&self, date: NaiveDate) -> Option<&SpecialDay> {
        self.days.get(&date)
    }

    /// Number of special days.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// True when there are no special days.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }
}
