//! The store against a real SQLite file in a temporary folder.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

use sqlx::Connection;
use vigil_store::{AuditVerification, NewDataset, NewModelVersion, Store, StoreError};

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn version<'a>(model: &'a str, sha256: &'a str) -> NewModelVersion<'a> {
    NewModelVersion {
        model_name: model,
        model_description: "a test model",
        sha256,
        size_bytes: 3,
        source: "model.onnx",
        signature_json: None,
        notes: "",
        actor: "tester",
    }
}

async fn raw_connection(store: &Store) -> sqlx::SqliteConnection {
    let url = format!("sqlite://{}", store.database_path().display());
    sqlx::SqliteConnection::connect(&url)
        .await
        .expect("raw connection")
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_a_second_open_changes_nothing() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("first open");
    let known = i64::try_from(Store::known_migrations()).expect("count");
    assert!(known >= 1);
    assert_eq!(store.schema_version().await.expect("version"), known);
    let mut conn = raw_connection(&store).await;
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .expect("applied migrations");
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN
         ('models','model_versions','datasets','evaluations','metric_values','fairness_results',
          'drift_results','predictions','feedback','audit_events')",
    )
    .fetch_one(&mut conn)
    .await
    .expect("tables");
    assert_eq!(tables, 10, "every table of the first schema exists");
    conn.close().await.expect("close");
    store.close().await;

    let reopened = Store::open(dir.path()).await.expect("second open");
    let mut conn = raw_connection(&reopened).await;
    let again: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .expect("applied migrations");
    assert_eq!(applied, again, "a second start applies nothing");
    assert_eq!(reopened.schema_version().await.expect("version"), known);
}

#[tokio::test]
async fn connections_use_wal_foreign_keys_and_a_busy_timeout() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("open");
    assert_eq!(store.pragma("journal_mode").await.expect("journal"), "wal");
    assert_eq!(store.pragma("foreign_keys").await.expect("fk"), "1");
    assert_eq!(store.pragma("busy_timeout").await.expect("busy"), "10000");
    assert!(
        store
            .pragma("journal_mode; DROP TABLE models")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn versions_are_numbered_per_model_and_equal_bytes_are_not_duplicated() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("open");
    let a = "a".repeat(64);
    let b = "b".repeat(64);
    let first = store
        .import_model_version(&version("churn", &a))
        .await
        .expect("v1");
    let second = store
        .import_model_version(&version("churn", &b))
        .await
        .expect("v2");
    let again = store
        .import_model_version(&version("churn", &a))
        .await
        .expect("same bytes");
    let other = store
        .import_model_version(&version("fraud", &b))
        .await
        .expect("other model");
    assert_eq!((first.version.version, first.created), (1, true));
    assert_eq!((second.version.version, second.created), (2, true));
    assert_eq!((again.version.id, again.created), (first.version.id, false));
    assert_eq!((other.version.version, other.created), (1, true));
    let models = store.list_models().await.expect("models");
    assert_eq!(
        models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["churn", "fraud"]
    );
    assert_eq!(
        store.list_model_versions().await.expect("versions").len(),
        3
    );
}

#[tokio::test]
async fn every_import_is_audited_and_the_chain_verifies() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("open");
    assert!(store.is_pristine().await.expect("pristine"));
    store
        .import_model_version(&version("churn", &"a".repeat(64)))
        .await
        .expect("import");
    let dataset = NewDataset {
        name: "loans",
        description: "",
        sha256: &"c".repeat(64),
        size_bytes: 10,
        format: "csv",
        row_count: 2,
        columns_json: "[]",
        timestamp_column: None,
        source: "loans.csv",
        actor: "tester",
    };
    let (_, created) = store.import_dataset(&dataset).await.expect("dataset");
    assert!(created);
    let (_, created_again) = store.import_dataset(&dataset).await.expect("same dataset");
    assert!(!created_again);
    let events = store.list_audit_events().await.expect("events");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["dataset.import", "model_version.import", "model.create"]
    );
    assert!(events.iter().all(|e| e.actor == "tester"));
    assert!(!store.is_pristine().await.expect("pristine"));
    assert_eq!(
        store.verify_audit_log().await.expect("verify"),
        AuditVerification::Intact { events: 3 }
    );
}

#[tokio::test]
async fn the_database_itself_rejects_edits_and_deletions_of_audit_events() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("open");
    store
        .record_event("tester", "settings.change", &serde_json::json!({"k": 1}))
        .await
        .expect("event");
    let mut conn = raw_connection(&store).await;
    let update = sqlx::query("UPDATE audit_events SET actor = 'mallory'")
        .execute(&mut conn)
        .await;
    let delete = sqlx::query("DELETE FROM audit_events")
        .execute(&mut conn)
        .await;
    for result in [update, delete] {
        let message = result.expect_err("must be rejected").to_string();
        assert!(message.contains("append-only"), "{message}");
    }
    assert_eq!(
        store.list_audit_events().await.expect("events")[0].actor,
        "tester"
    );
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("open");
    let mut conn = raw_connection(&store).await;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut conn)
        .await
        .expect("pragma");
    let orphan = sqlx::query(
        "INSERT INTO model_versions (model_id, version, sha256, size_bytes, source, created_at, created_by)
         VALUES (999, 1, ?, 1, 'x', 'now', 'me')",
    )
    .bind("d".repeat(64))
    .execute(&mut conn)
    .await;
    assert!(
        orphan
            .expect_err("no such model")
            .to_string()
            .contains("FOREIGN KEY")
    );
}

#[tokio::test]
async fn blobs_are_content_addressed_and_checked_on_read() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("open");
    let sha = store.blobs().put(b"model bytes").await.expect("put");
    assert_eq!(sha, vigil_store::sha256_hex(b"model bytes"));
    assert_eq!(
        store.blobs().put(b"model bytes").await.expect("put again"),
        sha
    );
    assert_eq!(store.blobs().get(&sha).await.expect("get"), b"model bytes");
    std::fs::write(store.blobs().path_of(&sha), b"tampered").expect("tamper");
    assert!(matches!(
        store.blobs().get(&sha).await,
        Err(StoreError::BlobCorrupt { .. })
    ));
    let missing = "e".repeat(64);
    assert!(matches!(
        store.blobs().get(&missing).await,
        Err(StoreError::BlobMissing { .. })
    ));
}

#[tokio::test]
async fn a_file_is_stored_by_copy_only_when_it_still_has_the_hash_it_was_read_with() {
    let dir = temp_dir();
    let store = Store::open(dir.path()).await.expect("open");
    let source = dir.path().join("data.csv");
    let bytes: Vec<u8> = (0..3_000_000_u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&source, &bytes).expect("write");
    let sha = vigil_store::sha256_hex(&bytes);
    store
        .blobs()
        .put_file(&source, &sha)
        .await
        .expect("put file");
    assert_eq!(store.blobs().get(&sha).await.expect("get"), bytes);
    // Changed since it was read: refused, and nothing is left behind.
    std::fs::write(&source, b"other bytes").expect("rewrite");
    let wanted = vigil_store::sha256_hex(b"what was read");
    assert!(matches!(
        store.blobs().put_file(&source, &wanted).await,
        Err(StoreError::SourceChanged { .. })
    ));
    assert!(!store.blobs().path_of(&wanted).exists());
    let leftovers = std::fs::read_dir(dir.path().join("blobs/tmp"))
        .map(Iterator::count)
        .unwrap_or(0);
    assert_eq!(leftovers, 0, "no partial copy is left");
}

/// With the triggers dropped, a row edited, deleted or inserted behind the store's back is found
/// by re-computing the chain, and the first affected event is named.
#[tokio::test]
async fn verification_names_the_first_edited_removed_or_inserted_event() {
    for tamper in ["edit", "delete", "insert"] {
        let dir = temp_dir();
        let store = Store::open(dir.path()).await.expect("open");
        for n in 1..=5 {
            store
                .record_event("tester", "settings.change", &serde_json::json!({ "n": n }))
                .await
                .expect("event");
        }
        let mut conn = raw_connection(&store).await;
        for trigger in ["audit_events_reject_update", "audit_events_reject_delete"] {
            sqlx::query(&format!("DROP TRIGGER {trigger}"))
                .execute(&mut conn)
                .await
                .expect("drop trigger");
        }
        let sql = match tamper {
            "edit" => "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3",
            "delete" => "DELETE FROM audit_events WHERE seq = 3",
            _ => {
                "INSERT INTO audit_events (seq, at, actor, action, payload_json, prev_hash, hash)
                  SELECT 6, at, 'mallory', action, payload_json, hash, printf('%064d', 6)
                  FROM audit_events WHERE seq = 5"
            }
        };
        sqlx::query(sql).execute(&mut conn).await.expect("tamper");
        let expected = match tamper {
            "insert" => 6,
            "delete" => 4,
            _ => 3,
        };
        match store.verify_audit_log().await.expect("verify") {
            AuditVerification::Broken { seq, reason } => {
                assert_eq!(seq, expected, "{tamper}: {reason}");
            }
            intact => panic!("{tamper} went unnoticed: {intact:?}"),
        }
    }
}
