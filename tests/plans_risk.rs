//! Issue #14: risk-based staffing from the forecast's prediction bounds. `--risk 0.8` lands
//! between point-forecast staffing and upper-80 %-bound staffing, and `p_meet_target` is checked
//! by simulation: arrival rates drawn from the predictive distribution (normal scores mapped
//! through the bounds, the definition in `wfm::staffing::risk`), each judged by an Erlang C
//! service level computed here independently (Erlang B recursion, Gans–Koole–Mandelbaum 2003
//! eq. for P(W ≤ t) = 1 − C·e^{−(N−A)t/AHT}).

use std::path::Path;

use wfm::staffing::config::StaffConfig;
use wfm::staffing::plan::{self, StaffInput};
use wfm::table::CsvInput;

/// (point, lo80, hi80, lo95, hi95, aht): symmetric, right-skewed, clipped at 0, large.
const ROWS: [(f64, f64, f64, f64, f64, f64); 5] = [
    (100.0, 80.0, 120.0, 70.0, 130.0, 180.0),
    (40.0, 30.0, 60.0, 26.0, 75.0, 240.0),
    (3.0, 0.5, 7.0, 0.0, 10.0, 120.0),
    (400.0, 340.0, 470.0, 310.0, 510.0, 200.0),
    (12.0, 8.0, 17.0, 6.0, 20.0, 300.0),
];

fn input(column: usize) -> StaffInput {
    let mut t = String::from("interval_start,queue,forecast,lo80,hi80,lo95,hi95,aht_forecast\n");
    for (i, r) in ROWS.iter().enumerate() {
        let v = [r.0, r.1, r.2, r.3, r.4];
        t.push_str(&format!(
            "2026-01-05T{:02}:00:00,A,{},{},{},{},{},{}\n",
            8 + i,
            v[column],
            r.1,
            r.2,
            r.3,
            r.4,
            r.5
        ));
    }
    let csv = CsvInput::from_bytes(Path::new("forecast.csv"), t.as_bytes()).unwrap();
    StaffInput::from_csv(&csv).unwrap()
}

const Z: [f64; 5] = [
    -1.959963984540054,
    -1.2815515655446004,
    0.0,
    1.2815515655446004,
    1.959963984540054,
];

fn quantile_at_z(r: &(f64, f64, f64, f64, f64, f64), z: f64) -> f64 {
    let x = [r.3, r.1, r.0, r.2, r.4];
    let i = if z <= Z[1] {
        0
    } else if z <= Z[2] {
        1
    } else if z <= Z[3] {
        2
    } else {
        3
    };
    (x[i] + (x[i + 1] - x[i]) / (Z[i + 1] - Z[i]) * (z - Z[i])).max(0.0)
}

/// Erlang C service level for `n` agents, load `a` Erlangs, threshold `t` s, handle time `aht`.
fn erlang_c_sl(n: u32, a: f64, aht: f64, t: f64) -> f64 {
    if a <= 0.0 {
        return 1.0;
    }
    if f64::from(n) <= a {
        return 0.0;
    }
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (f64::from(k) + a * b);
    }
    let nf = f64::from(n);
    let c = nf * b / (nf - a * (1.0 - b));
    1.0 - c * (-(nf - a) * t / aht).exp()
}

struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

#[test]
fn risk_staffing_lies_between_point_and_upper_bound_and_its_probability_holds() {
    let cfg = StaffConfig::new(); // Erlang C, 80 % in 20 s
    let point = plan::staff(&input(0), &cfg).unwrap();
    let upper = plan::staff(&input(2), &cfg).unwrap();
    let risky = plan::staff(&input(0), &cfg.clone().with_risk(0.8).unwrap()).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    const DRAWS: usize = 40_000;
    for (i, r) in ROWS.iter().enumerate() {
        let (n0, nr, nh) = (
            point.rows[i].agents,
            risky.rows[i].agents,
            upper.rows[i].agents,
        );
        assert!(n0 <= nr && nr <= nh, "row {i}: {n0} ≤ {nr} ≤ {nh}");
        // Point staffing meets the target at the median: probability ≥ 1/2.
        assert!(point.rows[i].p_meet_target.unwrap() >= 0.5 - 1e-9);
        for (plan, n) in [(&point, n0), (&risky, nr)] {
            let p = plan.rows[i].p_meet_target.unwrap();
            let hits = (0..DRAWS)
                .filter(|_| {
                    let calls = quantile_at_z(r, rng.normal());
                    erlang_c_sl(n, calls * r.5 / 3600.0, r.5, 20.0) >= 0.8 * (1.0 - 1e-9)
                })
                .count();
            let sim = hits as f64 / DRAWS as f64;
            let se = (p * (1.0 - p) / DRAWS as f64).sqrt().max(1e-4);
            assert!(
                (sim - p).abs() < 4.0 * se + 1e-3,
                "row {i}, {n} agents: simulated {sim} vs {p}"
            );
        }
        assert!(risky.rows[i].p_meet_target.unwrap() >= 0.8 - 1e-9);
    }
    // The FTE requirement grows from point to risk 0.8 to the upper bound.
    let fte = |p: &plan::StaffPlan| p.horizon().agent_hours;
    assert!(fte(&point) < fte(&risky) && fte(&risky) < fte(&upper));
}
