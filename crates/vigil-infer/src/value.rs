//! What flows along the graph's edges: tensors, and the per-row class→probability maps that a
//! scikit-learn export's final ZipMap produces.

use crate::tensor::HostTensor;

/// Class labels of a classifier, in the model's order.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassLabels {
    Int(Vec<i64>),
    Str(Vec<String>),
}

impl ClassLabels {
    pub fn len(&self) -> usize {
        match self {
            Self::Int(v) => v.len(),
            Self::Str(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Tensor(HostTensor),
    /// `seq(map(label, float))`: one map per row, stored as the `[rows, classes]` probabilities
    /// with the shared keys.
    MapSequence {
        labels: ClassLabels,
        probabilities: HostTensor,
    },
}

impl Value {
    pub fn as_tensor(&self) -> Option<&HostTensor> {
        match self {
            Self::Tensor(t) => Some(t),
            Self::MapSequence { .. } => None,
        }
    }

    /// A short description of the value's type, for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Tensor(t) => format!("tensor({})", t.element_type()),
            Self::MapSequence { .. } => "seq(map)".to_owned(),
        }
    }
}
