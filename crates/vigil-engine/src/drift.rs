//! Drift between two datasets: choosing and typing the columns, counting categories, and
//! handing each column to `vigil_stats::drift`; the result as Vigil's JSON drift section.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::{Value as Json, json};
use vigil_data::{Column, ColumnKind, ColumnValues, Dataset};
use vigil_stats::drift::{
    CategoryCounts, ColumnDrift, DatasetDrift, DriftError, EvidentlyPreset, NamedColumnDrift,
    categorical_drift, evidently_dataset_drift, numeric_drift_sorted, plain_dataset_drift,
    sorted_finite,
};

use crate::{EngineError, Result};

/// Which columns to compare. Empty lists mean "choose": every column both datasets share,
/// numeric ones as numerical and the rest as categorical, leaving out timestamps, identifiers
/// (every reference value distinct) and `exclude`.
#[derive(Debug, Clone, Default)]
pub struct DriftColumns {
    pub numerical: Vec<String>,
    pub categorical: Vec<String>,
    pub exclude: Vec<String>,
}

/// A column left out of an automatic choice, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExcludedColumn {
    pub name: String,
    pub reason: String,
}

/// Drift of every compared column, with the dataset verdicts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    pub columns: Vec<NamedColumnDrift>,
    /// From the plain flags (KS p < 0.05 for numbers, homogeneity p < 0.05 for categories).
    pub plain: DatasetDrift,
    /// Evidently's verdict under each configuration, keyed as in result files.
    pub evidently: BTreeMap<&'static str, DatasetDrift>,
    pub excluded: Vec<ExcludedColumn>,
}

impl DriftReport {
    /// The headline verdict: Evidently's default choice of method per column.
    pub fn verdict(&self) -> &DatasetDrift {
        &self.evidently[EvidentlyPreset::Default.key()]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Treatment {
    Numerical,
    Categorical,
}

/// Compares `current` with `reference` column by column.
pub fn drift_between(
    reference: &Dataset,
    current: &Dataset,
    selection: &DriftColumns,
) -> Result<DriftReport> {
    let (chosen, excluded) = choose_columns(reference, current, selection)?;
    if chosen.is_empty() {
        return Err(EngineError::Usage(
            "there are no columns to compare: the datasets share none that can drift".to_owned(),
        ));
    }
    let mut columns = Vec::with_capacity(chosen.len());
    for (name, treatment) in chosen {
        let (Some(reference_column), Some(current_column)) =
            (reference.column(&name), current.column(&name))
        else {
            return Err(EngineError::Usage(format!(
                "column `{name}` is missing from the {} dataset",
                if reference.column(&name).is_none() {
                    "reference"
                } else {
                    "current"
                }
            )));
        };
        let drift =
            column_drift(reference_column, current_column, treatment).map_err(|source| {
                EngineError::Drift {
                    column: name.clone(),
                    source,
                }
            })?;
        columns.push(NamedColumnDrift { name, drift });
    }
    let evidently = EvidentlyPreset::ALL
        .iter()
        .map(|&preset| (preset.key(), evidently_dataset_drift(&columns, preset)))
        .collect();
    Ok(DriftReport {
        plain: plain_dataset_drift(&columns),
        evidently,
        columns,
        excluded,
    })
}

/// Columns to compare, in order, with how to treat each.
type ChosenColumns = Vec<(String, Treatment)>;

fn choose_columns(
    reference: &Dataset,
    current: &Dataset,
    selection: &DriftColumns,
) -> Result<(ChosenColumns, Vec<ExcludedColumn>)> {
    if !selection.numerical.is_empty() || !selection.categorical.is_empty() {
        let mut chosen = Vec::new();
        for name in &selection.numerical {
            for dataset in [reference, current] {
                if let Some(column) = dataset.column(name)
                    && !matches!(column.values, ColumnValues::Number(_))
                {
                    return Err(EngineError::Usage(format!(
                        "column `{name}` is not numeric; compare it with --categorical"
                    )));
                }
            }
            chosen.push((name.clone(), Treatment::Numerical));
        }
        for name in &selection.categorical {
            if selection.numerical.contains(name) {
                return Err(EngineError::Usage(format!(
                    "column `{name}` is listed as both numerical and categorical"
                )));
            }
            chosen.push((name.clone(), Treatment::Categorical));
        }
        return Ok((chosen, Vec::new()));
    }
    let mut chosen = Vec::new();
    let mut excluded = Vec::new();
    for column in &reference.columns {
        let name = &column.name;
        let reason = if selection.exclude.contains(name) {
            Some("excluded on request".to_owned())
        } else if current.column(name).is_none() {
            Some("not in the current dataset".to_owned())
        } else if column.kind == ColumnKind::Timestamp {
            Some("a timestamp orders rows; it does not drift".to_owned())
        } else if is_identifier(column) {
            Some("every reference value is distinct (an identifier)".to_owned())
        } else {
            None
        };
        match reason {
            Some(reason) => excluded.push(ExcludedColumn {
                name: name.clone(),
                reason,
            }),
            None => {
                let treatment = match (&column.values, current.column(name).map(|c| &c.values)) {
                    (ColumnValues::Number(_), Some(ColumnValues::Number(_)))
                        if column.kind != ColumnKind::Boolean =>
                    {
                        Treatment::Numerical
                    }
                    _ => Treatment::Categorical,
                };
                chosen.push((name.clone(), treatment));
            }
        }
    }
    Ok((chosen, excluded))
}

/// Integer or text values, at least 20 of them, all distinct: row identifiers.
fn is_identifier(column: &Column) -> bool {
    match &column.values {
        ColumnValues::Number(values) => {
            if column.kind != ColumnKind::Integer || values.len() < 20 {
                return false;
            }
            let (sorted, missing) = sorted_finite(values);
            missing == 0 && sorted.windows(2).all(|w| w[0] != w[1])
        }
        ColumnValues::Text(values) => {
            if values.len() < 20 {
                return false;
            }
            let mut seen = std::collections::HashSet::with_capacity(values.len());
            values
                .iter()
                .all(|v| v.as_deref().is_some_and(|v| seen.insert(v)))
        }
    }
}

fn column_drift(
    reference: &Column,
    current: &Column,
    treatment: Treatment,
) -> std::result::Result<ColumnDrift, DriftError> {
    match (treatment, &reference.values, &current.values) {
        (Treatment::Numerical, ColumnValues::Number(r), ColumnValues::Number(c)) => {
            let (r, missing_r) = sorted_finite(r);
            let (c, missing_c) = sorted_finite(c);
            numeric_drift_sorted(&r, missing_r, &c, missing_c).map(ColumnDrift::Numerical)
        }
        _ => categorical_drift(category_counts(reference, current)).map(ColumnDrift::Categorical),
    }
}

/// Category counts over the sorted union of both columns' values — numbers in numeric order
/// when both columns are numeric, else the text of each value in code-point order; missing
/// values are counted apart.
fn category_counts(reference: &Column, current: &Column) -> CategoryCounts {
    /// Present values as (sort key, text); the sort key is the number for numeric columns.
    fn present(column: &Column) -> (Vec<(f64, String)>, u64) {
        let mut missing = 0;
        let mut out = Vec::new();
        match &column.values {
            ColumnValues::Number(values) => {
                for &v in values {
                    if v.is_finite() {
                        out.push((v, crate::evaluate::number_text(v)));
                    } else {
                        missing += 1;
                    }
                }
            }
            ColumnValues::Text(values) => {
                for v in values {
                    match v {
                        Some(text) => out.push((0.0, text.clone())),
                        None => missing += 1,
                    }
                }
            }
        }
        (out, missing)
    }
    let both_numeric = matches!(
        (&reference.values, &current.values),
        (ColumnValues::Number(_), ColumnValues::Number(_))
    );
    let (reference_values, missing_ref) = present(reference);
    let (current_values, missing_cur) = present(current);
    let mut categories: Vec<(f64, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (key, text) in reference_values.iter().chain(&current_values) {
        if seen.insert(text.as_str()) {
            categories.push((*key, text.clone()));
        }
    }
    if both_numeric {
        categories.sort_by(|a, b| a.0.total_cmp(&b.0));
    } else {
        categories.sort_by(|a, b| a.1.cmp(&b.1));
    }
    let position: std::collections::HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, (_, text))| (text.as_str(), i))
        .collect();
    let count = |values: &[(f64, String)]| {
        let mut counts = vec![0u64; categories.len()];
        for (_, text) in values {
            if let Some(&i) = position.get(text.as_str()) {
                counts[i] += 1;
            }
        }
        counts
    };
    let (reference_counts, current_counts) = (count(&reference_values), count(&current_values));
    CategoryCounts {
        reference: reference_counts,
        current: current_counts,
        categories: categories.into_iter().map(|(_, text)| text).collect(),
        missing_ref,
        missing_cur,
    }
}

/// The report as the `drift` section of Vigil's result JSON: `n_columns`, `n_drifted`,
/// `share_drifted`, `dataset_drift` (plain flags), `columns` by name, and `evidently` per
/// configuration.
pub fn drift_json(report: &DriftReport, reference: &str, current: &str) -> Json {
    let mut columns = serde_json::Map::new();
    for column in &report.columns {
        columns.insert(column.name.clone(), json!(column.drift));
    }
    json!({
        "reference": reference,
        "current": current,
        "n_columns": report.plain.n_columns,
        "n_drifted": report.plain.n_drifted,
        "share_drifted": report.plain.share_drifted,
        "dataset_drift": report.plain.dataset_drift,
        "columns": columns,
        "evidently": report.evidently,
        "excluded": report.excluded,
    })
}

/// `vigil drift`: reads both files and compares them.
pub fn drift_files(reference: &Path, current: &Path, selection: &DriftColumns) -> Result<Json> {
    let reference_data = crate::read_dataset(reference)?;
    let current_data = crate::read_dataset(current)?;
    let report = drift_between(&reference_data, &current_data, selection)?;
    Ok(json!({
        "drift": drift_json(
            &report,
            &reference.display().to_string(),
            &current.display().to_string()
        )
    }))
}
