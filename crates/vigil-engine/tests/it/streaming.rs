//! Large dataset files are streamed: scanned, then read in chunks while the model runs. A
//! streamed evaluation gives exactly what reading the file whole gives, stores the same things,
//! reports reading progress in bytes, and can be cancelled while it reads.

use std::path::Path;
use std::sync::{Arc, Mutex};

use vigil_engine::dataset_input::DatasetInput;
use vigil_engine::run::{JobHandle, JobProgress, run_evaluation};
use vigil_engine::views::EvaluateFileRequest;
use vigil_engine::{DemoSeeding, EvaluateRequest, Workspace};

use super::evaluation_jobs::credit_request;
use super::{kit, open};

/// A kit case as `vigil eval` would run it.
struct Case {
    model: Option<&'static str>,
    data: &'static str,
    target: &'static str,
    sensitive: &'static [&'static str],
    prediction_column: Option<&'static str>,
    probability_columns: &'static [&'static str],
    /// Whether each row's scores are independent of the batch size. A convolution runs as a
    /// matrix product whose summation order follows the batch shape, so the CNN's scores may
    /// differ in their last bits between batch sizes; it is compared at the run's own chunk
    /// size only.
    batch_independent: bool,
}

const CASES: [Case; 7] = [
    Case {
        model: Some("models/credit_gbm.onnx"),
        data: "data/credit.csv",
        target: "default",
        sensitive: &["sex", "region"],
        prediction_column: None,
        probability_columns: &[],
        batch_independent: true,
    },
    Case {
        model: Some("models/credit_rf_nozipmap.onnx"),
        data: "data/credit.parquet",
        target: "default",
        sensitive: &["sex"],
        prediction_column: None,
        probability_columns: &[],
        batch_independent: true,
    },
    Case {
        model: Some("models/diabetes_rf.onnx"),
        data: "data/diabetes.csv",
        target: "target",
        sensitive: &[],
        prediction_column: None,
        probability_columns: &[],
        batch_independent: true,
    },
    Case {
        model: Some("models/digits_cnn.onnx"),
        data: "data/digits.csv",
        target: "target",
        sensitive: &[],
        prediction_column: None,
        probability_columns: &[],
        batch_independent: false,
    },
    Case {
        model: Some("models/iris_logreg.onnx"),
        data: "data/iris.csv",
        target: "target",
        sensitive: &[],
        prediction_column: None,
        probability_columns: &[],
        batch_independent: true,
    },
    Case {
        model: None,
        data: "data/metrics_edge_binary.csv",
        target: "y_true",
        sensitive: &[],
        prediction_column: Some("y_pred"),
        probability_columns: &["p_0", "p_1"],
        batch_independent: true,
    },
    Case {
        model: None,
        data: "data/fairness_edge.csv",
        target: "y_true",
        sensitive: &["group"],
        prediction_column: Some("y_pred"),
        probability_columns: &[],
        batch_independent: true,
    },
];

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|&n| n.to_owned()).collect()
}

/// Evaluates `case` with the dataset read whole, then streamed in chunks of `chunk_rows`.
fn whole_and_streamed(case: &Case, chunk_rows: usize) -> (serde_json::Value, serde_json::Value) {
    let model_path = case.model.map(kit);
    let data = kit(case.data);
    let sensitive: Vec<Vec<String>> = case
        .sensitive
        .iter()
        .map(|s| vec![(*s).to_owned()])
        .collect();
    let probability_columns = owned(case.probability_columns);
    let cpu = vigil_infer::Device::cpu();
    let request = EvaluateRequest {
        model: model_path.as_deref().map(Path::new),
        data: Path::new(&data),
        target: case.target,
        pos_label: None,
        inputs: &[],
        sensitive: &sensitive,
        prediction_column: case.prediction_column,
        probability_columns: &probability_columns,
        device: &cpu,
        bootstrap_resamples: Some(50),
        stream_min_bytes: u64::MAX,
    };
    let whole = vigil_engine::run_evaluation_files(&request, &JobHandle::silent())
        .expect("whole")
        .result_json();
    // Streamed through the command line's path (one chunk for these small files) …
    let streamed_by_request = vigil_engine::run_evaluation_files(
        &EvaluateRequest {
            stream_min_bytes: 0,
            ..request.clone()
        },
        &JobHandle::silent(),
    )
    .expect("streamed")
    .result_json();
    assert_eq!(streamed_by_request, whole, "{}", case.data);
    // … and in many small chunks, several waves of them.
    let format = vigil_data::DatasetFormat::from_file_name(&data).expect("format");
    let profile = vigil_data::scan_file(Path::new(&data), format, &mut |_, _| {
        std::ops::ControlFlow::Continue(())
    })
    .expect("scan");
    let model = model_path
        .as_ref()
        .map(|p| vigil_infer::Model::load(&std::fs::read(p).expect("model")).expect("loads"));
    let streamed = run_evaluation(
        model.as_ref(),
        DatasetInput::Scanned {
            path: data.clone().into(),
            profile,
            chunk_rows,
        },
        &request.settings(),
        &cpu,
        0.0,
        &JobHandle::silent(),
    )
    .expect("streamed in chunks")
    .result_json();
    (whole, streamed)
}

#[test]
fn a_streamed_evaluation_equals_the_whole_read() {
    for case in &CASES {
        let sizes: &[usize] = if case.batch_independent {
            &[37, 1_000]
        } else {
            &[vigil_engine::predict::CHUNK_ROWS]
        };
        for &chunk_rows in sizes {
            let (whole, streamed) = whole_and_streamed(case, chunk_rows);
            assert_eq!(streamed, whole, "{} in chunks of {chunk_rows}", case.data);
        }
    }
}

#[tokio::test]
async fn a_streamed_file_is_stored_like_one_read_whole() {
    let streamed_dir = tempfile::tempdir().expect("temp");
    let streaming = open(&streamed_dir, DemoSeeding::Never)
        .await
        .with_stream_min_bytes(0);
    let whole_dir = tempfile::tempdir().expect("temp");
    let whole = open(&whole_dir, DemoSeeding::Never).await;
    let heard: Arc<Mutex<Vec<JobProgress>>> = Arc::default();
    let sink = heard.clone();
    let streamed_summary = streaming
        .evaluate_model_file(
            &credit_request(),
            "job",
            move |p| sink.lock().expect("lock").push(p),
            "tester",
        )
        .await
        .expect("streamed");
    let whole_summary = whole
        .evaluate_model_file(&credit_request(), "job", |_| {}, "tester")
        .await
        .expect("whole");
    // Reading is reported in bytes, up to the whole file, before the rows are run.
    let bytes = std::fs::metadata(kit("data/credit.csv"))
        .expect("size")
        .len();
    let heard = heard.lock().expect("lock").clone();
    let reading: Vec<(u64, u64)> = heard
        .iter()
        .filter(|p| p.stage == "reading" && p.total > 0)
        .map(|p| (p.done, p.total))
        .collect();
    assert_eq!(reading.last(), Some(&(bytes, bytes)), "{reading:?}");
    let mut stages: Vec<&str> = heard.iter().map(|p| p.stage.as_str()).collect();
    stages.dedup();
    assert_eq!(stages, ["reading", "inference", "scoring", "saving"]);
    // The same dataset row and blob, the same numbers, the same per-row predictions.
    let datasets = |w: &Workspace| {
        let w = w.clone();
        async move { w.list_datasets().await.expect("datasets") }
    };
    let (a, b) = (datasets(&streaming).await, datasets(&whole).await);
    assert_eq!(a.len(), 1);
    assert_eq!(
        (&a[0].sha256, a[0].size_bytes, a[0].row_count, &a[0].columns),
        (&b[0].sha256, b[0].size_bytes, b[0].row_count, &b[0].columns)
    );
    let blob = streamed_dir
        .path()
        .join("blobs/sha256")
        .join(&a[0].sha256[..2])
        .join(&a[0].sha256);
    assert_eq!(
        std::fs::read(blob).expect("blob"),
        std::fs::read(kit("data/credit.csv")).expect("file")
    );
    let detail = |w: &Workspace, id: i64| {
        let w = w.clone();
        async move { w.evaluation_detail(id).await.expect("detail") }
    };
    let (x, y) = (
        detail(&streaming, streamed_summary.id).await,
        detail(&whole, whole_summary.id).await,
    );
    assert_eq!(
        serde_json::to_value(&x.metrics).expect("json"),
        serde_json::to_value(&y.metrics).expect("json")
    );
    assert_eq!(
        serde_json::to_value((&x.fairness_groups, &x.fairness_gaps, &x.confusion_matrix))
            .expect("json"),
        serde_json::to_value((&y.fairness_groups, &y.fairness_gaps, &y.confusion_matrix))
            .expect("json")
    );
    let rows = |w: &Workspace, id: i64| {
        let w = w.clone();
        async move {
            w.predictions(
                id,
                &vigil_engine::feedback::PredictionFilter {
                    limit: 500,
                    ..Default::default()
                },
            )
            .await
            .expect("rows")
        }
    };
    let (p, q) = (
        rows(&streaming, streamed_summary.id).await,
        rows(&whole, whole_summary.id).await,
    );
    assert_eq!(p.total, 20_000);
    assert_eq!(p.rows.len(), q.rows.len());
    for (a, b) in p.rows.iter().zip(&q.rows) {
        assert_eq!(
            (a.row, &a.predicted, &a.true_label, a.confidence, &a.groups),
            (b.row, &b.predicted, &b.true_label, b.confidence, &b.groups)
        );
    }
    // The same file again is the stored result.
    let again = streaming
        .evaluate_model_file(&credit_request(), "job", |_| {}, "tester")
        .await
        .expect("again");
    assert!(again.cached);
    streaming.close().await;
    whole.close().await;
}

#[tokio::test]
async fn a_streamed_evaluation_cancelled_while_reading_stores_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let workspace = open(&dir, DemoSeeding::Never)
        .await
        .with_stream_min_bytes(0);
    let canceller = workspace.clone();
    let error = workspace
        .evaluate_model_file(
            &credit_request(),
            "to-cancel",
            move |p| {
                if p.stage == "reading" && p.total > 0 {
                    canceller.cancel_job("to-cancel");
                }
            },
            "tester",
        )
        .await
        .expect_err("cancelled");
    assert_eq!(error.code(), vigil_engine::ErrorCode::Cancelled);
    assert_eq!(error.stage_and_kind(), ("run", "cancelled"));
    assert!(workspace.list_models().await.expect("models").is_empty());
    assert!(
        workspace
            .list_datasets()
            .await
            .expect("datasets")
            .is_empty()
    );
    assert!(
        workspace
            .list_evaluations()
            .await
            .expect("evaluations")
            .is_empty()
    );
    // A ragged row is found by the scan, with its line, and nothing is stored.
    let ragged = dir.path().join("ragged.csv");
    std::fs::write(&ragged, "a,b,default\n1,2,0\n3,4\n").expect("write");
    let error = workspace
        .evaluate_model_file(
            &EvaluateFileRequest {
                data_path: ragged.display().to_string(),
                ..credit_request()
            },
            "job",
            |_| {},
            "tester",
        )
        .await
        .expect_err("ragged");
    assert!(
        error.user_message().contains("line 3"),
        "{}",
        error.user_message()
    );
    assert!(
        workspace
            .list_datasets()
            .await
            .expect("datasets")
            .is_empty()
    );
    workspace.close().await;
}

#[tokio::test]
async fn a_stored_dataset_is_streamed_from_its_blob_with_the_same_result() {
    let dir = tempfile::tempdir().expect("temp");
    let workspace = open(&dir, DemoSeeding::WhenEmpty).await;
    let version = workspace.list_models().await.expect("models")[0].versions[0].id;
    let dataset = workspace.list_datasets().await.expect("datasets")[0].id;
    let settings =
        vigil_engine::EvaluationSettings::for_model("default", None, vec![vec!["sex".to_owned()]]);
    let whole = workspace
        .evaluate_version(version, dataset, &settings, true, "tester")
        .await
        .expect("whole");
    let streaming = workspace.clone().with_stream_min_bytes(0);
    let streamed = streaming
        .evaluate_version(version, dataset, &settings, true, "tester")
        .await
        .expect("streamed");
    let metrics = |id: i64| {
        let w = workspace.clone();
        async move {
            let detail = w.evaluation_detail(id).await.expect("detail");
            serde_json::to_value((&detail.metrics, &detail.fairness_groups)).expect("json")
        }
    };
    assert_eq!(metrics(streamed.id).await, metrics(whole.id).await);
    // A blob changed on disk is found by the scan, and the run is recorded as failed.
    let sha = &workspace.list_datasets().await.expect("datasets")[0].sha256;
    let blob = dir.path().join("blobs/sha256").join(&sha[..2]).join(sha);
    let mut bytes = std::fs::read(&blob).expect("blob");
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'1' { b'0' } else { b'1' };
    std::fs::write(&blob, bytes).expect("tamper");
    let error = streaming
        .evaluate_version(version, dataset, &settings, true, "tester")
        .await
        .expect_err("changed");
    assert!(
        error.user_message().contains("changed"),
        "{}",
        error.user_message()
    );
    workspace.close().await;
}
