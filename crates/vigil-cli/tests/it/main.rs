//! The `vigil` binary end to end on the fixture kit: `inspect`, `predict` and their errors, with
//! the JSON compared against onnxruntime's reference outputs.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

fn kit(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/kit")
        .join(path)
}

/// Runs `vigil ARGS… --json OUT` and returns (exit success, parsed JSON).
fn vigil_json(args: &[&str]) -> (bool, Value) {
    vigil_json_with(args, &[])
}

/// [`vigil_json`] with environment variables set.
fn vigil_json_with(args: &[&str], env: &[(&str, &str)]) -> (bool, Value) {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("out.json");
    let status = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .envs(env.iter().copied())
        .arg("--json")
        .arg(&out)
        .output()
        .expect("run vigil");
    let text = std::fs::read_to_string(&out).expect("JSON written");
    (
        status.status.success(),
        serde_json::from_str(&text).expect("valid JSON"),
    )
}

fn expected(case: &str) -> Value {
    let text =
        std::fs::read_to_string(kit(&format!("cases/{case}/expected.json"))).expect("expected");
    serde_json::from_str(&text).expect("JSON")
}

fn assert_predictions_match(got: &Value, want: &Value, what: &str) {
    assert_eq!(got["n_rows"], want["n_rows"], "{what}: n_rows");
    assert_eq!(got["classes"], want["classes"], "{what}: classes");
    assert_eq!(got["label"], want["label"], "{what}: labels");
    let flat = |v: &Value| -> Vec<f64> {
        v.as_array()
            .expect("rows")
            .iter()
            .flat_map(|r| {
                r.as_array()
                    .expect("row")
                    .iter()
                    .map(|x| x.as_f64().expect("number"))
            })
            .collect()
    };
    let (g, w) = (flat(&got["probabilities"]), flat(&want["probabilities"]));
    assert_eq!(g.len(), w.len(), "{what}: probability count");
    let bad = g
        .iter()
        .zip(&w)
        .filter(|(a, b)| (*a - *b).abs() > 1e-6 + 1e-4 * b.abs())
        .count();
    assert_eq!(bad, 0, "{what}: probabilities outside tolerance");
}

#[test]
fn predict_binds_all_feature_columns_to_a_single_input() {
    let model = kit("models/breast_cancer_logreg.onnx");
    let data = kit("data/breast_cancer.csv");
    let (ok, json) = vigil_json(&[
        "predict",
        "--model",
        model.to_str().expect("p"),
        "--data",
        data.to_str().expect("p"),
        "--exclude",
        "target",
    ]);
    assert!(ok, "{json}");
    assert_predictions_match(
        &json["predictions"],
        &expected("breast_cancer_logreg")["predictions"],
        "breast_cancer_logreg",
    );
}

#[test]
fn predict_binds_inputs_by_column_name_and_handles_missing_values() {
    let models = ["models/credit_gbm.onnx", "models/credit_gbm_nozipmap.onnx"];
    let data = [
        "data/credit_current_strong.csv",
        "data/credit_current_strong.parquet",
    ];
    for (model, data) in models.iter().flat_map(|m| data.iter().map(move |d| (m, d))) {
        let (ok, json) = vigil_json(&[
            "predict",
            "--model",
            kit(model).to_str().expect("p"),
            "--data",
            kit(data).to_str().expect("p"),
        ]);
        assert!(ok, "{json}");
        assert_predictions_match(
            &json["predictions"],
            &expected("credit_gbm_strong")["predictions"],
            &format!("{model} on {data}"),
        );
    }
}

#[test]
fn predict_reshapes_pixel_columns_to_the_input_image() {
    let (ok, json) = vigil_json(&[
        "predict",
        "--model",
        kit("models/digits_cnn.onnx").to_str().expect("p"),
        "--data",
        kit("data/digits.csv").to_str().expect("p"),
        "--exclude",
        "target",
    ]);
    assert!(ok, "{json}");
    assert_predictions_match(
        &json["predictions"],
        &expected("digits_cnn")["predictions"],
        "digits_cnn",
    );
}

/// Without GPU support (how CI builds), `--device gpu` still predicts: on the CPU, with a
/// warning that says why, and the JSON names the device that ran.
#[cfg(not(feature = "gpu"))]
#[test]
fn predict_on_the_gpu_without_gpu_support_runs_on_the_cpu_and_says_why() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("out.json");
    let run = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args([
            "predict",
            "--device",
            "gpu",
            "--exclude",
            "target",
            "--model",
        ])
        .arg(kit("models/digits_cnn.onnx"))
        .arg("--data")
        .arg(kit("data/digits.csv"))
        .arg("--json")
        .arg(&out)
        .output()
        .expect("run vigil");
    assert!(run.status.success(), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(
            "vigil: warning: the GPU was asked for, but this build of Vigil has no GPU support"
        ) && stderr.contains("running on the CPU"),
        "{stderr}"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("JSON")).expect("valid JSON");
    assert_eq!(json["device"], "cpu");
    assert_predictions_match(
        &json["predictions"],
        &expected("digits_cnn")["predictions"],
        "digits_cnn",
    );
}

#[test]
fn predict_writes_regression_values() {
    let (ok, json) = vigil_json(&[
        "predict",
        "--model",
        kit("models/diabetes_rf.onnx").to_str().expect("p"),
        "--data",
        kit("data/diabetes.csv").to_str().expect("p"),
        "--exclude",
        "target",
    ]);
    assert!(ok, "{json}");
    let got = json["predictions"]["value"].as_array().expect("values");
    let want = expected("diabetes_rf")["predictions"]["value"]
        .as_array()
        .expect("values")
        .clone();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        let (g, w) = (g.as_f64().expect("g"), w.as_f64().expect("w"));
        assert!((g - w).abs() <= 1e-4 + 1e-4 * w.abs(), "{g} vs {w}");
    }
}

#[test]
fn errors_carry_stage_and_kind() {
    for (case, model, data) in [
        (
            "error_model_garbage",
            "models/errors/garbage.onnx",
            "data/breast_cancer.csv",
        ),
        (
            "error_model_truncated",
            "models/errors/truncated.onnx",
            "data/breast_cancer.csv",
        ),
        (
            "error_model_empty",
            "models/errors/empty.onnx",
            "data/breast_cancer.csv",
        ),
        (
            "error_input_shape",
            "models/errors/breast_cancer_logreg_dim31.onnx",
            "data/breast_cancer.csv",
        ),
        (
            "error_input_name",
            "models/errors/credit_gbm_renamed_input.onnx",
            "data/credit_current_none.csv",
        ),
    ] {
        let (ok, json) = vigil_json(&[
            "predict",
            "--model",
            kit(model).to_str().expect("p"),
            "--data",
            kit(data).to_str().expect("p"),
            "--exclude",
            "target,default",
        ]);
        assert!(!ok, "{case} must fail");
        let error = &json["error"];
        let want = &expected(case)["error"];
        assert_eq!(error["stage"], want["stage"], "{case}: {error}");
        assert_eq!(error["kind"], want["kind"], "{case}: {error}");
        assert!(!error["message"].as_str().expect("message").is_empty());
        assert!(json.get("predictions").is_none());
    }
}

#[test]
fn inspect_lists_operators_and_says_whether_each_is_supported() {
    let (ok, json) = vigil_json(&["inspect", kit("models/credit_rf.onnx").to_str().expect("p")]);
    assert!(ok, "{json}");
    assert_eq!(json["runnable"], true);
    assert_eq!(json["inputs"].as_array().expect("inputs").len(), 12);
    let ops: Vec<String> = json["operators"]
        .as_array()
        .expect("ops")
        .iter()
        .map(|o| {
            format!(
                "{}::{}",
                o["domain"].as_str().expect("d"),
                o["op_type"].as_str().expect("o")
            )
        })
        .collect();
    assert!(
        ops.contains(&"ai.onnx.ml::TreeEnsembleClassifier".to_owned()),
        "{ops:?}"
    );
    assert!(
        json["operators"]
            .as_array()
            .expect("ops")
            .iter()
            .all(|o| o["supported"] == true)
    );
}

#[test]
fn the_demo_models_match_onnxruntime_on_the_demo_data() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("tests/fixtures/demo/reference.json"))
        .expect("reference");
    let reference: Value = serde_json::from_str(&text).expect("JSON");
    for model in ["credit_risk_v1.onnx", "credit_risk_v2.onnx"] {
        let model_path = root.join("demo/models").join(model);
        let data_path = root.join("demo/data/credit_applications.csv");
        let (ok, json) = vigil_json(&[
            "predict",
            "--model",
            model_path.to_str().expect("p"),
            "--data",
            data_path.to_str().expect("p"),
        ]);
        assert!(ok, "{json}");
        let mut want = reference["models"][model].clone();
        want["n_rows"] = json!(4000);
        want["classes"] = json!([0, 1]);
        assert_predictions_match(&json["predictions"], &want, model);
    }
}

/// Compares every number of `want` with `got` (atol 1e-6), recursing through objects and arrays;
/// keys only the app gives (such as `zero_division`) are ignored.
fn assert_json_close(got: &Value, want: &Value, path: &str) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                let gv = g.get(k).unwrap_or_else(|| panic!("{path}.{k} is missing"));
                assert_json_close(gv, wv, &format!("{path}.{k}"));
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{path}: length");
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                assert_json_close(gv, wv, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().expect("g"), w.as_f64().expect("w"));
            assert!((g - w).abs() <= 1e-6, "{path}: {g} vs {w}");
        }
        (g, w) => assert_eq!(g, w, "{path}"),
    }
}

fn eval_case(case: &str, extra: &[&str]) {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(kit(&format!("cases/{case}/case.json"))).expect("case"),
    )
    .expect("JSON");
    let want = expected(case);
    // The CSV and, where the kit has them, the same rows as Parquet.
    let mut datasets = vec![kit(spec["dataset"].as_str().expect("dataset"))];
    if let Some(alternatives) = spec["dataset_alternatives"].as_array() {
        datasets.extend(
            alternatives
                .iter()
                .map(|a| kit(a.as_str().expect("alternative"))),
        );
    }
    let target = spec["label_column"].as_str().expect("label column");
    let models: Vec<String> = spec["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m.as_str().expect("m").to_owned())
        .collect();
    let mut runs: Vec<Vec<String>> = models
        .iter()
        .map(|m| vec!["--model".to_owned(), kit(m).display().to_string()])
        .collect();
    if models.is_empty() {
        let mut logged = vec![
            "--prediction-column".to_owned(),
            spec["prediction_column"]
                .as_str()
                .expect("prediction column")
                .to_owned(),
        ];
        if let Some(columns) = spec["probability_columns"].as_array() {
            let names: Vec<&str> = columns.iter().map(|c| c.as_str().expect("c")).collect();
            logged.extend(["--probability-columns".to_owned(), names.join(",")]);
        }
        runs.push(logged);
    }
    // The case's sensitive analyses: each a list of columns (an intersection when several).
    let sensitive: Vec<String> = spec["sensitive_features"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|s| match s {
                    Value::Array(cols) => cols
                        .iter()
                        .map(|c| c.as_str().expect("c"))
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.as_str().expect("column").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let runs: Vec<(PathBuf, Vec<String>)> = datasets
        .iter()
        .flat_map(|d| runs.iter().map(move |r| (d.clone(), r.clone())))
        .collect();
    for (data, run) in runs {
        let mut args: Vec<String> = vec![
            "eval".into(),
            "--data".into(),
            data.display().to_string(),
            "--target".into(),
            target.into(),
        ];
        args.extend(run);
        for s in &sensitive {
            args.extend(["--sensitive".to_owned(), s.clone()]);
        }
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, json) = vigil_json(&refs);
        assert!(ok, "{case} on {}: {json}", data.display());
        if want.get("metrics").is_some_and(|m| !m.is_null()) {
            assert_json_close(
                &json["metrics"],
                &want["metrics"],
                &format!("{case}.metrics"),
            );
        }
        if want.get("fairness").is_some_and(|f| !f.is_null()) {
            assert!(
                !sensitive.is_empty(),
                "{case}: the case names no sensitive columns"
            );
            assert_json_close(
                &json["fairness"],
                &want["fairness"],
                &format!("{case}.fairness"),
            );
        }
    }
}

macro_rules! eval_cases {
    ($($case:ident $(: $($extra:literal),*)?);* $(;)?) => {$(
        #[test]
        fn $case() {
            eval_case(stringify!($case), &[$($($extra),*)?]);
        }
    )*};
}

mod metrics_and_fairness_equal_scikit_learn_and_fairlearn {
    use super::eval_case;

    eval_cases!(
        breast_cancer_logreg;
        breast_cancer_logreg_stdops;
        iris_logreg;
        wine_logreg;
        wine_logreg_stdops;
        digits_mlp;
        digits_cnn;
        credit_rf_holdout;
        credit_gbm_holdout;
        credit_gbm_strong;
        fairness_edge;
        diabetes_linreg;
        diabetes_ridge;
        diabetes_rf;
        metrics_edge_binary;
        metrics_edge_multiclass;
    );
}

#[test]
fn a_label_outside_the_model_classes_is_an_error_naming_the_row() {
    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path().join("iris.csv");
    let text = std::fs::read_to_string(kit("data/iris.csv")).expect("iris");
    let mut lines: Vec<&str> = text.lines().collect();
    let bad = lines[3]
        .rsplit_once(',')
        .map(|(head, _)| format!("{head},7"))
        .expect("row");
    lines[3] = &bad;
    std::fs::write(&data, lines.join("\n") + "\n").expect("write");
    let (ok, json) = vigil_json(&[
        "eval",
        "--model",
        kit("models/iris_logreg.onnx").to_str().expect("p"),
        "--data",
        data.to_str().expect("p"),
        "--target",
        "target",
    ]);
    assert!(!ok);
    let message = json["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("Row 3") && message.contains("`7`"),
        "{message}"
    );
}

#[test]
fn eval_register_stores_the_version_and_evaluation_once() {
    let workspace = tempfile::tempdir().expect("temp");
    let model = kit("models/breast_cancer_logreg.onnx");
    let data = kit("data/breast_cancer.csv");
    let args = [
        "--data-dir",
        workspace.path().to_str().expect("p"),
        "eval",
        "--model",
        model.to_str().expect("p"),
        "--data",
        data.to_str().expect("p"),
        "--target",
        "target",
        "--register",
        "cancer",
    ];
    let (ok, first) = vigil_json(&args);
    assert!(ok, "{first}");
    assert_eq!(first["registered"]["model"], "cancer");
    assert_eq!(first["registered"]["version"], 1);
    assert_eq!(first["registered"]["cached"], false);
    // The stored result is the one the command printed.
    assert_json_close(
        &first["metrics"]["accuracy"],
        &expected("breast_cancer_logreg")["metrics"]["accuracy"],
        "accuracy",
    );
    let (ok, second) = vigil_json(&args);
    assert!(ok, "{second}");
    assert_eq!(
        second["registered"]["version"], 1,
        "the same bytes are the same version"
    );
    assert_eq!(
        second["registered"]["evaluation"],
        first["registered"]["evaluation"]
    );
    assert_eq!(second["registered"]["cached"], true);
    assert!(workspace.path().join("vigil.sqlite3").exists());
}

#[test]
fn eval_streams_a_large_file_with_the_same_result_and_stores_it() {
    let workspace = tempfile::tempdir().expect("temp");
    let model = kit("models/credit_gbm.onnx");
    let data = kit("data/credit.csv");
    let args = [
        "--data-dir",
        workspace.path().to_str().expect("p"),
        "eval",
        "--model",
        model.to_str().expect("p"),
        "--data",
        data.to_str().expect("p"),
        "--target",
        "default",
        "--sensitive",
        "sex",
        "--bootstrap",
        "100",
    ];
    let (ok, whole) = vigil_json(&args[2..]);
    assert!(ok, "{whole}");
    // Every file counts as large here, so it is scanned and streamed.
    let mut registering = args.to_vec();
    registering.extend(["--register", "credit"]);
    let (ok, streamed) = vigil_json_with(&registering, &[("VIGIL_STREAM_MIN_BYTES", "0")]);
    assert!(ok, "{streamed}");
    for section in ["predictions", "metrics", "fairness"] {
        assert_eq!(streamed[section], whole[section], "{section}");
    }
    assert_eq!(streamed["registered"]["cached"], false);
    // The file was copied into the blob folder under its hash.
    let bytes = std::fs::read(&data).expect("data");
    let sha = vigil_store::sha256_hex(&bytes);
    let blob = workspace
        .path()
        .join("blobs/sha256")
        .join(&sha[..2])
        .join(&sha);
    assert_eq!(std::fs::read(blob).expect("blob"), bytes);
    let (ok, again) = vigil_json_with(&registering, &[("VIGIL_STREAM_MIN_BYTES", "0")]);
    assert!(ok, "{again}");
    assert_eq!(again["registered"]["cached"], true);
}

#[test]
fn eval_bootstrap_sets_the_resample_count_of_the_intervals() {
    let model = kit("models/breast_cancer_logreg.onnx");
    let data = kit("data/breast_cancer.csv");
    let run = |resamples: &str| {
        let (ok, json) = vigil_json(&[
            "eval",
            "--model",
            model.to_str().expect("p"),
            "--data",
            data.to_str().expect("p"),
            "--target",
            "target",
            "--bootstrap",
            resamples,
        ]);
        assert!(ok, "{json}");
        json
    };
    let none = run("0");
    assert_eq!(none["metrics"]["bootstrap"]["resamples"], 0);
    assert!(none["metrics"]["confidence_intervals"]["accuracy"].is_null());
    let some = run("200");
    assert_eq!(some["metrics"]["bootstrap"]["resamples"], 200);
    let interval = &some["metrics"]["confidence_intervals"]["roc_auc"];
    let auc = some["metrics"]["roc_auc"]["binary"].as_f64().expect("auc");
    assert!(
        interval["low"].as_f64().expect("low") <= auc
            && auc <= interval["high"].as_f64().expect("high"),
        "{interval} vs {auc}"
    );
    // The point estimates do not depend on the intervals.
    assert_eq!(none["metrics"]["accuracy"], some["metrics"]["accuracy"]);
    assert_eq!(none["metrics"]["roc_auc"], some["metrics"]["roc_auc"]);
}

#[test]
fn eval_register_stores_logged_predictions_under_the_system_that_logged_them() {
    let workspace = tempfile::tempdir().expect("temp");
    let data = kit("data/metrics_edge_binary.csv");
    let args = [
        "--data-dir",
        workspace.path().to_str().expect("p"),
        "eval",
        "--data",
        data.to_str().expect("p"),
        "--target",
        "y_true",
        "--prediction-column",
        "y_pred",
        "--probability-columns",
        "p_0,p_1",
        "--register",
        "scoring-service",
    ];
    let (ok, first) = vigil_json(&args);
    assert!(ok, "{first}");
    assert_eq!(first["registered"]["logged_source"], "scoring-service");
    assert_eq!(first["registered"]["cached"], false);
    assert!(first["registered"].get("version").is_none());
    assert_json_close(
        &first["metrics"]["log_loss"],
        &expected("metrics_edge_binary")["metrics"]["log_loss"],
        "log_loss",
    );
    let (ok, second) = vigil_json(&args);
    assert!(ok, "{second}");
    assert_eq!(second["registered"]["cached"], true);
    assert_eq!(
        second["registered"]["evaluation"],
        first["registered"]["evaluation"]
    );
    // Bad input is refused before anything is stored: a prediction column that is not there.
    let other = tempfile::tempdir().expect("temp");
    let (ok, error) = vigil_json(&[
        "--data-dir",
        other.path().to_str().expect("p"),
        "eval",
        "--data",
        data.to_str().expect("p"),
        "--target",
        "y_true",
        "--prediction-column",
        "no_such_column",
        "--register",
        "scoring-service",
    ]);
    assert!(!ok);
    assert!(error_message(&error).contains("no_such_column"), "{error}");
    assert!(
        !other.path().join("vigil.sqlite3").exists(),
        "no workspace was created"
    );
}

/// The kit's tolerance for a drift value at a dotted path (first matching rule of the kit's
/// comparison table): counts, names, methods and flags exact; bin edges rtol 1e-9; p-values and
/// the p-value-like Evidently scores rtol 1e-6, atol 1e-12; everything else rtol 1e-6, atol 1e-9.
fn drift_tolerance(path: &str) -> Option<(f64, f64)> {
    const EXACT: [&str; 14] = [
        "n_ref",
        "n_cur",
        "missing_ref",
        "missing_cur",
        "n_drifted",
        "n_columns",
        "dof",
        "ref_count",
        "cur_count",
        "categories",
        "method",
        "scheme",
        "drifted",
        "dataset_drift",
    ];
    let last = path.rsplit('.').next().unwrap_or(path);
    if EXACT.contains(&last) || last == "type" || path.ends_with("ks.pvalue_method_auto") {
        None
    } else if last == "inner_edges" {
        Some((1e-9, 1e-12))
    } else if path.contains("pvalue")
        || path.ends_with("evidently.default.score")
        || path.ends_with("evidently.ks_chisquare.score")
    {
        Some((1e-6, 1e-12))
    } else {
        Some((1e-6, 1e-9))
    }
}

/// Checks every value the kit expects at `path` (arrays element-wise under the array's rule);
/// collects failures instead of stopping at the first.
fn compare_drift(got: &Value, want: &Value, path: &str, failures: &mut Vec<String>) {
    compare_drift_under(got, want, path, path, failures);
}

fn compare_drift_under(
    got: &Value,
    want: &Value,
    path: &str,
    rule: &str,
    failures: &mut Vec<String>,
) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                let child = format!("{path}.{k}");
                match g.get(k) {
                    Some(gv) => compare_drift_under(gv, wv, &child, &child, failures),
                    None => failures.push(format!("{child}: missing")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            if g.len() != w.len() {
                failures.push(format!("{path}: length {} vs {}", g.len(), w.len()));
                return;
            }
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                compare_drift_under(gv, wv, &format!("{path}[{i}]"), rule, failures);
            }
        }
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().expect("g"), w.as_f64().expect("w"));
            let ok = match drift_tolerance(rule) {
                None => g == w,
                Some((rtol, atol)) => (g - w).abs() <= atol + rtol * w.abs(),
            };
            if !ok {
                failures.push(format!("{path}: got {g:e}, want {w:e}"));
            }
        }
        (g, w) => {
            if g != w {
                failures.push(format!("{path}: got {g}, want {w}"));
            }
        }
    }
}

/// Runs `vigil drift` on a kit drift case (paths relative to the kit, as the case gives them)
/// and compares the whole `drift` section with the kit's, Evidently sub-sections included.
fn drift_case(case: &str, current_override: Option<&str>) {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(kit(&format!("cases/{case}/case.json"))).expect("case"),
    )
    .expect("JSON");
    let mut want = expected(case)["drift"].clone();
    let list = |kind: &str| -> String {
        spec["columns"][kind]
            .as_array()
            .expect("columns")
            .iter()
            .map(|c| c.as_str().expect("name"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let current = current_override.unwrap_or_else(|| spec["current"].as_str().expect("current"));
    if current_override.is_some() {
        want["current"] = json!(current);
    }
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("drift.json");
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .current_dir(kit(""))
        .args([
            "drift",
            "--reference",
            spec["reference"].as_str().expect("reference"),
        ])
        .args(["--current", current])
        .args([
            "--numerical",
            &list("numerical"),
            "--categorical",
            &list("categorical"),
        ])
        .arg("--json")
        .arg(&out)
        .output()
        .expect("run vigil");
    assert!(
        output.status.success(),
        "{case}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("JSON written")).expect("JSON");
    let mut failures = Vec::new();
    compare_drift(&got["drift"], &want, "drift", &mut failures);
    assert!(
        failures.is_empty(),
        "{case} on {current}:\n{}",
        failures.join("\n")
    );
}

mod drift_equals_scipy_and_evidently {
    use super::drift_case;

    #[test]
    fn drift_none() {
        drift_case("drift_none", None);
    }

    #[test]
    fn drift_mild() {
        drift_case("drift_mild", None);
    }

    #[test]
    fn drift_strong() {
        drift_case("drift_strong", None);
    }

    #[test]
    fn drift_strong_from_parquet() {
        drift_case("drift_strong", Some("data/credit_current_strong.parquet"));
    }
}

#[test]
fn drift_chooses_columns_and_says_why_it_left_some_out() {
    let (ok, json) = vigil_json(&[
        "drift",
        "--reference",
        kit("data/credit_reference.csv").to_str().expect("path"),
        "--current",
        kit("data/credit_current_strong.csv")
            .to_str()
            .expect("path"),
        "--exclude",
        "default",
    ]);
    assert!(ok, "{json}");
    let drift = &json["drift"];
    let excluded: Vec<(&str, &str)> = drift["excluded"]
        .as_array()
        .expect("excluded")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name"),
                e["reason"].as_str().expect("reason"),
            )
        })
        .collect();
    assert_eq!(
        excluded.iter().map(|e| e.0).collect::<Vec<_>>(),
        ["id", "timestamp", "default"]
    );
    assert!(excluded[0].1.contains("identifier"), "{excluded:?}");
    // The twelve feature columns remain, typed by their values.
    assert_eq!(drift["n_columns"], 12);
    assert_eq!(drift["columns"]["region"]["type"], "categorical");
    assert_eq!(drift["columns"]["income"]["type"], "numerical");
    let reason = drift["columns"]["income"]["evidently"]["default"]["reason"]
        .as_str()
        .expect("reason");
    assert!(reason.contains("more than 1000"), "{reason}");
    assert_eq!(drift["evidently"]["default"]["dataset_drift"], true);
}

#[test]
fn drift_errors_name_the_column() {
    let (ok, json) = vigil_json(&[
        "drift",
        "--reference",
        kit("data/credit_reference.csv").to_str().expect("path"),
        "--current",
        kit("data/credit_current_none.csv").to_str().expect("path"),
        "--numerical",
        "region",
    ]);
    assert!(!ok);
    let message = json["error"]["message"].as_str().expect("message");
    assert!(message.contains("`region` is not numeric"), "{message}");
    assert_eq!(json["error"]["kind"], "usage");
}

fn demo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo")
        .join(path)
}

#[test]
fn monitor_follows_the_demo_model_week_by_week() {
    let model = demo("models/credit_risk_v1.onnx");
    let data = demo("data/credit_applications.csv");
    let (ok, json) = vigil_json(&[
        "monitor",
        "--model",
        model.to_str().expect("path"),
        "--data",
        data.to_str().expect("path"),
        "--window",
        "week",
        "--reference-windows",
        "8",
        "--target",
        "default",
        "--sensitive",
        "sex",
        "--exclude",
        "id",
    ]);
    assert!(ok, "{json}");
    let monitoring = &json["monitoring"];
    let windows = monitoring["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 12);
    assert!(
        monitoring["reference"]
            .as_str()
            .expect("reference")
            .contains("first 8 week")
    );
    for (index, window) in windows.iter().enumerate() {
        let income = window["drift"]
            .as_array()
            .expect("drift")
            .iter()
            .find(|c| c["column"] == "income")
            .expect("income");
        assert_eq!(income["drifted"], index >= 8, "{}", window["label"]);
        assert!(
            window["performance"]
                .as_array()
                .expect("performance")
                .iter()
                .any(|m| m["name"] == "accuracy")
        );
        assert!(window["estimated_accuracy"].as_f64().is_some());
    }
    // The drill-down keeps each window's full drift result, in the drift schema.
    assert_eq!(
        monitoring["drift_details"][11]["columns"]["income"]["type"],
        "numerical"
    );
}

#[test]
fn monitor_against_a_reference_file_in_row_chunks_without_a_model() {
    let (ok, json) = vigil_json(&[
        "monitor",
        "--data",
        kit("data/credit_current_strong.csv")
            .to_str()
            .expect("path"),
        "--reference",
        kit("data/credit_reference.csv").to_str().expect("path"),
        "--window",
        "rows:2000",
        "--exclude",
        "default",
    ]);
    assert!(ok, "{json}");
    let windows = json["monitoring"]["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 4, "6831 rows in chunks of 2000");
    assert_eq!(windows[3]["rows"], 831);
    assert!(windows.iter().all(|w| w["dataset_drift"] == true));
    assert!(
        windows
            .iter()
            .all(|w| w["performance"].as_array().expect("p").is_empty())
    );
}

#[test]
fn monitor_refuses_an_unknown_window_and_a_missing_reference() {
    let data = demo("data/credit_applications.csv");
    let (ok, json) = vigil_json(&[
        "monitor",
        "--data",
        data.to_str().expect("path"),
        "--window",
        "fortnight",
        "--reference-windows",
        "2",
    ]);
    assert!(!ok);
    assert!(
        json["error"]["message"]
            .as_str()
            .expect("message")
            .contains("use day, week, month, rows:N or all")
    );
    let (ok, json) = vigil_json(&["monitor", "--data", data.to_str().expect("path")]);
    assert!(!ok);
    assert!(
        json["error"]["message"]
            .as_str()
            .expect("message")
            .contains("--reference")
    );
}

#[test]
fn monitor_register_stores_the_run_once_and_bad_input_stores_nothing() {
    let workspace = tempfile::tempdir().expect("temp");
    let dir = workspace.path().to_str().expect("path").to_owned();
    let model = demo("models/credit_risk_v2.onnx");
    let data = demo("data/credit_applications.csv");
    let args = |window: &str| -> Vec<String> {
        [
            "--data-dir",
            &dir,
            "monitor",
            "--model",
            model.to_str().expect("p"),
            "--data",
            data.to_str().expect("p"),
            "--window",
            window,
            "--reference-windows",
            "8",
            "--target",
            "default",
            "--exclude",
            "id",
            "--register",
            "credit-risk",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    };
    let run = |args: &[String]| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        vigil_json(&refs)
    };
    let (ok, json) = run(&args("week"));
    assert!(ok, "{json}");
    assert_eq!(json["registered"]["version"], 1);
    assert_eq!(json["registered"]["cached"], false);
    let (ok, again) = run(&args("week"));
    assert!(ok, "{again}");
    assert_eq!(again["registered"]["cached"], true);
    assert_eq!(
        again["registered"]["monitoring_run"],
        json["registered"]["monitoring_run"]
    );
    // Monthly windows leave none to monitor after 8: refused before anything is stored.
    let (ok, error) = run(&args("month"));
    assert!(!ok);
    assert!(
        error["error"]["message"]
            .as_str()
            .expect("m")
            .contains("leave at least one")
    );
    let database = workspace.path().join("vigil.sqlite3");
    assert!(database.exists());
}

/// Runs `vigil ARGS… --json OUT` as `user` in workspace `dir`.
fn vigil_as(user: &str, dir: &std::path::Path, args: &[&str]) -> (bool, Value) {
    let out = tempfile::NamedTempFile::new().expect("temp");
    let status = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .env("USER", user)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .arg("--json")
        .arg(out.path())
        .output()
        .expect("run vigil");
    let text = std::fs::read_to_string(out.path()).expect("JSON written");
    (
        status.status.success(),
        serde_json::from_str(&text).expect("valid JSON"),
    )
}

fn error_message(json: &Value) -> String {
    json["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_registry_journey_gates_approvals_overrides_four_eyes_and_rollbacks() {
    let workspace = tempfile::tempdir().expect("temp");
    let dir = workspace.path();
    let gbm = kit("models/credit_gbm.onnx");
    let rf = kit("models/credit_rf.onnx");
    let data = kit("data/credit_current_none.csv");
    let path = |p: &PathBuf| p.to_str().expect("path").to_owned();

    // Import: v1, the same bytes again are v1, another file is v2.
    let (ok, json) = vigil_as(
        "alice",
        dir,
        &[
            "registry",
            "import",
            &path(&gbm),
            "--name",
            "credit",
            "--description",
            "Default risk of credit applicants",
        ],
    );
    assert!(ok, "{json}");
    assert_eq!(
        (json["version"].clone(), json["created"].clone()),
        (json!(1), json!(true))
    );
    let (_, json) = vigil_as(
        "alice",
        dir,
        &["registry", "import", &path(&gbm), "--name", "credit"],
    );
    assert_eq!(
        (json["version"].clone(), json["created"].clone()),
        (json!(1), json!(false))
    );
    let (_, json) = vigil_as(
        "alice",
        dir,
        &[
            "registry",
            "import",
            &path(&rf),
            "--name",
            "credit",
            "--tag",
            "forest, challenger",
        ],
    );
    assert_eq!(json["version"], 2);
    // Tags and the signature the inference crate read are kept with the version.
    let (_, list) = vigil_as("alice", dir, &["registry", "list"]);
    assert_eq!(
        list["models"][0]["description"],
        "Default risk of credit applicants"
    );
    let v2 = &list["models"][0]["versions"][1];
    assert_eq!(v2["tags"], json!(["challenger", "forest"]));
    let signature = v2["signature"].as_str().expect("signature");
    assert!(
        signature.contains("→") && signature.contains("tensor(float)"),
        "{signature}"
    );
    // A model Vigil cannot run is refused before anything is stored.
    let unsupported = kit("../models/unsupported_op.onnx");
    let (ok, json) = vigil_as(
        "alice",
        dir,
        &[
            "registry",
            "import",
            &path(&unsupported),
            "--name",
            "credit",
        ],
    );
    assert!(!ok);
    assert!(error_message(&json).contains("`Einsum`"), "{json}");
    let (_, list) = vigil_as("alice", dir, &["registry", "list"]);
    assert_eq!(
        list["models"][0]["versions"]
            .as_array()
            .expect("versions")
            .len(),
        2
    );

    // Without evidence a gate cannot pass.
    let (ok, _) = vigil_as(
        "alice",
        dir,
        &[
            "registry",
            "gates",
            "credit",
            "--min-accuracy",
            "0.8",
            "--four-eyes",
        ],
    );
    assert!(ok);
    let (ok, json) = vigil_as(
        "bob",
        dir,
        &[
            "registry",
            "promote",
            "credit",
            "1",
            "--alias",
            "production",
            "--comment",
            "first release",
        ],
    );
    assert!(!ok);
    assert!(
        error_message(&json).contains("no finished evaluation"),
        "{json}"
    );

    // Evaluate both versions on the same data.
    for model in [&gbm, &rf] {
        let (ok, json) = vigil_as(
            "alice",
            dir,
            &[
                "eval",
                "--model",
                &path(model),
                "--data",
                &path(&data),
                "--target",
                "default",
                "--sensitive",
                "sex",
                "--register",
                "credit",
            ],
        );
        assert!(ok, "{json}");
    }
    let (ok, json) = vigil_as("bob", dir, &["registry", "check", "credit", "1"]);
    assert!(ok, "{json}");
    assert_eq!(json["gates"]["passed"], true, "{json}");

    // Four eyes: alice registered v1 and cannot approve it; bob can, and must comment.
    let (ok, json) = vigil_as(
        "alice",
        dir,
        &[
            "registry",
            "promote",
            "credit",
            "1",
            "--alias",
            "production",
            "--comment",
            "ok",
        ],
    );
    assert!(!ok);
    assert!(error_message(&json).contains("four-eyes"), "{json}");
    let (ok, json) = vigil_as(
        "bob",
        dir,
        &[
            "registry",
            "promote",
            "credit",
            "1",
            "--alias",
            "production",
            "--comment",
            "  ",
        ],
    );
    assert!(!ok);
    assert!(error_message(&json).contains("needs a comment"), "{json}");
    let (ok, json) = vigil_as(
        "bob",
        dir,
        &[
            "registry",
            "promote",
            "credit",
            "1",
            "--alias",
            "production",
            "--comment",
            "accuracy 0.8+ on the holdout",
        ],
    );
    assert!(ok, "{json}");
    assert_eq!(json["event"]["toVersion"], 1);

    // A gate v2 fails: refused without a reason, accepted with one (and the override audited).
    let (ok, _) = vigil_as(
        "alice",
        dir,
        &[
            "registry",
            "gates",
            "credit",
            "--min-accuracy",
            "0.99",
            "--four-eyes",
        ],
    );
    assert!(ok);
    let (ok, json) = vigil_as(
        "bob",
        dir,
        &[
            "registry",
            "promote",
            "credit",
            "2",
            "--alias",
            "production",
            "--comment",
            "try the forest",
        ],
    );
    assert!(!ok);
    assert!(
        error_message(&json).contains("fails its quality gates"),
        "{json}"
    );
    let (ok, json) = vigil_as(
        "bob",
        dir,
        &[
            "registry",
            "promote",
            "credit",
            "2",
            "--alias",
            "production",
            "--comment",
            "try the forest",
            "--override-reason",
            "the gate is being recalibrated",
        ],
    );
    assert!(ok, "{json}");
    assert_eq!(json["event"]["fromVersion"], 1);
    assert_eq!(json["event"]["gateReport"]["passed"], false);

    // Any alias by hash prefix, no gates.
    let (_, list) = vigil_as("bob", dir, &["registry", "list"]);
    let sha = list["models"][0]["versions"][0]["sha256"]
        .as_str()
        .expect("sha")
        .to_owned();
    let (ok, json) = vigil_as(
        "bob",
        dir,
        &[
            "registry",
            "promote",
            "credit",
            &sha[..8],
            "--alias",
            "challenger",
            "--comment",
            "keep comparing",
        ],
    );
    assert!(ok, "{json}");

    // Rollback walks back through promotions: v2 → v1, then nothing earlier.
    let (ok, json) = vigil_as(
        "carol",
        dir,
        &["registry", "rollback", "credit", "--reason", "complaints"],
    );
    assert!(ok, "{json}");
    assert_eq!(json["event"]["toVersion"], 1);
    let (ok, json) = vigil_as(
        "carol",
        dir,
        &["registry", "rollback", "credit", "--reason", "again"],
    );
    assert!(!ok);
    assert!(
        error_message(&json).contains("no earlier production version"),
        "{json}"
    );

    // History: every move with who and why; what was live before anything was promoted.
    let (ok, json) = vigil_as(
        "carol",
        dir,
        &["registry", "history", "credit", "--at", "2000-01-01"],
    );
    assert!(ok, "{json}");
    let history = json["lifecycle"]["history"].as_array().expect("history");
    let moves: Vec<(String, String, String)> = history
        .iter()
        .map(|h| {
            (
                h["alias"].as_str().unwrap_or("").to_owned(),
                h["action"].as_str().unwrap_or("").to_owned(),
                h["actor"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("production", "promote", "bob"),
        ("production", "promote", "bob"),
        ("challenger", "promote", "bob"),
        ("production", "rollback", "carol"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(moves, expected);
    assert_eq!(
        history[1]["overrideReason"],
        "the gate is being recalibrated"
    );
    assert_eq!(json["at"]["aliases"]["production"], Value::Null);
    assert_eq!(
        json["lifecycle"]["aliases"],
        json!([["challenger", 1], ["production", 1]])
    );

    // The audit log holds every step and verifies; export is JSON Lines.
    let (ok, json) = vigil_as("carol", dir, &["audit", "verify"]);
    assert!(ok, "{json}");
    assert_eq!(json["audit"]["intact"], true);
    let export = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("--data-dir")
        .arg(dir)
        .args(["audit", "export"])
        .output()
        .expect("export");
    let lines: Vec<Value> = String::from_utf8(export.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let actions: Vec<&str> = lines.iter().filter_map(|l| l["action"].as_str()).collect();
    for action in [
        "model_version.import",
        "gate.policy",
        "evaluation.complete",
        "alias.promote",
        "gate.override",
        "alias.rollback",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    assert_eq!(lines[0]["seq"], 1, "oldest first");

    // Tamper with one event behind Vigil's back: verify fails and names it.
    let database = dir.join("vigil.sqlite3");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", database.display()))
            .await
            .expect("connect");
        sqlx::query("DROP TRIGGER audit_events_reject_update")
            .execute(&mut conn)
            .await
            .expect("drop");
        sqlx::query("UPDATE audit_events SET actor = 'mallory' WHERE seq = 4")
            .execute(&mut conn)
            .await
            .expect("edit");
        conn.close().await.expect("close");
    });
    let (ok, json) = vigil_as("carol", dir, &["audit", "verify"]);
    assert!(!ok, "a broken chain fails the command");
    assert_eq!(json["audit"]["brokenAt"], 4, "{json}");
    assert!(
        json["audit"]["reason"]
            .as_str()
            .expect("reason")
            .contains("edited")
    );
}

#[test]
fn compare_reports_paired_tests_group_deltas_and_disagreements() {
    let (ok, json) = vigil_json(&[
        "compare",
        "--first",
        kit("models/credit_rf.onnx").to_str().expect("path"),
        "--second",
        kit("models/credit_gbm.onnx").to_str().expect("path"),
        "--data",
        kit("data/credit_current_none.csv").to_str().expect("path"),
        "--target",
        "default",
        "--sensitive",
        "sex",
    ]);
    assert!(ok, "{json}");
    let c = &json["comparison"];
    // Each side's accuracy equals `vigil eval`'s (scikit-learn's) for that model.
    for (side, case) in [
        ("first", "credit_rf_holdout"),
        ("second", "credit_gbm_holdout"),
    ] {
        let want = expected(case)["metrics"]["accuracy"]
            .as_f64()
            .expect("accuracy");
        let got = c["metrics"]["accuracy"][side].as_f64().expect("got");
        assert!((got - want).abs() < 1e-12, "{side}: {got} vs {want}");
    }
    let accuracy = &c["metrics"]["accuracy"];
    let difference = accuracy["difference"].as_f64().expect("difference");
    let (low, high) = (
        accuracy["difference_ci"]["low"].as_f64().expect("low"),
        accuracy["difference_ci"]["high"].as_f64().expect("high"),
    );
    assert!(low <= difference && difference <= high, "{accuracy}");
    // McNemar's discordant counts explain the accuracy difference exactly.
    let n = c["n_rows"].as_f64().expect("rows");
    let (b, cc) = (
        c["mcnemar"]["only_first_correct"].as_f64().expect("b"),
        c["mcnemar"]["only_second_correct"].as_f64().expect("c"),
    );
    assert!(((cc - b) / n - difference).abs() < 1e-12);
    assert!(c["delong"]["pvalue"].as_f64().is_some());
    assert!(c["groups"]["sex"].as_object().expect("groups").len() >= 2);
    let disagreements = c["disagreements"]["count"].as_u64().expect("count");
    assert!(
        disagreements as f64 >= b + cc,
        "a row one model gets right and the other wrong is a disagreement"
    );
}

#[test]
fn no_progress_bar_when_standard_error_is_not_a_terminal() {
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["eval", "--model"])
        .arg(demo("models/credit_risk_v1.onnx"))
        .arg("--data")
        .arg(demo("data/credit_applications.csv"))
        .args(["--target", "default"])
        .env("VIGIL_STREAM_MIN_BYTES", "0")
        .output()
        .expect("run vigil");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("inference ["), "{stderr}");
    assert!(!stderr.contains("reading"), "{stderr}");
}
