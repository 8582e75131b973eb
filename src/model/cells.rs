//! The cell types of each stage on a [`Panel`](crate::model::Panel): what one queue × period
//! holds in actuals, demand, forecasts, staffing and coverage.
//!
//! Actuals keep the *sums* every KPI is computed from (counts, summed seconds), so that pooled
//! queues and coarser periods are exact; means (AHT, ASA, SL) are derived on output.

use crate::model::{Agents, Combine};

/// Adds two optional sums: known + known is known, anything with unknown is unknown.
fn add_opt(a: &mut Option<f64>, b: Option<f64>) {
    *a = match (*a, b) {
        (Some(x), Some(y)) => Some(x + y),
        _ => None,
    };
}

fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}

/// What happened in one queue × interval, as exact sums. Counts are `f64` because interval
/// exports may carry imputed non-integer counts (call logs always give whole numbers);
/// `None` means "not known", never zero.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Actual {
    /// Calls offered to agents: queued, or served by an agent directly.
    pub offered: f64,
    /// Calls answered by an agent.
    pub answered: Option<f64>,
    /// Calls that hung up after entering the queue.
    pub abandoned: Option<f64>,
    /// Per service-level threshold: answered calls whose wait was ≤ the threshold.
    pub answered_le: Vec<Option<f64>>,
    /// Per threshold: abandoned calls whose wait was ≤ the threshold.
    pub abandoned_le: Vec<Option<f64>>,
    /// Sum of handle times of answered calls, seconds.
    pub sum_service_secs: Option<f64>,
    /// Sum of queue waits of answered calls, seconds.
    pub sum_wait_answered_secs: Option<f64>,
    /// Sum of waits of abandoned calls (time to abandon), seconds.
    pub sum_wait_abandoned_secs: Option<f64>,
    /// Calls that ended in the IVR/VRU without reaching the agent queue (not offered).
    pub vru_only: Option<f64>,
}

impl Actual {
    /// Average handle time of answered calls.
    pub fn aht_secs(&self) -> Option<f64> {
        ratio(self.sum_service_secs, self.answered)
    }
    /// Average speed of answer.
    pub fn asa_secs(&self) -> Option<f64> {
        ratio(self.sum_wait_answered_secs, self.answered)
    }
    /// Service level for threshold `i`: answered within the threshold ÷ offered.
    pub fn service_level(&self, i: usize) -> Option<f64> {
        ratio(
            self.answered_le.get(i).copied().flatten(),
            Some(self.offered),
        )
    }
    /// Abandoned ÷ offered.
    pub fn abandon_rate(&self) -> Option<f64> {
        ratio(self.abandoned, Some(self.offered))
    }
    /// The demand this interval put on agents: offered calls at the observed AHT.
    pub fn demand(&self) -> Demand {
        Demand {
            offered: self.offered,
            aht_secs: self.aht_secs(),
        }
    }
}

impl Combine for Actual {
    fn zero() -> Self {
        Actual {
            answered: Some(0.0),
            abandoned: Some(0.0),
            sum_service_secs: Some(0.0),
            sum_wait_answered_secs: Some(0.0),
            sum_wait_abandoned_secs: Some(0.0),
            vru_only: Some(0.0),
            ..Actual::default()
        }
    }
    fn pool(&mut self, o: &Self) {
        self.offered += o.offered;
        add_opt(&mut self.answered, o.answered);
        add_opt(&mut self.abandoned, o.abandoned);
        add_opt(&mut self.sum_service_secs, o.sum_service_secs);
        add_opt(&mut self.sum_wait_answered_secs, o.sum_wait_answered_secs);
        add_opt(&mut self.sum_wait_abandoned_secs, o.sum_wait_abandoned_secs);
        add_opt(&mut self.vru_only, o.vru_only);
        for (v, other) in [
            (&mut self.answered_le, &o.answered_le),
            (&mut self.abandoned_le, &o.abandoned_le),
        ] {
            if v.is_empty() {
                v.clone_from(other);
            } else if !other.is_empty() {
                for (a, b) in v.iter_mut().zip(other) {
                    add_opt(a, *b);
                }
            }
        }
    }
}

/// The demand of one queue × interval: contacts offered and their average handle time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Demand {
    /// Contacts offered (≥ 0; fractional for forecasts).
    pub offered: f64,
    /// Average handle time, seconds; `None` only when nothing is offered.
    pub aht_secs: Option<f64>,
}

impl Demand {
    /// Workload in seconds: offered × AHT (0 without contacts).
    pub fn workload_secs(&self) -> f64 {
        if self.offered > 0.0 {
            self.offered * self.aht_secs.unwrap_or(0.0)
        } else {
            0.0
        }
    }
}

impl Combine for Demand {
    fn zero() -> Self {
        Demand::default()
    }
    /// Offered calls add; the AHT is the offered-weighted mean.
    fn pool(&mut self, o: &Self) {
        let work = self.workload_secs() + o.workload_secs();
        self.offered += o.offered;
        self.aht_secs = if self.offered > 0.0 {
            Some(work / self.offered)
        } else {
            self.aht_secs.or(o.aht_secs)
        };
    }
}

/// A forecast of one queue × interval: the point forecast, its 80 % and 95 % prediction
/// intervals, and the AHT forecast.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Forecast {
    /// Point forecast of offered contacts.
    pub offered: f64,
    /// 80 % interval, lower bound.
    pub lo80: f64,
    /// 80 % interval, upper bound.
    pub hi80: f64,
    /// 95 % interval, lower bound.
    pub lo95: f64,
    /// 95 % interval, upper bound.
    pub hi95: f64,
    /// AHT forecast, seconds (when the history has AHT).
    pub aht_secs: Option<f64>,
}

impl From<&Forecast> for Demand {
    /// The point forecast as demand (the upper bounds are for risk-based staffing).
    fn from(f: &Forecast) -> Demand {
        Demand {
            offered: f.offered,
            aht_secs: f.aht_secs,
        }
    }
}

/// Required or evaluated staffing of one queue × interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Staffing {
    /// The demand that was staffed.
    pub demand: Demand,
    /// Offered load, Erlangs (after concurrency).
    pub load_erlangs: f64,
    /// Net agents on the phones.
    pub net: Agents,
    /// Gross agents (net after shrinkage), as planned.
    pub gross: Agents,
    /// Service level; `None` when undefined.
    pub service_level: Option<f64>,
    /// ASA, seconds; `None` when unbounded or undefined.
    pub asa_secs: Option<f64>,
    /// Occupancy.
    pub occupancy: Option<f64>,
    /// Abandon rate (Erlang A).
    pub abandon_rate: Option<f64>,
    /// Which target decided the count, or the evaluation's outcome.
    pub outcome: Outcome,
}

impl Combine for Staffing {
    fn zero() -> Self {
        Staffing {
            demand: Demand::default(),
            load_erlangs: 0.0,
            net: Agents(0),
            gross: Agents(0),
            service_level: None,
            asa_secs: None,
            occupancy: None,
            abandon_rate: None,
            outcome: Outcome::Binding(Binding::None),
        }
    }
    /// Agents and load add; per-interval metrics of a pool are not sums of the queues' and are
    /// left unknown (evaluate the pooled panel to get them).
    fn pool(&mut self, o: &Self) {
        self.demand.pool(&o.demand);
        self.load_erlangs += o.load_erlangs;
        self.net = Agents(self.net.0 + o.net.0);
        self.gross = Agents(self.gross.0 + o.gross.0);
        self.service_level = None;
        self.asa_secs = None;
        self.occupancy = None;
        self.abandon_rate = None;
    }
}

/// Required vs scheduled agents of one queue (or pool) × interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Coverage {
    /// Agents required.
    pub required: f64,
    /// Agents scheduled (on shift and not on break).
    pub scheduled: f64,
}

impl Coverage {
    /// Scheduled minus required (negative: under-staffed).
    pub fn gap(&self) -> f64 {
        self.scheduled - self.required
    }
}

impl Combine for Coverage {
    fn zero() -> Self {
        Coverage::default()
    }
    fn pool(&mut self, o: &Self) {
        self.required += o.required;
        self.scheduled += o.scheduled;
    }
    /// Agents over a coarser period are the mean over its parts.
    fn finish_coarsen(&mut self, parts: usize) {
        self.required /= parts as f64;
        self.scheduled /= parts as f64;
    }
}

/// Which constraint decided the agent count: the one that one agent fewer would miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Binding {
    /// No traffic: zero agents.
    None,
    /// Erlang C needs `N > A`; one agent fewer would be unstable.
    Stability,
    /// The service-level target.
    ServiceLevel,
    /// The ASA target.
    Asa,
    /// The abandon-rate target.
    Abandon,
    /// The occupancy cap.
    Occupancy,
}

impl Binding {
    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            Binding::None => "none",
            Binding::Stability => "stability",
            Binding::ServiceLevel => "service_level",
            Binding::Asa => "asa",
            Binding::Abandon => "abandon",
            Binding::Occupancy => "occupancy",
        }
    }
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a row's `binding` column says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Sizing: the target one agent fewer would miss.
    Binding(Binding),
    /// Sizing of async work: the SLA window decided.
    SlaWindow,
    /// Evaluation: every target met.
    Met,
    /// Evaluation: this target missed (the first in the order SL, ASA, abandon, occupancy).
    Missed(Binding),
    /// Evaluation of async work: some work finished after its SLA window.
    MissedSla,
    /// Evaluation under Erlang C with agents ≤ load: the queue grows without bound.
    Unstable,
}

impl Outcome {
    /// The text of the `binding` column.
    pub fn label(self) -> String {
        match self {
            Outcome::Binding(b) => b.name().to_string(),
            Outcome::SlaWindow => "sla_window".into(),
            Outcome::Met => "met".into(),
            Outcome::Missed(b) => format!("miss:{}", b.name()),
            Outcome::MissedSla => "miss:sla_window".into(),
            Outcome::Unstable => "unstable".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Grain, Panel, QueueId, TimeGrid};
    use crate::time::parse_timestamp;
    use crate::units::IntervalLength;

    #[test]
    fn pooled_actuals_are_exact_sums() {
        let a = Actual {
            offered: 10.0,
            answered: Some(8.0),
            abandoned: Some(2.0),
            answered_le: vec![Some(6.0)],
            abandoned_le: vec![Some(1.0)],
            sum_service_secs: Some(800.0),
            sum_wait_answered_secs: Some(80.0),
            sum_wait_abandoned_secs: Some(40.0),
            vru_only: Some(3.0),
        };
        let b = Actual {
            offered: 5.0,
            answered: Some(5.0),
            abandoned: None,
            answered_le: vec![Some(5.0)],
            abandoned_le: vec![None],
            sum_service_secs: Some(1000.0),
            sum_wait_answered_secs: Some(0.0),
            sum_wait_abandoned_secs: None,
            vru_only: Some(1.0),
        };
        let mut p = Actual::zero();
        p.pool(&a);
        p.pool(&b);
        assert_eq!(p.offered, 15.0);
        assert_eq!(p.aht_secs(), Some(1800.0 / 13.0));
        assert_eq!(p.service_level(0), Some(11.0 / 15.0));
        assert_eq!(p.abandoned, None, "unknown stays unknown");
        assert_eq!(p.abandoned_le, vec![None]);
        assert_eq!(p.vru_only, Some(4.0));
    }

    #[test]
    fn demand_pools_by_workload_and_forecasts_convert() {
        let mut d = Demand {
            offered: 10.0,
            aht_secs: Some(100.0),
        };
        d.pool(&Demand {
            offered: 30.0,
            aht_secs: Some(200.0),
        });
        assert_eq!(d.offered, 40.0);
        assert_eq!(d.aht_secs, Some(175.0));
        let f = Forecast {
            offered: 12.5,
            hi80: 15.0,
            aht_secs: Some(180.0),
            ..Forecast::default()
        };
        assert_eq!(
            Demand::from(&f),
            Demand {
                offered: 12.5,
                aht_secs: Some(180.0)
            }
        );
    }

    #[test]
    fn coverage_coarsens_to_mean_agents() {
        let g = TimeGrid::new(
            parse_timestamp("1999-02-07T00:00:00").unwrap(),
            Grain::Interval(IntervalLength::from_minutes(15).unwrap()),
            2,
        )
        .unwrap();
        let p = Panel::from_fn(vec![QueueId::all()], g, |_, t| Coverage {
            required: 2.0 + t as f64,
            scheduled: 4.0,
        });
        let c = p.coarsen(2).unwrap();
        assert_eq!(
            c.series(0),
            &[Coverage {
                required: 2.5,
                scheduled: 4.0
            }]
        );
        assert_eq!(c.series(0)[0].gap(), 1.5);
    }
}
