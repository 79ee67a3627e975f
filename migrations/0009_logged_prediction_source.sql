-- An evaluation of logged predictions (no model run) names the system that logged them, so it
-- can be told apart in the list; NULL for evaluations that ran a stored model version.
ALTER TABLE evaluations ADD COLUMN logged_source TEXT;
