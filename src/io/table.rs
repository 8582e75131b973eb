//! Tables at the I/O edge: reading CSV inputs with row/column-located errors, and rendering
//! output tables as aligned text, CSV or JSON (one renderer per `--format`, STYLE.md C13).
//!
//! Why not polars here: a clean debug build with polars takes ~16 min and a release build over
//! 22 min on the 2-core machines this project builds on (../shared/bench/DEPENDENCIES.md), for
//! tables of at most a few hundred thousand rows that the `csv` crate reads in milliseconds.
//! Computation works on typed vectors; this module is the only place that sees text.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::raw::{ReadOptions, SourceKind, Typed};
use super::source::read_bytes;
use crate::io::Location;
use crate::model::LocalStamp;
use crate::time::{parse_timestamp, NaiveDateTime};

pub use super::error::TableError;

/// A table read into memory — from CSV, a workbook or Parquet, through the one reader of
/// [`super::source`] — with the file line (or sheet row) of every record.
#[derive(Debug, Clone)]
pub struct CsvInput {
    path: PathBuf,
    headers: Vec<String>,
    records: Vec<csv::StringRecord>,
    lines: Vec<u64>,
    raw_typed: Typed,
    kind: Option<SourceKind>,
}

/// The reader settings the binary chose for every input (its global `--sheet`), used by
/// [`CsvInput::read`]; library callers pass [`ReadOptions`] to [`CsvInput::read_with`] instead.
static DEFAULT_SHEET: std::sync::RwLock<Option<String>> = std::sync::RwLock::new(None);

/// Sets the worksheet [`CsvInput::read`] reads from workbooks (the CLI's `--sheet`).
pub fn set_default_sheet(sheet: Option<String>) {
    if let Ok(mut s) = DEFAULT_SHEET.write() {
        *s = sheet;
    }
}

/// The site's time zone the binary chose for every reader (its global `--tz`).
static DEFAULT_ZONE: std::sync::RwLock<Option<chrono_tz::Tz>> = std::sync::RwLock::new(None);

/// Sets the site's time zone every reader places timestamps in (the CLI's `--tz`): instants
/// (`Z`, `±hh:mm`) are converted to it, and ingestion writes every interval with its offset.
pub fn set_default_zone(zone: Option<chrono_tz::Tz>) {
    if let Ok(mut z) = DEFAULT_ZONE.write() {
        *z = zone;
    }
}

/// The zone set by [`set_default_zone`].
pub fn default_zone() -> Option<chrono_tz::Tz> {
    DEFAULT_ZONE.read().ok().and_then(|z| *z)
}

/// Reads the timestamps of a table's rows on the site's clock ([`CsvInput::local_stamp`]),
/// telling the two occurrences of a naive wall-clock time of a fall-back night apart by their
/// order within a series (queue): the first is the earlier instant, the second the later.
#[derive(Debug, Default)]
pub struct StampReader {
    seen: std::collections::HashSet<(usize, NaiveDateTime)>,
    /// No date range (see [`StampReader::any_date`]).
    any_date: bool,
}

impl StampReader {
    /// A reader without the date range of [`crate::limits::DATE_RANGE`]: for a reader that
    /// bounds the span of its dates instead (the forecast history, whose error names both ends).
    pub(crate) fn any_date() -> Self {
        StampReader {
            any_date: true,
            ..StampReader::default()
        }
    }

    /// The timestamp of `row`, `col`, for series `series`.
    ///
    /// # Errors
    /// As [`CsvInput::local_stamp`].
    pub fn read(
        &mut self,
        input: &CsvInput,
        row: usize,
        col: usize,
        series: usize,
    ) -> Result<LocalStamp, TableError> {
        let first = input.local_stamp_in(row, col, false, self.any_date)?;
        let zone = default_zone();
        let naive = parse_timestamp(input.text(row, col)).is_some();
        if naive
            && crate::model::slot_stamps(first.local, zone).len() == 2
            && !self.seen.insert((series, first.local))
        {
            return input.local_stamp_in(row, col, true, self.any_date);
        }
        Ok(first)
    }
}

/// The worksheet set by [`set_default_sheet`].
pub fn default_sheet() -> Option<String> {
    DEFAULT_SHEET.read().ok().and_then(|s| s.clone())
}

fn default_options() -> ReadOptions {
    ReadOptions {
        sheet: DEFAULT_SHEET.read().ok().and_then(|s| s.clone()),
        ..ReadOptions::default()
    }
}

/// Reads a whole file (`-` = standard input) into memory.
///
/// # Errors
/// [`TableError::Io`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, TableError> {
    let io = |source| TableError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(io)?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(io)
    }
}

/// Two columns of one name: every lookup reads the first and the second is silently ignored,
/// so the file is ambiguous.
fn check_headers(path: &Path, headers: &[String]) -> Result<(), TableError> {
    for (j, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some(i) = headers[..j].iter().position(|x| x == h) {
            return Err(TableError::BadRow {
                at: Location {
                    file: path.to_path_buf(),
                    line: 1,
                    column: Some(h.clone()),
                },
                reason: format!(
                    "the header names column `{h}` twice (columns {} and {}): which one to read is ambiguous; rename or remove one",
                    i + 1,
                    j + 1
                ),
            });
        }
    }
    Ok(())
}

impl CsvInput {
    /// Reads a whole table file (`-` = standard input): CSV (delimiter sniffed), a workbook
    /// (the first sheet, or the CLI's `--sheet`) or Parquet, recognised by content. Fields are
    /// trimmed of surrounding spaces.
    ///
    /// # Errors
    /// [`TableError::Empty`], [`TableError::HeaderOnly`], [`TableError::BadRow`] (wrong field
    /// count or invalid UTF-8, with the line), [`TableError::Io`].
    pub fn read(path: &Path) -> Result<Self, TableError> {
        Self::read_with(path, &default_options())
    }

    /// [`CsvInput::read`] with explicit reader options.
    ///
    /// # Errors
    /// As [`CsvInput::read`].
    pub fn read_with(path: &Path, opts: &ReadOptions) -> Result<Self, TableError> {
        let bytes = read_file(path)?;
        Self::from_bytes_with(path, &bytes, opts)
    }

    /// Parses a table from memory; `path` is used in messages only.
    ///
    /// # Errors
    /// As [`CsvInput::read`].
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Self, TableError> {
        Self::from_bytes_with(path, bytes, &default_options())
    }

    /// [`CsvInput::from_bytes`] with explicit reader options.
    ///
    /// # Errors
    /// As [`CsvInput::read`].
    pub fn from_bytes_with(
        path: &Path,
        bytes: &[u8],
        opts: &ReadOptions,
    ) -> Result<Self, TableError> {
        let raw = read_bytes(path, bytes, opts)?;
        check_headers(path, &raw.headers)?;
        if raw.records.is_empty() {
            return Err(TableError::HeaderOnly {
                path: path.to_path_buf(),
            });
        }
        Ok(CsvInput {
            path: path.to_path_buf(),
            headers: raw.headers,
            records: raw.records,
            lines: raw.lines,
            raw_typed: raw.typed,
            kind: raw.kind,
        })
    }

    /// Reads a table file (`-` = standard input) as [`CsvInput::read`] does, handing it to `f`
    /// in pieces of at most `rows` data rows (each a [`CsvInput`] with the file's header and
    /// the file lines of its rows), so that a reader that keeps typed rows never holds every
    /// record as text. A CSV file is checked whole first (field counts, UTF-8, the header), so
    /// that the errors and their order are those of [`CsvInput::read`]; a workbook or Parquet
    /// file is one piece.
    ///
    /// # Errors
    /// As [`CsvInput::read`], and whatever `f` returns.
    pub fn read_chunks<E: From<TableError>>(
        path: &Path,
        rows: usize,
        mut f: impl FnMut(&CsvInput) -> Result<(), E>,
    ) -> Result<(), E> {
        let opts = default_options();
        let bytes = read_file(path)?;
        if super::raw::SourceKind::sniff(&bytes) != SourceKind::Csv {
            let all = Self::from_bytes_with(path, &bytes, &opts)?;
            drop(bytes);
            return f(&all);
        }
        let mut rec = csv::StringRecord::new();
        // Pass 1: the structure of the whole file, keeping nothing.
        let mut s = super::source::CsvStream::new(path, &bytes, &opts)?;
        let mut n = 0usize;
        while s.next_record(&mut rec)?.is_some() {
            n += 1;
        }
        check_headers(path, &s.headers)?;
        drop(s);
        if n == 0 {
            return Err(TableError::HeaderOnly {
                path: path.to_path_buf(),
            }
            .into());
        }
        // Pass 2: the records, piece by piece.
        let mut s = super::source::CsvStream::new(path, &bytes, &opts)?;
        let rows = rows.max(1);
        let mut chunk = CsvInput {
            path: path.to_path_buf(),
            headers: std::mem::take(&mut s.headers),
            records: Vec::with_capacity(rows.min(n)),
            lines: Vec::with_capacity(rows.min(n)),
            raw_typed: Typed::None,
            kind: Some(SourceKind::Csv),
        };
        while let Some(line) = s.next_record(&mut rec)? {
            chunk.records.push(rec.clone());
            chunk.lines.push(line);
            if chunk.records.len() == rows {
                f(&chunk)?;
                chunk.records.clear();
                chunk.lines.clear();
            }
        }
        if !chunk.records.is_empty() {
            f(&chunk)?;
        }
        Ok(())
    }

    /// What kind of file the table came from.
    pub fn kind(&self) -> Option<SourceKind> {
        self.kind
    }

    /// True when the source typed this cell (a workbook's number, date or duration, a Parquet
    /// column that is not text): its text is canonical and is never re-read with an export's
    /// decimal comma or custom format.
    pub fn is_typed(&self, row: usize, col: usize) -> bool {
        match &self.raw_typed {
            Typed::None => false,
            Typed::Columns(c) => c.get(col).copied().unwrap_or(false),
            Typed::Cells(c) => c
                .get(row * self.headers.len() + col)
                .copied()
                .unwrap_or(false),
        }
    }

    /// Number of fields of data row `row` (equal to the header's unless read as flexible).
    pub fn width(&self, row: usize) -> usize {
        self.records[row].len()
    }

    /// The file this table came from.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The header names.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }
    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    /// True when there are no data rows (never, for a table returned by `read`).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// The 1-based line number of data row `row` (header = line 1).
    pub fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    /// Index of column `name`, if present.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Indices of the required columns, in order.
    ///
    /// # Errors
    /// [`TableError::MissingColumns`] naming every missing column.
    pub fn require(&self, names: &[&str]) -> Result<Vec<usize>, TableError> {
        let missing: Vec<String> = names
            .iter()
            .filter(|n| self.column(n).is_none())
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(TableError::MissingColumns {
                path: self.path.clone(),
                missing,
                found: self.headers.clone(),
            });
        }
        Ok(names.iter().map(|n| self.column(n).unwrap()).collect())
    }

    /// The raw text of a field.
    pub fn text(&self, row: usize, col: usize) -> &str {
        self.records[row].get(col).unwrap_or("")
    }

    /// The location of a field, for error messages.
    pub fn location(&self, row: usize, col: usize) -> Location {
        Location {
            file: self.path.clone(),
            line: self.lines[row],
            column: self.headers.get(col).cloned(),
        }
    }

    fn bad(&self, row: usize, col: usize, reason: &str) -> TableError {
        TableError::BadValue {
            at: self.location(row, col),
            value: self.text(row, col).to_string(),
            reason: reason.to_string(),
        }
    }

    /// A number, `None` when the field is empty.
    ///
    /// # Errors
    /// [`TableError::BadValue`] when the field is not a finite number.
    pub fn opt_f64(&self, row: usize, col: usize) -> Result<Option<f64>, TableError> {
        let t = self.text(row, col);
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.bad(row, col, "expected a finite number")),
        }
    }

    /// A required finite number.
    ///
    /// # Errors
    /// [`TableError::BadValue`] when empty or not a finite number.
    pub fn f64(&self, row: usize, col: usize) -> Result<f64, TableError> {
        self.opt_f64(row, col)?
            .ok_or_else(|| self.bad(row, col, "expected a number, the field is empty"))
    }

    /// A required finite number ≥ 0.
    ///
    /// # Errors
    /// [`TableError::BadValue`] when empty, not a number, or negative.
    pub fn non_negative(&self, row: usize, col: usize) -> Result<f64, TableError> {
        let v = self.f64(row, col)?;
        if v < 0.0 {
            return Err(self.bad(row, col, "expected a value ≥ 0"));
        }
        Ok(v)
    }

    /// A finite number in `[0, max]`; `what` names the unit in the error (`contacts per
    /// interval`, `seconds`).
    ///
    /// # Errors
    /// [`TableError::BadValue`] when empty, not a number, negative or above `max`.
    pub fn bounded(&self, row: usize, col: usize, max: f64, what: &str) -> Result<f64, TableError> {
        let v = self.f64(row, col)?;
        self.check_bounded(row, col, v, max, what)
    }

    /// An optional finite number in `[0, max]` (see [`CsvInput::bounded`]).
    ///
    /// # Errors
    /// [`TableError::BadValue`] when not a number, negative or above `max`.
    pub fn opt_bounded(
        &self,
        row: usize,
        col: usize,
        max: f64,
        what: &str,
    ) -> Result<Option<f64>, TableError> {
        self.opt_f64(row, col)?
            .map(|v| self.check_bounded(row, col, v, max, what))
            .transpose()
    }

    fn check_bounded(
        &self,
        row: usize,
        col: usize,
        v: f64,
        max: f64,
        what: &str,
    ) -> Result<f64, TableError> {
        if (0.0..=max).contains(&v) {
            Ok(v)
        } else {
            // 1e9, 8.64e13: a limit reads better in scientific notation from a million up.
            let max = if max >= 1e6 {
                format!("{max:e}")
            } else {
                max.to_string()
            };
            let range = format!("expected {what} in [0, {max}]");
            Err(self.bad(row, col, &range))
        }
    }

    /// An optional finite number ≥ 0.
    ///
    /// # Errors
    /// [`TableError::BadValue`] when not a number, or negative.
    pub fn opt_non_negative(&self, row: usize, col: usize) -> Result<Option<f64>, TableError> {
        match self.opt_f64(row, col)? {
            Some(v) if v < 0.0 => Err(self.bad(row, col, "expected a value ≥ 0")),
            v => Ok(v),
        }
    }

    /// A required timestamp (see [`crate::time::parse_timestamp`]).
    ///
    /// # Errors
    /// [`TableError::BadValue`] when the field is not a timestamp.
    ///
    /// A timestamp with a UTC offset or `Z` (an instant, as `wfm ingest --tz` writes) is placed
    /// on the site's clock of [`default_zone`] (`--tz`), and is an error without one.
    /// Dates outside [`crate::limits::DATE_RANGE`] are errors.
    pub fn timestamp(&self, row: usize, col: usize) -> Result<NaiveDateTime, TableError> {
        let t = self.timestamp_any_date(row, col)?;
        crate::limits::check_date(t).map_err(|e| self.bad(row, col, &e))
    }

    /// [`CsvInput::timestamp`] without the date range: for a reader that bounds the span of its
    /// dates instead (the forecast history, whose error names both ends).
    ///
    /// # Errors
    /// [`TableError::BadValue`] when the field is not a timestamp.
    fn timestamp_any_date(&self, row: usize, col: usize) -> Result<NaiveDateTime, TableError> {
        let text = self.text(row, col);
        if let Some(t) = parse_timestamp(text) {
            return Ok(t);
        }
        match super::shape::parse_iso(text) {
            Some(stamp @ super::shape::Stamp::Instant(_)) => {
                super::shape::localize(stamp, default_zone(), false)
                    .map(|l| l.local)
                    .map_err(|e| self.bad(row, col, &e))
            }
            _ => Err(self.bad(
                row,
                col,
                "expected a timestamp YYYY-MM-DDTHH:MM:SS (ISO 8601, local time)",
            )),
        }
    }

    /// A required timestamp on the site's clock with its UTC offset ([`LocalStamp`]): an
    /// instant (`Z`, `±hh:mm`) is placed in [`default_zone`] (`--tz`), a naive time is read as
    /// that zone's wall clock (without `--tz`: as itself, no offset). `later` picks the second
    /// instant of a naive wall-clock time that a fall-back night repeats ([`StampReader`] tells
    /// the occurrences apart by their order).
    ///
    /// # Errors
    /// [`TableError::BadValue`] when the field is not a timestamp, is an instant without
    /// `--tz`, or is a wall-clock time a spring-forward change skips.
    pub fn local_stamp(
        &self,
        row: usize,
        col: usize,
        later: bool,
    ) -> Result<LocalStamp, TableError> {
        self.local_stamp_in(row, col, later, false)
    }

    /// [`CsvInput::local_stamp`], without the date range when `any_date`.
    fn local_stamp_in(
        &self,
        row: usize,
        col: usize,
        later: bool,
        any_date: bool,
    ) -> Result<LocalStamp, TableError> {
        let text = self.text(row, col);
        let stamp = match parse_timestamp(text) {
            Some(t) => super::shape::Stamp::Naive(t),
            None => super::shape::parse_iso(text).ok_or_else(|| {
                self.bad(
                    row,
                    col,
                    "expected a timestamp YYYY-MM-DDTHH:MM:SS (ISO 8601, local time), or with its UTC offset",
                )
            })?,
        };
        let localize = if any_date {
            super::shape::localize_any_date
        } else {
            super::shape::localize
        };
        localize(stamp, default_zone(), later).map_err(|e| self.bad(row, col, &e))
    }

    /// A required non-empty text field.
    ///
    /// # Errors
    /// [`TableError::BadValue`] when the field is empty.
    pub fn non_empty(&self, row: usize, col: usize) -> Result<&str, TableError> {
        let t = self.text(row, col);
        if t.is_empty() {
            return Err(self.bad(row, col, "expected a non-empty value"));
        }
        Ok(t)
    }
}

/// Reads and deserializes a TOML file.
///
/// # Errors
/// [`TableError::Io`] or [`TableError::Toml`] (the message names line and column).
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, TableError> {
    let text = std::fs::read_to_string(path).map_err(|source| TableError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| TableError::Toml {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// One output cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value (rendered as an empty field / JSON null).
    Empty,
    /// An integer.
    Int(i64),
    /// A number rendered with a fixed number of decimals.
    Float(f64, usize),
    /// Text.
    Text(String),
}

impl Cell {
    /// A float with `dp` decimals, or empty when `v` is `None` or not finite.
    pub fn float(v: Option<f64>, dp: usize) -> Cell {
        match v {
            Some(x) if x.is_finite() => Cell::Float(x, dp),
            _ => Cell::Empty,
        }
    }
    /// Text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    pub(crate) fn render(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(v, dp) => {
                let s = format!("{v:.dp$}");
                // Avoid "-0.000".
                if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
                    s[1..].to_string()
                } else {
                    s
                }
            }
            Cell::Text(t) => t.clone(),
        }
    }
    /// As a person reads it in `table` output: a fraction as a percentage (two decimals fewer
    /// than the fraction had, at least one), a difference of fractions in percentage points.
    fn render_human(&self, share: super::schema::Share) -> String {
        use super::schema::Share;
        match (self, share) {
            (Cell::Float(v, dp), Share::Fraction) => {
                let p = dp.saturating_sub(2).max(1);
                Cell::Float(100.0 * v, p).render() + " %"
            }
            (Cell::Float(v, dp), Share::Points) => {
                let p = dp.saturating_sub(2).max(1);
                let s = Cell::Float(100.0 * v, p).render();
                let sign = if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
                    ""
                } else {
                    "+"
                };
                format!("{sign}{s} pp")
            }
            _ => self.render(),
        }
    }
    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Int(i) => serde_json::Value::from(*i),
            Cell::Float(..) => {
                let s = self.render();
                serde_json::from_str::<serde_json::Number>(&s)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null)
            }
            Cell::Text(t) => serde_json::Value::String(t.clone()),
        }
    }
}

/// How a table is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Aligned columns for a terminal.
    #[default]
    Table,
    /// Comma-separated values with a header.
    Csv,
    /// A JSON array of objects (keys in column order).
    Json,
}

/// An output table: named columns and rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows; each has `columns.len()` cells.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Table {
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (must have one cell per column).
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// Writes the table in `format`.
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn write(&self, format: OutputFormat, w: &mut dyn Write) -> std::io::Result<()> {
        match format {
            OutputFormat::Table => self.write_text(w),
            _ => {
                let mut out = RowWriter::new(&self.columns, format, w)?;
                for r in &self.rows {
                    out.row(r)?;
                }
                out.finish()
            }
        }
    }

    /// Writes CSV with a header.
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn write_csv(&self, w: &mut dyn Write) -> std::io::Result<()> {
        self.write(OutputFormat::Csv, w)
    }

    /// Writes a JSON array of objects, one per row, keys in column order.
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        self.write(OutputFormat::Json, w)
    }

    /// Writes aligned text columns (numbers right-aligned).
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn write_text(&self, w: &mut dyn Write) -> std::io::Result<()> {
        // Rates and shares read as percentages here (fractions in CSV/JSON: schema::share).
        let shares: Vec<super::schema::Share> = self
            .columns
            .iter()
            .map(|c| super::schema::share(c))
            .collect();
        let rendered: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&shares)
                    .map(|(c, s)| c.render_human(*s))
                    .collect()
            })
            .collect();
        let mut width: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for r in &rendered {
            for (j, s) in r.iter().enumerate() {
                width[j] = width[j].max(s.chars().count());
            }
        }
        let line = |cells: Vec<(String, bool)>| -> String {
            let mut out = String::new();
            for (j, (s, right)) in cells.into_iter().enumerate() {
                if j > 0 {
                    out.push_str("  ");
                }
                let pad = width[j].saturating_sub(s.chars().count());
                if right {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&s);
                } else {
                    out.push_str(&s);
                    out.push_str(&" ".repeat(pad));
                }
            }
            out.trim_end().to_string()
        };
        writeln!(
            w,
            "{}",
            line(self.columns.iter().map(|c| (c.clone(), false)).collect())
        )?;
        for (r, cells) in rendered.into_iter().zip(&self.rows) {
            let row = r
                .into_iter()
                .zip(cells)
                .map(|(s, c)| (s, matches!(c, Cell::Int(_) | Cell::Float(..))))
                .collect();
            writeln!(w, "{}", line(row))?;
        }
        Ok(())
    }
}

/// Writes a table row by row, so that a large result never exists twice in memory (once as
/// typed rows, once as cells): CSV and JSON rows go straight to the writer; the aligned text
/// format needs every width first and buffers its rows. The bytes are those of
/// [`Table::write`].
pub struct RowWriter<'w> {
    format: OutputFormat,
    columns: Vec<String>,
    csv: Option<csv::Writer<&'w mut dyn Write>>,
    raw: Option<&'w mut dyn Write>,
    text: Option<Table>,
    rows: usize,
}

impl std::fmt::Debug for RowWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowWriter")
            .field("format", &self.format)
            .field("rows", &self.rows)
            .finish()
    }
}

/// Keeps the kind of an I/O error (a closed pipe must stay `BrokenPipe`, which the binary
/// treats as a normal end); csv's own conversion turns every error into `Other`.
fn io_of(e: csv::Error) -> std::io::Error {
    match e.kind() {
        csv::ErrorKind::Io(inner) => std::io::Error::new(inner.kind(), e.to_string()),
        _ => std::io::Error::other(e),
    }
}

impl<'w> RowWriter<'w> {
    /// Starts a table with `columns` in `format` on `w` (writes the header or the opening
    /// bracket).
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn new<S: AsRef<str>>(
        columns: &[S],
        format: OutputFormat,
        w: &'w mut dyn Write,
    ) -> std::io::Result<Self> {
        let columns: Vec<String> = columns.iter().map(|c| c.as_ref().to_string()).collect();
        let mut out = RowWriter {
            format,
            columns,
            csv: None,
            raw: None,
            text: None,
            rows: 0,
        };
        match format {
            OutputFormat::Csv => {
                let mut wtr = csv::Writer::from_writer(w);
                wtr.write_record(&out.columns).map_err(io_of)?;
                out.csv = Some(wtr);
            }
            OutputFormat::Json => {
                writeln!(w, "[")?;
                out.raw = Some(w);
            }
            OutputFormat::Table => {
                out.text = Some(Table::new(out.columns.clone()));
                out.raw = Some(w);
            }
        }
        Ok(out)
    }

    /// Writes one row (one cell per column).
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn row(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        debug_assert_eq!(cells.len(), self.columns.len());
        if let Some(wtr) = &mut self.csv {
            wtr.write_record(cells.iter().map(Cell::render))
                .map_err(io_of)?;
        } else if let Some(t) = &mut self.text {
            t.push(cells.to_vec());
        } else if let Some(w) = &mut self.raw {
            if self.rows > 0 {
                writeln!(w, ",")?;
            }
            write!(w, "  {{")?;
            for (j, (c, v)) in self.columns.iter().zip(cells).enumerate() {
                if j > 0 {
                    write!(w, ", ")?;
                }
                write!(w, "{}: {}", serde_json::Value::String(c.clone()), v.json())?;
            }
            write!(w, "}}")?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Ends the table (the closing bracket, the buffered text, the last flush).
    ///
    /// # Errors
    /// Any error of the writer.
    pub fn finish(mut self) -> std::io::Result<()> {
        if let Some(mut wtr) = self.csv.take() {
            return wtr.flush();
        }
        let w = self.raw.take().expect("JSON and text hold the writer");
        if let Some(t) = self.text.take() {
            return t.write_text(w);
        }
        if self.rows > 0 {
            writeln!(w)?;
        }
        writeln!(w, "]")?;
        w.flush()
    }
}

/// Writes `bytes` to `path` atomically: to a temporary file in the same folder, then renamed
/// over the target, so a reader never sees a half-written file. Refuses to write over any of
/// `inputs` (an output must never overwrite an input).
///
/// # Errors
/// [`TableError::Io`] on failure, or when `path` is one of `inputs`.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), TableError> {
    write_atomic_with(path, inputs, |w| w.write_all(bytes))
}

/// The content hash a sidecar stores of the file it describes (64-bit FNV-1a, lowercase hex):
/// `wfm audit` refuses a forecast whose `.meta.json` was written for other bytes (a kill between
/// the CSV and its sidecar left a new CSV beside a stale sidecar, which the audit trusted).
///
/// # References
/// Fowler, Noll, Vo, "FNV hash" (IETF draft-eastlake-fnv), 64-bit FNV-1a: offset basis
/// 0xcbf29ce484222325, prime 0x100000001b3.
pub fn content_hash(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{h:016x}")
}

/// Where an output named `path` is written: a symbolic link is followed to its target (the
/// link itself is never replaced by a regular file: as root, `--out /dev/stdout` replaced the
/// system's `/dev/stdout`), and an existing target that is not a regular file (a directory, a
/// device, a pipe) is refused.
///
/// # Errors
/// [`std::io::ErrorKind::InvalidInput`] for a target that is not a regular file or a chain of
/// more than 40 links.
fn out_target(path: &Path) -> std::io::Result<PathBuf> {
    out_target_as(path, false)
}

/// As [`out_target`] for a file (`dir` false) or a directory of outputs (`dir` true: an
/// existing target must be a directory).
fn out_target_as(path: &Path, dir: bool) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let t = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if t.is_relative() => dir.join(t),
                    _ => t,
                };
            }
            Ok(m) if dir && !m.is_dir() => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "`{}` is not a directory: refusing to replace it with a directory of outputs",
                        p.display()
                    ),
                ))
            }
            Ok(m) if !dir && !m.is_file() => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "`{}` is not a regular file (a directory, device or pipe): refusing to replace it; write the output to a file, or omit --out for standard output",
                        p.display()
                    ),
                ))
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "more than 40 symbolic links in a row",
    ))
}

/// As [`write_atomic`], streaming: `write` fills the temporary file through a buffered writer
/// (a large output is never held in memory as a whole).
///
/// # Errors
/// As [`write_atomic`], or the error `write` returned (the temporary file is removed).
pub fn write_atomic_with(
    path: &Path,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), TableError> {
    let io = |source| TableError::Io {
        path: path.to_path_buf(),
        source,
    };
    let path = &out_target(path).map_err(io)?;
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(target) = canon(path) {
        if inputs.iter().any(|i| canon(i).as_ref() == Some(&target)) {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "refusing to overwrite an input file",
            )));
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    let n = TEMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tmp.push(format!(".{}.{n}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let mut w = std::io::BufWriter::new(f);
        write(&mut w)?;
        // No fsync: the rename makes the write atomic for every reader and against a killed
        // process; a sync per file cost 19 s for a roster's 3,000 calendars on a busy disk.
        w.flush()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    if let Some(set) = output_set().as_mut() {
        // Staged: renamed into place with the rest of the set by `commit_output_set`.
        if let Some(i) = set.iter().position(|(_, target)| target == path) {
            let _ = std::fs::remove_file(&set.remove(i).0);
        }
        set.push((tmp, path.clone()));
        return Ok(());
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

/// Writes a directory of outputs (`files`: name and bytes) as one output: every file into a
/// temporary sibling directory with one buffered write each, then the directory renamed into
/// place, replacing an earlier one whole (a file an earlier run wrote and this one does not is
/// gone). Inside an open output set the directory is staged and renamed at
/// [`commit_output_set`] like any file of the set. Per file there is no check, sync or rename
/// of its own: a roster's 3,000 calendars took 25–30 s one [`write_atomic`] at a time on a busy
/// disk.
///
/// # Errors
/// [`TableError::Io`] when a file cannot be written, when `dir` exists and is not a directory,
/// or when one of `inputs` lies inside `dir` (nothing is replaced then).
pub fn write_atomic_dir(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    inputs: &[PathBuf],
) -> Result<(), TableError> {
    let io = |path: &Path, source| TableError::Io {
        path: path.to_path_buf(),
        source,
    };
    let target = out_target_as(dir, true).map_err(|e| io(dir, e))?;
    if let Ok(t) = std::fs::canonicalize(&target) {
        let inside = |i: &PathBuf| std::fs::canonicalize(i).is_ok_and(|c| c.starts_with(&t));
        if inputs.iter().any(inside) {
            return Err(io(
                dir,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "refusing to replace a directory that holds an input file",
                ),
            ));
        }
    }
    if let Some(parent) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    let mut tmp = target.as_os_str().to_owned();
    let n = TEMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tmp.push(format!(".{}.{n}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::create_dir(&tmp)
        .map_err(|e| io(&tmp, e))
        .and_then(|()| {
            files.iter().try_for_each(|(name, bytes)| {
                let path = tmp.join(name);
                std::fs::write(&path, bytes).map_err(|e| io(&path, e))
            })
        });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if let Some(set) = output_set().as_mut() {
        if let Some(i) = set.iter().position(|(_, t)| *t == target) {
            remove_staged(&set.remove(i).0);
        }
        set.push((tmp, target));
        return Ok(());
    }
    replace_dir(&tmp, &target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        io(&target, e)
    })
}

/// Renames the directory `tmp` to `target`; an existing `target` is moved aside first and
/// removed after (put back if the rename fails).
fn replace_dir(tmp: &Path, target: &Path) -> std::io::Result<()> {
    if !target.is_dir() {
        return std::fs::rename(tmp, target);
    }
    let mut old = target.as_os_str().to_owned();
    let n = TEMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    old.push(format!(".{}.{n}.old", std::process::id()));
    let old = PathBuf::from(old);
    std::fs::rename(target, &old)?;
    if let Err(e) = std::fs::rename(tmp, target) {
        let _ = std::fs::rename(&old, target);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Removes a staged temporary file or directory.
fn remove_staged(tmp: &Path) {
    if tmp.is_dir() {
        let _ = std::fs::remove_dir_all(tmp);
    } else {
        let _ = std::fs::remove_file(tmp);
    }
}

static TEMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The open output set: `(temporary file, target)` in the order written (issue #16).
static OUTPUT_SET: std::sync::Mutex<Option<Vec<(PathBuf, PathBuf)>>> = std::sync::Mutex::new(None);

fn output_set() -> std::sync::MutexGuard<'static, Option<Vec<(PathBuf, PathBuf)>>> {
    OUTPUT_SET
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Opens an output set: until [`commit_output_set`], every [`write_atomic`] /
/// [`write_atomic_with`] checks its target (not an input, not a directory or device, a symbolic
/// link followed) and writes a temporary sibling, but renames nothing. A command that writes
/// several files (a forecast and its sidecar, a schedule directory, a plan and its totals) so
/// writes all of them or none: an error midway leaves every previous file as it was.
pub fn begin_output_set() {
    *output_set() = Some(Vec::new());
}

/// Renames every staged file of the open set into place, in the order written (a forecast's CSV
/// before its sidecar, whose content hash tells a stale pair), and closes the set. Without an
/// open set, nothing.
///
/// # Errors
/// [`TableError::Io`] when a rename fails (the remaining temporary files are removed).
pub fn commit_output_set() -> Result<(), TableError> {
    let staged = output_set().take().unwrap_or_default();
    let mut it = staged.into_iter();
    while let Some((tmp, target)) = it.next() {
        let renamed = if tmp.is_dir() {
            replace_dir(&tmp, &target)
        } else {
            std::fs::rename(&tmp, &target)
        };
        if let Err(source) = renamed {
            remove_staged(&tmp);
            for (t, _) in it {
                remove_staged(&t);
            }
            return Err(TableError::Io {
                path: target,
                source,
            });
        }
    }
    Ok(())
}

/// Removes every staged file of the open set and closes it: nothing of the set is written.
pub fn abort_output_set() {
    for (tmp, _) in output_set().take().unwrap_or_default() {
        remove_staged(&tmp);
    }
}

/// The bytes of an output written in this run: the staged temporary file while a set is open,
/// else the file itself.
///
/// # Errors
/// [`TableError::Io`] when it cannot be read.
pub fn read_output(path: &Path) -> Result<Vec<u8>, TableError> {
    let target = out_target(path).unwrap_or_else(|_| path.to_path_buf());
    let staged = output_set().as_ref().and_then(|set| {
        set.iter()
            .rev()
            .find(|(_, t)| *t == target)
            .map(|(tmp, _)| tmp.clone())
    });
    let from = staged.unwrap_or(target);
    std::fs::read(&from).map_err(|source| TableError::Io { path: from, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_of_outputs_replaces_the_old_one_whole() {
        let dir = std::env::temp_dir().join(format!("wfm-atomic-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let ics = dir.join("ics");
        let files = |names: &[&str]| -> Vec<(String, Vec<u8>)> {
            names
                .iter()
                .map(|n| (n.to_string(), n.as_bytes().to_vec()))
                .collect()
        };
        let listing = || -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(&ics)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        write_atomic_dir(&ics, &files(&["a.ics", "b.ics"]), &[]).unwrap();
        assert_eq!(listing(), ["a.ics", "b.ics"]);
        // A later run with fewer agents: the directory is the new set, nothing stale.
        write_atomic_dir(&ics, &files(&["b.ics", "c.ics"]), &[]).unwrap();
        assert_eq!(listing(), ["b.ics", "c.ics"]);
        assert_eq!(std::fs::read(ics.join("c.ics")).unwrap(), b"c.ics");
        // (Inside an output set the directory is staged like a file: the set is global state,
        // so that is checked end to end by `wfm schedule --agents` in tests/plans_demo_month.rs.)
        // Only the target directory is left: no temporary or old sibling.
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1);
        // A directory holding an input is not replaced.
        let input = ics.join("c.ics");
        let e = write_atomic_dir(&ics, &files(&["e.ics"]), &[input]).unwrap_err();
        assert!(format!("{e:?}").contains("holds an input"), "{e:?}");
        assert_eq!(listing(), ["b.ics", "c.ics"]);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn content_hash_is_64_bit_fnv1a() {
        // Test vectors of the FNV reference (draft-eastlake-fnv, appendix): "" and "a".
        assert_eq!(content_hash(b""), "cbf29ce484222325");
        assert_eq!(content_hash(b"a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn streamed_rows_write_the_documented_bytes() {
        let mut t = Table::new(["a", "b"]);
        t.push(vec![Cell::Int(1), Cell::text("x,y")]);
        t.push(vec![Cell::Float(-0.0001, 2), Cell::Empty]);
        let render = |t: &Table, f| {
            let mut buf = Vec::new();
            t.write(f, &mut buf).unwrap();
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(render(&t, OutputFormat::Csv), "a,b\n1,\"x,y\"\n0.00,\n");
        assert_eq!(
            render(&t, OutputFormat::Json),
            "[\n  {\"a\": 1, \"b\": \"x,y\"},\n  {\"a\": 0.0, \"b\": null}\n]\n"
        );
        assert_eq!(render(&Table::new(["a"]), OutputFormat::Json), "[\n]\n");
        // Row by row gives the same bytes as the whole table.
        for f in [OutputFormat::Csv, OutputFormat::Json, OutputFormat::Table] {
            let mut buf = Vec::new();
            let mut w = RowWriter::new(&t.columns, f, &mut buf).unwrap();
            for r in &t.rows {
                w.row(r).unwrap();
            }
            w.finish().unwrap();
            assert_eq!(String::from_utf8(buf).unwrap(), render(&t, f));
        }
    }

    #[test]
    fn atomic_writes_leave_no_partial_file_on_error() {
        let dir = std::env::temp_dir().join(format!("wfm-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("out.csv");
        let r = write_atomic_with(&p, &[], |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(r.is_err());
        assert!(!p.exists());
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "temporary file removed"
        );
        write_atomic(&p, b"ok\n", &[]).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"ok\n");
        assert!(
            write_atomic(&p, b"x", std::slice::from_ref(&p)).is_err(),
            "never over an input"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn empty_and_header_only_are_errors() {
        let p = Path::new("x.csv");
        assert!(matches!(
            CsvInput::from_bytes(p, b""),
            Err(TableError::Empty { .. })
        ));
        assert!(matches!(
            CsvInput::from_bytes(p, b"a,b\n"),
            Err(TableError::HeaderOnly { .. })
        ));
    }

    #[test]
    fn errors_name_line_and_column() {
        let t = CsvInput::from_bytes(Path::new("x.csv"), b"a,b\n1,2\n3,zz\n").unwrap();
        let e = t.f64(1, 1).unwrap_err().to_string();
        assert!(e.contains("x.csv:3, column `b`"), "{e}");
        let e = CsvInput::from_bytes(Path::new("x.csv"), b"a,b\n1,2\n3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.csv:3"), "{e}");
        let e = t.require(&["a", "c"]).unwrap_err().to_string();
        assert!(e.contains("missing column(s) c"), "{e}");
    }

    #[test]
    fn renders_formats() {
        let mut t = Table::new(["k", "v"]);
        t.push(vec![Cell::text("a"), Cell::Float(1.0 / 3.0, 3)]);
        t.push(vec![Cell::text("b"), Cell::Empty]);
        let mut out = Vec::new();
        t.write(OutputFormat::Csv, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "k,v\na,0.333\nb,\n");
        let mut out = Vec::new();
        t.write(OutputFormat::Json, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0]["v"], serde_json::json!(0.333));
        assert!(v[1]["v"].is_null());
    }

    #[test]
    fn shares_are_percentages_in_table_output_and_fractions_in_files() {
        let mut t = Table::new(["queue", "service_level", "service_level_delta", "agents"]);
        t.push(vec![
            Cell::text("PS"),
            Cell::Float(0.8634, 4),
            Cell::Float(0.0038, 4),
            Cell::Float(12.0, 0),
        ]);
        t.push(vec![
            Cell::text("NE"),
            Cell::Float(0.9, 4),
            Cell::Float(-0.0012, 4),
            Cell::Empty,
        ]);
        let mut out = Vec::new();
        t.write(OutputFormat::Table, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("86.34 %") && text.contains("+0.38 pp"),
            "{text}"
        );
        assert!(
            text.contains("90.00 %") && text.contains("-0.12 pp"),
            "{text}"
        );
        let mut out = Vec::new();
        t.write(OutputFormat::Csv, &mut out).unwrap();
        let csv = String::from_utf8(out).unwrap();
        assert!(csv.contains("PS,0.8634,0.0038,12"), "{csv}");
    }
}
