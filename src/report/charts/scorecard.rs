//! The scorecard: score per indicator against its weight.

use plotters::prelude::*;

use crate::report::ctx::Ctx;
use crate::report::svg::{draw_err, placeholder, GREEN, GREY, ORANGE, W};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "scorecard";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let audit = c.audit;
    let id = ID;
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
        id: id.to_string(),
        title: format!("{title} — {total}"),
        svg,
        needs: None,
    })
}
