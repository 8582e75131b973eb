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
//! The availability may also depend on the *recorded utilisation* `u = load ÷ recorded agents`
//! (bands of [`UTILISATION_BAND`], the last one open from [`UTILISATION_TOP`]):
//! `a(h, u) = a_h · a_u ÷ a` ([`QueueAvailability::at`]). Then sizing takes the smallest recorded
//! count `N` with `⌊a(h, A ÷ N)·N⌋ ≥` the available agents required
//! ([`QueueAvailability::recorded`]).
//!
//! Async (deferred) queues are not affected.

use std::collections::BTreeMap;

use super::StaffingError;

/// The range `wfm calibrate` fits an availability in; a combined availability is clamped to it
/// (widened to its factors).
pub const AVAILABILITY_RANGE: (f64, f64) = (0.2, 1.5);
/// Width of the recorded-utilisation bands of the availability.
pub const UTILISATION_BAND: f64 = 0.1;
/// Recorded utilisation from which every interval is in the last (open) band.
pub const UTILISATION_TOP: f64 = 1.0;

/// Index of the recorded-utilisation band of `u = load ÷ recorded agents` (a non-finite or
/// negative `u`, e.g. no recorded agent, is in the last band).
pub fn utilisation_band(u: f64) -> usize {
    let top = (UTILISATION_TOP / UTILISATION_BAND).round() as usize;
    if u.is_finite() && u >= 0.0 {
        ((u / UTILISATION_BAND + 1e-9).floor() as usize).min(top)
    } else {
        top
    }
}

/// Availability of one queue's recorded agents.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueAvailability {
    /// The pool the estimate belongs to.
    pub pool: String,
    /// Pool-level availability.
    pub level: f64,
    /// `(hour of day, availability)` where the calibration has an hour-of-day estimate.
    pub by_hour: Vec<(u32, f64)>,
    /// `(lower edge of the recorded-utilisation band, availability)` where the calibration has
    /// an estimate (see the module docs).
    pub by_utilisation: Vec<(f64, f64)>,
}

impl QueueAvailability {
    /// The availability at `hour` for a recorded utilisation `utilisation` (load ÷ recorded
    /// agents; `None`: unknown): `a_h · a_u ÷ a`, each factor the pool level `a` where there is
    /// no estimate, clamped to [`AVAILABILITY_RANGE`] (widened to the factors).
    pub fn at(&self, hour: u32, utilisation: Option<f64>) -> f64 {
        let h = self
            .by_hour
            .iter()
            .find(|(x, _)| *x == hour)
            .map_or(self.level, |&(_, a)| a);
        let u = utilisation
            .and_then(|u| {
                let b = utilisation_band(u);
                self.by_utilisation
                    .iter()
                    .find(|(lo, _)| utilisation_band(*lo) == b)
            })
            .map_or(self.level, |&(_, a)| a);
        // The combination is kept within the fit's range (widened to the factors themselves, so
        // that a single estimate is taken as given).
        let (lo, hi) = (
            AVAILABILITY_RANGE.0.min(h).min(u),
            AVAILABILITY_RANGE.1.max(h).max(u),
        );
        (h * u / self.level).clamp(lo, hi)
    }
    /// Available agents among `recorded` at `hour` with offered load `load_erlangs`:
    /// `⌊a(h, load ÷ recorded)·recorded⌋`.
    pub fn available(&self, recorded: u32, hour: u32, load_erlangs: f64) -> u32 {
        let u = (recorded > 0).then(|| load_erlangs / f64::from(recorded));
        Availability::available(recorded, self.at(hour, u))
    }
    /// The smallest recorded count whose [`Self::available`] agents are at least `available`.
    pub fn recorded(&self, available: u32, hour: u32, load_erlangs: f64) -> u32 {
        if available == 0 {
            return 0;
        }
        // No count below ⌈available ÷ highest availability⌉ can do; the availability of the
        // lowest band is > 0, so the search ends.
        let highest = self
            .by_utilisation
            .iter()
            .map(|x| self.at(hour, Some(x.0)))
            .fold(self.at(hour, None), f64::max);
        let mut n = Availability::recorded(available, highest).max(1);
        while self.available(n, hour, load_erlangs) < available {
            n += 1;
        }
        n
    }
}

/// Availability per queue (and a default for queues not listed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Availability {
    queues: BTreeMap<String, QueueAvailability>,
    default: Option<QueueAvailability>,
}

fn check(a: &QueueAvailability) -> Result<(), StaffingError> {
    for v in std::iter::once(a.level)
        .chain(a.by_hour.iter().map(|x| x.1))
        .chain(a.by_utilisation.iter().map(|x| x.1))
    {
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
            by_utilisation: Vec::new(),
        };
        assert!((q.at(9, None) - 0.8).abs() < 1e-12);
        assert!((q.at(10, Some(0.5)) - 0.7).abs() < 1e-12);
        assert!(Availability::new()
            .with_default(QueueAvailability { level: 0.0, ..q })
            .is_err());
    }

    #[test]
    fn availability_by_utilisation_sizes_the_smallest_recorded_count() {
        // 0.6 below u = 0.5, 0.9 from u = 1.0 (pool level 0.7, hour 9 at 0.8).
        let q = QueueAvailability {
            pool: "ALL".into(),
            level: 0.7,
            by_hour: vec![(9, 0.8)],
            by_utilisation: vec![(0.4, 0.6), (1.0, 0.9)],
        };
        assert!((q.at(10, Some(0.45)) - 0.6).abs() < 1e-12);
        assert!((q.at(9, Some(1.7)) - 0.8 * 0.9 / 0.7).abs() < 1e-12);
        assert!((q.at(10, Some(0.75)) - 0.7).abs() < 1e-12);
        assert_eq!(utilisation_band(0.3), 3);
        assert_eq!(utilisation_band(0.4), 4);
        assert_eq!(utilisation_band(7.0), 10);
        assert_eq!(utilisation_band(f64::NAN), 10);
        for load in [0.5, 3.0, 8.0, 20.0] {
            for hour in [9, 10] {
                for need in 0..40 {
                    let n = q.recorded(need, hour, load);
                    assert!(q.available(n, hour, load) >= need, "{load} {hour} {need}");
                    assert!(
                        (0..n).all(|m| q.available(m, hour, load) < need),
                        "{load} {hour} {need}: {n} is not the smallest"
                    );
                }
            }
        }
        // Heavily loaded: 12 Erlangs on 10 recorded agents (u = 1.2) gives ⌊0.9 × 10⌋ = 9.
        assert_eq!(q.available(10, 10, 12.0), 9);
    }
}
