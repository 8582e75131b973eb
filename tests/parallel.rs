//! Per-queue work runs on a rayon pool: the outputs must not depend on the thread count
//! (same rows, same order, same bits).

use std::path::Path;

use wfm::forecast::{
    backtest, forecast, BacktestOptions, ForecastOptions, History, InnerBacktest, ModelChoice,
    SeriesInput,
};
use wfm::staffing::config::StaffConfig;
use wfm::staffing::plan::{staff, Precision, StaffInput};
use wfm::table::{OutputFormat, Table};
use wfm::time::parse_timestamp;
use wfm::units::IntervalLength;

const INTERVALS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/anonbank/intervals_30min_by_queue_01-14.csv"
);

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(f)
}

fn csv(t: &Table) -> String {
    let mut buf = Vec::new();
    t.write(OutputFormat::Csv, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

/// A synthetic history of `n` queues × 21 days at 30 min with distinct daily shapes, so that
/// `auto` picks different models on different queues.
fn synthetic(n: usize) -> History {
    let series = (0..n)
        .map(|q| {
            let volume = (0..21 * 48)
                .map(|i| {
                    let (day, slot) = (i / 48, i % 48);
                    let shape = (std::f64::consts::PI * slot as f64 / 48.0).sin().powi(2);
                    let weekly = 1.0 + 0.3 * ((day + q) % 7 == 0) as u8 as f64;
                    let noise = ((i * 7919 + q * 104_729) % 13) as f64;
                    Some(((10 + q) as f64 * shape * weekly + noise).round())
                })
                .collect();
            SeriesInput {
                queue: format!("Q{q:03}"),
                volume,
                aht_secs: vec![Some(180.0 + q as f64); 21 * 48],
            }
        })
        .collect();
    History::from_series(
        parse_timestamp("2024-03-04").unwrap(),
        IntervalLength::from_minutes(30).unwrap(),
        series,
    )
    .unwrap()
}

#[test]
fn forecast_is_the_same_on_one_two_and_three_threads() {
    let options = ForecastOptions {
        horizon_secs: 7 * 86_400,
        ..ForecastOptions::default()
    };
    for h in [History::read(Path::new(INTERVALS)).unwrap(), synthetic(9)] {
        let one = in_pool(1, || forecast(&h, None, &options).unwrap());
        for threads in [2, 3] {
            let many = in_pool(threads, || forecast(&h, None, &options).unwrap());
            assert_eq!(one, many, "{threads} threads");
            assert_eq!(csv(&one.to_table()), csv(&many.to_table()));
        }
        assert!(!one.rows.is_empty());
    }
}

#[test]
fn backtest_rows_are_the_same_on_one_and_three_threads() {
    let h = synthetic(6);
    let options = BacktestOptions {
        origins: vec![parse_timestamp("2024-03-18").unwrap()],
        horizon_secs: 3 * 86_400,
        models: vec![
            ModelChoice::parse("seasonal-naive-week").unwrap(),
            ModelChoice::parse("ets-profile").unwrap(),
        ],
        inner: InnerBacktest::default(),
        day_start: Default::default(),
    };
    let one = in_pool(1, || backtest(&h, None, &options, &mut |_, _| {}).unwrap());
    let three = in_pool(3, || backtest(&h, None, &options, &mut |_, _| {}).unwrap());
    assert_eq!(one.rows, three.rows);
    assert_eq!(csv(&one.rows_table()), csv(&three.rows_table()));
    for (a, b) in one.scores.iter().zip(&three.scores) {
        assert_eq!((a.wape, a.bias), (b.wape, b.bias), "{}", a.model);
    }
}

#[test]
fn staffing_is_the_same_on_one_and_three_threads() {
    let input = StaffInput::read(Path::new(INTERVALS)).unwrap();
    let config = StaffConfig::new();
    let one = in_pool(1, || staff(&input, &config).unwrap());
    let three = in_pool(3, || staff(&input, &config).unwrap());
    assert_eq!(
        csv(&one.to_table(Precision::Full)),
        csv(&three.to_table(Precision::Full))
    );
    assert_eq!(
        csv(&one.totals_table(Precision::Full)),
        csv(&three.totals_table(Precision::Full))
    );
    assert!(one.rows.iter().any(|r| r.agents > 0));
}
