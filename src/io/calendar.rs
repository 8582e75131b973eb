//! Calendar files of the forecast: special days and planner adjustments,
//! `date,name,effect[,factor][,queue]` (see [`crate::forecast::calendar`]).

use std::collections::BTreeMap;
use std::path::Path;

use super::table::{CsvInput, TableError};
use crate::forecast::calendar::{Adjustment, Calendar, Effect, SpecialDay};
use crate::forecast::ForecastError;
use crate::time::{parse_date, NaiveDate};

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
        Ok(Calendar::from_days(days).with_adjustments(adjustments))
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
