//! Evaluation: a model's predictions (or logged predictions) on a labelled dataset, scored with
//! `vigil-stats`, in the result schema the CLI writes (`predictions` and `metrics` sections).

use serde_json::{Map, Value as Json, json};
use vigil_data::{Column, ColumnValues, Dataset};
use vigil_stats::{Averages, ClassificationMetrics, RegressionMetrics};

use crate::predict::{Label, Predictions};

#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    #[error("the dataset has no column `{0}`")]
    NoColumn(String),
    #[error("row {row}: the target column `{column}` is empty; every scored row needs a label")]
    MissingLabel { row: usize, column: String },
    #[error("row {row}: the label `{label}` in `{column}` is not one of the classes ({classes})")]
    UnknownLabel {
        row: usize,
        column: String,
        label: String,
        classes: String,
    },
    #[error("row {row}: `{column}` holds `{value}`, which is not a number")]
    NotNumeric {
        row: usize,
        column: String,
        value: String,
    },
    #[error("the positive label `{0}` is not one of the classes")]
    UnknownPositive(String),
    #[error("{0}")]
    Classes(String),
    #[error("the metrics cannot be computed: {0}")]
    Stats(#[from] vigil_stats::StatsError),
}

/// A label as text, the form used to match dataset values with a model's classes (`1`, `1.0`
/// and `"1"` are the same class).
pub(crate) fn label_text(label: &Label) -> String {
    match label {
        Label::Int(i) => i.to_string(),
        Label::Str(s) => s.clone(),
    }
}

/// A cell as label text (`1.0` reads as `1`); `None` when missing.
pub(crate) fn cell_text(column: &Column, row: usize) -> Option<String> {
    match &column.values {
        ColumnValues::Number(v) => {
            let x = v[row];
            (!x.is_nan()).then(|| number_text(x))
        }
        ColumnValues::Text(v) => v[row].clone(),
    }
}

/// A number as label text: integral values without a fraction (`1.0` reads as `1`).
pub(crate) fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "integral and in range, checked above"
        )]
        (x as i64).to_string()
    } else {
        x.to_string()
    }
}

fn column<'a>(dataset: &'a Dataset, name: &str) -> Result<&'a Column, EvaluateError> {
    dataset
        .column(name)
        .ok_or_else(|| EvaluateError::NoColumn(name.to_owned()))
}

/// Class indices of a label column against the classes (as text).
/// A column's distinct values, numbered in order of first appearance: per row its value's
/// number, and per number the value as label text (`None` for missing). Matching labels and
/// grouping rows then compares numbers, not a string per row.
pub(crate) struct ColumnCodes {
    pub codes: Vec<u32>,
    pub texts: Vec<Option<String>>,
}

impl ColumnCodes {
    pub(crate) fn of(column: &Column) -> Self {
        fn number<K: std::hash::Hash + Eq>(
            seen: &mut std::collections::HashMap<K, u32>,
            texts: &mut Vec<Option<String>>,
            key: K,
            text: impl FnOnce() -> Option<String>,
        ) -> u32 {
            *seen.entry(key).or_insert_with(|| {
                texts.push(text());
                u32::try_from(texts.len() - 1).unwrap_or(u32::MAX)
            })
        }
        let mut texts = Vec::new();
        let codes = match &column.values {
            ColumnValues::Number(values) => {
                let mut seen = std::collections::HashMap::new();
                values
                    .iter()
                    .map(|&x| {
                        // Every NaN is the one missing value; -0.0 reads as 0 like 0.0.
                        let key = if x.is_nan() {
                            u64::MAX
                        } else if x == 0.0 {
                            0
                        } else {
                            x.to_bits()
                        };
                        number(&mut seen, &mut texts, key, || {
                            (!x.is_nan()).then(|| number_text(x))
                        })
                    })
                    .collect()
            }
            ColumnValues::Text(values) => {
                let mut seen = std::collections::HashMap::new();
                values
                    .iter()
                    .map(|v| number(&mut seen, &mut texts, v.as_deref(), || v.clone()))
                    .collect()
            }
        };
        Self { codes, texts }
    }
}

fn class_indices(
    column: &Column,
    rows: usize,
    classes: &[String],
) -> Result<Vec<usize>, EvaluateError> {
    let values = ColumnCodes::of(column);
    // Each distinct value's class, looked up once.
    let class_of: Vec<Option<usize>> = values
        .texts
        .iter()
        .map(|t| t.as_ref().and_then(|t| classes.iter().position(|c| c == t)))
        .collect();
    values
        .codes
        .iter()
        .take(rows)
        .enumerate()
        .map(|(row, &code)| {
            class_of[code as usize].ok_or_else(|| match &values.texts[code as usize] {
                None => EvaluateError::MissingLabel {
                    row: row + 1,
                    column: column.name.clone(),
                },
                Some(text) => EvaluateError::UnknownLabel {
                    row: row + 1,
                    column: column.name.clone(),
                    label: text.clone(),
                    classes: classes.join(", "),
                },
            })
        })
        .collect()
}

fn label_json(text: &str, like: &Label) -> Json {
    match like {
        Label::Int(_) => text
            .parse::<i64>()
            .map_or_else(|_| json!(text), |i| json!(i)),
        Label::Str(_) => json!(text),
    }
}

fn averages_json(a: &Averages, classes: &[String], sample: &Label) -> Json {
    let mut out = Map::new();
    if let Some(b) = a.binary {
        out.insert("binary".to_owned(), json!(b));
    }
    out.insert("micro".to_owned(), json!(a.micro));
    out.insert("macro".to_owned(), json!(a.macro_));
    out.insert("weighted".to_owned(), json!(a.weighted));
    let per_class: Map<String, Json> = classes
        .iter()
        .zip(&a.per_class)
        .map(|(c, v)| (c.clone(), json!(v)))
        .collect();
    out.insert("per_class".to_owned(), Json::Object(per_class));
    if !a.zero_division.is_empty() {
        let names: Vec<Json> = a
            .zero_division
            .iter()
            .map(|&i| label_json(&classes[i], sample))
            .collect();
        out.insert("zero_division".to_owned(), Json::Array(names));
    }
    Json::Object(out)
}

/// The `metrics` section of a classification result, with the fixture schema's key names.
pub fn classification_json(m: &ClassificationMetrics, classes: &[String], sample: &Label) -> Json {
    let roc_auc = if classes.len() == 2 {
        json!({ "binary": m.roc_auc_binary })
    } else {
        json!({
            "ovr_macro": m.roc_auc_ovr_macro, "ovr_weighted": m.roc_auc_ovr_weighted,
            "ovo_macro": m.roc_auc_ovo_macro, "ovo_weighted": m.roc_auc_ovo_weighted,
            "ovr_micro": m.roc_auc_ovr_micro,
        })
    };
    let labels: Vec<Json> = classes.iter().map(|c| label_json(c, sample)).collect();
    let mut out = json!({
        "n_samples": m.n_samples,
        "accuracy": m.accuracy,
        "balanced_accuracy": m.balanced_accuracy,
        "precision": averages_json(&m.precision, classes, sample),
        "recall": averages_json(&m.recall, classes, sample),
        "f1": averages_json(&m.f1, classes, sample),
        "confusion_matrix": { "labels": labels, "matrix": m.confusion_matrix },
    });
    if m.log_loss.is_some() {
        out["roc_auc"] = roc_auc;
        out["log_loss"] = json!(m.log_loss);
    }
    out
}

pub fn regression_json(m: &RegressionMetrics) -> Json {
    json!(m)
}

/// Scores predictions against the target column. `exact_probabilities` replaces the float32
/// probabilities of `predictions` when the scores came from a file at full precision.
pub fn score(
    dataset: &Dataset,
    predictions: &Predictions,
    exact_probabilities: Option<&[Vec<f64>]>,
    target: &str,
    pos_label: Option<&str>,
) -> Result<Json, EvaluateError> {
    score_with(
        dataset,
        predictions,
        exact_probabilities,
        target,
        pos_label,
        &vigil_stats::Bootstrap::default(),
    )
}

/// [`score`] with the bootstrap's resample count and seed given (0 resamples: no intervals).
pub fn score_with(
    dataset: &Dataset,
    predictions: &Predictions,
    exact_probabilities: Option<&[Vec<f64>]>,
    target: &str,
    pos_label: Option<&str>,
    bootstrap: &vigil_stats::Bootstrap,
) -> Result<Json, EvaluateError> {
    let target_column = column(dataset, target)?;
    let rows = dataset.row_count();
    if let Some(values) = &predictions.value {
        let truth = match &target_column.values {
            ColumnValues::Number(v) => v.clone(),
            ColumnValues::Text(v) => {
                let position = v
                    .iter()
                    .position(|x| x.as_deref().is_none_or(|s| s.parse::<f64>().is_err()))
                    .unwrap_or(0);
                return Err(EvaluateError::NotNumeric {
                    row: position + 1,
                    column: target.to_owned(),
                    value: v[position].clone().unwrap_or_default(),
                });
            }
        };
        if let Some(row) = truth.iter().position(|v| v.is_nan()) {
            return Err(EvaluateError::MissingLabel {
                row: row + 1,
                column: target.to_owned(),
            });
        }
        let predicted: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
        let mut out = regression_json(&vigil_stats::regression_metrics(&truth, &predicted)?);
        let ci = vigil_stats::regression_intervals(&truth, &predicted, bootstrap);
        out["confidence_intervals"] = json!({ "mae": ci.mae, "rmse": ci.rmse, "r2": ci.r2 });
        out["bootstrap"] = json!(bootstrap);
        return Ok(out);
    }
    let (Some(classes), Some(labels)) = (&predictions.classes, &predictions.label) else {
        return Err(EvaluateError::Classes(
            "the predictions carry neither labels nor values".to_owned(),
        ));
    };
    let class_text: Vec<String> = classes.iter().map(label_text).collect();
    let y_true = class_indices(target_column, rows, &class_text)?;
    let y_pred: Vec<usize> = labels
        .iter()
        .enumerate()
        .map(|(row, l)| {
            // The model's own class values first; as text only when they differ in kind.
            if let Some(index) = classes.iter().position(|c| c == l) {
                return Ok(index);
            }
            let text = label_text(l);
            class_text
                .iter()
                .position(|c| *c == text)
                .ok_or_else(|| EvaluateError::UnknownLabel {
                    row: row + 1,
                    column: "(prediction)".to_owned(),
                    label: text,
                    classes: class_text.join(", "),
                })
        })
        .collect::<Result<_, _>>()?;
    let probabilities: Option<Vec<Vec<f64>>> = match exact_probabilities {
        Some(exact) => Some(exact.to_vec()),
        // Model outputs are float32, widened exactly.
        None => predictions.probabilities.as_ref().map(|rows| {
            rows.iter()
                .map(|r| r.iter().map(|&p| f64::from(p)).collect())
                .collect()
        }),
    };
    let positive = positive_class(&class_text, pos_label)?;
    let metrics = vigil_stats::classification_metrics(
        &y_true,
        &y_pred,
        probabilities.as_deref(),
        class_text.len(),
        positive,
    )?;
    let mut out = classification_json(&metrics, &class_text, &classes[0]);
    // Bootstrap intervals (seeded, recorded with the result) for the headline metrics.
    let ci = vigil_stats::classification_intervals(
        &y_true,
        &y_pred,
        probabilities.as_deref(),
        class_text.len(),
        positive,
        bootstrap,
    );
    out["confidence_intervals"] = json!({
        "accuracy": ci.accuracy,
        "balanced_accuracy": ci.balanced_accuracy,
        "f1_macro": ci.f1_macro,
        "roc_auc": ci.roc_auc,
        "log_loss": ci.log_loss,
    });
    out["bootstrap"] = json!(bootstrap);
    // Curves for charts: binary classifiers with scores.
    if let (Some(p), Some(pos), 2) = (probabilities.as_ref(), positive, class_text.len()) {
        let truth: Vec<bool> = y_true.iter().map(|&t| t == pos).collect();
        let scores: Vec<f64> = p.iter().map(|row| row[pos]).collect();
        out["curves"] = json!({
            "positive_class": class_text[pos],
            "roc": vigil_stats::roc_curve(&truth, &scores),
            "precision_recall": vigil_stats::precision_recall_curve(&truth, &scores),
            "calibration": vigil_stats::calibration_curve(&truth, &scores, 10),
        });
    }
    Ok(out)
}

/// Probabilities read from a file at full precision, `[rows][classes]`.
pub type ExactProbabilities = Vec<Vec<f64>>;

/// Predictions already logged in the dataset: a label column and optional probability columns.
/// Returns them in the model-output form, plus the probabilities at full precision for scoring.
pub fn logged_predictions(
    dataset: &Dataset,
    target: &str,
    prediction_column: &str,
    probability_columns: &[String],
) -> Result<(Predictions, Option<ExactProbabilities>), EvaluateError> {
    let rows = dataset.row_count();
    let predicted = column(dataset, prediction_column)?;
    let truth = column(dataset, target)?;
    let observed: Vec<String> = (0..rows)
        .flat_map(|r| [cell_text(truth, r), cell_text(predicted, r)])
        .flatten()
        .collect();
    let numeric = matches!(predicted.values, ColumnValues::Number(_))
        && matches!(truth.values, ColumnValues::Number(_));
    // Class order: the probability columns' names after their shared prefix (p_cat → cat) when
    // every observed label is among them; else the sorted distinct labels.
    let from_columns: Option<Vec<String>> = (!probability_columns.is_empty())
        .then(|| {
            let prefix_len = common_prefix(probability_columns);
            probability_columns
                .iter()
                .map(|c| c[prefix_len..].to_owned())
                .collect::<Vec<String>>()
        })
        .filter(|names| observed.iter().all(|o| names.contains(o)));
    let classes: Vec<String> = match from_columns {
        Some(names) => names,
        None => {
            let mut distinct: Vec<String> = observed.clone();
            if numeric {
                distinct.sort_by(|a, b| {
                    a.parse::<f64>()
                        .unwrap_or(0.0)
                        .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
                });
            } else {
                distinct.sort();
            }
            distinct.dedup();
            distinct
        }
    };
    if !probability_columns.is_empty() && probability_columns.len() != classes.len() {
        return Err(EvaluateError::Classes(format!(
            "{} probability columns for {} classes ({})",
            probability_columns.len(),
            classes.len(),
            classes.join(", ")
        )));
    }
    let to_label = |text: &str| {
        if numeric {
            text.parse::<i64>()
                .map_or_else(|_| Label::Str(text.to_owned()), Label::Int)
        } else {
            Label::Str(text.to_owned())
        }
    };
    let label = (0..rows)
        .map(|row| {
            cell_text(predicted, row)
                .map(|t| to_label(&t))
                .ok_or_else(|| EvaluateError::MissingLabel {
                    row: row + 1,
                    column: prediction_column.to_owned(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let probabilities = if probability_columns.is_empty() {
        None
    } else {
        let columns = probability_columns
            .iter()
            .map(|c| column(dataset, c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(rows);
        for row in 0..rows {
            let mut values = Vec::with_capacity(columns.len());
            for c in &columns {
                match &c.values {
                    ColumnValues::Number(v) if !v[row].is_nan() => values.push(v[row]),
                    _ => {
                        return Err(EvaluateError::NotNumeric {
                            row: row + 1,
                            column: c.name.clone(),
                            value: cell_text(c, row).unwrap_or_default(),
                        });
                    }
                }
            }
            out.push(values);
        }
        Some(out)
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the output form carries float32 like model outputs"
    )]
    let narrow = probabilities.as_ref().map(|rows| {
        rows.iter()
            .map(|r| r.iter().map(|&p| p as f32).collect())
            .collect()
    });
    let predictions = Predictions {
        n_rows: rows,
        classes: Some(classes.iter().map(|c| to_label(c)).collect()),
        label: Some(label),
        probabilities: narrow,
        value: None,
    };
    Ok((predictions, probabilities))
}

fn common_prefix(names: &[String]) -> usize {
    let first = names[0].as_bytes();
    let mut len = first.len();
    for name in &names[1..] {
        len = len.min(
            first
                .iter()
                .zip(name.as_bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    // Keep at least one character of every name.
    let shortest = names.iter().map(String::len).min().unwrap_or(0);
    let mut len = len.min(shortest.saturating_sub(1));
    while !names[0].is_char_boundary(len) {
        len -= 1;
    }
    len
}

/// Groups smaller than this carry a small-group warning (`small_groups`).
pub const SMALL_GROUP_ROWS: usize = 30;

/// Orders group keys as pandas' group-by does: value by value, numbers numerically.
/// The groups of an analysis: its distinct keys (one value per column; a missing value is its
/// own group, `(missing)`, so no row is dropped) in sorted order, and each row's group.
fn group_rows(columns: &[&Column], rows: usize) -> (Vec<Vec<String>>, Vec<usize>) {
    let per_column: Vec<ColumnCodes> = columns.iter().map(|c| ColumnCodes::of(c)).collect();
    // Each row's combination of value numbers, numbered in order of first appearance.
    let mut seen: std::collections::HashMap<Vec<u32>, usize> = std::collections::HashMap::new();
    let mut combinations: Vec<Vec<u32>> = Vec::new();
    let mut first_seen: Vec<usize> = Vec::with_capacity(rows);
    let mut key = Vec::with_capacity(columns.len());
    for row in 0..rows {
        key.clear();
        key.extend(per_column.iter().map(|c| c.codes[row]));
        let next = combinations.len();
        let group = *seen.entry(key.clone()).or_insert(next);
        if group == next {
            combinations.push(key.clone());
        }
        first_seen.push(group);
    }
    let text = |combination: &[u32]| -> Vec<String> {
        combination
            .iter()
            .zip(&per_column)
            .map(|(&code, c)| {
                c.texts[code as usize]
                    .clone()
                    .unwrap_or_else(|| "(missing)".to_owned())
            })
            .collect()
    };
    let mut order: Vec<usize> = (0..combinations.len()).collect();
    let keys: Vec<Vec<String>> = combinations.iter().map(|c| text(c)).collect();
    order.sort_by(|&a, &b| compare_keys(&keys[a], &keys[b]));
    let mut rank = vec![0; order.len()];
    for (sorted, &original) in order.iter().enumerate() {
        rank[original] = sorted;
    }
    let distinct = order.iter().map(|&i| keys[i].clone()).collect();
    let groups = first_seen.iter().map(|&g| rank[g]).collect();
    (distinct, groups)
}

fn compare_keys(a: &[String], b: &[String]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(p), Ok(q)) => p.total_cmp(&q),
            _ => x.cmp(y),
        };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// The positive class: the given label, else scikit-learn's default for two classes (the label
/// `1` when present, else the second class); `None` for several classes without a given label.
pub(crate) fn positive_class(
    class_text: &[String],
    pos_label: Option<&str>,
) -> Result<Option<usize>, EvaluateError> {
    match pos_label {
        Some(p) => class_text
            .iter()
            .position(|c| c == p)
            .map(Some)
            .ok_or_else(|| EvaluateError::UnknownPositive(p.to_owned())),
        None if class_text.len() == 2 => {
            Ok(Some(class_text.iter().position(|c| c == "1").unwrap_or(1)))
        }
        None => Ok(None),
    }
}

fn rates_json(rates: &vigil_stats::GroupRates) -> Json {
    let mut out = Map::new();
    out.insert("count".to_owned(), json!(rates.count));
    for rate in vigil_stats::RATES {
        out.insert(rate.to_owned(), json!(rates.get(rate)));
    }
    Json::Object(out)
}

fn per_rate(values: &[f64]) -> Json {
    Json::Object(
        vigil_stats::RATES
            .iter()
            .zip(values)
            .map(|(r, v)| ((*r).to_owned(), json!(v)))
            .collect(),
    )
}

fn disparity_json(d: &vigil_stats::Disparity) -> Json {
    json!({ "between_groups": d.between_groups, "to_overall": d.to_overall })
}

/// The `fairness` section: one entry per sensitive analysis (`sex`, or `sex+region` for an
/// intersection with groups such as `F|North`).
pub fn fairness_section(
    dataset: &Dataset,
    predictions: &Predictions,
    target: &str,
    pos_label: Option<&str>,
    sensitive: &[Vec<String>],
) -> Result<Json, EvaluateError> {
    let (Some(classes), Some(labels)) = (&predictions.classes, &predictions.label) else {
        return Err(EvaluateError::Classes(
            "fairness is defined for classifiers only".to_owned(),
        ));
    };
    let class_text: Vec<String> = classes.iter().map(label_text).collect();
    let positive = positive_class(&class_text, pos_label)?.ok_or_else(|| {
        EvaluateError::Classes(
            "fairness of a multiclass model needs --pos-label to say which class is the favourable one"
                .to_owned(),
        )
    })?;
    let rows = dataset.row_count();
    let y_true = class_indices(column(dataset, target)?, rows, &class_text)?;
    let truth: Vec<bool> = y_true.iter().map(|&c| c == positive).collect();
    let favourable = &classes[positive];
    let predicted: Vec<bool> = labels.iter().map(|l| l == favourable).collect();
    let mut section = Map::new();
    for names in sensitive {
        let columns = names
            .iter()
            .map(|n| column(dataset, n))
            .collect::<Result<Vec<_>, _>>()?;
        let (distinct, groups) = group_rows(&columns, rows);
        let f = vigil_stats::fairness(
            &truth,
            &predicted,
            &groups,
            distinct.len(),
            SMALL_GROUP_ROWS,
        )?;
        let group_names: Vec<String> = distinct.iter().map(|k| k.join("|")).collect();
        let by_group: Map<String, Json> = group_names
            .iter()
            .zip(&f.by_group)
            .map(|(g, r)| (g.clone(), rates_json(r)))
            .collect();
        let split = |ds: &[vigil_stats::Disparity]| {
            json!({
                "between_groups": per_rate(&ds.iter().map(|d| d.between_groups.unwrap_or(f64::NAN)).collect::<Vec<_>>()),
                "to_overall": per_rate(&ds.iter().map(|d| d.to_overall.unwrap_or(f64::NAN)).collect::<Vec<_>>()),
            })
        };
        let mut entry = json!({
            "sensitive_features": names,
            "groups": group_names,
            "by_group": by_group,
            "overall": rates_json(&f.overall),
            "group_min": per_rate(&f.group_min),
            "group_max": per_rate(&f.group_max),
            "difference": split(&f.difference),
            "ratio": split(&f.ratio),
            "demographic_parity_difference": disparity_json(&f.demographic_parity_difference),
            "demographic_parity_ratio": disparity_json(&f.demographic_parity_ratio),
            "equalized_odds_difference": disparity_json(&f.equalized_odds_difference),
            "equalized_odds_ratio": disparity_json(&f.equalized_odds_ratio),
            "equalized_odds_difference_mean": disparity_json(&f.equalized_odds_difference_mean),
            "equalized_odds_ratio_mean": disparity_json(&f.equalized_odds_ratio_mean),
            "equal_opportunity_difference": disparity_json(&f.equal_opportunity_difference),
            "equal_opportunity_ratio": disparity_json(&f.equal_opportunity_ratio),
        });
        if !f.small_groups.is_empty() {
            entry["small_groups"] = json!(
                f.small_groups
                    .iter()
                    .map(|&i| &group_names[i])
                    .collect::<Vec<_>>()
            );
            entry["small_group_rows"] = json!(SMALL_GROUP_ROWS);
        }
        section.insert(names.join("+"), entry);
    }
    Ok(Json::Object(section))
}

/// Metrics and, when sensitive columns are given, fairness.
pub fn score_all(
    dataset: &Dataset,
    predictions: &Predictions,
    exact_probabilities: Option<&[Vec<f64>]>,
    target: &str,
    pos_label: Option<&str>,
    sensitive: &[Vec<String>],
) -> Result<(Json, Option<Json>), EvaluateError> {
    let metrics = score(dataset, predictions, exact_probabilities, target, pos_label)?;
    let fairness = if sensitive.is_empty() {
        None
    } else {
        Some(fairness_section(
            dataset,
            predictions,
            target,
            pos_label,
            sensitive,
        )?)
    };
    Ok((metrics, fairness))
}
