//! Workbooks (XLSX, XLSM, XLSB, XLS, ODS) as tables, through calamine.
//!
//! Cells typed by the workbook are read by their type and written as canonical text that every
//! value parser of `wfm` reads the same way whatever the export's declared text formats:
//! a date-time cell as `YYYY-MM-DDTHH:MM:SS`, a date as `YYYY-MM-DD`, a time of day or a
//! duration as `H:MM:SS` (durations may exceed 24 h), a number in Rust's shortest decimal form
//! (never re-read with a decimal comma). Values are rounded to the millisecond: Excel stores
//! 07:00 as the binary fraction 0.291666…, which would otherwise read as 06:59:59.999.
//!
//! Line numbers are the sheet's row numbers (row 1 = the first row of the sheet), so an error
//! names the row a planner sees in Excel.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};
use chrono::{NaiveDateTime, Timelike};

use super::error::TableError;
use super::raw::{hms, RawTable, ReadOptions, SourceKind, Typed};
use super::Location;

fn bad(path: &Path, line: u64, reason: String) -> TableError {
    TableError::BadRow {
        at: Location {
            file: path.to_path_buf(),
            line,
            column: None,
        },
        reason,
    }
}

/// Rounds to the nearest millisecond.
fn round_ms(t: NaiveDateTime) -> NaiveDateTime {
    let ns = i64::from(t.nanosecond());
    let rounded = (ns + 500_000) / 1_000_000 * 1_000_000;
    t + chrono::TimeDelta::nanoseconds(rounded - ns)
}

/// The canonical text of a cell, and whether the workbook typed it.
fn cell_text(c: &Data) -> (String, bool) {
    match c {
        Data::Empty => (String::new(), false),
        Data::String(s) => (s.trim().to_string(), false),
        Data::Int(i) => (i.to_string(), true),
        Data::Float(f) => (format!("{f}"), true),
        Data::Bool(b) => (b.to_string(), true),
        Data::DateTime(d) if d.is_duration() => {
            let ms = (d.as_f64() * 86_400_000.0).round() as i64;
            (hms(ms), true)
        }
        Data::DateTime(d) => {
            let v = d.as_f64();
            if (0.0..1.0).contains(&v) {
                // A time of day without a date (or a duration formatted as a time).
                (hms((v * 86_400_000.0).round() as i64), true)
            } else {
                match d.as_datetime().map(round_ms) {
                    Some(t) if t.num_seconds_from_midnight() == 0 && t.nanosecond() == 0 => {
                        (t.format("%Y-%m-%d").to_string(), true)
                    }
                    Some(t) if t.nanosecond() == 0 => {
                        (t.format("%Y-%m-%dT%H:%M:%S").to_string(), true)
                    }
                    Some(t) => (t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(), true),
                    None => (format!("{v}"), false),
                }
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), true),
        Data::Error(e) => (format!("#{e:?}"), false),
    }
}

/// Reads the first sheet (or `opts.sheet`) of a workbook. A panic inside the workbook decoder
/// (a corrupt file reaching an `unwrap` in a dependency) becomes this file's error.
pub(crate) fn read(path: &Path, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, TableError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(path, bytes, opts)))
        .unwrap_or_else(|_| {
            Err(bad(
                path,
                1,
                "cannot read the workbook: it is corrupt (the workbook decoder failed)".to_string(),
            ))
        })
}

fn decode(path: &Path, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, TableError> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| bad(path, 1, format!("cannot read the workbook: {e}")))?;
    let names = wb.sheet_names();
    let sheet = match &opts.sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
            bad(
                path,
                1,
                format!("no sheet `{s}`; the workbook has: {}", names.join(", ")),
            )
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad(path, 1, "the workbook has no sheet".into()))?,
    };
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| bad(path, 1, format!("sheet `{sheet}`: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut headers: Option<Vec<String>> = None;
    let (mut records, mut lines, mut typed) = (Vec::new(), Vec::new(), Vec::new());
    for (i, row) in range.rows().enumerate() {
        let line = first_row + i as u64 + 1;
        if line <= opts.skip_lines as u64 {
            continue;
        }
        let cells: Vec<(String, bool)> = row.iter().map(cell_text).collect();
        if cells.iter().all(|(t, _)| t.is_empty()) {
            continue;
        }
        match &headers {
            None => {
                // The header ends at its last non-empty cell.
                let n = cells
                    .iter()
                    .rposition(|(t, _)| !t.is_empty())
                    .map_or(0, |p| p + 1);
                headers = Some(cells.into_iter().take(n).map(|(t, _)| t).collect());
            }
            Some(h) => {
                let n = h.len();
                if !opts.flexible {
                    if let Some(p) = cells.iter().skip(n).position(|(t, _)| !t.is_empty()) {
                        return Err(bad(
                            path,
                            line,
                            format!(
                                "a value in column {} beyond the header's {n} columns",
                                n + p + 1
                            ),
                        ));
                    }
                }
                let mut cells = cells;
                cells.resize(n, (String::new(), false));
                typed.extend(cells.iter().map(|(_, t)| *t));
                records.push(csv::StringRecord::from(
                    cells.into_iter().map(|(t, _)| t).collect::<Vec<_>>(),
                ));
                lines.push(line);
            }
        }
    }
    let Some(headers) = headers else {
        return Err(TableError::Empty {
            path: path.to_path_buf(),
        });
    };
    Ok(RawTable {
        headers,
        records,
        lines,
        typed: Typed::Cells(typed),
        kind: Some(SourceKind::Workbook),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times_render_as_h_mm_ss() {
        assert_eq!(hms(161_000), "0:02:41");
        assert_eq!(hms(25 * 3_600_000 + 1), "25:00:00.001");
        assert_eq!(hms(-9000), "-0:00:09");
        let t = chrono::NaiveDate::from_ymd_opt(1999, 2, 1)
            .unwrap()
            .and_hms_nano_opt(6, 59, 59, 999_999_600)
            .unwrap();
        assert_eq!(round_ms(t).to_string(), "1999-02-01 07:00:00");
    }
}
