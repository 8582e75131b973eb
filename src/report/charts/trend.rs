//! Monthly trend of one headline KPI over up to 13 months (the months the actuals cover),
//! with its target line.

use plotters::prelude::*;

use crate::audit::{Kpi, Period};
use crate::report::svg::{draw_err, legend, placeholder, BLUE, DARK, LEGEND_W, W};
use crate::report::{Chart, ReportError};

pub(crate) fn chart(k: &Kpi, months: &[Period]) -> Result<Chart, ReportError> {
    let id = format!("trend-{}", k.def.key);
    let id = id.as_str();
    let title = format!("{} ({}) per month", k.def.name, k.def.handbook);
    let f = k.def.unit.display_factor();
    let idx = |p: Period| months.iter().position(|m| *m == p).map(|i| i as f64);
    let pts: Vec<(f64, f64)> = k
        .trend
        .iter()
        .filter_map(|(p, v)| Some((idx(*p)?, v * f)))
        .collect();
    if pts.is_empty() {
        return placeholder(id, &title, "a value in at least one month");
    }
    let tgt = k.target.as_ref().map(|t| t.value * f);
    let (lo, hi) = pts
        .iter()
        .map(|p| p.1)
        .chain(tgt)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), y| {
            (l.min(y), h.max(y))
        });
    let (lo, hi) = (lo.min(0.0), if hi > lo { hi * 1.1 } else { lo + 1.0 });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 220)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let (plot, side) = root.split_horizontally(W - LEGEND_W);
        let n = months.len().max(1);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(55)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)
            .map_err(draw_err(id))?;
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|x: &f64| {
                let r = x.round();
                if (x - r).abs() > 1e-6 || r < 0.0 {
                    return String::new();
                }
                months
                    .get(r as usize)
                    .map(|m| m.to_string())
                    .unwrap_or_default()
            })
            .y_desc(k.def.unit.label())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_err(id))?;
        let mut entries = Vec::new();
        if let Some(t) = tgt {
            chart
                .draw_series(DashedLineSeries::new(
                    [(-0.5, t), (n as f64 - 0.5, t)],
                    6,
                    4,
                    DARK.stroke_width(1),
                ))
                .map_err(draw_err(id))?;
            entries.push((format!("target {t:.1}"), DARK, true));
        }
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), BLUE.stroke_width(2)))
            .map_err(draw_err(id))?;
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 4, BLUE.filled())))
            .map_err(draw_err(id))?;
        chart
            .draw_series(pts.iter().map(|&(x, y)| {
                Text::new(
                    format!("{y:.*}", k.def.unit.decimals().min(1)),
                    (x + 0.05, y),
                    ("sans-serif", 11).into_font(),
                )
            }))
            .map_err(draw_err(id))?;
        entries.push(("monthly value".to_string(), BLUE, false));
        legend(&side, id, &entries)?;
        root.present().map_err(draw_err(id))?;
    }
    let note = if months.len() < 13 {
        format!(" — {} month(s) of history in the actuals", months.len())
    } else {
        String::new()
    };
    Ok(Chart {
        id: id.to_string(),
        title: format!("{title}{note}"),
        svg,
        needs: None,
    })
}
