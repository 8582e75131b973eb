//! The plan's recurrences, evaluated forward from a hiring decision.
//!
//! Given the hires `h[t]` of every week, the model (#15) fixes every other quantity:
//! joiners, trainees, the floor `N[t]`, effective FTE, and — week by week — the cheapest mix of
//! overtime and under-staffing that covers what the floor cannot. The MIP chooses `h`; this
//! module turns a choice into the weekly rows, so that the rows satisfy the recurrences exactly
//! (to floating-point rounding) whatever the solver's own tolerances were.

use chrono::NaiveDate;

use crate::capacity::CapacityInput;

/// Coverage tolerance (FTE): a shortage below it is rounding, not under-staffing.
pub(crate) const COVER_TOL: f64 = 1e-7;

/// One week of a capacity plan: the columns of `wfm capacity` (issue #15) plus the class flag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekRow {
    /// First day of the week.
    pub week_start: NaiveDate,
    /// `R[t]`: required effective FTE.
    pub required_fte: f64,
    /// `N[t]`: productive agents on the floor at the start of the week (joiners included).
    pub productive: f64,
    /// `trainees[t]`: people in classes started in weeks `t−L+1 … t`, after training attrition.
    pub in_training: f64,
    /// `J[t]`: agents who finished training and joined the floor at the start of the week.
    pub joiners: f64,
    /// `a[t]·N[t]`: floor agents who leave during the week (so `N[t+1] = N[t] − leavers[t] + J[t+1]`).
    pub leavers: f64,
    /// `E[t] = (1 − s[t])·(N[t] − Σ_k (1 − ramp[k])·J[t−k+1])`.
    pub effective_fte: f64,
    /// Overtime, FTE-weeks.
    pub overtime: f64,
    /// Under-staffing, FTE-weeks.
    pub under: f64,
    /// `h[t]`: hires starting a class this week.
    pub hires_started: u32,
    /// Whether a class starts this week (`h[t] > 0`).
    pub class_open: bool,
    /// Cost of the week: hires, class, wages (floor + trainees), overtime, under-staffing penalty.
    pub cost: f64,
}

/// Share of a class that reaches the floor: `(1 − b)^L`.
pub(crate) fn graduation_rate(input: &CapacityInput) -> f64 {
    (1.0 - input.training.attrition).powi(input.training.weeks as i32)
}

/// Overtime and under-staffing that cover `shortage` at least cost, given the overtime cap.
///
/// Both cost per FTE-week and cover one FTE-week each, so the cheaper one is used first (up to
/// its cap); with under-staffing forbidden only overtime covers and any rest is reported as
/// `under` (an infeasible plan).
pub(crate) fn cover(input: &CapacityInput, shortage: f64, productive: f64) -> (f64, f64) {
    let d = if shortage > COVER_TOL { shortage } else { 0.0 };
    let cap = input.costs.max_overtime * productive;
    match input.costs.under {
        Some(pen) if pen < input.costs.overtime => (0.0, d),
        _ => {
            let ot = d.min(cap);
            (ot, d - ot)
        }
    }
}

/// The weekly rows of the plan that hires `hires[t]` in week `t` (0 outside class starts).
pub fn evaluate(input: &CapacityInput, hires: &[u32]) -> Vec<WeekRow> {
    let t_len = input.weeks();
    assert_eq!(hires.len(), t_len, "one hire count per week");
    let l = input.training.weeks;
    let b = input.training.attrition;
    let grad = graduation_rate(input);
    let joiners: Vec<f64> = (0..t_len)
        .map(|t| {
            if t >= l {
                f64::from(hires[t - l]) * grad
            } else {
                0.0
            }
        })
        .collect();
    let c = &input.costs;
    let mut rows = Vec::with_capacity(t_len);
    let mut n = input.initial_productive;
    for t in 0..t_len {
        if t > 0 {
            n = (1.0 - input.attrition[t - 1]) * n + joiners[t];
        }
        let in_training: f64 = (t.saturating_sub(l - 1)..=t)
            .map(|s| f64::from(hires[s]) * (1.0 - b).powi((t - s) as i32))
            .sum();
        let ramp_gap: f64 = input
            .training
            .ramp
            .iter()
            .enumerate()
            .filter(|(k, _)| *k <= t)
            .map(|(k, r)| (1.0 - r) * joiners[t - k])
            .sum();
        let effective = (1.0 - input.shrinkage[t]) * (n - ramp_gap);
        let (overtime, under) = cover(input, input.required[t] - effective, n);
        let h = hires[t];
        let open = h > 0;
        let cost = c.hire * f64::from(h)
            + if open { c.class } else { 0.0 }
            + c.wage * (n + in_training)
            + c.overtime * overtime
            + c.under.unwrap_or(0.0) * under;
        rows.push(WeekRow {
            week_start: input.grid.date(t),
            required_fte: input.required[t],
            productive: n,
            in_training,
            joiners: joiners[t],
            leavers: input.attrition[t] * n,
            effective_fte: effective,
            overtime,
            under,
            hires_started: h,
            class_open: open,
            cost,
        });
    }
    rows
}

/// Why a plan's rows break a hard constraint (hard coverage, headcount, budget), if they do:
/// the first week and what fails there.
pub(crate) fn first_violation(input: &CapacityInput, rows: &[WeekRow]) -> Option<(usize, String)> {
    let tol = 1e-6;
    let mut total = 0.0;
    for (t, r) in rows.iter().enumerate() {
        total += r.cost;
        if input.costs.under.is_none() && r.under > tol {
            return Some((t, format!("{:.4} FTE uncovered", r.under)));
        }
        if let Some(m) = input.max_headcount {
            if r.productive + r.in_training > m + tol {
                return Some((
                    t,
                    format!("headcount {:.4} > {m}", r.productive + r.in_training),
                ));
            }
        }
        if let Some(b) = input.budget.per_week {
            if r.cost > b * (1.0 + tol) + tol {
                return Some((t, format!("week cost {:.2} > {b}", r.cost)));
            }
        }
        if let Some(b) = input.budget.total {
            if total > b * (1.0 + tol) + tol {
                return Some((t, format!("cumulative cost {total:.2} > {b}")));
            }
        }
    }
    None
}
