//! `wfm forecast`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wfm::forecast::{forecast, DayStart, ForecastOptions, History, InnerBacktest, ModelChoice};
use wfm::time::parse_timestamp;
use wfm::units::parse_duration_secs;

use super::long_range::{read_calendar, GrainArg, WeekStart};
use super::vocab::usage;
use super::{emit, OutputArgs};

/// Arguments of `wfm forecast`.
///
/// Writes `interval_start,queue,forecast,lo80,hi80,lo95,hi95,aht_forecast,model,aht_lo80,aht_hi80,aht_lo95,aht_hi95` for the open
/// intervals of the horizon and, with `--out FILE`, the snapshot `FILE.meta.json` that
/// `wfm audit` reads. The model ranking per queue goes to stderr.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// History CSV: `interval_start,[queue,]offered[,aht_seconds]` (ingest output or the VRU file).
    #[arg(long, value_name = "FILE")]
    history: PathBuf,
    /// Special days CSV `date,name,effect[,factor][,queue]` (effect closed|eve|reduced, or
    /// `factor` with a multiplier applied to that date's forecast after the model; an empty
    /// queue = all queues).
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// `auto` (ranked by an inner rolling-origin backtest per queue) or a model name.
    #[arg(long, default_value = "auto")]
    model: String,
    /// Forecast origin, any interval boundary (e.g. 1999-10-04T12:00:00 to reforecast the rest
    /// of the day from the morning's arrivals); history rows before it are used. Default: end
    /// of history.
    #[arg(long, value_name = "T")]
    start: Option<String>,
    /// Forecast horizon (e.g. 14d).
    #[arg(long, default_value = "14d")]
    horizon: String,
    #[command(flatten)]
    fit: FitArgs,
    /// Time grain: intraday intervals, or weekly / monthly totals for long-range planning
    /// (then `--horizon` counts periods: 26, 26w, 18m; history may be daily or intervals).
    #[arg(long, value_enum, default_value_t = GrainArg::Interval)]
    grain: GrainArg,
    /// First day of a week for `--grain week`.
    #[arg(long, value_enum, default_value_t = WeekStart::Monday)]
    week_start: WeekStart,
    #[command(flatten)]
    output: OutputArgs,
}

/// How the models are fitted, shared by `wfm forecast` and `wfm backtest`.
#[derive(Debug, clap::Args)]
pub(crate) struct FitArgs {
    /// Weekly inner origins used for `auto` ranking and the prediction intervals.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=12))]
    inner_origins: u16,
    /// Where the planning (operational) day starts: HH:MM (`00:00`: the calendar day), `auto`
    /// (the quiet hour of the 8 weeks before the origin; midnight for a center closed at
    /// night), or `midnight-unless-busy` (midnight, unless the two hours around it hold more
    /// than 1/24 of the day's calls; then `auto`). The day-based models work on days from it;
    /// output timestamps are unchanged.
    #[arg(
        long,
        value_name = "HH:MM|auto|midnight-unless-busy",
        default_value = "midnight-unless-busy"
    )]
    day_start: String,
}

impl FitArgs {
    /// The inner backtest of `--inner-origins`.
    pub(crate) fn inner(&self) -> InnerBacktest {
        InnerBacktest {
            origins: usize::from(self.inner_origins),
            ..InnerBacktest::default()
        }
    }
    /// The operational day of `--day-start`.
    ///
    /// # Errors
    /// A usage error for a value that is not HH:MM, `auto` or `midnight-unless-busy`.
    pub(crate) fn day_start(&self) -> anyhow::Result<DayStart> {
        DayStart::parse(&self.day_start).map_err(|e| usage(format!("--day-start: {e}")))
    }
}

/// The `--history` file of an interval forecast or backtest.
pub(crate) fn read_history(path: &Path) -> anyhow::Result<History> {
    History::read(path).with_context(|| format!("failed to load history `{}`", path.display()))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(grain) = args.grain.long_range() {
        return super::long_range::forecast(
            &args.history,
            args.calendar.as_ref(),
            grain,
            args.week_start,
            &args.horizon,
            &args.output,
        );
    }
    let history = read_history(&args.history)?;
    let calendar = read_calendar(args.calendar.as_ref())?;
    let start = match &args.start {
        Some(s) => Some(
            parse_timestamp(s)
                .ok_or_else(|| usage(format!("--start `{s}`: expected YYYY-MM-DDTHH:MM:SS")))?,
        ),
        None => None,
    };
    let options = ForecastOptions {
        model: ModelChoice::parse(&args.model).map_err(|e| usage(format!("--model: {e}")))?,
        start,
        horizon_secs: parse_duration_secs(&args.horizon)
            .map_err(|e| usage(format!("--horizon: {e}")))?,
        inner: args.fit.inner(),
        day_start: args.fit.day_start()?,
    };
    let mut out = forecast(&history, calendar.as_ref(), &options)
        .with_context(|| format!("failed to forecast from `{}`", args.history.display()))?;
    if let Some(zone) = wfm::table::default_zone() {
        // Forecast per local slot, written per interval that exists in the zone.
        out.in_zone(zone);
    }
    let folded = history.report().repeated_hour;
    if folded > 0 {
        eprintln!(
            "note: {folded} row(s) of a fall-back night's repeated hour were fitted as their wall-clock slot (the two intervals' mean); the forecast writes such a slot once per interval the zone has"
        );
    }
    let mut inputs = vec![args.history.clone()];
    inputs.extend(args.calendar.clone());
    emit(&out.to_table(), &args.output, &inputs)?;
    if let Some(path) = &args.output.out {
        let created_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let mut meta = out.meta_json(&args.history, &created_at);
        // The sidecar names the bytes it belongs to (checked by `wfm audit`).
        let written = wfm::table::read_output(path)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        meta["csv_fnv1a64"] = serde_json::Value::String(wfm::table::content_hash(&written));
        let mut meta_path = path.as_os_str().to_owned();
        meta_path.push(".meta.json");
        let meta_path = PathBuf::from(meta_path);
        let text = serde_json::to_string_pretty(&meta)? + "\n";
        wfm::table::write_atomic(&meta_path, text.as_bytes(), &inputs)
            .with_context(|| format!("failed to write `{}`", meta_path.display()))?;
    }
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    for q in &out.queues {
        let rank: Vec<String> = q
            .ranking
            .iter()
            .map(|r| match r.wape {
                Some(w) => format!("{} {w:.4}", r.model),
                None => format!("{} n/a", r.model),
            })
            .collect();
        let aht = q
            .aht_model
            .as_ref()
            .map(|m| format!("; AHT {m}"))
            .unwrap_or_default();
        eprintln!(
            "queue {}: model {} (inner backtest, {} origin(s), WAPE: {}){aht}",
            q.queue,
            q.model,
            q.inner_origins,
            rank.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
