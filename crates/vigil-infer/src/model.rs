//! Loading: decode the protobuf, check the graph (every value defined once, no cycle, every
//! operator known and its attributes valid), order the nodes, and plan when each intermediate
//! value can be freed. Running: feed inputs, execute nodes in order, collect outputs.

use std::borrow::Cow;
use std::collections::HashMap;

use prost::Message;

use crate::Device;
use crate::error::{LoadError, OpError, RunError};
use crate::initializer::decode_tensor;
use crate::ops::{self, BuildContext, Operator};
use crate::proto::{GraphProto, ModelProto};
use crate::signature::{Dim, ValueInfo, value_info};
use crate::tensor::HostTensor;
use crate::value::{ClassLabels, Value};

/// The default ONNX domain's canonical name.
pub const ONNX_DOMAIN: &str = "ai.onnx";
pub const ML_DOMAIN: &str = "ai.onnx.ml";

pub(crate) fn canonical_domain(domain: &str) -> &str {
    if domain.is_empty() {
        ONNX_DOMAIN
    } else {
        domain
    }
}

/// An operator with its input and output value names, before slots are assigned.
type BuiltNode = (Box<dyn Operator>, Vec<String>, Vec<String>);

#[derive(Debug)]
struct PlannedNode {
    name: String,
    op_type: String,
    op: Box<dyn Operator>,
    inputs: Vec<Option<usize>>,
    outputs: Vec<Option<usize>>,
    /// Slots whose last reader is this node: freed right after it runs.
    frees: Vec<usize>,
}

/// What a model file declares, read without checking its operators: for `inspect`, which must
/// describe a model even when Vigil cannot run it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDescription {
    pub ir_version: i64,
    pub producer: String,
    pub opsets: Vec<(String, i64)>,
    pub inputs: Vec<ValueInfo>,
    pub outputs: Vec<ValueInfo>,
    /// (domain, op type, node count) in graph order.
    pub op_types: Vec<(String, String, usize)>,
}

/// Decodes a model file far enough to describe it.
pub fn describe(bytes: &[u8]) -> Result<ModelDescription, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::EmptyFile);
    }
    let proto = ModelProto::decode(bytes)
        .map_err(|e| LoadError::InvalidProtobuf(format!("protobuf decoding failed: {e}")))?;
    let graph = proto.graph.as_ref().ok_or(LoadError::NoGraph)?;
    let initializers: Vec<&str> = graph.initializer.iter().map(|i| i.name.as_str()).collect();
    let mut op_types: Vec<(String, String, usize)> = Vec::new();
    for node in &graph.node {
        let domain = canonical_domain(&node.domain);
        match op_types
            .iter_mut()
            .find(|(d, o, _)| d == domain && *o == node.op_type)
        {
            Some(entry) => entry.2 += 1,
            None => op_types.push((domain.to_owned(), node.op_type.clone(), 1)),
        }
    }
    Ok(ModelDescription {
        ir_version: proto.ir_version,
        producer: format!("{} {}", proto.producer_name, proto.producer_version)
            .trim()
            .to_owned(),
        opsets: proto
            .opset_import
            .iter()
            .map(|o| (canonical_domain(&o.domain).to_owned(), o.version))
            .collect(),
        inputs: graph
            .input
            .iter()
            .filter(|i| !initializers.contains(&i.name.as_str()))
            .map(value_info)
            .collect(),
        outputs: graph.output.iter().map(value_info).collect(),
        op_types,
    })
}

/// A loaded, checked model ready to run.
#[derive(Debug)]
pub struct Model {
    ir_version: i64,
    producer: String,
    opsets: Vec<(String, i64)>,
    op_types: Vec<(String, String)>,
    inputs: Vec<ValueInfo>,
    outputs: Vec<ValueInfo>,
    input_slots: Vec<usize>,
    output_slots: Vec<usize>,
    constants: Vec<(usize, Value)>,
    nodes: Vec<PlannedNode>,
    slot_count: usize,
    class_labels: Option<ClassLabels>,
}

impl Model {
    /// Decodes and checks a model file's bytes.
    pub fn load(bytes: &[u8]) -> Result<Self, LoadError> {
        if bytes.is_empty() {
            return Err(LoadError::EmptyFile);
        }
        let proto = ModelProto::decode(bytes)
            .map_err(|e| LoadError::InvalidProtobuf(format!("protobuf decoding failed: {e}")))?;
        let graph = proto.graph.as_ref().ok_or(LoadError::NoGraph)?;
        if graph.node.is_empty() && graph.output.is_empty() {
            return Err(LoadError::NoGraph);
        }
        let opsets: Vec<(String, i64)> = proto
            .opset_import
            .iter()
            .map(|o| (canonical_domain(&o.domain).to_owned(), o.version))
            .collect();
        Self::plan(&proto, graph, opsets)
    }

    fn plan(
        proto: &ModelProto,
        graph: &GraphProto,
        opsets: Vec<(String, i64)>,
    ) -> Result<Self, LoadError> {
        let mut slots: HashMap<String, usize> = HashMap::new();
        let mut producers: HashMap<String, String> = HashMap::new();
        let mut define = |name: &str,
                          by: &str,
                          slots: &mut HashMap<String, usize>|
         -> Result<usize, LoadError> {
            if let Some(first) = producers.get(name) {
                return Err(LoadError::DuplicateValue {
                    value: name.to_owned(),
                    first: first.clone(),
                    second: by.to_owned(),
                });
            }
            producers.insert(name.to_owned(), by.to_owned());
            let next = slots.len();
            Ok(*slots.entry(name.to_owned()).or_insert(next))
        };

        // Initializers are constants; a graph input with the same name (IR < 4) only documents it.
        let mut constants = Vec::new();
        let mut constant_tensors: HashMap<String, HostTensor> = HashMap::new();
        for init in &graph.initializer {
            let tensor = decode_tensor(init).map_err(|reason| LoadError::InvalidInitializer {
                name: init.name.clone(),
                reason,
            })?;
            let slot = define(&init.name, "an initializer", &mut slots)?;
            constant_tensors.insert(init.name.clone(), tensor.clone());
            constants.push((slot, Value::Tensor(tensor)));
        }
        if let Some(sparse) = graph.sparse_initializer.first() {
            let name = sparse
                .values
                .as_ref()
                .map_or_else(String::new, |v| v.name.clone());
            return Err(LoadError::InvalidInitializer {
                name,
                reason: "sparse initializers are not supported".to_owned(),
            });
        }
        let mut inputs = Vec::new();
        let mut input_slots = Vec::new();
        for input in graph
            .input
            .iter()
            .filter(|i| !constant_tensors.contains_key(&i.name))
        {
            let info = value_info(input);
            if info.ty.element_type().is_none() {
                return Err(LoadError::UnsupportedInputType {
                    name: info.name,
                    ty: info.ty.notation(),
                });
            }
            input_slots.push(define(&input.name, "a graph input", &mut slots)?);
            inputs.push(info);
        }

        let version_of = |domain: &str| opsets.iter().find(|(d, _)| d == domain).map(|(_, v)| *v);
        let mut built: Vec<Option<BuiltNode>> = Vec::new();
        let mut op_types: Vec<(String, String)> = Vec::new();
        let mut class_labels = None;
        for (index, node) in graph.node.iter().enumerate() {
            let domain = canonical_domain(&node.domain);
            let node_name = if node.name.is_empty() {
                format!("#{index} {}", node.op_type)
            } else {
                node.name.clone()
            };
            let key = (domain.to_owned(), node.op_type.clone());
            if !op_types.contains(&key) {
                op_types.push(key);
            }
            let Some(opset) = version_of(domain) else {
                return Err(LoadError::InvalidNode {
                    node: node_name,
                    op_type: node.op_type.clone(),
                    reason: format!("the model imports no opset for domain `{domain}`"),
                });
            };
            let context = BuildContext { node, opset };
            let op = ops::build(domain, &context).map_err(|e| match e {
                ops::BuildError::Unsupported => LoadError::UnsupportedOperator {
                    op_type: node.op_type.clone(),
                    domain: domain.to_owned(),
                    node: node_name.clone(),
                },
                ops::BuildError::Invalid(reason) => LoadError::InvalidNode {
                    node: node_name.clone(),
                    op_type: node.op_type.clone(),
                    reason,
                },
            })?;
            if class_labels.is_none() {
                class_labels = ops::declared_class_labels(domain, node);
            }
            built.push(Some((op, node.input.clone(), node.output.clone())));
        }

        // Kahn's algorithm over value names: a node is ready once all its inputs exist.
        let mut available: HashMap<String, ()> = slots.keys().map(|k| (k.clone(), ())).collect();
        let mut order: Vec<usize> = Vec::with_capacity(built.len());
        let mut remaining: Vec<usize> = (0..built.len()).collect();
        while !remaining.is_empty() {
            let before = remaining.len();
            remaining.retain(|&i| {
                let node = &graph.node[i];
                let ready = node
                    .input
                    .iter()
                    .all(|name| name.is_empty() || available.contains_key(name));
                if ready {
                    for output in node.output.iter().filter(|o| !o.is_empty()) {
                        available.insert(output.clone(), ());
                    }
                    order.push(i);
                }
                !ready
            });
            if remaining.len() == before {
                let stuck = &graph.node[remaining[0]];
                let name = if stuck.name.is_empty() {
                    stuck.op_type.clone()
                } else {
                    stuck.name.clone()
                };
                let all_produced: Vec<&String> =
                    graph.node.iter().flat_map(|n| n.output.iter()).collect();
                let missing = stuck.input.iter().find(|i| {
                    !i.is_empty() && !available.contains_key(*i) && !all_produced.contains(i)
                });
                return Err(match missing {
                    Some(value) => LoadError::UndefinedValue {
                        node: name,
                        value: value.clone(),
                    },
                    None => LoadError::Cycle { node: name },
                });
            }
        }

        let mut nodes = Vec::with_capacity(order.len());
        for &i in &order {
            let (op, node_inputs, node_outputs) = built[i].take().ok_or(LoadError::NoGraph)?;
            let node = &graph.node[i];
            let name = if node.name.is_empty() {
                format!("#{i} {}", node.op_type)
            } else {
                node.name.clone()
            };
            let mut outputs = Vec::with_capacity(node_outputs.len());
            for output in &node_outputs {
                outputs.push(if output.is_empty() {
                    None
                } else {
                    Some(define(output, &name, &mut slots)?)
                });
            }
            let inputs = node_inputs
                .iter()
                .map(|n| {
                    if n.is_empty() {
                        None
                    } else {
                        slots.get(n).copied()
                    }
                })
                .collect();
            nodes.push(PlannedNode {
                name,
                op_type: node.op_type.clone(),
                op,
                inputs,
                outputs,
                frees: Vec::new(),
            });
        }

        let mut outputs = Vec::new();
        let mut output_slots = Vec::new();
        for output in &graph.output {
            let slot = *slots
                .get(&output.name)
                .ok_or_else(|| LoadError::UndefinedOutput {
                    output: output.name.clone(),
                })?;
            output_slots.push(slot);
            outputs.push(value_info(output));
        }

        fuse_relus(&mut nodes, &output_slots);

        // Free each intermediate value after its last reader, so memory stays bounded by the
        // widest point of the graph rather than its length.
        let constant_slots: Vec<usize> = constants.iter().map(|(s, _)| *s).collect();
        let mut last_reader: HashMap<usize, usize> = HashMap::new();
        for (position, node) in nodes.iter().enumerate() {
            for slot in node.inputs.iter().flatten() {
                last_reader.insert(*slot, position);
            }
        }
        for (slot, position) in last_reader {
            if !output_slots.contains(&slot) && !constant_slots.contains(&slot) {
                nodes[position].frees.push(slot);
            }
        }

        Ok(Self {
            ir_version: proto.ir_version,
            producer: format!("{} {}", proto.producer_name, proto.producer_version)
                .trim()
                .to_owned(),
            opsets,
            op_types,
            inputs,
            outputs,
            input_slots,
            output_slots,
            constants,
            nodes,
            slot_count: slots.len(),
            class_labels,
        })
    }

    pub fn inputs(&self) -> &[ValueInfo] {
        &self.inputs
    }

    pub fn outputs(&self) -> &[ValueInfo] {
        &self.outputs
    }

    pub fn opsets(&self) -> &[(String, i64)] {
        &self.opsets
    }

    /// Distinct (domain, op type) pairs in graph order.
    pub fn op_types(&self) -> &[(String, String)] {
        &self.op_types
    }

    pub fn ir_version(&self) -> i64 {
        self.ir_version
    }

    pub fn producer(&self) -> &str {
        &self.producer
    }

    /// The class labels a classifier node of the graph declares, in the model's order.
    pub fn class_labels(&self) -> Option<&ClassLabels> {
        self.class_labels.as_ref()
    }

    /// Runs the graph once. `inputs` are matched to the model's inputs by name.
    pub fn run(
        &self,
        inputs: Vec<(String, HostTensor)>,
        device: &Device,
    ) -> Result<Vec<(String, Value)>, RunError> {
        // Constants are borrowed, never copied per run; computed values are owned.
        let mut values: Vec<Option<Cow<'_, Value>>> = vec![None; self.slot_count];
        for (slot, value) in &self.constants {
            values[*slot] = Some(Cow::Borrowed(value));
        }
        let mut given: HashMap<String, HostTensor> = HashMap::new();
        for (name, tensor) in inputs {
            if !self.inputs.iter().any(|i| i.name == name) {
                let expected = self
                    .inputs
                    .iter()
                    .map(|i| format!("`{}`", i.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(RunError::UnknownInput { name, expected });
            }
            given.insert(name, tensor);
        }
        for (info, &slot) in self.inputs.iter().zip(&self.input_slots) {
            let tensor = given
                .remove(&info.name)
                .ok_or_else(|| RunError::MissingInput {
                    name: info.name.clone(),
                })?;
            check_input(info, &tensor)?;
            values[slot] = Some(Cow::Owned(Value::Tensor(tensor)));
        }
        for node in &self.nodes {
            let node_inputs: Vec<Option<&Value>> = node
                .inputs
                .iter()
                .map(|s| s.and_then(|s| values[s].as_deref()))
                .collect();
            let results =
                run_node(node.op.as_ref(), &node_inputs, device).map_err(|e| RunError::Node {
                    node: node.name.clone(),
                    op_type: node.op_type.clone(),
                    reason: e.0,
                })?;
            for (slot, value) in node.outputs.iter().zip(results) {
                if let Some(slot) = slot {
                    values[*slot] = Some(Cow::Owned(value));
                }
            }
            for &slot in &node.frees {
                values[slot] = None;
            }
        }
        self.outputs
            .iter()
            .zip(&self.output_slots)
            .map(|(info, &slot)| {
                values[slot]
                    .take()
                    .map(|v| (info.name.clone(), v.into_owned()))
                    .ok_or_else(|| RunError::Node {
                        node: info.name.clone(),
                        op_type: "output".to_owned(),
                        reason: "the output was not produced".to_owned(),
                    })
            })
            .collect()
    }
}

/// Folds each Relu into the operator just before it (a Conv) where the Relu is the only reader
/// of that operator's only output and the output is not a graph output: the Relu's output is
/// then written by that operator directly.
fn fuse_relus(nodes: &mut Vec<PlannedNode>, output_slots: &[usize]) {
    // Readers per value, counted once (a fold removes a reader only of the value it folds away).
    let mut readers: HashMap<usize, usize> = HashMap::new();
    for slot in nodes.iter().flat_map(|n| n.inputs.iter().flatten()) {
        *readers.entry(*slot).or_default() += 1;
    }
    let mut position = 0;
    while position + 1 < nodes.len() {
        let (producer, next) = (&nodes[position], &nodes[position + 1]);
        let fusable = match (producer.outputs.as_slice(), next.inputs.as_slice()) {
            ([Some(slot)], [Some(read)]) => {
                next.op_type == "Relu"
                    && slot == read
                    && next.outputs.len() == 1
                    && !output_slots.contains(slot)
                    && readers.get(slot) == Some(&1)
            }
            _ => false,
        };
        if fusable && nodes[position].op.fuse_relu() {
            let relu = nodes.remove(position + 1);
            nodes[position].outputs = relu.outputs;
        }
        position += 1;
    }
}

/// Runs one operator. On a GPU, burn's wgpu backend and the driver under it can panic where
/// they should fail (a lost device, an exhausted allocation): that becomes this node's error,
/// so a run never takes the app down.
fn run_node(
    op: &dyn Operator,
    inputs: &[Option<&Value>],
    device: &Device,
) -> Result<Vec<Value>, OpError> {
    if !device.is_gpu() {
        return op.run(inputs, device);
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| op.run(inputs, device)))
        .unwrap_or_else(|_| {
            Err(OpError::new(
                "the GPU failed while running this operator; run the model on the CPU",
            ))
        })
}

/// Checks a fed tensor against the declared element type and fixed dimensions.
fn check_input(info: &ValueInfo, tensor: &HostTensor) -> Result<(), RunError> {
    if let Some(expected) = info.ty.element_type()
        && expected != tensor.element_type()
    {
        return Err(RunError::InputType {
            name: info.name.clone(),
            expected: format!("tensor({expected})"),
            found: format!("tensor({})", tensor.element_type()),
        });
    }
    if let Some(dims) = info.ty.shape() {
        let fits = dims.len() == tensor.rank()
            && dims.iter().zip(tensor.shape()).all(|(d, &n)| match d {
                Dim::Fixed(m) => *m == n,
                Dim::Free(_) => true,
            });
        if !fits {
            return Err(RunError::InputShape {
                name: info.name.clone(),
                expected: info.ty.notation(),
                found: tensor.shape().to_vec(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relu_after_a_convolution_is_folded_into_it() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/kit/models/digits_cnn.onnx"
        );
        let model = Model::load(&std::fs::read(path).expect("the kit's CNN")).expect("loads");
        let planned: Vec<&str> = model.nodes.iter().map(|n| n.op_type.as_str()).collect();
        assert_eq!(
            planned,
            ["Conv", "MaxPool", "Flatten", "Gemm", "Softmax", "ArgMax"]
        );
        // What the file declares is still reported as it is.
        assert!(model.op_types().iter().any(|(_, op)| op == "Relu"));
    }
}
