//! Reports: SVG plots (plotters, SVG backend) and the self-contained HTML audit report.
//!
//! [`write_html`] writes `index.html` into a folder: one file, inline CSS, every chart an inline
//! `<svg>` drawn by plotters, no script and no network access, so it opens the same on a laptop,
//! in a mail client or in headless Chromium (`scripts/report_screenshot.sh`). Text in the charts
//! is emitted as SVG `<text>` (plotters without its `ttf` feature estimates text extents, so no
//! system font is needed at render time; the browser picks the font).
//!
//! A chart whose inputs are missing is still drawn, as a panel saying what it needs.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::audit::{Audit, KpiValue};

/// Errors of the `report` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// plotters failed to draw a chart.
    #[error("chart `{chart}`: {message}")]
    Draw {
        /// The chart's id.
        chart: &'static str,
        /// The drawing error.
        message: String,
    },
}

/// One chart of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Stable id (`forecast-daily`, …), used as the HTML element id.
    pub id: &'static str,
    /// Title shown above the chart.
    pub title: String,
    /// The `<svg>` document.
    pub svg: String,
    /// What the chart needs, when it could not be drawn from data.
    pub needs: Option<String>,
}

/// The ids of every chart, in report order.
pub const CHART_IDS: [&str; 9] = [
    "forecast-daily",
    "forecast-intraday",
    "accuracy-heatmap",
    "service-daily",
    "asa-daily",
    "staffing",
    "occupancy",
    "model-check",
    "scorecard",
];

const W: u32 = 900;
const H: u32 = 320;
const BLUE: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(255, 127, 14);
const GREEN: RGBColor = RGBColor(44, 160, 44);
const RED: RGBColor = RGBColor(214, 39, 40);
const PURPLE: RGBColor = RGBColor(148, 103, 189);
const GREY: RGBColor = RGBColor(200, 200, 200);

fn draw_err<E: std::fmt::Debug>(chart: &'static str) -> impl Fn(E) -> ReportError {
    move |e| ReportError::Draw {
        chart,
        message: format!("{e:?}"),
    }
}

/// A panel that says what a chart needs.
fn placeholder(id: &'static str, title: &str, needs: &str) -> Result<Chart, ReportError> {
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
        id,
        title: title.to_string(),
        svg,
        needs: Some(needs.to_string()),
    })
}

/// A named, coloured line.
type Series<'a> = (&'a str, RGBColor, Vec<(f64, f64)>);

/// A line chart of several series over `x` (day or interval index) with labels from `xlabel`.
#[allow(clippy::too_many_arguments)]
fn lines(
    id: &'static str,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x_range: (f64, f64),
    series: &[Series<'_>],
    xlabel: &dyn Fn(&f64) -> String,
    y_min_zero: bool,
    max_gap: f64,
) -> Result<Chart, ReportError> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (_, _, pts) in series {
        for &(_, y) in pts {
            lo = lo.min(y);
            hi = hi.max(y);
        }
    }
    if !lo.is_finite() {
        return placeholder(id, title, "data points");
    }
    if y_min_zero {
        lo = lo.min(0.0);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let x1 = if x_range.1 > x_range.0 {
            x_range.1
        } else {
            x_range.0 + 1.0
        };
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(55)
            .build_cartesian_2d(
                x_range.0..x1,
                (lo - if y_min_zero { 0.0 } else { pad })..(hi + pad),
            )
            .map_err(draw_err(id))?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(10)
            .x_label_formatter(xlabel)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_err(id))?;
        for (name, color, pts) in series {
            let c = *color;
            // A gap in x (a missing day, a closed interval) breaks the line instead of bridging it.
            let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
            for &p in pts {
                match runs.last_mut() {
                    Some(run) if p.0 - run.last().map_or(p.0, |q| q.0) <= max_gap => run.push(p),
                    _ => runs.push(vec![p]),
                }
            }
            for run in runs.iter().skip(1) {
                chart
                    .draw_series(LineSeries::new(run.iter().copied(), c.stroke_width(2)))
                    .map_err(draw_err(id))?;
            }
            chart
                .draw_series(LineSeries::new(
                    runs.first().into_iter().flatten().copied(),
                    c.stroke_width(2),
                ))
                .map_err(draw_err(id))?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(draw_err(id))?;
        root.present().map_err(draw_err(id))?;
    }
    Ok(Chart {
        id,
        title: title.to_string(),
        svg,
        needs: None,
    })
}

fn day_index(audit: &Audit) -> (crate::time::NaiveDate, usize) {
    let first = audit
        .daily
        .first()
        .map(|d| d.date)
        .unwrap_or_else(|| audit.options.period.first_day());
    let first = first.min(audit.options.period.first_day());
    let n = audit
        .daily
        .last()
        .map(|d| (d.date - first).num_days() as usize + 1)
        .unwrap_or(1);
    (first, n)
}

/// Draws every chart of the report, in [`CHART_IDS`] order.
///
/// # Errors
/// [`ReportError::Draw`] when plotters fails.
pub fn charts(audit: &Audit) -> Result<Vec<Chart>, ReportError> {
    let (first, ndays) = day_index(audit);
    let dx = |d: crate::time::NaiveDate| (d - first).num_days() as f64;
    let date_label = move |x: &f64| {
        let d = first + chrono::Days::new(x.max(0.0).round() as u64);
        d.format("%d %b").to_string()
    };
    let day_range = (-0.5, ndays as f64 - 0.5);
    let mut out = Vec::new();

    // 1. Forecast vs actual per day.
    let actual: Vec<(f64, f64)> = audit
        .daily
        .iter()
        .map(|d| (dx(d.date), d.offered))
        .collect();
    let fc: Vec<(f64, f64)> = audit
        .daily
        .iter()
        .filter_map(|d| d.forecast.map(|f| (dx(d.date), f)))
        .collect();
    let mut s = vec![("actual offered", BLUE, actual)];
    let title = "Forecast vs actual offered calls per day";
    if !fc.is_empty() {
        s.push(("forecast", ORANGE, fc));
    }
    let mut c = lines(
        "forecast-daily",
        title,
        "day",
        "calls",
        day_range,
        &s,
        &date_label,
        true,
        1.5,
    )?;
    if audit.accuracy_needs.is_some() {
        c.title = format!("{title} (no forecast: actual only)");
        c.needs.clone_from(&audit.accuracy_needs);
    }
    out.push(c);

    // 2. Intraday profile.
    let hm = |x: &f64| {
        let s = x.max(0.0).round() as u32;
        format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
    };
    let a: Vec<(f64, f64)> = audit
        .intraday
        .iter()
        .map(|r| (f64::from(r.slot_secs), r.actual))
        .collect();
    let f: Vec<(f64, f64)> = audit
        .intraday
        .iter()
        .filter_map(|r| r.forecast.map(|f| (f64::from(r.slot_secs), f)))
        .collect();
    let mut s = vec![("actual (mean per day)", BLUE, a)];
    if !f.is_empty() {
        s.push(("forecast (mean per day)", ORANGE, f));
    }
    out.push(lines(
        "forecast-intraday",
        "Intraday profile: offered calls per interval, mean over the period's days",
        "time of day",
        "calls",
        (0.0, 86_400.0 - f64::from(audit.interval_secs)),
        &s,
        &hm,
        true,
        1.5 * f64::from(audit.interval_secs),
    )?);

    // 3. Heatmap weekday × interval of 1 − WAPE.
    out.push(heatmap(audit)?);

    // 4. SL and abandon per day.
    let sl: Vec<(f64, f64)> = audit
        .daily
        .iter()
        .filter_map(|d| d.service_level.map(|v| (dx(d.date), v * 100.0)))
        .collect();
    let ab: Vec<(f64, f64)> = audit
        .daily
        .iter()
        .filter_map(|d| d.abandon_rate.map(|v| (dx(d.date), v * 100.0)))
        .collect();
    let th = audit.options.threshold_secs;
    if sl.is_empty() && ab.is_empty() {
        out.push(placeholder(
            "service-daily",
            "Service level and abandon rate per day",
            "answered calls per day",
        )?);
    } else {
        let mut s = Vec::new();
        let sl_name = format!(
            "service level ({th} s, {})",
            audit.options.sl_convention.name()
        );
        if !sl.is_empty() {
            s.push((sl_name.as_str(), GREEN, sl));
        }
        s.push(("abandon rate", RED, ab));
        out.push(lines(
            "service-daily",
            "Service level and abandon rate per day",
            "day",
            "%",
            day_range,
            &s,
            &date_label,
            true,
            1.5,
        )?);
    }

    // 5. ASA per day.
    let asa: Vec<(f64, f64)> = audit
        .daily
        .iter()
        .filter_map(|d| d.asa_secs.map(|v| (dx(d.date), v)))
        .collect();
    if asa.is_empty() {
        out.push(placeholder(
            "asa-daily",
            "Average speed of answer per day",
            "column `asa_seconds` or `sum_wait_answered_s` in --actuals",
        )?);
    } else {
        out.push(lines(
            "asa-daily",
            "Average speed of answer per day",
            "day",
            "seconds",
            day_range,
            &[("ASA", PURPLE, asa)],
            &date_label,
            true,
            1.5,
        )?);
    }

    // 6. Required vs scheduled vs actual agents per interval.
    let ivl_day = 86_400.0;
    let xi = |ts: crate::time::NaiveDateTime| {
        dx(ts.date()) + f64::from(crate::time::seconds_of_day(ts)) / ivl_day
    };
    let pick = |f: &dyn Fn(&crate::audit::StaffingRow) -> Option<f64>| -> Vec<(f64, f64)> {
        audit
            .staffing
            .iter()
            .filter_map(|r| f(r).map(|v| (xi(r.interval_start), v)))
            .collect()
    };
    let req = pick(&|r| r.required);
    let sch = pick(&|r| r.scheduled);
    let act = pick(&|r| r.actual);
    let mut s = Vec::new();
    if !req.is_empty() {
        s.push(("required", RED, req));
    }
    if !sch.is_empty() {
        s.push(("scheduled", ORANGE, sch));
    }
    if !act.is_empty() {
        s.push(("actual on duty", BLUE, act));
    }
    let staffing_title = "Required vs scheduled vs actual agents per interval";
    if s.is_empty() {
        out.push(placeholder(
            "staffing",
            staffing_title,
            "--planned and/or --agent-states",
        )?);
    } else {
        let mut c = lines(
            "staffing",
            staffing_title,
            "day",
            "agents",
            (0.0, ndays as f64),
            &s,
            &date_label,
            true,
            1.5 * f64::from(audit.interval_secs) / 86_400.0,
        )?;
        let missing: Vec<&str> = [
            (
                audit.staffing.iter().all(|r| r.required.is_none()),
                "required",
            ),
            (
                audit.staffing.iter().all(|r| r.scheduled.is_none()),
                "scheduled",
            ),
            (audit.staffing.iter().all(|r| r.actual.is_none()), "actual"),
        ]
        .into_iter()
        .filter_map(|(m, n)| m.then_some(n))
        .collect();
        if !missing.is_empty() {
            c.title = format!(
                "{staffing_title} (not in the inputs: {})",
                missing.join(", ")
            );
        }
        out.push(c);
    }

    // 7. Occupancy per day.
    let occ: Vec<(f64, f64)> = audit
        .daily
        .iter()
        .filter_map(|d| d.occupancy.map(|v| (dx(d.date), v * 100.0)))
        .collect();
    let occ_src = audit
        .kpi("occupancy")
        .map(|k| k.source.clone())
        .unwrap_or_default();
    if occ.is_empty() {
        out.push(placeholder(
            "occupancy",
            "Occupancy per day",
            "--agent-states",
        )?);
    } else {
        out.push(lines(
            "occupancy",
            &format!("Occupancy per day ({occ_src})"),
            "day",
            "%",
            day_range,
            &[("occupancy", BLUE, occ)],
            &date_label,
            true,
            1.5,
        )?);
    }

    // 8. Model check: daily SL actual vs predicted.
    out.push(model_chart(audit, &dx, day_range, &date_label)?);

    // 9. Scorecard.
    out.push(scorecard_chart(audit)?);
    Ok(out)
}

fn model_chart(
    audit: &Audit,
    dx: &dyn Fn(crate::time::NaiveDate) -> f64,
    day_range: (f64, f64),
    date_label: &dyn Fn(&f64) -> String,
) -> Result<Chart, ReportError> {
    let title = "Model check: service level per day, actual vs Erlang C and Erlang A predictions";
    let mc = &audit.model_check;
    if mc.rows.is_empty() {
        let needs = if mc.needs.is_empty() {
            "intervals with calls and known agents".to_string()
        } else {
            mc.needs.join("; ")
        };
        return placeholder("model-check", title, &needs);
    }
    use std::collections::BTreeMap;
    // day → (Σ offered, Σ offered·actual, Σ offered·C, Σ offered·A)
    let mut by: BTreeMap<crate::time::NaiveDate, [f64; 4]> = BTreeMap::new();
    for r in &mc.rows {
        let Some(asl) = r.actual_sl else { continue };
        let e = by.entry(r.interval_start.date()).or_insert([0.0; 4]);
        e[0] += r.offered;
        e[1] += r.offered * asl;
        e[2] += r.offered * r.erlang_c.map_or(0.0, |m| m.service_level);
        e[3] += r.offered * r.erlang_a.map_or(f64::NAN, |m| m.service_level);
    }
    let pts = |i: usize| -> Vec<(f64, f64)> {
        by.iter()
            .filter(|(_, v)| v[0] > 0.0 && v[i].is_finite())
            .map(|(d, v)| (dx(*d), 100.0 * v[i] / v[0]))
            .collect()
    };
    let mut s = vec![("actual", BLUE, pts(1)), ("Erlang C", RED, pts(2))];
    let a = pts(3);
    if !a.is_empty() {
        s.push(("Erlang A", GREEN, a));
    }
    if s[0].2.is_empty() {
        return placeholder(
            "model-check",
            title,
            "answered within X (`answered_le{X}` or `sl_20s`) in --actuals",
        );
    }
    lines(
        "model-check",
        title,
        "day",
        "SL %",
        day_range,
        &s,
        date_label,
        true,
        1.5,
    )
}

fn heatmap(audit: &Audit) -> Result<Chart, ReportError> {
    let id = "accuracy-heatmap";
    let title = "Volume forecast interval accuracy (1 − WAPE) by weekday × interval";
    if let Some(n) = &audit.accuracy_needs {
        return placeholder(id, title, n);
    }
    let cells: Vec<(usize, u32, Option<f64>)> = audit
        .accuracy
        .iter()
        .filter(|r| r.measure == "volume" && r.grouping == "weekday_interval")
        .filter_map(|r| Some((r.weekday?, r.slot_secs?, r.m.accuracy)))
        .collect();
    if cells.is_empty() {
        return placeholder(id, title, "forecast rows matching the actuals");
    }
    let ivl = audit.interval_secs.max(60);
    let per_day = (86_400 / ivl) as i32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let (area, legend) = root.split_horizontally(W - 120);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(45)
            .build_cartesian_2d(0.0..f64::from(per_day), -0.5..6.5)
            .map_err(draw_err(id))?;
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("time of day")
            .x_labels(13)
            .x_label_formatter(&|x: &f64| {
                let s = (x.max(0.0).round() as u32) * ivl;
                format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
            })
            .y_labels(7)
            .y_label_formatter(&|y: &f64| {
                let i = y.round();
                if (y - i).abs() > 1e-6 {
                    return String::new();
                }
                DAYS.get(i as usize).copied().unwrap_or("").to_string()
            })
            .draw()
            .map_err(draw_err(id))?;
        chart
            .draw_series(cells.iter().map(|&(w, s, acc)| {
                let x = f64::from(s / ivl);
                let y = w as f64;
                let color = match acc {
                    Some(a) => ramp(a),
                    None => GREY,
                };
                Rectangle::new([(x, y - 0.5), (x + 1.0, y + 0.5)], color.filled())
            }))
            .map_err(draw_err(id))?;
        // Legend: the colour ramp from ≤ 0 % to 100 %.
        for i in 0..=10 {
            let a = f64::from(i) / 10.0;
            let y0 = 250 - i * 20;
            legend
                .draw(&Rectangle::new([(20, y0 - 20), (45, y0)], ramp(a).filled()))
                .map_err(draw_err(id))?;
            if i % 2 == 0 {
                legend
                    .draw(&Text::new(
                        format!("{:.0} %", a * 100.0),
                        (50, y0 - 16),
                        ("sans-serif", 12).into_font(),
                    ))
                    .map_err(draw_err(id))?;
            }
        }
        legend
            .draw(&Text::new(
                "grey: no actuals",
                (10, 275),
                ("sans-serif", 11).into_font(),
            ))
            .map_err(draw_err(id))?;
        root.present().map_err(draw_err(id))?;
    }
    Ok(Chart {
        id,
        title: title.to_string(),
        svg,
        needs: None,
    })
}

/// Red (≤ 0 % accuracy) → yellow (50 %) → green (100 %).
fn ramp(a: f64) -> RGBColor {
    let a = a.clamp(0.0, 1.0);
    let (r, g) = if a < 0.5 {
        (230.0, 60.0 + 340.0 * a)
    } else {
        (230.0 - 360.0 * (a - 0.5), 230.0 - 40.0 * (a - 0.5))
    };
    RGBColor(r.clamp(0.0, 255.0) as u8, g.clamp(0.0, 255.0) as u8, 70)
}

fn scorecard_chart(audit: &Audit) -> Result<Chart, ReportError> {
    let id = "scorecard";
    let title = "Scorecard: score per indicator (bar) against its weight (outline)";
    let Some(sc) = &audit.scorecard else {
        return placeholder(id, title, "--scorecard");
    };
    let n = sc.indicators.len() as i32;
    let max_w = sc.indicators.iter().map(|i| i.weight).fold(1.0, f64::max);
    let mut svg = String::new();
    {
        let h = (40 + 32 * n).max(120) as u32;
        let root = SVGBackend::with_string(&mut svg, (W, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(260)
            .build_cartesian_2d(0.0..max_w * 1.2, -0.5..(f64::from(n) - 0.5))
            .map_err(draw_err(id))?;
        let names: Vec<String> = sc
            .indicators
            .iter()
            .map(|i| {
                let v = i
                    .value
                    .map(|v| format!("{v:.1} {}", i.unit.label()))
                    .unwrap_or_else(|| "n/a".to_string());
                format!("{} = {}", i.key, v.trim_end())
            })
            .collect();
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("points")
            .y_labels(n as usize)
            .y_label_formatter(&|y: &f64| {
                let r = y.round();
                if (y - r).abs() > 1e-6 || r < 0.0 {
                    return String::new();
                }
                let i = (n - 1 - r as i32) as usize;
                names.get(i).cloned().unwrap_or_default()
            })
            .draw()
            .map_err(draw_err(id))?;
        for (k, ind) in sc.indicators.iter().enumerate() {
            let y = f64::from(n - 1 - k as i32);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.35), (ind.weight, y + 0.35)],
                    BLACK.mix(0.4).stroke_width(1),
                )))
                .map_err(draw_err(id))?;
            let (score, color) = match ind.score {
                Some(s) if s >= ind.weight => (s, GREEN),
                Some(s) => (s, ORANGE),
                None => (0.0, GREY),
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.35), (score, y + 0.35)],
                    color.mix(0.8).filled(),
                )))
                .map_err(draw_err(id))?;
            let label = match ind.score {
                Some(s) => format!("{s:.1} / {:.0}", ind.weight),
                None => "not computable".to_string(),
            };
            chart
                .draw_series(std::iter::once(Text::new(
                    label,
                    (ind.weight + max_w * 0.02, y + 0.15),
                    ("sans-serif", 13).into_font(),
                )))
                .map_err(draw_err(id))?;
        }
        root.present().map_err(draw_err(id))?;
    }
    let total = match sc.total {
        Some(t) => format!("total {t:.1} / {:.0}", sc.max_total),
        None => "total not computable".to_string(),
    };
    Ok(Chart {
        id,
        title: format!("{title} — {total}"),
        svg,
        needs: None,
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_table(t: &crate::table::Table, class: &str) -> String {
    let mut buf = Vec::new();
    let _ = t.write_csv(&mut buf);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(buf.as_slice());
    let mut out = format!("<table class=\"{class}\"><thead><tr>");
    for h in &t.columns {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for rec in rdr.records().flatten() {
        out.push_str("<tr>");
        for f in rec.iter() {
            let num = !f.is_empty() && f.parse::<f64>().is_ok();
            out.push_str(&format!(
                "<td{}>{}</td>",
                if num { " class=\"n\"" } else { "" },
                esc(f)
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

/// Renders the whole report as one self-contained HTML document.
///
/// # Errors
/// [`ReportError::Draw`] when a chart cannot be drawn.
pub fn render_html(audit: &Audit) -> Result<String, ReportError> {
    let charts = charts(audit)?;
    let period = audit.options.period;
    let mut h = String::new();
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>wfm audit {period}</title>\n"
    ));
    h.push_str(
        "<style>\nbody{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}\n\
         h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}\n\
         table{border-collapse:collapse;font-size:12px;margin:8px 0}\n\
         th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}\n\
         td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}\n\
         .nc{color:#a33}.kpi{font-size:13px}figure{margin:12px 0}figcaption{font-weight:bold;margin-bottom:4px}\n\
         .cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}\n\
         .card b{display:block;font-size:20px}\n</style>\n</head><body>\n",
    );
    h.push_str(&format!("<h1>wfm monthly audit — {period}</h1>\n"));
    // Headline cards.
    h.push_str("<div class=\"cards\">\n");
    for key in [
        "offered",
        "service_level",
        "abandon_rate",
        "asa",
        "aht",
        "occupancy",
        "forecast_accuracy",
        "forecast_interval_accuracy",
    ] {
        if let Some(k) = audit.kpi(key) {
            let u = k.def.unit;
            let v = match &k.value {
                KpiValue::Value(v) => {
                    format!("{:.*} {}", u.decimals(), v * u.display_factor(), u.label())
                }
                KpiValue::NotComputable { .. } => "n/a".to_string(),
            };
            h.push_str(&format!(
                "<div class=\"card\">{} <span>{}</span><b>{}</b></div>\n",
                esc(k.def.name),
                esc(k.def.handbook),
                esc(&v)
            ));
        }
    }
    if let Some(sc) = &audit.scorecard {
        let v = sc
            .total
            .map(|t| format!("{t:.1} / {:.0}", sc.max_total))
            .unwrap_or_else(|| "n/a".to_string());
        h.push_str(&format!(
            "<div class=\"card\">scorecard total<b>{}</b></div>\n",
            esc(&v)
        ));
    }
    h.push_str("</div>\n");
    // Not computable list.
    let nc: Vec<_> = audit
        .kpis
        .iter()
        .filter(|k| k.scope == "all")
        .filter_map(|k| match &k.value {
            KpiValue::NotComputable { needs } => Some((k.def, needs)),
            KpiValue::Value(_) => None,
        })
        .collect();
    if !nc.is_empty() {
        h.push_str("<h2>Not computable from these inputs</h2>\n<ul class=\"nc\">\n");
        for (d, needs) in nc {
            h.push_str(&format!(
                "<li>{} ({}): needs {}</li>\n",
                esc(d.name),
                esc(d.handbook),
                esc(needs)
            ));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<h2>Charts</h2>\n");
    for c in &charts {
        h.push_str(&format!(
            "<figure class=\"chart\" id=\"{}\" data-chart=\"{}\"><figcaption>{}</figcaption>\n{}\n</figure>\n",
            c.id,
            c.id,
            esc(&c.title),
            c.svg
        ));
    }
    if audit.scorecard.is_some() {
        h.push_str("<h2>Scorecard</h2>\n");
        h.push_str(&html_table(&audit.scorecard_table(), "kpi"));
    }
    h.push_str("<h2>KPIs</h2>\n");
    h.push_str(&html_table(&audit.kpi_table(), "kpi"));
    h.push_str("<h2>Model check (Erlang C / Erlang A against actuals)</h2>\n");
    h.push_str(&html_table(&audit.model_check_table(), "kpi"));
    if !audit.accuracy.is_empty() {
        h.push_str("<h2>Forecast accuracy by queue and weekday</h2>\n");
        let mut t = audit.accuracy_table();
        t.rows
            .retain(|r| !matches!(&r[1], crate::table::Cell::Text(g) if g == "weekday_interval" || g == "day"));
        h.push_str(&html_table(&t, "kpi"));
    }
    h.push_str("<h2>Inputs</h2>\n");
    h.push_str(&html_table(&audit.inputs_table(), "kpi"));
    h.push_str(&format!(
        "<p>Generated by wfm {} · formulas and definitions: docs/audit.md</p>\n</body></html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    Ok(h)
}

/// Writes `index.html` into `dir` (created if needed, atomic write; refuses to overwrite any of
/// `inputs`) and returns its path.
///
/// # Errors
/// [`ReportError::Draw`], or I/O errors.
pub fn write_html(audit: &Audit, dir: &Path, inputs: &[PathBuf]) -> crate::Result<PathBuf> {
    let html = render_html(audit)?;
    let path = dir.join("index.html");
    crate::table::write_atomic(&path, html.as_bytes(), inputs).map_err(ReportError::from)?;
    Ok(path)
}
