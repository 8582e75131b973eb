//! Weekly tours: the week is planned as tours (a days-on pattern plus one shift per working
//! day), not as seven unrelated days.
//!
//! # Model
//! On top of the shift MIP (see `model.rs`), integer `z_p` = number of employees working the
//! days-on pattern `p` (e.g. 5 days on with 2 consecutive days off: 7 patterns; non-consecutive:
//! 21). Linking (implicit tour scheduling, Bailey 1985; Jacobs & Brusco 1996):
//! - day `d`: `Σ_{s starts on d} x_s = Σ_{p works d} z_p` (every working day has one shift);
//! - weekly paid hours: `H_min Σ_p z_p ≤ Σ_s h_s x_s ≤ H_max Σ_p z_p` (aggregate);
//! - minimum rest `R` between consecutive days `d → d+1`: for every start time `θ` of day
//!   `d+1`, `Σ_{s on d+1, start ≤ θ} x_s ≤ N_{d+1} + Σ_{s on d, end ≤ θ − R} x_s`, where
//!   `N_{d+1} = Σ_{p: off d, on d+1} z_p` are the employees starting a run of days. This is
//!   Hall's condition for matching day-`d+1` shifts to employees coming off day `d`, whose
//!   compatibility is a threshold (nested) structure.
//!
//! The aggregate weekly-hours and rest rows are necessary, not sufficient, for individual tours;
//! the explicit tours are then built day by day (best-fit assignment of shifts to the employees
//! of each pattern) and every remaining rest or weekly-hours violation is reported, never hidden.
//!
//! # References
//! Bailey, J. (1985), "Integrated days off and shift personnel scheduling", *Computers &
//! Industrial Engineering* 9(4), 395–404.
//! Jacobs, L. W. and Brusco, M. J. (1996), "Overlapping start-time bands in implicit tour
//! scheduling", *Management Science* 42(9), 1247–1259.

use super::model::{Formulation, Instance};
use super::rules::{TourRules, DAY_NAMES};
use super::{Schedule, ScheduleError};

/// A days-on pattern over the 7 days of the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    /// Working days, index = day of the horizon.
    pub on: [bool; 7],
}

impl Pattern {
    /// Text like `SMTWT--` (weekday initials of working days, `-` for days off), in horizon order.
    pub fn label(&self, first_weekday: usize) -> String {
        (0..7)
            .map(|d| {
                if self.on[d] {
                    DAY_NAMES[(first_weekday + d) % 7]
                        .chars()
                        .next()
                        .unwrap_or('?')
                } else {
                    '-'
                }
            })
            .collect()
    }
}

/// Every days-on pattern allowed by the rules.
pub fn patterns(rules: &TourRules) -> Vec<Pattern> {
    let k = rules.days_on as usize;
    let mut out = Vec::new();
    if rules.consecutive_days_off && k < 7 {
        for first_off in 0..7 {
            let mut on = [true; 7];
            for i in 0..(7 - k) {
                on[(first_off + i) % 7] = false;
            }
            out.push(Pattern { on });
        }
    } else {
        for mask in 0u32..128 {
            if mask.count_ones() as usize == k {
                let mut on = [false; 7];
                for (d, o) in on.iter_mut().enumerate() {
                    *o = mask & (1 << d) != 0;
                }
                out.push(Pattern { on });
            }
        }
    }
    out
}

/// Tour columns added to a formulation.
#[derive(Debug, Clone)]
pub(crate) struct TourCols {
    /// One column per pattern of [`patterns`], in that order.
    pub(crate) z: Vec<usize>,
}

/// Adds the tour variables and rows (module docs) to `form`.
pub(crate) fn add_tour_model(
    inst: &Instance,
    form: &mut Formulation,
    rules: &TourRules,
) -> TourCols {
    let pats = patterns(rules);
    let lp = &mut form.lp;
    let z: Vec<usize> = pats
        .iter()
        .map(|_| lp.add_col(0.0, f64::INFINITY, true, 0.0))
        .collect();
    for d in 0..7 {
        let mut row: Vec<(usize, f64)> = inst
            .cands
            .iter()
            .enumerate()
            .filter(|(_, c)| c.day == d)
            .map(|(i, _)| (form.x[i], 1.0))
            .collect();
        row.extend(
            pats.iter()
                .zip(&z)
                .filter(|(p, _)| p.on[d])
                .map(|(_, &c)| (c, -1.0)),
        );
        lp.add_row(row, 0.0, 0.0);
    }
    // weekly paid hours, aggregate
    let mut lo_row: Vec<(usize, f64)> = Vec::new();
    let mut hi_row: Vec<(usize, f64)> = Vec::new();
    for (i, c) in inst.cands.iter().enumerate() {
        let h = inst.templates[c.template].paid_hours;
        lo_row.push((form.x[i], h));
        hi_row.push((form.x[i], h));
    }
    for &c in &z {
        lo_row.push((c, -rules.min_weekly_hours));
        hi_row.push((c, -rules.max_weekly_hours));
    }
    lp.add_row(lo_row, 0.0, f64::INFINITY);
    lp.add_row(hi_row, f64::NEG_INFINITY, 0.0);
    // minimum rest between consecutive days
    let rest = (rules.min_rest_min as usize).div_ceil(inst.minutes as usize);
    if rest > 0 {
        for d in 0..7 {
            let next = (d + 1) % 7;
            if next == 0 && !inst.cyclic {
                continue;
            }
            let offset = if next == 0 { inst.t_len } else { 0 };
            let newcomers: Vec<(usize, f64)> = pats
                .iter()
                .zip(&z)
                .filter(|(p, _)| !p.on[d] && p.on[next])
                .map(|(_, &c)| (c, -1.0))
                .collect();
            let mut thetas: Vec<usize> = inst
                .cands
                .iter()
                .filter(|c| c.day == next)
                .map(|c| c.start + offset)
                .collect();
            thetas.sort_unstable();
            thetas.dedup();
            for &theta in &thetas {
                let mut row: Vec<(usize, f64)> = inst
                    .cands
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.day == next && c.start + offset <= theta)
                    .map(|(i, _)| (form.x[i], 1.0))
                    .collect();
                row.extend(newcomers.iter().copied());
                for (i, c) in inst.cands.iter().enumerate() {
                    if c.day == d && c.start + inst.templates[c.template].len + rest <= theta {
                        row.push((form.x[i], -1.0));
                    }
                }
                lp.add_row(row, f64::NEG_INFINITY, 0.0);
            }
        }
    }
    TourCols { z }
}

/// One employee's week.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    /// Employee number (1-based).
    pub employee: usize,
    /// Days-on pattern, e.g. `SMTWT--`.
    pub pattern: String,
    /// Per day of the horizon: the index into [`Schedule::shifts`] worked that day.
    pub shifts: [Option<usize>; 7],
    /// Paid hours of the week.
    pub paid_hours: f64,
}

/// A weekly plan as tours, with the day-by-day schedule it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct TourPlan {
    /// The shifts, coverage and summary (as for a day-by-day plan).
    pub schedule: Schedule,
    /// Employees per pattern.
    pub patterns: Vec<(String, u32)>,
    /// The tours.
    pub tours: Vec<Tour>,
    /// Rest-rule violations left in the explicit tours (each described).
    pub rest_violations: Vec<String>,
    /// Weekly-hours violations (each described).
    pub hours_violations: Vec<String>,
    /// Shifts that no tour took.
    pub unassigned_shifts: usize,
}

/// Builds explicit tours from the shifts of `schedule` and employees per pattern.
pub(crate) fn build_tours(
    schedule: Schedule,
    rules: &TourRules,
    pats: &[Pattern],
    counts: &[u32],
    first_weekday: usize,
    cyclic: bool,
) -> Result<TourPlan, ScheduleError> {
    if schedule.day_labels.len() != 7 {
        return Err(ScheduleError::BadRequirement {
            reason: format!(
                "weekly tours need a 7-day horizon, got {} day(s)",
                schedule.day_labels.len()
            ),
        });
    }
    let rest = rules.min_rest_min;
    let mut tours: Vec<Tour> = Vec::new();
    for (p, &n) in pats.iter().zip(counts) {
        for _ in 0..n {
            tours.push(Tour {
                employee: tours.len() + 1,
                pattern: p.label(first_weekday),
                shifts: [None; 7],
                paid_hours: 0.0,
            });
        }
    }
    let on: Vec<[bool; 7]> = pats
        .iter()
        .zip(counts)
        .flat_map(|(p, &n)| std::iter::repeat_n(p.on, n as usize))
        .collect();
    let mut rest_violations = Vec::new();
    let mut unassigned = 0;
    for d in 0..7 {
        let mut day_shifts: Vec<usize> = (0..schedule.shifts.len())
            .filter(|&i| schedule.shifts[i].day == d)
            .collect();
        // Latest-ending shifts first, to employees who are off tomorrow when possible: they
        // constrain nobody's rest. Within that, best fit on today's availability.
        day_shifts.sort_by_key(|&i| {
            std::cmp::Reverse((schedule.shifts[i].end_min, schedule.shifts[i].start_min))
        });
        let mut free: Vec<usize> = (0..tours.len()).filter(|&e| on[e][d]).collect();
        let works_tomorrow = |e: usize| {
            if d + 1 < 7 {
                on[e][d + 1]
            } else {
                cyclic && on[e][0]
            }
        };
        for &si in &day_shifts {
            let start = schedule.shifts[si].start_min;
            let avail = |e: usize| -> Option<u32> {
                let prev = if d > 0 { tours[e].shifts[d - 1] } else { None };
                prev.map(|p| schedule.shifts[p].end_min + rest)
            };
            let pick = free
                .iter()
                .copied()
                .filter(|&e| avail(e).is_none_or(|a| a <= start))
                .max_by(|&a, &b| {
                    (!works_tomorrow(a))
                        .cmp(&!works_tomorrow(b))
                        .then(avail(a).unwrap_or(0).cmp(&avail(b).unwrap_or(0)))
                        .then(tours[b].paid_hours.total_cmp(&tours[a].paid_hours))
                        .then(b.cmp(&a))
                });
            let pick = match pick {
                Some(e) => Some(e),
                None => {
                    let e = free.iter().copied().min_by_key(|&e| avail(e).unwrap_or(0));
                    if let Some(e) = e {
                        rest_violations.push(format!(
                            "employee {}: {} shift at {} starts {} min after the previous shift ends (minimum {} min)",
                            tours[e].employee,
                            schedule.day_labels[d],
                            super::Shift::clock(start),
                            (start + rest).saturating_sub(avail(e).unwrap_or(0)),
                            rest
                        ));
                    }
                    e
                }
            };
            match pick {
                Some(e) => {
                    tours[e].shifts[d] = Some(si);
                    tours[e].paid_hours += schedule.shifts[si].paid_hours;
                    free.retain(|&x| x != e);
                }
                None => unassigned += 1,
            }
        }
    }
    if cyclic {
        // the last day's shift against the first day's of the following week
        let week = 7 * 1440;
        for t in &tours {
            if let (Some(a), Some(b)) = (t.shifts[6], t.shifts[0]) {
                let end = schedule.shifts[a].end_min;
                let next = schedule.shifts[b].start_min + week;
                if end + rest > next {
                    rest_violations.push(format!(
                        "employee {}: the {} shift of the next week starts {} min after the {} shift ends (minimum {} min)",
                        t.employee,
                        schedule.day_labels[0],
                        next.saturating_sub(end),
                        schedule.day_labels[6],
                        rest
                    ));
                }
            }
        }
    }
    let hours_violations = tours
        .iter()
        .filter(|t| {
            t.paid_hours < rules.min_weekly_hours - 1e-9
                || t.paid_hours > rules.max_weekly_hours + 1e-9
        })
        .map(|t| {
            format!(
                "employee {}: {:.2} paid hours outside [{}, {}]",
                t.employee, t.paid_hours, rules.min_weekly_hours, rules.max_weekly_hours
            )
        })
        .collect();
    Ok(TourPlan {
        patterns: pats
            .iter()
            .zip(counts)
            .filter(|(_, &n)| n > 0)
            .map(|(p, &n)| (p.label(first_weekday), n))
            .collect(),
        schedule,
        tours,
        rest_violations,
        hours_violations,
        unassigned_shifts: unassigned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_counts() {
        let r = |consecutive| TourRules {
            days_on: 5,
            consecutive_days_off: consecutive,
            min_weekly_hours: 0.0,
            max_weekly_hours: 40.0,
            min_rest_min: 0,
        };
        assert_eq!(patterns(&r(true)).len(), 7);
        assert_eq!(patterns(&r(false)).len(), 21);
        let p = patterns(&r(true))[0];
        assert_eq!(p.label(0), "--TWTFS");
        assert_eq!(p.on.iter().filter(|&&o| o).count(), 5);
    }
}
