//! The simulator's random numbers: xoshiro256++ seeded by SplitMix64.
//!
//! Written out here (30 lines) rather than taken from `rand` because the simulator promises the
//! same bytes for the same seed across releases, and `rand`'s `StdRng` does not (its algorithm may
//! change between versions). Each replication has its own stream, seeded from `(seed, rep)`, so
//! results do not depend on how replications are spread over threads.
//!
//! # References
//! Blackman, D. and Vigna, S. (2021), "Scrambled linear pseudorandom number generators",
//! *ACM Transactions on Mathematical Software* 47(4), 36 (xoshiro256++ and SplitMix64).

/// One step of SplitMix64 on `state`.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256++.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// The stream of replication `rep` of a run seeded with `seed`.
    pub(crate) fn for_replication(seed: u64, rep: u64) -> Self {
        let mut st = seed ^ rep.wrapping_mul(0xD1B5_4A32_D192_ED03);
        // Burn one output so that nearby (seed, rep) pairs start far apart.
        splitmix64(&mut st);
        let s = [
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
        ];
        Rng { s }
    }

    /// Stream `stream` of replication `rep`: independent streams per queue and per kind of
    /// draw, so that with [`super::CrnModel`] the k-th call of a queue gets the same arrival
    /// time, patience and handle time whatever the staffing (common random numbers, #20).
    pub(crate) fn for_stream(seed: u64, rep: u64, stream: u64) -> Self {
        let mut st = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mixed = splitmix64(&mut st);
        Self::for_replication(mixed, rep)
    }

    /// The next 64 random bits.
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// Uniform in `(0, 1]` (never 0, so that `ln` is finite).
    #[inline]
    pub(crate) fn uniform_open0(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Exponential with mean 1.
    #[inline]
    pub(crate) fn exp1(&mut self) -> f64 {
        -self.uniform_open0().ln()
    }

    /// Standard normal (Box–Muller, one of the pair).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = self.uniform_open0();
        let u2 = self.uniform_open0();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_matches_the_reference_implementation() {
        // Reference: xoshiro256plusplus.c (Vigna) with s = {1, 2, 3, 4}; first outputs
        // 41943041, 58720359, 3588806011781223 (as in the rand_xoshiro test vectors).
        let mut r = Rng { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 41_943_041);
        assert_eq!(r.next_u64(), 58_720_359);
        assert_eq!(r.next_u64(), 3_588_806_011_781_223);
    }

    #[test]
    fn streams_differ_by_replication_and_uniforms_are_uniform() {
        let mut a = Rng::for_replication(7, 0);
        let mut b = Rng::for_replication(7, 1);
        assert_ne!(a.next_u64(), b.next_u64());
        let n = 200_000;
        let mean = (0..n).map(|_| a.exp1()).sum::<f64>() / f64::from(n);
        assert!((mean - 1.0).abs() < 0.01, "{mean}");
    }
}
