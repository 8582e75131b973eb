//! The per-queue entry point and intraday reforecasts, on the committed 5-week VRU fixture.

use std::path::Path;

use wfm::forecast::{
    backtest, forecast, forecast_queue, BacktestOptions, ForecastOptions, History, InnerBacktest,
    ModelChoice,
};
use wfm::model::{Demand, Grain, TimeGrid};
use wfm::time::parse_timestamp;

fn fixture() -> History {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/forecast/vru_5w.csv"
    );
    History::read(Path::new(p)).unwrap()
}

#[test]
fn forecast_queue_on_a_slice_equals_the_whole_history_forecast() {
    let h = fixture();
    let options = ForecastOptions {
        start: Some(parse_timestamp("1999-01-31").unwrap()),
        horizon_secs: 3 * 86_400,
        ..ForecastOptions::default()
    };
    let all = forecast(&h, None, &options).unwrap();
    let p = h.panel();
    let one = forecast_queue(&p.queues()[0], p.series(0), p.grid(), None, &options).unwrap();
    assert_eq!(one.cells.as_slice(), all.panel.series(0));
    assert_eq!(one.grid, *all.panel.grid());
    assert_eq!(one.grid.start(), parse_timestamp("1999-01-31").unwrap());
    // The panel holds every interval, the rows the open ones, with the same values.
    let open_rows = all.rows.len();
    assert_eq!(open_rows, one.open.iter().filter(|&&o| o).count());
    for r in &all.rows {
        let t = one.grid.position(r.interval_start).unwrap();
        assert_eq!(r.forecast, one.cells[t].offered);
    }
    // The grid must match the slice.
    let short = TimeGrid::new(p.grid().start(), Grain::Interval(h.step()), 10).unwrap();
    assert!(forecast_queue(&p.queues()[0], p.series(0), &short, None, &options).is_err());
}

#[test]
fn intraday_origin_uses_the_morning() {
    let h = fixture();
    let noon = parse_timestamp("1999-02-01T12:00:00").unwrap();
    let base = ForecastOptions {
        model: ModelChoice::parse("mean-2w").unwrap(),
        start: Some(noon),
        horizon_secs: 12 * 3600,
        inner: InnerBacktest::default(),
        day_start: Default::default(),
    };
    let p = h.panel();
    // Double the morning of 1999-02-01: the rest of the day must go up, not down.
    let mut hot: Vec<Option<Demand>> = p.series(0).to_vec();
    let day = p
        .grid()
        .position(parse_timestamp("1999-02-01").unwrap())
        .unwrap();
    for c in hot[day..day + 24].iter_mut().flatten() {
        c.offered *= 2.0;
    }
    let plain = forecast_queue(&p.queues()[0], p.series(0), p.grid(), None, &base).unwrap();
    let up = forecast_queue(&p.queues()[0], &hot, p.grid(), None, &base).unwrap();
    assert_eq!(plain.grid.start(), noon);
    assert_eq!(plain.cells.len(), 24);
    let sum = |c: &[wfm::model::Forecast]| c.iter().map(|f| f.offered).sum::<f64>();
    assert!(
        sum(&up.cells) > 1.05 * sum(&plain.cells),
        "{} vs {}",
        sum(&up.cells),
        sum(&plain.cells)
    );
    // The backtest reports the rest of the day against the day-ahead forecast.
    let r = backtest(
        &h,
        None,
        &BacktestOptions {
            origins: vec![noon],
            horizon_secs: 12 * 3600,
            models: vec![ModelChoice::parse("mean-2w").unwrap()],
            inner: InnerBacktest::default(),
            day_start: Default::default(),
        },
        &mut |_, _| {},
    )
    .unwrap();
    let s = &r.scores[0].intraday;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].points, 24);
    assert!(r.rows.iter().all(|row| row.day_ahead.is_some()));
    // Off-grid origins are errors.
    let bad = ForecastOptions {
        start: Some(parse_timestamp("1999-02-01T12:10:00").unwrap()),
        ..base
    };
    assert!(forecast(&h, None, &bad).is_err());
}

#[test]
fn a_planner_factor_scales_its_date_exactly_and_nothing_else() {
    use wfm::forecast::{Adjustment, Calendar, Effect, SpecialDay};
    let h = fixture();
    let options = ForecastOptions {
        start: Some(parse_timestamp("1999-01-31").unwrap()),
        horizon_secs: 3 * 86_400,
        ..ForecastOptions::default()
    };
    let date = parse_timestamp("1999-02-01").unwrap().date();
    let plain = forecast(&h, Some(&Calendar::default()), &options).unwrap();
    let cal = Calendar::default().with_adjustments([Adjustment {
        date,
        name: "campaign".into(),
        factor: 1.3,
        queue: None,
    }]);
    let adj = forecast(&h, Some(&cal), &options).unwrap();
    for (a, b) in plain.rows.iter().zip(&adj.rows) {
        assert_eq!(a.interval_start, b.interval_start);
        if a.interval_start.date() == date {
            assert_eq!(b.forecast, a.forecast * 1.3, "{}", a.interval_start);
        } else {
            assert_eq!(b.forecast, a.forecast, "{}", a.interval_start);
        }
    }
    assert_eq!(adj.adjustments.len(), 1);
    let meta = adj.meta_json(Path::new("h.csv"), "now");
    assert_eq!(meta["adjustments"][0]["factor"], 1.3);
    // A special day whose class never occurred before the origin: a warning naming it.
    let purim = Calendar::from_days([(
        parse_timestamp("1999-02-02").unwrap().date(),
        SpecialDay {
            name: "Purim".into(),
            effect: Effect::Reduced,
        },
    )]);
    let w = forecast(&h, Some(&purim), &options).unwrap().warnings;
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("1999-02-02 Purim"), "{}", w[0]);
}

/// A business-hours series (no rows at night or on weekends): a hot morning must raise the
/// rest of the day. Before issue #17 part 2 the night slots without rows were read as a gap in
/// the morning and the day-ahead forecast was never updated.
#[test]
fn a_business_hours_morning_updates_the_afternoon() {
    use wfm::table::CsvInput;
    use wfm::time::{Datelike, Timelike};
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/forecast/vru_5w.csv"
    ))
    .unwrap();
    let noon_day = parse_timestamp("1999-02-01").unwrap().date();
    let mut csv = String::from("interval_start,queue,offered\n");
    for line in text.lines().skip(1) {
        let mut f = line.split(',');
        let (ts, queue, offered) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        let t = parse_timestamp(ts).unwrap();
        if t.weekday().number_from_monday() > 5 || !(7..21).contains(&t.hour()) {
            continue;
        }
        // The morning of 1999-02-01 runs 60 % hot.
        let v: f64 = offered.parse().unwrap();
        let v = if t.date() == noon_day && t.hour() < 12 {
            (v * 1.6).round()
        } else {
            v
        };
        csv.push_str(&format!("{ts},{queue},{v}\n"));
    }
    let h = History::from_panel(
        wfm::io::history::history_from_csv(
            &CsvInput::from_bytes(Path::new("bh.csv"), csv.as_bytes()).unwrap(),
        )
        .unwrap()
        .panel,
    )
    .unwrap();
    let r = backtest(
        &h,
        None,
        &BacktestOptions {
            origins: vec![parse_timestamp("1999-02-01T12:00:00").unwrap()],
            horizon_secs: 12 * 3600,
            models: vec![ModelChoice::Auto],
            inner: InnerBacktest::default(),
            day_start: Default::default(),
        },
        &mut |_, _| {},
    )
    .unwrap();
    let (re, da): (f64, f64) = r
        .rows
        .iter()
        .map(|row| (row.forecast, row.day_ahead.unwrap()))
        .fold((0.0, 0.0), |(a, b), (f, g)| (a + f, b + g));
    assert_eq!(r.rows.len(), 18, "12:00–21:00 scored");
    assert!(re > 1.05 * da, "rest of day {re} vs day-ahead {da}");
}
