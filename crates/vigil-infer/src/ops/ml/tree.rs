//! TreeEnsembleClassifier and TreeEnsembleRegressor. Trees are flattened into one node array at
//! load; a row walks each tree comparing in float32 with the node's mode, NaN following
//! `nodes_missing_value_tracks_true`, and leaf weights are summed in tree order as onnxruntime
//! does. Binary classifiers follow onnxruntime's rules for one- and two-score ensembles.

use std::collections::HashMap;

use super::super::{BuildContext, Built, Operator, tensor_input};
use super::{PostTransform, class_labels, feature_rows, labels_tensor, logistic};
use crate::Device;
use crate::attributes::Attributes;
use crate::error::{OpError, OpResult};
use crate::tensor::HostTensor;
use crate::value::{ClassLabels, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Leq,
    Lt,
    Gte,
    Gt,
    Eq,
    Neq,
    Leaf,
}

#[derive(Debug, Clone)]
struct Node {
    feature: u32,
    threshold: f32,
    true_child: u32,
    false_child: u32,
    /// Range into `Ensemble::weights` for a leaf.
    weights: (u32, u32),
    mode: Mode,
    missing_tracks_true: bool,
}

#[derive(Debug, Clone, Copy)]
struct LeafWeight {
    target: usize,
    value: f32,
}

#[derive(Debug)]
enum Aggregate {
    Sum,
    Average,
    Min,
    Max,
}

#[derive(Debug)]
enum Kind {
    Classifier {
        labels: ClassLabels,
        binary_case: bool,
        all_positive: bool,
    },
    Regressor {
        aggregate: Aggregate,
    },
}

#[derive(Debug)]
struct Ensemble {
    nodes: Vec<Node>,
    roots: Vec<usize>,
    weights: Vec<LeafWeight>,
    targets: usize,
    base_values: Vec<f32>,
    post: PostTransform,
    features: usize,
    kind: Kind,
    /// Every branch is BRANCH_LEQ and none sends NaN to the true branch (scikit-learn's exports):
    /// rows then walk a tighter loop with the same results.
    all_leq: bool,
}

fn required<T>(value: Option<Vec<T>>, name: &str) -> Result<Vec<T>, String> {
    value.ok_or_else(|| format!("`{name}` is required"))
}

fn floats_or_tensor(attributes: &Attributes<'_>, name: &str) -> Result<Option<Vec<f32>>, String> {
    if let Some(v) = attributes.floats(name)? {
        return Ok(Some(v));
    }
    let tensor_name = format!("{name}_as_tensor");
    #[expect(
        clippy::cast_possible_truncation,
        reason = "double thresholds are compared as float32 here"
    )]
    Ok(attributes
        .tensor(&tensor_name)?
        .and_then(|t| t.to_f64_vec())
        .map(|v| v.into_iter().map(|x| x as f32).collect()))
}

fn index(value: i64, what: &str) -> Result<usize, String> {
    usize::try_from(value).map_err(|_| format!("{what} {value} is negative"))
}

pub(crate) fn tree_ensemble(context: &BuildContext<'_>, classifier: bool) -> Built {
    let a = context.attributes();
    let prefix = if classifier { "class" } else { "target" };
    let mut known = vec![
        "nodes_treeids",
        "nodes_nodeids",
        "nodes_featureids",
        "nodes_modes",
        "nodes_values",
        "nodes_values_as_tensor",
        "nodes_truenodeids",
        "nodes_falsenodeids",
        "nodes_missing_value_tracks_true",
        "nodes_hitrates",
        "nodes_hitrates_as_tensor",
        "base_values",
        "base_values_as_tensor",
        "post_transform",
    ];
    let weight_names = [
        format!("{prefix}_treeids"),
        format!("{prefix}_nodeids"),
        format!("{prefix}_ids"),
        format!("{prefix}_weights"),
        format!("{prefix}_weights_as_tensor"),
    ];
    known.extend(weight_names.iter().map(String::as_str));
    if classifier {
        known.extend(["classlabels_int64s", "classlabels_strings"]);
    } else {
        known.extend(["n_targets", "aggregate_function"]);
    }
    a.only(&known)?;

    let tree_ids = required(a.ints("nodes_treeids")?, "nodes_treeids")?;
    let node_ids = required(a.ints("nodes_nodeids")?, "nodes_nodeids")?;
    let feature_ids = required(a.ints("nodes_featureids")?, "nodes_featureids")?;
    let modes = required(a.strings("nodes_modes")?, "nodes_modes")?;
    let values = floats_or_tensor(&a, "nodes_values")?.ok_or("`nodes_values` is required")?;
    let true_ids = required(a.ints("nodes_truenodeids")?, "nodes_truenodeids")?;
    let false_ids = required(a.ints("nodes_falsenodeids")?, "nodes_falsenodeids")?;
    let missing = a
        .ints("nodes_missing_value_tracks_true")?
        .unwrap_or_default();
    let n = tree_ids.len();
    for (name, len) in [
        ("nodes_nodeids", node_ids.len()),
        ("nodes_featureids", feature_ids.len()),
        ("nodes_modes", modes.len()),
        ("nodes_values", values.len()),
        ("nodes_truenodeids", true_ids.len()),
        ("nodes_falsenodeids", false_ids.len()),
    ] {
        if len != n {
            return Err(format!("`{name}` has {len} entries where `nodes_treeids` has {n}").into());
        }
    }
    if !missing.is_empty() && missing.len() != n {
        return Err(
            "`nodes_missing_value_tracks_true` does not match the node count"
                .to_owned()
                .into(),
        );
    }

    let mut position: HashMap<(i64, i64), usize> = HashMap::with_capacity(n);
    for i in 0..n {
        if position.insert((tree_ids[i], node_ids[i]), i).is_some() {
            return Err(format!(
                "node {} of tree {} is defined twice",
                node_ids[i], tree_ids[i]
            )
            .into());
        }
    }
    let mut nodes = Vec::with_capacity(n);
    let mut is_child = vec![false; n];
    let mut features = 0;
    for i in 0..n {
        let mode = match modes[i].as_str() {
            "BRANCH_LEQ" => Mode::Leq,
            "BRANCH_LT" => Mode::Lt,
            "BRANCH_GTE" => Mode::Gte,
            "BRANCH_GT" => Mode::Gt,
            "BRANCH_EQ" => Mode::Eq,
            "BRANCH_NEQ" => Mode::Neq,
            "LEAF" => Mode::Leaf,
            other => return Err(format!("node mode {other} is unknown").into()),
        };
        let (mut true_child, mut false_child) = (0, 0);
        if mode != Mode::Leaf {
            let child = |id: i64| {
                position.get(&(tree_ids[i], id)).copied().ok_or_else(|| {
                    format!(
                        "node {} of tree {} points to missing node {id}",
                        node_ids[i], tree_ids[i]
                    )
                })
            };
            true_child = child(true_ids[i])?;
            false_child = child(false_ids[i])?;
            is_child[true_child] = true;
            is_child[false_child] = true;
            features = features.max(index(feature_ids[i], "feature id")? + 1);
        }
        let narrow = |v: usize| {
            u32::try_from(v).map_err(|_| "the ensemble has too many nodes or features".to_owned())
        };
        nodes.push(Node {
            mode,
            feature: if mode == Mode::Leaf {
                0
            } else {
                narrow(index(feature_ids[i], "feature id")?)?
            },
            threshold: values[i],
            true_child: narrow(true_child)?,
            false_child: narrow(false_child)?,
            missing_tracks_true: missing.get(i).is_some_and(|&m| m != 0),
            weights: (0, 0),
        });
    }
    // Roots in order of first appearance of their tree; sums run in this order.
    let roots: Vec<usize> = (0..n).filter(|&i| !is_child[i]).collect();
    let tree_count = tree_ids.iter().fold(Vec::new(), |mut seen, t| {
        if !seen.contains(t) {
            seen.push(*t);
        }
        seen
    });
    if roots.len() != tree_count.len() {
        return Err(format!(
            "{} trees but {} root nodes: a tree has a cycle or several roots",
            tree_count.len(),
            roots.len()
        )
        .into());
    }

    let w_trees = required(a.ints(&weight_names[0])?, &weight_names[0])?;
    let w_nodes = required(a.ints(&weight_names[1])?, &weight_names[1])?;
    let w_ids = required(a.ints(&weight_names[2])?, &weight_names[2])?;
    let w_values = floats_or_tensor(&a, &weight_names[3])?
        .ok_or_else(|| format!("`{}` is required", weight_names[3]))?;
    if w_nodes.len() != w_trees.len()
        || w_ids.len() != w_trees.len()
        || w_values.len() != w_trees.len()
    {
        return Err(format!("the `{prefix}_*` weight attributes have different lengths").into());
    }
    // Group leaf weights by leaf, keeping their order of appearance.
    let mut per_leaf: Vec<Vec<LeafWeight>> = vec![Vec::new(); n];
    for i in 0..w_trees.len() {
        let leaf = *position.get(&(w_trees[i], w_nodes[i])).ok_or_else(|| {
            format!(
                "a weight points to missing node {} of tree {}",
                w_nodes[i], w_trees[i]
            )
        })?;
        per_leaf[leaf].push(LeafWeight {
            target: index(w_ids[i], "target id")?,
            value: w_values[i],
        });
    }
    let mut weights = Vec::with_capacity(w_trees.len());
    for (node, leaf_weights) in nodes.iter_mut().zip(per_leaf) {
        let start = weights.len();
        weights.extend(leaf_weights);
        node.weights = (
            u32::try_from(start).map_err(|_| "too many leaf weights".to_owned())?,
            u32::try_from(weights.len()).map_err(|_| "too many leaf weights".to_owned())?,
        );
    }

    let base_values = floats_or_tensor(&a, "base_values")?.unwrap_or_default();
    let post = PostTransform::parse(&a)?;
    let max_target = weights.iter().map(|w| w.target + 1).max().unwrap_or(0);
    let (kind, targets) = if classifier {
        let labels = class_labels(&a, "classlabels_int64s")?;
        let classes = labels.len();
        if max_target > classes {
            return Err(format!("a weight names class {} of {classes}", max_target - 1).into());
        }
        let mut weight_classes: Vec<usize> = weights.iter().map(|w| w.target).collect();
        weight_classes.sort_unstable();
        weight_classes.dedup();
        let binary_case = classes == 2 && weight_classes.len() == 1;
        let all_positive = w_values.iter().all(|&v| v >= 0.0);
        (
            Kind::Classifier {
                labels,
                binary_case,
                all_positive,
            },
            classes,
        )
    } else {
        let targets = index(a.int_or("n_targets", 1)?, "n_targets")?;
        if max_target > targets {
            return Err(format!("a weight names target {} of {targets}", max_target - 1).into());
        }
        let aggregate = match a.string_or("aggregate_function", "SUM")?.as_str() {
            "SUM" => Aggregate::Sum,
            "AVERAGE" => Aggregate::Average,
            "MIN" => Aggregate::Min,
            "MAX" => Aggregate::Max,
            other => return Err(format!("aggregate_function {other} is unknown").into()),
        };
        (Kind::Regressor { aggregate }, targets)
    };
    if !base_values.is_empty()
        && base_values.len() != targets
        && !(classifier && base_values.len() == 1)
    {
        return Err(format!("{} base values for {targets} outputs", base_values.len()).into());
    }
    let all_leq = nodes
        .iter()
        .all(|n| n.mode == Mode::Leaf || (n.mode == Mode::Leq && !n.missing_tracks_true));
    Ok(Box::new(Ensemble {
        nodes,
        roots,
        weights,
        targets,
        base_values,
        post,
        features,
        kind,
        all_leq,
    }))
}

impl Ensemble {
    /// The leaf a row reaches from `root`.
    fn leaf(&self, root: usize, row: &[f32]) -> &Node {
        let mut node = &self.nodes[root];
        if self.all_leq {
            // NaN fails `<=` and takes the false branch, as the general rule says here.
            while node.mode != Mode::Leaf {
                let next = if row[node.feature as usize] <= node.threshold {
                    node.true_child
                } else {
                    node.false_child
                };
                node = &self.nodes[next as usize];
            }
            return node;
        }
        loop {
            if node.mode == Mode::Leaf {
                return node;
            }
            let x = row[node.feature as usize];
            let go_true = if x.is_nan() && node.missing_tracks_true {
                true
            } else {
                match node.mode {
                    Mode::Leq => x <= node.threshold,
                    Mode::Lt => x < node.threshold,
                    Mode::Gte => x >= node.threshold,
                    Mode::Gt => x > node.threshold,
                    Mode::Eq => x == node.threshold,
                    Mode::Neq => x != node.threshold,
                    Mode::Leaf => false,
                }
            };
            node = &self.nodes[(if go_true {
                node.true_child
            } else {
                node.false_child
            }) as usize];
        }
    }

    fn leaf_weights(&self, leaf: &Node) -> &[LeafWeight] {
        &self.weights[leaf.weights.0 as usize..leaf.weights.1 as usize]
    }

    fn regress(&self, row: &[f32], out: &mut Vec<f32>, aggregate: &Aggregate) {
        let mut scores = vec![0.0_f32; self.targets];
        let mut seen = vec![false; self.targets];
        for &root in &self.roots {
            let leaf = self.leaf(root, row);
            for w in self.leaf_weights(leaf) {
                let s = &mut scores[w.target];
                *s = match (aggregate, seen[w.target]) {
                    (Aggregate::Sum | Aggregate::Average, _) | (_, false) => {
                        if matches!(aggregate, Aggregate::Sum | Aggregate::Average) {
                            *s + w.value
                        } else {
                            w.value
                        }
                    }
                    (Aggregate::Min, true) => s.min(w.value),
                    (Aggregate::Max, true) => s.max(w.value),
                };
                seen[w.target] = true;
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "tree counts are small")]
        let trees = self.roots.len() as f32;
        for (t, s) in scores.iter_mut().enumerate() {
            if matches!(aggregate, Aggregate::Average) {
                *s /= trees;
            }
            *s += self.base_values.get(t).copied().unwrap_or(0.0);
        }
        self.post.apply(&mut scores);
        out.extend(scores);
    }

    /// onnxruntime's finalisation of a two-class ensemble: returns the picked class and writes
    /// the two output scores.
    fn binary(
        &self,
        scores: &mut [f32],
        has_score: &[bool],
        binary_case: bool,
        all_positive: bool,
        out: &mut Vec<f32>,
    ) -> usize {
        let two_scores = match self.base_values.len() {
            2 if has_score[1] => {
                scores[1] = self.base_values[1] + scores[0];
                scores[0] = -scores[1];
                true
            }
            2 => {
                scores[0] += self.base_values[0];
                scores[1] += self.base_values[1];
                true
            }
            1 => {
                scores[0] += self.base_values[0];
                has_score[1]
            }
            _ => has_score[1],
        };
        if two_scores {
            let pick = usize::from(scores[1] > scores[0]);
            let mut row = [scores[0], scores[1]];
            self.post.apply(&mut row);
            out.extend(row);
            return pick;
        }
        let s = scores[0];
        let (pick, row) = if binary_case && all_positive {
            (usize::from(s > 0.5), [1.0 - s, s])
        } else if binary_case {
            let row = if self.post == PostTransform::Logistic {
                [logistic(-s), logistic(s)]
            } else {
                [-s, s]
            };
            (usize::from(s > 0.0), row)
        } else {
            let mut row = [s, 0.0];
            self.post.apply(&mut row);
            (0, row)
        };
        out.extend(row);
        pick
    }
}

impl Operator for Ensemble {
    fn run(&self, inputs: &[Option<&Value>], _device: &Device) -> OpResult<Vec<Value>> {
        let x = tensor_input(inputs, 0)?;
        let (rows, cols, values) = feature_rows(x)?;
        if cols < self.features {
            return Err(OpError::new(format!(
                "the input has {cols} features but the trees read feature {}",
                self.features - 1
            )));
        }
        let mut out = Vec::with_capacity(rows * self.targets.max(2));
        match &self.kind {
            Kind::Regressor { aggregate } => {
                for r in 0..rows {
                    self.regress(&values[r * cols..(r + 1) * cols], &mut out, aggregate);
                }
                Ok(vec![Value::Tensor(HostTensor::f32(
                    vec![rows, self.targets],
                    out,
                )?)])
            }
            Kind::Classifier {
                labels,
                binary_case,
                all_positive,
            } => {
                let classes = self.targets;
                let mut picks = Vec::with_capacity(rows);
                // Rows go through the trees in blocks, tree by tree, so each tree's nodes stay in
                // cache while the block walks it; every row still sums its trees in tree order.
                const BLOCK: usize = 128;
                let mut block_scores = vec![0.0_f32; BLOCK * classes];
                let mut block_has = vec![false; BLOCK * classes];
                for block_start in (0..rows).step_by(BLOCK) {
                    let block_rows = BLOCK.min(rows - block_start);
                    block_scores.iter_mut().for_each(|v| *v = 0.0);
                    block_has.iter_mut().for_each(|v| *v = false);
                    for &root in &self.roots {
                        for r in 0..block_rows {
                            let row =
                                &values[(block_start + r) * cols..(block_start + r + 1) * cols];
                            for w in self.leaf_weights(self.leaf(root, row)) {
                                block_scores[r * classes + w.target] += w.value;
                                block_has[r * classes + w.target] = true;
                            }
                        }
                    }
                    for r in 0..block_rows {
                        let scores = &mut block_scores[r * classes..(r + 1) * classes];
                        let has_score = &block_has[r * classes..(r + 1) * classes];
                        if classes == 2 {
                            picks.push(self.binary(
                                scores,
                                has_score,
                                *binary_case,
                                *all_positive,
                                &mut out,
                            ));
                        } else {
                            for (s, b) in scores.iter_mut().zip(&self.base_values) {
                                *s += b;
                            }
                            let mut best: Option<usize> = None;
                            for (i, &s) in scores.iter().enumerate() {
                                if has_score[i] && best.is_none_or(|b| s > scores[b]) {
                                    best = Some(i);
                                }
                            }
                            picks.push(best.unwrap_or(0));
                            self.post.apply(scores);
                            out.extend_from_slice(scores);
                        }
                    }
                }
                Ok(vec![
                    Value::Tensor(labels_tensor(labels, &picks)?),
                    Value::Tensor(HostTensor::f32(vec![rows, classes.max(2)], out)?),
                ])
            }
        }
    }
}
