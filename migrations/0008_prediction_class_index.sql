-- Browsing an evaluation's predictions by predicted class, page by page.
CREATE INDEX predictions_by_class ON predictions (evaluation_id, predicted_label, row_index);
