//! Long-range forecasts of weekly or monthly totals (issue #15): a robust damped-trend
//! exponential smoothing with annual seasonality, chosen per queue by a rolling-origin backtest
//! inside the history, with empirical prediction intervals.
//!
//! # Method
//! On the period totals (holidays cleaned, see [`crate::capacity::demand`]):
//! 1. **Annual seasonality** when at least two years of periods are observed (104 weeks or 24
//!    months; otherwise it is reported absent): the ratio of each period to its centred 2×P
//!    moving average (P = 52 or 12), the median ratio per period of the year (a week's period of
//!    the year is the 52nd of the year its middle day falls in, so seasons stay on the calendar
//!    when years have 53 weeks), smoothed `[1, 2, 1] / 4` across neighbouring weeks, scaled to mean 1.
//! 2. **Level and trend**: Holt's linear method with a damped trend in error-correction form
//!    (ETS(A,Ad,N); Gardner & McKenzie 1985, Hyndman & Athanasopoulos, *Forecasting: Principles
//!    and Practice*, 3rd ed., §8.2) on the deseasonalised series, made robust as in Gelper,
//!    Fried & Croux (2010), "Robust forecasting with exponential and Holt–Winters smoothing",
//!    *J. Forecasting* 29: the one-step error is clipped at ±3 σ̂ (Huber ψ) before it updates the
//!    state, σ̂ = 1.4826 × the median absolute one-step error of the last P periods (no clipping
//!    before 8 errors). Unobserved periods do not update the state.
//! 3. **Selection**: α ∈ {0.05, 0.1, 0.2, 0.3, 0.5}, no trend or a damped trend (β = 0.1 α,
//!    φ = 0.9), with or without the seasonality: the candidate with the least WAPE over 8
//!    rolling origins inside the history (4 weeks or 1 month apart, horizon min(H, 26 weeks /
//!    6 months)).
//! 4. **Prediction intervals**, calibrated on backtest residuals at the period grain: the chosen
//!    candidate is re-run from every period with at least half a year of history before it
//!    (seasonality re-estimated on that history only), and the 80 % / 95 % bounds are
//!    `forecast × exp(∓q)` with `q` the 80 % / 95 % empirical quantile of
//!    `|log(actual / forecast)|` at steps `h − 3 … h + 3` (split-conformal style, symmetric in
//!    log space); beyond the inner horizon `Hᵢ` the quantiles of the last band grow as
//!    `√(h / Hᵢ)`. Calibrating on the whole history, not only the selection's last year, lets
//!    the bounds see every regime the history holds (`wfm backtest --grain week` prints the
//!    coverage).
//!
//! AHT is forecast by the level-only candidates (α grid) on the periods' offered-weighted AHT.

use crate::model::{Forecast, Grain, TimeGrid};
use chrono::Datelike;

/// Trend damping φ and trend gain β/α of the damped candidates.
const PHI: f64 = 0.9;
const BETA_SHARE: f64 = 0.1;
/// Huber clipping at K·σ̂ (Gelper et al. 2010 use 2; 3 keeps ordinary weeks unclipped).
const HUBER_K: f64 = 3.0;
/// Consistency factor of the MAD for a normal scale.
const MAD_NORMAL: f64 = 1.4826;
const ALPHAS: [f64; 5] = [0.05, 0.1, 0.2, 0.3, 0.5];
/// Inner rolling origins for selection and intervals.
const INNER_ORIGINS: usize = 13;

/// Periods per year of a long-range grain (52 weeks or 12 months).
pub fn periods_per_year(grain: Grain) -> usize {
    match grain {
        Grain::Month => 12,
        _ => 52,
    }
}

/// The period of the year (0 … P−1) of period `p` of `grid`.
pub fn season_of(grid: &TimeGrid, p: usize) -> usize {
    match grid.grain() {
        Grain::Month => grid.date(p).month0() as usize,
        _ => {
            let mid = grid.date(p) + chrono::TimeDelta::days(3);
            ((mid.ordinal0() as usize * 52) / 365).min(51)
        }
    }
}

/// One candidate of the selection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Smoothing weight of the level.
    pub alpha: f64,
    /// With a damped trend.
    pub trend: bool,
    /// With the annual seasonality.
    pub seasonal: bool,
}

impl std::fmt::Display for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "robust-ets(alpha={}", self.alpha)?;
        if self.trend {
            write!(f, ", damped trend")?;
        }
        if self.seasonal {
            write!(f, ", annual seasonality")?;
        }
        f.write_str(")")
    }
}

/// Median of a slice (reorders it); `None` when empty.
pub(crate) fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// Median of a non-empty slice by selection (reorders it).
fn select_median(v: &mut [f64]) -> f64 {
    let n = v.len();
    let (_, hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let hi = *hi;
    if n % 2 == 1 {
        hi
    } else {
        let lo = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lo + hi)
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (i, f) = (pos.floor() as usize, pos.fract());
    if i + 1 < sorted.len() {
        sorted[i] * (1.0 - f) + sorted[i + 1] * f
    } else {
        sorted[i]
    }
}

/// Multiplicative seasonal indices per period of the year, or `None` with fewer than two years
/// of observed periods.
pub fn seasonal_indices(y: &[Option<f64>], seasons: &[usize], per_year: usize) -> Option<Vec<f64>> {
    if y.iter().flatten().count() < 2 * per_year {
        return None;
    }
    let half = per_year / 2;
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); per_year];
    for t in half..y.len().saturating_sub(half) {
        // Centred 2×P moving average: weights 1/2 at both ends.
        let window: Option<Vec<f64>> = (t - half..=t + half).map(|i| y[i]).collect();
        let (Some(w), Some(x)) = (window, y[t]) else {
            continue;
        };
        let ma = (w[1..w.len() - 1].iter().sum::<f64>() + 0.5 * (w[0] + w[w.len() - 1]))
            / per_year as f64;
        if ma > 0.0 {
            ratios[seasons[t]].push(x / ma);
        }
    }
    let raw: Vec<f64> = ratios
        .iter_mut()
        .map(|r| median(r).unwrap_or(1.0))
        .collect();
    let smooth: Vec<f64> = if per_year == 52 {
        (0..per_year)
            .map(|i| {
                (raw[(i + per_year - 1) % per_year] + 2.0 * raw[i] + raw[(i + 1) % per_year]) / 4.0
            })
            .collect()
    } else {
        raw
    };
    let mean = smooth.iter().sum::<f64>() / per_year as f64;
    (mean > 0.0).then(|| smooth.iter().map(|s| s / mean).collect())
}

/// Runs a candidate over `y` and returns the forecasts of the `h` periods after it
/// (`season[k]` multiplies step k + 1; all ones without seasonality).
fn run(
    c: &Candidate,
    y: &[Option<f64>],
    past_season: &[f64],
    future_season: &[f64],
    per_year: usize,
) -> Vec<f64> {
    let obs: Vec<f64> = y
        .iter()
        .zip(past_season)
        .filter_map(|(v, s)| v.map(|v| v / s))
        .collect();
    let mut init: Vec<f64> = obs.iter().take(8).copied().collect();
    let mut level = median(&mut init).unwrap_or(0.0);
    let mut trend = 0.0;
    let (phi, beta) = if c.trend {
        (PHI, BETA_SHARE * c.alpha)
    } else {
        (0.0, 0.0)
    };
    let mut errors: Vec<f64> = Vec::new();
    let mut scratch: Vec<f64> = Vec::with_capacity(per_year);
    for (v, s) in y.iter().zip(past_season) {
        let pred = level + phi * trend;
        match v {
            Some(v) => {
                let e = v / s - pred;
                let from = errors.len().saturating_sub(per_year);
                scratch.clear();
                scratch.extend(errors[from..].iter().map(|e: &f64| e.abs()));
                let e_c = if scratch.len() >= 8 {
                    let sigma = MAD_NORMAL * select_median(&mut scratch);
                    if sigma > 0.0 {
                        e.clamp(-HUBER_K * sigma, HUBER_K * sigma)
                    } else {
                        e
                    }
                } else {
                    e
                };
                errors.push(e);
                level = pred + c.alpha * e_c;
                trend = phi * trend + beta * e_c;
            }
            None => {
                level = pred;
                trend *= phi;
            }
        }
    }
    let mut damp = 0.0;
    let mut pow = 1.0;
    future_season
        .iter()
        .map(|s| {
            pow *= phi;
            damp += pow;
            ((level + damp * trend) * s).max(0.0)
        })
        .collect()
}

/// A fitted long-range forecast of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesForecast {
    /// One cell per future period (offered and bounds; AHT set by the caller).
    pub points: Vec<Forecast>,
    /// The chosen candidate.
    pub chosen: Candidate,
    /// Whether annual seasonality could be estimated (two years of history).
    pub seasonality_available: bool,
    /// WAPE of the chosen candidate over the inner origins, when there were any.
    pub inner_wape: Option<f64>,
    /// Inner origins used.
    pub inner_origins: usize,
}

/// Forecast of `h` periods after `y` (periods of `grid`, future periods continue the grid).
pub fn forecast_series(
    y: &[Option<f64>],
    grid: &TimeGrid,
    h: usize,
    level_only: bool,
) -> SeriesForecast {
    let per_year = periods_per_year(grid.grain());
    let n = y.len();
    let seasons: Vec<usize> = (0..n + h).map(|p| season_of(grid, p)).collect();
    let idx = if level_only {
        None
    } else {
        seasonal_indices(y, &seasons[..n], per_year)
    };
    let mut cands = Vec::new();
    for seasonal in [false, true] {
        if seasonal && idx.is_none() {
            continue;
        }
        for trend in if level_only {
            vec![false]
        } else {
            vec![false, true]
        } {
            for alpha in ALPHAS {
                cands.push(Candidate {
                    alpha,
                    trend,
                    seasonal,
                });
            }
        }
    }
    // Seasonal factors of periods a..b from indices estimated on the first `fit` periods only
    // (at an inner origin the future must not leak into the seasonality).
    let season = |c: &Candidate, fit: usize, a: usize, b: usize| -> Vec<f64> {
        let ix = if c.seasonal {
            if fit == n {
                idx.clone()
            } else {
                seasonal_indices(&y[..fit], &seasons[..fit], per_year)
            }
        } else {
            None
        };
        match ix {
            Some(ix) => seasons[a..b].iter().map(|&s| ix[s]).collect(),
            None => vec![1.0; b - a],
        }
    };
    let step = if per_year == 12 { 1 } else { 4 };
    let h_in = h.min(if per_year == 12 { 6 } else { 26 });
    let min_hist = per_year / 2;
    let origins: Vec<usize> = (0..INNER_ORIGINS)
        .filter_map(|k| n.checked_sub(h_in + step * k))
        .filter(|&o| o >= min_hist)
        .collect();
    // (step, actual, forecast) pairs of a candidate at the origins `at`.
    let pairs_at = |c: &Candidate, at: &[usize]| -> Vec<(usize, f64, f64)> {
        let mut out = Vec::new();
        for &o in at {
            let end = (o + h_in).min(n);
            let f = run(
                c,
                &y[..o],
                &season(c, o, 0, o),
                &season(c, o, o, end),
                per_year,
            );
            for (k, fk) in f.iter().enumerate() {
                if let Some(a) = y[o + k] {
                    out.push((k + 1, a, *fk));
                }
            }
        }
        out
    };
    let pairs_of = |c: &Candidate| pairs_at(c, &origins);
    let wape = |p: &[(usize, f64, f64)]| -> Option<f64> {
        let den: f64 = p.iter().map(|x| x.1.abs()).sum();
        (den > 0.0).then(|| p.iter().map(|x| (x.1 - x.2).abs()).sum::<f64>() / den)
    };
    let all: Vec<Vec<(usize, f64, f64)>> = cands.iter().map(pairs_of).collect();
    type Scored = (Candidate, Vec<(usize, f64, f64)>, Option<f64>);
    let mut best: Option<Scored> = None;
    for (c, p) in cands.iter().zip(&all) {
        let w = wape(p);
        let better = match (&best, w) {
            (None, _) => true,
            (Some((_, _, Some(bw))), Some(w)) => w < *bw - 1e-12,
            (Some((_, _, None)), Some(_)) => true,
            _ => false,
        };
        if better {
            best = Some((*c, p.clone(), w));
        }
    }
    let (chosen, _, inner_wape) = best.expect("at least one candidate");
    let point = run(
        &chosen,
        y,
        &season(&chosen, n, 0, n),
        &season(&chosen, n, n, n + h),
        per_year,
    );
    // Interval errors: the chosen candidate's backtest residuals at every period from half a
    // year of history on (not only the inner origins of the selection: their last year or so
    // holds too few regimes, and the selection's own errors are optimistic).
    let calibration: Vec<usize> = (min_hist..n).collect();
    let points = intervals(&point, &pairs_at(&chosen, &calibration), h_in);
    SeriesForecast {
        points,
        chosen,
        seasonality_available: idx.is_some(),
        inner_wape,
        inner_origins: origins.len(),
    }
}

/// 80 % / 95 % bounds around `point` from the backtest (step, actual, forecast) pairs: the
/// 80 % and 95 % empirical quantiles of `|log(actual ÷ forecast)|` at steps within ±3 of the
/// step (all steps when fewer than 10 pairs), symmetric in log space; beyond the calibration
/// horizon `h_in` the quantiles grow as `√(h ÷ h_in)`.
fn intervals(point: &[f64], pairs: &[(usize, f64, f64)], h_in: usize) -> Vec<Forecast> {
    let logs: Vec<(usize, f64)> = pairs
        .iter()
        .filter(|p| p.1 > 0.0 && p.2 > 0.0)
        .map(|p| (p.0, (p.1 / p.2).ln().abs()))
        .collect();
    point
        .iter()
        .enumerate()
        .map(|(k, &f)| {
            let h = k + 1;
            let centre = h.min(h_in.max(1));
            let mut band: Vec<f64> = logs
                .iter()
                .filter(|(s, _)| s.abs_diff(centre) <= 3)
                .map(|x| x.1)
                .collect();
            if band.len() < 10 {
                band = logs.iter().map(|x| x.1).collect();
            }
            band.sort_by(f64::total_cmp);
            let grow = if h > h_in && h_in > 0 {
                (h as f64 / h_in as f64).sqrt()
            } else {
                1.0
            };
            let q = |p: f64| {
                if band.is_empty() {
                    0.0
                } else {
                    quantile(&band, p) * grow
                }
            };
            let (a80, a95) = (q(0.80), q(0.95));
            Forecast {
                offered: f,
                lo80: f * (-a80).exp(),
                hi80: f * a80.exp(),
                lo95: f * (-a95).exp(),
                hi95: f * a95.exp(),
                aht_secs: None,
            }
        })
        .collect()
}
