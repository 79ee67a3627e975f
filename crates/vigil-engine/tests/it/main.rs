//! The engine's use cases against a real workspace in a temporary folder.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

mod streaming;

use vigil_engine::import::{DatasetFile, ModelFile};
use vigil_engine::{DemoSeeding, ErrorCode, IpcError, Workspace};

async fn open(dir: &tempfile::TempDir, seeding: DemoSeeding) -> Workspace {
    Workspace::open(dir.path(), seeding)
        .await
        .expect("open workspace")
}

#[tokio::test]
async fn first_start_seeds_the_demo_from_real_files() {
    let dir = tempfile::tempdir().expect("temp");
    let workspace = open(&dir, DemoSeeding::WhenEmpty).await;
    let models = workspace.list_models().await.expect("models");
    assert_eq!(models.len(), 1);
    let model = &models[0];
    assert_eq!(model.name, "credit-risk");
    assert!(
        model.versions.len() >= 2,
        "the demo model has at least two versions"
    );
    let numbers: Vec<i64> = model.versions.iter().map(|v| v.version).collect();
    assert_eq!(
        numbers,
        (1..=i64::try_from(numbers.len()).expect("n")).collect::<Vec<_>>()
    );
    for version in &model.versions {
        // The hash and size are computed from the stored blob, which must hash to its name.
        let blob = std::fs::read(
            dir.path()
                .join("blobs/sha256")
                .join(&version.sha256[..2])
                .join(&version.sha256),
        )
        .expect("the model file is kept in the blob folder");
        assert_eq!(i64::try_from(blob.len()).expect("len"), version.size_bytes);
        assert_eq!(vigil_store_sha(&blob), version.sha256);
        assert_eq!(version.created_by, "vigil-demo");
    }
    let datasets = workspace.list_datasets().await.expect("datasets");
    assert_eq!(datasets.len(), 1);
    let dataset = &datasets[0];
    assert_eq!(dataset.timestamp_column.as_deref(), Some("timestamp"));
    assert!(dataset.row_count > 1000);
    assert!(dataset.columns.iter().any(|c| c.name == "default"));
    let info = workspace.info().await.expect("info");
    assert!(info.demo_seeded);
    assert_eq!(info.data_dir, dir.path().display().to_string());
    assert!(info.schema_version >= 1);
    let actions: Vec<String> = workspace
        .list_audit_events()
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions.first().map(String::as_str),
        Some("workspace.demo_seeded")
    );
    assert!(actions.iter().any(|a| a == "model_version.import"));
}

/// A path in the repository, as text (the form requests take).
fn repo_path(relative: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
        .display()
        .to_string()
}

/// A file of the reference kit in `tests/fixtures/kit`.
fn kit(path: &str) -> String {
    repo_path(&format!("tests/fixtures/kit/{path}"))
}

fn vigil_store_sha(bytes: &[u8]) -> String {
    vigil_store::sha256_hex(bytes)
}

#[tokio::test]
async fn a_second_start_does_not_seed_again() {
    let dir = tempfile::tempdir().expect("temp");
    let first = open(&dir, DemoSeeding::WhenEmpty).await;
    let events = first.list_audit_events().await.expect("audit").len();
    first.close().await;
    let second = open(&dir, DemoSeeding::WhenEmpty).await;
    assert_eq!(
        second.list_audit_events().await.expect("audit").len(),
        events
    );
    assert_eq!(
        second.list_models().await.expect("models")[0]
            .versions
            .len(),
        2
    );
}

#[tokio::test]
async fn without_seeding_a_new_workspace_is_empty() {
    let dir = tempfile::tempdir().expect("temp");
    let workspace = open(&dir, DemoSeeding::Never).await;
    assert!(workspace.list_models().await.expect("models").is_empty());
    assert!(
        workspace
            .list_datasets()
            .await
            .expect("datasets")
            .is_empty()
    );
    assert!(!workspace.info().await.expect("info").demo_seeded);
}

#[tokio::test]
async fn a_bad_dataset_is_refused_with_its_line_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let workspace = open(&dir, DemoSeeding::Never).await;
    let error = workspace
        .import_dataset(
            &DatasetFile {
                name: "loans",
                description: "",
                source: "loans.csv",
                bytes: b"age,income\n30,1000\n41\n",
            },
            "tester",
        )
        .await
        .expect_err("ragged");
    let ipc = IpcError::from(error);
    assert_eq!(ipc.code, ErrorCode::InvalidInput);
    assert_eq!(
        ipc.message,
        "The dataset `loans.csv` cannot be read: line 3 has 1 field where the header has 2"
    );
    assert!(
        workspace
            .list_datasets()
            .await
            .expect("datasets")
            .is_empty()
    );
    assert!(
        workspace
            .list_audit_events()
            .await
            .expect("audit")
            .is_empty()
    );
    let blobs = std::fs::read_dir(dir.path().join("blobs/sha256"))
        .map(Iterator::count)
        .unwrap_or(0);
    assert_eq!(blobs, 0, "nothing reached the blob folder");
}

#[tokio::test]
async fn unsupported_and_empty_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let workspace = open(&dir, DemoSeeding::Never).await;
    let xlsx = DatasetFile {
        name: "x",
        description: "",
        source: "loans.xlsx",
        bytes: b"PK",
    };
    let message = IpcError::from(
        workspace
            .import_dataset(&xlsx, "t")
            .await
            .expect_err("xlsx"),
    )
    .message;
    assert_eq!(
        message,
        "The dataset `loans.xlsx` cannot be read: `.xlsx` files are not supported: use a .csv or .parquet file"
    );
    let empty = ModelFile {
        model_name: "m",
        model_description: "",
        source: "m.onnx",
        notes: "",
        bytes: b"",
    };
    let error = workspace
        .import_model_version(&empty, "t")
        .await
        .expect_err("empty");
    assert_eq!(
        IpcError::from(error).message,
        "The model file `m.onnx` is empty"
    );
    assert!(workspace.list_models().await.expect("models").is_empty());
}

#[tokio::test]
async fn the_same_model_bytes_are_one_version() {
    let dir = tempfile::tempdir().expect("temp");
    let workspace = open(&dir, DemoSeeding::Never).await;
    let file = |bytes: &'static [u8]| ModelFile {
        model_name: "churn",
        model_description: "",
        source: "churn.onnx",
        notes: "",
        bytes,
    };
    let v1 = workspace
        .import_model_version(&file(b"one"), "t")
        .await
        .expect("v1");
    let v2 = workspace
        .import_model_version(&file(b"two"), "t")
        .await
        .expect("v2");
    let again = workspace
        .import_model_version(&file(b"one"), "t")
        .await
        .expect("again");
    assert!(v1.created && v2.created && !again.created);
    assert_eq!(
        (v1.item.version, v2.item.version, again.item.version),
        (1, 2, 1)
    );
}

#[test]
fn the_committed_typescript_bindings_are_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
    let generated = vigil_engine::views::typescript_bindings();
    if std::env::var_os("VIGIL_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result"
    );
}

mod stored_evaluations {
    use vigil_engine::{DemoSeeding, EvaluationSettings, Workspace};

    fn demo_reference_accuracy(model: &str) -> f64 {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let reference: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("tests/fixtures/demo/reference.json"))
                .expect("reference"),
        )
        .expect("JSON");
        let labels: Vec<i64> = reference["models"][model]["label"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|v| v.as_i64().expect("int"))
            .collect();
        let mut reader =
            csv::Reader::from_path(root.join("demo/data/credit_applications.csv")).expect("csv");
        let column = reader
            .headers()
            .expect("header")
            .iter()
            .position(|h| h == "default")
            .expect("default");
        let truth: Vec<i64> = reader
            .records()
            .map(|r| r.expect("row")[column].parse().expect("label"))
            .collect();
        let correct = truth.iter().zip(&labels).filter(|(t, p)| t == p).count();
        correct as f64 / truth.len() as f64
    }

    #[tokio::test]
    async fn the_demo_is_evaluated_with_real_results() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let evaluations = workspace.list_evaluations().await.expect("list");
        assert_eq!(evaluations.len(), 2, "both demo versions are evaluated");
        for summary in &evaluations {
            assert_eq!(summary.status, "done");
            assert_eq!(summary.task.as_deref(), Some("classification"));
            let file = format!("credit_risk_v{}.onnx", summary.model_version);
            let accuracy = summary
                .headline
                .iter()
                .find(|h| h.name == "accuracy")
                .and_then(|h| h.value)
                .expect("accuracy");
            // The stored accuracy equals the one onnxruntime's labels give on the same rows.
            assert!(
                (accuracy - demo_reference_accuracy(&file)).abs() < 1e-12,
                "{file}: {accuracy}"
            );
            let detail = workspace
                .evaluation_detail(summary.id)
                .await
                .expect("detail");
            let confusion = detail.confusion_matrix.expect("confusion matrix");
            assert_eq!(confusion.labels, ["0", "1"]);
            assert_eq!(confusion.matrix.iter().flatten().sum::<u64>(), 4000);
            assert_eq!(detail.fairness_gaps.len(), 1);
            assert_eq!(detail.fairness_gaps[0].sensitive, "sex");
            assert_eq!(
                detail.fairness_groups.iter().map(|g| g.count).sum::<i64>(),
                4000
            );
            assert!(
                detail
                    .metrics
                    .iter()
                    .any(|m| m.name == "roc_auc" && m.averaging == "binary" && m.value.is_some())
            );
            let charts = workspace
                .evaluation_charts(summary.id)
                .await
                .expect("charts");
            let titles: Vec<&str> = charts.iter().map(|c| c.title.as_str()).collect();
            assert_eq!(
                titles,
                [
                    "ROC curve",
                    "Precision–recall curve",
                    "Calibration (10 bins)"
                ]
            );
            assert!(
                charts
                    .iter()
                    .all(|c| c.svg.starts_with("<svg") && c.svg.contains("<polyline"))
            );
            // Headline metrics carry a seeded bootstrap interval around the point estimate.
            for name in ["accuracy", "roc_auc", "log_loss"] {
                let m = detail
                    .metrics
                    .iter()
                    .find(|m| m.name == name && m.class_label.is_empty() && m.ci_low.is_some())
                    .expect(name);
                let (low, value, high) = (
                    m.ci_low.expect("low"),
                    m.value.expect("value"),
                    m.ci_high.expect("high"),
                );
                assert!(
                    low <= value && value <= high && high - low < 0.1,
                    "{name}: {low} {value} {high}"
                );
            }
        }
    }

    #[tokio::test]
    async fn the_same_inputs_return_the_stored_result_unless_forced() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let models = workspace.list_models().await.expect("models");
        let version = models[0].versions[0].id;
        let dataset = workspace.list_datasets().await.expect("datasets")[0].id;
        let settings = EvaluationSettings::for_model("default", None, vec![vec!["sex".to_owned()]]);
        let again = workspace
            .evaluate_version(version, dataset, &settings, false, "tester")
            .await
            .expect("cached");
        assert!(again.cached);
        assert_eq!(workspace.list_evaluations().await.expect("list").len(), 2);
        let forced = workspace
            .evaluate_version(version, dataset, &settings, true, "tester")
            .await
            .expect("forced");
        assert!(!forced.cached);
        assert_eq!(workspace.list_evaluations().await.expect("list").len(), 3);
        let other = EvaluationSettings {
            sensitive: vec![],
            ..settings
        };
        let fresh = workspace
            .evaluate_version(version, dataset, &other, false, "tester")
            .await
            .expect("new settings");
        assert!(
            !fresh.cached,
            "different settings are a different evaluation"
        );
    }

    #[tokio::test]
    async fn a_failed_evaluation_is_recorded_with_its_reason_and_no_results() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let version = workspace.list_models().await.expect("models")[0].versions[0].id;
        let dataset = workspace.list_datasets().await.expect("datasets")[0].id;
        let settings = EvaluationSettings::for_model("no_such_column", None, vec![]);
        let error = workspace
            .evaluate_version(version, dataset, &settings, false, "tester")
            .await
            .expect_err("fails");
        assert!(
            error.user_message().contains("no_such_column"),
            "{}",
            error.user_message()
        );
        let failed = workspace
            .list_evaluations()
            .await
            .expect("list")
            .into_iter()
            .find(|e| e.status == "failed")
            .expect("failed row");
        assert!(
            failed
                .error_message
                .as_deref()
                .is_some_and(|m| m.contains("no_such_column"))
        );
        assert!(
            workspace
                .evaluation_detail(failed.id)
                .await
                .expect("detail")
                .metrics
                .is_empty()
        );
        let actions: Vec<String> = workspace
            .list_audit_events()
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions.first().map(String::as_str), Some("evaluation.fail"));
    }
}

mod evaluate_form {
    use super::kit;
    use vigil_engine::views::EvaluateFileRequest;
    use vigil_engine::{DemoSeeding, Workspace};

    #[tokio::test]
    async fn the_preview_lists_columns_and_guesses_the_target() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::Never)
            .await
            .expect("open");
        let path = kit("data/credit_current_none.parquet");
        let preview = workspace
            .preview_dataset(std::path::Path::new(&path))
            .await
            .expect("preview");
        assert_eq!(preview.row_count, 6831);
        assert_eq!(preview.suggested_target.as_deref(), Some("default"));
        assert!(preview.columns.iter().any(|c| c.name == "sex"));
        // A large file is scanned instead of read whole: the same preview.
        let streaming = workspace.clone().with_stream_min_bytes(0);
        for file in [path.clone(), kit("data/credit_current_none.csv")] {
            let scanned = streaming
                .preview_dataset(std::path::Path::new(&file))
                .await
                .expect("scanned preview");
            let whole = workspace
                .preview_dataset(std::path::Path::new(&file))
                .await
                .expect("whole preview");
            assert_eq!(scanned.columns, whole.columns, "{file}");
            assert_eq!(scanned.row_count, whole.row_count);
        }
        let error = workspace
            .preview_dataset(std::path::Path::new("/no/such/file.csv"))
            .await
            .expect_err("missing");
        assert!(
            error.user_message().contains("/no/such/file.csv"),
            "{}",
            error.user_message()
        );
        workspace.close().await;
    }

    #[tokio::test]
    async fn the_form_registers_and_stores_an_evaluation() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::Never)
            .await
            .expect("open");
        let request = EvaluateFileRequest {
            model_path: Some(kit("models/credit_gbm.onnx")),
            data_path: kit("data/credit_current_none.csv"),
            model_name: "credit_gbm".to_owned(),
            target: "default".to_owned(),
            pos_label: Some(String::new()),
            sensitive: vec!["sex".to_owned(), "region".to_owned()],
            prediction_column: None,
            probability_columns: Vec::new(),
            force: false,
        };
        let summary = workspace
            .evaluate_model_file(&request, "job-1", |_| {}, "tester")
            .await
            .expect("evaluates");
        assert_eq!(
            (
                summary.status.as_str(),
                summary.model_version,
                summary.cached
            ),
            ("done", 1, false)
        );
        let detail = workspace
            .evaluation_detail(summary.id)
            .await
            .expect("detail");
        assert_eq!(
            detail
                .fairness_gaps
                .iter()
                .map(|g| g.sensitive.as_str())
                .collect::<Vec<_>>(),
            ["region", "sex"]
        );
        let again = workspace
            .evaluate_model_file(&request, "job-2", |_| {}, "tester")
            .await
            .expect("again");
        assert!(again.cached);
        assert_eq!(again.id, summary.id);
        // Forced: computed again and stored as a new evaluation of the same version.
        let forced = EvaluateFileRequest {
            force: true,
            ..request.clone()
        };
        let rerun = workspace
            .evaluate_model_file(&forced, "job-3", |_| {}, "tester")
            .await
            .expect("forced");
        assert!(!rerun.cached);
        assert_ne!(rerun.id, summary.id);
        assert_eq!(rerun.model_version, 1);
        assert_eq!(rerun.headline, summary.headline);
        // The same bytes under another name are that model's own version, not a cache hit.
        let renamed = EvaluateFileRequest {
            model_name: "credit_gbm_copy".to_owned(),
            ..request.clone()
        };
        let other = workspace
            .evaluate_model_file(&renamed, "job-4", |_| {}, "tester")
            .await
            .expect("renamed");
        assert!(!other.cached);
        assert_eq!(other.model_name, "credit_gbm_copy");
        // A model that cannot run is refused before anything is stored.
        let broken = EvaluateFileRequest {
            model_path: Some(kit("models/errors/garbage.onnx")),
            model_name: "broken".to_owned(),
            ..request
        };
        assert!(
            workspace
                .evaluate_model_file(&broken, "job-5", |_| {}, "tester")
                .await
                .is_err()
        );
        assert!(
            workspace
                .list_models()
                .await
                .expect("models")
                .iter()
                .all(|m| m.name != "broken")
        );
    }
}

mod evaluation_jobs {
    use super::kit;
    use std::sync::{Arc, Mutex};

    use vigil_engine::run::JobProgress;
    use vigil_engine::views::EvaluateFileRequest;
    use vigil_engine::{DemoSeeding, Workspace};

    /// The kit's credit GBM on its data, sensitive column `sex`, as the evaluate form sends it.
    pub(crate) fn credit_request() -> EvaluateFileRequest {
        EvaluateFileRequest {
            model_path: Some(kit("models/credit_gbm.onnx")),
            data_path: kit("data/credit.csv"),
            model_name: "credit_gbm".to_owned(),
            target: "default".to_owned(),
            pos_label: None,
            sensitive: vec!["sex".to_owned()],
            prediction_column: None,
            probability_columns: Vec::new(),
            force: false,
        }
    }

    async fn nothing_stored(workspace: &Workspace) {
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
    }

    #[tokio::test]
    async fn progress_goes_from_reading_through_every_row_to_saving() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::Never)
            .await
            .expect("open");
        let heard: Arc<Mutex<Vec<JobProgress>>> = Arc::default();
        let sink = heard.clone();
        let summary = workspace
            .evaluate_model_file(
                &credit_request(),
                "job",
                move |p| sink.lock().expect("lock").push(p),
                "tester",
            )
            .await
            .expect("evaluates");
        assert_eq!(summary.status, "done");
        let heard = heard.lock().expect("lock").clone();
        let stages: Vec<&str> = heard.iter().map(|p| p.stage.as_str()).collect();
        let mut distinct = stages.clone();
        distinct.dedup();
        assert_eq!(distinct, ["reading", "inference", "scoring", "saving"]);
        let last_inference = heard
            .iter()
            .rfind(|p| p.stage == "inference")
            .expect("inference progress");
        assert_eq!(
            (last_inference.done, last_inference.total),
            (20_000, 20_000)
        );
        // Done never goes backwards.
        let counts: Vec<u64> = heard
            .iter()
            .filter(|p| p.stage == "inference")
            .map(|p| p.done)
            .collect();
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    }

    #[tokio::test]
    async fn a_cancelled_evaluation_stops_and_stores_nothing() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::Never)
            .await
            .expect("open");
        assert!(!workspace.cancel_job("nothing-runs"), "no such job");
        // Cancel from the first inference report, as the Cancel button would.
        let canceller = workspace.clone();
        let error = workspace
            .evaluate_model_file(
                &credit_request(),
                "to-cancel",
                move |p| {
                    if p.stage == "inference" {
                        canceller.cancel_job("to-cancel");
                    }
                },
                "tester",
            )
            .await
            .expect_err("cancelled");
        assert_eq!(error.stage_and_kind(), ("run", "cancelled"));
        assert_eq!(error.code(), vigil_engine::ErrorCode::Cancelled);
        assert!(
            error.user_message().contains("cancelled"),
            "{}",
            error.user_message()
        );
        nothing_stored(&workspace).await;
        assert!(!workspace.cancel_job("to-cancel"), "the job has ended");
    }

    #[tokio::test]
    async fn bad_data_is_refused_with_nothing_stored() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::Never)
            .await
            .expect("open");
        let ragged = dir.path().join("ragged.csv");
        std::fs::write(&ragged, "a,b,default\n1,2,0\n3,4\n").expect("write");
        let request = EvaluateFileRequest {
            data_path: ragged.display().to_string(),
            ..credit_request()
        };
        let error = workspace
            .evaluate_model_file(&request, "job", |_| {}, "tester")
            .await
            .expect_err("ragged");
        assert!(
            error.user_message().contains("line 3"),
            "{}",
            error.user_message()
        );
        let missing_target = EvaluateFileRequest {
            target: "no_such_column".to_owned(),
            ..credit_request()
        };
        let error = workspace
            .evaluate_model_file(&missing_target, "job", |_| {}, "tester")
            .await
            .expect_err("no target");
        assert!(
            error.user_message().contains("no_such_column"),
            "{}",
            error.user_message()
        );
        nothing_stored(&workspace).await;
    }

    #[tokio::test]
    async fn logged_predictions_are_evaluated_and_stored_without_a_model() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::Never)
            .await
            .expect("open");
        let request = EvaluateFileRequest {
            model_path: None,
            data_path: kit("data/metrics_edge_binary.csv"),
            model_name: "scoring-service".to_owned(),
            target: "y_true".to_owned(),
            pos_label: None,
            sensitive: Vec::new(),
            prediction_column: Some("y_pred".to_owned()),
            probability_columns: vec!["p_0".to_owned(), "p_1".to_owned()],
            force: false,
        };
        let summary = workspace
            .evaluate_model_file(&request, "job", |_| {}, "tester")
            .await
            .expect("evaluates");
        assert!(summary.logged_predictions);
        assert_eq!(
            (summary.model_name.as_str(), summary.status.as_str()),
            ("scoring-service", "done")
        );
        // The stored numbers are the kit's (scikit-learn's) for this case.
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(kit("cases/metrics_edge_binary/expected.json"))
                .expect("expected"),
        )
        .expect("json");
        let detail = workspace
            .evaluation_detail(summary.id)
            .await
            .expect("detail");
        for name in ["accuracy", "log_loss"] {
            let stored = detail
                .metrics
                .iter()
                .find(|m| m.name == name && m.averaging.is_empty())
                .and_then(|m| m.value)
                .expect(name);
            let reference = expected["metrics"][name].as_f64().expect(name);
            assert!(
                (stored - reference).abs() <= 1e-12 * reference.abs().max(1.0),
                "{name}: {stored} vs {reference}"
            );
        }
        // No model was registered; the dataset was.
        assert!(workspace.list_models().await.expect("models").is_empty());
        assert_eq!(workspace.list_datasets().await.expect("datasets").len(), 1);
        let again = workspace
            .evaluate_model_file(&request, "job", |_| {}, "tester")
            .await
            .expect("again");
        assert!(again.cached);
        // A model and a prediction column together are refused.
        let both = EvaluateFileRequest {
            model_path: Some(kit("models/credit_gbm.onnx")),
            ..request
        };
        let error = workspace
            .evaluate_model_file(&both, "job", |_| {}, "tester")
            .await
            .expect_err("both");
        assert!(
            error.user_message().contains("not both"),
            "{}",
            error.user_message()
        );
    }
}

mod monitoring {
    use vigil_engine::monitor::WindowSpec;
    use vigil_engine::stored_monitoring::{MonitoringReference, MonitoringSettings};
    use vigil_engine::{DemoSeeding, Workspace};

    #[tokio::test]
    async fn the_demo_is_monitored_week_by_week_and_finds_the_injected_drift() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let runs = workspace.list_monitoring_runs().await.expect("runs");
        assert_eq!(runs.len(), 2, "one run per demo version");
        let run = runs
            .iter()
            .find(|r| r.model_version == Some(2))
            .expect("v2");
        assert_eq!(run.windows, 12);
        assert_eq!(run.window, "week");
        let detail = workspace.monitoring_detail(run.id).await.expect("detail");
        assert_eq!(detail.windows.len(), 12);
        assert_eq!(detail.windows.iter().filter(|w| w.in_reference).count(), 8);
        assert_eq!(detail.windows[0].label, "week of 2026-01-05");
        // The demo injects income and utilization shifts from week 9 on: every later window
        // flags both, and no reference window flags either.
        for (index, window) in detail.windows.iter().enumerate() {
            for column in ["income", "utilization"] {
                let verdict = window
                    .drift
                    .iter()
                    .find(|c| c.column == column)
                    .expect("column monitored");
                assert_eq!(verdict.drifted, index >= 8, "{column} in {}", window.label);
            }
            // Labels exist: realised accuracy with its interval, and the estimate beside it.
            let accuracy = window
                .performance
                .iter()
                .find(|m| m.name == "accuracy")
                .expect("accuracy");
            assert!(accuracy.ci_low.expect("low") <= accuracy.value);
            let estimate = window.estimated_accuracy.expect("estimate");
            assert!((0.5..=1.0).contains(&estimate), "{estimate}");
            assert_eq!(window.fairness.len(), 1, "the sex gap");
        }
        // The label, the id and the timestamp are never monitored as features.
        for excluded in ["default", "id", "timestamp"] {
            assert!(!detail.columns.iter().any(|c| c == excluded), "{excluded}");
        }
        let titles: Vec<&str> = detail.charts.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Accuracy over time",
                "Fairness gap over time",
                "Drifted columns over time",
                "Drift heatmap"
            ]
        );
        // The demo's feedback (three rows of v2's evaluation) counts in v2's windows.
        let fed: usize = detail.windows.iter().map(|w| w.feedback_rows).sum();
        assert_eq!(fed, 3);
        assert!(
            detail.charts[0]
                .svg
                .contains("v2 accuracy on feedback labels")
        );
        // Both versions share the accuracy chart.
        let accuracy_chart = &detail.charts[0].svg;
        assert!(accuracy_chart.contains("v1 accuracy") && accuracy_chart.contains("v2 accuracy"));
        // The model's accuracy gate (the demo sets 0.8) is drawn, and follows the policy.
        assert!(accuracy_chart.contains("gate: accuracy ≥ 0.8"));
        workspace
            .set_gate_policy(
                "credit-risk",
                &vigil_engine::registry::GatePolicy {
                    min_accuracy: Some(0.85),
                    ..Default::default()
                },
                "tester",
            )
            .await
            .expect("policy");
        let gated = workspace.monitoring_detail(run.id).await.expect("detail");
        assert!(gated.charts[0].svg.contains("gate: accuracy ≥ 0.85"));
        assert_eq!(detail.cells.len(), detail.columns.len());

        let income = detail
            .columns
            .iter()
            .position(|c| c == "income")
            .expect("income");
        let cell = detail.cells[income][10].as_ref().expect("cell");
        assert!(cell.drifted && cell.level > 0.5, "{cell:?}");
        let drill = workspace
            .drift_cell(run.id, 10, "income")
            .await
            .expect("cell detail");
        assert_eq!(drill.method, "Wasserstein distance (normed)");
        assert!(drill.reason.contains("more than 1000"), "{}", drill.reason);
        assert!(drill.drifted);
        assert!(drill.chart.svg.contains("reference") && drill.chart.svg.contains("income"));
        assert!(
            drill
                .statistics
                .iter()
                .any(|s| s.name == "KS p-value" && s.value.is_some())
        );
        // VIGIL_DUMP_CHARTS=DIR keeps the pictures for a look (README screenshots).
        if let Ok(out) = std::env::var("VIGIL_DUMP_CHARTS") {
            std::fs::create_dir_all(&out).expect("dump dir");
            for (i, chart) in detail.charts.iter().chain([&drill.chart]).enumerate() {
                std::fs::write(format!("{out}/monitoring-{i}.svg"), &chart.svg).expect("dump");
            }
        }
        // Exported charts land in the workspace's exports/ folder, never overwriting.
        let first = workspace
            .save_export(
                "credit-risk v2 · heatmap.svg",
                detail.charts[3].svg.as_bytes(),
            )
            .expect("saved");
        assert!(
            first.starts_with(&dir.path().join("exports").display().to_string()),
            "{first}"
        );
        assert!(first.ends_with("credit-risk-v2---heatmap.svg"), "{first}");
        let second = workspace
            .save_export("credit-risk v2 · heatmap.svg", b"<svg/>")
            .expect("saved");
        assert!(second.ends_with("-2.svg"), "{second}");
        assert_eq!(
            std::fs::read_to_string(&first).expect("file"),
            detail.charts[3].svg
        );
        assert!(workspace.save_export("../escape.sh", b"x").is_err());
        assert!(workspace.save_export(".svg", b"x").is_err());
        let region = workspace
            .drift_cell(run.id, 10, "region")
            .await
            .expect("region");
        assert_eq!(region.kind, "categorical");
        assert!(workspace.drift_cell(run.id, 99, "income").await.is_err());
    }

    #[tokio::test]
    async fn the_same_inputs_return_the_stored_run_and_bad_settings_store_nothing() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let runs = workspace.list_monitoring_runs().await.expect("runs");
        let run = &runs[0];
        let dataset = workspace.list_datasets().await.expect("datasets")[0].id;
        let version = run.model_version_id;
        let settings = MonitoringSettings {
            window: WindowSpec::Week,
            timestamp: None,
            reference: MonitoringReference::LeadingWindows { windows: 8 },
            target: Some("default".to_owned()),
            pos_label: None,
            sensitive: vec![vec!["sex".to_owned()]],
            exclude: vec!["id".to_owned()],
        };
        let again = workspace
            .monitor_version(version, dataset, &settings, false, "tester")
            .await
            .expect("cached");
        assert!(again.cached);
        assert_eq!(again.id, run.id);
        // Monthly windows: three of them; the reference takes all three → refused, nothing stored.
        let monthly = MonitoringSettings {
            window: WindowSpec::Month,
            reference: MonitoringReference::LeadingWindows { windows: 3 },
            ..settings.clone()
        };
        let error = workspace
            .monitor_version(version, dataset, &monthly, false, "tester")
            .await
            .expect_err("no window left to monitor");
        assert!(
            error.user_message().contains("leave at least one"),
            "{}",
            error.user_message()
        );
        assert_eq!(
            workspace.list_monitoring_runs().await.expect("runs").len(),
            2
        );
        // Chunks of 1000 rows, data only (no model).
        let chunks = MonitoringSettings {
            window: WindowSpec::Rows(1000),
            reference: MonitoringReference::LeadingWindows { windows: 2 },
            target: None,
            sensitive: Vec::new(),
            ..settings
        };
        let summary = workspace
            .monitor_version(None, dataset, &chunks, false, "tester")
            .await
            .expect("rows windows");
        assert_eq!(summary.windows, 4);
        assert_eq!(summary.latest_window.as_deref(), Some("rows 3001–4000"));
        let detail = workspace
            .monitoring_detail(summary.id)
            .await
            .expect("detail");
        assert!(detail.windows.iter().all(|w| w.performance.is_empty()));
        assert_eq!(detail.charts.len(), 2, "drift share and heatmap only");
    }
}

mod monitoring_files {
    use vigil_engine::stored_monitoring::MonitorFileRequest;
    use vigil_engine::{DemoSeeding, Workspace};

    use super::repo_path as path;

    fn request() -> MonitorFileRequest {
        MonitorFileRequest {
            model_path: Some(path("tests/fixtures/kit/models/credit_gbm.onnx")),
            model_name: Some("credit-gbm".to_owned()),
            data_path: path("tests/fixtures/kit/data/credit_current_strong.csv"),
            reference_path: Some(path("tests/fixtures/kit/data/credit_reference.csv")),
            reference_windows: None,
            window: "all".to_owned(),
            timestamp: None,
            target: Some("default".to_owned()),
            pos_label: None,
            sensitive: vec![vec!["sex".to_owned()]],
            exclude: vec!["id".to_owned()],
        }
    }

    #[tokio::test]
    async fn files_are_compared_and_stored_and_a_bad_setting_stores_nothing() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::Never)
            .await
            .expect("open");
        // A window the data cannot be split into: refused, and nothing is imported.
        let bad = MonitorFileRequest {
            window: "week".to_owned(),
            timestamp: Some("region".to_owned()),
            ..request()
        };
        let error = workspace
            .monitor_model_file(&bad, "tester")
            .await
            .expect_err("region holds no dates");
        assert!(
            error.user_message().contains("is not a date"),
            "{}",
            error.user_message()
        );
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
                .list_monitoring_runs()
                .await
                .expect("runs")
                .is_empty()
        );

        // The whole strong-drift batch against the reference, as one window.
        let run = workspace
            .monitor_model_file(&request(), "tester")
            .await
            .expect("stored");
        assert_eq!(run.windows, 1);
        assert_eq!(run.model_name.as_deref(), Some("credit-gbm"));
        assert_eq!(workspace.list_datasets().await.expect("datasets").len(), 2);
        let detail = workspace.monitoring_detail(run.id).await.expect("detail");
        let window = &detail.windows[0];
        assert_eq!(window.label, "all rows");
        // Evidently's default verdicts on the kit's strong batch: 6 of 12 columns drift.
        assert_eq!(window.drifted_columns, 6);
        assert!(window.dataset_drift);
        assert!(window.performance.iter().any(|m| m.name == "roc_auc"));
        let again = workspace
            .monitor_model_file(&request(), "tester")
            .await
            .expect("cached");
        assert!(again.cached);
        assert_eq!(again.id, run.id);
    }
}

mod registry_demo {
    use vigil_engine::{DemoSeeding, Workspace};

    #[tokio::test]
    async fn the_demo_has_a_version_history_with_a_rollback() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let lifecycle = workspace.lifecycle("credit-risk").await.expect("lifecycle");
        assert_eq!(lifecycle.aliases, vec![("production".to_owned(), 1)]);
        let steps: Vec<(&str, Option<i64>, i64)> = lifecycle
            .history
            .iter()
            .map(|h| (h.action.as_str(), h.from_version, h.to_version))
            .collect();
        assert_eq!(
            steps,
            [
                ("promote", None, 1),
                ("promote", Some(1), 2),
                ("rollback", Some(2), 1)
            ]
        );
        // Both approvals passed their gates on the demo's real evaluations.
        for approval in &lifecycle.history[..2] {
            let report = approval.gate_report.as_ref().expect("gate report");
            assert!(report.passed, "{report:?}");
            assert_eq!(report.checks.len(), 2);
        }
        assert_eq!(lifecycle.policy.min_accuracy, Some(0.8));
        let check = workspace.verify_audit_log().await.expect("verify");
        assert!(check.intact);
    }
}

mod feedback {
    use vigil_engine::feedback::{Annotation, PredictionFilter};
    use vigil_engine::{DemoSeeding, Workspace};

    #[tokio::test]
    async fn predictions_are_browsed_annotated_audited_and_re_scored() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let evaluation = workspace.list_evaluations().await.expect("evaluations")[0].id;
        // The demo annotated its three least confident rows.
        let demo = workspace
            .feedback_performance(evaluation)
            .await
            .expect("perf");
        assert_eq!(demo.annotations, 3);
        assert_eq!(demo.labelled_rows, 3);
        assert_eq!(demo.contradicting_dataset, 0);

        let all = workspace
            .predictions(
                evaluation,
                &PredictionFilter {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .expect("page");
        assert_eq!(all.total, 4000);
        assert_eq!(all.rows.len(), 10);
        assert_eq!(all.rows[0].row, 1);
        assert_eq!(all.labels, ["0", "1"]);
        assert_eq!(
            all.groups,
            [
                ("sex".to_owned(), "F".to_owned()),
                ("sex".to_owned(), "M".to_owned())
            ]
        );
        // The queue: unannotated rows, least confident first.
        let queue = workspace
            .predictions(
                evaluation,
                &PredictionFilter {
                    unannotated: true,
                    by_uncertainty: true,
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .expect("queue");
        assert_eq!(queue.total, 3997);
        let confidences: Vec<f64> = queue
            .rows
            .iter()
            .map(|r| r.confidence.expect("confidence"))
            .collect();
        assert!(confidences.windows(2).all(|w| w[0] <= w[1]));
        // One group of the sensitive column only; every row says its group.
        let women = workspace
            .predictions(
                evaluation,
                &PredictionFilter {
                    group: Some(vigil_engine::feedback::GroupFilter {
                        column: "sex".to_owned(),
                        value: "F".to_owned(),
                    }),
                    limit: 20,
                    ..Default::default()
                },
            )
            .await
            .expect("group");
        assert!(women.total > 0 && women.total < 4000, "{}", women.total);
        assert!(
            women
                .rows
                .iter()
                .all(|r| r.groups.get("sex").map(String::as_str) == Some("F"))
        );
        // Wrong predictions only.
        let wrong = workspace
            .predictions(
                evaluation,
                &PredictionFilter {
                    correct: Some(false),
                    limit: 5,
                    ..Default::default()
                },
            )
            .await
            .expect("wrong");
        assert!(wrong.rows.iter().all(|r| r.correct == Some(false)));

        // Bad annotations are refused and store nothing.
        let target = queue.rows[0].clone();
        for (verdict, label, note, message) in [
            (None, None, "", "an annotation says"),
            (Some("maybe"), None, "", "not a verdict"),
            (None, Some("7"), "", "not one of this evaluation's labels"),
        ] {
            let error = workspace
                .annotate(
                    &Annotation {
                        prediction_id: target.prediction_id,
                        verdict: verdict.map(str::to_owned),
                        true_label: label.map(str::to_owned),
                        note: note.to_owned(),
                    },
                    "ann",
                )
                .await
                .expect_err("refused");
            let sentence = error.user_message().to_lowercase();
            assert!(sentence.contains(message), "{sentence}");
        }
        let predicted = target.predicted.clone().expect("label");
        let error = workspace
            .annotate(
                &Annotation {
                    prediction_id: target.prediction_id,
                    verdict: Some("incorrect".to_owned()),
                    true_label: Some(predicted.clone()),
                    note: String::new(),
                },
                "ann",
            )
            .await
            .expect_err("contradiction");
        assert!(
            error
                .user_message()
                .to_lowercase()
                .contains("marked incorrect"),
            "{}",
            error.user_message()
        );

        // A label that contradicts the dataset: counted, audited, re-scored.
        let other = if predicted == "1" { "0" } else { "1" };
        let updated = workspace
            .annotate(
                &Annotation {
                    prediction_id: target.prediction_id,
                    verdict: Some("incorrect".to_owned()),
                    true_label: Some(other.to_owned()),
                    note: "the applicant defaulted".to_owned(),
                },
                "ann",
            )
            .await
            .expect("annotated");
        let feedback = updated.feedback.expect("feedback");
        assert_eq!(
            (feedback.author.as_str(), feedback.true_label.as_deref()),
            ("ann", Some(other))
        );
        // A later note alone does not take the label back.
        workspace
            .annotate(
                &Annotation {
                    prediction_id: target.prediction_id,
                    verdict: None,
                    true_label: None,
                    note: "called the applicant".to_owned(),
                },
                "ann",
            )
            .await
            .expect("note");
        let after = workspace
            .feedback_performance(evaluation)
            .await
            .expect("perf");
        assert_eq!(after.labelled_rows, 4);
        assert_eq!(after.correct_rows, demo.correct_rows);
        let events = workspace.list_audit_events().await.expect("audit");
        assert_eq!(events[0].action, "feedback.add");
        assert!(events[1].payload.contains("the applicant defaulted"));
        assert_eq!(
            workspace
                .export_feedback(Some(evaluation))
                .await
                .expect("export")
                .len(),
            5
        );
    }
}

mod comparison {
    use vigil_engine::feedback::PredictionFilter;
    use vigil_engine::{DemoSeeding, Workspace};

    #[tokio::test]
    async fn stored_evaluations_of_two_versions_compare_row_by_row() {
        let dir = tempfile::tempdir().expect("temp");
        let workspace = Workspace::open(dir.path(), DemoSeeding::WhenEmpty)
            .await
            .expect("open");
        let evaluations = workspace.list_evaluations().await.expect("evaluations");
        let v1 = evaluations
            .iter()
            .find(|e| e.model_version == 1)
            .expect("v1");
        let v2 = evaluations
            .iter()
            .find(|e| e.model_version == 2)
            .expect("v2");
        let json = workspace
            .compare_evaluations(v1.id, v2.id)
            .await
            .expect("compare");
        let view = vigil_engine::compare::comparison_view(&json["comparison"]);
        assert_eq!(view.rows, 4000);
        let accuracy = view
            .metrics
            .iter()
            .find(|m| m.name == "accuracy")
            .expect("accuracy");
        let headline = |e: &vigil_engine::views::EvaluationSummary| {
            e.headline
                .iter()
                .find(|h| h.name == "accuracy")
                .and_then(|h| h.value)
                .expect("acc")
        };
        assert!((accuracy.first.expect("first") - headline(v1)).abs() < 1e-12);
        assert!((accuracy.second.expect("second") - headline(v2)).abs() < 1e-12);
        let d = accuracy.difference.expect("difference");
        assert!(
            accuracy.difference_low.expect("low") <= d
                && d <= accuracy.difference_high.expect("high")
        );
        assert!(
            ((view.only_second_correct as f64 - view.only_first_correct as f64) / 4000.0 - d).abs()
                < 1e-12
        );
        assert!(view.delong_pvalue.is_some());
        assert!(view.groups.iter().any(|g| g.sensitive == "sex"));
        // The annotation queue can list exactly the rows the versions disagree on.
        let disagreeing = workspace
            .predictions(
                v1.id,
                &PredictionFilter {
                    disagree_with: Some(v2.id),
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await
            .expect("queue");
        assert_eq!(disagreeing.total as u64, view.disagreements);
        let listed: Vec<u64> = disagreeing
            .rows
            .iter()
            .take(100)
            .map(|r| r.row as u64)
            .collect();
        assert_eq!(listed, view.disagreeing_rows);
    }
}

mod progress {
    use std::ops::ControlFlow;

    use vigil_engine::predict::{PredictError, bind_inputs, predict_with_progress};

    #[test]
    fn inference_reports_progress_per_chunk_and_can_be_cancelled() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let model = vigil_infer::Model::load(
            &std::fs::read(root.join("demo/models/credit_risk_v1.onnx")).expect("model"),
        )
        .expect("loads");
        let dataset = vigil_engine::read_dataset(&root.join("demo/data/credit_applications.csv"))
            .expect("data");
        let excluded = vec!["default".to_owned()];
        let bindings = bind_inputs(&model, &dataset.profile.columns, &[], &excluded).expect("bind");
        let device = vigil_infer::Device::cpu();
        // Chunks run a wave at a time, one per worker thread; progress comes after each wave.
        let with_threads = |threads: usize| {
            let mut seen = Vec::new();
            let predictions = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| {
                    predict_with_progress(
                        &model,
                        &dataset,
                        &bindings,
                        &device,
                        1000,
                        &mut |done, total| {
                            seen.push((done, total));
                            ControlFlow::Continue(())
                        },
                    )
                })
                .expect("runs");
            (predictions, seen)
        };
        let (all, seen) = with_threads(1);
        assert_eq!(all.n_rows, 4000);
        assert_eq!(
            seen,
            [(1000, 4000), (2000, 4000), (3000, 4000), (4000, 4000)]
        );
        let (parallel, seen) = with_threads(2);
        assert_eq!(seen, [(2000, 4000), (4000, 4000)]);
        assert_eq!(
            serde_json::to_value(&parallel).expect("json"),
            serde_json::to_value(&all).expect("json"),
            "the same predictions in the same row order on any number of threads"
        );
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let cancelled = pool.install(|| {
            predict_with_progress(
                &model,
                &dataset,
                &bindings,
                &device,
                1000,
                &mut |done, _| {
                    if done >= 2000 {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                },
            )
        });
        assert!(matches!(
            cancelled,
            Err(PredictError::Cancelled {
                done: 2000,
                total: 4000
            })
        ));
    }
}
