//! Model panels to and from tables: every reader that builds a [`Panel`](crate::model::Panel)
//! keeps a [`Provenance`] beside it, so that an error about a queue × period (raised by a stage
//! that knows nothing of files) can be reported at the file, line and column it came from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::io::Location;
use crate::model::QueueId;
use crate::time::NaiveDateTime;

/// Where each queue × period of a panel was read from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    files: Vec<PathBuf>,
    cells: HashMap<(QueueId, NaiveDateTime), (usize, u64)>,
}

impl Provenance {
    /// An empty provenance (in-memory input: nothing to point at).
    pub fn new() -> Self {
        Provenance::default()
    }
    /// Records that the cell of `queue` at `at` came from `file`, line `line`.
    pub fn record(&mut self, queue: &QueueId, at: NaiveDateTime, file: &Path, line: u64) {
        let f = match self.files.iter().position(|p| p == file) {
            Some(i) => i,
            None => {
                self.files.push(file.to_path_buf());
                self.files.len() - 1
            }
        };
        self.cells.insert((queue.clone(), at), (f, line));
    }
    /// The location of the cell of `queue` at `at`, naming `column`, when it was read from a file.
    pub fn locate(
        &self,
        queue: &QueueId,
        at: NaiveDateTime,
        column: Option<&str>,
    ) -> Option<Location> {
        self.cells
            .get(&(queue.clone(), at))
            .map(|&(f, line)| Location {
                file: self.files[f].clone(),
                line,
                column: column.map(str::to_string),
            })
    }
    /// Number of cells with a recorded origin.
    pub fn len(&self) -> usize {
        self.cells.len()
    }
    /// True when no cell has a recorded origin.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    #[test]
    fn cells_map_back_to_file_line_and_column() {
        let mut p = Provenance::new();
        let q = QueueId::new("PS").unwrap();
        let t = parse_timestamp("1999-02-01T07:00:00").unwrap();
        p.record(&q, t, Path::new("a.csv"), 7);
        let loc = p.locate(&q, t, Some("offered")).unwrap();
        assert_eq!(loc.to_string(), "a.csv:7, column `offered`");
        assert!(p.locate(&QueueId::new("NE").unwrap(), t, None).is_none());
        assert_eq!(p.len(), 1);
    }
}
