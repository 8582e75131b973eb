//! The types every table reader shares: [`ReadOptions`], [`SourceKind`] and the raw table
//! (header, records as text, line of each record, typed cells) they all produce.

/// How a table file is read: the parts of an export's shape that concern the file, not its
/// columns (those are the column mappings of ingestion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Field delimiter of a CSV file; `None` = sniffed from the header line (`,` `;` tab `|`).
    pub delimiter: Option<u8>,
    /// Lines (CSV) or rows (workbook) before the header: report titles, periods, blank lines.
    pub skip_lines: usize,
    /// Worksheet of a workbook; `None` = the first sheet.
    pub sheet: Option<String>,
    /// Trim spaces around fields (default). Call logs keep them to report each repair.
    pub trim: bool,
    /// Records may have another number of fields than the header (the caller rejects them
    /// one by one); otherwise such a record is an error.
    pub flexible: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: None,
            skip_lines: 0,
            sheet: None,
            trim: true,
            flexible: false,
        }
    }
}

/// The kind of file, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Delimited text.
    Csv,
    /// An Excel or OpenDocument workbook.
    Workbook,
    /// Apache Parquet.
    Parquet,
}

impl SourceKind {
    /// Recognises a file by its first bytes (ZIP and OLE2 containers are workbooks).
    pub fn sniff(bytes: &[u8]) -> Self {
        if bytes.starts_with(b"PAR1") {
            SourceKind::Parquet
        } else if bytes.starts_with(b"PK\x03\x04")
            || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        {
            SourceKind::Workbook
        } else {
            SourceKind::Csv
        }
    }
}

/// A table read from any source: the header, the records as text, the file line (or sheet row)
/// of every record, and which cells were typed by the source (numbers, dates, durations of a
/// workbook or Parquet file, whose text is canonical and never re-read with a decimal comma).
#[derive(Debug, Clone)]
pub(crate) struct RawTable {
    pub(crate) headers: Vec<String>,
    pub(crate) records: Vec<csv::StringRecord>,
    pub(crate) lines: Vec<u64>,
    pub(crate) typed: Typed,
    pub(crate) kind: Option<SourceKind>,
}

/// Which cells carry a typed value.
#[derive(Debug, Clone, Default)]
pub(crate) enum Typed {
    /// None (CSV: every cell is text).
    #[default]
    None,
    /// Whole columns (Parquet).
    Columns(Vec<bool>),
    /// Cell by cell, `rows × columns` (workbooks).
    Cells(Vec<bool>),
}

/// `H:MM:SS[.mmm]` of a number of milliseconds (negative durations keep their sign): the
/// canonical text of a typed duration or time of day.
pub(crate) fn hms(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if f == 0 {
        format!("{sign}{h}:{m:02}:{s:02}")
    } else {
        format!("{sign}{h}:{m:02}:{s:02}.{f:03}")
    }
}
