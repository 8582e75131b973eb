//! Required agents: the smallest `N` meeting every target, and which target decided it.
//!
//! # Search
//! - **Erlang C**: SL and P(wait) improve and ASA and occupancy fall as agents are added
//!   (Jagerman 1974: `B(N, A)` and `C(N, A)` decrease in `N`), so the answer is the first
//!   feasible `N` scanning upwards from the smallest stable count `⌊A⌋ + 1`. The Erlang B recursion
//!   is positioned there once (`O(14·√A)` steps, see [`super::erlang_b`]) and then stepped in
//!   `O(1)` per agent, so the whole search is `O(√A)`. Starting at `⌊A⌋ + 1` — not at
//!   `round(A + 1)` as some tools do — never skips a smaller feasible `N`: a long answer-time
//!   target can be met by `⌊A⌋ + 1 < round(A + 1)` agents.
//! - **Erlang A**: any `N ≥ 0` is stable; the metrics are monotone in `N` (checked by property
//!   tests), so an exponential search from `round(A)` brackets the answer and a bisection finds
//!   the smallest feasible `N` with `O(log A)` evaluations.
//!
//! # Tolerance
//! Targets are compared with a relative slack of [`TARGET_RTOL`] = 1e-10, so that a load whose
//! exact occupancy equals the cap (e.g. `A = 17`, cap 0.85, `N = 20`) is not pushed to 21 by the
//! last bit of `17 / 0.85 = 20.000000000000004`. Inputs are never given to 10 significant digits,
//! so the slack cannot accept a staffing that misses a target by a visible amount.

use std::fmt;

use super::erlang_b::ErlangB;
use super::{erlang_a, erlang_c, QueueMetrics, StaffingError};
use crate::units::{Erlangs, Fraction, Secs};

/// Relative slack when comparing a metric with its target (see the module docs).
pub const TARGET_RTOL: f64 = 1e-10;

/// The queueing model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// M/M/N, no abandonment.
    ErlangC,
    /// M/M/N+M with exponential patience of this mean.
    ErlangA {
        /// Mean patience (time a caller is willing to wait), > 0.
        patience: Secs,
    },
}

impl Model {
    /// The metrics of `agents` agents for `load`, `aht`, SL threshold `threshold`.
    ///
    /// # Errors
    /// [`StaffingError::Unstable`] (Erlang C with `agents ≤ load`), or invalid Erlang A parameters.
    pub fn metrics(
        self,
        agents: u32,
        load: Erlangs,
        aht: Secs,
        threshold: Secs,
    ) -> Result<QueueMetrics, StaffingError> {
        match self {
            Model::ErlangC => erlang_c::metrics(agents, load, aht, threshold),
            Model::ErlangA { patience } => {
                erlang_a::metrics(agents, load, aht, patience, threshold)
            }
        }
    }

    /// `erlang-c` or `erlang-a`.
    pub fn name(self) -> &'static str {
        match self {
            Model::ErlangC => "erlang-c",
            Model::ErlangA { .. } => "erlang-a",
        }
    }
}

/// The targets a staffing level must meet. Every target is optional; with none set the answer is
/// the smallest stable count (Erlang C) or 0 (Erlang A).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    service_level: Option<f64>,
    threshold: Secs,
    max_asa: Option<Secs>,
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets::new()
    }
}

impl Targets {
    /// No targets; the SL threshold used for reporting defaults to 20 s.
    pub fn new() -> Self {
        Targets {
            service_level: None,
            threshold: Secs::new(20.0).expect("20 is a valid number of seconds"),
            max_asa: None,
            max_abandon: None,
            max_occupancy: None,
        }
    }

    /// Service level: at least `fraction` of offered calls answered within `threshold`.
    pub fn with_service_level(mut self, fraction: Fraction, threshold: Secs) -> Self {
        self.service_level = Some(fraction.value());
        self.threshold = threshold;
        self
    }

    /// The answer-time threshold reported in `service_level` even without an SL target
    /// (default 20 s).
    pub fn with_threshold(mut self, threshold: Secs) -> Self {
        self.threshold = threshold;
        self
    }

    /// ASA (mean wait of answered calls) at most `asa`.
    pub fn with_max_asa(mut self, asa: Secs) -> Self {
        self.max_asa = Some(asa);
        self
    }

    /// Abandon rate at most `rate` (Erlang A only; ignored by Erlang C, where it is 0).
    pub fn with_max_abandon(mut self, rate: Fraction) -> Self {
        self.max_abandon = Some(rate.value());
        self
    }

    /// Occupancy at most `cap`. Default: no cap; must be in (0, 1].
    ///
    /// # Errors
    /// [`StaffingError::InvalidParameter`] when `cap = 0`.
    pub fn with_max_occupancy(mut self, cap: Fraction) -> Result<Self, StaffingError> {
        if cap.value() <= 0.0 {
            return Err(StaffingError::InvalidParameter {
                name: "maximum occupancy",
                value: cap.value(),
                range: "(0, 1]",
            });
        }
        self.max_occupancy = Some(cap.value());
        Ok(self)
    }

    /// The SL target fraction, if any.
    pub fn service_level(&self) -> Option<f64> {
        self.service_level
    }
    /// The answer-time threshold of the SL.
    pub fn threshold(&self) -> Secs {
        self.threshold
    }
    /// The ASA target, if any.
    pub fn max_asa(&self) -> Option<Secs> {
        self.max_asa
    }
    /// The abandon-rate target, if any.
    pub fn max_abandon(&self) -> Option<f64> {
        self.max_abandon
    }
    /// The occupancy cap, if any.
    pub fn max_occupancy(&self) -> Option<f64> {
        self.max_occupancy
    }

    /// The first target (in the order SL, ASA, abandon, occupancy) that `m` misses.
    pub fn first_unmet(&self, m: &QueueMetrics) -> Option<Binding> {
        if let Some(sl) = self.service_level {
            if m.service_level < sl * (1.0 - TARGET_RTOL) {
                return Some(Binding::ServiceLevel);
            }
        }
        if let Some(asa) = self.max_asa {
            if m.asa_secs > asa.value() * (1.0 + TARGET_RTOL) {
                return Some(Binding::Asa);
            }
        }
        if let (Some(max), Some(rate)) = (self.max_abandon, m.abandon_rate) {
            if rate > max * (1.0 + TARGET_RTOL) {
                return Some(Binding::Abandon);
            }
        }
        if let Some(cap) = self.max_occupancy {
            if m.occupancy > cap * (1.0 + TARGET_RTOL) {
                return Some(Binding::Occupancy);
            }
        }
        None
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

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The smallest staffing that meets every target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    /// Net agents (on the phones) required.
    pub agents: u32,
    /// The metrics at that staffing.
    pub metrics: QueueMetrics,
    /// The target one agent fewer would miss.
    pub binding: Binding,
}

/// The largest agent count the search tries before reporting [`StaffingError::Infeasible`]:
/// `2A + 60·√A + 1000`, far beyond any attainable target (every reachable SL/ASA/abandon target
/// is met within a few dozen `√A` above the load).
fn search_limit(a: f64) -> u32 {
    let lim = 2.0 * a + 60.0 * a.sqrt() + 1000.0;
    if lim >= f64::from(u32::MAX - 1) {
        u32::MAX - 1
    } else {
        lim as u32
    }
}

/// The smallest number of agents meeting every target in `targets` for offered load `load` and
/// average handle time `aht` under `model`, with the binding target. Zero load needs zero agents.
///
/// See the module docs for the search and its cost.
///
/// # Errors
/// [`StaffingError::Infeasible`] when no count up to `2A + 60√A + 1000` meets the targets (e.g.
/// SL 100 %), invalid Erlang A parameters.
///
/// # Examples
/// ```
/// use wfm::staffing::{required_agents, Model, Targets, Binding};
/// use wfm::units::{Erlangs, Fraction, Secs};
/// // 100 calls / 30 min, AHT 180 s → A = 10 Erl; 80 % in 20 s needs 14 agents.
/// let t = Targets::new().with_service_level(Fraction::new(0.8)?, Secs::new(20.0)?);
/// let r = required_agents(Model::ErlangC, Erlangs::new(10.0)?, Secs::new(180.0)?, &t)?;
/// assert_eq!(r.agents, 14);
/// assert_eq!(r.binding, Binding::ServiceLevel);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn required_agents(
    model: Model,
    load: Erlangs,
    aht: Secs,
    targets: &Targets,
) -> Result<Requirement, StaffingError> {
    let a = load.value();
    if a <= 0.0 {
        // Validate the Erlang A parameters even when idle, so errors do not depend on the data.
        let metrics = model.metrics(0, load, aht, targets.threshold)?;
        return Ok(Requirement {
            agents: 0,
            metrics,
            binding: Binding::None,
        });
    }
    match model {
        Model::ErlangC => required_erlang_c(a, aht.value(), targets),
        Model::ErlangA { patience } => {
            // Parameter validation happens once here; the search then calls the infallible core.
            erlang_a::metrics(1, load, aht, patience, targets.threshold)?;
            required_erlang_a(a, aht.value(), patience.value(), targets)
        }
    }
}

fn required_erlang_c(a: f64, aht: f64, targets: &Targets) -> Result<Requirement, StaffingError> {
    let t = targets.threshold.value();
    let first = a.floor() as u32 + 1;
    let limit = search_limit(a).max(first);
    let mut b = ErlangB::new(a, first);
    let mut binding = Binding::Stability;
    loop {
        let n = b.agents();
        let m = erlang_c::from_blocking(n, a, b.blocking(), aht, t);
        match targets.first_unmet(&m) {
            None => {
                return Ok(Requirement {
                    agents: n,
                    metrics: m,
                    binding,
                })
            }
            Some(missed) if n >= limit => {
                return Err(StaffingError::Infeasible {
                    load_erlangs: a,
                    limit,
                    target: missed,
                })
            }
            Some(missed) => binding = missed,
        }
        b.step();
    }
}

fn required_erlang_a(
    a: f64,
    aht: f64,
    patience: f64,
    targets: &Targets,
) -> Result<Requirement, StaffingError> {
    let t = targets.threshold.value();
    let eval = |n: u32| {
        let m = erlang_a::compute(n, a, aht, patience, t);
        (m, targets.first_unmet(&m))
    };
    let limit = search_limit(a);
    // Bracket: `lo` infeasible (or none), `hi` feasible.
    let guess = (a.round() as u32).max(1);
    let (mut lo, mut hi): (Option<u32>, u32);
    let (m, miss) = eval(guess);
    let mut best = m;
    if miss.is_none() {
        hi = guess;
        lo = None;
        let mut step = 1u32;
        loop {
            if hi == 0 {
                break;
            }
            let probe = hi.saturating_sub(step);
            let (m, miss) = eval(probe);
            if miss.is_none() {
                hi = probe;
                best = m;
                step = step.saturating_mul(2);
            } else {
                lo = Some(probe);
                break;
            }
        }
    } else {
        lo = Some(guess);
        let mut step = 1u32;
        loop {
            let probe = guess.saturating_add(step).min(limit);
            let (m, miss) = eval(probe);
            match miss {
                None => {
                    hi = probe;
                    best = m;
                    break;
                }
                Some(missed) if probe >= limit => {
                    return Err(StaffingError::Infeasible {
                        load_erlangs: a,
                        limit,
                        target: missed,
                    })
                }
                Some(_) => {
                    lo = Some(probe);
                    step = step.saturating_mul(2);
                }
            }
        }
    }
    // Bisection on the monotone predicate between lo (infeasible) and hi (feasible).
    if let Some(mut l) = lo {
        while hi - l > 1 {
            let mid = l + (hi - l) / 2;
            let (m, miss) = eval(mid);
            if miss.is_none() {
                hi = mid;
                best = m;
            } else {
                l = mid;
            }
        }
    }
    let binding = if hi == 0 {
        Binding::None
    } else {
        eval(hi - 1).1.unwrap_or(Binding::None)
    };
    Ok(Requirement {
        agents: hi,
        metrics: best,
        binding,
    })
}
