//! Parquet in and out (arrow-rs), the interchange format of pandas, pyarrow and Spark.
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

#[cfg(not(feature = "parquet"))]
use super::source::RawTable;
#[cfg(not(feature = "parquet"))]
use super::table::Table;
use super::table::TableError;
use super::Location;

fn bad(path: &Path, reason: String) -> TableError {
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
pub(crate) use imp::{read, write};

#[cfg(feature = "parquet")]
mod imp {
    use std::path::Path;
    use std::sync::Arc;

    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
        UInt32Type, UInt64Type, UInt8Type,
    };
    use arrow_array::{
        Array, ArrayRef, Float64Array, Int64Array, RecordBatch, RecordBatchReader, StringArray,
    };
    use arrow_schema::{DataType, Field, Schema, TimeUnit};
    use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    use super::super::source::{RawTable, SourceKind, Typed};
    use super::super::table::{Cell, Table, TableError};
    use super::super::workbook::hms;
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
            DataType::Utf8 => {
                let s = a.as_string::<i32>();
                out.extend((0..n).map(|i| {
                    if s.is_null(i) {
                        String::new()
                    } else {
                        s.value(i).trim().to_string()
                    }
                }));
                false
            }
            DataType::LargeUtf8 => {
                let s = a.as_string::<i64>();
                out.extend((0..n).map(|i| {
                    if s.is_null(i) {
                        String::new()
                    } else {
                        s.value(i).trim().to_string()
                    }
                }));
                false
            }
            DataType::Utf8View => {
                let s = a.as_string_view();
                out.extend((0..n).map(|i| {
                    if s.is_null(i) {
                        String::new()
                    } else {
                        s.value(i).trim().to_string()
                    }
                }));
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

    /// Reads a whole Parquet file.
    pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<RawTable, TableError> {
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

    enum ColType {
        Int,
        Float,
        Text,
    }

    fn col_type(t: &Table, j: usize) -> ColType {
        let mut ty = ColType::Int;
        for r in &t.rows {
            match &r[j] {
                Cell::Empty | Cell::Int(_) => {}
                Cell::Float(..) => ty = ColType::Float,
                Cell::Text(_) => return ColType::Text,
            }
        }
        ty
    }

    /// Renders a table as a Parquet file (Snappy-compressed).
    pub(crate) fn write(table: &Table, path: &Path) -> Result<Vec<u8>, TableError> {
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (j, name) in table.columns.iter().enumerate() {
            let cells = table.rows.iter().map(|r| &r[j]);
            match col_type(table, j) {
                ColType::Int => {
                    fields.push(Field::new(name, DataType::Int64, true));
                    let a: Int64Array = cells
                        .map(|c| match c {
                            Cell::Int(i) => Some(*i),
                            _ => None,
                        })
                        .collect();
                    arrays.push(Arc::new(a));
                }
                ColType::Float => {
                    fields.push(Field::new(name, DataType::Float64, true));
                    let a: Float64Array = cells
                        .map(|c| match c {
                            Cell::Int(i) => Some(*i as f64),
                            // The value the CSV shows, so that both outputs agree exactly.
                            Cell::Float(..) => c.render().parse::<f64>().ok(),
                            _ => None,
                        })
                        .collect();
                    arrays.push(Arc::new(a));
                }
                ColType::Text => {
                    fields.push(Field::new(name, DataType::Utf8, true));
                    let a: StringArray = cells
                        .map(|c| match c {
                            Cell::Empty => None,
                            c => Some(c.render()),
                        })
                        .collect();
                    arrays.push(Arc::new(a));
                }
            }
        }
        let schema = Arc::new(Schema::new(fields));
        let err = |e: String| bad(path, format!("cannot write Parquet: {e}"));
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| err(e.to_string()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("wfm {}", env!("CARGO_PKG_VERSION")))
            .build();
        let mut buf = Vec::new();
        let mut w =
            ArrowWriter::try_new(&mut buf, schema, Some(props)).map_err(|e| err(e.to_string()))?;
        w.write(&batch).map_err(|e| err(e.to_string()))?;
        w.close().map_err(|e| err(e.to_string()))?;
        Ok(buf)
    }
}
