//! One replication: the event loop.
//!
//! Events are arrivals (one pending per queue), service completions (one per busy agent) and
//! interval boundaries (staffing changes), taken in order of time and then of creation, so ties
//! resolve the same way on every run. Only completions (and retrial and deadline events) are in
//! a binary heap, which then holds about one event per busy agent: the pending arrival of each
//! queue sits in a slot of its own, and the boundaries, known in advance, are counted off —
//! the next boundary goes before any event at the same time or later (it was created first).
//! The interval of an event is the one the boundaries have reached (no division per call).
//!
//! Abandonment is *lazy*: a waiting call carries its abandonment deadline (arrival + patience),
//! and when an agent looks at a queue every head whose deadline has passed is removed and
//! counted as abandoned at its deadline. Queue order is FCFS and nothing else depends on the queue length, so this is exact
//! and costs no event per call.
//!
//! Calls are counted in the interval in which they *arrive* (as call logs and ACD reports
//! count them), also when they are answered or abandon later; the queue carries over from one
//! interval to the next. After the last interval no call arrives, and the agents of the last
//! interval serve the calls still waiting; a call still waiting when nothing else can happen
//! (no agent, infinite patience) is counted as unserved.
//!
//! When an interval has fewer agents than the one before, idle agents leave at the boundary and
//! busy agents leave when they finish their call (no call is interrupted).
//!
//! Retrials ([`super::Retrial`]): a queue with retrials gives each waiting call a deadline event,
//! so that every abandonment is processed at its own time; an abandoned caller then calls again
//! with the queue's probability after an exponential delay, as a new call of the interval in
//! which it comes back (counted in its `offered` and `retrials`), with a fresh patience. A
//! retrial that would come back after the horizon is not made.
//!
//! A model of one queue served by one group, without retrials or synchronized streams, is run
//! by a copy of this loop specialised to that case (`single.rs`, the same tallies to the bit);
//! a change to the event rules here must be made there too (its tests compare the two loops).

use std::collections::VecDeque;

use super::rng::Rng;
use super::routing::AgentSelection;
use super::{Arrivals, GroupTally, Prepared, RepTally, Tally};

/// A heap event. The time is kept as an integer key that orders as [`f64::total_cmp`] orders
/// the times (the same map of the bits), so the heap's order (time, then creation) is an
/// integer comparison of `key` = (time key, creation number) packed in a `u128`.
#[derive(Debug, Clone, Copy)]
struct Event {
    key: u128,
    what: What,
}

const SIGN: u64 = 1 << 63;

/// The key of time `t`: flips every bit of a negative float, only the sign bit of the others.
#[inline]
pub(super) fn time_key(t: f64) -> u64 {
    let b = t.to_bits();
    b ^ (((b as i64 >> 63) as u64) | SIGN)
}

/// The time of an event key (the inverse of [`time_key`] on the key's upper half).
#[inline]
pub(super) fn key_time(key: u128) -> f64 {
    let k = (key >> 64) as u64;
    f64::from_bits(if k & SIGN != 0 { k ^ SIGN } else { !k })
}

impl Event {
    #[inline]
    fn time(&self) -> f64 {
        key_time(self.key)
    }
}

/// An element of an [`EventHeap`], ordered by its `key` (unique among the heap's elements).
pub(super) trait Keyed: Copy {
    fn key(&self) -> u128;
}

impl Keyed for Event {
    #[inline]
    fn key(&self) -> u128 {
        self.key
    }
}

/// A bare key: an event whose kind the loop knows (the completions of the one-group loop).
impl Keyed for u128 {
    #[inline]
    fn key(&self) -> u128 {
        *self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Completion(u32),
    /// A caller of the queue calls again.
    Retrial(u32),
    /// A waiting call of the queue reaches its patience (queues with retrials only).
    Deadline(u32),
}

/// A 4-ary min-heap of events by `key` (keys are unique, so the pops are in one order whatever
/// the heap's shape). It holds about one event per busy agent; four children per node halve the
/// levels a pop goes through against a binary heap.
#[derive(Debug)]
pub(super) struct EventHeap<E> {
    v: Vec<E>,
}

impl<E: Keyed> EventHeap<E> {
    /// An empty heap with room for `n` events.
    pub(super) fn with_capacity(n: usize) -> Self {
        EventHeap {
            v: Vec::with_capacity(n),
        }
    }

    #[inline]
    pub(super) fn peek(&self) -> Option<&E> {
        self.v.first()
    }

    #[inline]
    pub(super) fn push(&mut self, e: E) {
        let mut i = self.v.len();
        self.v.push(e);
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.v[parent].key() <= e.key() {
                break;
            }
            self.v[i] = self.v[parent];
            i = parent;
        }
        self.v[i] = e;
    }

    /// The slot with the smaller of two (unique) keys, and that key.
    #[inline]
    fn least(i: usize, ki: u128, j: usize, kj: u128) -> (usize, u128) {
        // Selects without a branch (the outcome is a coin flip, a branch would mispredict).
        let take_j = kj < ki;
        let m = 0usize.wrapping_sub(usize::from(take_j));
        let km = 0u128.wrapping_sub(u128::from(take_j));
        ((i & !m) | (j & m), (ki & !km) | (kj & km))
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Option<E> {
        let last = self.v.pop()?;
        let Some(&top) = self.v.first() else {
            return Some(last);
        };
        let v = &mut self.v[..];
        let n = v.len();
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let (c, ck) = if let Some(kids) = v.get(first..first + 4) {
                // Four children (every node but the last parent): a tournament of two pairs.
                let a = Self::least(first, kids[0].key(), first + 1, kids[1].key());
                let b = Self::least(first + 2, kids[2].key(), first + 3, kids[3].key());
                Self::least(a.0, a.1, b.0, b.1)
            } else {
                let kids = &v[first..];
                let (mut c, mut ck) = (first, kids[0].key());
                for (k, e) in kids.iter().enumerate().skip(1) {
                    if e.key() < ck {
                        (c, ck) = (first + k, e.key());
                    }
                }
                (c, ck)
            };
            if last.key() <= ck {
                break;
            }
            v[i] = v[c];
            i = c;
        }
        v[i] = last;
        Some(top)
    }
}

#[derive(Debug, Clone, Copy)]
struct Waiting {
    arrival: f64,
    deadline: f64,
    ivl: u32,
    /// The handle time drawn at arrival (synchronized streams), else NaN: drawn when answered.
    service: f64,
}

#[derive(Debug, Default)]
struct GroupState {
    /// Idle agents by the time they became idle (front = idle longest).
    idle: VecDeque<f64>,
    busy: u32,
    /// Busy agents who leave when their call ends (staffing went down).
    leaving: u32,
    /// Agents present (idle + busy); presence is integrated from `since`.
    present: u32,
    since: f64,
}

struct Sim<'a> {
    p: &'a Prepared,
    rng: Rng,
    /// Synchronized streams (arrival, patience, service) per queue; empty: `rng` draws all.
    streams: Vec<[Rng; 3]>,
    heap: EventHeap<Event>,
    seq: u64,
    /// Per queue: time and creation number of its pending arrival (`NO_ARRIVAL` when none).
    arrival: Vec<(f64, u64)>,
    now: f64,
    /// The interval of `now`: boundaries passed (`intervals` after the horizon).
    ivl: usize,
    groups: Vec<GroupState>,
    waiting: Vec<VecDeque<Waiting>>,
    /// Per queue: interval of the next Poisson arrival, or position in the replay list.
    cursor: Vec<usize>,
    out: RepTally,
}

/// Runs replication `rep` of the prepared model (any routing).
pub(super) fn run(p: &Prepared, seed: u64, rep: u64) -> RepTally {
    let nq = p.queues;
    let n = p.intervals;
    let mut s = Sim {
        p,
        rng: Rng::for_replication(seed, rep),
        streams: if p.synchronized {
            (0..nq as u64)
                .map(|q| [0, 1, 2].map(|k| Rng::for_stream(seed, rep, 3 * q + k)))
                .collect()
        } else {
            Vec::new()
        },
        heap: EventHeap::with_capacity(64),
        seq: 0,
        arrival: vec![NO_ARRIVAL; nq],
        now: 0.0,
        ivl: 0,
        groups: (0..p.routing.groups().len())
            .map(|_| GroupState::default())
            .collect(),
        waiting: vec![VecDeque::new(); nq],
        cursor: vec![0; nq],
        out: RepTally {
            cells: vec![Tally::default(); nq * n],
            groups: vec![GroupTally::default(); p.routing.groups().len() * n],
            unserved: 0,
        },
    };
    s.set_staffing(0);
    for q in 0..nq {
        s.schedule_arrival(q, 0.0);
    }
    // Boundary `i` (the end of interval i − 1) for i in 1..=n, then the remaining events.
    let mut boundary = 1;
    loop {
        let (q, (ta, sa)) = s.first_arrival();
        let (arrival_first, next) = match s.heap.peek() {
            Some(ev) => {
                let te = ev.time();
                if ta < te || (ta == te && u128::from(sa) < ev.key & u128::from(u64::MAX)) {
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
                s.arrival[q] = NO_ARRIVAL;
                s.arrive(q);
                continue;
            }
            match s.heap.pop() {
                Some(ev) => {
                    s.now = ev.time();
                    s.handle(ev.what);
                    continue;
                }
                None => break,
            }
        }
        s.now = b;
        s.flush_presence();
        s.ivl = boundary;
        if boundary < n {
            s.set_staffing(boundary);
        }
        boundary += 1;
    }
    s.finish();
    s.out
}

/// The pending-arrival slot of a queue without one.
pub(super) const NO_ARRIVAL: (f64, u64) = (f64::INFINITY, u64::MAX);

impl Sim<'_> {
    /// The queue with the earliest pending arrival (by time, then creation) and that arrival;
    /// `NO_ARRIVAL` when no queue has one.
    #[inline]
    fn first_arrival(&self) -> (usize, (f64, u64)) {
        let mut best = (0, NO_ARRIVAL);
        for (q, &(t, seq)) in self.arrival.iter().enumerate() {
            if t < best.1 .0 || (t == best.1 .0 && seq < best.1 .1) {
                best = (q, (t, seq));
            }
        }
        best
    }

    /// Makes `t` the pending arrival of queue `q`.
    #[inline]
    fn set_arrival(&mut self, q: usize, t: f64) {
        self.seq += 1;
        self.arrival[q] = (t, self.seq);
    }

    #[inline]
    fn handle(&mut self, what: What) {
        match what {
            What::Retrial(q) => self.enter(q as usize, true),
            What::Deadline(q) => self.expire(q as usize),
            What::Completion(g) => self.complete(g as usize),
        }
    }

    /// The generator of draw `kind` (0 arrival, 1 patience, 2 service) of queue `q`.
    #[inline]
    fn rng_for(&mut self, q: usize, kind: usize) -> &mut Rng {
        if self.streams.is_empty() {
            &mut self.rng
        } else {
            &mut self.streams[q][kind]
        }
    }

    #[inline]
    fn push(&mut self, t: f64, what: What) {
        self.seq += 1;
        self.heap.push(Event {
            key: (u128::from(time_key(t)) << 64) | u128::from(self.seq),
            what,
        });
    }

    /// Schedules the next arrival of queue `q` after time `from`.
    fn schedule_arrival(&mut self, q: usize, from: f64) {
        let p = self.p;
        match &p.arrivals {
            Arrivals::Poisson => {
                // Piecewise-constant rate: memorylessness lets us redraw at each boundary.
                let mut from = from;
                let mut i = self.cursor[q];
                while i < p.intervals {
                    let rate = p.rate[q * p.intervals + i];
                    let end = (i + 1) as f64 * p.interval_secs;
                    if rate > 0.0 {
                        let t = from + self.rng_for(q, 0).exp1() / rate;
                        if t < end {
                            self.cursor[q] = i;
                            self.set_arrival(q, t);
                            return;
                        }
                    }
                    i += 1;
                    from = end;
                }
                self.cursor[q] = p.intervals;
            }
            Arrivals::Replay(times) => {
                if let Some(&t) = times[q].get(self.cursor[q]) {
                    self.cursor[q] += 1;
                    self.set_arrival(q, t);
                }
            }
        }
    }

    fn arrive(&mut self, q: usize) {
        self.enter(q, false);
    }

    /// A call of queue `q` enters now: a fresh arrival (which schedules the next one) or a
    /// retrial.
    fn enter(&mut self, q: usize, retrial: bool) {
        let p = self.p;
        let now = self.now;
        // The interval of `now`, as the boundaries counted it (no division per call).
        let ivl = self.ivl.min(p.intervals - 1);
        let cell = q * p.intervals + ivl;
        self.out.cells[cell].offered += 1;
        if retrial {
            self.out.cells[cell].retrials += 1;
        }
        let deadline = match &p.patience[q] {
            Some(d) => now + d.sample(self.rng_for(q, 1)),
            None => f64::INFINITY,
        };
        let service = if self.streams.is_empty() {
            f64::NAN
        } else {
            p.service[q].sample(self.rng_for(q, 2))
        };
        if !retrial {
            self.schedule_arrival(q, now);
        }
        let w = Waiting {
            arrival: now,
            deadline,
            ivl: ivl as u32,
            service,
        };
        if let Some(g) = self.idle_group_for(q) {
            self.groups[g].idle.pop_back();
            self.start_service(g, q, w);
        } else {
            self.out.cells[cell].delayed += 1;
            self.waiting[q].push_back(w);
            if p.retrials[q].is_some() && deadline.is_finite() {
                self.push(deadline, What::Deadline(q as u32));
            }
        }
    }

    /// Removes (and counts) every call of queue `q` whose patience has run out, wherever it
    /// waits in the queue.
    fn expire(&mut self, q: usize) {
        let now = self.now;
        if !self.waiting[q].iter().any(|w| w.deadline <= now) {
            return;
        }
        let all = std::mem::take(&mut self.waiting[q]);
        let (gone, stay): (VecDeque<Waiting>, VecDeque<Waiting>) =
            all.into_iter().partition(|w| w.deadline <= now);
        self.waiting[q] = stay;
        for w in gone {
            self.count_abandon(q, w);
        }
    }

    /// The group whose idle agent takes an arriving call of queue `q`, if any is idle.
    fn idle_group_for(&self, q: usize) -> Option<usize> {
        let servers = self.p.routing.servers(q);
        match self.p.routing.selection() {
            AgentSelection::MostSpecialised => servers
                .iter()
                .copied()
                .find(|&g| !self.groups[g].idle.is_empty()),
            AgentSelection::LongestIdle => servers
                .iter()
                .copied()
                .filter_map(|g| self.groups[g].idle.front().map(|&t| (t, g)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, g)| g),
        }
    }

    fn start_service(&mut self, g: usize, q: usize, w: Waiting) {
        let p = self.p;
        let now = self.now;
        let ivl = w.ivl as usize;
        let wait = now - w.arrival;
        let draw = if w.service.is_nan() {
            p.service[q].sample(&mut self.rng)
        } else {
            w.service
        };
        let service = draw * p.service_scale[q * p.intervals + ivl];
        let c = &mut self.out.cells[q * p.intervals + ivl];
        c.answered += 1;
        if wait <= p.threshold_secs {
            c.answered_within += 1;
        }
        c.wait_answered_secs += wait;
        c.handle_secs += service;
        self.groups[g].busy += 1;
        self.add_busy(g, now + service);
        self.push(now + service, What::Completion(g as u32));
    }

    /// Adds busy time `[now, to)` of one agent of group `g`, split over intervals.
    fn add_busy(&mut self, g: usize, to: f64) {
        let p = self.p;
        let mut i = self.ivl;
        let mut a = self.now;
        while i < p.intervals && a < to {
            let end = ((i + 1) as f64 * p.interval_secs).min(to);
            self.out.groups[g * p.intervals + i].busy_secs += end - a;
            a = end;
            i += 1;
        }
    }

    fn complete(&mut self, g: usize) {
        self.groups[g].busy -= 1;
        if self.groups[g].leaving > 0 {
            self.groups[g].leaving -= 1;
            self.change_present(g, -1);
            return;
        }
        match self.next_call(g) {
            Some((q, w)) => self.start_service(g, q, w),
            None => {
                let now = self.now;
                self.groups[g].idle.push_back(now);
            }
        }
    }

    /// The call an agent of group `g` takes now: the longest-waiting call among the queues of
    /// its best non-empty priority level. Abandoned heads are removed (and counted) on the way.
    fn next_call(&mut self, g: usize) -> Option<(usize, Waiting)> {
        let p = self.p;
        if let [level] = &p.levels[g][..] {
            if let &[q] = &level[..] {
                // One queue at one level (a single-skill group): its head, if any.
                self.purge(q);
                return self.waiting[q].pop_front().map(|w| (q, w));
            }
        }
        for level in &p.levels[g] {
            let mut best: Option<(f64, usize)> = None;
            for &q in level {
                self.purge(q);
                if let Some(w) = self.waiting[q].front() {
                    if best.is_none_or(|(t, _)| w.arrival < t) {
                        best = Some((w.arrival, q));
                    }
                }
            }
            if let Some((_, q)) = best {
                return self.waiting[q].pop_front().map(|w| (q, w));
            }
        }
        None
    }

    /// Removes the heads of queue `q` whose patience ran out before now.
    fn purge(&mut self, q: usize) {
        let now = self.now;
        while let Some(w) = self.waiting[q].front() {
            if w.deadline > now {
                break;
            }
            let w = *w;
            self.waiting[q].pop_front();
            self.count_abandon(q, w);
        }
    }

    fn count_abandon(&mut self, q: usize, w: Waiting) {
        let p = self.p;
        let c = &mut self.out.cells[q * p.intervals + w.ivl as usize];
        let waited = w.deadline - w.arrival;
        c.abandoned += 1;
        if waited <= p.threshold_secs {
            c.abandoned_within += 1;
        }
        c.wait_abandoned_secs += waited;
        if let Some(r) = p.retrials[q] {
            if self.rng.uniform_open0() <= r.probability {
                let t = w.deadline + r.mean_delay_secs * self.rng.exp1();
                if t < p.intervals as f64 * p.interval_secs {
                    self.push(t.max(self.now), What::Retrial(q as u32));
                }
            }
        }
    }

    /// Sets the agents of every group to the staffing of interval `i`.
    fn set_staffing(&mut self, i: usize) {
        let p = self.p;
        for g in 0..self.groups.len() {
            let target = p.agents[g * p.intervals + i];
            let gs = &mut self.groups[g];
            let effective = gs.present - gs.leaving;
            if target > effective {
                let mut add = target - effective;
                // Agents about to leave stay instead.
                let stay = add.min(gs.leaving);
                gs.leaving -= stay;
                add -= stay;
                self.change_present(g, add as i64);
                for _ in 0..add {
                    let now = self.now;
                    match self.next_call(g) {
                        Some((q, w)) => self.start_service(g, q, w),
                        None => self.groups[g].idle.push_back(now),
                    }
                }
            } else if target < effective {
                let mut remove = effective - target;
                let idle_out = remove.min(self.groups[g].idle.len() as u32);
                for _ in 0..idle_out {
                    self.groups[g].idle.pop_back();
                }
                self.change_present(g, -i64::from(idle_out));
                remove -= idle_out;
                self.groups[g].leaving += remove;
            }
        }
    }

    /// Integrates presence up to now and changes group `g`'s head count by `delta`.
    fn change_present(&mut self, g: usize, delta: i64) {
        self.integrate_presence(g);
        let gs = &mut self.groups[g];
        gs.present = (i64::from(gs.present) + delta).max(0) as u32;
    }

    fn integrate_presence(&mut self, g: usize) {
        let p = self.p;
        let now = self.now;
        let gs = &mut self.groups[g];
        if self.ivl < p.intervals {
            self.out.groups[g * p.intervals + self.ivl].present_secs +=
                f64::from(gs.present) * (now - gs.since);
        }
        gs.since = now;
    }

    fn flush_presence(&mut self) {
        for g in 0..self.groups.len() {
            self.integrate_presence(g);
        }
    }

    /// Counts the calls still waiting when no event is left.
    fn finish(&mut self) {
        for q in 0..self.waiting.len() {
            while let Some(w) = self.waiting[q].pop_front() {
                if w.deadline.is_finite() {
                    self.count_abandon(q, w);
                } else {
                    self.out.unserved += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_order_as_total_cmp_and_give_the_time_back() {
        let ts = [
            f64::NEG_INFINITY,
            -3.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1e-300,
            0.25,
            180.0,
            1.8e6,
            f64::INFINITY,
        ];
        for &a in &ts {
            let ev = Event {
                key: u128::from(time_key(a)) << 64,
                what: What::Completion(0),
            };
            assert_eq!(ev.time().to_bits(), a.to_bits());
            for &b in &ts {
                assert_eq!(time_key(a).cmp(&time_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn the_heap_pops_in_key_order() {
        let mut rng = Rng::for_replication(3, 0);
        let mut heap = EventHeap { v: Vec::new() };
        let mut popped = Vec::new();
        let mut pushed = Vec::new();
        for seq in 0..2_000u64 {
            // Pushes and pops interleaved, with tied times, the heap growing to ~100 events.
            let t = (rng.exp1() * 10.0).floor();
            let key = (u128::from(time_key(t)) << 64) | u128::from(seq);
            heap.push(Event {
                key,
                what: What::Completion(0),
            });
            pushed.push(key);
            if rng.uniform_open0() < 0.45 {
                let min = heap.v.iter().map(|e| e.key).min();
                let e = heap.pop().map(|e| e.key);
                assert_eq!(e, min);
                popped.extend(e);
            }
        }
        while let Some(e) = heap.pop() {
            popped.push(e.key);
        }
        pushed.sort_unstable();
        popped.sort_unstable();
        assert_eq!(popped, pushed);
    }
}
