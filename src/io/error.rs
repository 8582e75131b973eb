//! [`TableError`]: what can go wrong reading or writing a table, located at file, line and
//! column. Its own module so that every reader (CSV, workbook, Parquet) can name it without
//! importing the table type that uses them.

use std::path::PathBuf;

use super::Location;

/// Errors reading or writing tables.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is empty (no header).
    #[error("{}: the file is empty (expected a header line and data rows)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file has a header but no data rows.
    #[error("{}: the file has a header but no data rows", path.display())]
    HeaderOnly {
        /// The file.
        path: PathBuf,
    },
    /// Required columns are missing from the header.
    #[error("{}:1: missing column(s) {}; the header has: {}", path.display(), missing.join(", "), found.join(", "))]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// The missing column names.
        missing: Vec<String>,
        /// The columns found.
        found: Vec<String>,
    },
    /// A field could not be parsed or is outside its domain.
    #[error("{at}: {reason}, got `{}`", clip(value))]
    BadValue {
        /// Where.
        at: Location,
        /// The field's text.
        value: String,
        /// What was expected.
        reason: String,
    },
    /// A row is malformed (CSV syntax, field count).
    #[error("{at}: {reason}")]
    BadRow {
        /// Where.
        at: Location,
        /// What is wrong.
        reason: String,
    },
    /// A TOML configuration could not be parsed.
    #[error("{}: {message}", path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// The parser's message (includes line and column).
        message: String,
    },
}

/// The most characters of a field echoed in a message.
const ECHO_CHARS: usize = 80;

/// A field's text as messages echo it: at most [`ECHO_CHARS`] characters (a 10 MB field was
/// printed whole to stderr), with the full length said when cut.
pub fn clip(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], text.len()),
    }
}
