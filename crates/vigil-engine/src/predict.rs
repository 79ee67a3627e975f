//! Running a model over a dataset: describe a model, bind dataset columns to its inputs, run it
//! in chunks, and read labels, class probabilities or regression values from its outputs.

use serde::Serialize;
use vigil_data::{Column, ColumnKind, ColumnProfile, ColumnValues, Dataset};
use vigil_infer::{
    ClassLabels, Device, Dim, ElementType, HostTensor, LoadError, Model, RunError, Value, ValueInfo,
};

/// Rows per inference call: bounds memory on large files without costing speed.
pub const CHUNK_ROWS: usize = 65_536;

#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    #[error("{0}")]
    Load(#[from] LoadError),
    #[error("{0}")]
    Binding(String),
    #[error("{0}")]
    Run(#[from] RunError),
    #[error("the model's outputs cannot be read as predictions: {0}")]
    Outputs(String),
    #[error("the run was cancelled after {done} of {total} rows")]
    Cancelled { done: usize, total: usize },
}

/// Told after each chunk of rows: (rows done, rows in all). Returning `Break` cancels the run.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize) -> std::ops::ControlFlow<()>;

impl PredictError {
    /// Where it failed (`load`, `input`, `run`) and what kind of failure it was.
    pub fn stage_and_kind(&self) -> (&'static str, &'static str) {
        match self {
            Self::Load(
                LoadError::UnsupportedOperator { .. } | LoadError::UnsupportedOpset { .. },
            ) => ("load", "unsupported_operator"),
            Self::Load(_) => ("load", "model_parse"),
            Self::Binding(message) if message.contains("features") || message.contains("shape") => {
                ("input", "input_shape")
            }
            Self::Binding(_) => ("input", "input_name"),
            Self::Run(RunError::InputShape { .. }) => ("input", "input_shape"),
            Self::Run(RunError::MissingInput { .. } | RunError::UnknownInput { .. }) => {
                ("input", "input_name")
            }
            Self::Run(RunError::InputType { .. }) => ("input", "input_type"),
            Self::Run(RunError::Node { .. }) | Self::Outputs(_) => ("run", "runtime"),
            Self::Cancelled { .. } => ("run", "cancelled"),
        }
    }
}

/// An explicit binding of dataset columns to a model input (`--input NAME=COL[,COL…]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InputBinding {
    pub input: String,
    pub columns: Vec<String>,
}

/// A class label as it appears in results: an integer or a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Label {
    Int(i64),
    Str(String),
}

/// The `predictions` section of a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predictions {
    pub n_rows: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<Label>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Vec<Label>>,
    /// `[rows][classes]` in `classes` order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<Vec<f32>>>,
    /// Regression outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<f32>>,
}

/// One operator of an inspected model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorUse {
    pub domain: String,
    pub op_type: String,
    pub nodes: usize,
    pub supported: bool,
}

/// What `inspect` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInspection {
    pub ir_version: i64,
    pub producer: String,
    pub opsets: Vec<(String, i64)>,
    pub inputs: Vec<ValueInfo>,
    pub outputs: Vec<ValueInfo>,
    pub operators: Vec<OperatorUse>,
    /// Whether Vigil can run it; when not, `problem` says why.
    pub runnable: bool,
    pub problem: Option<String>,
}

/// Describes a model file and says whether Vigil can run it.
pub fn inspect_model(bytes: &[u8]) -> Result<ModelInspection, PredictError> {
    let description = vigil_infer::describe(bytes)?;
    let problem = Model::load(bytes).err().map(|e| e.to_string());
    Ok(ModelInspection {
        ir_version: description.ir_version,
        producer: description.producer,
        opsets: description.opsets,
        inputs: description.inputs,
        outputs: description.outputs,
        operators: description
            .op_types
            .into_iter()
            .map(|(domain, op_type, nodes)| OperatorUse {
                supported: vigil_infer::is_supported(&domain, &op_type),
                domain,
                op_type,
                nodes,
            })
            .collect(),
        runnable: problem.is_none(),
        problem,
    })
}

/// Whether a column is a row identifier or a time stamp rather than a feature.
fn is_bookkeeping(column: &ColumnProfile) -> bool {
    column.kind == ColumnKind::Timestamp || column.name.eq_ignore_ascii_case("id")
}

/// Decides which columns feed which input. Explicit bindings first; then inputs named like a
/// column take that column; then a single remaining input takes every other feature column in
/// file order (not the excluded ones — target, unused sensitive columns — nor ids or timestamps).
/// Only the columns' names and kinds matter, so a file can be bound from its profile before its
/// rows are read.
pub fn bind_inputs(
    model: &Model,
    columns: &[ColumnProfile],
    explicit: &[InputBinding],
    excluded: &[String],
) -> Result<Vec<(ValueInfo, Vec<String>)>, PredictError> {
    let mut bound: Vec<(ValueInfo, Vec<String>)> = Vec::new();
    for binding in explicit {
        let info = model
            .inputs()
            .iter()
            .find(|i| i.name == binding.input)
            .ok_or_else(|| {
                PredictError::Binding(format!(
                    "`{}` is not an input of the model (its inputs: {})",
                    binding.input,
                    input_names(model)
                ))
            })?;
        bound.push((info.clone(), binding.columns.clone()));
    }
    let mut unbound: Vec<&ValueInfo> = model
        .inputs()
        .iter()
        .filter(|i| !bound.iter().any(|(b, _)| b.name == i.name))
        .collect();
    let explicitly_bound = bound.len();
    unbound.retain(|info| {
        if columns.iter().any(|c| c.name == info.name) {
            bound.push(((*info).clone(), vec![info.name.clone()]));
            false
        } else {
            true
        }
    });
    match unbound.as_slice() {
        [] => {}
        // A model whose other inputs are named after columns takes columns by name only.
        [info] if bound.len() > explicitly_bound => {
            return Err(PredictError::Binding(format!(
                "model input `{}` matches no dataset column (the model's inputs: {}); bind it with --input {}=COL",
                info.name,
                input_names(model),
                info.name
            )));
        }
        [info] => {
            let used: Vec<&String> = bound.iter().flat_map(|(_, c)| c).collect();
            let features: Vec<String> = columns
                .iter()
                .filter(|c| {
                    !is_bookkeeping(c) && !excluded.contains(&c.name) && !used.contains(&&c.name)
                })
                .map(|c| c.name.clone())
                .collect();
            bound.push(((*info).clone(), features));
        }
        several => {
            let names: Vec<String> = several.iter().map(|i| format!("`{}`", i.name)).collect();
            return Err(PredictError::Binding(format!(
                "the model's inputs {} match no dataset column; bind them with --input NAME=COL[,COL…]",
                names.join(", ")
            )));
        }
    }
    Ok(bound)
}

fn input_names(model: &Model) -> String {
    model
        .inputs()
        .iter()
        .map(|i| format!("`{}`", i.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The tensor for rows `start..end` of the bound columns, shaped `[rows, …fixed dims]`.
fn input_tensor(
    info: &ValueInfo,
    columns: &[&Column],
    start: usize,
    end: usize,
) -> Result<HostTensor, PredictError> {
    let rows = end - start;
    let width = columns.len();
    let declared = info.ty.shape().unwrap_or(&[]);
    let trailing: Vec<Option<usize>> = declared
        .iter()
        .skip(1)
        .map(|d| match d {
            Dim::Fixed(n) => Some(*n),
            Dim::Free(_) => None,
        })
        .collect();
    let shape: Vec<usize> = if trailing.is_empty() {
        vec![rows, width]
    } else if trailing.iter().all(Option::is_some) {
        let fixed: Vec<usize> = trailing.iter().flatten().copied().collect();
        if fixed.iter().product::<usize>() != width {
            return Err(PredictError::Binding(format!(
                "model input `{}` expects {} features ({}); the data gives {width} column{}",
                info.name,
                fixed.iter().product::<usize>(),
                info.ty.notation(),
                if width == 1 { "" } else { "s" }
            )));
        }
        std::iter::once(rows).chain(fixed).collect()
    } else {
        vec![rows, width]
    };
    let element = info.ty.element_type().ok_or_else(|| {
        PredictError::Binding(format!(
            "model input `{}` has type {}, which cannot be fed from a dataset",
            info.name,
            info.ty.notation()
        ))
    })?;
    let mismatch = |column: &Column, wanted: &str| {
        PredictError::Binding(
            format!(
                "model input `{}` takes {wanted}, but column `{}` holds {:?} values",
                info.name, column.name, column.kind
            )
            .to_lowercase(),
        )
    };
    let tensor = match element {
        ElementType::String => {
            let mut values = Vec::with_capacity(rows * width);
            for r in start..end {
                for column in columns {
                    match &column.values {
                        ColumnValues::Text(v) => values.push(v[r].clone().unwrap_or_default()),
                        ColumnValues::Number(_) => return Err(mismatch(column, "text")),
                    }
                }
            }
            HostTensor::strings(shape, values)
        }
        ElementType::Float32 | ElementType::Float64 | ElementType::Int64 | ElementType::Int32 => {
            let numbers = columns
                .iter()
                .map(|column| match &column.values {
                    ColumnValues::Number(v) => Ok(&v[start..end]),
                    ColumnValues::Text(_) => Err(mismatch(column, "numbers")),
                })
                .collect::<Result<Vec<&[f64]>, _>>()?;
            #[expect(
                clippy::cast_possible_truncation,
                reason = "float inputs take the f64 values rounded to f32"
            )]
            match element {
                ElementType::Float32 => {
                    HostTensor::f32(shape, row_major(&numbers, rows, |v| v as f32))
                }
                ElementType::Float64 => HostTensor::new(
                    shape,
                    vigil_infer::TensorData::F64(row_major(&numbers, rows, |v| v)),
                ),
                _ => {
                    let values = row_major(&numbers, rows, |v| v);
                    if values.iter().any(|v| v.is_nan() || v.fract() != 0.0) {
                        return Err(PredictError::Binding(format!(
                            "model input `{}` takes integers, but its columns hold fractions or missing values",
                            info.name
                        )));
                    }
                    HostTensor::i64(shape, values.into_iter().map(|v| v as i64).collect())
                }
            }
        }
        ElementType::Int8
        | ElementType::Int16
        | ElementType::UInt8
        | ElementType::UInt16
        | ElementType::UInt32
        | ElementType::UInt64 => {
            return Err(PredictError::Binding(format!(
                "model input `{}` takes {element} values, which datasets cannot feed yet",
                info.name
            )));
        }
        ElementType::Bool => {
            return Err(PredictError::Binding(format!(
                "model input `{}` takes booleans, which datasets cannot feed yet",
                info.name
            )));
        }
    };
    tensor.map_err(|e| PredictError::Binding(format!("model input `{}`: {e}", info.name)))
}

/// The values of `columns` row by row (row r's value of each column, in order), converted.
fn row_major<T>(columns: &[&[f64]], rows: usize, convert: impl Fn(f64) -> T) -> Vec<T> {
    let mut values = Vec::with_capacity(rows * columns.len());
    for r in 0..rows {
        values.extend(columns.iter().map(|column| convert(column[r])));
    }
    values
}

fn labels_of(labels: &ClassLabels) -> Vec<Label> {
    match labels {
        ClassLabels::Int(v) => v.iter().map(|&i| Label::Int(i)).collect(),
        ClassLabels::Str(v) => v.iter().map(|s| Label::Str(s.clone())).collect(),
    }
}

/// Runs `model` over every row of `dataset` in chunks and collects its predictions.
pub fn predict(
    model: &Model,
    dataset: &Dataset,
    bindings: &[(ValueInfo, Vec<String>)],
    device: &Device,
) -> Result<Predictions, PredictError> {
    predict_in_batches(model, dataset, bindings, device, CHUNK_ROWS)
}

/// [`predict`] with an explicit number of rows per model call (benchmarks compare batch sizes).
pub fn predict_in_batches(
    model: &Model,
    dataset: &Dataset,
    bindings: &[(ValueInfo, Vec<String>)],
    device: &Device,
    batch_rows: usize,
) -> Result<Predictions, PredictError> {
    predict_with_progress(model, dataset, bindings, device, batch_rows, &mut |_, _| {
        std::ops::ControlFlow::Continue(())
    })
}

/// [`predict_in_batches`] that reports progress after each chunk and can be cancelled.
pub fn predict_with_progress(
    model: &Model,
    dataset: &Dataset,
    bindings: &[(ValueInfo, Vec<String>)],
    device: &Device,
    batch_rows: usize,
    progress: Progress<'_>,
) -> Result<Predictions, PredictError> {
    let batch_rows = batch_rows.max(1);
    let rows = dataset.row_count();
    // A missing column is named before any row runs.
    for (info, names) in bindings {
        if let Some(n) = names.iter().find(|n| dataset.column(n).is_none()) {
            return Err(missing_column(n, info));
        }
    }
    let mut chunks = (0..rows).step_by(batch_rows).map(|start| RowChunk::Slice {
        dataset,
        start,
        end: (start + batch_rows).min(rows),
    });
    predict_chunks(
        model,
        bindings,
        device,
        rows,
        &mut chunks,
        &mut |_| {},
        progress,
    )
}

fn missing_column(name: &str, info: &ValueInfo) -> PredictError {
    PredictError::Binding(format!(
        "column `{name}` (for model input `{}`) is not in the dataset",
        info.name
    ))
}

/// Rows for one model call: a stretch of a dataset in memory, or a chunk read from a file.
pub(crate) enum RowChunk<'a> {
    Slice {
        dataset: &'a Dataset,
        start: usize,
        end: usize,
    },
    Read(Vec<Column>),
}

impl RowChunk<'_> {
    fn column(&self, name: &str) -> Option<&Column> {
        match self {
            Self::Slice { dataset, .. } => dataset.column(name),
            Self::Read(columns) => columns.iter().find(|c| c.name == name),
        }
    }

    fn rows(&self) -> (usize, usize) {
        match self {
            Self::Slice { start, end, .. } => (*start, *end),
            Self::Read(columns) => (0, columns.first().map_or(0, |c| c.values.len())),
        }
    }
}

/// Runs `model` over `chunks` in row order and collects its predictions. Chunks run a wave at
/// a time, one per core; their outputs are appended in row order, each chunk is then handed to
/// `after_chunk` (to keep what the caller needs of it), and progress is reported (and a cancel
/// heeded) after each wave. `total_rows` is what progress counts to.
pub(crate) fn predict_chunks<'a>(
    model: &Model,
    bindings: &[(ValueInfo, Vec<String>)],
    device: &Device,
    total_rows: usize,
    chunks: &mut dyn Iterator<Item = RowChunk<'a>>,
    after_chunk: &mut dyn FnMut(RowChunk<'a>),
    progress: Progress<'_>,
) -> Result<Predictions, PredictError> {
    let mut result = Predictions {
        n_rows: 0,
        classes: None,
        label: None,
        probabilities: None,
        value: None,
    };
    let run_chunk = |chunk: &RowChunk<'_>| -> Result<Vec<(String, Value)>, PredictError> {
        let (start, end) = chunk.rows();
        let inputs = bindings
            .iter()
            .map(|(info, names)| {
                let columns = names
                    .iter()
                    .map(|n| chunk.column(n).ok_or_else(|| missing_column(n, info)))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((info.name.clone(), input_tensor(info, &columns, start, end)?))
            })
            .collect::<Result<Vec<_>, PredictError>>()?;
        Ok(model.run(inputs, device)?)
    };
    let threads = rayon::current_num_threads().max(1);
    // A GPU compiles its shaders on the first run of a model: that run goes alone (its
    // progress shows), rather than every core's chunk waiting on the same compilation.
    let mut wave_size = if device.is_gpu() { 1 } else { threads };
    loop {
        let wave: Vec<RowChunk<'a>> = (&mut *chunks).take(wave_size).collect();
        wave_size = threads;
        if wave.is_empty() {
            break;
        }
        let outputs: Vec<Result<Vec<(String, Value)>, PredictError>> = if wave.len() == 1 {
            vec![run_chunk(&wave[0])]
        } else {
            use rayon::prelude::*;
            wave.par_iter().map(run_chunk).collect()
        };
        for (chunk, output) in wave.into_iter().zip(outputs) {
            let output = output?;
            append_outputs(model, &output, &mut result)?;
            let (start, end) = chunk.rows();
            result.n_rows += end - start;
            after_chunk(chunk);
        }
        if progress(result.n_rows, total_rows).is_break() {
            return Err(PredictError::Cancelled {
                done: result.n_rows,
                total: total_rows,
            });
        }
    }
    Ok(result)
}

/// Reads one chunk's outputs: a label tensor (int64 or string) and class scores (a ZipMap or a
/// `[rows, classes]` float tensor) for classifiers, or one float output for regressors.
fn append_outputs(
    model: &Model,
    outputs: &[(String, Value)],
    result: &mut Predictions,
) -> Result<(), PredictError> {
    let mut labels: Option<Vec<Label>> = None;
    let mut scores: Option<(Option<Vec<Label>>, HostTensor)> = None;
    let mut floats: Vec<&HostTensor> = Vec::new();
    for (_, value) in outputs {
        match value {
            Value::MapSequence {
                labels: keys,
                probabilities,
            } => scores = Some((Some(labels_of(keys)), probabilities.clone())),
            Value::Tensor(t) => match t.data() {
                vigil_infer::TensorData::I64(v) if labels.is_none() => {
                    labels = Some(v.iter().map(|&i| Label::Int(i)).collect());
                }
                vigil_infer::TensorData::Str(v) if labels.is_none() => {
                    labels = Some(v.iter().map(|s| Label::Str(s.clone())).collect());
                }
                vigil_infer::TensorData::F32(_) => floats.push(t),
                _ => {}
            },
        }
    }
    if let Some(labels) = labels {
        let (classes, probabilities) = match scores {
            Some(found) => found,
            None => {
                let t = floats.first().ok_or_else(|| {
                    PredictError::Outputs("a label output but no class scores".to_owned())
                })?;
                (model.class_labels().map(labels_of), (*t).clone())
            }
        };
        let [_, width] = *probabilities.shape() else {
            return Err(PredictError::Outputs(format!(
                "class scores of shape {:?}",
                probabilities.shape()
            )));
        };
        let classes = classes.unwrap_or_else(|| {
            (0..width)
                .map(|i| Label::Int(i64::try_from(i).unwrap_or(i64::MAX)))
                .collect()
        });
        if classes.len() != width {
            return Err(PredictError::Outputs(format!(
                "{} classes but {width} score columns",
                classes.len()
            )));
        }
        let values = probabilities
            .as_f32()
            .ok_or_else(|| PredictError::Outputs("class scores are not float".to_owned()))?;
        result.classes.get_or_insert(classes);
        result.label.get_or_insert_with(Vec::new).extend(labels);
        result
            .probabilities
            .get_or_insert_with(Vec::new)
            .extend(values.chunks(width.max(1)).map(<[f32]>::to_vec));
        return Ok(());
    }
    match floats.as_slice() {
        [t] if t.shape().len() == 1 || t.shape().get(1) == Some(&1) => {
            result
                .value
                .get_or_insert_with(Vec::new)
                .extend_from_slice(t.as_f32().unwrap_or_default());
            Ok(())
        }
        _ => Err(PredictError::Outputs(
            "expected a label and class scores, or one regression output".to_owned(),
        )),
    }
}
