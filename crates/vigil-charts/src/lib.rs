//! Vigil's charts: plain series in, an SVG document out, drawn with plotters. Text is written as
//! SVG `<text>`, so no font files are needed and the webview renders it.
//!
//! Architecture invariant: this is the only crate that sees plotters; it computes nothing about
//! the data — the series arrive ready to draw.

mod over_time;

use plotters::prelude::*;

pub use over_time::{
    Distribution, Heatmap, TimeSeries, TimeSeriesChart, distribution_svg, heatmap_svg,
    time_series_svg,
};

/// A named line of (x, y) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Draw a marker at each point (calibration bins) rather than a plain line.
    pub markers: bool,
}

/// A chart on the unit square: ROC, precision–recall, calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// The y = x reference line (chance for ROC, perfect calibration for reliability).
    pub diagonal: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("the chart cannot be drawn: {0}")]
pub struct ChartError(pub(crate) String);

const PALETTE: [RGBColor; 4] = [
    RGBColor(37, 99, 235),
    RGBColor(234, 88, 12),
    RGBColor(22, 163, 74),
    RGBColor(147, 51, 234),
];

/// Draws a chart whose axes both run from 0 to 1, as an SVG document of `width` × `height`.
pub fn unit_chart_svg(chart: &UnitChart, width: u32, height: u32) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let fail = |e: &dyn std::fmt::Display| ChartError(e.to_string());
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let mut ctx = ChartBuilder::on(&root)
            .caption(&chart.title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..1.0_f64, 0.0..1.0_f64)
            .map_err(|e| fail(&e))?;
        ctx.configure_mesh()
            .x_desc(&chart.x_label)
            .y_desc(&chart.y_label)
            .x_labels(6)
            .y_labels(6)
            .light_line_style(RGBColor(241, 245, 249))
            .draw()
            .map_err(|e| fail(&e))?;
        if chart.diagonal {
            ctx.draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                RGBColor(148, 163, 184).stroke_width(1),
            ))
            .map_err(|e| fail(&e))?;
        }
        for (i, series) in chart.series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let line = ctx
                .draw_series(LineSeries::new(
                    series.points.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(|e| fail(&e))?;
            line.label(&series.name).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2))
            });
            if series.markers {
                ctx.draw_series(
                    series
                        .points
                        .iter()
                        .map(|&p| Circle::new(p, 3, color.filled())),
                )
                .map_err(|e| fail(&e))?;
            }
        }
        if !chart.series.is_empty() {
            ctx.configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(203, 213, 225))
                .draw()
                .map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roc_chart_is_an_svg_with_its_labels_and_line() {
        let chart = UnitChart {
            title: "ROC curve".to_owned(),
            x_label: "false-positive rate".to_owned(),
            y_label: "true-positive rate".to_owned(),
            series: vec![Series {
                name: "AUC 0.75".to_owned(),
                points: vec![(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)],
                markers: false,
            }],
            diagonal: true,
        };
        let svg = unit_chart_svg(&chart, 480, 360).expect("svg");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        for text in [
            "ROC curve",
            "false-positive rate",
            "true-positive rate",
            "AUC 0.75",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(svg.contains("<polyline"), "the curve is drawn");
        // Same input, same picture: charts are deterministic.
        assert_eq!(svg, unit_chart_svg(&chart, 480, 360).expect("svg"));
    }
}
