//! Drawing helpers shared by the charts: colours, the "needs" panel, a line chart with target
//! lines and the legend outside the plot, hour ticks, colour ramps.

use plotters::prelude::*;

use super::{Chart, ReportError};

pub(crate) const W: u32 = 960;
pub(crate) const H: u32 = 320;
/// Width of the legend strip to the right of a plot (legends never cover data).
pub(crate) const LEGEND_W: u32 = 200;
pub(crate) const BLUE: RGBColor = RGBColor(31, 119, 180);
pub(crate) const ORANGE: RGBColor = RGBColor(255, 127, 14);
pub(crate) const GREEN: RGBColor = RGBColor(44, 160, 44);
pub(crate) const RED: RGBColor = RGBColor(214, 39, 40);
pub(crate) const PURPLE: RGBColor = RGBColor(148, 103, 189);
pub(crate) const GREY: RGBColor = RGBColor(200, 200, 200);
pub(crate) const DARK: RGBColor = RGBColor(60, 60, 60);

pub(crate) fn draw_err<E: std::fmt::Debug>(chart: &str) -> impl Fn(E) -> ReportError + '_ {
    move |e| ReportError::Draw {
        chart: chart.to_string(),
        message: format!("{e:?}"),
    }
}

/// A panel that says what a chart needs.
pub(crate) fn placeholder(id: &str, title: &str, needs: &str) -> Result<Chart, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 120)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        root.draw(&Text::new(
            format!("not computable: needs {needs}"),
            (20, 55),
            ("sans-serif", 16)
                .into_font()
                .color(&RGBColor(120, 120, 120)),
        ))
        .map_err(draw_err(id))?;
        root.present().map_err(draw_err(id))?;
    }
    Ok(Chart {
        id: id.to_string(),
        title: title.to_string(),
        svg,
        needs: Some(needs.to_string()),
    })
}

/// A named, coloured line.
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) color: RGBColor,
    pub(crate) points: Vec<(f64, f64)>,
}

impl Series {
    pub(crate) fn new(name: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Self {
        Series {
            name: name.into(),
            color,
            points,
        }
    }
}

/// A horizontal target line.
pub(crate) struct TargetLine {
    pub(crate) label: String,
    pub(crate) y: f64,
    pub(crate) color: RGBColor,
}

/// A line chart: several series over x (day index, hour of day, …).
pub(crate) struct LineChart<'a> {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) x_desc: &'a str,
    pub(crate) y_desc: &'a str,
    pub(crate) x_range: (f64, f64),
    pub(crate) x_labels: usize,
    pub(crate) xlabel: &'a dyn Fn(&f64) -> String,
    pub(crate) y_min_zero: bool,
    /// A gap in x wider than this breaks the line instead of bridging it.
    pub(crate) max_gap: f64,
    pub(crate) series: Vec<Series>,
    pub(crate) targets: Vec<TargetLine>,
    pub(crate) height: u32,
}

fn y_bounds(c: &LineChart<'_>) -> Option<(f64, f64)> {
    let ys = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(c.targets.iter().map(|t| t.y));
    let (mut lo, mut hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), y| {
        (l.min(y), h.max(y))
    });
    if !lo.is_finite() || c.series.iter().all(|s| s.points.is_empty()) {
        return None;
    }
    if c.y_min_zero {
        lo = lo.min(0.0);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    Some((if c.y_min_zero { lo } else { lo - pad }, hi + pad))
}

/// Splits `pts` where x jumps by more than `max_gap`.
pub(crate) fn runs(pts: &[(f64, f64)], max_gap: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    for &p in pts {
        match out.last_mut() {
            Some(run) if p.0 - run.last().map_or(p.0, |q| q.0) <= max_gap => run.push(p),
            _ => out.push(vec![p]),
        }
    }
    out
}

/// Draws the legend entries in the strip right of the plot.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    id: &str,
    entries: &[(String, RGBColor, bool)],
) -> Result<(), ReportError> {
    for (i, (name, color, dashed)) in entries.iter().enumerate() {
        let y = 20 + 20 * i as i32;
        let style = color.stroke_width(if *dashed { 1 } else { 2 });
        if *dashed {
            for k in 0..3 {
                area.draw(&PathElement::new(
                    vec![(8 + 8 * k, y), (13 + 8 * k, y)],
                    style,
                ))
                .map_err(draw_err(id))?;
            }
        } else {
            area.draw(&PathElement::new(vec![(8, y), (30, y)], style))
                .map_err(draw_err(id))?;
        }
        area.draw(&Text::new(
            name.clone(),
            (36, y - 6),
            ("sans-serif", 12).into_font(),
        ))
        .map_err(draw_err(id))?;
    }
    Ok(())
}

/// Draws a [`LineChart`]; a chart without points is a "needs data points" panel.
pub(crate) fn lines(c: LineChart<'_>) -> Result<Chart, ReportError> {
    let id = c.id.as_str();
    let Some((lo, hi)) = y_bounds(&c) else {
        return placeholder(id, &c.title, "data points");
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, c.height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let (plot, side) = root.split_horizontally(W - LEGEND_W);
        let x1 = if c.x_range.1 > c.x_range.0 {
            c.x_range.1
        } else {
            c.x_range.0 + 1.0
        };
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(55)
            .build_cartesian_2d(c.x_range.0..x1, lo..hi)
            .map_err(draw_err(id))?;
        chart
            .configure_mesh()
            .x_desc(c.x_desc)
            .y_desc(c.y_desc)
            .x_labels(c.x_labels)
            .x_label_formatter(c.xlabel)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_err(id))?;
        let mut entries = Vec::new();
        for t in &c.targets {
            chart
                .draw_series(DashedLineSeries::new(
                    [(c.x_range.0, t.y), (x1, t.y)],
                    6,
                    4,
                    t.color.stroke_width(1),
                ))
                .map_err(draw_err(id))?;
            entries.push((t.label.clone(), t.color, true));
        }
        for s in &c.series {
            for run in runs(&s.points, c.max_gap) {
                // A lone point (one day with data, a gap on both sides) is a dot, not nothing.
                if let [p] = run[..] {
                    chart
                        .draw_series(std::iter::once(Circle::new(p, 3, s.color.filled())))
                        .map_err(draw_err(id))?;
                    continue;
                }
                chart
                    .draw_series(LineSeries::new(run, s.color.stroke_width(2)))
                    .map_err(draw_err(id))?;
            }
            entries.push((s.name.clone(), s.color, false));
        }
        legend(&side, id, &entries)?;
        root.present().map_err(draw_err(id))?;
    }
    Ok(Chart {
        id: c.id,
        title: c.title,
        svg,
        needs: None,
    })
}

/// `HH:MM` of an hour-of-day x (the axis is in hours, so ticks fall on whole hours).
pub(crate) fn hour_label(x: &f64) -> String {
    format!(
        "{:02}:{:02}",
        (x.floor() as i64).rem_euclid(24),
        ((x.fract()) * 60.0).round() as i64 % 60
    )
}

/// A line chart over the hours of one day (hour ticks; a gap of more than 1.5 intervals
/// breaks the line).
pub(crate) fn time_of_day_chart(
    id: &str,
    title: String,
    y_desc: &str,
    series: Vec<Series>,
    interval_secs: u32,
) -> Result<Chart, ReportError> {
    lines(LineChart {
        id: id.to_string(),
        title,
        x_desc: "time of day",
        y_desc,
        x_range: (0.0, 24.0),
        x_labels: 13,
        xlabel: &hour_label,
        y_min_zero: true,
        max_gap: 1.5 * f64::from(interval_secs) / 3600.0,
        series,
        targets: Vec::new(),
        height: H,
    })
}

/// Red (≤ 0) → yellow (0.5) → green (1).
pub(crate) fn ramp(a: f64) -> RGBColor {
    let a = a.clamp(0.0, 1.0);
    let (r, g) = if a < 0.5 {
        (230.0, 60.0 + 340.0 * a)
    } else {
        (230.0 - 360.0 * (a - 0.5), 230.0 - 40.0 * (a - 0.5))
    };
    RGBColor(r.clamp(0.0, 255.0) as u8, g.clamp(0.0, 255.0) as u8, 70)
}

/// A diverging ramp around a midpoint: red (bad) → white (at the target) → green (good).
/// `t` in `[-1, 1]`: −1 far on the bad side, 0 at the target, +1 far on the good side.
pub(crate) fn diverging(t: f64) -> RGBColor {
    let t = t.clamp(-1.0, 1.0);
    let mix = |a: u8, b: u8, f: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * f) as u8;
    if t < 0.0 {
        let f = -t;
        RGBColor(mix(247, 202, f), mix(247, 0, f), mix(247, 32, f))
    } else {
        RGBColor(mix(247, 26, t), mix(247, 150, t), mix(247, 65, t))
    }
}
