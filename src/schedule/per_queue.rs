//! What a published plan delivers per queue: its coverage (agents on shift and not on a break)
//! set against each queue's demand and judged against each queue's own targets
//! ([`crate::staffing::evaluate`], pooling assumption [`Pooling::Separate`] unless asked
//! otherwise). The plan itself is pooled (one requirement summed over the queues); this is the
//! per-queue view of it that `summary.json` carries as `per_queue`.

use crate::model::{Coverage, Panel, QueueId, TimeGrid};
use crate::staffing::config::StaffConfig;
use crate::staffing::evaluate::{evaluate_schedule, Evaluation, Pooling};
use crate::staffing::plan::StaffInput;
use crate::staffing::StaffingError;
use crate::time::NaiveDate;
use crate::units::IntervalLength;

use super::Schedule;

impl Schedule {
    /// The plan's coverage as a dated panel (one pooled queue `ALL`), day 0 on `start`. `None`
    /// when the coverage does not tile whole days of a valid interval.
    pub fn coverage_panel(&self, start: NaiveDate) -> Option<Panel<Coverage>> {
        let days = self.day_labels.len();
        let n = self.coverage.len();
        if days == 0 || n % days != 0 {
            return None;
        }
        let step = IntervalLength::from_minutes(1440 / (n / days) as i64).ok()?;
        let grid = TimeGrid::days(start, step, days);
        let cells = self
            .coverage
            .iter()
            .map(|c| Coverage {
                required: c.required,
                scheduled: c.scheduled,
            })
            .collect();
        Panel::from_cells(vec![QueueId::all()], grid, cells).ok()
    }

    /// Evaluates the plan (day 0 on `start`) against the demand of `input` under `config`:
    /// SL, ASA, abandonment and occupancy per queue × interval, × day and over the horizon,
    /// each queue against its own targets, and records the horizon figures in
    /// [`Summary::per_queue`](super::Summary::per_queue).
    ///
    /// `Ok(None)` (and nothing recorded) when the coverage does not tile whole days.
    ///
    /// # Errors
    /// What [`evaluate_schedule`] returns (e.g. an Erlang A queue without a patience).
    pub fn evaluate_per_queue(
        &mut self,
        start: NaiveDate,
        input: &StaffInput,
        config: &StaffConfig,
        pooling: Pooling,
    ) -> Result<Option<Evaluation>, StaffingError> {
        let Some(coverage) = self.coverage_panel(start) else {
            return Ok(None);
        };
        let ev = evaluate_schedule(input, config, &coverage, pooling)?;
        self.summary.per_queue = Some(ev.queues.clone());
        self.summary.per_queue_pooling = Some(pooling.name().to_string());
        Ok(Some(ev))
    }
}
