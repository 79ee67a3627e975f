-- Keep each finished evaluation's full result (the JSON `vigil eval` writes) beside its metric
-- rows, so a stored evaluation can be shown exactly as computed; and its task.
ALTER TABLE evaluations ADD COLUMN task TEXT CHECK (task IN ('classification', 'regression'));
ALTER TABLE evaluations ADD COLUMN result_json TEXT;
