//! Parity with onnxruntime: labels exactly, probabilities within rtol 1e-4 + atol 1e-6, regression
//! values within rtol 1e-4 + atol 1e-4 (the kit's tolerances).

use serde_json::Value as Json;
use vigil_infer::{Device, HostTensor, Model, TensorData, Value};

use crate::{kit, read_json};

/// The columns of a CSV file, as text.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(path: &std::path::Path) -> Table {
    let mut reader = csv::Reader::from_path(path).expect("open CSV");
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    Table { header, rows }
}

/// Builds one model input from the case's binding: the listed columns, as float32 (an empty
/// field is NaN) or as strings, reshaped to the declared shape with the row count first.
fn bind(table: &Table, input: &Json) -> (String, HostTensor) {
    let name = input["name"].as_str().expect("name").to_owned();
    let columns: Vec<usize> = input["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            table
                .header
                .iter()
                .position(|h| h == c.as_str().expect("column"))
                .expect("column in data")
        })
        .collect();
    let n = table.rows.len();
    let mut shape: Vec<usize> = input["shape"]
        .as_array()
        .expect("shape")
        .iter()
        .map(|d| usize::try_from(d.as_i64().expect("dim").max(0)).expect("dim"))
        .collect();
    shape[0] = n;
    let tensor = match input["dtype"].as_str().expect("dtype") {
        "float32" => {
            let values = table
                .rows
                .iter()
                .flat_map(|row| columns.iter().map(move |&c| &row[c]))
                .map(|field| {
                    if field.is_empty() {
                        f32::NAN
                    } else {
                        field.parse::<f64>().expect("number") as f32
                    }
                })
                .collect();
            HostTensor::f32(shape, values).expect("shape")
        }
        "string" | "str" | "object" => {
            let values = table
                .rows
                .iter()
                .flat_map(|row| columns.iter().map(move |&c| row[c].clone()))
                .collect();
            HostTensor::strings(shape, values).expect("shape")
        }
        other => panic!("dtype {other}"),
    };
    (name, tensor)
}

fn close(got: f64, expected: f64, rtol: f64, atol: f64) -> bool {
    (got - expected).abs() <= atol + rtol * expected.abs() || (got.is_nan() && expected.is_nan())
}

fn expected_number(v: &Json) -> f64 {
    match v {
        Json::Number(n) => n.as_f64().expect("f64"),
        Json::String(s) if s == "NaN" => f64::NAN,
        Json::Null => f64::NAN,
        other => panic!("not a number: {other}"),
    }
}

fn floats(tensor: &HostTensor) -> Vec<f64> {
    tensor.to_f64_vec().expect("numeric output")
}

/// Runs every model of a case on `device` and checks it against `expected.json`.
fn check_case(case: &str, device: &Device) {
    let dir = kit().join("cases").join(case);
    let spec = read_json(&dir.join("case.json"));
    let expected = read_json(&dir.join("expected.json"));
    let table = read_csv(&kit().join(spec["dataset"].as_str().expect("dataset")));
    for model_path in spec["models"].as_array().expect("models") {
        let model_path = model_path.as_str().expect("model");
        let stem = std::path::Path::new(model_path)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem");
        let bytes = std::fs::read(kit().join(model_path)).expect("model file");
        let model = Model::load(&bytes).unwrap_or_else(|e| panic!("{model_path}: {e}"));
        let inputs = spec["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .map(|i| bind(&table, i))
            .collect();
        let outputs = model
            .run(inputs, device)
            .unwrap_or_else(|e| panic!("{model_path} on {}: {e}", device.name()));
        let output = |name: &str| -> &Value {
            &outputs
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("{model_path}: no output {name}"))
                .1
        };
        let names = &spec["outputs"][stem];
        let predictions = &expected["predictions"];
        if let Some(value_name) = names["value"].as_str() {
            let got = floats(output(value_name).as_tensor().expect("tensor"));
            let want: Vec<f64> = predictions["value"]
                .as_array()
                .expect("value")
                .iter()
                .map(expected_number)
                .collect();
            assert_eq!(got.len(), want.len(), "{model_path}: value count");
            let bad = got
                .iter()
                .zip(&want)
                .filter(|(g, w)| !close(**g, **w, 1e-4, 1e-4))
                .count();
            assert_eq!(bad, 0, "{model_path}: {bad} values outside tolerance");
            continue;
        }
        let labels = output(names["label"].as_str().expect("label name"))
            .as_tensor()
            .expect("label tensor");
        let got_labels = match labels.data() {
            TensorData::I64(v) => v.clone(),
            other => panic!("{model_path}: labels are {other:?}"),
        };
        let want_labels: Vec<i64> = predictions["label"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|v| v.as_i64().expect("int label"))
            .collect();
        let mismatches: Vec<usize> = (0..want_labels.len())
            .filter(|&i| got_labels.get(i) != Some(&want_labels[i]))
            .collect();
        assert_eq!(
            got_labels.len(),
            want_labels.len(),
            "{model_path}: label count"
        );
        assert!(
            mismatches.is_empty(),
            "{model_path}: {} labels differ, first at row {}",
            mismatches.len(),
            mismatches[0]
        );

        let probabilities = match output(names["probabilities"].as_str().expect("probability name"))
        {
            Value::Tensor(t) => t.clone(),
            Value::MapSequence { probabilities, .. } => probabilities.clone(),
        };
        let got = floats(&probabilities);
        let want: Vec<f64> = predictions["probabilities"]
            .as_array()
            .expect("probabilities")
            .iter()
            .flat_map(|row| row.as_array().expect("row").iter().map(expected_number))
            .collect();
        assert_eq!(got.len(), want.len(), "{model_path}: probability count");
        let worst = got
            .iter()
            .zip(&want)
            .map(|(g, w)| (g - w).abs())
            .fold(0.0, f64::max);
        let bad = got
            .iter()
            .zip(&want)
            .filter(|(g, w)| !close(**g, **w, 1e-4, 1e-6))
            .count();
        assert_eq!(
            bad, 0,
            "{model_path}: {bad} probabilities outside tolerance (worst difference {worst:e})"
        );
    }
}

macro_rules! parity {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                check_case(stringify!($case), &Device::cpu());
            }
        )*

        /// The same cases on the GPU. CI builds without the `gpu` feature (it costs ~50
        /// CPU-minutes to compile), so there this test is reported as ignored.
        #[test]
        #[cfg_attr(
            not(feature = "gpu"),
            ignore = "built without the `gpu` feature; `make test-gpu` runs it"
        )]
        fn every_case_on_the_gpu() {
            let device = crate::gpu_for_tests();
            $(check_case(stringify!($case), &device);)*
        }
    };
}

parity!(
    breast_cancer_logreg,
    breast_cancer_logreg_stdops,
    credit_gbm_holdout,
    credit_gbm_strong,
    credit_rf_holdout,
    diabetes_linreg,
    diabetes_ridge,
    diabetes_rf,
    digits_cnn,
    digits_mlp,
    iris_logreg,
    wine_logreg,
    wine_logreg_stdops,
);
