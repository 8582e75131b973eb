//! The shared model: one dated queue × interval panel that every stage reads and writes.
//!
//! Nothing here sees a file, a path, a column name or a line number (that is [`crate::io`]):
//! a [`TimeGrid`] dates the periods, a [`Panel`] holds one cell per queue × period, and each
//! stage has its cell type ([`Actual`], [`Demand`], [`Forecast`], [`Staffing`], [`Coverage`]).
//! Errors about data here name a queue and a timestamp; readers map them back to file, line and
//! column through their provenance.

mod cells;
mod grid;
pub mod measures;
mod panel;
mod progress;
mod queue;
mod zone;

pub use cells::{Actual, Binding, Coverage, Demand, Forecast, Outcome, Staffing};
pub use grid::{gcd, infer_interval, Grain, GridError, Stamp, TimeGrid};
pub use panel::{Combine, Panel};
pub use progress::{Progress, Silent};
pub use queue::{Agents, QueueId};
pub use zone::{day_intervals, elapsed_clock, slot_stamps, LocalStamp};
