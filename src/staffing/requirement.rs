//! Required agents: the smallest `N` meeting every target, and which target decided it.
//!
//! # Search
//! - **Erlang C**: SL and P(wait) improve and ASA and occupancy fall as agents are added
//!   (Jagerman 1974: `B(N, A)` and `C(N, A)` decrease in `N`), so the answer is the first
//!   feasible `N` scanning upwards from the smallest stable count `⌊A⌋ + 1`. The Erlang B recursion
//!   is positioned there once (`O(9·√A)` steps, see [`super::erlang_b`]) and then stepped in
//!   `O(1)` per agent, so the whole search is `O(√A)`. With an occupancy cap the scan starts at
//!   `⌈A / cap⌉ − 1` instead (every smaller N violates the cap), which saves up to `0.18·A`
//!   steps at a cap of 0.85. Starting at `⌊A⌋ + 1` — not at
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

use super::erlang_b::ErlangB;
use super::{erlang_a, erlang_c, QueueMetrics, StaffingError};
use crate::units::{Erlangs, Fraction, Secs};

/// Relative slack when comparing a metric with its target (see the module docs).
pub const TARGET_RTOL: f64 = 1e-10;

/// Bound on the relative drift of the geometric SL factor in the Erlang C scan, with a margin:
/// the factor is recomputed with `exp` every [`REANCHOR_EVERY`] agents, so it carries at most
/// 256 products (≤ 256 × 1.1e-16 ≈ 3e-14 relative).
const DRIFT_SLACK: f64 = 1e-12;
/// How often (in agents) the scan recomputes the SL factor exactly.
const REANCHOR_EVERY: u32 = 256;

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
        super::limits::check_load(load.value())?;
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

pub use crate::model::Binding;

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
    super::limits::check_load(a)?;
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
    // An occupancy cap alone rules out every N < A / cap: start just below that bound (one agent
    // of margin against rounding), so nothing feasible is skipped; see `binding` below.
    let start = match targets.max_occupancy {
        Some(cap) => {
            let lb = (a / (cap * (1.0 + TARGET_RTOL))).ceil();
            if lb.is_finite() && lb - 1.0 > f64::from(first) {
                ((lb - 1.0) as u32).min(limit)
            } else {
                first
            }
        }
        None => first,
    };
    let mut b = ErlangB::new(a, start);
    // The target the previous (infeasible) N missed. When the scan starts above ⌊A⌋ + 1, N − 1
    // ≤ ⌈A / cap⌉ − 2 violates the occupancy cap, so it is infeasible; its first missed target
    // (in the order SL, ASA, abandon, occupancy) is computed if the answer is `start` itself.
    let mut binding = if start == first {
        Some(Binding::Stability)
    } else {
        None
    };
    // SL(N) = 1 − C·e^{−(N−A)·t/AHT}: the exponential factor is geometric in N, so the scan
    // multiplies by e^{−t/AHT} per agent instead of calling `exp` (re-anchored every 256
    // agents). The quick SL is made optimistic by DRIFT_SLACK, so it never rejects an N that
    // the exact metrics accept; an N it accepts is re-checked exactly by `from_blocking`, whose
    // metrics are the ones reported. The quick P(wait) is `C = N / ((N − A)·r + A)` with
    // `r = 1/B` (one division, positive terms).
    let anchor = |n: u32| {
        if aht > 0.0 {
            (-(f64::from(n) - a) * t / aht).exp()
        } else {
            0.0
        }
    };
    let step_decay = if aht > 0.0 { (-t / aht).exp() } else { 0.0 };
    let mut decay = anchor(start);
    loop {
        let n = b.agents();
        let nf = f64::from(n);
        let r = b.reciprocal();
        let c = (nf / ((nf - a) * r + a)).clamp(0.0, 1.0);
        let quick = QueueMetrics {
            p_wait: c,
            service_level: (1.0 - c * decay * (1.0 - DRIFT_SLACK)).clamp(0.0, 1.0),
            asa_secs: c * aht / (nf - a),
            occupancy: a / nf,
            abandon_rate: None,
            abandon_wait_secs: None,
        };
        let missed = match targets.first_unmet(&quick) {
            Some(m) => Some(m),
            None => {
                let exact = erlang_c::from_blocking(n, a, b.blocking(), aht, t);
                match targets.first_unmet(&exact) {
                    None => {
                        let binding = match binding {
                            Some(x) => x,
                            None => {
                                let below = erlang_c::from_blocking(
                                    n - 1,
                                    a,
                                    ErlangB::new(a, n - 1).blocking(),
                                    aht,
                                    t,
                                );
                                targets.first_unmet(&below).unwrap_or(Binding::Occupancy)
                            }
                        };
                        return Ok(Requirement {
                            agents: n,
                            metrics: exact,
                            binding,
                        });
                    }
                    m => m,
                }
            }
        };
        match missed {
            Some(missed) if n >= limit => {
                return Err(StaffingError::Infeasible {
                    load_erlangs: a,
                    limit,
                    target: missed,
                })
            }
            Some(missed) => binding = Some(missed),
            None => unreachable!("handled above"),
        }
        b.step();
        decay = if (b.agents() - start) % REANCHOR_EVERY == 0 {
            anchor(b.agents())
        } else {
            decay * step_decay
        };
    }
}

fn required_erlang_a(
    a: f64,
    aht: f64,
    patience: f64,
    targets: &Targets,
) -> Result<Requirement, StaffingError> {
    let t = targets.threshold.value();
    if targets.service_level.is_none()
        && targets.max_asa.is_none()
        && targets.max_abandon.is_none()
        && targets.max_occupancy.is_none()
    {
        // Every N is stable and feasible: 0 agents, without probing down from round(A) (each
        // probe below the load costs (A − N)·patience / AHT series terms).
        return Ok(Requirement {
            agents: 0,
            metrics: erlang_a::compute(0, a, aht, patience, t),
            binding: Binding::None,
        });
    }
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
