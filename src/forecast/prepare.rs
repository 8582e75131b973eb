//! Turning one queue's raw history before an origin into what the models fit on: the open-hours
//! template per weekday, missing and special days imputed, unmarked outliers cleaned, and the
//! special-day effects estimated from their past occurrences.
//!
//! # Imputation
//! A day to impute (missing, or marked special in the calendar) gets, per slot, the mean of the
//! same weekday and slot over the [`NEIGHBOURS`] nearest usable days of that weekday (before or
//! after it, inside the history): a day absent from history is unknown, never zero.
//!
//! # Outliers (Hampel filter on the weekly lag, level-corrected)
//! Every observed value `y` of day `j` is compared with the median `m` of the same weekday and
//! slot on its [`NEIGHBOURS`] nearest usable days `k`, each neighbour's value first scaled by
//! the ratio `L_j / L_k` of the two days' local levels; it is replaced by `m` when
//! `|y − m| > HAMPEL_T · max(1.4826 · MAD, √max(m, 1))`. The floor `√m` is the Poisson standard
//! deviation of a count with mean `m`, so the filter is scale-free across queue sizes.
//!
//! The local level is the one the outlier-day search removes (there relative to the same
//! weekday's neighbours): `ln L_j` is the median, over the usable days `i` within three days of
//! `j`, of `ln((T_i + 1) / (P_w(i) + 1))`, with `T_i` the day's total and `P_w` the median total
//! of weekday `w` over the usable history (weekdays with `P_w = 0`, closed ones, do not vote).
//! Why: the neighbours of a day in the last week before the origin are all older, so without
//! the correction a genuine rise (a campaign, a new product, growth) makes every interval of
//! that week an "outlier" against the lower weeks and the models never see it. A level shift
//! moves the whole ±3-day window and so the ratio; a single-interval spike, or one odd day, moves
//! the median of seven days hardly at all and is still replaced.
//! Reference: Pearson, R. K. (2002), "Outliers in process modeling and identification", IEEE
//! Trans. Control Systems Technology 10(1):55–63 (the Hampel identifier, t = 3 typical; we use a
//! more conservative 4 because arrival counts are over-dispersed).
//!
//! # Special-day effects
//! For each effect class (closed, eve, reduced), per slot, the ratio of the actual volume on past
//! occurrences to the imputed normal volume: `r_s = (Σ y_s + κ R) / (Σ ŷ_s + κ)` with the day-level
//! ratio `R = Σ y / Σ ŷ` and κ = [`EFFECT_PRIOR_CALLS`] (credibility shrinkage of each slot toward
//! the day-level ratio; Bühlmann, H. & Gisler, A. (2005), *A Course in Credibility Theory*, ch. 3).
//! Without a past occurrence: `closed` → 0; `eve` borrows `reduced` and vice versa; else 1.

use super::calendar::{Calendar, Effect};
use super::history::{History, QueueHistory};
use crate::time::Datelike;

/// How many same-weekday days are used for imputation and the outlier median.
pub(crate) const NEIGHBOURS: usize = 6;
/// Hampel threshold (robust standard deviations).
pub(crate) const HAMPEL_T: f64 = 4.0;
/// Credibility weight (in calls) of the day-level effect ratio in each slot's ratio.
pub(crate) const EFFECT_PRIOR_CALLS: f64 = 5.0;
/// How many recent occurrences of a weekday decide whether a slot is open.
pub(crate) const TEMPLATE_WEEKS: usize = 8;

/// A queue's history before an origin, ready for fitting.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// Intervals per day.
    pub d: usize,
    /// Weekday (0 = Sunday) of day 0.
    pub first_wd: usize,
    /// Whole days before the origin.
    pub days: usize,
    /// Observed values; missing days (and special days, when a calendar is given) imputed.
    pub raw: Vec<f64>,
    /// `raw` divided by the day-of-month factors, with unmarked outliers replaced (the input
    /// of the non-baseline models).
    pub clean: Vec<f64>,
    /// Open-interval template: `open[weekday * d + slot]`.
    pub open: Vec<bool>,
    /// Per effect class, the per-slot volume ratio on such days (index [`Effect::index`]).
    pub effects: [Vec<f64>; 3],
    /// Per effect class, the number of past occurrences the effect was estimated from.
    pub occurrences: [usize; 3],
    /// Day-of-month factor, index 1..=31 (index 0 unused); all 1 when not supported by data.
    pub month_day: [f64; 32],
    /// The other queues' summed volume per interval (calendar special days 0), the prior of
    /// the intraday profile ([`crate::forecast::ets_profile::shrunk_profiles`]); `None` for a
    /// single queue.
    pub others: Option<Vec<f64>>,
}

impl Prepared {
    /// Weekday of day `j`.
    pub(crate) fn weekday(&self, j: usize) -> usize {
        (self.first_wd + j) % 7
    }
}

/// Hampel filter on usable days: a value further than [`HAMPEL_T`] robust scales from the
/// median of its same-weekday neighbours (each scaled by the ratio of the local levels, see
/// [`local_levels`]) is replaced by that median.
fn hampel(
    adjusted: &[f64],
    usable: &[bool],
    d: usize,
    first_wd: usize,
    neighbours: &dyn Fn(usize) -> Vec<usize>,
) -> Vec<f64> {
    let days = usable.len();
    let level = local_levels(adjusted, usable, d, first_wd);
    let mut clean = adjusted.to_vec();
    let mut buf = Vec::with_capacity(NEIGHBOURS);
    let mut dev = Vec::with_capacity(NEIGHBOURS);
    for j in 0..days {
        if !usable[j] {
            continue;
        }
        let nb = neighbours(j);
        if nb.len() < 3 {
            continue;
        }
        let ratio: Vec<f64> = nb
            .iter()
            .map(|&k| match (level[j], level[k]) {
                (Some(lj), Some(lk)) => (lj - lk).exp(),
                _ => 1.0,
            })
            .collect();
        for s in 0..d {
            let y = adjusted[j * d + s];
            buf.clear();
            buf.extend(nb.iter().zip(&ratio).map(|(&k, r)| r * adjusted[k * d + s]));
            let m = median(&mut buf);
            dev.clear();
            dev.extend(buf.iter().map(|v| (v - m).abs()));
            let mad = median(&mut dev);
            let scale = (1.4826 * mad).max(m.max(1.0).sqrt());
            if (y - m).abs() > HAMPEL_T * scale {
                clean[j * d + s] = m;
            }
        }
    }

    clean
}

/// The log local level `ln L_j` of every usable day (`None` where it has no usable day of an
/// open weekday within three days): the median over the usable days `i` in `[j − 3, j + 3]` of
/// `ln((T_i + 1) / (P_w(i) + 1))`, `T_i` the day's total and `P_w` the median total of weekday
/// `w` over the usable days (a weekday with `P_w = 0` is closed and does not vote).
fn local_levels(adjusted: &[f64], usable: &[bool], d: usize, first_wd: usize) -> Vec<Option<f64>> {
    let days = usable.len();
    let total = |j: usize| adjusted[j * d..(j + 1) * d].iter().sum::<f64>();
    let wd = |j: usize| (first_wd + j) % 7;
    let mut profile = [0.0; 7];
    let mut buf = Vec::new();
    for (w, p) in profile.iter_mut().enumerate() {
        buf.clear();
        buf.extend((0..days).filter(|&j| usable[j] && wd(j) == w).map(total));
        *p = median(&mut buf);
    }
    let n: Vec<Option<f64>> = (0..days)
        .map(|i| {
            let p = profile[wd(i)];
            (usable[i] && p > 0.0).then(|| ((total(i) + 1.0) / (p + 1.0)).ln())
        })
        .collect();
    (0..days)
        .map(|j| {
            if !usable[j] {
                return None;
            }
            buf.clear();
            buf.extend((j.saturating_sub(3)..(j + 4).min(days)).filter_map(|i| n[i]));
            (!buf.is_empty()).then(|| median(&mut buf))
        })
        .collect()
}

/// Special-day effects (closed, eve, reduced) from past occurrences: per slot, observed ÷
/// expected volume, shrunk towards the day's overall ratio by [`EFFECT_PRIOR_CALLS`]; and the
/// number of occurrences of each.
fn special_effects(
    vol: &[Option<f64>],
    special: &[Option<Effect>],
    observed: &[bool],
    expected: &[f64],
    d: usize,
) -> ([Vec<f64>; 3], [usize; 3]) {
    let days = special.len();
    let mut num = [vec![0.0; d], vec![0.0; d], vec![0.0; d]];
    let mut den = [vec![0.0; d], vec![0.0; d], vec![0.0; d]];
    let mut occ = [0usize; 3];
    for j in 0..days {
        let (Some(e), true) = (special[j], observed[j]) else {
            continue;
        };
        let exp = &expected[j * d..(j + 1) * d];
        if exp.iter().sum::<f64>() <= 0.0 {
            continue;
        }
        occ[e.index()] += 1;
        for s in 0..d {
            num[e.index()][s] += vol[j * d + s].unwrap_or(0.0);
            den[e.index()][s] += exp[s];
        }
    }
    let ratio = |i: usize| -> Vec<f64> {
        let n: f64 = num[i].iter().sum();
        let dd: f64 = den[i].iter().sum();
        let r = n / dd;
        (0..d)
            .map(|s| (num[i][s] + EFFECT_PRIOR_CALLS * r) / (den[i][s] + EFFECT_PRIOR_CALLS))
            .collect()
    };
    let ones = vec![1.0; d];
    let closed = if occ[Effect::Closed.index()] > 0 {
        ratio(Effect::Closed.index())
    } else {
        vec![0.0; d]
    };
    let ei = Effect::Eve.index();
    let ri = Effect::Reduced.index();
    let eve = if occ[ei] > 0 {
        ratio(ei)
    } else if occ[ri] > 0 {
        ratio(ri)
    } else {
        ones.clone()
    };
    let reduced = if occ[ri] > 0 {
        ratio(ri)
    } else if occ[ei] > 0 {
        ratio(ei)
    } else {
        ones
    };

    ([closed, eve, reduced], occ)
}

/// Prepares `q`'s history on days `[0, origin_day)`.
pub(crate) fn prepare(
    history: &History,
    q: &QueueHistory,
    calendar: Option<&Calendar>,
    origin_day: usize,
) -> Prepared {
    let d = history.step().per_day();
    let first_wd = history.first_weekday();
    let days = origin_day.min(history.days());
    let vol = q.volume();
    let observed: Vec<bool> = q.day_present()[..days].to_vec();
    let special: Vec<Option<Effect>> = (0..days)
        .map(|j| {
            calendar
                .and_then(|c| c.get(history.date(j)))
                .map(|s| s.effect)
        })
        .collect();
    // Usable = observed and a normal day.
    let usable: Vec<bool> = (0..days)
        .map(|j| observed[j] && special[j].is_none())
        .collect();
    let series = Series {
        vol,
        d,
        first_wd,
        days,
    };

    // The observed values, missing (and with a calendar, special) days imputed: what the
    // textbook baselines fit on.
    let open1 = series.template(&usable);
    let keep1: Vec<bool> = (0..days)
        .map(|j| usable[j] || (observed[j] && calendar.is_none()))
        .collect();
    let (raw, expected1) = series.impute(&keep1, &usable, &open1);

    // Day-of-month factors from the observed totals; outliers are then looked for in the
    // series adjusted for them (a payday peak is an effect, not an outlier).
    let month_day1 = month_day_factors(history, &raw, d, days, &usable, &|j| {
        series.neighbours(j, &usable)
    });
    let adjusted1 = divide_by_month_day(history, &raw, d, &month_day1);
    let outliers = series.outlier_days(&adjusted1, &usable);

    // Unmarked outlier days (an unlisted holiday, a closure, an outage) are treated as the
    // calendar's special days are: left out of every neighbour set and imputed.
    let (usable, open, expected, month_day, adjusted) = if outliers.is_empty() {
        (usable, open1, expected1, month_day1, adjusted1)
    } else {
        let mut usable = usable;
        for &j in &outliers {
            usable[j] = false;
        }
        // The open-hours template stays that of the observed days: an unusual day's level
        // says nothing about which slots are open, and the textbook baselines (which the
        // template also closes) must not depend on the outlier search.
        let (base, expected) = series.impute(&usable, &usable, &open1);
        let month_day = month_day_factors(history, &base, d, days, &usable, &|j| {
            series.neighbours(j, &usable)
        });
        let adjusted = divide_by_month_day(history, &base, d, &month_day);
        (usable, open1, expected, month_day, adjusted)
    };

    let clean = hampel(&adjusted, &usable, d, first_wd, &|j| {
        series.neighbours(j, &usable)
    });
    let ([closed, eve, reduced], occ) = special_effects(vol, &special, &observed, &expected, d);
    let others = history.others(q, days).map(|mut o| {
        for (j, day) in o.chunks_mut(d).enumerate() {
            if special[j].is_some() {
                day.fill(0.0);
            }
        }
        o
    });

    Prepared {
        d,
        first_wd,
        days,
        raw,
        clean,
        open,
        effects: [closed, eve, reduced],
        occurrences: occ,
        month_day,
        others,
    }
}

/// `series` with each day divided by its day-of-month factor.
fn divide_by_month_day(history: &History, series: &[f64], d: usize, f: &[f64; 32]) -> Vec<f64> {
    let mut out = series.to_vec();
    for (j, day) in out.chunks_mut(d).enumerate() {
        let m = f[history.date(j).day() as usize];
        for v in day {
            *v /= m;
        }
    }
    out
}

/// One queue's observed volumes before the origin, with the helpers that look at them per
/// weekday.
struct Series<'a> {
    vol: &'a [Option<f64>],
    d: usize,
    first_wd: usize,
    days: usize,
}

impl Series<'_> {
    fn weekday(&self, j: usize) -> usize {
        (self.first_wd + j) % 7
    }

    /// Open-interval template from the last [`TEMPLATE_WEEKS`] usable occurrences of each
    /// weekday: a slot is open when any of them had a call in it.
    fn template(&self, usable: &[bool]) -> Vec<bool> {
        let d = self.d;
        let mut open = vec![false; 7 * d];
        let mut seen = [0usize; 7];
        for j in (0..self.days).rev() {
            let w = self.weekday(j);
            if !usable[j] || seen[w] >= TEMPLATE_WEEKS {
                continue;
            }
            seen[w] += 1;
            for s in 0..d {
                if self.vol[j * d + s].unwrap_or(0.0) > 0.0 {
                    open[w * d + s] = true;
                }
            }
        }
        open
    }

    /// The [`NEIGHBOURS`] nearest usable same-weekday days of day `j`, alternating before /
    /// after.
    fn neighbours(&self, j: usize, usable: &[bool]) -> Vec<usize> {
        let days = self.days;
        let mut out = Vec::with_capacity(NEIGHBOURS);
        let mut m = 1;
        while out.len() < NEIGHBOURS && (m * 7 <= j || j + m * 7 < days) {
            if m * 7 <= j && usable[j - m * 7] {
                out.push(j - m * 7);
            }
            if out.len() < NEIGHBOURS && j + m * 7 < days && usable[j + m * 7] {
                out.push(j + m * 7);
            }
            m += 1;
        }
        out
    }

    /// The series with the days where `keep` is false imputed per slot by the mean of their
    /// usable same-weekday neighbours (0 in the template's closed slots), and the imputed
    /// values (0 on kept days).
    fn impute(&self, keep: &[bool], usable: &[bool], open: &[bool]) -> (Vec<f64>, Vec<f64>) {
        let d = self.d;
        let mut out = vec![0.0; self.days * d];
        let mut expected = vec![0.0; self.days * d];
        for j in 0..self.days {
            let row = &mut out[j * d..(j + 1) * d];
            if keep[j] {
                for (s, v) in row.iter_mut().enumerate() {
                    *v = self.vol[j * d + s].unwrap_or(0.0);
                }
                continue;
            }
            let nb = self.neighbours(j, usable);
            if nb.is_empty() {
                continue;
            }
            for (s, v) in row.iter_mut().enumerate() {
                let m = nb
                    .iter()
                    .map(|&k| self.vol[k * d + s].unwrap_or(0.0))
                    .sum::<f64>()
                    / nb.len() as f64;
                *v = if open[self.weekday(j) * d + s] {
                    m
                } else {
                    0.0
                };
                expected[j * d + s] = *v;
            }
        }
        (out, expected)
    }

    /// Usable days whose total departs from its expectation by more than chance allows.
    ///
    /// # Formula
    /// With `T_j` the day's total and `E_j` the median total of its usable same-weekday
    /// neighbours, `r_j = ln((T_j + 1) / (E_j + 1))`; the local level `m_j` is the median of
    /// `r` over the usable days within three days of `j` (so that a level shift, which moves
    /// every day of the week, is not an outlier), and `z_j = r_j − m_j`. A day is an outlier
    /// when `|z_j| > HAMPEL_T · max(1.4826 · MAD(z), 1 / √(E_j + 1))`, the MAD taken over all
    /// the queue's days and the floor being the Poisson standard deviation of `ln T`.
    ///
    /// # References
    /// Chen, C. & Liu, L.-M. (1993), "Joint estimation of model parameters and outlier effects
    /// in time series", JASA 88(421):284–297 (outliers found on the residuals of an expected
    /// value, then replaced before fitting); Hyndman, R. J. & Athanasopoulos, G. (2021),
    /// *Forecasting: Principles and Practice*, 3rd ed., §13.9 (robust outlier replacement, R
    /// `forecast::tsclean`); Pearson (2002) (the Hampel identifier).
    fn outlier_days(&self, adjusted: &[f64], usable: &[bool]) -> Vec<usize> {
        let d = self.d;
        let total = |j: usize| adjusted[j * d..(j + 1) * d].iter().sum::<f64>();
        let mut r: Vec<Option<(f64, f64)>> = vec![None; self.days];
        let mut buf = Vec::with_capacity(NEIGHBOURS);
        for j in (0..self.days).filter(|&j| usable[j]) {
            let nb = self.neighbours(j, usable);
            if nb.len() < 3 {
                continue;
            }
            buf.clear();
            buf.extend(nb.iter().map(|&k| total(k)));
            let e = median(&mut buf);
            if e > 0.0 {
                r[j] = Some((((total(j) + 1.0) / (e + 1.0)).ln(), e));
            }
        }
        let z: Vec<Option<(f64, f64)>> = (0..self.days)
            .map(|j| {
                let (rj, e) = r[j]?;
                buf.clear();
                buf.extend(
                    (j.saturating_sub(3)..(j + 4).min(self.days)).filter_map(|k| r[k].map(|x| x.0)),
                );
                Some((rj - median(&mut buf), e))
            })
            .collect();
        let mut dev: Vec<f64> = z.iter().flatten().map(|x| x.0.abs()).collect();
        if dev.len() < 7 {
            return Vec::new();
        }
        let scale = 1.4826 * median(&mut dev);
        (0..self.days)
            .filter(|&j| {
                z[j].is_some_and(|(zj, e)| zj.abs() > HAMPEL_T * scale.max(1.0 / (e + 1.0).sqrt()))
            })
            .collect()
    }
}

/// Day-of-month factors by parametric empirical Bayes.
///
/// For every usable day `j`, `ρ_j = T_j / mean(T_k)` over its nearest usable same-weekday days
/// (four at most, both sides). Per day of month `m`: mean `ρ̄_m` of `n_m` values; pooled
/// within-day variance `σ²`; between-day variance `τ² = max(0, var(ρ̄_m) − mean(σ²/n_m))`;
/// shrunk factor `μ + B_m (ρ̄_m − μ)` with `B_m = τ² / (τ² + σ²/n_m)`, divided by the grand mean
/// `μ`. Without evidence of a month-day pattern (`τ² = 0`, or under two months of history)
/// every factor is 1.
/// Reference: Morris, C. N. (1983), "Parametric empirical Bayes inference: theory and
/// applications", JASA 78(381):47–55. Month-day (payday, statement) peaks are a classic
/// call-center calendar effect (Koole 2013, *Call Center Optimization*, §4.3).
fn month_day_factors(
    history: &History,
    series: &[f64],
    d: usize,
    days: usize,
    usable: &[bool],
    neighbours: &dyn Fn(usize) -> Vec<usize>,
) -> [f64; 32] {
    let dom: Vec<usize> = (0..days).map(|j| history.date(j).day() as usize).collect();
    let totals: Vec<f64> = (0..days)
        .map(|j| series[j * d..(j + 1) * d].iter().sum::<f64>())
        .collect();
    let nbs: Vec<Vec<usize>> = (0..days)
        .map(|j| {
            if usable[j] {
                neighbours(j).into_iter().take(4).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    // The neighbours of a peak day are themselves off-peak and vice versa, so one pass
    // under-estimates the effect; a few passes on the adjusted totals converge.
    let mut f = [1.0; 32];
    for _ in 0..MONTH_DAY_PASSES {
        let g = month_day_pass(&totals, &dom, &nbs, &f);
        if g.iter().all(|&x| x == 1.0) {
            break;
        }
        for m in 1..32 {
            f[m] *= g[m];
        }
    }
    f
}

/// Passes of the day-of-month estimate.
const MONTH_DAY_PASSES: usize = 3;

/// One empirical-Bayes pass on totals adjusted by the current factors `f`.
fn month_day_pass(totals: &[f64], dom: &[usize], nbs: &[Vec<usize>], f: &[f64; 32]) -> [f64; 32] {
    let mut g = [1.0; 32];
    let adj = |j: usize| totals[j] / f[dom[j]];
    let mut by_day: Vec<Vec<f64>> = vec![Vec::new(); 32];
    for (j, nb) in nbs.iter().enumerate() {
        if nb.len() < 2 {
            continue;
        }
        let e = nb.iter().map(|&k| adj(k)).sum::<f64>() / nb.len() as f64;
        let t = adj(j);
        if e <= 0.0 || t <= 0.0 {
            continue;
        }
        by_day[dom[j]].push(t / e);
    }
    let groups: Vec<(usize, f64, usize)> = (1..32)
        .filter(|&m| !by_day[m].is_empty())
        .map(|m| {
            let n = by_day[m].len();
            (m, by_day[m].iter().sum::<f64>() / n as f64, n)
        })
        .collect();
    let (mut ss, mut dof) = (0.0, 0usize);
    for &(m, mean, n) in &groups {
        ss += by_day[m].iter().map(|r| (r - mean).powi(2)).sum::<f64>();
        dof += n - 1;
    }
    if groups.len() < 28 || dof < groups.len() {
        return g;
    }
    let sigma2 = ss / dof as f64;
    let k = groups.len() as f64;
    let mu = groups.iter().map(|g| g.1).sum::<f64>() / k;
    let var_means = groups.iter().map(|g| (g.1 - mu).powi(2)).sum::<f64>() / (k - 1.0);
    let noise = groups.iter().map(|g| sigma2 / g.2 as f64).sum::<f64>() / k;
    let tau2 = (var_means - noise).max(0.0);
    if tau2 <= 0.0 {
        return g;
    }
    for &(m, mean, n) in &groups {
        let b = tau2 / (tau2 + sigma2 / n as f64);
        g[m] = (mu + b * (mean - mu)) / mu;
    }
    g
}

/// Median of a small slice (reorders it); 0 for an empty slice.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::calendar::SpecialDay;
    use crate::forecast::history::SeriesInput;
    use crate::forecast::pipeline::predict_prepared;
    use crate::forecast::{FitData, ModelSpec};
    use crate::time::parse_timestamp;
    use crate::units::IntervalLength;

    /// Four weeks of an hourly queue open 8–17 on weekdays with 40 calls per hour; day 11 is
    /// missing, day 18 is a holiday with 8 calls per hour, day 3 has an outage at 10:00.
    fn sample() -> History {
        let mut v = Vec::new();
        for j in 0..28 {
            for s in 0..24 {
                let wd = (5 + j) % 7; // 1999-01-01 was a Friday
                let open = (1..=5).contains(&wd) && (8..17).contains(&s);
                v.push(match j {
                    11 => None,
                    18 if open => Some(8.0),
                    3 if s == 10 => Some(0.0),
                    _ if open => Some(40.0),
                    _ => Some(0.0),
                });
            }
        }
        History::from_series(
            parse_timestamp("1999-01-01").unwrap(),
            IntervalLength::from_minutes(60).unwrap(),
            vec![SeriesInput {
                queue: "Q".into(),
                volume: v,
                aht_secs: vec![],
            }],
        )
        .unwrap()
    }

    #[test]
    fn imputes_missing_cleans_outliers_estimates_effects() {
        let h = sample();
        let cal = Calendar::from_days([(
            h.date(18),
            SpecialDay {
                name: "holiday".into(),
                effect: Effect::Reduced,
            },
        )]);
        let p = prepare(&h, &h.queues()[0], Some(&cal), 28);
        let d = 24;
        assert_eq!(p.raw[11 * d + 10], 40.0, "missing day imputed, not zero");
        assert_eq!(p.raw[18 * d + 10], 40.0, "special day imputed for fitting");
        assert_eq!(p.raw[3 * d + 10], 0.0);
        assert_eq!(p.clean[3 * d + 10], 40.0, "outage cleaned");
        assert!(p.open[d + 8] && !p.open[d + 7] && !p.open[8], "template");
        let r = &p.effects[Effect::Reduced.index()];
        // Slot ratio = (8 + 5·0.2) / (40 + 5) = 0.2 exactly since every slot has the same ratio.
        assert!((r[10] - 0.2).abs() < 1e-12, "{}", r[10]);
        assert_eq!(p.effects[Effect::Closed.index()][10], 0.0);
    }

    /// 120 days of a daily-grid-like hourly series: every day 100 calls at 10:00, with days
    /// 1–3 of each month doubled when `effect` is set, plus a small deterministic wiggle.
    fn month_series(effect: bool) -> History {
        let mut v = Vec::new();
        let start = parse_timestamp("1999-01-01").unwrap().date();
        for j in 0..120 {
            let date = start + chrono::TimeDelta::days(j);
            let wiggle = 1.0 + 0.05 * ((j * 7 % 5) as f64 - 2.0) / 2.0;
            let boost = if effect && date.day() <= 3 { 2.0 } else { 1.0 };
            for s in 0..24 {
                v.push(Some(if s == 10 { 100.0 * wiggle * boost } else { 0.0 }));
            }
        }
        History::from_series(
            parse_timestamp("1999-01-01").unwrap(),
            IntervalLength::from_minutes(60).unwrap(),
            vec![SeriesInput {
                queue: "Q".into(),
                volume: v,
                aht_secs: vec![],
            }],
        )
        .unwrap()
    }

    #[test]
    fn month_day_effect_found_only_when_present() {
        let h = month_series(true);
        let p = prepare(&h, &h.queues()[0], None, 120);
        assert!(p.month_day[2] > 1.5, "{:?}", &p.month_day[..6]);
        assert!(
            p.month_day[15] < 1.0 && p.month_day[15] > 0.8,
            "{}",
            p.month_day[15]
        );
        // The cleaned series is divided by the factor: month starts are no longer outliers.
        let day =
            (parse_timestamp("1999-03-02").unwrap().date() - h.start().date()).num_days() as usize;
        assert!(p.clean[day * 24 + 10] < 150.0, "{}", p.clean[day * 24 + 10]);
        let h = month_series(false);
        let p = prepare(&h, &h.queues()[0], None, 120);
        assert!(
            p.month_day.iter().all(|&f| (f - 1.0).abs() < 0.03),
            "{:?}",
            p.month_day
        );
    }

    /// Ten weeks of an hourly queue, 100 calls at 10:00 and 50 in the other hours 8–17 every
    /// day with a ±4 % deterministic wiggle; `closed` gets no call, from `shift` on every day is
    /// 60 % busier, and each `(day, slot)` of `spikes` has twice its volume (too little to make
    /// its day an outlier day).
    fn outlier_series(closed: usize, shift: usize, spikes: &[(usize, usize)]) -> History {
        let mut v = Vec::new();
        for j in 0..70 {
            let wiggle = 1.0 + 0.04 * ((j * 5 % 7) as f64 - 3.0) / 3.0;
            let level = if j >= shift { 1.6 } else { 1.0 };
            for s in 0..24 {
                let base = match s {
                    10 => 100.0,
                    8..=17 => 50.0,
                    _ => 0.0,
                };
                let spike = if spikes.contains(&(j, s)) { 2.0 } else { 1.0 };
                v.push(Some(if j == closed {
                    0.0
                } else {
                    base * wiggle * level * spike
                }));
            }
        }
        History::from_series(
            parse_timestamp("1999-01-01").unwrap(),
            IntervalLength::from_minutes(60).unwrap(),
            vec![SeriesInput {
                queue: "Q".into(),
                volume: v,
                aht_secs: vec![],
            }],
        )
        .unwrap()
    }

    #[test]
    fn an_unmarked_closed_day_is_an_outlier_day_but_a_level_shift_is_not() {
        let h = outlier_series(30, 63, &[]);
        let series = Series {
            vol: h.queues()[0].volume(),
            d: 24,
            first_wd: h.first_weekday(),
            days: 70,
        };
        let y: Vec<f64> = series.vol.iter().map(|v| v.unwrap_or(0.0)).collect();
        assert_eq!(
            series.outlier_days(&y, &[true; 70]),
            vec![30],
            "only the closed day: the last week's 60 % rise is a new level, not seven outliers"
        );
        // Imputed from its same-weekday neighbours for the models, kept for the baselines.
        let p = prepare(&h, &h.queues()[0], None, 70);
        let c = p.clean[30 * 24 + 10];
        assert!((c / 100.0 - 1.0).abs() < 0.1, "{c}");
        assert_eq!(p.raw[30 * 24 + 10], 0.0);
    }

    /// Issue #17: the last week before the origin is 60 % busier than the nine before it. The
    /// interval filter must keep it (it used to replace every interval of that week by the
    /// older weeks' median), so that a model on the cleaned series follows the rise.
    #[test]
    fn a_level_rise_over_the_last_week_is_kept() {
        let h = outlier_series(30, 63, &[]);
        let p = prepare(&h, &h.queues()[0], None, 70);
        for j in 63..70 {
            for s in [10, 11] {
                assert_eq!(p.clean[j * 24 + s], p.raw[j * 24 + s], "day {j} slot {s}");
            }
        }
        let week = |y: &[f64]| y.iter().sum::<f64>();
        let before = week(&p.raw[56 * 24..63 * 24]);
        let data = FitData {
            y: &p.clean,
            slots_per_day: 24,
            first_weekday: p.first_wd,
            others: None,
        };
        let f = ModelSpec::parse("mean-4w")
            .unwrap()
            .fit_predict(&data, 7 * 24)
            .unwrap();
        // (3 · 1 + 1.6) / 4 = 1.15 of the older level; 1.0 when the rise is cleaned away.
        assert!(week(&f) > 1.1 * before, "mean-4w {} vs {before}", week(&f));
        let spec = ModelSpec::parse("ets-profile").unwrap();
        let f = predict_prepared(&spec, &p, &h, None, 7 * 24).unwrap();
        assert!(
            week(&f) > 1.3 * before,
            "ets-profile {} vs {before}",
            week(&f)
        );
    }

    #[test]
    fn a_single_interval_spike_is_still_replaced_also_after_a_level_shift() {
        let h = outlier_series(30, 63, &[(40, 11), (66, 11)]);
        let p = prepare(&h, &h.queues()[0], None, 70);
        let c = p.clean[40 * 24 + 11];
        assert!((c / 50.0 - 1.0).abs() < 0.1, "old level: {c}");
        let c = p.clean[66 * 24 + 11];
        assert!((c / 80.0 - 1.0).abs() < 0.1, "new level: {c}");
        assert_eq!(
            p.clean[66 * 24 + 10],
            p.raw[66 * 24 + 10],
            "rest of the day kept"
        );
    }
}
