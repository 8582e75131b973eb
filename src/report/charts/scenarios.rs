//! The scenario comparison (`wfm scenario` output): FTE per scenario, with the service it
//! buys and what the baseline's staffing would suffer under it.

use plotters::prelude::*;

use crate::report::ctx::Ctx;
use crate::report::svg::{draw_err, placeholder, BLUE, GREY, ORANGE, W};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "scenarios-fte";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let title = "Scenarios: FTE needed per scenario (bar), baseline dashed; SL when staffed for it / with the baseline's agents";
    let Some(s) = c.extras.scenarios.as_ref().filter(|s| !s.rows.is_empty()) else {
        return placeholder(
            ID,
            title,
            "--scenarios FILE (a `wfm scenario --out FILE` output)",
        );
    };
    let n = s.rows.len();
    let fte: Vec<Option<f64>> = (0..n).map(|i| s.number(i, "fte")).collect();
    let max = fte.iter().flatten().fold(1.0, |a: f64, b| a.max(*b));
    let base = fte.first().copied().flatten();
    let id = ID;
    let mut svg = String::new();
    {
        let h = (50 + 30 * n).max(140) as u32;
        let root = SVGBackend::with_string(&mut svg, (W, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let names: Vec<String> = s
            .rows
            .iter()
            .map(|r| r.first().cloned().unwrap_or_default())
            .collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(250)
            .build_cartesian_2d(0.0..max * 1.75, -0.5..(n as f64 - 0.5))
            .map_err(draw_err(id))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("FTE")
            .y_labels(n)
            .y_label_formatter(&|y: &f64| {
                let r = y.round();
                if (y - r).abs() > 1e-6 || r < 0.0 {
                    return String::new();
                }
                names.get(n - 1 - r as usize).cloned().unwrap_or_default()
            })
            .draw()
            .map_err(draw_err(id))?;
        for (i, v) in fte.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let color = if i == 0 { GREY } else { BLUE };
            let v = v.unwrap_or(0.0);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.35), (v, y + 0.35)],
                    color.mix(0.8).filled(),
                )))
                .map_err(draw_err(id))?;
            let pct = |c: &str| {
                s.number(i, c)
                    .map_or("–".to_string(), |x| format!("{:.1} %", x * 100.0))
            };
            let delta = s
                .number(i, "fte_delta")
                .map_or(String::new(), |d| format!(" ({d:+.1})"));
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(
                        "{v:.1}{delta} · SL {} · hit SL {}",
                        pct("service_level"),
                        pct("hit_service_level")
                    ),
                    (v + max * 0.02, y + 0.2),
                    ("sans-serif", 12).into_font(),
                )))
                .map_err(draw_err(id))?;
        }
        if let Some(b) = base {
            chart
                .draw_series(DashedLineSeries::new(
                    [(b, -0.5), (b, n as f64 - 0.5)],
                    5,
                    4,
                    ORANGE.stroke_width(1),
                ))
                .map_err(draw_err(id))?;
        }
        root.present().map_err(draw_err(id))?;
    }
    Ok(Chart {
        id: id.to_string(),
        title: title.to_string(),
        svg,
        needs: None,
    })
}
