//! Snapshot tests: each chart kind drawn from fixed input and compared with the SVG committed
//! under `tests/snapshots/`, after normalising numbers to one decimal (so a sub-pixel change
//! in plotters' arithmetic does not fail, but a moved axis, label or bar does).
//! `VIGIL_UPDATE_SNAPSHOTS=1 cargo test -p vigil-charts` rewrites them; review the diff.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

use vigil_charts::{
    Distribution, Heatmap, TimeSeries, TimeSeriesChart, distribution_svg, heatmap_svg,
    time_series_svg,
};

/// Rounds every decimal number in the document to one decimal place.
fn normalise(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut chars = svg.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut number = String::from(c);
            while let Some(&next) = chars.peek() {
                if next.is_ascii_digit() || next == '.' {
                    number.push(next);
                    chars.next();
                } else {
                    break;
                }
            }
            match number.parse::<f64>() {
                Ok(value) if number.contains('.') => out.push_str(&format!("{value:.1}")),
                _ => out.push_str(&number),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn check(name: &str, svg: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.svg"));
    if std::env::var_os("VIGIL_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, svg).expect("write snapshot");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        normalise(&committed) == normalise(svg),
        "{name}.svg changed: rerun with VIGIL_UPDATE_SNAPSHOTS=1 and review the picture"
    );
}

fn weeks() -> Vec<String> {
    ["01-05", "01-12", "01-19", "01-26", "02-02", "02-09"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

#[test]
fn metric_over_time_with_bands_estimate_and_threshold() {
    let chart = TimeSeriesChart {
        title: "Accuracy over time".to_owned(),
        y_label: "accuracy".to_owned(),
        windows: weeks(),
        series: vec![
            TimeSeries {
                name: "v1 accuracy".to_owned(),
                values: vec![
                    Some(0.91),
                    Some(0.9),
                    Some(0.92),
                    None,
                    Some(0.86),
                    Some(0.84),
                ],
                band: Some(vec![
                    Some((0.88, 0.94)),
                    Some((0.87, 0.93)),
                    Some((0.89, 0.95)),
                    None,
                    Some((0.82, 0.9)),
                    Some((0.8, 0.88)),
                ]),
                dashed: false,
            },
            TimeSeries {
                name: "v1 estimated (no labels)".to_owned(),
                values: vec![Some(0.9); 6],
                band: None,
                dashed: true,
            },
        ],
        threshold: Some(("gate 0.85".to_owned(), 0.85)),
        reference_windows: 2,
        y_range: None,
    };
    let svg = time_series_svg(&chart, 720, 340).expect("svg");
    for text in [
        "Accuracy over time",
        "v1 accuracy",
        "gate 0.85",
        "reference",
        "02-09",
    ] {
        assert!(svg.contains(text), "missing {text}");
    }
    check("time_series", &svg);
}

#[test]
fn drift_heatmap_marks_drifted_cells() {
    let chart = Heatmap {
        title: "Drift by column and window".to_owned(),
        rows: vec!["income".to_owned(), "region".to_owned()],
        columns: weeks(),
        cells: vec![
            vec![
                Some((0.1, false)),
                Some((0.2, false)),
                Some((0.6, true)),
                Some((0.9, true)),
                Some((1.0, true)),
                None,
            ],
            vec![Some((0.0, false)); 6],
        ],
        reference_columns: 2,
    };
    let svg = heatmap_svg(&chart, 760, 140).expect("svg");
    assert!(svg.contains("income") && svg.contains("region"));
    // Three drifted cells, three dots.
    assert_eq!(svg.matches("<circle").count(), 3);
    check("heatmap", &svg);
}

#[test]
fn distribution_puts_reference_beside_current() {
    let chart = Distribution {
        title: "income: reference vs week of 2026-03-16".to_owned(),
        x_label: "income".to_owned(),
        bins: vec!["< 25k".to_owned(), "≥ 25k".to_owned(), "≥ 50k".to_owned()],
        reference: vec![0.3, 0.4, 0.3],
        current: vec![0.2, 0.4, 0.4],
    };
    let svg = distribution_svg(&chart, 640, 320).expect("svg");
    assert!(svg.contains("reference") && svg.contains("current") && svg.contains("≥ 50k"));
    check("distribution", &svg);
}
