//! Forecast vs actual offered calls by interval for one day: the day given with `--day`, else
//! the worst and the best day of the month by volume interval accuracy (1 − WAPE per day).

use crate::audit::{Grouping, Measure};
use crate::report::ctx::Ctx;
use crate::report::svg::{placeholder, time_of_day_chart, Series, BLUE, ORANGE};
use crate::report::{Chart, ReportError};
use crate::time::NaiveDate;

pub(crate) const ID: &str = "day-forecast";

/// (date, 1 − WAPE) of every day with forecast pairs.
fn day_accuracy(c: &Ctx<'_>) -> Vec<(NaiveDate, f64)> {
    c.audit
        .accuracy
        .iter()
        .filter(|r| r.measure == Measure::Volume && r.grouping == Grouping::Day)
        .filter_map(|r| Some((r.key.parse().ok()?, r.m.accuracy?)))
        .collect()
}

fn day_chart(c: &Ctx<'_>, id: &str, day: NaiveDate, why: &str) -> Result<Chart, ReportError> {
    let rows: Vec<_> = c
        .audit
        .intervals
        .iter()
        .filter(|r| r.interval_start.local.date() == day)
        .collect();
    let h = |r: &crate::audit::IntervalRow| {
        f64::from(crate::time::seconds_of_day(r.interval_start.local)) / 3600.0
    };
    let act = rows.iter().map(|r| (h(r), r.offered)).collect();
    let fc: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((h(r), r.forecast?)))
        .collect();
    let mut series = vec![Series::new("actual offered", BLUE, act)];
    if !fc.is_empty() {
        series.push(Series::new("forecast", ORANGE, fc));
    }
    time_of_day_chart(
        id,
        format!(
            "Forecast vs actual by interval, {} ({why})",
            day.format("%a %d %b %Y")
        ),
        "calls",
        series,
        c.audit.interval_secs,
    )
}

pub(crate) fn charts(c: &Ctx<'_>) -> Result<Vec<Chart>, ReportError> {
    let title = "Forecast vs actual by interval for a chosen day";
    if let Some(day) = c.extras.day {
        return Ok(vec![day_chart(
            c,
            &format!("{ID}-chosen"),
            day,
            "chosen with --day",
        )?]);
    }
    if let Some(n) = &c.audit.accuracy_needs {
        return Ok(vec![placeholder(&format!("{ID}-worst"), title, n)?]);
    }
    let days = day_accuracy(c);
    let worst = days
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let best = days
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let (Some(&(w, wa)), Some(&(b, ba))) = (worst, best) else {
        return Ok(vec![placeholder(
            &format!("{ID}-worst"),
            title,
            "forecast rows matching the actuals",
        )?]);
    };
    Ok(vec![
        day_chart(
            c,
            &format!("{ID}-worst"),
            w,
            &format!("worst day: interval accuracy {:.1} %", wa * 100.0),
        )?,
        day_chart(
            c,
            &format!("{ID}-best"),
            b,
            &format!("best day: interval accuracy {:.1} %", ba * 100.0),
        )?,
    ])
}
