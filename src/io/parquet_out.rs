//! `--out x.parquet`: a [`Table`] as a Parquet file (arrow-rs, Snappy). Each output column
//! keeps its type: whole-number columns as `int64`, decimal columns as `float64` with the
//! values exactly as the CSV renders them, text (including timestamps, which may carry a UTC
//! offset) as UTF-8 strings; empty cells are nulls.

use std::path::Path;

use super::error::TableError;
#[cfg(not(feature = "parquet"))]
use super::table::Table;

#[cfg_attr(feature = "parquet", allow(dead_code))]
fn bad(path: &Path, reason: String) -> TableError {
    TableError::BadRow {
        at: super::Location {
            file: path.to_path_buf(),
            line: 1,
            column: None,
        },
        reason,
    }
}

/// Renders `table` as a Parquet file; `path` is used in messages only.
///
/// # Errors
/// [`TableError::BadRow`] when this build has no Parquet writer or the writer fails.
#[cfg(not(feature = "parquet"))]
pub fn write_table(_table: &Table, path: &Path) -> Result<Vec<u8>, TableError> {
    Err(bad(
        path,
        "this build of wfm has no Parquet writer (build with the default feature `parquet`)".into(),
    ))
}

#[cfg(feature = "parquet")]
pub use imp::write_table;

#[cfg(feature = "parquet")]
mod imp {
    use std::path::Path;
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    use super::super::error::TableError;
    use super::super::table::{Cell, Table};
    use super::bad;

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

    /// Renders `table` as a Parquet file (Snappy); `path` is used in messages only.
    ///
    /// # Errors
    /// [`TableError::BadRow`] when the writer fails.
    pub fn write_table(table: &Table, path: &Path) -> Result<Vec<u8>, TableError> {
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
