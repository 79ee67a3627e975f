//! The ONNX backend node test cases (from the `onnx` package, exported to JSON) for every
//! operator Vigil supports. Every case must pass except those `known_failure` names, each with
//! its reason; the crate README's table is this test's output.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;
use vigil_infer::{Device, ElementType, HostTensor, Model, TensorData, Value};

use crate::read_json;

/// Why a case is expected to fail, or `None`. A case expected to fail that starts passing fails
/// the test too, so this stays exact.
fn known_failure(case: &str) -> Option<&'static str> {
    // Vigil holds float32/64, int8–64, uint8–64, bool and string tensors. The half-, 8-, 4- and
    // 2-bit formats belong to quantised networks, not to the tabular models Vigil evaluates.
    const LOW_PRECISION: &[&str] = &["FLOAT16", "FLOAT8", "FLOAT4", "INT4", "INT2", "e8m0"];
    if LOW_PRECISION.iter().any(|t| case.contains(t)) {
        return Some("16-, 8-, 4- and 2-bit element types are not supported");
    }
    // Training-mode Dropout and BatchNormalization: Vigil runs models for inference only.
    case.contains("training")
        .then_some("training mode is not supported (inference only)")
}

fn cases_dir() -> std::path::PathBuf {
    crate::kit().join("../onnx_node_cases/cases")
}

fn number(v: &Json) -> f64 {
    match v {
        Json::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Json::String(s) => match s.as_str() {
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            _ => f64::NAN,
        },
        Json::Bool(b) => f64::from(u8::from(*b)),
        _ => f64::NAN,
    }
}

/// A JSON tensor as a host tensor, or why it cannot be one.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "values are written exactly in their type"
)]
fn tensor(json: &Json) -> Result<HostTensor, String> {
    if json["kind"] != "tensor" {
        return Err(format!("{} values are not supported", json["kind"]));
    }
    let shape: Vec<usize> = json["shape"]
        .as_array()
        .ok_or("no shape")?
        .iter()
        .map(|d| d.as_u64().unwrap_or(0) as usize)
        .collect();
    let data = json["data"].as_array().ok_or("no data")?;
    let nums = || data.iter().map(number);
    let values = match json["dtype"].as_str().unwrap_or("") {
        "FLOAT" => TensorData::F32(nums().map(|x| x as f32).collect()),
        "DOUBLE" => TensorData::F64(nums().collect()),
        "INT8" => TensorData::I8(nums().map(|x| x as i8).collect()),
        "INT16" => TensorData::I16(nums().map(|x| x as i16).collect()),
        "INT32" => TensorData::I32(nums().map(|x| x as i32).collect()),
        "INT64" => TensorData::I64(data.iter().map(|v| v.as_i64().unwrap_or(0)).collect()),
        "UINT8" => TensorData::U8(nums().map(|x| x as u8).collect()),
        "UINT16" => TensorData::U16(nums().map(|x| x as u16).collect()),
        "UINT32" => TensorData::U32(nums().map(|x| x as u32).collect()),
        "UINT64" => TensorData::U64(data.iter().map(|v| v.as_u64().unwrap_or(0)).collect()),
        "BOOL" => TensorData::Bool(data.iter().map(|v| v.as_bool().unwrap_or(false)).collect()),
        "STRING" => TensorData::Str(
            data.iter()
                .map(|v| v.as_str().unwrap_or("").to_owned())
                .collect(),
        ),
        other => return Err(format!("element type {other} is not supported")),
    };
    HostTensor::new(shape, values).map_err(|e| e.to_string())
}

fn matches(got: &HostTensor, want: &HostTensor, rtol: f64, atol: f64) -> Result<(), String> {
    if got.shape() != want.shape() {
        return Err(format!(
            "shape {:?}, expected {:?}",
            got.shape(),
            want.shape()
        ));
    }
    if got.element_type() != want.element_type() {
        return Err(format!(
            "type {}, expected {}",
            got.element_type(),
            want.element_type()
        ));
    }
    if want.element_type() == ElementType::String {
        return if got == want {
            Ok(())
        } else {
            Err("strings differ".to_owned())
        };
    }
    let (g, w) = (
        got.to_f64_vec().unwrap_or_default(),
        want.to_f64_vec().unwrap_or_default(),
    );
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        let same = (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= atol + rtol * b.abs();
        if !same {
            return Err(format!("value {i} is {a}, expected {b}"));
        }
    }
    Ok(())
}

/// Runs one case directory on `device`; `Err` says why it fails.
fn run_case(dir: &Path, device: &Device) -> Result<(), String> {
    let meta = read_json(&dir.join("meta.json"));
    let rtol = meta["rtol"].as_f64().unwrap_or(1e-3);
    let atol = meta["atol"].as_f64().unwrap_or(1e-7);
    let model = Model::load(&std::fs::read(dir.join("model.onnx")).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    for set in meta["data_sets"].as_array().ok_or("no data sets")? {
        let set_dir = |file: &Json| {
            dir.join("test_data_set_0")
                .join(file.as_str().unwrap_or(""))
        };
        let mut inputs = Vec::new();
        for input in set["inputs"].as_array().ok_or("no inputs")? {
            let json = read_json(&set_dir(&input["files"][0]));
            inputs.push((
                input["name"].as_str().unwrap_or("").to_owned(),
                tensor(&json)?,
            ));
        }
        let outputs = model.run(inputs, device).map_err(|e| e.to_string())?;
        for (index, expected) in set["outputs"]
            .as_array()
            .ok_or("no outputs")?
            .iter()
            .enumerate()
        {
            let want = tensor(&read_json(&set_dir(&expected["files"][0])))?;
            let got = match &outputs.get(index).ok_or("missing output")?.1 {
                Value::Tensor(t) => t,
                Value::MapSequence { .. } => return Err("unexpected map output".to_owned()),
            };
            matches(got, &want, rtol, atol).map_err(|e| format!("output {index}: {e}"))?;
        }
    }
    Ok(())
}

/// Runs every case on `device`, prints the per-operator table and fails on any outcome
/// `known_failure` does not predict.
fn check_every_case(device: &Device) {
    let mut per_op: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(cases_dir())
        .expect("cases")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for dir in entries {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let meta = read_json(&dir.join("meta.json"));
        let op = meta["op_types"][0].as_str().unwrap_or("?").to_owned();
        let outcome = run_case(&dir, device);
        let known = known_failure(&name);
        let entry = per_op.entry(op).or_default();
        entry.1 += 1;
        match (&outcome, known) {
            (Ok(()), None) => entry.0 += 1,
            (Err(_), Some(_)) => {}
            (Ok(()), Some(_)) => {
                unexpected.push(format!("{name}: passes now; update `known_failure`"));
            }
            (Err(reason), None) => unexpected.push(format!("{name}: {reason}")),
        }
    }
    let table: Vec<String> = per_op
        .iter()
        .map(|(op, (pass, all))| format!("| {op} | {pass} / {all} |"))
        .collect();
    eprintln!(
        "On {}:\n| operator | cases passed |\n|---|---|\n{}",
        device.name(),
        table.join("\n")
    );
    let total: (usize, usize) = per_op
        .values()
        .fold((0, 0), |acc, (p, a)| (acc.0 + p, acc.1 + a));
    eprintln!("{} of {} cases pass", total.0, total.1);
    assert!(
        unexpected.is_empty(),
        "{} unexpected outcomes:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

#[test]
fn onnx_backend_node_cases_pass() {
    check_every_case(&Device::cpu());
}

/// The same cases with the burn-run operators (MatMul, Gemm, Conv) on the GPU.
#[test]
#[cfg_attr(
    not(feature = "gpu"),
    ignore = "built without the `gpu` feature; `make test-gpu` runs it"
)]
fn onnx_backend_node_cases_pass_on_the_gpu() {
    check_every_case(&crate::gpu_for_tests());
}
