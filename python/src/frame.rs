//! Columns in, columns out.
//!
//! In: the Python layer hands each column as `(name, kind, payload)`: kind `f` = float64
//! little-endian bytes (NaN = missing), `t` = int64 nanoseconds since 1970-01-01 (naive,
//! `i64::MIN` = missing), `s` = a list of `str | None`. The columns become the engine's
//! in-memory table ([`CsvInput`]) read by the same validating readers as the CLI, so that
//! column names, aliases, checks and error messages are the CLI's; a row's "line" is its
//! 0-based position + 2 (line 1 is the header), which the Python layer turns back into a row.
//! Numbers are written with Rust's shortest round-trip formatting: no value changes.
//!
//! Out: a [`Table`] (the CLI's output table) as columns: `f` (float64 bytes, NaN = empty),
//! `i` (int64 bytes + a validity mask) or `s` (list of `str | None`).

use chrono::DateTime;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use std::path::Path;
use wfm::table::{Cell, CsvInput, Table};

/// One input column as passed from Python.
pub(crate) type ColumnIn<'py> = (String, String, Bound<'py, PyAny>);

enum Col {
    F(Vec<f64>),
    T(Vec<i64>),
    S(Vec<Option<String>>),
}

impl Col {
    fn len(&self) -> usize {
        match self {
            Col::F(v) => v.len(),
            Col::T(v) => v.len(),
            Col::S(v) => v.len(),
        }
    }
    fn field(&self, i: usize, out: &mut String) {
        use std::fmt::Write;
        out.clear();
        match self {
            Col::F(v) if v[i].is_nan() => {}
            Col::F(v) => write!(out, "{}", v[i]).expect("write to String"),
            Col::T(v) if v[i] == i64::MIN => {}
            Col::T(v) => {
                let ts = DateTime::from_timestamp_nanos(v[i]);
                if ts.timestamp_subsec_nanos() == 0 {
                    write!(out, "{}", ts.format("%Y-%m-%dT%H:%M:%S"))
                } else {
                    write!(out, "{}", ts.format("%Y-%m-%dT%H:%M:%S%.f"))
                }
                .expect("write to String");
            }
            Col::S(v) => out.push_str(v[i].as_deref().unwrap_or("")),
        }
    }
}

fn le_chunks<const N: usize>(b: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    b.chunks_exact(N)
        .map(|c| c.try_into().expect("chunk of N bytes"))
}

fn column(kind: &str, payload: &Bound<'_, PyAny>, name: &str) -> PyResult<Col> {
    Ok(match kind {
        "f" => Col::F(
            le_chunks::<8>(payload.downcast::<PyBytes>()?.as_bytes())
                .map(f64::from_le_bytes)
                .collect(),
        ),
        "t" => Col::T(
            le_chunks::<8>(payload.downcast::<PyBytes>()?.as_bytes())
                .map(i64::from_le_bytes)
                .collect(),
        ),
        "s" => Col::S(payload.extract()?),
        other => {
            return Err(PyValueError::new_err(format!(
                "column `{name}`: unknown kind `{other}`"
            )))
        }
    })
}

/// The columns as the engine's in-memory table, named `source` in messages.
pub(crate) fn to_input(source: &str, columns: &[ColumnIn<'_>]) -> PyResult<CsvInput> {
    let mut names = Vec::with_capacity(columns.len());
    let mut cols = Vec::with_capacity(columns.len());
    for (name, kind, payload) in columns {
        names.push(name.as_str());
        cols.push(column(kind, payload, name)?);
    }
    let n = cols.first().map_or(0, Col::len);
    if let Some((name, c)) = names.iter().zip(&cols).find(|(_, c)| c.len() != n) {
        return Err(PyValueError::new_err(format!(
            "column `{name}` has {} values, the first column {n}",
            c.len()
        )));
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(n * 16 * cols.len()));
    let err = |e: csv::Error| PyValueError::new_err(e.to_string());
    w.write_record(&names).map_err(err)?;
    let mut fields = vec![String::new(); cols.len()];
    for i in 0..n {
        for (c, f) in cols.iter().zip(fields.iter_mut()) {
            c.field(i, f);
        }
        w.write_record(&fields).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    CsvInput::from_bytes(Path::new(source), &bytes).map_err(crate::error::to_py)
}

/// A table as `[(name, kind, payload[, mask])]` columns (see the module docs).
pub(crate) fn from_table<'py>(py: Python<'py>, t: &Table) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for (j, name) in t.columns.iter().enumerate() {
        let cells = t.rows.iter().map(|r| &r[j]);
        let has = |f: fn(&Cell) -> bool| t.rows.iter().any(|r| f(&r[j]));
        if has(|c| matches!(c, Cell::Text(_))) {
            let v: Vec<Option<String>> = cells
                .map(|c| match c {
                    Cell::Empty => None,
                    Cell::Int(i) => Some(i.to_string()),
                    Cell::Float(x, _) => Some(x.to_string()),
                    Cell::Text(s) => Some(s.clone()),
                })
                .collect();
            out.append((name, "s", v))?;
        } else if has(|c| matches!(c, Cell::Float(..))) {
            let mut b = Vec::with_capacity(t.rows.len() * 8);
            for c in cells {
                let x = match c {
                    Cell::Float(x, _) => *x,
                    Cell::Int(i) => *i as f64,
                    _ => f64::NAN,
                };
                b.extend_from_slice(&x.to_le_bytes());
            }
            out.append((name, "f", PyBytes::new(py, &b)))?;
        } else {
            let mut b = Vec::with_capacity(t.rows.len() * 8);
            let mut mask = Vec::with_capacity(t.rows.len());
            for c in cells {
                let (x, ok) = match c {
                    Cell::Int(i) => (*i, 1u8),
                    _ => (0, 0),
                };
                b.extend_from_slice(&x.to_le_bytes());
                mask.push(ok);
            }
            out.append((name, "i", PyBytes::new(py, &b), PyBytes::new(py, &mask)))?;
        }
    }
    Ok(out)
}
