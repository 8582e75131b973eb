//! Special days (holidays, eves, reduced days) known in advance: `date,name,effect`.

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

/// A calendar of special days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, SpecialDay>,
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
        let mut days = BTreeMap::new();
        for r in 0..input.len() {
            let bad = |col: usize, reason: &str| TableError::BadValue {
                at: input.location(r, col),
                value: input.text(r, col).to_string(),
                reason: reason.to_string(),
            };
            let date = parse_date(input.text(r, cols[0]))
                .ok_or_else(|| bad(cols[0], "expected a date YYYY-MM-DD"))?;
            let effect = match input.text(r, cols[1]).to_ascii_lowercase().as_str() {
                "closed" => Effect::Closed,
                "eve" => Effect::Eve,
                "reduced" => Effect::Reduced,
                _ => return Err(bad(cols[1], "expected closed, eve or reduced").into()),
            };
            let name = name_col.map_or(String::new(), |c| input.text(r, c).to_string());
            if days.insert(date, SpecialDay { name, effect }).is_some() {
                return Err(bad(cols[0], "date listed twice").into());
            }
        }
        Ok(Calendar { days })
    }

    /// A calendar from `(date, effect)` pairs.
    pub fn from_days(days: impl IntoIterator<Item = (NaiveDate, SpecialDay)>) -> Self {
        Calendar {
            days: days.into_iter().collect(),
        }
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
}
