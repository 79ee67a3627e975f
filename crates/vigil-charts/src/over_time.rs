//! Charts over time windows and per column: a metric per window (several versions, CI bands,
//! a gate threshold, the reference windows shaded), the drift heatmap (columns × windows), and a
//! reference-vs-current distribution.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{ChartError, PALETTE};

/// One line over the windows; `None` where the window has no value.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// The bootstrap interval per window, drawn as a band.
    pub band: Option<Vec<Option<(f64, f64)>>>,
    /// Dashed: an estimate rather than a measurement.
    pub dashed: bool,
}

/// A metric per window.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeriesChart {
    pub title: String,
    pub y_label: String,
    /// Short window labels, in order (drawn under the axis).
    pub windows: Vec<String>,
    pub series: Vec<TimeSeries>,
    /// A horizontal line, such as a quality gate: (label, value).
    pub threshold: Option<(String, f64)>,
    /// The first this-many windows are the reference (shaded).
    pub reference_windows: usize,
    /// Fixed y range; else from the data.
    pub y_range: Option<(f64, f64)>,
}

fn fail(e: &dyn std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

fn text_style(size: u32, color: RGBColor, anchor: (HPos, VPos)) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&color)
        .pos(Pos::new(anchor.0, anchor.1))
}

const GREY: RGBColor = RGBColor(100, 116, 139);
const LIGHT: RGBColor = RGBColor(241, 245, 249);

/// Draws a metric per window as an SVG document.
pub fn time_series_svg(
    chart: &TimeSeriesChart,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    let n = chart.windows.len().max(1);
    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    for series in &chart.series {
        for v in series.values.iter().flatten() {
            low = low.min(*v);
            high = high.max(*v);
        }
        for (a, b) in series.band.iter().flatten().flatten() {
            low = low.min(*a);
            high = high.max(*b);
        }
    }
    if let Some((_, t)) = &chart.threshold {
        low = low.min(*t);
        high = high.max(*t);
    }
    let (y0, y1) = chart.y_range.unwrap_or_else(|| {
        if low.is_finite() && high.is_finite() {
            let range = (high - low).max(0.01);
            // Room below the lines for the legend box in the lower left.
            let below = range * 0.08 * (chart.series.len() + 1) as f64;
            (low - below, high + range * 0.1)
        } else {
            (0.0, 1.0)
        }
    });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let x_range = -0.5..(n as f64 - 0.5);
        let mut ctx = ChartBuilder::on(&root)
            .caption(&chart.title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(50)
            .build_cartesian_2d(x_range, y0..y1)
            .map_err(|e| fail(&e))?;
        ctx.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(&chart.y_label)
            .y_labels(6)
            .light_line_style(LIGHT)
            .draw()
            .map_err(|e| fail(&e))?;
        if chart.reference_windows > 0 {
            let end = chart.reference_windows as f64 - 0.5;
            ctx.draw_series([Rectangle::new(
                [(-0.5, y0), (end, y1)],
                RGBColor(226, 232, 240).mix(0.5).filled(),
            )])
            .map_err(|e| fail(&e))?;
            let (x, y) = ctx.backend_coord(&(-0.4, y1));
            root.draw(&Text::new(
                "reference",
                (x, y + 4),
                text_style(11, GREY, (HPos::Left, VPos::Top)),
            ))
            .map_err(|e| fail(&e))?;
        }
        for (i, series) in chart.series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            if let Some(band) = &series.band {
                // One polygon per run of windows that have an interval.
                let mut run: Vec<(f64, (f64, f64))> = Vec::new();
                let mut runs = Vec::new();
                for (x, interval) in band.iter().enumerate() {
                    match interval {
                        Some(ab) => run.push((x as f64, *ab)),
                        None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                        None => {}
                    }
                }
                if !run.is_empty() {
                    runs.push(run);
                }
                for run in runs {
                    let mut outline: Vec<(f64, f64)> =
                        run.iter().map(|(x, (_, b))| (*x, *b)).collect();
                    outline.extend(run.iter().rev().map(|(x, (a, _))| (*x, *a)));
                    ctx.draw_series([Polygon::new(outline, color.mix(0.15).filled())])
                        .map_err(|e| fail(&e))?;
                }
            }
            let points: Vec<(f64, f64)> = series
                .values
                .iter()
                .enumerate()
                .filter_map(|(x, v)| v.map(|v| (x as f64, v)))
                .collect();
            let style = color.stroke_width(2);
            let drawn = if series.dashed {
                ctx.draw_series(DashedLineSeries::new(points.iter().copied(), 6, 4, style))
                    .map_err(|e| fail(&e))?
            } else {
                ctx.draw_series(LineSeries::new(points.iter().copied(), style))
                    .map_err(|e| fail(&e))?
            };
            let dashed = series.dashed;
            drawn.label(&series.name).legend(move |(x, y)| {
                if dashed {
                    PathElement::new([(x, y), (x + 6, y)], color.stroke_width(2))
                } else {
                    PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2))
                }
            });
            ctx.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(|e| fail(&e))?;
        }
        if let Some((label, value)) = &chart.threshold {
            let red = RGBColor(220, 38, 38);
            ctx.draw_series(DashedLineSeries::new(
                [(-0.5, *value), (n as f64 - 0.5, *value)],
                4,
                4,
                red.stroke_width(1),
            ))
            .map_err(|e| fail(&e))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], red.stroke_width(1)));
        }
        for (i, label) in chart.windows.iter().enumerate() {
            let (x, y) = ctx.backend_coord(&(i as f64, y0));
            root.draw(&Text::new(
                label.clone(),
                (x, y + 6),
                text_style(11, GREY, (HPos::Center, VPos::Top)),
            ))
            .map_err(|e| fail(&e))?;
        }
        if !chart.series.is_empty() {
            ctx.configure_series_labels()
                .position(SeriesLabelPosition::LowerLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(203, 213, 225))
                .draw()
                .map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}

/// Columns × windows, each cell coloured by how far its score is past the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `[row][column]`: intensity in [0, 1] (0 = nothing, 0.5 = at the threshold, 1 = far past
    /// it) and whether the cell drifted; `None` where there is no result.
    pub cells: Vec<Vec<Option<(f64, bool)>>>,
    pub reference_columns: usize,
}

/// White → amber → red by intensity.
fn heat(level: f64) -> RGBColor {
    let level = level.clamp(0.0, 1.0);
    let mix = |a: (f64, f64, f64), b: (f64, f64, f64), t: f64| {
        let c = |x: f64, y: f64| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
        RGBColor(c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    };
    let white = (248.0, 250.0, 252.0);
    let amber = (252.0, 211.0, 77.0);
    let red = (220.0, 38.0, 38.0);
    if level < 0.5 {
        mix(white, amber, level * 2.0)
    } else {
        mix(amber, red, (level - 0.5) * 2.0)
    }
}

fn draw_heatmap(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    map: &Heatmap,
) -> Result<(), ChartError> {
    let (n_rows, n_cols) = (map.rows.len().max(1), map.columns.len().max(1));
    let label_width = map
        .rows
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(4) as u32
        * 7
        + 16;
    let mut ctx = ChartBuilder::on(root)
        .caption(&map.title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0.0..n_cols as f64, 0.0..n_rows as f64)
        .map_err(|e| fail(&e))?;
    ctx.configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .draw()
        .map_err(|e| fail(&e))?;
    for (r, row) in map.cells.iter().enumerate() {
        // Row 0 at the top.
        let y = (n_rows - 1 - r) as f64;
        for (c, cell) in row.iter().enumerate() {
            let x = c as f64;
            let fill = match cell {
                Some((level, _)) => heat(*level),
                None => RGBColor(226, 232, 240),
            };
            ctx.draw_series([Rectangle::new(
                [(x + 0.03, y + 0.05), (x + 0.97, y + 0.95)],
                fill.filled(),
            )])
            .map_err(|e| fail(&e))?;
            if let Some((_, true)) = cell {
                ctx.draw_series([Circle::new(
                    (x + 0.5, y + 0.5),
                    3,
                    RGBColor(15, 23, 42).filled(),
                )])
                .map_err(|e| fail(&e))?;
            }
        }
    }
    if map.reference_columns > 0 {
        let end = map.reference_columns as f64;
        ctx.draw_series([PathElement::new(
            [(end, 0.0), (end, n_rows as f64)],
            GREY.stroke_width(2),
        )])
        .map_err(|e| fail(&e))?;
    }
    for (r, name) in map.rows.iter().enumerate() {
        let (x, y) = ctx.backend_coord(&(0.0, (n_rows - 1 - r) as f64 + 0.5));
        root.draw(&Text::new(
            name.clone(),
            (x - 6, y),
            text_style(12, RGBColor(30, 41, 59), (HPos::Right, VPos::Center)),
        ))
        .map_err(|e| fail(&e))?;
    }
    for (c, name) in map.columns.iter().enumerate() {
        let (x, y) = ctx.backend_coord(&(c as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            name.clone(),
            (x, y + 6),
            text_style(11, GREY, (HPos::Center, VPos::Top)),
        ))
        .map_err(|e| fail(&e))?;
    }
    Ok(())
}

/// Draws the drift heatmap as an SVG document; a dot marks a drifted cell.
pub fn heatmap_svg(map: &Heatmap, width: u32, height: u32) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        draw_heatmap(&root, map)?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}

/// Reference and current shares per bin (numbers) or category.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub title: String,
    pub x_label: String,
    pub bins: Vec<String>,
    pub reference: Vec<f64>,
    pub current: Vec<f64>,
}

/// Draws grouped bars, reference beside current, as an SVG document.
pub fn distribution_svg(
    chart: &Distribution,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    let n = chart.bins.len().max(1);
    let top = chart
        .reference
        .iter()
        .chain(&chart.current)
        .fold(0.0f64, |m, &v| m.max(v))
        .max(0.01)
        * 1.35;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let mut ctx = ChartBuilder::on(&root)
            .caption(&chart.title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..top)
            .map_err(|e| fail(&e))?;
        ctx.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc("share of rows")
            .y_labels(6)
            .light_line_style(LIGHT)
            .draw()
            .map_err(|e| fail(&e))?;
        for (k, (name, values)) in [("reference", &chart.reference), ("current", &chart.current)]
            .into_iter()
            .enumerate()
        {
            let color = PALETTE[k];
            let offset = if k == 0 { -0.4 } else { 0.0 };
            ctx.draw_series(values.iter().enumerate().map(|(i, &v)| {
                let x = i as f64 + offset;
                Rectangle::new([(x + 0.02, 0.0), (x + 0.38, v)], color.filled())
            }))
            .map_err(|e| fail(&e))?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 12, y + 4)], color.filled()));
        }
        for (i, label) in chart.bins.iter().enumerate() {
            let (x, y) = ctx.backend_coord(&(i as f64, 0.0));
            root.draw(&Text::new(
                label.clone(),
                (x, y + 6),
                text_style(10, GREY, (HPos::Center, VPos::Top)),
            ))
            .map_err(|e| fail(&e))?;
        }
        let (x, y) = ctx.backend_coord(&((n as f64 - 1.0) / 2.0, 0.0));
        root.draw(&Text::new(
            chart.x_label.clone(),
            (x, y + 24),
            text_style(12, RGBColor(30, 41, 59), (HPos::Center, VPos::Top)),
        ))
        .map_err(|e| fail(&e))?;
        ctx.configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(203, 213, 225))
            .draw()
            .map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}
