//! The long-range hiring plan (`wfm capacity` output): required vs productive and effective FTE
//! per week, people in training, and the classes started (bars labelled with their hires).

use plotters::prelude::*;

use crate::report::ctx::Ctx;
use crate::report::svg::{
    draw_err, legend, placeholder, runs, BLUE, GREEN, GREY, H, LEGEND_W, ORANGE, PURPLE, W,
};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "capacity-plan";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let title = "Capacity plan: required vs productive and effective FTE per week; classes started (bars, label = hires)";
    let Some(p) = c.extras.capacity.as_ref().filter(|p| !p.weeks.is_empty()) else {
        return placeholder(
            ID,
            title,
            "--capacity FILE (a `wfm capacity --format csv --out FILE` plan)",
        );
    };
    let weeks = &p.weeks;
    let n = weeks.len();
    // Required FTE last: drawn on top of the effective FTE it usually equals.
    let series: [(&str, RGBColor, Vec<f64>); 4] = [
        (
            "productive (on the floor)",
            BLUE,
            weeks.iter().map(|w| w.productive).collect(),
        ),
        (
            "effective FTE + overtime",
            GREEN,
            weeks.iter().map(|w| w.effective_fte + w.overtime).collect(),
        ),
        (
            "in training",
            PURPLE,
            weeks.iter().map(|w| w.in_training).collect(),
        ),
        (
            "required FTE",
            ORANGE,
            weeks.iter().map(|w| w.required_fte).collect(),
        ),
    ];
    let ymax = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .chain(weeks.iter().map(|w| f64::from(w.hires_started)))
        .fold(1.0, f64::max)
        * 1.1;
    let id = ID;
    let first = weeks[0].week_start;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H + 40)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err(id))?;
        let (plot, side) = root.split_horizontally(W - LEGEND_W);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..ymax)
            .map_err(draw_err(id))?;
        chart
            .configure_mesh()
            .x_desc("week starting")
            .y_desc("FTE / people")
            .x_labels(12)
            .x_label_formatter(&|x: &f64| {
                let d = first + chrono::Days::new(7 * x.round().max(0.0) as u64);
                d.format("%d %b %y").to_string()
            })
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_err(id))?;
        // Classes: a bar of the hires started, labelled.
        let classes: Vec<(f64, u32)> = weeks
            .iter()
            .enumerate()
            .filter(|(_, w)| w.hires_started > 0)
            .map(|(i, w)| (i as f64, w.hires_started))
            .collect();
        chart
            .draw_series(classes.iter().map(|&(x, h)| {
                Rectangle::new([(x - 0.4, 0.0), (x + 0.4, f64::from(h))], GREY.filled())
            }))
            .map_err(draw_err(id))?;
        chart
            .draw_series(classes.iter().map(|&(x, h)| {
                Text::new(
                    format!("+{h}"),
                    (x - 0.4, f64::from(h) + ymax * 0.04),
                    ("sans-serif", 11).into_font(),
                )
            }))
            .map_err(draw_err(id))?;
        let mut entries = vec![(
            format!(
                "class started ({} hires)",
                weeks.iter().map(|w| w.hires_started).sum::<u32>()
            ),
            GREY,
            false,
        )];
        for (name, color, ys) in &series {
            let pts: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, y)| (i as f64, *y)).collect();
            for run in runs(&pts, 1.5) {
                chart
                    .draw_series(LineSeries::new(run, color.stroke_width(2)))
                    .map_err(draw_err(id))?;
            }
            entries.push((name.to_string(), *color, false));
        }
        legend(&side, id, &entries)?;
        root.present().map_err(draw_err(id))?;
    }
    let under = weeks.iter().filter(|w| w.under > 1e-9).count();
    Ok(Chart {
        id: id.to_string(),
        title: format!(
            "{title} — {n} weeks from {first}, {} class(es), {under} under-staffed week(s)",
            weeks.iter().filter(|w| w.class_open).count()
        ),
        svg,
        needs: None,
    })
}
