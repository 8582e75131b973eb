//! Intraday reforecast: the rest of an origin's day from the arrivals observed since midnight.
//!
//! The day-ahead (midnight) forecast `F` of the origin's day is scaled over the rest of the
//! day by `1 + β (m − 1)`, where `m = Σ w A / Σ w F` is the morning's weighted actual ÷
//! forecast ratio and `β` is its credibility (the best linear predictor of the afternoon's
//! ratio from the morning's). With `L` the day's relative level error, the morning ratio is
//! `m − 1 = L + e` with Poisson noise `e` of variance `v = Σ w² F / (Σ w F)²`, and the
//! afternoon's `a − 1 = ρ L + e_a`; so
//!
//! `β = min(1, c / (s² + v))`, `c = Cov(m − 1, a − 1)`, `s² = Var(m − 1) − E[v]`,
//!
//! with `c` and `s²` estimated by moments on the inner backtest's normal days (weighted by
//! the afternoon's forecast). A morning of a few calls (a Saturday before opening, a closed
//! holiday the calendar already forecast near 0, a business-hours series at 08:00) has a
//! large `v` and hardly moves the forecast; a busy morning carries its ratio into the
//! afternoon in proportion to how well mornings predicted afternoons before.
//!
//! The morning weights `w` are chosen among windows (everything since midnight, the last 6,
//! 3 or 2 hours) and exponential decays of the older slots (half-lives 1 and 2 hours), the
//! one whose rule fits the training days' afternoons best (least weighted residual sum of
//! squares).
//!
//! References: Bühlmann, H. (1967), "Experience rating and credibility", ASTIN Bulletin
//! 4(3):199–207 (the credibility weight `s² / (s² + v)`); Weinberg, J., Brown, L. D. &
//! Stroud, J. R. (2007), "Bayesian forecasting of an inhomogeneous Poisson process with
//! applications to call center data", JASA 102(480):1185–1198 (a day's level updated from its
//! Poisson arrivals so far); Shen, H. & Huang, J. Z. (2008), "Interday forecasting and intraday
//! updating of call center arrivals", M&SOM 10(3):391–410 (the rest of the day regressed on
//! the morning).

/// Fewest training days the rule is fitted on (else the caller's fallback is used).
pub(crate) const MIN_UPDATE_DAYS: usize = 10;

/// One normal day of the inner backtest.
#[derive(Debug, Clone)]
pub(crate) struct InnerDay {
    /// Observed volume per slot of the day (`None`: no row).
    pub actual: Vec<Option<f64>>,
    /// The forecast per slot.
    pub forecast: Vec<f64>,
}

/// How the morning's slots are weighted.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Weights {
    /// Weight 1 from slot `from` to the origin.
    Window { from: usize },
    /// Weight `2^(−(off − 1 − t) / half_life)` on slot `t` (half-life in slots).
    Decay { half_life: usize },
}

impl Weights {
    fn weight(self, t: usize, off: usize) -> f64 {
        match self {
            Weights::Window { from } => f64::from(u8::from(t >= from)),
            Weights::Decay { half_life } => 0.5f64.powf((off - 1 - t) as f64 / half_life as f64),
        }
    }
}

/// The fitted update of the rest of the origin's day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LevelUpdate {
    weights: Weights,
    /// `Cov(m − 1, a − 1)` over the training days (≥ 0).
    cov: f64,
    /// Structural variance of the morning ratio (> 0).
    var: f64,
}

/// The morning's weighted ratio statistics of one day over `slots` before `off`:
/// `(m − 1, v)`, or `None` when the morning's weighted forecast is 0 or a slot is missing.
fn morning(
    w: Weights,
    slots: &[usize],
    off: usize,
    actual: &dyn Fn(usize) -> Option<f64>,
    forecast: &dyn Fn(usize) -> f64,
) -> Option<(f64, f64)> {
    let (mut wa, mut wf, mut wwf) = (0.0, 0.0, 0.0);
    for &t in slots.iter().take_while(|&&t| t < off) {
        let k = w.weight(t, off);
        if k <= 0.0 {
            continue;
        }
        let f = forecast(t).max(0.0);
        wa += k * actual(t)?;
        wf += k * f;
        wwf += k * k * f;
    }
    (wf > 0.0).then(|| (wa / wf - 1.0, wwf / (wf * wf)))
}

/// The slots observed on most usable days (closed hours have no rows).
fn common_slots(days: &[InnerDay], d: usize) -> Vec<usize> {
    let usable: Vec<&InnerDay> = days
        .iter()
        .filter(|x| x.actual.iter().any(Option::is_some))
        .collect();
    (0..d)
        .filter(|&s| 2 * usable.iter().filter(|x| x.actual[s].is_some()).count() > usable.len())
        .collect()
}

impl LevelUpdate {
    fn beta(&self, v: f64) -> f64 {
        (self.cov / (self.var + v)).min(1.0)
    }

    /// Fits the rule for an origin at slot `off` of its day (`0 < off < d`) on `days`.
    /// `None` with fewer than [`MIN_UPDATE_DAYS`] usable days, or when no weighting finds
    /// a morning level that varies beyond Poisson noise.
    pub(crate) fn fit(days: &[InnerDay], d: usize, off: usize) -> Option<Self> {
        let slots = common_slots(days, d);
        let per_hour = (d / 24).max(1);
        let mut cands: Vec<Weights> = [off, 6 * per_hour, 3 * per_hour, 2 * per_hour]
            .iter()
            .map(|&w| Weights::Window {
                from: off.saturating_sub(w),
            })
            .collect();
        cands.dedup();
        cands.extend([per_hour, 2 * per_hour].map(|half_life| Weights::Decay { half_life }));
        let mut best: Option<(LevelUpdate, f64)> = None;
        for w in cands {
            // (x = m − 1, v, y = a − 1, afternoon forecast) per usable day.
            let obs: Vec<(f64, f64, f64, f64)> = days
                .iter()
                .filter_map(|day| {
                    let (x, v) = morning(w, &slots, off, &|t| day.actual[t], &|t| day.forecast[t])?;
                    let (mut ya, mut fa) = (0.0, 0.0);
                    for &t in slots.iter().filter(|&&t| t >= off) {
                        ya += day.actual[t]?;
                        fa += day.forecast[t].max(0.0);
                    }
                    (fa > 0.0).then(|| (x, v, ya / fa - 1.0, fa))
                })
                .collect();
            if obs.len() < MIN_UPDATE_DAYS {
                continue;
            }
            let total: f64 = obs.iter().map(|o| o.3).sum();
            let cov = obs.iter().map(|o| o.3 * o.0 * o.2).sum::<f64>() / total;
            let var = obs.iter().map(|o| o.3 * (o.0 * o.0 - o.1)).sum::<f64>() / total;
            if var <= 0.0 {
                continue;
            }
            let rule = LevelUpdate {
                weights: w,
                cov: cov.max(0.0),
                var,
            };
            let rss: f64 = obs
                .iter()
                .map(|&(x, v, y, fa)| fa * (y - rule.beta(v) * x).powi(2))
                .sum();
            if best.as_ref().is_none_or(|b| rss < b.1) {
                best = Some((rule, rss));
            }
        }
        best.map(|b| b.0)
    }

    /// Σ over `days` of the afternoon's absolute error `Σ_{t ≥ off} |a_t − r·f_t|` with this
    /// rule's factor `r` (days whose morning has a gap count unchanged, `r` = 1).
    pub(crate) fn afternoon_error(&self, days: &[InnerDay], off: usize) -> f64 {
        days.iter()
            .map(|day| {
                let r = self.factor(&day.actual, &day.forecast, off).unwrap_or(1.0);
                (off..day.forecast.len())
                    .filter_map(|t| day.actual[t].map(|a| (a - r * day.forecast[t].max(0.0)).abs()))
                    .sum::<f64>()
            })
            .sum()
    }

    /// The factor for the rest of the day from the morning's `actual` (slots `0..off`) and
    /// the day's `forecast`; `None` when a morning slot with a forecast has no actual.
    pub(crate) fn factor(
        &self,
        actual: &[Option<f64>],
        forecast: &[f64],
        off: usize,
    ) -> Option<f64> {
        // Every slot of the morning counts (closed slots carry no forecast, hence no weight
        // in the ratio, and an empty actual there is not a gap).
        let slots: Vec<usize> = (0..off)
            .filter(|&t| actual[t].is_some() || forecast[t] > 0.0)
            .collect();
        let Some((x, v)) = morning(self.weights, &slots, off, &|t| actual[t], &|t| forecast[t])
        else {
            let gap = slots.iter().any(|&t| actual[t].is_none());
            return (!gap).then_some(1.0);
        };
        Some((1.0 + self.beta(v) * x).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Days whose level is `1 + u`: a hot morning means a hot afternoon, and the rule carries
    /// it over in proportion to the morning's credibility.
    #[test]
    fn a_persistent_level_is_carried_into_the_afternoon() {
        let d = 8;
        let base = [2.0, 2.0, 100.0, 200.0, 300.0, 300.0, 200.0, 100.0];
        let days: Vec<InnerDay> = (0..40usize)
            .map(|i| {
                let u = ((i * 7) % 11) as f64 / 10.0 - 0.5;
                InnerDay {
                    actual: base.iter().map(|b| Some((b * (1.0 + u)).round())).collect(),
                    forecast: base.to_vec(),
                }
            })
            .collect();
        let rule = LevelUpdate::fit(&days, d, 4).unwrap();
        let actual: Vec<Option<f64>> = base.iter().map(|b| Some(b * 1.4)).collect();
        let r = rule.factor(&actual, &base, 4).unwrap();
        assert!(r > 1.35 && r <= 1.4, "{r}");
        // A gap in the morning: no factor.
        let mut gap = actual.clone();
        gap[3] = None;
        assert_eq!(rule.factor(&gap, &base, 4), None);
        // A morning of a few calls (forecast 3.4, observed 3×) moves the day far less than
        // its ratio: mostly Poisson noise, its credibility is below one half.
        let small = [0.2, 0.2, 1.0, 2.0];
        let tiny: Vec<Option<f64>> = small.iter().map(|b| Some(b * 3.0)).collect();
        let r = rule.factor(&tiny, &small, 4).unwrap();
        assert!(r > 1.0 && r < 1.0 + 0.5 * 2.0, "{r}");
    }

    #[test]
    fn without_level_variation_beyond_noise_there_is_no_rule() {
        let base = [50.0; 8];
        let days: Vec<InnerDay> = (0..20)
            .map(|_| InnerDay {
                actual: base.iter().map(|&b| Some(b)).collect(),
                forecast: base.to_vec(),
            })
            .collect();
        assert_eq!(LevelUpdate::fit(&days, 8, 4), None);
    }
}
