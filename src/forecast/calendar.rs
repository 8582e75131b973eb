//! Special days (holidays, eves, reduced days) known in advance, and planner adjustments:
//! `date,name,effect[,factor][,queue]`.
//!
//! A row with `effect` = `factor` is an adjustment, not a special day: the model's forecast for
//! that date (of `queue`, or of every queue when `queue` is empty) is multiplied by `factor`
//! after the model, the calendar effects and the intraday update ("campaign on the 12th:
//! +30 %" is `1999-10-12,campaign,factor,1.3`). Adjustments of one date multiply.

use std::collections::BTreeMap;
use std::path::Path;

use crate::table::{CsvInput, TableError};
use crate::time::{parse_date, NaiveDate};

use super::ForecastError;

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
    /// Reads `date,name,effect` with effect `closed`, `eve` or `reduced` (case-insensitive).
    ///
    /// # Errors
    /// [`ForecastError::Table`] naming the line and column of a bad date or effect, or a date
    /// listed twice.
    pub fn read(path: &Path) -> Result<Self, ForecastError> {
        let input = CsvInput::read(path)?;
        Self::from_csv(&input)
    }

    /// Builds a calendar from an already-read CSV.
    ///
    /// # Errors
    /// As [`Calendar::read`].
    pub fn from_csv(input: &CsvInput) -> Result<Self, ForecastError> {
        let cols = input.require(&["date", "effect"])?;
        let name_col = input.column("name");
        let factor_col = input.column("factor");
        let queue_col = input.column("queue");
        let mut days = BTreeMap::new();
        let mut adjustments: Vec<Adjustment> = Vec::new();
        for r in 0..input.len() {
            let bad = |col: usize, reason: &str| TableError::BadValue {
                at: input.location(r, col),
                value: input.text(r, col).to_string(),
                reason: reason.to_string(),
            };
            let date = parse_date(input.text(r, cols[0]))
                .ok_or_else(|| bad(cols[0], "expected a date YYYY-MM-DD"))?;
            let name = name_col.map_or(String::new(), |c| input.text(r, c).to_string());
            let effect = match input.text(r, cols[1]).to_ascii_lowercase().as_str() {
                "closed" => Effect::Closed,
                "eve" => Effect::Eve,
                "reduced" => Effect::Reduced,
                "factor" => {
                    let a = adjustment(input, r, date, name, factor_col, queue_col)?;
                    if adjustments
                        .iter()
                        .any(|b| b.date == a.date && b.queue == a.queue)
                    {
                        return Err(bad(
                            cols[0],
                            "an adjustment for this date and queue is listed twice",
                        )
                        .into());
                    }
                    adjustments.push(a);
                    continue;
                }
                _ => return Err(bad(cols[1], "expected closed, eve, reduced or factor").into()),
            };
            if days.insert(date, SpecialDay { name, effect }).is_some() {
                return Err(bad(cols[0], "date listed twice").into());
            }
        }
        Ok(Calendar { days, adjustments })
    }

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

/// The adjustment on row `r` (effect `factor`).
fn adjustment(
    input: &CsvInput,
    r: usize,
    date: NaiveDate,
    name: String,
    factor_col: Option<usize>,
    queue_col: Option<usize>,
) -> Result<Adjustment, TableError> {
    let Some(fc) = factor_col else {
        return Err(TableError::MissingColumns {
            path: input.path().to_path_buf(),
            missing: vec!["factor".into()],
            found: input.headers().to_vec(),
        });
    };
    let factor = input.non_negative(r, fc)?;
    let queue = queue_col
        .map(|c| input.text(r, c).trim().to_string())
        .filter(|q| !q.is_empty());
    Ok(Adjustment {
        date,
        name,
        factor,
        queue,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_locates_errors() {
        let t = CsvInput::from_bytes(
            Path::new("c.csv"),
            b"date,name,effect\n1999-09-20,Yom Kippur,closed\n1999-09-19,eve,EVE\n",
        )
        .unwrap();
        let c = Calendar::from_csv(&t).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(
            c.get(parse_date("1999-09-19").unwrap()).unwrap().effect,
            Effect::Eve
        );
        let t = CsvInput::from_bytes(Path::new("c.csv"), b"date,name,effect\n1999-09-20,x,shut\n")
            .unwrap();
        let e = Calendar::from_csv(&t).unwrap_err().to_string();
        assert!(e.contains("c.csv:2, column `effect`"), "{e}");
    }

    #[test]
    fn factor_rows_are_adjustments() {
        let t = CsvInput::from_bytes(
            Path::new("c.csv"),
            b"date,name,effect,factor,queue\n1999-10-12,campaign,factor,1.3,\n\
              1999-10-12,mailing,factor,2,PS\n1999-10-13,x,closed,,\n",
        )
        .unwrap();
        let c = Calendar::from_csv(&t).unwrap();
        let d = parse_date("1999-10-12").unwrap();
        assert_eq!(c.len(), 1);
        assert!(c.get(d).is_none(), "an adjustment is not a special day");
        assert!((c.factor(d, "NE") - 1.3).abs() < 1e-15);
        assert!((c.factor(d, "PS") - 2.6).abs() < 1e-15);
        assert_eq!(c.factor(parse_date("1999-10-13").unwrap(), "PS"), 1.0);
        let t = CsvInput::from_bytes(
            Path::new("c.csv"),
            b"date,name,effect,factor\n1999-10-12,campaign,factor,-1\n",
        )
        .unwrap();
        let e = Calendar::from_csv(&t).unwrap_err().to_string();
        assert!(e.contains("c.csv:2, column `factor`"), "{e}");
    }
}
