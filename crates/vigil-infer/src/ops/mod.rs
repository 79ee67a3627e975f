//! The operator set: one module per family. `build` turns a node into a ready operator at load
//! (attributes parsed and checked there), so a run never meets an unknown op or a bad attribute.

mod burn_ops;
mod elementwise;
mod math;
mod ml;
mod pool;
mod reduce;
mod shape;
mod structure;

use std::fmt::Debug;

use crate::Device;
use crate::attributes::Attributes;
use crate::error::{OpError, OpResult};
use crate::proto::NodeProto;
use crate::tensor::HostTensor;
use crate::value::Value;

/// A node ready to run.
pub(crate) trait Operator: Send + Sync + Debug {
    fn run(&self, inputs: &[Option<&Value>], device: &Device) -> OpResult<Vec<Value>>;

    /// Takes over a Relu that reads this operator's only output and nothing else does, so that
    /// the values are clipped as they are written instead of in a pass (and a buffer) of their
    /// own. Returns whether it did; by default operators do not.
    fn fuse_relu(&mut self) -> bool {
        false
    }
}

/// What a builder may look at: the node and its domain's opset.
pub(crate) struct BuildContext<'a> {
    pub node: &'a NodeProto,
    pub opset: i64,
}

impl BuildContext<'_> {
    pub fn attributes(&self) -> Attributes<'_> {
        Attributes::new(self.node)
    }
}

#[derive(Debug)]
pub(crate) enum BuildError {
    Unsupported,
    Invalid(String),
}

impl From<&str> for BuildError {
    fn from(reason: &str) -> Self {
        Self::Invalid(reason.to_owned())
    }
}

impl From<String> for BuildError {
    fn from(reason: String) -> Self {
        Self::Invalid(reason)
    }
}

pub(crate) type Built = Result<Box<dyn Operator>, BuildError>;

/// Every operator Vigil runs, by domain. `inspect` reports a model's ops against this list.
pub const SUPPORTED: &[(&str, &[&str])] = &[
    (
        crate::model::ONNX_DOMAIN,
        &[
            "Abs",
            "Add",
            "ArgMax",
            "ArgMin",
            "Cast",
            "Concat",
            "Conv",
            "Div",
            "Exp",
            "Flatten",
            "Gemm",
            "Identity",
            "Log",
            "MatMul",
            "MaxPool",
            "Mul",
            "Neg",
            "Reciprocal",
            "Relu",
            "Reshape",
            "Sigmoid",
            "Softmax",
            "Sqrt",
            "Sub",
            "Tanh",
        ],
    ),
    (
        crate::model::ML_DOMAIN,
        &[
            "ArrayFeatureExtractor",
            "Imputer",
            "LinearClassifier",
            "LinearRegressor",
            "Normalizer",
            "OneHotEncoder",
            "Scaler",
            "TreeEnsembleClassifier",
            "TreeEnsembleRegressor",
            "ZipMap",
        ],
    ),
];

pub fn is_supported(domain: &str, op_type: &str) -> bool {
    SUPPORTED
        .iter()
        .any(|(d, ops)| *d == domain && ops.contains(&op_type))
}

pub(crate) fn build(domain: &str, context: &BuildContext<'_>) -> Built {
    use elementwise::{Binary, Unary};
    let op = context.node.op_type.as_str();
    match (domain, op) {
        (crate::model::ONNX_DOMAIN, _) => match op {
            "Add" => elementwise::binary(context, Binary::Add),
            "Sub" => elementwise::binary(context, Binary::Sub),
            "Mul" => elementwise::binary(context, Binary::Mul),
            "Div" => elementwise::binary(context, Binary::Div),
            "Abs" => elementwise::unary(context, Unary::Abs),
            "Neg" => elementwise::unary(context, Unary::Neg),
            "Exp" => elementwise::unary(context, Unary::Exp),
            "Log" => elementwise::unary(context, Unary::Log),
            "Sqrt" => elementwise::unary(context, Unary::Sqrt),
            "Reciprocal" => elementwise::unary(context, Unary::Reciprocal),
            "Relu" => elementwise::unary(context, Unary::Relu),
            "Sigmoid" => elementwise::unary(context, Unary::Sigmoid),
            "Tanh" => elementwise::unary(context, Unary::Tanh),
            "Identity" => shape::identity(context),
            "Cast" => shape::cast(context),
            "Reshape" => shape::reshape(context),
            "Flatten" => shape::flatten(context),
            "Concat" => shape::concat(context),
            "ArgMax" => reduce::arg_extreme(context, true),
            "ArgMin" => reduce::arg_extreme(context, false),
            "Softmax" => reduce::softmax(context),
            "MatMul" => burn_ops::matmul(context),
            "Gemm" => burn_ops::gemm(context),
            "Conv" => burn_ops::conv(context),
            "MaxPool" => pool::max_pool(context),
            "AveragePool" => math::average_pool(context, false),
            "GlobalAveragePool" => math::average_pool(context, true),
            "BatchNormalization" => math::batch_normalization(context),
            "Pow" => math::pow(context),
            "LeakyRelu" => math::leaky_relu(context),
            "Clip" => math::clip(context),
            "LogSoftmax" => math::log_softmax(context),
            "ReduceSum" => math::reduce(context, math::Reduction::Sum),
            "ReduceMean" => math::reduce(context, math::Reduction::Mean),
            "ReduceMax" => math::reduce(context, math::Reduction::Max),
            "ReduceMin" => math::reduce(context, math::Reduction::Min),
            "ReduceProd" => math::reduce(context, math::Reduction::Prod),
            "ReduceLogSumExp" => math::reduce(context, math::Reduction::LogSumExp),
            "ReduceSumSquare" => math::reduce(context, math::Reduction::SumSquare),
            "ReduceL1" => math::reduce(context, math::Reduction::L1),
            "ReduceL2" => math::reduce(context, math::Reduction::L2),
            "ReduceLogSum" => math::reduce(context, math::Reduction::LogSum),
            "TopK" => math::top_k(context),
            "Constant" => structure::constant(context),
            "ConstantOfShape" => structure::constant_of_shape(context),
            "Shape" => structure::shape(context),
            "Gather" => structure::gather(context),
            "Slice" => structure::slice(context),
            "Squeeze" => structure::squeeze(context),
            "Unsqueeze" => structure::unsqueeze(context),
            "Transpose" => structure::transpose(context),
            "Dropout" => structure::dropout(context),
            "Equal" => structure::compare(context, structure::Comparison::Equal),
            "Greater" => structure::compare(context, structure::Comparison::Greater),
            "GreaterOrEqual" => structure::compare(context, structure::Comparison::GreaterOrEqual),
            "Less" => structure::compare(context, structure::Comparison::Less),
            "LessOrEqual" => structure::compare(context, structure::Comparison::LessOrEqual),
            "Not" => structure::not(context),
            "Where" => structure::where_op(context),
            _ => Err(BuildError::Unsupported),
        },
        (crate::model::ML_DOMAIN, _) => match op {
            "Scaler" => ml::scaler(context),
            "Imputer" => ml::imputer(context),
            "Normalizer" => ml::normalizer(context),
            "OneHotEncoder" => ml::one_hot_encoder(context),
            "ArrayFeatureExtractor" => ml::array_feature_extractor(context),
            "LinearClassifier" => ml::linear_classifier(context),
            "LinearRegressor" => ml::linear_regressor(context),
            "ZipMap" => ml::zipmap(context),
            "Binarizer" => ml::binarizer(context),
            "LabelEncoder" => ml::label_encoder(context),
            "TreeEnsembleClassifier" => ml::tree_ensemble(context, true),
            "TreeEnsembleRegressor" => ml::tree_ensemble(context, false),
            _ => Err(BuildError::Unsupported),
        },
        _ => Err(BuildError::Unsupported),
    }
}

/// Input `index` as a tensor, or an error naming it.
pub(crate) fn tensor_input<'a>(
    inputs: &[Option<&'a Value>],
    index: usize,
) -> OpResult<&'a HostTensor> {
    match inputs.get(index).copied().flatten() {
        Some(Value::Tensor(t)) => Ok(t),
        Some(other) => Err(OpError::new(format!(
            "input {index} is a {}, not a tensor",
            other.describe()
        ))),
        None => Err(OpError::new(format!("input {index} is missing"))),
    }
}

pub(crate) fn optional_tensor_input<'a>(
    inputs: &[Option<&'a Value>],
    index: usize,
) -> OpResult<Option<&'a HostTensor>> {
    match inputs.get(index).copied().flatten() {
        Some(Value::Tensor(t)) => Ok(Some(t)),
        Some(other) => Err(OpError::new(format!(
            "input {index} is a {}, not a tensor",
            other.describe()
        ))),
        None => Ok(None),
    }
}

/// Resolves a possibly negative axis against a rank.
pub(crate) fn normalize_axis(axis: i64, rank: usize) -> OpResult<usize> {
    let rank_i = i64::try_from(rank).map_err(|_| OpError::new("rank too large"))?;
    let resolved = if axis < 0 { axis + rank_i } else { axis };
    if (0..rank_i.max(1)).contains(&resolved) {
        usize::try_from(resolved).map_err(|_| OpError::new("axis out of range"))
    } else {
        Err(OpError::new(format!(
            "axis {axis} is out of range for rank {rank}"
        )))
    }
}

pub(crate) fn one(tensor: HostTensor) -> OpResult<Vec<Value>> {
    Ok(vec![Value::Tensor(tensor)])
}

/// The class labels a scikit-learn classifier node declares (the first one in the graph wins).
pub(crate) fn declared_class_labels(
    domain: &str,
    node: &NodeProto,
) -> Option<crate::value::ClassLabels> {
    if domain != crate::model::ML_DOMAIN {
        return None;
    }
    let attributes = Attributes::new(node);
    let int_name = match node.op_type.as_str() {
        "LinearClassifier" => "classlabels_ints",
        "TreeEnsembleClassifier" | "ZipMap" => "classlabels_int64s",
        _ => return None,
    };
    ml::class_labels(&attributes, int_name).ok()
}
