//! The engine's use cases against a real workspace in a temporary folder.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

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
        "The dataset `loans.csv` cannot be read: line 3 has 1 fields where the header has 2"
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
        "The dataset `loans.xlsx` cannot be read: `.xlsx` files are not supported: use a .csv file"
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
