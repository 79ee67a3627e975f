-- A monitoring run: one model version (or none) followed over a dataset's time windows against
-- a reference. The reference profile (sorted values, category counts) is a blob, so later
-- batches are scored without the reference file; the whole result is kept as computed, and each
-- window × column drift verdict is also a drift_results row for querying.
CREATE TABLE monitoring_runs (
    id                       INTEGER PRIMARY KEY,
    model_version_id         INTEGER REFERENCES model_versions (id) ON DELETE RESTRICT,
    dataset_id               INTEGER NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    -- NULL when the reference is the dataset's own first windows.
    reference_dataset_id     INTEGER REFERENCES datasets (id) ON DELETE RESTRICT,
    settings_json            TEXT NOT NULL,
    cache_key                TEXT NOT NULL CHECK (length(cache_key) = 64),
    reference_profile_sha256 TEXT NOT NULL CHECK (length(reference_profile_sha256) = 64),
    result_json              TEXT NOT NULL,
    created_at               TEXT NOT NULL,
    created_by               TEXT NOT NULL
);
CREATE INDEX monitoring_runs_by_cache_key ON monitoring_runs (cache_key);
CREATE INDEX monitoring_runs_by_version ON monitoring_runs (model_version_id);

ALTER TABLE drift_results ADD COLUMN monitoring_run_id INTEGER REFERENCES monitoring_runs (id) ON DELETE CASCADE;
