//! `wfm backtest`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wfm::forecast::{
    backtest, backtest_aht, AhtBacktestOptions, AhtChoice, AhtModel, BacktestOptions, History,
    ModelChoice, ModelSpec,
};
use wfm::time::{format_timestamp, parse_timestamp, NaiveDateTime};
use wfm::units::parse_duration_secs;

use super::forecast::{read_history, FitArgs};
use super::long_range::{read_calendar, GrainArg, WeekStart};
use super::vocab::usage;
use super::{emit, Format, OutputArgs};

/// Arguments of `wfm backtest`.
///
/// Example (the FORECAST.md development task):
/// `wfm backtest --history vru_arrivals_30min.csv --from 1999-07-04T00:00:00 --to 1999-09-19T00:00:00 --every 7d --horizon 7d --model seasonal-naive-week`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// History CSV: `interval_start,[queue,]offered[,aht_seconds]` (ingest output or the VRU file).
    #[arg(long, value_name = "FILE")]
    history: PathBuf,
    /// Special days CSV `date,name,effect` (effect closed|eve|reduced).
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// Models, comma-separated: auto, seasonal-naive-day, seasonal-naive-week, mean-<k>w,
    /// wmean-<k>w, ets-profile, taylor-hw, decomposition, svd, svd-<K> (K = 1..4); `all` =
    /// every candidate of auto plus auto.
    /// With `--target aht`: auto, weighted-profile, recent-level, ets-daily, mean-4w.
    #[arg(long, default_value = "auto", value_delimiter = ',')]
    model: Vec<String>,
    /// What to score: call volume, or AHT (WAPE weighted by the intervals' calls).
    #[arg(long, value_enum, default_value_t = Target::Volume)]
    target: Target,
    /// Origins, comma-separated: midnights, or any interval boundary for intraday reforecasts
    /// (e.g. 1999-10-04T12:00:00; the rest-of-day WAPE against the day-ahead forecast of the
    /// same intervals is reported per origin time of day).
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["from", "to"], required_unless_present_any = ["from", "grain"])]
    origins: Vec<String>,
    /// First origin (with --to and --every).
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Last origin (inclusive).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Spacing of origins between --from and --to, or of the long-range origins of
    /// `--grain week|month` [7d; a month for --grain month].
    #[arg(long, value_name = "EVERY")]
    every: Option<String>,
    /// Forecast horizon from each origin.
    #[arg(long, default_value = "7d")]
    horizon: String,
    #[command(flatten)]
    fit: FitArgs,
    /// Time grain: intraday intervals, or weekly / monthly totals (long-range; origins default
    /// to every `--every` period over the last year that leaves the longest horizon to score).
    #[arg(long, value_enum, default_value_t = GrainArg::Interval)]
    grain: GrainArg,
    /// First day of a week for `--grain week`.
    #[arg(long, value_enum, default_value_t = WeekStart::Monday)]
    week_start: WeekStart,
    /// Horizons (periods) to score with `--grain week|month`: WAPE over steps 1…H for each
    /// [13,26].
    #[arg(long, value_delimiter = ',', value_name = "HORIZONS")]
    horizons: Option<Vec<String>>,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write every scored interval to FILE
    /// (`origin,interval_start,queue,actual,forecast,lo80,hi80,lo95,hi95,model`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The forecast quantity a backtest scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Target {
    /// Offered calls per interval.
    Volume,
    /// Average handle time per interval, weighted by the interval's calls.
    Aht,
}

fn timestamp(flag: &str, text: &str) -> anyhow::Result<NaiveDateTime> {
    parse_timestamp(text)
        .ok_or_else(|| usage(format!("--{flag} `{text}`: expected YYYY-MM-DDTHH:MM:SS")))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let (Target::Aht, Some(grain)) = (args.target, args.grain.long_range()) {
        return Err(usage(format!(
            "--target aht scores intervals; --grain {grain} backtests volume totals"
        )));
    }
    if let Some(grain) = args.grain.long_range() {
        anyhow::ensure!(
            args.origins.is_empty() && args.from.is_none(),
            "--grain {grain}: origins are chosen from --every (explicit --origins/--from are for intraday backtests)"
        );
        return super::long_range::backtest(
            &args.history,
            args.calendar.as_ref(),
            grain,
            args.week_start,
            args.horizons
                .as_deref()
                .unwrap_or(&["13".to_string(), "26".to_string()]),
            args.every.as_deref().unwrap_or("7d"),
            &OutputArgs {
                format: args.format,
                out: args.out.clone(),
            },
        );
    }
    // Flags of the other modes are refused, not silently ignored.
    if args.horizons.is_some() {
        return Err(usage(
            "--horizons applies to --grain week|month; intraday backtests score --horizon",
        ));
    }
    if args.every.is_some() && args.from.is_none() {
        return Err(usage(
            "--every spaces the origins of --from/--to (or of --grain week|month); with --origins it has no effect",
        ));
    }
    let history = read_history(&args.history)?;
    if args.target == Target::Aht {
        return run_aht(&args, &history);
    }
    let calendar = read_calendar(args.calendar.as_ref())?;
    let models = parse_models(&args.model)?;
    let (origins, horizon_secs) = schedule_of_origins(&args)?;
    let inner = args.fit.inner();
    let options = BacktestOptions {
        origins,
        horizon_secs,
        models,
        inner,
        day_start: args.fit.day_start()?,
    };
    let total = (options.models.len() * options.origins.len()) as u64;
    let bar = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template("backtest {bar:30} {pos}/{len} origins {elapsed}")
            .expect("valid template"),
    );
    let report = backtest(&history, calendar.as_ref(), &options, &mut |done, _| {
        bar.set_position(done as u64)
    })
    .with_context(|| format!("failed to backtest `{}`", args.history.display()))?;
    bar.finish_and_clear();
    let mut inputs = vec![args.history.clone()];
    inputs.extend(args.calendar.clone());
    emit_rows_and_summary(
        &report.rows_table(),
        &report.summary_table(),
        &args,
        &inputs,
    )?;
    if let Some(t) = report.intraday_table() {
        println!();
        emit(
            &t,
            &OutputArgs {
                format: args.format,
                out: None,
            },
            &inputs,
        )?;
    }
    for s in &report.scores {
        if s.picks.len() > 1 || s.picks.keys().next().is_some_and(|k| *k != s.model) {
            let picks: Vec<String> = s.picks.iter().map(|(m, n)| format!("{m} ×{n}")).collect();
            eprintln!(
                "{}: models used per queue × origin: {}",
                s.model,
                picks.join(", ")
            );
        }
    }
    eprintln!(
        "origins {} … {}, {} queue(s), {} scored intervals per model",
        options
            .origins
            .first()
            .map(|o| format_timestamp(*o))
            .unwrap_or_default(),
        options
            .origins
            .last()
            .map(|o| format_timestamp(*o))
            .unwrap_or_default(),
        history.queues().len(),
        report.scores.first().map_or(0, |s| s.points)
    );
    Ok(ExitCode::SUCCESS)
}

/// `--model` values; `all` expands to every named auto candidate plus `auto`.
fn parse_models(values: &[String]) -> anyhow::Result<Vec<ModelChoice>> {
    let mut models = Vec::new();
    for m in values {
        if m.trim().eq_ignore_ascii_case("all") {
            models.extend(
                ModelSpec::auto_candidates()
                    .into_iter()
                    .map(ModelChoice::Named),
            );
            models.push(ModelChoice::Auto);
        } else {
            models.push(ModelChoice::parse(m).map_err(|e| usage(format!("--model: {e}")))?);
        }
    }
    Ok(models)
}

/// The origins: `--from`/`--to` every `--every`, or the explicit `--origins`.
fn parse_origins(args: &Args) -> anyhow::Result<Vec<NaiveDateTime>> {
    Ok(if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let (from, to) = (timestamp("from", from)?, timestamp("to", to)?);
        let every = parse_duration_secs(args.every.as_deref().unwrap_or("7d"))
            .map_err(|e| usage(format!("--every: {e}")))?;
        if every == 0 {
            return Err(usage("--every must be positive"));
        }
        if from > to {
            return Err(usage("--from must not be after --to"));
        }
        let mut v = Vec::new();
        let mut t = from;
        while t <= to {
            v.push(t);
            t += chrono::TimeDelta::seconds(every);
        }
        v
    } else {
        args.origins
            .iter()
            .map(|o| timestamp("origins", o))
            .collect::<anyhow::Result<_>>()?
    })
}

/// `--target aht`: the AHT estimators' rolling-origin backtest.
fn run_aht(args: &Args, history: &History) -> anyhow::Result<ExitCode> {
    if args.calendar.is_some() {
        return Err(usage(
            "--calendar has no effect on --target aht (the AHT estimators do not use special days)",
        ));
    }
    let mut models = Vec::new();
    for m in &args.model {
        if m.trim().eq_ignore_ascii_case("all") {
            models.extend(AhtModel::ALL.map(AhtChoice::Named));
            models.push(AhtChoice::Auto);
        } else {
            models.push(AhtChoice::parse(m).map_err(|e| usage(format!("--model: {e}")))?);
        }
    }
    let (origins, horizon_secs) = schedule_of_origins(args)?;
    let inner = args.fit.inner();
    let options = AhtBacktestOptions {
        origins,
        horizon_secs,
        models,
        inner,
    };
    let report = backtest_aht(history, &options, &mut |_, _| {})
        .with_context(|| format!("failed to backtest AHT on `{}`", args.history.display()))?;
    let inputs = vec![args.history.clone()];
    emit_rows_and_summary(&report.rows_table(), &report.summary_table(), args, &inputs)?;
    for s in &report.scores {
        let picks: Vec<String> = s.picks.iter().map(|(m, n)| format!("{m} ×{n}")).collect();
        eprintln!(
            "{}: AHT estimators used per queue × origin: {}",
            s.model,
            picks.join(", ")
        );
    }
    eprintln!(
        "{} origin(s), {} queue(s), {} scored intervals per model (AHT weighted by calls)",
        options.origins.len(),
        history.queues().len(),
        report.scores.first().map_or(0, |s| s.points)
    );
    Ok(ExitCode::SUCCESS)
}

/// The origins, the horizon in seconds and the inner backtest of `--origins`/`--from`,
/// `--horizon` and `--inner-origins` (volume and AHT backtests alike).
fn schedule_of_origins(args: &Args) -> anyhow::Result<(Vec<NaiveDateTime>, i64)> {
    let horizon_secs =
        parse_duration_secs(&args.horizon).map_err(|e| usage(format!("--horizon: {e}")))?;
    Ok((parse_origins(args)?, horizon_secs))
}

/// `--out` gets the per-interval rows (CSV unless its extension says otherwise); stdout the
/// summary in `--format`.
fn emit_rows_and_summary(
    rows: &wfm::table::Table,
    summary: &wfm::table::Table,
    args: &Args,
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    if let Some(out) = &args.out {
        emit(
            rows,
            &OutputArgs {
                format: Format::Csv,
                out: Some(out.clone()),
            },
            inputs,
        )?;
    }
    emit(
        summary,
        &OutputArgs {
            format: args.format,
            out: None,
        },
        inputs,
    )
}
