#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod audit;
pub mod data;
pub mod error;
pub mod forecast;
pub mod report;
pub mod schedule;
pub mod staffing;
pub mod table;
pub mod time;
pub mod units;

pub use error::{Error, Result};
