-- Vigil's first schema. Shipped migrations are never edited: change the schema in a new file.
-- Timestamps are RFC 3339 strings in UTC; hashes are lowercase hex SHA-256.

CREATE TABLE models (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

-- A version is the bytes of one model file, content-addressed by their SHA-256; the file itself
-- lives in the data dir's blob folder under that hash. Versions are numbered per model 1, 2, 3 …
CREATE TABLE model_versions (
    id             INTEGER PRIMARY KEY,
    model_id       INTEGER NOT NULL REFERENCES models (id) ON DELETE RESTRICT,
    version        INTEGER NOT NULL CHECK (version > 0),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
    source         TEXT NOT NULL,
    notes          TEXT NOT NULL DEFAULT '',
    -- Input/output signature as read by the inference crate; NULL until it has been read.
    signature_json TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    UNIQUE (model_id, version),
    UNIQUE (model_id, sha256)
);

CREATE TABLE datasets (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL CHECK (length(name) > 0),
    description      TEXT NOT NULL DEFAULT '',
    sha256           TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    size_bytes       INTEGER NOT NULL CHECK (size_bytes >= 0),
    format           TEXT NOT NULL CHECK (format IN ('csv', 'parquet')),
    row_count        INTEGER NOT NULL CHECK (row_count >= 0),
    -- [{"name", "kind", "missing"}] in file order.
    columns_json     TEXT NOT NULL,
    timestamp_column TEXT,
    source           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);

-- One run of a model version (or of logged predictions, model_version_id NULL) on a dataset.
-- cache_key = SHA-256 over model bytes, dataset bytes and settings: an equal key reuses the result.
CREATE TABLE evaluations (
    id               INTEGER PRIMARY KEY,
    model_version_id INTEGER REFERENCES model_versions (id) ON DELETE RESTRICT,
    dataset_id       INTEGER NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    settings_json    TEXT NOT NULL,
    cache_key        TEXT NOT NULL CHECK (length(cache_key) = 64),
    status           TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
    error_message    TEXT,
    device           TEXT,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    load_ms          REAL,
    inference_ms     REAL,
    metrics_ms       REAL,
    created_by       TEXT NOT NULL
);
CREATE INDEX evaluations_by_cache_key ON evaluations (cache_key);
CREATE INDEX evaluations_by_version ON evaluations (model_version_id);

CREATE TABLE metric_values (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    -- binary, micro, macro, weighted, per_class, ovr, ovo … or '' where averaging does not apply.
    averaging     TEXT NOT NULL DEFAULT '',
    class_label   TEXT NOT NULL DEFAULT '',
    -- '' for the whole dataset, else a slice such as a time window.
    slice         TEXT NOT NULL DEFAULT '',
    value         REAL,
    ci_low        REAL,
    ci_high       REAL,
    note          TEXT,
    UNIQUE (evaluation_id, name, averaging, class_label, slice)
);

CREATE TABLE fairness_results (
    id            INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    -- 'sex' or an intersection 'sex+region'; group_key 'F' or 'F|North'; '' for overall.
    sensitive_key TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    row_count     INTEGER NOT NULL CHECK (row_count >= 0),
    metrics_json  TEXT NOT NULL,
    small_group   INTEGER NOT NULL DEFAULT 0 CHECK (small_group IN (0, 1)),
    UNIQUE (evaluation_id, sensitive_key, group_key)
);

CREATE TABLE drift_results (
    id                   INTEGER PRIMARY KEY,
    model_version_id     INTEGER REFERENCES model_versions (id) ON DELETE RESTRICT,
    reference_dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    current_dataset_id   INTEGER NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    window_label         TEXT NOT NULL DEFAULT '',
    window_start         TEXT,
    window_end           TEXT,
    column_name          TEXT NOT NULL,
    column_kind          TEXT NOT NULL,
    method               TEXT NOT NULL,
    method_reason        TEXT NOT NULL DEFAULT '',
    statistic            REAL,
    p_value              REAL,
    threshold            REAL NOT NULL,
    drifted              INTEGER NOT NULL CHECK (drifted IN (0, 1)),
    created_at           TEXT NOT NULL
);
CREATE INDEX drift_results_by_version ON drift_results (model_version_id, window_label);

CREATE TABLE predictions (
    id                 INTEGER PRIMARY KEY,
    evaluation_id      INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    row_index          INTEGER NOT NULL CHECK (row_index >= 0),
    predicted_label    TEXT,
    predicted_value    REAL,
    true_label         TEXT,
    probabilities_json TEXT,
    confidence         REAL,
    UNIQUE (evaluation_id, row_index)
);

CREATE TABLE feedback (
    id            INTEGER PRIMARY KEY,
    prediction_id INTEGER NOT NULL REFERENCES predictions (id) ON DELETE RESTRICT,
    verdict       TEXT CHECK (verdict IN ('correct', 'incorrect')),
    true_label    TEXT,
    note          TEXT NOT NULL DEFAULT '',
    author        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX feedback_by_prediction ON feedback (prediction_id);

-- Append-only, hash-chained log of every state change: hash = SHA-256 of the previous hash and
-- this event's canonical text. The triggers make an edit or a deletion fail inside SQLite itself.
CREATE TABLE audit_events (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
);

CREATE TRIGGER audit_events_reject_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_reject_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
