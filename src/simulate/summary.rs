//! Summaries over replications: mean, standard deviation and 10th/90th percentiles of each
//! per-replication metric, per queue × interval, per day and over the horizon.

use std::ops::Range;

use chrono::NaiveTime;

use super::{SimResult, Tally};
use crate::model::{Grain, Panel, QueueId, TimeGrid};

/// The three service-level conventions in use in the industry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlConvention {
    /// Answered within the threshold ÷ offered (abandons count against SL) — the convention of
    /// [`crate::staffing`] and the audit.
    OfOffered,
    /// Answered within the threshold ÷ answered (abandons ignored).
    OfAnswered,
    /// Answered within the threshold ÷ (offered − abandoned within the threshold): short
    /// abandons are excluded.
    ExcludingShortAbandons,
}

impl SlConvention {
    /// All three, in output order.
    pub const ALL: [SlConvention; 3] = [
        SlConvention::OfOffered,
        SlConvention::OfAnswered,
        SlConvention::ExcludingShortAbandons,
    ];
    /// The output column name.
    pub fn column(self) -> &'static str {
        match self {
            SlConvention::OfOffered => "service_level",
            SlConvention::OfAnswered => "sl_of_answered",
            SlConvention::ExcludingShortAbandons => "sl_excl_short_abandons",
        }
    }
    fn of(self, t: &Tally) -> Option<f64> {
        let w = f64::from(t.answered_within);
        let den = match self {
            SlConvention::OfOffered => f64::from(t.offered),
            SlConvention::OfAnswered => f64::from(t.answered),
            SlConvention::ExcludingShortAbandons => f64::from(t.offered - t.abandoned_within),
        };
        (den > 0.0).then(|| w / den)
    }
}

/// A metric over replications. Replications where the metric is undefined (e.g. ASA without
/// an answered call) are left out; `reps` says how many were used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// Mean over replications.
    pub mean: f64,
    /// Sample standard deviation over replications (0 with one replication).
    pub sd: f64,
    /// 10th percentile (linear interpolation between order statistics, numpy's default).
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Replications in which the metric was defined.
    pub reps: usize,
}

impl Stat {
    /// The statistics of `values`; `None` when empty.
    pub fn of(values: &mut [f64]) -> Option<Stat> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Some(Stat {
            mean,
            sd,
            p10: percentile(values, 0.1),
            p90: percentile(values, 0.9),
            reps: n,
        })
    }
    /// Standard error of the mean, `sd ÷ √reps`.
    pub fn se(&self) -> f64 {
        self.sd / (self.reps as f64).sqrt()
    }
}

/// Percentile `p` of sorted `v` (type 7 of Hyndman & Fan 1996).
fn percentile(v: &[f64], p: f64) -> f64 {
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// Simulated performance of one queue (or set of queues) over one period.
#[derive(Debug, Clone, PartialEq)]
pub struct SimCell {
    /// Calls offered.
    pub offered: Stat,
    /// Service level per [`SlConvention::ALL`].
    pub service_level: [Option<Stat>; 3],
    /// Mean wait of answered calls, seconds.
    pub asa_secs: Option<Stat>,
    /// Abandoned ÷ offered.
    pub abandon_rate: Option<Stat>,
    /// Busy ÷ present time of the groups serving the queue(s).
    pub occupancy: Option<Stat>,
}

impl SimCell {
    /// The service level in `convention`.
    pub fn sl(&self, convention: SlConvention) -> Option<&Stat> {
        let i = SlConvention::ALL
            .iter()
            .position(|c| *c == convention)
            .unwrap_or(0);
        self.service_level[i].as_ref()
    }
}

impl SimResult {
    /// The summary of the queues `queues` (routing indices) over intervals `range`.
    pub fn summarize(&self, queues: &[usize], range: Range<usize>) -> SimCell {
        let n = self.grid.len();
        let groups: Vec<usize> = (0..self.routing.groups().len())
            .filter(|&g| {
                self.routing.groups()[g]
                    .skills()
                    .iter()
                    .any(|(q, _)| queues.contains(q))
            })
            .collect();
        let reps = self.reps.len();
        let mut cols: Vec<Vec<f64>> = (0..7).map(|_| Vec::with_capacity(reps)).collect();
        for r in &self.reps {
            let mut t = Tally::default();
            for &q in queues {
                for c in &r.cells[q * n + range.start..q * n + range.end] {
                    t.add(c);
                }
            }
            let (mut busy, mut present) = (0.0, 0.0);
            for &g in &groups {
                for c in &r.groups[g * n + range.start..g * n + range.end] {
                    busy += c.busy_secs;
                    present += c.present_secs;
                }
            }
            cols[0].push(f64::from(t.offered));
            for (i, conv) in SlConvention::ALL.iter().enumerate() {
                if let Some(v) = conv.of(&t) {
                    cols[1 + i].push(v);
                }
            }
            if t.answered > 0 {
                cols[4].push(t.wait_answered_secs / f64::from(t.answered));
            }
            if t.offered > 0 {
                cols[5].push(f64::from(t.abandoned) / f64::from(t.offered));
            }
            if present > 0.0 {
                cols[6].push(busy / present);
            }
        }
        let mut it = cols.iter_mut().map(|c| Stat::of(c));
        let offered = it.next().flatten().unwrap_or(Stat {
            mean: 0.0,
            sd: 0.0,
            p10: 0.0,
            p90: 0.0,
            reps: 0,
        });
        SimCell {
            offered,
            service_level: [
                it.next().flatten(),
                it.next().flatten(),
                it.next().flatten(),
            ],
            asa_secs: it.next().flatten(),
            abandon_rate: it.next().flatten(),
            occupancy: it.next().flatten(),
        }
    }

    /// Per queue × interval.
    pub fn intervals(&self) -> Panel<SimCell> {
        Panel::from_fn(self.queues.clone(), self.grid, |q, t| {
            self.summarize(&[q], t..t + 1)
        })
    }

    /// Per queue × calendar day (the days the grid touches).
    pub fn days(&self) -> Panel<SimCell> {
        let spans = self.day_spans();
        let first = self.grid.date(0).and_time(NaiveTime::MIN);
        let grid =
            TimeGrid::new(first, Grain::Day, spans.len()).expect("midnight starts a day grid");
        Panel::from_fn(self.queues.clone(), grid, |q, d| {
            self.summarize(&[q], spans[d].clone())
        })
    }

    /// Per queue over the whole horizon, then all queues together ([`QueueId::ALL`]) when
    /// there are several.
    pub fn horizon(&self) -> Vec<(QueueId, SimCell)> {
        let n = self.grid.len();
        let mut out: Vec<(QueueId, SimCell)> = (0..self.queues.len())
            .map(|q| (self.queues[q].clone(), self.summarize(&[q], 0..n)))
            .collect();
        if self.queues.len() > 1 {
            let all: Vec<usize> = (0..self.queues.len()).collect();
            out.push((QueueId::all(), self.summarize(&all, 0..n)));
        }
        out
    }

    /// Interval ranges of each calendar day from the grid's first date (empty for days the
    /// grid skips; an intraday grid has none).
    fn day_spans(&self) -> Vec<Range<usize>> {
        let n = self.grid.len();
        if n == 0 {
            return Vec::new();
        }
        let d0 = self.grid.date(0);
        let days = (self.grid.date(n - 1) - d0).num_days() as usize + 1;
        let mut spans = vec![0..0; days];
        for i in 0..n {
            let d = (self.grid.date(i) - d0).num_days() as usize;
            if spans[d].is_empty() {
                spans[d] = i..i + 1;
            } else {
                spans[d].end = i + 1;
            }
        }
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [10, 90]) = [1.4, 7.6]
        let s = Stat::of(&mut [10.0, 2.0, 1.0, 4.0, 3.0]).unwrap();
        assert!((s.p10 - 1.4).abs() < 1e-12 && (s.p90 - 7.6).abs() < 1e-12);
        assert!((s.mean - 4.0).abs() < 1e-12);
        assert!(Stat::of(&mut []).is_none());
    }
}
