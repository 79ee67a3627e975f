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

/// One metric of both models and their difference (second minus first).
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct MetricDelta {
    pub name: String,
    pub first: Option<f64>,
    pub second: Option<f64>,
    pub difference: Option<f64>,
    /// Paired bootstrap 95 % interval of the difference (accuracy and ROC AUC).
    pub difference_low: Option<f64>,
    pub difference_high: Option<f64>,
}

/// One group's accuracy under both models.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct GroupDelta {
    pub sensitive: String,
    pub group: String,
    #[ts(type = "number")]
    pub count: u64,
    pub accuracy_first: f64,
    pub accuracy_second: f64,
    pub difference: f64,
}

/// The comparison as the desktop shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct ComparisonView {
    pub first: String,
    pub second: String,
    #[ts(type = "number")]
    pub rows: u64,
    pub metrics: Vec<MetricDelta>,
    #[ts(type = "number")]
    pub only_first_correct: u64,
    #[ts(type = "number")]
    pub only_second_correct: u64,
    pub mcnemar_pvalue: f64,
    pub delong_z: Option<f64>,
    pub delong_pvalue: Option<f64>,
    pub groups: Vec<GroupDelta>,
    #[ts(type = "number")]
    pub disagreements: u64,
    /// The first disagreeing rows (1-based).
    #[ts(type = "Array<number>")]
    pub disagreeing_rows: Vec<u64>,
}

/// The typed view of a comparison's JSON.
pub fn comparison_view(c: &Json) -> ComparisonView {
    let f = |v: &Json| v.as_f64();
    let metrics = c["metrics"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(name, v)| MetricDelta {
                    name: name.clone(),
                    first: f(&v["first"]),
                    second: f(&v["second"]),
                    difference: f(&v["difference"]),
                    difference_low: f(&v["difference_ci"]["low"]),
                    difference_high: f(&v["difference_ci"]["high"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let groups = c["groups"]
        .as_object()
        .map(|sections| {
            sections
                .iter()
                .flat_map(|(sensitive, groups)| {
                    groups
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(move |(group, g)| GroupDelta {
                            sensitive: sensitive.clone(),
                            group: group.clone(),
                            count: g["count"].as_u64().unwrap_or(0),
                            accuracy_first: g["accuracy_first"].as_f64().unwrap_or(f64::NAN),
                            accuracy_second: g["accuracy_second"].as_f64().unwrap_or(f64::NAN),
                            difference: g["difference"].as_f64().unwrap_or(f64::NAN),
                        })
                })
                .collect()
        })
        .unwrap_or_default();
    ComparisonView {
        first: c["models"][0].as_str().unwrap_or_default().to_owned(),
        second: c["models"][1].as_str().unwrap_or_default().to_owned(),
        rows: c["n_rows"].as_u64().unwrap_or(0),
        metrics,
        only_first_correct: c["mcnemar"]["only_first_correct"].as_u64().unwrap_or(0),
        only_second_correct: c["mcnemar"]["only_second_correct"].as_u64().unwrap_or(0),
        mcnemar_pvalue: c["mcnemar"]["pvalue"].as_f64().unwrap_or(f64::NAN),
        delong_z: f(&c["delong"]["z"]),
        delong_pvalue: f(&c["delong"]["pvalue"]),
        groups,
        disagreements: c["disagreements"]["count"].as_u64().unwrap_or(0),
        disagreeing_rows: c["disagreements"]["rows"]
            .as_array()
            .map(|r| r.iter().filter_map(Json::as_u64).collect())
            .unwrap_or_default(),
    }
}

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
    let bindings = bind_inputs(&model, &dataset.profile.columns, &[], excluded)?;
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

impl crate::Workspace {
    /// Compares two stored evaluations of classifiers on the same dataset and target (champion
    /// first), from their stored per-row predictions: nothing is run again.
    pub async fn compare_evaluations(&self, first_id: i64, second_id: i64) -> Result<Json> {
        let first = self.store().evaluation(first_id).await?;
        let second = self.store().evaluation(second_id).await?;
        if first.dataset_id != second.dataset_id {
            return Err(EngineError::Usage(
                "the evaluations are on different datasets: compare versions on the same data"
                    .to_owned(),
            ));
        }
        let settings = |row: &vigil_store::EvaluationRow| -> Result<crate::EvaluationSettings> {
            serde_json::from_str(&row.settings_json).map_err(|e| EngineError::Decode {
                what: "evaluation settings",
                reason: e.to_string(),
            })
        };
        let (settings_a, settings_b) = (settings(&first)?, settings(&second)?);
        if settings_a.target != settings_b.target {
            return Err(EngineError::Usage(format!(
                "the evaluations score different targets ({} and {})",
                settings_a.target, settings_b.target
            )));
        }
        let dataset_row = self.store().dataset(first.dataset_id).await?;
        let bytes = self.store().blobs().get(&dataset_row.sha256).await?;
        let format = dataset_row.format.clone();
        let dataset = tokio::task::spawn_blocking(move || {
            crate::stored_monitoring::read_stored(&bytes, &format)
        })
        .await
        .map_err(|e| EngineError::TaskFailed(e.to_string()))??;
        let a = self.stored_predictions(&first).await?;
        let b = self.stored_predictions(&second).await?;
        let sensitive: Vec<String> = settings_a
            .sensitive
            .iter()
            .filter(|s| s.len() == 1)
            .flatten()
            .cloned()
            .collect();
        let mut comparison = compare_predictions(
            &dataset,
            &a,
            &b,
            &settings_a.target,
            settings_a.pos_label.as_deref(),
            &sensitive,
        )?;
        let name = |row: &vigil_store::EvaluationRow| {
            format!(
                "{} v{} (evaluation {})",
                row.model_name.as_deref().unwrap_or("logged predictions"),
                row.model_version.unwrap_or(0),
                row.id
            )
        };
        comparison["models"] = json!([name(&first), name(&second)]);
        Ok(json!({ "comparison": comparison }))
    }

    /// A stored evaluation's per-row predictions, in row order, with its classes (the
    /// confusion matrix's labels, which are also the probabilities' order).
    async fn stored_predictions(&self, row: &vigil_store::EvaluationRow) -> Result<Predictions> {
        let result: Json = row
            .result_json
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Json::Null);
        let classes: Vec<crate::predict::Label> = result["metrics"]["confusion_matrix"]["labels"]
            .as_array()
            .ok_or_else(|| {
                EngineError::Usage(format!(
                    "evaluation {} is not of a classifier: nothing to compare row by row",
                    row.id
                ))
            })?
            .iter()
            .map(|l| {
                crate::predict::Label::Str(match l {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
            })
            .collect();
        let mut labels = Vec::new();
        let mut probabilities = Vec::new();
        for p in self.store().all_predictions(row.id).await? {
            labels.push(crate::predict::Label::Str(
                p.predicted_label.clone().unwrap_or_default(),
            ));
            probabilities.push(
                p.probabilities_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str::<Vec<f32>>(j).ok()),
            );
        }
        let probabilities = probabilities.into_iter().collect::<Option<Vec<_>>>();
        Ok(Predictions {
            n_rows: labels.len(),
            classes: Some(classes),
            label: Some(labels),
            probabilities,
            value: None,
        })
    }
}
