//! The edge: the only code that sees files, tables and config text (beside the raw call-log
//! parsers of ingestion, the CLI's rendering and the HTML report).
//!
//! - [`Location`]: file, line and column — the provenance readers keep beside model values;
//! - [`schema`]: every column name and accepted alias, once;
//! - [`table`]: the CSV reader ([`table::CsvInput`]), the output [`table::Table`] and
//!   [`table::write_atomic`];
//! - [`history`]: interval histories (forecast input) as a panel of demand cells;
//! - [`panels`]: model panels ([`crate::model::Panel`]) to and from tables, with the
//!   provenance of every cell.

pub mod calibration;
pub mod capacity;
pub mod coverage;
pub mod daily;
pub mod history;
pub mod ics;
pub mod leave;
mod location;
pub mod panels;
pub mod schema;
pub mod simulate;
pub mod table;
pub mod targets;

pub use location::Location;
pub use table::write_atomic;
