#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

// Links the statically built CBC (the `cbc` feature) into every binary that uses the library.
#[cfg(feature = "cbc")]
extern crate cbc_src;

pub mod audit;
pub mod calibrate;
pub mod capacity;
pub mod data;
pub mod error;
pub mod forecast;
pub mod io;
pub mod limits;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod schedule;
pub mod simulate;
pub mod staffing;
/// The table reader and writer (moved to [`io::table`]; kept here for existing callers).
pub use io::table;
pub mod time;
pub mod units;

pub use error::{Error, Result};
