//! Coverage of the scheduled week: required vs scheduled agents per interval (from the
//! `wfm schedule` output), over- and under-coverage shaded, and the agents actually on duty.

use std::collections::BTreeMap;

use plotters::prelude::*;

use crate::report::ctx::Ctx;
use crate::report::svg::{
    draw_err, legend, placeholder, runs, BLUE, GREEN, H, LEGEND_W, ORANGE, RED, W,
};
use crate::report::{Chart, ReportError};
use crate::time::NaiveDateTime;

pub(crate) const ID: &str = "week-coverage";
const NEEDS: &str = "--schedule DIR (a `wfm schedule --out DIR` directory with coverage.csv)";

/// Days since `t0` of `ts` (the x axis: ticks fall on midnights).
fn days(t0: NaiveDateTime, ts: NaiveDateTime) -> f64 {
    (ts - t0).num_seconds() as f64 / 86_400.0
}

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let title = "Week coverage: required vs scheduled agents per interval (over green, under red)";
    let Some(s) = &c.extras.schedule else {
        return placeholder(ID, title, NEEDS);
    };
    let Some(first) = s.coverage.first() else {
        return placeholder(ID, title, NEEDS);
    };
    let t0 = first
        .interval_start
        .date()
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    let last = s.coverage.last().map_or(t0, |r| r.interval_start);
    let step = s
        .coverage
        .windows(2)
        .map(|w| days(w[0].interval_start, w[1].interval_start))
        .filter(|&h| h > 0.0)
        .fold(f64::INFINITY, f64::min);
    let step = if step.is_finite() { step } else { 1.0 / 48.0 };
    let x1 = (days(t0, last) + step).ceil().max(1.0);
    let actual: BTreeMap<NaiveDateTime, f64> = c
        .audit
        .staffing
        .iter()
        .filter_map(|r| Some((r.interval_start.local, r.actual?)))
        .filter(|(ts, _)| *ts >= t0 && days(t0, *ts) < x1)
        .collect();
    let ymax = s
        .coverage
        .iter()
        .map(|r| r.required.max(r.scheduled))
        .chain(actual.values().copied())
        .fold(1.0, f64::max)
        * 1.08;
    let id = ID;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H + 40)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let (plot, side) = root.split_horizontally(W - LEGEND_W);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..x1, 0.0..ymax)
            .map_err(draw_err(id))?;
        let day0 = t0.date();
        let xl = move |x: &f64| {
            let d = day0 + chrono::Days::new(x.floor().max(0.0) as u64);
            if (x - x.round()).abs() < 1e-9 {
                d.format("%a %d %b 00:00").to_string()
            } else {
                format!("{:02}:00", (x.fract() * 24.0).round() as u32)
            }
        };
        chart
            .configure_mesh()
            .x_desc("day and time")
            .y_desc("agents")
            .x_labels(x1 as usize + 1)
            .x_label_formatter(&xl)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_err(id))?;
        // Shading between required and scheduled, per interval.
        chart
            .draw_series(
                s.coverage
                    .iter()
                    .filter(|r| r.required != r.scheduled)
                    .map(|r| {
                        let x = days(t0, r.interval_start);
                        let (lo, hi) = (r.required.min(r.scheduled), r.required.max(r.scheduled));
                        let color = if r.scheduled > r.required { GREEN } else { RED };
                        Rectangle::new([(x, lo), (x + step, hi)], color.mix(0.35).filled())
                    }),
            )
            .map_err(draw_err(id))?;
        let steps = |f: &dyn Fn(&crate::report::inputs::CoverageRow) -> f64| -> Vec<(f64, f64)> {
            s.coverage
                .iter()
                .flat_map(|r| {
                    let x = days(t0, r.interval_start);
                    [(x, f(r)), (x + step, f(r))]
                })
                .collect()
        };
        for (pts, color) in [
            (steps(&|r| r.required), ORANGE),
            (steps(&|r| r.scheduled), GREEN),
        ] {
            for run in runs(&pts, 1.5 * step) {
                chart
                    .draw_series(LineSeries::new(run, color.stroke_width(2)))
                    .map_err(draw_err(id))?;
            }
        }
        let act_step = f64::from(c.audit.interval_secs) / 86_400.0;
        let act: Vec<(f64, f64)> = actual
            .iter()
            .flat_map(|(ts, v)| {
                let x = days(t0, *ts);
                [(x, *v), (x + act_step, *v)]
            })
            .collect();
        for run in runs(&act, 1.5 * act_step) {
            chart
                .draw_series(LineSeries::new(run, BLUE.stroke_width(2)))
                .map_err(draw_err(id))?;
        }
        side_legend(&side, !act.is_empty())?;
        root.present().map_err(draw_err(id))?;
    }
    let (over, under) = s.coverage.iter().fold((0.0, 0.0), |(o, u), r| {
        let g = r.scheduled - r.required;
        (
            o + g.max(0.0) * step * 24.0,
            u + (-g).max(0.0) * step * 24.0,
        )
    });
    Ok(Chart {
        id: id.to_string(),
        title: format!(
            "{title} — {} to {}; over {over:.0} agent-hours, under {under:.0} agent-hours",
            t0.date(),
            last.date()
        ),
        svg,
        needs: None,
    })
}

fn side_legend<DB: DrawingBackend>(
    side: &DrawingArea<DB, plotters::coord::Shift>,
    has_actual: bool,
) -> Result<(), ReportError> {
    let id = ID;
    let mut entries = vec![
        ("required (wfm staff)".to_string(), ORANGE, false),
        ("scheduled (wfm schedule)".to_string(), GREEN, false),
    ];
    if has_actual {
        entries.push(("actual on duty".to_string(), BLUE, false));
    }
    legend(side, id, &entries)?;
    let y = 20 + 20 * entries.len() as i32;
    for (k, (color, text)) in [(GREEN, "over-covered"), (RED, "under-covered")]
        .iter()
        .enumerate()
    {
        let y = y + 20 * k as i32;
        side.draw(&Rectangle::new(
            [(8, y - 7), (30, y + 7)],
            color.mix(0.35).filled(),
        ))
        .map_err(draw_err(id))?;
        side.draw(&Text::new(
            *text,
            (36, y - 6),
            ("sans-serif", 12).into_font(),
        ))
        .map_err(draw_err(id))?;
    }
    Ok(())
}
