//! The one path by which `wfm` reads a table: CSV (any delimiter, sniffed or declared, with
//! report lines before the header), XLSX/XLS/ODS workbooks and Parquet files all become the same
//! header + records + line numbers (`RawTable`), which `CsvInput` exposes to every reader.
//!
//! The format is recognised by content (the `PAR1` and ZIP / OLE magic numbers), so a Parquet
//! file piped on standard input or a workbook without its extension still reads. Line numbers
//! are counted from the bytes (1 + the newlines before a record's first byte), so CRLF files,
//! report lines before the header and blank lines never shift a located error.

use std::path::Path;

use super::error::TableError;
use super::raw::{RawTable, Typed};
use super::Location;

pub use super::raw::{ReadOptions, SourceKind};

/// Reads a table from bytes in whatever format they are.
pub(crate) fn read_bytes(
    path: &Path,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<RawTable, TableError> {
    match SourceKind::sniff(bytes) {
        SourceKind::Csv => read_csv(path, bytes, opts),
        SourceKind::Workbook => super::workbook::read(path, bytes, opts),
        SourceKind::Parquet => super::parquet::read(path, bytes),
    }
}

fn bad_row(path: &Path, line: u64, reason: String) -> TableError {
    TableError::BadRow {
        at: Location {
            file: path.to_path_buf(),
            line,
            column: None,
        },
        reason,
    }
}

/// The delimiter of a header line: the most frequent of `,` `;` tab `|` outside quotes
/// (`,` when none occurs or on a tie with `,`).
pub fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = cands.iter().position(|c| *c == b) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..4 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    cands[best]
}

/// 1-based line numbers of byte positions, counted from the bytes as records are read in
/// file order (no table of every newline: a position before the last one asked for is counted
/// again from the start).
struct Lines<'a> {
    bytes: &'a [u8],
    /// The last position asked for and its line.
    last: (usize, u64),
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            last: (0, 1),
        }
    }

    /// The byte just after the `n`-th `\n` (1-based), or the end of the bytes.
    fn after_newline(&self, n: usize) -> usize {
        self.bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(n - 1)
            .map_or(self.bytes.len(), |(i, _)| i + 1)
    }

    /// The line holding byte `pos`: 1 + the newlines before it.
    fn line_of(&mut self, pos: u64) -> u64 {
        let pos = (pos as usize).min(self.bytes.len());
        let (from, line) = if pos >= self.last.0 {
            self.last
        } else {
            (0, 1)
        };
        let n = self.bytes[from..pos]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.last = (pos, line + n);
        line + n
    }
}

/// A CSV file read one record at a time, with the file line of every record (what
/// [`read_csv`] collects, and what a reader that keeps only typed rows streams).
pub(crate) struct CsvStream<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    lines: Lines<'a>,
    base: u64,
    rdr: csv::Reader<&'a [u8]>,
    /// The header names, trimmed.
    pub(crate) headers: Vec<String>,
}

impl<'a> CsvStream<'a> {
    /// Opens a CSV table: finds the header (after `opts.skip_lines`), sniffs the delimiter.
    ///
    /// # Errors
    /// [`TableError::BadRow`] for an unreadable header, [`TableError::Empty`].
    pub(crate) fn new(
        path: &'a Path,
        bytes: &'a [u8],
        opts: &ReadOptions,
    ) -> Result<Self, TableError> {
        let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let lines = Lines::new(bytes);
        // The header starts after `skip_lines` lines.
        let start = if opts.skip_lines == 0 {
            bom
        } else {
            lines.after_newline(opts.skip_lines)
        };
        let body = &bytes[start.max(bom)..];
        let first_line = body
            .split(|b| *b == b'\n')
            .find(|l| !l.iter().all(u8::is_ascii_whitespace))
            .unwrap_or(&[]);
        let delimiter = opts
            .delimiter
            .unwrap_or_else(|| sniff_delimiter(&String::from_utf8_lossy(first_line)));
        let rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .delimiter(delimiter)
            .trim(if opts.trim {
                csv::Trim::All
            } else {
                csv::Trim::None
            })
            .flexible(opts.flexible)
            .from_reader(body);
        let mut s = CsvStream {
            path,
            bytes,
            lines,
            base: start.max(bom) as u64,
            rdr,
            headers: Vec::new(),
        };
        s.headers = match s.rdr.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(e) => {
                let line = s.line_at(e.position());
                return Err(bad_row(path, line, e.to_string()));
            }
        };
        if s.headers.is_empty() || (s.headers.len() == 1 && s.headers[0].is_empty()) {
            return Err(TableError::Empty {
                path: path.to_path_buf(),
            });
        }
        Ok(s)
    }

    /// The file line of a record position. csv ends a record at the `\r` of a CRLF and starts
    /// the next one at its `\n`: line ends are skipped to reach the record's first byte.
    fn line_at(&mut self, p: Option<&csv::Position>) -> u64 {
        p.map_or(0, |p| {
            let mut at = self.base + p.byte();
            while matches!(self.bytes.get(at as usize), Some(b'\r' | b'\n')) {
                at += 1;
            }
            self.lines.line_of(at)
        })
    }

    /// Reads the next record into `rec`; its file line, or `None` at the end.
    ///
    /// # Errors
    /// [`TableError::BadRow`] (wrong field count or invalid UTF-8, with the line).
    pub(crate) fn next_record(
        &mut self,
        rec: &mut csv::StringRecord,
    ) -> Result<Option<u64>, TableError> {
        match self.rdr.read_record(rec) {
            Ok(true) => Ok(Some(self.line_at(rec.position()))),
            Ok(false) => Ok(None),
            Err(e) => {
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("expected {expected_len} fields as in the header, found {len}"),
                    csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
                    _ => e.to_string(),
                };
                Err(bad_row(self.path, self.line_at(e.position()), reason))
            }
        }
    }
}

fn read_csv(path: &Path, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, TableError> {
    let mut s = CsvStream::new(path, bytes, opts)?;
    let mut records = Vec::new();
    let mut rec_lines = Vec::new();
    let mut rec = csv::StringRecord::new();
    while let Some(line) = s.next_record(&mut rec)? {
        rec_lines.push(line);
        records.push(rec.clone());
    }
    Ok(RawTable {
        headers: s.headers,
        records,
        lines: rec_lines,
        typed: Typed::None,
        kind: Some(SourceKind::Csv),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_skipped_lines_keep_file_line_numbers() {
        let p = Path::new("x.csv");
        let t = read_csv(p, b"a,b\r\n1,2\r\n\r\n3,4\r\n", &ReadOptions::default()).unwrap();
        assert_eq!(t.lines, vec![2, 4]);
        let t = read_csv(
            p,
            b"\xEF\xBB\xBFReport;;\r\nPeriod;;\r\n;;\r\nA;B;C\r\n1;2;3\r\n4;5;6\r\n",
            &ReadOptions {
                skip_lines: 3,
                ..ReadOptions::default()
            },
        )
        .unwrap();
        assert_eq!(t.headers, vec!["A", "B", "C"]);
        assert_eq!(t.lines, vec![5, 6]);
        let e = read_csv(p, b"a,b\r\n1,2\r\n3,4,5\r\n", &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().starts_with("x.csv:3:"), "{e}");
    }

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("a,b,c"), b',');
        assert_eq!(sniff_delimiter("Date;Time;\"x,y\""), b';');
        assert_eq!(sniff_delimiter("a\tb"), b'\t');
        assert_eq!(sniff_delimiter("single"), b',');
        assert_eq!(SourceKind::sniff(b"PAR1...."), SourceKind::Parquet);
        assert_eq!(SourceKind::sniff(b"PK\x03\x04"), SourceKind::Workbook);
        assert_eq!(SourceKind::sniff(b"a,b"), SourceKind::Csv);
    }
}
