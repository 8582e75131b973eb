//! [`Location`]: where in an input file something was found — the provenance that readers keep
//! beside the model values they build, so that errors about those values can name file, line
//! and column.

use std::path::PathBuf;

/// Where in an input file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input file (or `-` for standard input).
    pub file: PathBuf,
    /// 1-based line number, header included (line 1 is the header of a CSV file).
    pub line: u64,
    /// The column name, when the problem is in one field.
    pub column: Option<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column `{c}`")?;
        }
        Ok(())
    }
}
