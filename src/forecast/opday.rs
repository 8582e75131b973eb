//! The operational day: the planning day that the day-based models (daily totals × intraday
//! profile, the days × slots matrix, the intraday update) work on, cut at the center's quiet
//! hour instead of at midnight.
//!
//! A center whose busy hours straddle midnight — a 24/7 center with a late-evening peak, or a
//! business-hours center exported in another zone (07–21 local exported at +6 h runs
//! 13:00–03:00) — has each day's calls split over two calendar days; the day level, the weekday
//! profile and the intraday shape then mix two real days. Planning suites start the planning day
//! at a configurable hour instead (e.g. 04:00).
//!
//! With the operational day starting `r` slots after midnight, the series is relabelled by `−r`
//! slots ([`History::relabelled`]), so that the day start becomes "midnight". A calendar-midnight
//! origin then lies `r` slots before the relabelled midnight (or `|r|` after it): an intraday
//! origin, forecast from the last operational-day start and the partial day updated by the
//! intraday machinery ([`super::intraday`]). The forecast is indexed from the origin, so the
//! output's timestamps are those of the original grid. A calendar's special date is the
//! operational day carrying that date, the one holding most of the date's hours.
//!
//! The day start is given (`--day-start HH:MM`, `00:00` the calendar day), `auto`, or by
//! default `midnight-unless-busy`. `auto` takes as day start the cut through the least volume:
//! the slot boundary `c` minimising the mean volume within one hour on either side of it, over
//! the weekday-averaged profile of the 8 weeks before the origin (ties — a center closed at
//! night — go to the boundary nearest midnight, so that such a center keeps the calendar day).
//! The default keeps midnight unless midnight lies in the busy hours — the two hours around it
//! hold more than [`BUSY_MIDNIGHT_SHARE`] of the profile's day, half the share of two hours of
//! a uniform day — and then takes `auto`'s cut. A center quiet at night (a bank's VRU: 2.9–3.6 %
//! of its calls within an hour of midnight, docs/forecast.md) keeps the calendar day, on which
//! it forecast 0.002–0.003 WAPE better than on its 04:00 cut; a series whose midnight falls in
//! the busy hours (an export in another clock, a late-evening center) is cut at its quiet hour.
//!
//! From a calendar-midnight origin `D − c` slots into the operational day, the rest of that
//! day is forecast from its start and updated from the hours observed since; the history is
//! then completed by that forecast and the following days are forecast from the next
//! operational-day start ([`run_queues_on_day`]), so that no hour before the origin is lost
//! to the following days' models.

use super::calendar::Calendar;
use super::history::History;
use super::pipeline::{run_queue, QueueRun};
use super::{ForecastError, InnerBacktest, ModelChoice};
use rayon::prelude::*;
use std::time::Instant;

/// Weeks of history whose profile chooses the `auto` day start.
const PROFILE_WEEKS: usize = 8;

/// Share of a day's volume within one hour of midnight above which midnight is in the busy
/// hours ([`DayStart::MidnightUnlessBusy`]): half of what two hours of a uniform day hold.
pub const BUSY_MIDNIGHT_SHARE: f64 = 1.0 / 24.0;

/// Where the operational day starts. Default: [`DayStart::MidnightUnlessBusy`] (the module
/// documentation): `auto` everywhere cost 0.002–0.003 WAPE on the VRU windows of
/// docs/forecast.md, whose midnight is quiet enough, and helped the series whose midnight is
/// in the busy hours (docs/forecast.md, *Stress tests*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayStart {
    /// At the quiet hour of the history before the origin (the module documentation).
    Auto,
    /// At a fixed time of day, in seconds after midnight (0: the calendar day).
    At(u32),
    /// Midnight, unless the two hours around it hold more than [`BUSY_MIDNIGHT_SHARE`] of the
    /// day's volume; then as [`DayStart::Auto`].
    #[default]
    MidnightUnlessBusy,
}

impl DayStart {
    /// Parses `auto`, `midnight-unless-busy` or `HH:MM` (`00:00`: always the calendar day).
    ///
    /// # Errors
    /// [`ForecastError::BadDayStart`] for anything else.
    pub fn parse(s: &str) -> Result<Self, ForecastError> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(DayStart::Auto);
        }
        if s.eq_ignore_ascii_case("midnight-unless-busy") {
            return Ok(DayStart::MidnightUnlessBusy);
        }
        let bad = || ForecastError::BadDayStart {
            value: s.to_string(),
        };
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h >= 24 || m >= 60 {
            return Err(bad());
        }
        Ok(DayStart::At(h * 3600 + m * 60))
    }

    /// The day start as a signed slot offset from midnight in `(−D/2, D/2]` for an origin
    /// at grid index `origin` of `history`.
    ///
    /// # Errors
    /// [`ForecastError::BadDayStart`] when a fixed start is not on the history's grid.
    pub(crate) fn slots(self, history: &History, origin: usize) -> Result<isize, ForecastError> {
        let d = history.step().per_day();
        let c = match self {
            DayStart::Auto => quiet_boundary(history, origin),
            DayStart::MidnightUnlessBusy => {
                let profile = day_profile(history, origin);
                if window(&profile, 0) > BUSY_MIDNIGHT_SHARE * profile.iter().sum::<f64>() {
                    quiet_cut(&profile)
                } else {
                    0
                }
            }
            DayStart::At(secs) => {
                let step = history.step().seconds();
                if secs % step != 0 {
                    return Err(ForecastError::BadDayStart {
                        value: format!("{:02}:{:02}", secs / 3600, secs / 60 % 60),
                    });
                }
                (secs / step) as usize
            }
        };
        Ok(signed(c, d))
    }
}

/// Slot `c` of `d` as a signed offset in `(−d/2, d/2]`.
fn signed(c: usize, d: usize) -> isize {
    if 2 * c <= d {
        c as isize
    } else {
        c as isize - d as isize
    }
}

/// The weekday-averaged mean profile of the [`PROFILE_WEEKS`] weeks before `origin`, all
/// queues summed (per weekday the mean of each slot over its days with rows, then the mean over
/// the weekdays); all 0 without such a day.
fn day_profile(history: &History, origin: usize) -> Vec<f64> {
    let d = history.step().per_day();
    let end = (origin / d).min(history.days());
    let from = end.saturating_sub(7 * PROFILE_WEEKS);
    let total = history.total();
    // Per weekday the mean of each slot over the days with rows, then the weekdays' mean.
    let mut sum = vec![vec![0.0; d]; 7];
    let mut count = [0usize; 7];
    for j in from..end {
        if !history.queues().iter().any(|q| q.day_present()[j]) {
            continue;
        }
        let w = (history.first_weekday() + j) % 7;
        count[w] += 1;
        for (s, v) in sum[w].iter_mut().enumerate() {
            *v += total[j * d + s];
        }
    }
    let weekdays = count.iter().filter(|&&c| c > 0).count().max(1);
    (0..d)
        .map(|s| {
            (0..7)
                .filter(|&w| count[w] > 0)
                .map(|w| sum[w][s] / count[w] as f64)
                .sum::<f64>()
                / weekdays as f64
        })
        .collect()
}

/// Volume of `profile` (one day of slots) within one hour on either side of boundary `c`.
fn window(profile: &[f64], c: usize) -> f64 {
    let d = profile.len();
    let h = (d / 24).max(1);
    (0..2 * h).map(|j| profile[(c + d + j - h) % d]).sum()
}

/// The slot boundary (0 = midnight) through the least volume: see the module documentation.
pub(crate) fn quiet_boundary(history: &History, origin: usize) -> usize {
    quiet_cut(&day_profile(history, origin))
}

/// The boundary of `profile` (one day of slots) through the least volume within an hour on
/// either side, ties to the one nearest midnight; 0 for an empty profile.
fn quiet_cut(profile: &[f64]) -> usize {
    let d = profile.len();
    if profile.iter().all(|&v| v == 0.0) {
        return 0;
    }
    let costs: Vec<f64> = (0..d).map(|c| window(profile, c)).collect();
    let lo = costs.iter().copied().fold(f64::INFINITY, f64::min);
    let tol = 1e-9 * (1.0 + profile.iter().sum::<f64>());
    (0..d)
        .filter(|&c| costs[c] <= lo + tol)
        .min_by_key(|&c| signed(c, d).unsigned_abs())
        .unwrap_or(0)
}

/// A history relabelled for an operational day, with the offset `s` (relabelled index `i` is
/// index `i + s` of the original); `None` for the calendar day.
pub(crate) type Relabelled = Option<(History, usize)>;

/// The relabelled history for `day_start` at `origin` (`None` when the day starts at midnight).
///
/// # Errors
/// As [`DayStart::slots`].
pub(crate) fn relabel(
    history: &History,
    origin: usize,
    day_start: DayStart,
) -> Result<Relabelled, ForecastError> {
    let r = day_start.slots(history, origin)?;
    Ok((r != 0).then(|| history.relabelled(r)))
}

/// One queue's run and the seconds its compute took.
pub(crate) type TimedRun = (Result<QueueRun, ForecastError>, f64);

/// Forecasts every queue of `history` from `origin` for `horizon` steps on the operational day
/// of `rel` ([`relabel`]; `None`: the calendar day), queues in parallel, in queue order.
///
/// From an origin `off` slots into an operational day, each queue is forecast from that day's
/// start (for an intraday origin of the caller, with the rest of the day updated by the
/// intraday machinery). When the origin lies in the second half of the day, the history is
/// then completed by the first `D − off` steps of that forecast (every queue's, so that
/// nothing observed after the origin is left in it) and the rest of the horizon is forecast
/// from the next operational-day start: the days after the origin are then forecast from
/// models fitted up to the origin (the hours since the day start included), not from most
/// of a day before it. A queue whose relabelled history is too short is forecast on the
/// calendar day. Each run is
/// indexed from `origin`; `day_ahead` (the forecast before an intraday update) is kept for
/// intraday origins of the calendar (the forecast from the operational-day start) and dropped
/// for midnight ones.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_queues_on_day(
    history: &History,
    rel: &Relabelled,
    calendar: Option<&Calendar>,
    origin: usize,
    horizon: usize,
    choice: &ModelChoice,
    inner: &InnerBacktest,
) -> Vec<TimedRun> {
    let n_q = history.queues().len();
    // A calendar-midnight origin is a day-ahead forecast: the hours of its operational day
    // before it are not an intraday "morning" to update the rest of that day from (see the
    // module documentation); an intraday origin of the caller is updated as on the calendar day.
    let update = origin % history.step().per_day() != 0;
    let timed = |h: &History, q: usize, o: usize, len: usize| -> TimedRun {
        let t0 = Instant::now();
        let run = run_queue(h, &h.queues()[q], calendar, o, len, choice, inner, update);
        (run, t0.elapsed().as_secs_f64())
    };
    let plain = |q: usize| timed(history, q, origin, horizon);
    let relabelled = rel.as_ref().and_then(|(h, s)| {
        let o = origin.checked_sub(*s).filter(|&o| o > 0)?;
        Some((h, o))
    });
    let Some((h, o)) = relabelled else {
        return (0..n_q).into_par_iter().map(plain).collect();
    };
    let first: Vec<TimedRun> = (0..n_q)
        .into_par_iter()
        .map(|q| match timed(h, q, o, horizon) {
            (Ok(run), secs) => (Ok(run), secs),
            (Err(_), secs) => {
                let (run, more) = plain(q);
                (run.map(|r| r.on_calendar_day()), secs + more)
            }
        })
        .collect();
    let d = history.step().per_day();
    let rest = d - o % d;
    let calendar_midnight = origin % d == 0;
    // From the nearer operational-day start: the one before the origin (the hours since it
    // left to the day's forecast) when the origin lies in the first half of the day, else the
    // one after it (the rest of the day completed by its forecast): the fewer hours lost or
    // imputed.
    if o % d == 0 || 2 * rest > d || horizon <= rest {
        return first
            .into_iter()
            .map(|(r, secs)| (r.map(|r| r.seen_from(calendar_midnight)), secs))
            .collect();
    }
    let fills: Vec<Option<&[f64]>> = first
        .iter()
        .map(|(r, _)| r.as_ref().ok().map(|r| &r.forecast[..rest]))
        .collect();
    let completed = h.filled(o, &fills);
    let second: Vec<Option<TimedRun>> = (0..n_q)
        .into_par_iter()
        .map(|q| {
            let on_day = first[q].0.as_ref().is_ok_and(|r| !r.calendar_day);
            on_day.then(|| timed(&completed, q, o + rest, horizon - rest))
        })
        .collect();
    first
        .into_iter()
        .zip(second)
        .map(|((r1, s1), r2)| match (r1, r2) {
            (Ok(a), Some((Ok(b), s2))) => (Ok(a.followed_by(b, rest, calendar_midnight)), s1 + s2),
            (Ok(a), Some((Err(_), s2))) => (Ok(a.seen_from(calendar_midnight)), s1 + s2),
            (r1, _) => (r1, s1),
        })
        .collect()
}

impl QueueRun {
    /// Marks a run made on the calendar day (a fallback of [`run_queues_on_day`]).
    fn on_calendar_day(mut self) -> Self {
        self.calendar_day = true;
        self
    }

    /// The run as the caller's origin sees it: no `day_ahead` for a calendar midnight; for an
    /// intraday origin, the forecast from the operational-day start when it had no update.
    fn seen_from(mut self, calendar_midnight: bool) -> Self {
        if self.calendar_day {
            return self;
        }
        if calendar_midnight {
            self.day_ahead = None;
        } else if self.day_ahead.is_none() {
            self.day_ahead = Some(self.forecast.clone());
        }
        self
    }

    /// The first `rest` steps of `self` (the rest of the operational day) followed by `next`
    /// (from the next operational-day start); the model, ranking and inner origins are
    /// `next`'s, the warnings `self`'s (they cover the whole horizon).
    fn followed_by(self, next: QueueRun, rest: usize, calendar_midnight: bool) -> Self {
        fn join<T: Clone>(a: &[T], b: &[T], rest: usize) -> Vec<T> {
            [&a[..rest], b].concat()
        }
        let first = self.seen_from(calendar_midnight);
        let day_ahead = first
            .day_ahead
            .as_ref()
            .map(|g| join(g, &next.forecast, rest));
        let aht = match (&first.aht, &next.aht) {
            (Some(a), Some(b)) => Some(join(a, b, rest)),
            _ => None,
        };
        let aht_bounds = if first.aht_bounds.is_empty() || next.aht_bounds.is_empty() {
            Vec::new()
        } else {
            join(&first.aht_bounds, &next.aht_bounds, rest)
        };
        QueueRun {
            forecast: join(&first.forecast, &next.forecast, rest),
            bounds: join(&first.bounds, &next.bounds, rest),
            open: join(&first.open, &next.open, rest),
            aht,
            aht_bounds,
            day_ahead,
            warnings: first.warnings,
            ..next
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{forecast, ForecastOptions, SeriesInput};
    use crate::time::NaiveDateTime;
    use crate::units::IntervalLength;

    const WEEKS: usize = 12;

    /// An hourly series of `WEEKS` weeks, open `open_from` … `open_from + 14` hours after
    /// midnight (wrapping past it), with a weekday level and a deterministic noise.
    fn hourly(open_from: usize) -> Vec<f64> {
        let mut seed: u64 = 12_345;
        let mut noise = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as f64 / f64::from(1u32 << 31) - 0.5
        };
        let mut v = vec![0.0; WEEKS * 7 * 24];
        for (i, y) in v.iter_mut().enumerate() {
            let (day, hour) = (i / 24, i % 24);
            let h = (hour + 24 - open_from) % 24;
            if h < 14 {
                let level = [0.6, 1.0, 1.1, 1.0, 0.9, 1.2, 0.5][day % 7];
                let shape = 1.3 + (h as f64 * 0.45).sin();
                *y = (40.0 * level * shape * (1.0 + 0.2 * noise())).round();
            }
        }
        v
    }

    /// The [`hourly`] center open from `open_from`, every hour with a row.
    fn center(open_from: usize) -> History {
        history(&hourly(open_from).into_iter().map(Some).collect::<Vec<_>>())
    }

    fn history(v: &[Option<f64>]) -> History {
        let start = NaiveDateTime::parse_from_str("1999-01-03 00:00", "%Y-%m-%d %H:%M").unwrap();
        History::from_series(
            start,
            IntervalLength::from_minutes(60).unwrap(),
            vec![SeriesInput {
                queue: "Q".into(),
                volume: v.to_vec(),
                aht_secs: Vec::new(),
            }],
        )
        .unwrap()
    }

    #[test]
    fn day_start_parses_auto_and_times_of_day() {
        assert_eq!(DayStart::parse("auto").unwrap(), DayStart::Auto);
        assert_eq!(DayStart::parse("04:30").unwrap(), DayStart::At(16_200));
        assert!(DayStart::parse("24:00").is_err());
        assert!(DayStart::parse("4").is_err());
        let h = center(9);
        assert!(DayStart::At(1_800).slots(&h, 24 * 30).is_err()); // not on the hourly grid
        assert_eq!(DayStart::At(20 * 3600).slots(&h, 24 * 30).unwrap(), -4);
    }

    #[test]
    fn a_center_closed_at_night_keeps_midnight_and_a_shifted_one_is_cut_at_its_quiet_hour() {
        let origin = 24 * 7 * (WEEKS - 1);
        // Open 09–23: midnight is quiet.
        let a = center(9);
        assert_eq!(quiet_boundary(&a, origin), 0);
        // The same center exported 4 h later (open 13–03): cut at 04:00, the quiet boundary
        // nearest midnight.
        let b = center(13);
        assert_eq!(DayStart::Auto.slots(&b, origin).unwrap(), 4);
        // Open 05–19 exported 6 h earlier (23–13): cut at 22:00 of the day before.
        let c = center(23);
        assert_eq!(DayStart::Auto.slots(&c, origin).unwrap(), -2);
    }

    #[test]
    fn the_default_keeps_midnight_unless_it_is_in_the_busy_hours() {
        let origin = 24 * 7 * (WEEKS - 1);
        let d = DayStart::default();
        assert_eq!(d, DayStart::MidnightUnlessBusy);
        assert_eq!(DayStart::parse("midnight-unless-busy").unwrap(), d);
        // Open 09–23: closed at midnight. Open 13–03: midnight in the trough of the late hours
        // (1.3 + sin(0.45 h) ≈ 0.33 of the shape's ~1.3 mean: 3.5 % of the day within an hour
        // of it), kept. Open 17–07: midnight at the peak of the day, cut at the quiet hour.
        let quiet = center(9);
        assert_eq!(d.slots(&quiet, origin).unwrap(), 0);
        let trough = center(13);
        assert_eq!(d.slots(&trough, origin).unwrap(), 0);
        assert_eq!(DayStart::Auto.slots(&trough, origin).unwrap(), 4);
        let busy = center(17);
        let cut = signed(quiet_boundary(&busy, origin), 24);
        assert!((7..=17).contains(&cut.rem_euclid(24)), "{cut}");
        assert_eq!(d.slots(&busy, origin).unwrap(), cut);
        // A 24/7 center with a little traffic at night: the 23:00–01:00 share decides. Every
        // night hour carries `x` calls against ~40–100 per open hour (14 open hours).
        let night = |x: f64| -> History {
            let v: Vec<Option<f64>> = hourly(9)
                .into_iter()
                .enumerate()
                .map(|(i, y)| Some(if (9..23).contains(&(i % 24)) { y } else { x }))
                .collect();
            history(&v)
        };
        for (x, midnight) in [(2.0, true), (40.0, false)] {
            let h = night(x);
            let profile = day_profile(&h, origin);
            let share = window(&profile, 0) / profile.iter().sum::<f64>();
            assert_eq!(share <= BUSY_MIDNIGHT_SHARE, midnight, "{x}: {share}");
            let want = if midnight {
                0
            } else {
                signed(quiet_boundary(&h, origin), 24)
            };
            assert_eq!(d.slots(&h, origin).unwrap(), want, "{x}");
        }
        // `00:00` is always the calendar day.
        assert_eq!(
            DayStart::parse("00:00")
                .unwrap()
                .slots(&busy, origin)
                .unwrap(),
            0
        );
    }

    #[test]
    fn relabelling_moves_the_day_and_marks_days_over_a_missing_one_missing() {
        let mut v: Vec<Option<f64>> = hourly(13).into_iter().map(Some).collect();
        for x in &mut v[24 * 10..24 * 11] {
            *x = None; // day 10 missing
        }
        let h = history(&v);
        let (r, s) = h.relabelled(4);
        assert_eq!((s, r.start(), r.days()), (4, h.start(), h.days()));
        assert_eq!(r.queues()[0].volume()[0], v[4]);
        let present = r.queues()[0].day_present();
        assert!(present[8] && !present[9] && !present[10] && present[11]);
        // An operational day starting 3 h before midnight carries the next date.
        let (r, s) = h.relabelled(-3);
        assert_eq!(s, 21);
        assert_eq!(r.date(0), h.date(1));
        assert_eq!(r.queues()[0].volume()[3], v[24]);
    }

    #[test]
    fn a_completed_history_keeps_nothing_observed_after_the_origin() {
        let v: Vec<Option<f64>> = hourly(13).into_iter().map(Some).collect();
        let h = history(&v);
        let from = 24 * 30 + 20;
        let fill = [7.0, 8.0, 9.0, 10.0];
        let c = h.filled(from, &[Some(&fill)]);
        let q = &c.queues()[0];
        assert_eq!(q.actual(from - 1), v[from - 1]);
        assert_eq!(q.actual(from + 3), Some(10.0));
        assert_eq!(q.actual(from + 4), None);
        assert!(!q.day_present()[31]);
        let c = h.filled(from, &[None]);
        assert_eq!(c.queues()[0].actual(from), None);
    }

    #[test]
    fn the_forecast_of_a_shifted_center_is_the_unshifted_forecast_shifted() {
        // B is A exported 4 h later. From an operational-day start (04:00 for B, midnight for
        // A) both forecasts see the same days: B's is A's, 4 h later, interval by interval.
        let a: Vec<Option<f64>> = hourly(9).into_iter().map(Some).collect();
        let mut b = vec![Some(0.0); 4];
        b.extend_from_slice(&a);
        b.resize(a.len() + 24, None);
        let (ha, hb) = (history(&a), history(&b));
        let origin = ha.timestamp(24 * 7 * (WEEKS - 2));
        let shift = chrono::TimeDelta::hours(4);
        let opts = |start| ForecastOptions {
            start: Some(start),
            horizon_secs: 7 * 86_400,
            day_start: DayStart::Auto,
            ..ForecastOptions::default()
        };
        let fa = forecast(&ha, None, &opts(origin)).unwrap();
        let fb = forecast(&hb, None, &opts(origin + shift)).unwrap();
        assert_eq!(fa.rows.len(), fb.rows.len());
        for (x, y) in fa.rows.iter().zip(&fb.rows) {
            assert_eq!(x.interval_start + shift, y.interval_start);
            assert!((x.forecast - y.forecast).abs() < 1e-9, "{x:?} {y:?}");
            assert!((x.hi95 - y.hi95).abs() < 1e-9);
        }
        // From B's midnight (an intraday origin of its operational day) the output keeps the
        // calendar grid and is close to A's forecast of the same intervals.
        let fm = forecast(&hb, None, &opts(origin)).unwrap();
        assert_eq!(fm.origin, origin);
        assert_eq!(fm.rows[0].interval_start, origin);
        let by_time = |t| fa.rows.iter().find(|r| r.interval_start + shift == t);
        let (mut err, mut tot) = (0.0, 0.0);
        for r in fm
            .rows
            .iter()
            .filter(|r| r.interval_start >= origin + shift)
        {
            let x = by_time(r.interval_start).map_or(0.0, |x| x.forecast);
            err += (r.forecast - x).abs();
            tot += x;
        }
        assert!(err / tot < 0.05, "{}", err / tot);
    }
}
