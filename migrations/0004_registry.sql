-- The registry's lifecycle: aliases (production, staging, challenger, or any name) pointing at
-- versions, every move kept in alias_history (who, when, from, to, why, the gate report and any
-- override), and one quality-gate policy per model.
CREATE TABLE aliases (
    model_id   INTEGER NOT NULL REFERENCES models (id) ON DELETE RESTRICT,
    alias      TEXT NOT NULL CHECK (length(alias) > 0),
    version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE RESTRICT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (model_id, alias)
);

CREATE TABLE alias_history (
    id               INTEGER PRIMARY KEY,
    model_id         INTEGER NOT NULL REFERENCES models (id) ON DELETE RESTRICT,
    alias            TEXT NOT NULL,
    from_version_id  INTEGER REFERENCES model_versions (id) ON DELETE RESTRICT,
    to_version_id    INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE RESTRICT,
    action           TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),
    comment          TEXT NOT NULL CHECK (length(comment) > 0),
    gate_report_json TEXT,
    override_reason  TEXT,
    actor            TEXT NOT NULL,
    at               TEXT NOT NULL
);
CREATE INDEX alias_history_by_model ON alias_history (model_id, alias, id);

CREATE TABLE gate_policies (
    model_id    INTEGER PRIMARY KEY REFERENCES models (id) ON DELETE RESTRICT,
    policy_json TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);
