-- Free-form tags on a model version ("baseline", "fairness-reviewed" …), as a JSON array.
ALTER TABLE model_versions ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
