//! Champion against challenger on the same rows: both models' metrics and their differences
//! with paired bootstrap intervals, McNemar's exact test on which rows each gets right, DeLong's
//! test for the ROC AUC difference (binary), accuracy per group, and the rows they disagree on.

use std::path::Path;

use serde_json::{Value as Json, json};
use vigil_data::Dataset;

use crate::evaluate::{self, cell_text, label_text, positive_class};
use crate::predict::{Predictions, bind_inputs, predict};
use crate::{EngineError, Result};

/// How many disagreeing rows are listed by number (all are counted).
pub const LISTED_DISAGREEMENTS: usize = 100;

/// What `vigil compare` reads.
pub struct CompareFiles<'a> {
    pub first: &'a Path,
    pub second: &'a Path,
    pub data: &'a Path,
    pub target: &'a str,
    pub pos_label: Option<&'a str>,
    /// Sensitive columns; accuracy is compared per group of each.
    pub sensitive: &'a [String],
}

fn run_model(path: &Path, dataset: &Dataset, excluded: &[String]) -> Result<Predictions> {
    let bytes = std::fs::read(path).map_err(|source| EngineError::ReadFile {
        path: path.display().to_string(),
        source,
    })?;
    let model = vigil_infer::Model::load(&bytes).map_err(crate::predict::PredictError::from)?;
    let bindings = bind_inputs(&model, dataset, &[], excluded)?;
    Ok(predict(
        &model,
        dataset,
        &bindings,
        &vigil_infer::Device::cpu(),
    )?)
}

/// Headline metrics of one model, picked from its metric section.
fn headline(metrics: &Json) -> Vec<(&'static str, Option<f64>)> {
    vec![
        ("accuracy", metrics["accuracy"].as_f64()),
        ("balanced_accuracy", metrics["balanced_accuracy"].as_f64()),
        ("f1_macro", metrics["f1"]["macro"].as_f64()),
        ("roc_auc", metrics["roc_auc"]["binary"].as_f64()),
        ("log_loss", metrics["log_loss"].as_f64()),
    ]
}

/// Compares two classifiers' predictions on `dataset`.
pub fn compare_predictions(
    dataset: &Dataset,
    first: &Predictions,
    second: &Predictions,
    target: &str,
    pos_label: Option<&str>,
    sensitive: &[String],
) -> Result<Json> {
    let (Some(classes_a), Some(labels_a), Some(classes_b), Some(labels_b)) =
        (&first.classes, &first.label, &second.classes, &second.label)
    else {
        return Err(EngineError::Usage(
            "comparison needs two classifiers (labels and classes)".to_owned(),
        ));
    };
    let class_text: Vec<String> = classes_a.iter().map(label_text).collect();
    let class_text_b: Vec<String> = classes_b.iter().map(label_text).collect();
    if class_text != class_text_b {
        return Err(EngineError::Usage(format!(
            "the models predict different classes ({} vs {}): they cannot be compared row by row",
            class_text.join(", "),
            class_text_b.join(", ")
        )));
    }
    let metrics_a = evaluate::score(dataset, first, None, target, pos_label)?;
    let metrics_b = evaluate::score(dataset, second, None, target, pos_label)?;
    let truth_column = dataset
        .column(target)
        .ok_or_else(|| EngineError::Usage(format!("the dataset has no column `{target}`")))?;
    let rows = dataset.row_count();
    let truth: Vec<Option<String>> = (0..rows).map(|r| cell_text(truth_column, r)).collect();
    let correct = |labels: &[crate::predict::Label]| -> Vec<bool> {
        labels
            .iter()
            .zip(&truth)
            .map(|(l, t)| t.as_deref() == Some(&*label_text(l)))
            .collect()
    };
    let (correct_a, correct_b) = (correct(labels_a), correct(labels_b));
    let positive = positive_class(&class_text, pos_label)?;
    let binary_scores = match (positive, &first.probabilities, &second.probabilities) {
        (Some(p), Some(pa), Some(pb)) if class_text.len() == 2 => {
            let flags: Vec<bool> = truth
                .iter()
                .map(|t| t.as_deref() == Some(class_text[p].as_str()))
                .collect();
            let score = |probabilities: &[Vec<f32>]| -> Vec<f64> {
                probabilities.iter().map(|row| f64::from(row[p])).collect()
            };
            Some((flags, score(pa), score(pb)))
        }
        _ => None,
    };
    let bootstrap = vigil_stats::Bootstrap::default();
    let intervals = vigil_stats::paired_intervals(
        &correct_a,
        &correct_b,
        binary_scores
            .as_ref()
            .map(|(f, a, b)| (f.as_slice(), a.as_slice(), b.as_slice())),
        &bootstrap,
    );
    let mut metrics = serde_json::Map::new();
    for ((name, a), (_, b)) in headline(&metrics_a).into_iter().zip(headline(&metrics_b)) {
        let interval = match name {
            "accuracy" => intervals.accuracy_difference,
            "roc_auc" => intervals.roc_auc_difference,
            _ => None,
        };
        if a.is_none() && b.is_none() {
            continue;
        }
        metrics.insert(
            name.to_owned(),
            json!({
                "first": a,
                "second": b,
                "difference": a.zip(b).map(|(a, b)| b - a),
                "difference_ci": interval,
            }),
        );
    }
    let mcnemar = vigil_stats::mcnemar_exact(&correct_a, &correct_b);
    let delong = binary_scores
        .as_ref()
        .and_then(|(flags, a, b)| vigil_stats::delong_test(flags, a, b));

    let mut groups = serde_json::Map::new();
    for column_name in sensitive {
        let column = dataset.column(column_name).ok_or_else(|| {
            EngineError::Usage(format!(
                "the dataset has no sensitive column `{column_name}`"
            ))
        })?;
        let mut by_group: std::collections::BTreeMap<String, (u64, u64, u64)> = Default::default();
        for row in 0..rows {
            let key = cell_text(column, row).unwrap_or_else(|| "(missing)".to_owned());
            let entry = by_group.entry(key).or_default();
            entry.0 += 1;
            entry.1 += u64::from(correct_a[row]);
            entry.2 += u64::from(correct_b[row]);
        }
        let section: serde_json::Map<String, Json> = by_group
            .into_iter()
            .map(|(group, (count, a, b))| {
                let (a, b) = (a as f64 / count as f64, b as f64 / count as f64);
                (
                    group,
                    json!({ "count": count, "accuracy_first": a, "accuracy_second": b, "difference": b - a }),
                )
            })
            .collect();
        groups.insert(column_name.clone(), Json::Object(section));
    }
    let disagreeing: Vec<usize> = labels_a
        .iter()
        .zip(labels_b)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(row, _)| row + 1)
        .collect();
    Ok(json!({
        "n_rows": rows,
        "metrics": metrics,
        "bootstrap": bootstrap,
        "mcnemar": mcnemar,
        "delong": delong,
        "groups": groups,
        "disagreements": {
            "count": disagreeing.len(),
            "rows": disagreeing.iter().take(LISTED_DISAGREEMENTS).collect::<Vec<_>>(),
        },
    }))
}

/// `vigil compare`: runs both models over the data and compares them. `{"comparison": …}`.
pub fn compare_files(files: &CompareFiles<'_>) -> Result<Json> {
    let dataset = crate::read_dataset(files.data)?;
    let mut excluded = vec![files.target.to_owned()];
    excluded.extend(files.sensitive.iter().cloned());
    let first = run_model(files.first, &dataset, &excluded)?;
    let second = run_model(files.second, &dataset, &excluded)?;
    let mut comparison = compare_predictions(
        &dataset,
        &first,
        &second,
        files.target,
        files.pos_label,
        files.sensitive,
    )?;
    comparison["models"] = json!([
        files.first.display().to_string(),
        files.second.display().to_string()
    ]);
    Ok(json!({ "comparison": comparison }))
}
