//! Shift Gantt of the scheduled week: one bar per group of identical shifts (start, end,
//! template), labelled with how many agents work it, grouped by day.

use plotters::prelude::*;

use crate::report::ctx::Ctx;
use crate::report::svg::{draw_err, placeholder, BLUE, LEGEND_W, ORANGE, W};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "shift-gantt";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let title = "Shift Gantt of the scheduled week (bar = shift group, label = agents)";
    let Some(s) = c.extras.schedule.as_ref().filter(|s| !s.plan.is_empty()) else {
        return placeholder(
            ID,
            title,
            "--schedule DIR (a `wfm schedule --out DIR` directory with plan.csv)",
        );
    };
    // Groups differing only by break times are one bar.
    let mut groups: Vec<crate::report::PlanRow> = Vec::new();
    for p in &s.plan {
        match groups.iter_mut().find(|g| {
            (g.day.as_str(), g.start_min, g.end_min, g.template.as_str())
                == (p.day.as_str(), p.start_min, p.end_min, p.template.as_str())
        }) {
            Some(g) => g.count += p.count,
            None => groups.push(p.clone()),
        }
    }
    let plan = &groups;
    let n = plan.len();
    let x1 = plan
        .iter()
        .map(|p| p.end_min)
        .max()
        .unwrap_or(1440)
        .max(1440) as f64
        / 60.0;
    let id = ID;
    let mut svg = String::new();
    {
        let h = (60 + 14 * n).max(160) as u32;
        let root = SVGBackend::with_string(&mut svg, (W, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let (plot, _side) = root.split_horizontally(W - LEGEND_W / 2);
        let labels: Vec<String> = plan
            .iter()
            .map(|p| format!("{} {}", p.day, p.template))
            .collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(170)
            .build_cartesian_2d(0.0..x1, -0.5..(n as f64 - 0.5))
            .map_err(draw_err(id))?;
        chart
            .configure_mesh()
            .x_desc("time of day")
            .x_labels((x1 / 2.0) as usize + 1)
            .x_label_formatter(&|x: &f64| format!("{:02}:00", (x.round() as i64).rem_euclid(24)))
            .y_labels(n)
            .y_label_formatter(&|y: &f64| {
                let r = y.round();
                if (y - r).abs() > 1e-6 || r < 0.0 {
                    return String::new();
                }
                labels.get(n - 1 - r as usize).cloned().unwrap_or_default()
            })
            .light_line_style(RGBColor(240, 240, 240))
            .draw()
            .map_err(draw_err(id))?;
        let mut day_idx = 0usize;
        let mut prev_day: Option<&str> = None;
        for (k, p) in plan.iter().enumerate() {
            if prev_day != Some(p.day.as_str()) {
                day_idx += 1;
                prev_day = Some(p.day.as_str());
            }
            let color = if day_idx % 2 == 0 { BLUE } else { ORANGE };
            let y = (n - 1 - k) as f64;
            let (x0, x1) = (f64::from(p.start_min) / 60.0, f64::from(p.end_min) / 60.0);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, y - 0.38), (x1, y + 0.38)],
                    color.mix(0.75).filled(),
                )))
                .map_err(draw_err(id))?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(
                        "{} × {:02}:{:02}–{:02}:{:02}",
                        p.count,
                        p.start_min / 60,
                        p.start_min % 60,
                        p.end_min / 60 % 24,
                        p.end_min % 60
                    ),
                    (x1 + 0.2, y + 0.3),
                    ("sans-serif", 11).into_font(),
                )))
                .map_err(draw_err(id))?;
        }
        root.present().map_err(draw_err(id))?;
    }
    let agents: u32 = plan.iter().map(|p| p.count).sum();
    Ok(Chart {
        id: id.to_string(),
        title: format!("{title} — {agents} shifts in {n} groups"),
        svg,
        needs: None,
    })
}
