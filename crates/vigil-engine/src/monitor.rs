//! Monitoring over time: a dataset split into windows (days, ISO weeks, months, or chunks of N
//! rows); per window, drift against a reference profile, realised performance where labels
//! exist, fairness gaps, and a label-free performance estimate from the model's confidence.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use vigil_data::{Column, ColumnValues, Dataset};

use crate::drift::{DriftColumns, DriftReport, ReferenceProfile};
use crate::evaluate;
use crate::predict::{Label, Predictions};
use crate::{EngineError, Result};

/// Windows with fewer rows than this carry a warning: drift tests and metrics on them say
/// little.
pub const MIN_WINDOW_ROWS: usize = 100;

/// How rows are grouped into windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "rows")]
pub enum WindowSpec {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    Month,
    /// Consecutive chunks of N rows in file order.
    Rows(usize),
    /// Every row in one window: a plain comparison of the data with the reference.
    All,
}

impl WindowSpec {
    /// Parses `day`, `week`, `month` or `rows:N`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            "all" => Ok(Self::All),
            other => other
                .strip_prefix("rows:")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| n > 0)
                .map(Self::Rows)
                .ok_or_else(|| {
                    EngineError::Usage(format!(
                        "`{other}` is not a window: use day, week, month, rows:N or all"
                    ))
                }),
        }
    }

    pub fn describe(self) -> String {
        match self {
            Self::Day => "day".to_owned(),
            Self::Week => "week".to_owned(),
            Self::Month => "month".to_owned(),
            Self::Rows(n) => format!("rows:{n}"),
            Self::All => "all".to_owned(),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

fn date_text(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day number of a timestamp's date part (`YYYY-MM-DD`, then anything).
fn parse_day(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Rejects 2026-02-30 and friends: the date must survive the round trip.
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// One window's rows and its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRows {
    pub label: String,
    /// First day (inclusive) or first row (1-based).
    pub start: String,
    /// Last day or last row (inclusive).
    pub end: String,
    pub rows: Vec<usize>,
}

/// Splits the rows into windows, in time order; windows without rows are left out.
pub fn split_windows(
    dataset: &Dataset,
    timestamp: Option<&str>,
    spec: WindowSpec,
) -> Result<Vec<WindowRows>> {
    let n = dataset.row_count();
    if spec == WindowSpec::All {
        return Ok(vec![WindowRows {
            label: "all rows".to_owned(),
            start: "1".to_owned(),
            end: n.to_string(),
            rows: (0..n).collect(),
        }]);
    }
    if let WindowSpec::Rows(size) = spec {
        return Ok((0..n)
            .step_by(size)
            .map(|first| {
                let last = (first + size).min(n) - 1;
                WindowRows {
                    label: format!("rows {}–{}", first + 1, last + 1),
                    start: (first + 1).to_string(),
                    end: (last + 1).to_string(),
                    rows: (first..=last).collect(),
                }
            })
            .collect());
    }
    let name = timestamp
        .map(str::to_owned)
        .or_else(|| dataset.profile.timestamp_column().map(str::to_owned))
        .ok_or_else(|| {
            EngineError::Usage(
                "the dataset has no timestamp column: name one with --timestamp, or use rows:N windows"
                    .to_owned(),
            )
        })?;
    let column = dataset
        .column(&name)
        .ok_or_else(|| EngineError::Usage(format!("the dataset has no column `{name}`")))?;
    let mut by_start: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    for row in 0..n {
        let text = crate::evaluate::cell_text(column, row).ok_or_else(|| {
            EngineError::Usage(format!("row {} has no timestamp in `{name}`", row + 1))
        })?;
        let day = parse_day(&text).ok_or_else(|| {
            EngineError::Usage(format!(
                "row {}: `{text}` in `{name}` is not a date (YYYY-MM-DD…)",
                row + 1
            ))
        })?;
        let start = match spec {
            WindowSpec::Day | WindowSpec::Rows(_) | WindowSpec::All => day,
            // 1970-01-01 was a Thursday; Monday-based weeks start 3 days earlier.
            WindowSpec::Week => day - (day + 3).rem_euclid(7),
            WindowSpec::Month => {
                let (y, m, _) = civil_from_days(day);
                days_from_civil(y, m, 1)
            }
        };
        by_start.entry(start).or_default().push(row);
    }
    Ok(by_start
        .into_iter()
        .map(|(start, rows)| {
            let (label, end) = match spec {
                WindowSpec::Week => (format!("week of {}", date_text(start)), start + 6),
                WindowSpec::Month => {
                    let (y, m, _) = civil_from_days(start);
                    let next = if m == 12 {
                        days_from_civil(y + 1, 1, 1)
                    } else {
                        days_from_civil(y, m + 1, 1)
                    };
                    (format!("{y:04}-{m:02}"), next - 1)
                }
                WindowSpec::Day | WindowSpec::Rows(_) | WindowSpec::All => {
                    (date_text(start), start)
                }
            };
            WindowRows {
                label,
                start: date_text(start),
                end: date_text(end),
                rows,
            }
        })
        .collect())
}

/// The rows `rows` of a dataset, as a dataset of their own.
pub fn subset(dataset: &Dataset, rows: &[usize]) -> Dataset {
    let columns = dataset
        .columns
        .iter()
        .map(|c| Column {
            name: c.name.clone(),
            kind: c.kind,
            values: match &c.values {
                ColumnValues::Number(v) => {
                    ColumnValues::Number(rows.iter().map(|&r| v[r]).collect())
                }
                ColumnValues::Text(v) => {
                    ColumnValues::Text(rows.iter().map(|&r| v[r].clone()).collect())
                }
            },
        })
        .collect();
    let mut profile = dataset.profile.clone();
    profile.row_count = rows.len() as u64;
    Dataset { profile, columns }
}

fn subset_predictions(predictions: &Predictions, rows: &[usize]) -> Predictions {
    let pick = |v: &Vec<Label>| rows.iter().map(|&r| v[r].clone()).collect();
    Predictions {
        n_rows: rows.len(),
        classes: predictions.classes.clone(),
        label: predictions.label.as_ref().map(pick),
        probabilities: predictions
            .probabilities
            .as_ref()
            .map(|p| rows.iter().map(|&r| p[r].clone()).collect()),
        value: predictions
            .value
            .as_ref()
            .map(|v| rows.iter().map(|&r| v[r]).collect()),
    }
}

/// A value with its bootstrap interval, where one was computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MetricPoint {
    pub name: String,
    pub value: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// One column's drift in one window: Evidently's default method and verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct WindowColumnDrift {
    pub column: String,
    pub kind: String,
    pub method: String,
    pub reason: String,
    pub score: f64,
    pub threshold: f64,
    pub drifted: bool,
}

/// One fairness gap in one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct WindowFairness {
    pub sensitive: String,
    pub demographic_parity_difference: f64,
    pub equalized_odds_difference: f64,
}

/// Everything computed for one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MonitoringWindow {
    pub label: String,
    /// For chart axes: `MM-DD` of the first day (day and week windows), the month, or the
    /// first row.
    pub short_label: String,
    pub start: String,
    pub end: String,
    #[ts(type = "number")]
    pub rows: usize,
    /// The window is part of the reference (its drift is against data that includes it).
    pub in_reference: bool,
    pub warnings: Vec<String>,
    #[ts(type = "number")]
    pub drifted_columns: usize,
    pub share_drifted: f64,
    pub dataset_drift: bool,
    pub drift: Vec<WindowColumnDrift>,
    /// Realised performance where the window has labels.
    pub performance: Vec<MetricPoint>,
    /// Estimated accuracy from calibrated confidence (no labels needed); classifiers only.
    pub estimated_accuracy: Option<f64>,
    pub fairness: Vec<WindowFairness>,
    /// Accuracy on the window's rows that feedback labels (filled in when the run is viewed,
    /// so feedback given later counts), and how many rows that is.
    #[serde(default)]
    pub feedback_accuracy: Option<f64>,
    #[serde(default)]
    #[ts(type = "number")]
    pub feedback_rows: usize,
}

/// A whole monitoring run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    pub window: WindowSpec,
    pub timestamp_column: Option<String>,
    /// Where the reference came from, in words.
    pub reference: String,
    pub reference_rows: usize,
    /// How the estimate was calibrated, in words.
    pub estimate_note: Option<String>,
    pub windows: Vec<MonitoringWindow>,
    /// The full drift result of every window (drill-down), in window order.
    pub drift_details: Vec<Json>,
    /// What the windows were compared against (stored apart, as a blob).
    #[serde(skip)]
    pub profile: Option<ReferenceProfile>,
}

/// Where the reference comes from.
pub enum ReferenceSource<'a> {
    /// A separate dataset, with the model's predictions on it where there is a model.
    Dataset {
        data: &'a Dataset,
        predictions: Option<&'a Predictions>,
        description: String,
    },
    /// The first N windows of the monitored data itself.
    LeadingWindows(usize),
}

/// What to monitor.
pub struct MonitorRequest<'a> {
    pub dataset: &'a Dataset,
    pub predictions: Option<&'a Predictions>,
    pub timestamp: Option<&'a str>,
    pub window: WindowSpec,
    pub reference: ReferenceSource<'a>,
    pub columns: DriftColumns,
    pub target: Option<&'a str>,
    pub pos_label: Option<&'a str>,
    pub sensitive: &'a [Vec<String>],
}

/// Headline metrics of a window, picked from the evaluation's metric section.
fn headline_metrics(metrics: &Json) -> Vec<MetricPoint> {
    let ci = |key: &str| {
        let interval = &metrics["confidence_intervals"][key];
        (interval["low"].as_f64(), interval["high"].as_f64())
    };
    let mut out = Vec::new();
    let mut push = |name: &str, value: Option<f64>, ci_key: Option<&str>| {
        if let Some(value) = value {
            let (ci_low, ci_high) = ci_key.map_or((None, None), ci);
            out.push(MetricPoint {
                name: name.to_owned(),
                value,
                ci_low,
                ci_high,
            });
        }
    };
    push("accuracy", metrics["accuracy"].as_f64(), Some("accuracy"));
    push(
        "balanced_accuracy",
        metrics["balanced_accuracy"].as_f64(),
        Some("balanced_accuracy"),
    );
    push(
        "f1_macro",
        metrics["f1"]["macro"].as_f64(),
        Some("f1_macro"),
    );
    push(
        "roc_auc",
        metrics["roc_auc"]["binary"].as_f64(),
        Some("roc_auc"),
    );
    push("log_loss", metrics["log_loss"].as_f64(), Some("log_loss"));
    push("mae", metrics["mae"].as_f64(), Some("mae"));
    push("rmse", metrics["rmse"].as_f64(), Some("rmse"));
    push("r2", metrics["r2"].as_f64(), Some("r2"));
    out
}

/// The rows of a dataset whose target is present.
fn has_labels(dataset: &Dataset, target: &str) -> bool {
    dataset.column(target).is_some_and(|c| match &c.values {
        ColumnValues::Number(v) => v.iter().all(|x| !x.is_nan()),
        ColumnValues::Text(v) => v.iter().all(Option::is_some),
    })
}

/// Confidence (largest class probability) of each row, and whether the prediction was right.
fn confidence_and_correctness(
    dataset: &Dataset,
    predictions: &Predictions,
    target: Option<&str>,
) -> Option<(Vec<f64>, Option<Vec<f64>>)> {
    let probabilities = predictions.probabilities.as_ref()?;
    let confidence: Vec<f64> = probabilities
        .iter()
        .map(|p| p.iter().fold(0.0f64, |m, &v| m.max(f64::from(v))))
        .collect();
    let correct = target
        .filter(|t| has_labels(dataset, t))
        .and_then(|t| dataset.column(t))
        .zip(predictions.label.as_ref())
        .map(|(column, labels)| {
            labels
                .iter()
                .enumerate()
                .map(|(row, label)| {
                    let truth = evaluate::cell_text(column, row);
                    f64::from(u8::from(
                        truth.as_deref() == Some(&*evaluate::label_text(label)),
                    ))
                })
                .collect()
        });
    Some((confidence, correct))
}

/// Runs the monitoring.
pub fn monitor(request: &MonitorRequest<'_>) -> Result<Monitoring> {
    let windows = split_windows(request.dataset, request.timestamp, request.window)?;
    if windows.is_empty() {
        return Err(EngineError::Usage(
            "the dataset has no rows to monitor".to_owned(),
        ));
    }
    let named_columns =
        !request.columns.numerical.is_empty() || !request.columns.categorical.is_empty();
    let mut columns = request.columns.clone();
    // The label and the timestamp are never features whose drift is monitored.
    columns.exclude.extend(request.target.map(str::to_owned));
    let (reference_data, reference_predictions, reference_text) = match &request.reference {
        ReferenceSource::Dataset {
            data,
            predictions,
            description,
        } => ((*data).clone(), predictions.cloned(), description.clone()),
        ReferenceSource::LeadingWindows(n) => {
            if *n == 0 || *n >= windows.len() {
                return Err(EngineError::Usage(format!(
                    "the reference takes the first {n} windows, but the data has {} windows: leave at least one to monitor",
                    windows.len()
                )));
            }
            let rows: Vec<usize> = windows[..*n].iter().flat_map(|w| w.rows.clone()).collect();
            (
                subset(request.dataset, &rows),
                request.predictions.map(|p| subset_predictions(p, &rows)),
                format!(
                    "the first {n} {} windows ({} to {})",
                    request.window.describe(),
                    windows[0].start,
                    windows[n - 1].end
                ),
            )
        }
    };
    let profile = ReferenceProfile::build(&reference_data, &columns)?;

    // Calibrate confidence on the reference's labelled predictions (isotonic), if any.
    let (calibration, estimate_note) = match &reference_predictions {
        Some(p) => match confidence_and_correctness(&reference_data, p, request.target) {
            Some((confidence, Some(correct))) => (
                vigil_stats::Isotonic::fit(&confidence, &correct),
                Some(format!(
                    "confidence calibrated on the reference's {} labelled rows (isotonic)",
                    confidence.len()
                )),
            ),
            Some((_, None)) => (
                None,
                Some("the reference has no labels: uncalibrated confidence".to_owned()),
            ),
            None => (None, None),
        },
        None => (None, None),
    };

    let reference_windows = match request.reference {
        ReferenceSource::LeadingWindows(n) => n,
        ReferenceSource::Dataset { .. } => 0,
    };
    let mut out_windows = Vec::with_capacity(windows.len());
    let mut details = Vec::with_capacity(windows.len());
    for (index, window) in windows.iter().enumerate() {
        let data = subset(request.dataset, &window.rows);
        let mut warnings = Vec::new();
        if window.rows.len() < MIN_WINDOW_ROWS {
            warnings.push(format!(
                "only {} rows (fewer than {MIN_WINDOW_ROWS}): too few to judge",
                window.rows.len()
            ));
        }
        let report: DriftReport = profile.compare(&data, named_columns)?;
        let verdict = report.verdict().clone();
        let drift = report
            .columns
            .iter()
            .map(|c| {
                let test = &c.drift.evidently().default;
                WindowColumnDrift {
                    column: c.name.clone(),
                    kind: match c.drift {
                        vigil_stats::drift::ColumnDrift::Numerical(_) => "numerical",
                        vigil_stats::drift::ColumnDrift::Categorical(_) => "categorical",
                    }
                    .to_owned(),
                    method: test.method.clone(),
                    reason: test.reason.clone().unwrap_or_default(),
                    score: test.score,
                    threshold: test.threshold,
                    drifted: test.drifted,
                }
            })
            .collect();
        details.push(crate::drift::drift_json(
            &report,
            &reference_text,
            &window.label,
        ));

        let window_predictions = request
            .predictions
            .map(|p| subset_predictions(p, &window.rows));
        let mut performance = Vec::new();
        let mut fairness = Vec::new();
        if let (Some(target), Some(predictions)) = (request.target, &window_predictions)
            && has_labels(&data, target)
        {
            match evaluate::score(&data, predictions, None, target, request.pos_label) {
                Ok(metrics) => performance = headline_metrics(&metrics),
                Err(e) => warnings.push(format!("no performance: {e}")),
            }
            if !request.sensitive.is_empty() && predictions.classes.is_some() {
                match evaluate::fairness_section(
                    &data,
                    predictions,
                    target,
                    request.pos_label,
                    request.sensitive,
                ) {
                    Ok(section) => {
                        if let Some(map) = section.as_object() {
                            for (key, entry) in map {
                                let gap = |name: &str| {
                                    entry[name]["between_groups"].as_f64().unwrap_or(f64::NAN)
                                };
                                fairness.push(WindowFairness {
                                    sensitive: key.clone(),
                                    demographic_parity_difference: gap(
                                        "demographic_parity_difference",
                                    ),
                                    equalized_odds_difference: gap("equalized_odds_difference"),
                                });
                            }
                        }
                    }
                    Err(e) => warnings.push(format!("no fairness: {e}")),
                }
            }
        } else if request.target.is_some() && request.predictions.is_some() {
            warnings.push("some rows have no label: realised performance not computed".to_owned());
        }
        let estimated_accuracy = window_predictions.as_ref().and_then(|p| {
            let (confidence, _) = confidence_and_correctness(&data, p, None)?;
            let total: f64 = confidence
                .iter()
                .map(|&c| calibration.as_ref().map_or(c, |m| m.predict(c)))
                .sum();
            Some(total / confidence.len() as f64)
        });
        out_windows.push(MonitoringWindow {
            label: window.label.clone(),
            short_label: match request.window {
                WindowSpec::Day | WindowSpec::Week => {
                    window.start.get(5..).unwrap_or(&window.start).to_owned()
                }
                WindowSpec::Month => window.label.clone(),
                WindowSpec::Rows(_) => window.start.clone(),
                WindowSpec::All => "all".to_owned(),
            },
            start: window.start.clone(),
            end: window.end.clone(),
            rows: window.rows.len(),
            in_reference: index < reference_windows,
            warnings,
            drifted_columns: verdict.n_drifted,
            share_drifted: verdict.share_drifted,
            dataset_drift: verdict.dataset_drift,
            drift,
            performance,
            estimated_accuracy,
            fairness,
            feedback_accuracy: None,
            feedback_rows: 0,
        });
    }
    Ok(Monitoring {
        window: request.window,
        timestamp_column: match request.window {
            WindowSpec::Rows(_) | WindowSpec::All => None,
            _ => request.timestamp.map(str::to_owned).or_else(|| {
                request
                    .dataset
                    .profile
                    .timestamp_column()
                    .map(str::to_owned)
            }),
        },
        reference: reference_text,
        reference_rows: profile.rows,
        estimate_note,
        windows: out_windows,
        drift_details: details,
        profile: Some(profile),
    })
}

/// What `vigil monitor` reads.
pub struct MonitorFiles<'a> {
    pub model: Option<&'a std::path::Path>,
    pub data: &'a std::path::Path,
    pub reference: Option<&'a std::path::Path>,
    pub reference_windows: Option<usize>,
    pub timestamp: Option<&'a str>,
    pub window: WindowSpec,
    pub columns: DriftColumns,
    pub target: Option<&'a str>,
    pub pos_label: Option<&'a str>,
    pub sensitive: &'a [Vec<String>],
    pub inputs: &'a [crate::predict::InputBinding],
}

/// `vigil monitor`: reads the files, runs the model over the data (and the reference), and
/// monitors. The JSON is `{"monitoring": …}`.
pub fn monitor_files(files: &MonitorFiles<'_>) -> Result<Json> {
    let dataset = crate::read_dataset(files.data)?;
    let model = files
        .model
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|source| EngineError::ReadFile {
                path: path.display().to_string(),
                source,
            })?;
            vigil_infer::Model::load(&bytes)
                .map_err(|e| EngineError::Predict(crate::predict::PredictError::from(e)))
        })
        .transpose()?;
    let mut excluded: Vec<String> = files.target.iter().map(|t| (*t).to_owned()).collect();
    excluded.extend(files.sensitive.iter().flatten().cloned());
    excluded.extend(files.timestamp.map(str::to_owned));
    let run = |data: &Dataset| -> Result<Option<Predictions>> {
        let Some(model) = &model else {
            return Ok(None);
        };
        let bindings =
            crate::predict::bind_inputs(model, &data.profile.columns, files.inputs, &excluded)?;
        Ok(Some(crate::predict::predict(
            model,
            data,
            &bindings,
            &vigil_infer::Device::cpu(),
        )?))
    };
    let predictions = run(&dataset)?;
    let reference_data = files.reference.map(crate::read_dataset).transpose()?;
    let reference_predictions = match &reference_data {
        Some(data) => run(data)?,
        None => None,
    };
    let reference = match (&reference_data, files.reference_windows) {
        (Some(data), None) => ReferenceSource::Dataset {
            data,
            predictions: reference_predictions.as_ref(),
            description: files
                .reference
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        },
        (None, Some(n)) => ReferenceSource::LeadingWindows(n),
        _ => {
            return Err(EngineError::Usage(
                "give the reference as --reference FILE or --reference-windows N (one of them)"
                    .to_owned(),
            ));
        }
    };
    let monitoring = monitor(&MonitorRequest {
        dataset: &dataset,
        predictions: predictions.as_ref(),
        timestamp: files.timestamp,
        window: files.window,
        reference,
        columns: files.columns.clone(),
        target: files.target,
        pos_label: files.pos_label,
        sensitive: files.sensitive,
    })?;
    Ok(serde_json::json!({ "monitoring": monitoring }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        for days in [-800_000, -1, 59, 10_957, 20_454, 800_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            parse_day("2024-02-29T10:00:00"),
            Some(days_from_civil(2024, 2, 29))
        );
        assert_eq!(parse_day("2026-02-29"), None);
        assert_eq!(parse_day("yesterday"), None);
    }

    #[test]
    fn window_specs_parse() {
        assert_eq!(WindowSpec::parse("week").ok(), Some(WindowSpec::Week));
        assert_eq!(
            WindowSpec::parse("rows:500").ok(),
            Some(WindowSpec::Rows(500))
        );
        assert!(WindowSpec::parse("rows:0").is_err());
        assert!(WindowSpec::parse("fortnight").is_err());
    }
}
