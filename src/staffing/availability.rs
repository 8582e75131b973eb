//! Availability of recorded agents: staffing in the center's own head count.
//!
//! A center counts its agents as *recorded* (signed in, or — in a call log — everyone who
//! served a call in the interval); the queueing models need the agents *available* to take the
//! next call. `wfm calibrate` fits the share `a` of recorded agents that is effectively
//! available (per pool, by hour of day; Azriel, Feigin & Mandelbaum 2018, "Erlang-S"). With an
//! [`Availability`] in the [`super::config::StaffConfig`]:
//! - sizing plans recorded agents `⌈available required ÷ a⌉`, and the gross, scheduled and paid
//!   bases follow from them; the service metrics are those of the required available agents;
//! - evaluating takes the given agents as recorded and evaluates `⌊a × recorded⌋` available
//!   agents (rounded down: the conservative whole count).
//!
//! Async (deferred) queues are not affected.

use std::collections::BTreeMap;

use super::StaffingError;

/// Availability of one queue's recorded agents.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueAvailability {
    /// The pool the estimate belongs to.
    pub pool: String,
    /// Pool-level availability.
    pub level: f64,
    /// `(hour of day, availability)` where the calibration has an hour-of-day estimate.
    pub by_hour: Vec<(u32, f64)>,
}

impl QueueAvailability {
    /// The availability at `hour` (the hour's estimate, else the pool level).
    pub fn at(&self, hour: u32) -> f64 {
        self.by_hour
            .iter()
            .find(|(h, _)| *h == hour)
            .map_or(self.level, |&(_, a)| a)
    }
}

/// Availability per queue (and a default for queues not listed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Availability {
    queues: BTreeMap<String, QueueAvailability>,
    default: Option<QueueAvailability>,
}

fn check(a: &QueueAvailability) -> Result<(), StaffingError> {
    for v in std::iter::once(a.level).chain(a.by_hour.iter().map(|x| x.1)) {
        if !(v.is_finite() && v > 0.0 && v <= 2.0) {
            return Err(StaffingError::InvalidParameter {
                name: "availability of recorded agents",
                value: v,
                range: "(0, 2]",
            });
        }
    }
    Ok(())
}

impl Availability {
    /// No queue.
    pub fn new() -> Self {
        Availability::default()
    }
    /// Sets `queue`'s availability.
    ///
    /// # Errors
    /// [`StaffingError::InvalidParameter`] for a value outside (0, 2].
    pub fn with_queue(
        mut self,
        queue: impl Into<String>,
        a: QueueAvailability,
    ) -> Result<Self, StaffingError> {
        check(&a)?;
        self.queues.insert(queue.into(), a);
        Ok(self)
    }
    /// Sets the availability of queues not listed.
    ///
    /// # Errors
    /// [`StaffingError::InvalidParameter`] for a value outside (0, 2].
    pub fn with_default(mut self, a: QueueAvailability) -> Result<Self, StaffingError> {
        check(&a)?;
        self.default = Some(a);
        Ok(self)
    }
    /// The availability that applies to `queue`.
    pub fn for_queue(&self, queue: &str) -> Option<&QueueAvailability> {
        self.queues.get(queue).or(self.default.as_ref())
    }
    /// Recorded agents that give `available` agents at availability `a`: `⌈available ÷ a⌉`.
    pub fn recorded(available: u32, a: f64) -> u32 {
        (f64::from(available) / a - 1e-9).ceil().max(0.0) as u32
    }
    /// Available agents among `recorded` at availability `a`: `⌊a × recorded⌋`.
    pub fn available(recorded: u32, a: f64) -> u32 {
        (a * f64::from(recorded) + 1e-9).floor().max(0.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_and_available_round_trip_conservatively() {
        assert_eq!(Availability::recorded(7, 0.7), 10);
        assert_eq!(Availability::recorded(8, 0.7), 12);
        assert_eq!(Availability::available(10, 0.7), 7);
        assert_eq!(Availability::available(12, 0.7), 8);
        for n in 0..200 {
            for a in [0.55, 0.7, 0.83, 1.0, 1.2] {
                let r = Availability::recorded(n, a);
                assert!(Availability::available(r, a) >= n, "{n} {a}");
                assert!(r == 0 || Availability::available(r - 1, a) < n, "{n} {a}");
            }
        }
        let q = QueueAvailability {
            pool: "ALL".into(),
            level: 0.7,
            by_hour: vec![(9, 0.8)],
        };
        assert_eq!(q.at(9), 0.8);
        assert_eq!(q.at(10), 0.7);
        assert!(Availability::new()
            .with_default(QueueAvailability { level: 0.0, ..q })
            .is_err());
    }
}
