//! Parquet input (arrow-rs), the interchange format of pandas, pyarrow and Spark; the writer is
//! `parquet_out`.
//!
//! Reading turns every column into the canonical text the value parsers of `wfm` read (the
//! same as a workbook's typed cells): integers and floats in shortest decimal form,
//! `timestamp` columns as `YYYY-MM-DDTHH:MM:SS[.fff]` (with `Z` or the column's zone offset when
//! the column is zoned, i.e. an instant), `date32` as `YYYY-MM-DD`, durations and times as
//! `H:MM:SS`, nulls as empty fields. Line numbers are `row + 2` (the header counts as line 1),
//! like a CSV written from the same frame.
//!
//! Writing keeps each output column's type: whole-number columns as `int64`, decimal columns
//! as `float64` with the values exactly as the CSV renders them, text (including timestamps,
//! which may carry a UTC offset) as UTF-8 strings; empty cells are nulls.

use std::path::Path;

use super::error::TableError;
#[cfg(not(feature = "parquet"))]
use super::raw::RawTable;
use super::Location;
#[cfg(not(feature = "parquet"))]
use crate::table::Table;

pub(crate) fn bad(path: &Path, reason: String) -> TableError {
    TableError::BadRow {
        at: Location {
            file: path.to_path_buf(),
            line: 1,
            column: None,
        },
        reason,
    }
}

#[cfg(not(feature = "parquet"))]
pub(crate) fn read(path: &Path, _bytes: &[u8]) -> Result<RawTable, TableError> {
    Err(bad(
        path,
        "this is a Parquet file, and this build of wfm has no Parquet reader (build with the \
         default feature `parquet`)"
            .into(),
    ))
}

#[cfg(not(feature = "parquet"))]
pub(crate) fn write(_table: &Table, path: &Path) -> Result<Vec<u8>, TableError> {
    Err(bad(
        path,
        "this build of wfm has no Parquet writer (build with the default feature `parquet`)".into(),
    ))
}

#[cfg(feature = "parquet")]
pub(crate) use imp::read;

#[cfg(feature = "parquet")]
mod imp {
    use std::path::Path;

    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
        UInt32Type, UInt64Type, UInt8Type,
    };
    use arrow_array::{Array, RecordBatchReader};
    use arrow_schema::{DataType, TimeUnit};
    use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::super::error::TableError;
    use super::super::raw::{hms, RawTable, SourceKind, Typed};
    use super::bad;

    fn unit_nanos(u: &TimeUnit) -> i64 {
        match u {
            TimeUnit::Second => 1_000_000_000,
            TimeUnit::Millisecond => 1_000_000,
            TimeUnit::Microsecond => 1_000,
            TimeUnit::Nanosecond => 1,
        }
    }

    fn naive_text(t: NaiveDateTime) -> String {
        if t.and_utc().timestamp_subsec_nanos() == 0 {
            t.format("%Y-%m-%dT%H:%M:%S").to_string()
        } else {
            t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
        }
    }

    fn timestamp_text(v: i64, unit: &TimeUnit, tz: Option<&str>) -> String {
        let n = unit_nanos(unit);
        let nanos = i128::from(v) * i128::from(n);
        let secs = nanos.div_euclid(1_000_000_000) as i64;
        let sub = nanos.rem_euclid(1_000_000_000) as u32;
        let Some(utc) = DateTime::<Utc>::from_timestamp(secs, sub) else {
            return format!("{v}");
        };
        match tz {
            None => naive_text(utc.naive_utc()),
            Some(z) => match z.parse::<chrono_tz::Tz>() {
                Ok(tz) => {
                    let local = utc.with_timezone(&tz);
                    format!("{}{}", naive_text(local.naive_local()), local.format("%:z"))
                }
                Err(_) => match chrono::FixedOffset::from_str_offset(z) {
                    Some(off) => {
                        let local = utc.with_timezone(&off);
                        format!("{}{}", naive_text(local.naive_local()), local.format("%:z"))
                    }
                    None => format!("{}Z", naive_text(utc.naive_utc())),
                },
            },
        }
    }

    trait FromStrOffset: Sized {
        fn from_str_offset(s: &str) -> Option<Self>;
    }
    impl FromStrOffset for chrono::FixedOffset {
        fn from_str_offset(s: &str) -> Option<Self> {
            if s.eq_ignore_ascii_case("utc") || s == "Z" {
                return chrono::FixedOffset::east_opt(0);
            }
            let (sign, rest) = match s.as_bytes().first()? {
                b'+' => (1, &s[1..]),
                b'-' => (-1, &s[1..]),
                _ => return None,
            };
            let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
            let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
            chrono::FixedOffset::east_opt(sign * secs)
        }
    }

    /// The values of a text column, trimmed (empty for nulls).
    fn strings<'a>(a: &'a dyn Array, out: &mut Vec<String>) {
        let n = a.len();
        let get: Box<dyn Fn(usize) -> &'a str + 'a> = match a.data_type() {
            DataType::LargeUtf8 => {
                let s = a.as_string::<i64>();
                Box::new(move |i| s.value(i))
            }
            DataType::Utf8View => {
                let s = a.as_string_view();
                Box::new(move |i| s.value(i))
            }
            _ => {
                let s = a.as_string::<i32>();
                Box::new(move |i| s.value(i))
            }
        };
        out.extend((0..n).map(|i| {
            if a.is_null(i) {
                String::new()
            } else {
                get(i).trim().to_string()
            }
        }));
    }

    /// The text of every value of a column (empty for nulls), and whether it is typed.
    fn column_text(a: &dyn Array) -> Result<(Vec<String>, bool), String> {
        let n = a.len();
        let mut out = Vec::with_capacity(n);
        macro_rules! prim {
            ($t:ty, $f:expr) => {{
                let p = a.as_primitive::<$t>();
                for i in 0..n {
                    out.push(if p.is_null(i) {
                        String::new()
                    } else {
                        $f(p.value(i))
                    });
                }
            }};
        }
        let typed = match a.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                strings(a, &mut out);
                false
            }
            DataType::Boolean => {
                let b = a.as_boolean();
                out.extend((0..n).map(|i| {
                    if b.is_null(i) {
                        String::new()
                    } else {
                        b.value(i).to_string()
                    }
                }));
                true
            }
            DataType::Int8 => {
                prim!(Int8Type, |v: i8| v.to_string());
                true
            }
            DataType::Int16 => {
                prim!(Int16Type, |v: i16| v.to_string());
                true
            }
            DataType::Int32 => {
                prim!(Int32Type, |v: i32| v.to_string());
                true
            }
            DataType::Int64 => {
                prim!(Int64Type, |v: i64| v.to_string());
                true
            }
            DataType::UInt8 => {
                prim!(UInt8Type, |v: u8| v.to_string());
                true
            }
            DataType::UInt16 => {
                prim!(UInt16Type, |v: u16| v.to_string());
                true
            }
            DataType::UInt32 => {
                prim!(UInt32Type, |v: u32| v.to_string());
                true
            }
            DataType::UInt64 => {
                prim!(UInt64Type, |v: u64| v.to_string());
                true
            }
            DataType::Float32 => {
                prim!(Float32Type, |v: f32| format!("{v}"));
                true
            }
            DataType::Float64 => {
                prim!(Float64Type, |v: f64| format!("{v}"));
                true
            }
            DataType::Date32 => {
                let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
                prim!(arrow_array::types::Date32Type, |v: i32| (epoch
                    + TimeDelta::days(i64::from(v)))
                .format("%Y-%m-%d")
                .to_string());
                true
            }
            DataType::Timestamp(unit, tz) => {
                let unit = *unit;
                let tz = tz.as_deref().map(str::to_string);
                let f = |v: i64| timestamp_text(v, &unit, tz.as_deref());
                match unit {
                    TimeUnit::Second => prim!(arrow_array::types::TimestampSecondType, f),
                    TimeUnit::Millisecond => {
                        prim!(arrow_array::types::TimestampMillisecondType, f)
                    }
                    TimeUnit::Microsecond => {
                        prim!(arrow_array::types::TimestampMicrosecondType, f)
                    }
                    TimeUnit::Nanosecond => prim!(arrow_array::types::TimestampNanosecondType, f),
                }
                true
            }
            DataType::Duration(unit) => {
                let n = unit_nanos(unit);
                let f = |v: i64| hms(((i128::from(v) * i128::from(n)) / 1_000_000) as i64);
                match unit {
                    TimeUnit::Second => prim!(arrow_array::types::DurationSecondType, f),
                    TimeUnit::Millisecond => prim!(arrow_array::types::DurationMillisecondType, f),
                    TimeUnit::Microsecond => prim!(arrow_array::types::DurationMicrosecondType, f),
                    TimeUnit::Nanosecond => prim!(arrow_array::types::DurationNanosecondType, f),
                }
                true
            }
            DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary();
                let (values, typed) = column_text(d.values().as_ref())?;
                let keys = d.normalized_keys();
                out.extend((0..n).map(|i| {
                    if a.is_null(i) {
                        String::new()
                    } else {
                        values[keys[i]].clone()
                    }
                }));
                typed
            }
            DataType::Null => {
                out.resize(n, String::new());
                false
            }
            other => return Err(format!("unsupported Parquet column type {other}")),
        };
        Ok((out, typed))
    }

    /// Reads a whole Parquet file. The decoder (arrow-ipc's schema reader in particular) can
    /// panic on a corrupt file instead of returning an error; that panic becomes this file's
    /// error here, never an abort of the caller.
    pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<RawTable, TableError> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(path, bytes)))
            .unwrap_or_else(|_| {
                Err(bad(
                    path,
                    "cannot read the Parquet file: it is corrupt (the Parquet decoder failed)"
                        .to_string(),
                ))
            })
    }

    fn decode(path: &Path, bytes: &[u8]) -> Result<RawTable, TableError> {
        let data = bytes::Bytes::copy_from_slice(bytes);
        let reader = ParquetRecordBatchReaderBuilder::try_new(data)
            .and_then(|b| b.build())
            .map_err(|e| bad(path, format!("cannot read the Parquet file: {e}")))?;
        let schema = reader.schema();
        let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let mut typed = vec![false; headers.len()];
        let mut records = Vec::new();
        for batch in reader {
            let batch =
                batch.map_err(|e| bad(path, format!("cannot read the Parquet file: {e}")))?;
            let mut cols = Vec::with_capacity(batch.num_columns());
            for (j, c) in batch.columns().iter().enumerate() {
                let (text, t) = column_text(c.as_ref())
                    .map_err(|e| bad(path, format!("column `{}`: {e}", headers[j])))?;
                typed[j] = t;
                cols.push(text);
            }
            for i in 0..batch.num_rows() {
                records.push(csv::StringRecord::from(
                    cols.iter().map(|c| c[i].as_str()).collect::<Vec<_>>(),
                ));
            }
        }
        if headers.is_empty() {
            return Err(TableError::Empty {
                path: path.to_path_buf(),
            });
        }
        let lines = (0..records.len() as u64).map(|i| i + 2).collect();
        Ok(RawTable {
            headers,
            records,
            lines,
            typed: Typed::Columns(typed),
            kind: Some(SourceKind::Parquet),
        })
    }
}
