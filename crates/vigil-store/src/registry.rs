//! The registry's lifecycle: aliases pointing at versions, their history, and each model's
//! quality-gate policy. Every change commits with its audit event.

use serde_json::json;

use crate::{Result, Store, StoreError, audit, now_rfc3339};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AliasRow {
    pub model_id: i64,
    pub alias: String,
    pub version_id: i64,
    pub updated_at: String,
    pub updated_by: String,
    /// Joined: the version's number within its model.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AliasHistoryRow {
    pub id: i64,
    pub model_id: i64,
    pub alias: String,
    pub from_version_id: Option<i64>,
    pub to_version_id: i64,
    pub action: String,
    pub comment: String,
    pub gate_report_json: Option<String>,
    pub override_reason: Option<String>,
    pub actor: String,
    pub at: String,
    /// Joined: version numbers.
    pub from_version: Option<i64>,
    pub to_version: i64,
}

/// One alias move to record.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasMove<'a> {
    pub model_id: i64,
    pub alias: &'a str,
    pub to_version_id: i64,
    /// `promote` or `rollback`.
    pub action: &'a str,
    pub comment: &'a str,
    pub gate_report_json: Option<&'a str>,
    pub override_reason: Option<&'a str>,
    /// The version the alias must point at now (None: unset), so that two reviewers acting at
    /// once cannot both move it: the second is refused.
    pub expected_from: Option<i64>,
}

const HISTORY_SELECT: &str = "SELECT h.*, f.version AS from_version, t.version AS to_version
     FROM alias_history h
     LEFT JOIN model_versions f ON f.id = h.from_version_id
     JOIN model_versions t ON t.id = h.to_version_id";

impl Store {
    /// The model's aliases, by name.
    pub async fn aliases(&self, model_id: i64) -> Result<Vec<AliasRow>> {
        Ok(sqlx::query_as(
            "SELECT a.*, v.version AS version FROM aliases a JOIN model_versions v ON v.id = a.version_id
             WHERE a.model_id = ? ORDER BY a.alias",
        )
        .bind(model_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every alias move of the model, oldest first.
    pub async fn alias_history(&self, model_id: i64) -> Result<Vec<AliasHistoryRow>> {
        Ok(sqlx::query_as(&format!(
            "{HISTORY_SELECT} WHERE h.model_id = ? ORDER BY h.id"
        ))
        .bind(model_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Moves an alias, records the move in its history, and audits it — all or nothing.
    pub async fn move_alias(&self, m: &AliasMove<'_>, actor: &str) -> Result<AliasHistoryRow> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let current: Option<i64> =
            sqlx::query_scalar("SELECT version_id FROM aliases WHERE model_id = ? AND alias = ?")
                .bind(m.model_id)
                .bind(m.alias)
                .fetch_optional(&mut *tx)
                .await?;
        if current != m.expected_from {
            return Err(StoreError::Conflict(format!(
                "alias {} moved while this change was prepared; look again and retry",
                m.alias
            )));
        }
        let now = now_rfc3339();
        sqlx::query(
            "INSERT INTO aliases (model_id, alias, version_id, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(m.model_id)
        .bind(m.alias)
        .bind(m.to_version_id)
        .bind(&now)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO alias_history (model_id, alias, from_version_id, to_version_id, action, comment,
                                        gate_report_json, override_reason, actor, at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(m.model_id)
        .bind(m.alias)
        .bind(current)
        .bind(m.to_version_id)
        .bind(m.action)
        .bind(m.comment)
        .bind(m.gate_report_json)
        .bind(m.override_reason)
        .bind(actor)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let gate: serde_json::Value = m
            .gate_report_json
            .and_then(|g| serde_json::from_str(g).ok())
            .unwrap_or(serde_json::Value::Null);
        audit::append(
            &mut tx,
            actor,
            &format!("alias.{}", m.action),
            &json!({
                "model": m.model_id,
                "alias": m.alias,
                "from_version": current,
                "to_version": m.to_version_id,
                "comment": m.comment,
                "gates": gate,
                "override_reason": m.override_reason,
            }),
        )
        .await?;
        if m.override_reason.is_some() {
            audit::append(
                &mut tx,
                actor,
                "gate.override",
                &json!({
                    "model": m.model_id,
                    "alias": m.alias,
                    "version": m.to_version_id,
                    "reason": m.override_reason,
                }),
            )
            .await?;
        }
        tx.commit().await?;
        sqlx::query_as(&format!("{HISTORY_SELECT} WHERE h.id = ?"))
            .bind(id)
            .fetch_one(self.pool())
            .await
            .map_err(StoreError::from)
    }

    /// The model's gate policy (JSON), if one was set.
    pub async fn gate_policy(&self, model_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT policy_json FROM gate_policies WHERE model_id = ?")
                .bind(model_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Sets the model's gate policy, audited.
    pub async fn set_gate_policy(
        &self,
        model_id: i64,
        policy_json: &str,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO gate_policies (model_id, policy_json, updated_at, updated_by) VALUES (?, ?, ?, ?)
             ON CONFLICT (model_id) DO UPDATE SET policy_json = excluded.policy_json,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(model_id)
        .bind(policy_json)
        .bind(now_rfc3339())
        .bind(actor)
        .execute(&mut *tx)
        .await?;
        let policy: serde_json::Value =
            serde_json::from_str(policy_json).unwrap_or(serde_json::Value::Null);
        audit::append(
            &mut tx,
            actor,
            "gate.policy",
            &json!({ "model": model_id, "policy": policy }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
