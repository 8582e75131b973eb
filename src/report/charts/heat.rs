//! A weekday × time-of-day grid of coloured cells with its colour legend to the right, and the
//! ratio heatmaps (SL, ASA) coloured against their target.

use std::collections::BTreeMap;

use plotters::prelude::*;

use crate::audit::key::WEEKDAYS;
use crate::audit::{IntervalRow, KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::placeholder;
use crate::report::svg::{draw_err, hour_label, GREY, LEGEND_W, W};
use crate::report::{Chart, ReportError};

/// One cell: weekday (0 = Sunday), seconds since midnight, colour.
pub(crate) type Cell = (usize, u32, RGBColor);

pub(crate) struct Heat<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: String,
    pub(crate) interval_secs: u32,
    pub(crate) cells: Vec<Cell>,
    /// Legend swatches, top to bottom.
    pub(crate) legend: Vec<(RGBColor, String)>,
}

pub(crate) fn draw(h: Heat<'_>) -> Result<Chart, ReportError> {
    let id = h.id;
    let ivl_h = f64::from(h.interval_secs.max(60)) / 3600.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let (area, side) = root.split_horizontally(W - LEGEND_W);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(45)
            .build_cartesian_2d(0.0..24.0, -0.5..6.5)
            .map_err(draw_err(id))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("time of day")
            .x_labels(13)
            .x_label_formatter(&hour_label)
            .y_labels(7)
            .y_label_formatter(&|y: &f64| {
                let i = y.round();
                if (y - i).abs() > 1e-6 {
                    return String::new();
                }
                WEEKDAYS.get(i as usize).copied().unwrap_or("").to_string()
            })
            .draw()
            .map_err(draw_err(id))?;
        chart
            .draw_series(h.cells.iter().map(|&(w, s, color)| {
                let x = f64::from(s) / 3600.0;
                let y = w as f64;
                Rectangle::new([(x, y - 0.5), (x + ivl_h, y + 0.5)], color.filled())
            }))
            .map_err(draw_err(id))?;
        for (i, (color, label)) in h.legend.iter().enumerate() {
            let y0 = 15 + 22 * i as i32;
            side.draw(&Rectangle::new([(10, y0), (34, y0 + 18)], color.filled()))
                .map_err(draw_err(id))?;
            side.draw(&Text::new(
                label.clone(),
                (40, y0 + 3),
                ("sans-serif", 12).into_font(),
            ))
            .map_err(draw_err(id))?;
        }
        let y = 15 + 22 * h.legend.len() as i32;
        side.draw(&Rectangle::new([(10, y), (34, y + 18)], GREY.filled()))
            .map_err(draw_err(id))?;
        side.draw(&Text::new(
            "no calls",
            (40, y + 3),
            ("sans-serif", 12).into_font(),
        ))
        .map_err(draw_err(id))?;
        root.present().map_err(draw_err(id))?;
    }
    Ok(Chart {
        id: id.to_string(),
        title: h.title,
        svg,
        needs: None,
    })
}

/// A ratio Σ numerator ÷ Σ denominator per weekday × time of day, coloured against the
/// center's target of `key` (white at the target).
pub(crate) struct RatioHeat<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: String,
    /// What the chart needs when no interval has the numerator.
    pub(crate) needs: &'a str,
    /// (numerator, denominator) of an interval, when it has them.
    pub(crate) ratio: &'a dyn Fn(&IntervalRow) -> Option<(f64, f64)>,
    pub(crate) key: KpiKey,
    /// The midpoint when no target is set (said in the legend).
    pub(crate) fallback: f64,
    /// Colour of a value against the midpoint.
    pub(crate) color: &'a dyn Fn(f64, f64) -> RGBColor,
    /// Legend values as functions of the midpoint, top to bottom; the one equal to the
    /// midpoint is marked.
    pub(crate) legend: &'a [f64],
    pub(crate) legend_value: &'a dyn Fn(f64, f64) -> f64,
    pub(crate) format: &'a dyn Fn(f64) -> String,
}

pub(crate) fn ratio_heat(c: &Ctx<'_>, h: RatioHeat<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    // Σ (numerator, denominator) per (weekday, slot).
    let mut sums: BTreeMap<(usize, u32), (f64, f64)> = BTreeMap::new();
    for r in &a.intervals {
        let Some((n, d)) = (h.ratio)(r) else {
            continue;
        };
        let key = (
            crate::time::weekday_sun0(r.interval_start.local.date()),
            crate::time::seconds_of_day(r.interval_start.local),
        );
        let e = sums.entry(key).or_insert((0.0, 0.0));
        e.0 += n;
        e.1 += d;
    }
    if sums.is_empty() {
        return placeholder(h.id, &h.title, h.needs);
    }
    let (target, origin) = match a.targets.get(h.key, &Scope::All) {
        Some(t) => (t.value, "target".to_string()),
        None => (
            h.fallback,
            format!("no target set: {} used as", (h.format)(h.fallback)),
        ),
    };
    let cells = sums
        .iter()
        .map(|(&(w, s), &(n, d))| {
            let color = if d > 0.0 {
                (h.color)(n / d, target)
            } else {
                GREY
            };
            (w, s, color)
        })
        .collect();
    let legend = h
        .legend
        .iter()
        .map(|&f| {
            let v = (h.legend_value)(f, target);
            let mark = if (v - target).abs() < 1e-12 {
                format!(" ({origin})")
            } else {
                String::new()
            };
            ((h.color)(v, target), format!("{}{mark}", (h.format)(v)))
        })
        .collect();
    draw(Heat {
        id: h.id,
        title: h.title,
        interval_secs: a.interval_secs,
        cells,
        legend,
    })
}
