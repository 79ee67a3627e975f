//! Stored per-row predictions of an evaluation, browsed page by page, and the feedback people
//! give on them (correct / incorrect, the true label, a note), each annotation audited.

use serde_json::json;

use crate::{Result, Store, StoreError, audit, now_rfc3339};

/// A stored prediction with its latest annotation, if any.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PredictionWithFeedback {
    pub id: i64,
    pub evaluation_id: i64,
    pub row_index: i64,
    pub predicted_label: Option<String>,
    pub predicted_value: Option<f64>,
    pub true_label: Option<String>,
    pub probabilities_json: Option<String>,
    pub confidence: Option<f64>,
    pub groups_json: Option<String>,
    pub feedback_verdict: Option<String>,
    pub feedback_label: Option<String>,
    pub feedback_note: Option<String>,
    pub feedback_author: Option<String>,
    pub feedback_at: Option<String>,
    /// How many annotations the row has (the latest is shown).
    pub feedback_count: i64,
    /// The latest annotation that gives a verdict or a label (a later note alone does not
    /// take it back).
    pub judged_verdict: Option<String>,
    pub judged_label: Option<String>,
}

/// Which predictions to list, and in what order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PredictionQuery {
    pub predicted_label: Option<String>,
    pub min_confidence: Option<f64>,
    pub max_confidence: Option<f64>,
    /// Some(true): the prediction equals the true label; Some(false): it does not.
    pub correct: Option<bool>,
    /// Only rows nobody has annotated yet.
    pub unannotated: bool,
    /// Only rows where this other evaluation (another version on the same data) predicts a
    /// different label.
    pub disagree_with: Option<i64>,
    /// Only rows of this group: (sensitive column, value).
    pub group: Option<(String, String)>,
    /// Lowest confidence first (most uncertain), else file order.
    pub by_uncertainty: bool,
    pub offset: i64,
    pub limit: i64,
}

/// An annotation to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeedback<'a> {
    pub prediction_id: i64,
    pub verdict: Option<&'a str>,
    pub true_label: Option<&'a str>,
    pub note: &'a str,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackRow {
    pub id: i64,
    pub prediction_id: i64,
    pub verdict: Option<String>,
    pub true_label: Option<String>,
    pub note: String,
    pub author: String,
    pub created_at: String,
    pub evaluation_id: i64,
    pub row_index: i64,
    pub predicted_label: Option<String>,
}

const LATEST: &str = "SELECT p.*, f.verdict AS feedback_verdict, f.true_label AS feedback_label,
            f.note AS feedback_note, f.author AS feedback_author, f.created_at AS feedback_at,
            (SELECT COUNT(*) FROM feedback c WHERE c.prediction_id = p.id) AS feedback_count,
            j.verdict AS judged_verdict, j.true_label AS judged_label
     FROM predictions p
     LEFT JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback l WHERE l.prediction_id = p.id)
     LEFT JOIN feedback j ON j.id = (SELECT MAX(id) FROM feedback k WHERE k.prediction_id = p.id
                                     AND (k.verdict IS NOT NULL OR k.true_label IS NOT NULL))";

impl Store {
    /// One page of an evaluation's predictions, with the total count matching the filters.
    pub async fn predictions_page(
        &self,
        evaluation_id: i64,
        query: &PredictionQuery,
    ) -> Result<(Vec<PredictionWithFeedback>, i64)> {
        let mut conditions = vec!["p.evaluation_id = ?".to_owned()];
        if query.predicted_label.is_some() {
            conditions.push("p.predicted_label = ?".to_owned());
        }
        if query.min_confidence.is_some() {
            conditions.push("p.confidence >= ?".to_owned());
        }
        if query.max_confidence.is_some() {
            conditions.push("p.confidence <= ?".to_owned());
        }
        match query.correct {
            Some(true) => conditions.push("p.predicted_label = p.true_label".to_owned()),
            Some(false) => conditions.push("p.predicted_label IS NOT p.true_label".to_owned()),
            None => {}
        }
        if query.unannotated {
            conditions.push(
                "NOT EXISTS (SELECT 1 FROM feedback u WHERE u.prediction_id = p.id)".to_owned(),
            );
        }
        if query.group.is_some() {
            conditions.push("json_extract(p.groups_json, '$.' || json_quote(?)) = ?".to_owned());
        }
        if query.disagree_with.is_some() {
            conditions.push(
                "EXISTS (SELECT 1 FROM predictions o WHERE o.evaluation_id = ? AND o.row_index = p.row_index
                         AND o.predicted_label IS NOT p.predicted_label)"
                    .to_owned(),
            );
        }
        let filter = conditions.join(" AND ");
        let order = if query.by_uncertainty {
            "p.confidence IS NULL, p.confidence, p.row_index"
        } else {
            "p.row_index"
        };
        let sql = format!("{LATEST} WHERE {filter} ORDER BY {order} LIMIT ? OFFSET ?");
        let count_sql = format!("SELECT COUNT(*) FROM predictions p WHERE {filter}");
        let mut page = sqlx::query_as::<_, PredictionWithFeedback>(&sql).bind(evaluation_id);
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(evaluation_id);
        if let Some(label) = &query.predicted_label {
            page = page.bind(label);
            count = count.bind(label);
        }
        if let Some(min) = query.min_confidence {
            page = page.bind(min);
            count = count.bind(min);
        }
        if let Some(max) = query.max_confidence {
            page = page.bind(max);
            count = count.bind(max);
        }
        if let Some((column, value)) = &query.group {
            page = page.bind(column).bind(value);
            count = count.bind(column).bind(value);
        }
        if let Some(other) = query.disagree_with {
            page = page.bind(other);
            count = count.bind(other);
        }
        let rows = page
            .bind(query.limit)
            .bind(query.offset)
            .fetch_all(self.pool())
            .await?;
        let total = count.fetch_one(self.pool()).await?;
        Ok((rows, total))
    }

    /// One stored prediction.
    pub async fn prediction(&self, id: i64) -> Result<PredictionWithFeedback> {
        sqlx::query_as(&format!("{LATEST} WHERE p.id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("prediction {id}")))
    }

    /// Stores an annotation with its audit event.
    pub async fn add_feedback(&self, new: &NewFeedback<'_>, author: &str) -> Result<i64> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO feedback (prediction_id, verdict, true_label, note, author, created_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(new.prediction_id)
        .bind(new.verdict)
        .bind(new.true_label)
        .bind(new.note)
        .bind(author)
        .bind(now_rfc3339())
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            author,
            "feedback.add",
            &json!({
                "feedback": id,
                "prediction": new.prediction_id,
                "verdict": new.verdict,
                "true_label": new.true_label,
                "note": new.note,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every annotation, oldest first; of one evaluation when given.
    pub async fn list_feedback(&self, evaluation_id: Option<i64>) -> Result<Vec<FeedbackRow>> {
        Ok(sqlx::query_as(
            "SELECT f.*, p.evaluation_id, p.row_index, p.predicted_label
             FROM feedback f JOIN predictions p ON p.id = f.prediction_id
             WHERE ? IS NULL OR p.evaluation_id = ? ORDER BY f.id",
        )
        .bind(evaluation_id)
        .bind(evaluation_id)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Store {
    /// Every label that occurs in an evaluation's predictions or true labels, sorted.
    pub async fn prediction_labels(&self, evaluation_id: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT predicted_label AS label FROM predictions WHERE evaluation_id = ? AND predicted_label IS NOT NULL
             UNION SELECT true_label FROM predictions WHERE evaluation_id = ? AND true_label IS NOT NULL
             ORDER BY label",
        )
        .bind(evaluation_id)
        .bind(evaluation_id)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Store {
    /// The stored prediction of an evaluation's row (0-based).
    pub async fn prediction_at(&self, evaluation_id: i64, row_index: i64) -> Result<i64> {
        sqlx::query_scalar("SELECT id FROM predictions WHERE evaluation_id = ? AND row_index = ?")
            .bind(evaluation_id)
            .bind(row_index)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "row {} of evaluation {evaluation_id}",
                    row_index + 1
                ))
            })
    }
}

impl Store {
    /// The (sensitive column, value) pairs that occur in an evaluation's predictions, sorted.
    pub async fn prediction_groups(&self, evaluation_id: i64) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT DISTINCT g.key, g.value FROM predictions p, json_each(p.groups_json) g
             WHERE p.evaluation_id = ? AND g.value IS NOT NULL ORDER BY g.key, g.value",
        )
        .bind(evaluation_id)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Store {
    /// Every stored prediction of an evaluation with its latest annotation, in row order.
    pub async fn all_predictions(&self, evaluation_id: i64) -> Result<Vec<PredictionWithFeedback>> {
        Ok(sqlx::query_as(&format!(
            "{LATEST} WHERE p.evaluation_id = ? ORDER BY p.row_index"
        ))
        .bind(evaluation_id)
        .fetch_all(self.pool())
        .await?)
    }
}
