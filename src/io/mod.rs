//! The edge: the only code that sees files, tables and config text (beside the raw call-log
//! parsers of ingestion, the CLI's rendering and the HTML report).
//!
//! - [`Location`]: file, line and column — the provenance readers keep beside model values;
//! - [`schema`]: every column name and accepted alias, once;
//! - [`source`]: the one path every table is read by — CSV (delimiter sniffed or declared,
//!   report lines skipped), XLSX/XLS/ODS workbooks (calamine, typed cells) and Parquet
//!   (arrow-rs) — with file line numbers that CRLF never shifts;
//! - [`table`]: the table reader ([`table::CsvInput`]), the output [`table::Table`] and
//!   [`table::write_atomic`];
//! - [`history`]: interval histories (forecast input) as a panel of demand cells;
//! - [`schedule`]: shift rules, the requirement and the schedule's output tables;
//! - [`audit`]: the audit's inputs, scorecard and targets files, and its output tables;
//! - [`panels`]: model panels ([`crate::model::Panel`]) to and from tables, with the
//!   provenance of every cell.

pub mod audit;
pub mod calendar;
pub mod calibration;
pub mod capacity;
pub mod coverage;
pub mod daily;
mod error;
pub mod forecast;
pub(crate) mod grid;
pub mod history;
pub mod ics;
pub mod intervals;
pub mod kpi;
pub mod leave;
mod location;
pub mod multiskill;
pub mod panels;
mod parquet;
pub mod parquet_out;
pub mod pools;
mod raw;
pub mod schedule;
pub mod schema;
pub mod shape;
pub mod simulate;
pub mod source;
pub mod staffing;
pub mod table;
pub mod targets;
mod workbook;

pub use error::clip;
pub use location::Location;
pub use table::write_atomic;
