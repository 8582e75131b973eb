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

/// Byte offsets of every `\n`, to turn a byte position into a 1-based line number.
struct Lines(Vec<usize>);

impl Lines {
    fn new(bytes: &[u8]) -> Self {
        Lines(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }
    /// The line holding byte `pos`.
    fn line_of(&self, pos: u64) -> u64 {
        self.0.partition_point(|&nl| (nl as u64) < pos) as u64 + 1
    }
}

fn read_csv(path: &Path, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, TableError> {
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
        match lines.0.get(opts.skip_lines - 1) {
            Some(&nl) => nl + 1,
            None => bytes.len(),
        }
    };
    let body = &bytes[start.max(bom)..];
    let first_line = body
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or(&[]);
    let delimiter = opts
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(&String::from_utf8_lossy(first_line)));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .trim(if opts.trim {
            csv::Trim::All
        } else {
            csv::Trim::None
        })
        .flexible(opts.flexible)
        .from_reader(body);
    let base = start.max(bom) as u64;
    // csv ends a record at the `\r` of a CRLF and starts the next one at its `\n`: skip line
    // ends to reach the record's first byte.
    let line_at = |p: Option<&csv::Position>| {
        p.map_or(0, |p| {
            let mut at = base + p.byte();
            while matches!(bytes.get(at as usize), Some(b'\r' | b'\n')) {
                at += 1;
            }
            lines.line_of(at)
        })
    };
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => return Err(bad_row(path, line_at(e.position()), e.to_string())),
    };
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(TableError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut records = Vec::new();
    let mut rec_lines = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {
                rec_lines.push(line_at(rec.position()));
                records.push(rec.clone());
            }
            Ok(false) => break,
            Err(e) => {
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("expected {expected_len} fields as in the header, found {len}"),
                    csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
                    _ => e.to_string(),
                };
                return Err(bad_row(path, line_at(e.position()), reason));
            }
        }
    }
    Ok(RawTable {
        headers,
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
