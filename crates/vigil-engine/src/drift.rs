//! Drift between two datasets: choosing and typing the columns, counting categories, and
//! handing each column to `vigil_stats::drift`; the result as Vigil's JSON drift section.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use vigil_data::{Column, ColumnKind, ColumnValues, Dataset};
use vigil_stats::drift::{
    CategoryCounts, ColumnDrift, DatasetDrift, EvidentlyPreset, NamedColumnDrift,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// How a column is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Treatment {
    Numerical,
    Categorical,
}

/// What a later batch is compared against, kept so that scoring a batch never re-reads the
/// reference file: per column the sorted finite values (numbers) or the category counts, and
/// the missing count. Bin edges and every other reference-side number derive from these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceProfile {
    pub rows: usize,
    pub columns: Vec<ProfiledColumn>,
    pub excluded: Vec<ExcludedColumn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfiledColumn {
    pub name: String,
    pub treatment: Treatment,
    pub missing: u64,
    /// Numerical: the finite values, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sorted_values: Vec<f64>,
    /// Categorical: the categories seen and their counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<CategoryTally>,
}

/// Category counts of one sample. Categories of a numeric column keep their number, so that
/// they sort numerically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryTally {
    pub numeric: bool,
    /// (number for numeric columns, else 0; text; count), in first-seen order.
    pub entries: Vec<(f64, String, u64)>,
    pub missing: u64,
}

impl CategoryTally {
    fn of(column: &Column) -> Self {
        use std::collections::HashMap;
        let mut entries: Vec<(f64, String, u64)> = Vec::new();
        let mut missing = 0;
        let numeric = match &column.values {
            ColumnValues::Number(values) => {
                // Keyed by the number's bits: one text per distinct value, not per row.
                let mut position: HashMap<u64, usize> = HashMap::new();
                for &v in values {
                    if !v.is_finite() {
                        missing += 1;
                        continue;
                    }
                    // -0.0 and 0.0 are one category.
                    let key = if v == 0.0 { 0.0f64 } else { v }.to_bits();
                    match position.get(&key) {
                        Some(&i) => entries[i].2 += 1,
                        None => {
                            position.insert(key, entries.len());
                            entries.push((v, crate::evaluate::number_text(v), 1));
                        }
                    }
                }
                true
            }
            ColumnValues::Text(values) => {
                let mut position: HashMap<&str, usize> = HashMap::new();
                for v in values {
                    let Some(text) = v.as_deref() else {
                        missing += 1;
                        continue;
                    };
                    match position.get(text) {
                        Some(&i) => entries[i].2 += 1,
                        None => {
                            position.insert(text, entries.len());
                            entries.push((0.0, text.to_owned(), 1));
                        }
                    }
                }
                false
            }
        };
        Self {
            numeric,
            entries,
            missing,
        }
    }
}

/// Category counts of both samples over the sorted union of their categories — numbers in
/// numeric order when both columns are numeric, else by text in code-point order.
fn merge_tallies(reference: &CategoryTally, current: &CategoryTally) -> CategoryCounts {
    let mut union: Vec<(f64, &str)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (key, text, _) in reference.entries.iter().chain(&current.entries) {
        if seen.insert(text.as_str()) {
            union.push((*key, text));
        }
    }
    if reference.numeric && current.numeric {
        union.sort_by(|a, b| a.0.total_cmp(&b.0));
    } else {
        union.sort_by(|a, b| a.1.cmp(b.1));
    }
    let position: std::collections::HashMap<&str, usize> = union
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (*t, i))
        .collect();
    let counts = |tally: &CategoryTally| {
        let mut counts = vec![0u64; union.len()];
        for (_, text, count) in &tally.entries {
            if let Some(&i) = position.get(text.as_str()) {
                counts[i] += count;
            }
        }
        counts
    };
    CategoryCounts {
        reference: counts(reference),
        current: counts(current),
        categories: union.iter().map(|(_, t)| (*t).to_owned()).collect(),
        missing_ref: reference.missing,
        missing_cur: current.missing,
    }
}

impl ReferenceProfile {
    /// Profiles the reference's columns: those named in `selection`, or (when it names none)
    /// every column except timestamps, identifiers and `selection.exclude`.
    pub fn build(reference: &Dataset, selection: &DriftColumns) -> Result<Self> {
        let (chosen, excluded) = choose_columns(reference, selection)?;
        let mut columns = Vec::with_capacity(chosen.len());
        for (name, treatment) in chosen {
            let column = reference.column(&name).ok_or_else(|| {
                EngineError::Usage(format!(
                    "column `{name}` is missing from the reference dataset"
                ))
            })?;
            let profiled = match (treatment, &column.values) {
                (Treatment::Numerical, ColumnValues::Number(values)) => {
                    let (sorted_values, missing) = sorted_finite(values);
                    ProfiledColumn {
                        name,
                        treatment,
                        missing,
                        sorted_values,
                        categories: None,
                    }
                }
                (Treatment::Numerical, ColumnValues::Text(_)) => {
                    return Err(EngineError::Usage(format!(
                        "column `{name}` is not numeric; compare it with --categorical"
                    )));
                }
                (Treatment::Categorical, _) => {
                    let tally = CategoryTally::of(column);
                    ProfiledColumn {
                        name,
                        treatment,
                        missing: tally.missing,
                        sorted_values: Vec::new(),
                        categories: Some(tally),
                    }
                }
            };
            columns.push(profiled);
        }
        Ok(Self {
            rows: reference.row_count(),
            columns,
            excluded,
        })
    }

    /// Compares `current` with this reference. With an automatic choice, columns the current
    /// data lacks are left out (and listed); named columns must be there.
    pub fn compare(&self, current: &Dataset, named_columns: bool) -> Result<DriftReport> {
        let mut excluded = self.excluded.clone();
        let mut columns = Vec::with_capacity(self.columns.len());
        for profiled in &self.columns {
            let name = &profiled.name;
            let Some(current_column) = current.column(name) else {
                if named_columns {
                    return Err(EngineError::Usage(format!(
                        "column `{name}` is missing from the current dataset"
                    )));
                }
                excluded.push(ExcludedColumn {
                    name: name.clone(),
                    reason: "not in the current dataset".to_owned(),
                });
                continue;
            };
            let drift_error = |source| EngineError::Drift {
                column: name.clone(),
                source,
            };
            let drift = match (&profiled.categories, &current_column.values) {
                (None, ColumnValues::Number(values)) => {
                    let (sorted, missing) = sorted_finite(values);
                    numeric_drift_sorted(
                        &profiled.sorted_values,
                        profiled.missing,
                        &sorted,
                        missing,
                    )
                    .map(ColumnDrift::Numerical)
                    .map_err(drift_error)?
                }
                (None, ColumnValues::Text(_)) => {
                    return Err(EngineError::Usage(format!(
                        "column `{name}` is numeric in the reference but not in the current data"
                    )));
                }
                (Some(tally), _) => {
                    categorical_drift(merge_tallies(tally, &CategoryTally::of(current_column)))
                        .map(ColumnDrift::Categorical)
                        .map_err(drift_error)?
                }
            };
            columns.push(NamedColumnDrift {
                name: name.clone(),
                drift,
            });
        }
        if columns.is_empty() {
            return Err(EngineError::Usage(
                "there are no columns to compare: the datasets share none that can drift"
                    .to_owned(),
            ));
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
}

/// Compares `current` with `reference` column by column.
pub fn drift_between(
    reference: &Dataset,
    current: &Dataset,
    selection: &DriftColumns,
) -> Result<DriftReport> {
    let named = !selection.numerical.is_empty() || !selection.categorical.is_empty();
    ReferenceProfile::build(reference, selection)?.compare(current, named)
}

/// Columns to compare, in order, with how to treat each.
type ChosenColumns = Vec<(String, Treatment)>;

fn choose_columns(
    reference: &Dataset,
    selection: &DriftColumns,
) -> Result<(ChosenColumns, Vec<ExcludedColumn>)> {
    if !selection.numerical.is_empty() || !selection.categorical.is_empty() {
        let mut chosen = Vec::new();
        for name in &selection.numerical {
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
                let treatment = match &column.values {
                    ColumnValues::Number(_) if column.kind != ColumnKind::Boolean => {
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
