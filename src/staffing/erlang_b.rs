//! Erlang B (M/M/N/N loss system): the probability that an arrival finds all `N` servers busy
//! when blocked calls are lost. It is the building block of Erlang C and Erlang A.
//!
//! # Why a truncated recursion
//! `B(N, A) = (A^N / N!) / Σ_{k=0}^{N} A^k / k!` overflows for any realistic `N` when written with
//! factorials. The reciprocal `r(N) = 1 / B(N, A)` obeys `r(0) = 1`, `r(N) = 1 + (N / A)·r(N−1)`: a
//! sum of positive terms, so each step adds at most two roundings of relative error (no
//! cancellation) and the value is exact to ~1e-13 after tens of thousands of steps.
//!
//! Counting from `N = 0` would cost `O(A)` steps at 50,000 Erlangs. Since
//! `r(N) = Σ_{k=0}^{N} p(k) / p(N)` with `p` the Poisson(A) pmf, starting the recursion at
//! `n0 = ⌊A − 9·√A⌋` with `r(n0) = 1` drops the terms `k < n0`, whose share of the sum is at most
//! `P(X < n0) / P(n0 ≤ X ≤ N)` for `X ~ Poisson(A)`. By the Chernoff bound
//! `P(X ≤ A − t) ≤ exp(−t² / (2A))` (Poisson left tail), `t = 9√A` gives `≤ e^{−40.5} ≈ 2.6e−18`,
//! and for `N ≥ ⌊A⌋` the denominator is ≥ 1/3: the truncation (≤ 8e−18 relative) is below
//! `f64` resolution (1.1e−16). For `N < ⌊A⌋` the recursion starts at 0 (cost `N`, exact).
//! Stepping `N → N+1` afterwards is `O(1)`, which is what the staffing search uses ([`ErlangB`]).
//!
//! # Speed
//! One step `r ← 1 + c·r` is a dependent multiply-add, so a long run of steps is bound by
//! floating-point latency, not throughput. Positioning the recursion therefore takes four steps
//! at a time, `r(N+4) = α + β·r(N)` with `α = 1 + c₄ + c₄c₃ + c₄c₃c₂` and `β = c₄c₃c₂c₁`
//! (`cᵢ = (N+i)/A`) computed off the dependency chain: the same positive terms (no
//! cancellation), a quarter of the latency.

/// The number of standard deviations below the load where the truncated recursion starts
/// (see the module docs: the dropped mass is ≤ e^{−9²/2} by the Chernoff bound).
const START_SIGMAS: f64 = 9.0;

/// An Erlang B recursion positioned at some `N`, stepped upwards in `O(1)` per agent.
///
/// # Formula
/// `r(0) = 1`, `r(N) = 1 + (N / A)·r(N − 1)`, `B(N, A) = 1 / r(N)`.
///
/// # References
/// Jagerman, D. L. (1974), "Some properties of the Erlang loss function", *Bell System
/// Technical Journal* 53(3), 525–551 (the recursion and its stability); Cooper, R. B. (1981),
/// *Introduction to Queueing Theory*, 2nd ed., §3.4.
///
/// # Examples
/// ```
/// use wfm::staffing::erlang_b::ErlangB;
/// let mut b = ErlangB::new(10.0, 10);
/// // B(10, 10) = 0.214582343 (closed form in mpmath 1.3.0, 30 digits; Erlang B tables: 0.2146)
/// assert!((b.blocking() - 0.214582).abs() < 1e-6);
/// b.step();
/// assert_eq!(b.agents(), 11);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ErlangB {
    load: f64,
    inv_load: f64,
    agents: u32,
    /// `1 / B(agents, load)`; `+∞` once it overflows, i.e. for `B < ~1e-308`, reported as `B = 0`.
    reciprocal: f64,
}

impl ErlangB {
    /// The recursion positioned at `agents` for offered load `load` (Erlangs, ≥ 0, finite).
    ///
    /// Cost: `O(min(agents, 9·√load + (agents − load)))` steps, taken four at a time.
    pub fn new(load: f64, agents: u32) -> Self {
        debug_assert!(load.is_finite() && load >= 0.0);
        if load <= 0.0 {
            // No traffic: nothing is ever blocked once there is at least one agent.
            let reciprocal = if agents == 0 { 1.0 } else { f64::INFINITY };
            return ErlangB {
                load,
                inv_load: f64::INFINITY,
                agents,
                reciprocal,
            };
        }
        let n0 = Self::truncation_start(load);
        let start = if f64::from(agents) >= load.floor() {
            n0.min(agents)
        } else {
            0
        };
        let mut b = ErlangB {
            load,
            inv_load: 1.0 / load,
            agents: start,
            reciprocal: 1.0,
        };
        b.advance(agents);
        b
    }

    /// Moves the recursion up to `agents` (no-op when already there or beyond), four steps at a
    /// time (see the module docs).
    pub fn advance(&mut self, agents: u32) {
        while self.agents + 4 <= agents {
            if self.reciprocal.is_infinite() {
                // B has underflowed to 0 and stays there: `agents` far above the load (an
                // evaluated staffing of 4e9 agents took billions of steps to get here).
                self.agents = agents;
                return;
            }
            let n = f64::from(self.agents);
            let c1 = (n + 1.0) * self.inv_load;
            let c2 = (n + 2.0) * self.inv_load;
            let c3 = (n + 3.0) * self.inv_load;
            let c4 = (n + 4.0) * self.inv_load;
            let p43 = c4 * c3;
            let p432 = p43 * c2;
            let alpha = 1.0 + c4 + p43 + p432;
            self.reciprocal = alpha + p432 * c1 * self.reciprocal;
            self.agents += 4;
        }
        while self.agents < agents {
            self.step();
        }
    }

    /// Where the truncated recursion starts for `load` (see the module docs).
    pub fn truncation_start(load: f64) -> u32 {
        let n0 = (load - START_SIGMAS * load.sqrt()).floor();
        if n0 <= 0.0 {
            0
        } else {
            n0 as u32
        }
    }

    /// Adds one agent: `r(N+1) = 1 + ((N+1)/A)·r(N)`.
    #[inline]
    pub fn step(&mut self) {
        self.agents += 1;
        self.reciprocal = 1.0 + f64::from(self.agents) * self.inv_load * self.reciprocal;
    }

    /// The current number of agents `N`.
    pub fn agents(&self) -> u32 {
        self.agents
    }

    /// The offered load `A` in Erlangs.
    pub fn load(&self) -> f64 {
        self.load
    }

    /// `B(N, A)`, the blocking probability, in `[0, 1]`.
    #[inline]
    pub fn blocking(&self) -> f64 {
        1.0 / self.reciprocal
    }

    /// `1 / B(N, A)` (≥ 1; `+∞` when `B` underflows).
    #[inline]
    pub fn reciprocal(&self) -> f64 {
        self.reciprocal
    }
}

/// Erlang B blocking probability `B(N, A)` for `agents = N` servers and offered load `load = A`
/// Erlangs, by the truncated stable recursion ([`ErlangB`]).
///
/// # Formula
/// `B(N, A) = (A^N / N!) / Σ_{k=0}^{N} A^k / k!`, evaluated as `1 / r(N)` with
/// `r(N) = 1 + (N / A)·r(N − 1)`, `r(0) = 1`.
///
/// # References
/// Cooper, R. B. (1981), *Introduction to Queueing Theory*, 2nd ed., North Holland, §3.4, eq. (4.6).
///
/// # Examples
/// ```
/// // A = 2 Erlangs, N = 3: (8/6) / (1 + 2 + 2 + 8/6) = 4/19
/// let b = wfm::staffing::erlang_b::blocking(3, 2.0);
/// assert!((b - 4.0 / 19.0).abs() < 1e-15);
/// ```
pub fn blocking(agents: u32, load: f64) -> f64 {
    ErlangB::new(load, agents).blocking()
}

/// The closed form `(A^N / N!) / Σ A^k / k!` in plain `f64`, valid only for small `N` (≤ 150) and
/// moderate `A`; kept to test the recursion against (it overflows beyond that).
#[doc(hidden)]
pub fn blocking_closed_form(agents: u32, load: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=agents {
        term *= load / f64::from(k);
        sum += term;
    }
    term / sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_start_agrees_with_full_recursion() {
        for &a in &[250.0, 1_000.0, 4_321.5] {
            for n in [a as u32, a as u32 + 20, a as u32 + 200] {
                let fast = blocking(n, a);
                let mut full = 1.0f64;
                for k in 1..=n {
                    full = 1.0 + f64::from(k) / a * full;
                }
                let full = 1.0 / full;
                assert!(
                    ((fast - full) / full).abs() < 1e-12,
                    "case A={a}, N={n}: {fast} vs {full}"
                );
            }
        }
    }

    #[test]
    fn four_step_blocks_equal_single_steps() {
        for &a in &[0.3, 7.5, 180.0, 12_345.6] {
            let mut one = ErlangB::new(a, 0);
            let mut four = ErlangB::new(a, 0);
            for target in [1u32, 5, 17, 64, 301, 1_000] {
                while one.agents() < target {
                    one.step();
                }
                four.advance(target);
                assert_eq!(four.agents(), target);
                let (x, y) = (one.reciprocal(), four.reciprocal());
                if x.is_infinite() {
                    // B underflows (N ≫ A): both report B = 0.
                    assert!(y.is_infinite() || y > 1e300, "case A={a}, N={target}");
                    continue;
                }
                assert!(
                    ((x - y) / x).abs() < 1e-13,
                    "case A={a}, N={target}: {x} vs {y}"
                );
            }
        }
    }

    #[test]
    fn zero_load_and_zero_agents() {
        assert_eq!(blocking(0, 0.0), 1.0);
        assert_eq!(blocking(3, 0.0), 0.0);
        assert_eq!(blocking(0, 5.0), 1.0);
    }
}
