//! The event loop of a model with one queue served by one agent group, without retrials or
//! synchronized streams: every single-queue Erlang C or Erlang A plan (and the speed instance of
//! `scripts/sim_vs_ciw.py`).
//!
//! It is the loop of [`super::engine`] with what only several queues or groups need taken out:
//! no routing look-up (the one group serves the one queue), no per-queue or per-group index,
//! the idle agents as a count (the general loop keeps their idle-since times only to choose
//! between groups), the completions as bare keys (every one is the group's), no search for the
//! earliest pending arrival. The events come in the same order (time, then creation number:
//! the creation counter advances as in the general loop), the random numbers are drawn in the
//! same order by the same functions, and every tally is summed in the same order, so the
//! tallies are those of the general loop bit for bit; the tests below run both loops on
//! qualifying models and compare.

use std::collections::VecDeque;

use super::engine::{key_time, time_key, EventHeap, NO_ARRIVAL};
use super::rng::Rng;
use super::{Arrivals, GroupTally, Prepared, RepTally, Tally};

/// Whether [`run`] simulates `p`: one queue, one group (which then serves that queue at one
/// priority level), no retrials, one random stream per replication.
pub(super) fn qualifies(p: &Prepared) -> bool {
    p.queues == 1
        && p.routing.groups().len() == 1
        && !p.synchronized
        && p.retrials.iter().all(Option::is_none)
}

/// A waiting call (its handle time is drawn when it is answered, as in the general loop
/// without synchronized streams).
#[derive(Debug, Clone, Copy)]
struct Waiting {
    arrival: f64,
    /// Arrival + patience (infinite without patience).
    deadline: f64,
    ivl: u32,
}

struct One<'a> {
    p: &'a Prepared,
    rng: Rng,
    /// Completion events, `(time key, creation number)`.
    heap: EventHeap<u128>,
    seq: u64,
    /// Time and creation number of the pending arrival (`NO_ARRIVAL` when none).
    arrival: (f64, u64),
    now: f64,
    /// The interval of `now`: boundaries passed (`intervals` after the horizon).
    ivl: usize,
    /// Position of the next arrival: its interval (Poisson) or index (replay).
    cursor: usize,
    idle: u32,
    /// Busy agents who leave when their call ends (staffing went down).
    leaving: u32,
    /// Agents present (idle + busy); presence is integrated from `since`.
    present: u32,
    since: f64,
    queue: VecDeque<Waiting>,
    cells: Vec<Tally>,
    groups: Vec<GroupTally>,
    unserved: u32,
}

/// Runs replication `rep` of `p`, which [`qualifies`]; the tallies of
/// [`super::engine::run`].
pub(super) fn run(p: &Prepared, seed: u64, rep: u64) -> RepTally {
    let n = p.intervals;
    let mut s = One {
        p,
        rng: Rng::for_replication(seed, rep),
        heap: EventHeap::with_capacity(64),
        seq: 0,
        arrival: NO_ARRIVAL,
        now: 0.0,
        ivl: 0,
        cursor: 0,
        idle: 0,
        leaving: 0,
        present: 0,
        since: 0.0,
        queue: VecDeque::new(),
        cells: vec![Tally::default(); n],
        groups: vec![GroupTally::default(); n],
        unserved: 0,
    };
    s.set_staffing(0);
    s.schedule_arrival(0.0);
    // Boundary `i` (the end of interval i − 1) for i in 1..=n, then the remaining events.
    let mut boundary = 1;
    loop {
        let (ta, sa) = s.arrival;
        let (arrival_first, next) = match s.heap.peek() {
            Some(&k) => {
                let te = key_time(k);
                if ta < te || (ta == te && u128::from(sa) < k & u128::from(u64::MAX)) {
                    (true, ta)
                } else {
                    (false, te)
                }
            }
            None => (true, ta),
        };
        let b = boundary as f64 * p.interval_secs;
        if boundary > n || next < b {
            if arrival_first && ta.is_finite() {
                s.now = ta;
                s.arrival = NO_ARRIVAL;
                s.arrive();
                continue;
            }
            match s.heap.pop() {
                Some(k) => {
                    s.now = key_time(k);
                    s.complete();
                    continue;
                }
                None => break,
            }
        }
        s.now = b;
        s.integrate_presence();
        s.ivl = boundary;
        if boundary < n {
            s.set_staffing(boundary);
        }
        boundary += 1;
    }
    s.finish();
    RepTally {
        cells: s.cells,
        groups: s.groups,
        unserved: s.unserved,
    }
}

impl One<'_> {
    /// Schedules the next arrival after time `from`.
    #[inline]
    fn schedule_arrival(&mut self, from: f64) {
        let p = self.p;
        match &p.arrivals {
            Arrivals::Poisson => {
                // Piecewise-constant rate: memorylessness lets us redraw at each boundary.
                let mut from = from;
                let mut i = self.cursor;
                while i < p.intervals {
                    let rate = p.rate[i];
                    let end = (i + 1) as f64 * p.interval_secs;
                    if rate > 0.0 {
                        let t = from + self.rng.exp1() / rate;
                        if t < end {
                            self.cursor = i;
                            self.seq += 1;
                            self.arrival = (t, self.seq);
                            return;
                        }
                    }
                    i += 1;
                    from = end;
                }
                self.cursor = p.intervals;
            }
            Arrivals::Replay(times) => {
                if let Some(&t) = times[0].get(self.cursor) {
                    self.cursor += 1;
                    self.seq += 1;
                    self.arrival = (t, self.seq);
                }
            }
        }
    }

    /// A call arrives now: draws its patience, schedules the next arrival, and goes to an idle
    /// agent or waits.
    #[inline]
    fn arrive(&mut self) {
        let p = self.p;
        let now = self.now;
        let ivl = self.ivl.min(p.intervals - 1);
        self.cells[ivl].offered += 1;
        let deadline = match &p.patience[0] {
            Some(d) => now + d.sample(&mut self.rng),
            None => f64::INFINITY,
        };
        self.schedule_arrival(now);
        let w = Waiting {
            arrival: now,
            deadline,
            ivl: ivl as u32,
        };
        if self.idle > 0 {
            self.idle -= 1;
            self.start_service(w);
        } else {
            self.cells[ivl].delayed += 1;
            self.queue.push_back(w);
        }
    }

    #[inline]
    fn start_service(&mut self, w: Waiting) {
        let p = self.p;
        let now = self.now;
        let ivl = w.ivl as usize;
        let wait = now - w.arrival;
        let service = p.service[0].sample(&mut self.rng) * p.service_scale[ivl];
        let c = &mut self.cells[ivl];
        c.answered += 1;
        if wait <= p.threshold_secs {
            c.answered_within += 1;
        }
        c.wait_answered_secs += wait;
        c.handle_secs += service;
        let to = now + service;
        // Busy time [now, to), split over intervals.
        let mut i = self.ivl;
        let mut a = now;
        while i < p.intervals && a < to {
            let end = ((i + 1) as f64 * p.interval_secs).min(to);
            self.groups[i].busy_secs += end - a;
            a = end;
            i += 1;
        }
        self.seq += 1;
        self.heap
            .push((u128::from(time_key(to)) << 64) | u128::from(self.seq));
    }

    #[inline]
    fn complete(&mut self) {
        if self.leaving > 0 {
            self.leaving -= 1;
            self.change_present(-1);
            return;
        }
        match self.next_call() {
            Some(w) => self.start_service(w),
            None => self.idle += 1,
        }
    }

    /// The head of the queue, once the calls whose patience ran out before now are removed
    /// (and counted).
    #[inline]
    fn next_call(&mut self) -> Option<Waiting> {
        let now = self.now;
        while let Some(&w) = self.queue.front() {
            if w.deadline > now {
                break;
            }
            self.queue.pop_front();
            self.count_abandon(w);
        }
        self.queue.pop_front()
    }

    fn count_abandon(&mut self, w: Waiting) {
        let c = &mut self.cells[w.ivl as usize];
        let waited = w.deadline - w.arrival;
        c.abandoned += 1;
        if waited <= self.p.threshold_secs {
            c.abandoned_within += 1;
        }
        c.wait_abandoned_secs += waited;
    }

    /// Sets the agents to the staffing of interval `i`.
    fn set_staffing(&mut self, i: usize) {
        let target = self.p.agents[i];
        let effective = self.present - self.leaving;
        if target > effective {
            let mut add = target - effective;
            // Agents about to leave stay instead.
            let stay = add.min(self.leaving);
            self.leaving -= stay;
            add -= stay;
            self.change_present(i64::from(add));
            for _ in 0..add {
                match self.next_call() {
                    Some(w) => self.start_service(w),
                    None => self.idle += 1,
                }
            }
        } else if target < effective {
            let remove = effective - target;
            let idle_out = remove.min(self.idle);
            self.idle -= idle_out;
            self.change_present(-i64::from(idle_out));
            self.leaving += remove - idle_out;
        }
    }

    /// Integrates presence up to now and changes the head count by `delta`.
    fn change_present(&mut self, delta: i64) {
        self.integrate_presence();
        self.present = (i64::from(self.present) + delta).max(0) as u32;
    }

    fn integrate_presence(&mut self) {
        if self.ivl < self.p.intervals {
            self.groups[self.ivl].present_secs += f64::from(self.present) * (self.now - self.since);
        }
        self.since = self.now;
    }

    /// Counts the calls still waiting when no event is left.
    fn finish(&mut self) {
        while let Some(w) = self.queue.pop_front() {
            if w.deadline.is_finite() {
                self.count_abandon(w);
            } else {
                self.unserved += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::engine::run as run_general;
    use super::super::{prepare, Arrivals, Dist, Retrial, Routing, SimModel, SimOptions};
    use super::*;
    use crate::model::{Agents, Demand, Grain, Panel, QueueId, TimeGrid};
    use crate::units::IntervalLength;

    /// One queue, one group, 30-minute intervals with the given offered calls, AHTs and agents.
    fn prepared(
        cells: &[(f64, f64, u32)],
        service: Dist,
        patience: Option<Dist>,
        arrivals: Arrivals,
    ) -> Prepared {
        let q = QueueId::new("Q").unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let ivl = IntervalLength::from_minutes(30).unwrap();
        let grid = TimeGrid::new(start, Grain::Interval(ivl), cells.len()).unwrap();
        let fill = Demand {
            offered: 0.0,
            aht_secs: None,
        };
        let mut demand = Panel::filled(vec![q.clone()], grid, fill);
        let mut agents = Panel::filled(vec![q.clone()], grid, Agents(0));
        for (t, &(offered, aht, n)) in cells.iter().enumerate() {
            *demand.get_mut(0, t) = Demand {
                offered,
                aht_secs: Some(aht),
            };
            *agents.get_mut(0, t) = Agents(n);
        }
        let routing = Routing::dedicated(vec![q]);
        let model = SimModel {
            demand: &demand,
            agents: &agents,
            routing: &routing,
            service: vec![service],
            patience: vec![patience],
            arrivals,
        };
        let options = SimOptions {
            reps: 1,
            seed: 1,
            threshold_secs: 20.0,
            threads: None,
        };
        prepare(&model, &options).unwrap()
    }

    /// Both loops give the same tallies, to the bit, on replications 0..8; returns them.
    fn same_as_general(p: &Prepared) -> Vec<RepTally> {
        assert!(qualifies(p));
        (0..8)
            .map(|rep| {
                let one = run(p, 11, rep);
                let general = run_general(p, 11, rep);
                // `Debug` prints each float's shortest round-trip form: equal strings, equal bits.
                assert_eq!(
                    format!("{one:?}"),
                    format!("{general:?}"),
                    "replication {rep}"
                );
                one
            })
            .collect()
    }

    /// 10 Erlangs on 12 agents in every interval: the queue empties within intervals.
    fn steady() -> Vec<(f64, f64, u32)> {
        vec![(100.0, 180.0, 12); 40]
    }

    /// Overloaded intervals, staffing that drops (busy agents leave after their call) and
    /// intervals without agents, so calls wait across boundaries and are answered later.
    fn carried() -> Vec<(f64, f64, u32)> {
        let mut v = Vec::new();
        for k in 0..6 {
            v.extend([
                (150.0, 200.0, 12),
                (250.0, 150.0, 3),
                (40.0, 300.0, 0),
                (0.0, 180.0, 20),
                (90.0, 120.0, 8 + k),
                (120.0, 240.0, 0),
            ]);
        }
        v
    }

    /// Some call is answered that arrived in an interval without agents.
    fn answered_later(cells: &[(f64, f64, u32)], reps: &[RepTally]) -> bool {
        reps.iter().any(|r| {
            cells
                .iter()
                .zip(&r.cells)
                .any(|(&(_, _, n), c)| n == 0 && c.answered > 0)
        })
    }

    #[test]
    fn erlang_c_matches_the_general_loop() {
        let exp = || Dist::exponential(180.0).unwrap();
        same_as_general(&prepared(&steady(), exp(), None, Arrivals::Poisson));
        let reps = same_as_general(&prepared(&carried(), exp(), None, Arrivals::Poisson));
        assert!(answered_later(&carried(), &reps));
        // The last intervals have no agent: calls are left unserved at the end.
        let mut cells = carried();
        cells.push((50.0, 180.0, 0));
        let reps = same_as_general(&prepared(&cells, exp(), None, Arrivals::Poisson));
        assert!(reps.iter().all(|r| r.unserved > 0));
    }

    #[test]
    fn erlang_a_matches_the_general_loop() {
        let exp = |m| Dist::exponential(m).unwrap();
        let patience = || Some(exp(120.0));
        same_as_general(&prepared(
            &steady(),
            exp(180.0),
            patience(),
            Arrivals::Poisson,
        ));
        let reps = same_as_general(&prepared(
            &carried(),
            exp(180.0),
            patience(),
            Arrivals::Poisson,
        ));
        assert!(answered_later(&carried(), &reps));
        assert!(reps.iter().all(|r| r.cells.iter().any(|c| c.abandoned > 0)));
    }

    #[test]
    fn other_shapes_and_replayed_arrivals_match_the_general_loop() {
        let shape = Dist::lognormal(1.0, 1.2).unwrap();
        let patience = Dist::Empirical(
            super::super::Empirical::new(&[(10.0, 0.1), (100.0, 0.5)], 150.0).unwrap(),
        );
        let cells = carried();
        same_as_general(&prepared(
            &cells,
            shape.clone(),
            Some(patience),
            Arrivals::Poisson,
        ));
        let horizon = cells.len() as f64 * 1800.0;
        let times = (0..3000).map(|k| f64::from(k) * horizon / 3000.0).collect();
        let reps = same_as_general(&prepared(
            &cells,
            shape,
            None,
            Arrivals::Replay(vec![times]),
        ));
        assert!(answered_later(&cells, &reps));
    }

    #[test]
    fn retrials_and_synchronized_streams_take_the_general_loop() {
        let exp = || Dist::exponential(180.0).unwrap();
        let mut p = prepared(&steady(), exp(), Some(exp()), Arrivals::Poisson);
        assert!(qualifies(&p));
        p.retrials = vec![Some(Retrial::new(0.5, 300.0).unwrap())];
        assert!(!qualifies(&p));
        p.retrials = vec![None];
        p.synchronized = true;
        assert!(!qualifies(&p));
    }
}
