//! `wfm forecast --grain week|month` and `wfm backtest --grain week|month`: long-range forecasts
//! of weekly or monthly totals (issue #15), see `wfm::capacity::long_range`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use wfm::capacity::outlook::{backtest_outlook, default_origins, forecast_outlook, OutlookOptions};
use wfm::forecast::Calendar;
use wfm::io::daily::read_daily_volume;
use wfm::io::schema;
use wfm::io::table::{Cell, Table};
use wfm::model::Grain;

use super::{emit, OutputArgs};

/// The time grain of a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum GrainArg {
    /// Intraday intervals (the short-range forecast).
    #[default]
    Interval,
    /// Weekly totals, 13–78 weeks ahead.
    Week,
    /// Monthly totals, 3–18 months ahead.
    Month,
}

impl GrainArg {
    pub(crate) fn long_range(self) -> Option<Grain> {
        match self {
            GrainArg::Interval => None,
            GrainArg::Week => Some(Grain::Week),
            GrainArg::Month => Some(Grain::Month),
        }
    }
}

/// Week start day.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub(crate) enum WeekStart {
    #[default]
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<WeekStart> for chrono::Weekday {
    fn from(w: WeekStart) -> Self {
        use chrono::Weekday::*;
        match w {
            WeekStart::Monday => Mon,
            WeekStart::Tuesday => Tue,
            WeekStart::Wednesday => Wed,
            WeekStart::Thursday => Thu,
            WeekStart::Friday => Fri,
            WeekStart::Saturday => Sat,
            WeekStart::Sunday => Sun,
        }
    }
}

/// A count of periods: `N` or `Nw` (weeks), `Nm`/`Nmo` (months), `Nd` (days, a multiple of 7
/// for weeks).
pub(crate) fn periods(text: &str, grain: Grain, flag: &str) -> anyhow::Result<usize> {
    let t = text.trim();
    let bad =
        || anyhow::anyhow!("--{flag} `{text}`: expected a number of {grain}s (e.g. 26, 26w, 6m)");
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let n: usize = num.parse().map_err(|_| bad())?;
    match (grain, unit) {
        (_, "") | (Grain::Week, "w") | (Grain::Month, "m" | "mo") => Ok(n),
        (Grain::Week, "d") if n % 7 == 0 => Ok(n / 7),
        _ => Err(bad()),
    }
}

fn load(
    history: &Path,
    calendar: Option<&PathBuf>,
) -> anyhow::Result<(
    wfm::model::Panel<Option<wfm::capacity::demand::Volume>>,
    Option<Calendar>,
)> {
    let (daily, load) = read_daily_volume(history)
        .with_context(|| format!("failed to load history `{}`", history.display()))?;
    eprintln!(
        "history: {} row(s) used, {} queue × day(s) observed, {} unobserved (missing, not zero)",
        load.rows, load.observed_days, load.missing_days
    );
    Ok((daily, read_calendar(calendar)?))
}

/// The `--calendar` file, if given (`wfm forecast` and `wfm backtest` at every grain).
pub(crate) fn read_calendar(path: Option<&PathBuf>) -> anyhow::Result<Option<Calendar>> {
    path.map(|p| {
        Calendar::read(p).with_context(|| format!("failed to load calendar `{}`", p.display()))
    })
    .transpose()
}

/// `wfm forecast --grain week|month`.
pub(crate) fn forecast(
    history: &Path,
    calendar: Option<&PathBuf>,
    grain: Grain,
    week_start: WeekStart,
    horizon: &str,
    output: &OutputArgs,
) -> anyhow::Result<ExitCode> {
    let (daily, cal) = load(history, calendar)?;
    let opts = OutlookOptions {
        grain,
        week_start: week_start.into(),
        horizon: periods(horizon, grain, "horizon")?,
    };
    let out = forecast_outlook(&daily, cal.as_ref(), &opts)?;
    let start_col = if grain == Grain::Month {
        schema::MONTH_START
    } else {
        schema::WEEK_START
    };
    let mut t = Table::new([
        start_col,
        schema::QUEUE,
        schema::FORECAST,
        schema::LO80,
        schema::HI80,
        schema::LO95,
        schema::HI95,
        schema::AHT_FORECAST,
        schema::MODEL,
    ]);
    for (p, queue, f) in out.forecast.iter_time_major() {
        let q = out.forecast.queue_index(queue.as_str()).expect("own queue");
        t.push(vec![
            Cell::text(out.forecast.grid().date(p).to_string()),
            Cell::text(queue.as_str()),
            Cell::float(Some(f.offered), 2),
            Cell::float(Some(f.lo80), 2),
            Cell::float(Some(f.hi80), 2),
            Cell::float(Some(f.lo95), 2),
            Cell::float(Some(f.hi95), 2),
            Cell::float(f.aht_secs, 2),
            Cell::text(out.queues[q].model.to_string()),
        ]);
    }
    let mut inputs = vec![history.to_path_buf()];
    inputs.extend(calendar.cloned());
    emit(&t, output, &inputs)?;
    for q in &out.queues {
        let season = if q.seasonality_available {
            "annual seasonality estimated".to_string()
        } else {
            format!(
                "annual seasonality absent ({} {grain}(s) of history, two years needed)",
                q.history_periods
            )
        };
        let holidays = match &q.holidays {
            Some(h) => format!(
                "; holidays moved to their dates (closed/eve/reduced day ratios {})",
                h.ratio
                    .iter()
                    .map(|r| r.map_or("n/a".to_string(), |r| format!("{r:.2}")))
                    .collect::<Vec<_>>()
                    .join("/")
            ),
            None => "; no calendar: holidays not modelled".to_string(),
        };
        eprintln!(
            "queue {}: {} (inner backtest WAPE {} over {} origin(s)); {season}{holidays}",
            q.queue,
            q.model,
            q.inner_wape
                .map_or("n/a".to_string(), |w| format!("{w:.4}")),
            q.inner_origins
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `wfm backtest --grain week|month`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn backtest(
    history: &Path,
    calendar: Option<&PathBuf>,
    grain: Grain,
    week_start: WeekStart,
    horizons: &[String],
    every: &str,
    output: &OutputArgs,
) -> anyhow::Result<ExitCode> {
    let (daily, cal) = load(history, calendar)?;
    let opts = OutlookOptions {
        grain,
        week_start: week_start.into(),
        horizon: 1,
    };
    let hs: Vec<usize> = horizons
        .iter()
        .map(|h| periods(h, grain, "horizons"))
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(hs.iter().all(|&h| h > 0), "--horizons must be positive");
    let every = if every == "7d" && grain == Grain::Month {
        1
    } else {
        periods(every, grain, "every")?
    };
    let grid = wfm::capacity::demand::period_grid(daily.grid(), grain, opts.week_start)?;
    let h_max = hs.iter().copied().max().unwrap_or(1);
    let origins = default_origins(grid.len(), grain, h_max, every);
    anyhow::ensure!(
        !origins.is_empty(),
        "{} whole {grain}(s) of history: a backtest needs a year before the first origin and {h_max} after the last",
        grid.len()
    );
    let bar = indicatif::ProgressBar::new(origins.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("backtest {bar:30} {pos}/{len} origins {elapsed}")
            .expect("valid template"),
    );
    let scores = backtest_outlook(
        &daily,
        cal.as_ref(),
        &opts,
        &origins,
        &hs,
        &Bar(bar.clone()),
    )?;
    bar.finish_and_clear();
    let mut t = Table::new([
        "model",
        "horizon",
        "origins",
        "points",
        "wape",
        "coverage80",
        "coverage95",
    ]);
    for s in &scores {
        t.push(vec![
            Cell::text(s.model.name(grain)),
            Cell::Int(s.horizon as i64),
            Cell::Int(s.origins as i64),
            Cell::Int(s.points as i64),
            Cell::float(Some(s.wape), 4),
            Cell::float(s.coverage.map(|c| c.0), 4),
            Cell::float(s.coverage.map(|c| c.1), 4),
        ]);
    }
    let mut inputs = vec![history.to_path_buf()];
    inputs.extend(calendar.cloned());
    emit(&t, output, &inputs)?;
    eprintln!(
        "origins {} … {} every {every} {grain}(s); WAPE over horizons 1…H; every model scored on the same points",
        grid.date(origins[0]),
        grid.date(*origins.last().expect("non-empty"))
    );
    Ok(ExitCode::SUCCESS)
}

struct Bar(indicatif::ProgressBar);

impl wfm::model::Progress for Bar {
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}
