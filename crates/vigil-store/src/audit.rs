//! The audit log: an append-only table in which each event's hash covers the previous event's
//! hash, so an edited, inserted or removed event breaks the chain from that point on.

use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use crate::{Result, Store, now_rfc3339};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEventRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub payload_json: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The outcome of re-computing the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    Intact {
        events: usize,
    },
    /// The first event whose stored hashes disagree with the chain, and what disagrees.
    Broken {
        seq: i64,
        reason: String,
    },
}

/// The hash of one event: SHA-256 over its fields, one per line, starting with the previous hash.
fn event_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    payload: &str,
) -> String {
    let mut hasher = Sha256::new();
    for field in [prev_hash, &seq.to_string(), at, actor, action, payload] {
        hasher.update(field.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// Appends one event inside the caller's transaction, so the event exists if and only if the
/// change it records was committed.
pub(crate) async fn append(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    payload: &serde_json::Value,
) -> Result<AuditEventRow> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let at = now_rfc3339();
    let payload_json = payload.to_string();
    let hash = event_hash(&prev_hash, seq, &at, actor, action, &payload_json);
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, payload_json, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(&at)
    .bind(actor)
    .bind(action)
    .bind(&payload_json)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    Ok(AuditEventRow {
        seq,
        at,
        actor: actor.to_owned(),
        action: action.to_owned(),
        payload_json,
        prev_hash,
        hash,
    })
}

/// Checks a run of events in `seq` order from the start of the log.
pub fn verify_chain(events: &[AuditEventRow]) -> AuditVerification {
    let mut prev_hash = GENESIS_HASH.to_owned();
    for (expected_seq, event) in (1_i64..).zip(events) {
        if event.seq != expected_seq {
            return AuditVerification::Broken {
                seq: event.seq,
                reason: format!(
                    "expected event {expected_seq} here: an event was removed or inserted"
                ),
            };
        }
        if event.prev_hash != prev_hash {
            return AuditVerification::Broken {
                seq: event.seq,
                reason: "its previous-hash does not match the event before it".to_owned(),
            };
        }
        let hash = event_hash(
            &event.prev_hash,
            event.seq,
            &event.at,
            &event.actor,
            &event.action,
            &event.payload_json,
        );
        if hash != event.hash {
            return AuditVerification::Broken {
                seq: event.seq,
                reason: "its content does not match its hash: the event was edited".to_owned(),
            };
        }
        prev_hash = hash;
    }
    AuditVerification::Intact {
        events: events.len(),
    }
}

impl Store {
    /// Every audit event, newest first.
    pub async fn list_audit_events(&self) -> Result<Vec<AuditEventRow>> {
        Ok(
            sqlx::query_as("SELECT * FROM audit_events ORDER BY seq DESC")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Appends one event that records a change with no row of its own (a setting, a seeding).
    pub async fn record_event(
        &self,
        actor: &str,
        action: &str,
        payload: &serde_json::Value,
    ) -> Result<AuditEventRow> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let event = append(&mut tx, actor, action, payload).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Whether any event with this action was ever recorded.
    pub async fn has_audit_action(&self, action: &str) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM audit_events WHERE action = ? LIMIT 1")
                .bind(action)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    /// Whether nothing was ever recorded here: no audit event at all, so no import ever happened.
    pub async fn is_pristine(&self) -> Result<bool> {
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
            .fetch_one(self.pool())
            .await?;
        Ok(events == 0)
    }

    /// Re-computes the whole chain.
    pub async fn verify_audit_log(&self) -> Result<AuditVerification> {
        let events: Vec<AuditEventRow> = sqlx::query_as("SELECT * FROM audit_events ORDER BY seq")
            .fetch_all(self.pool())
            .await?;
        Ok(verify_chain(&events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEventRow> {
        let mut events = Vec::new();
        let mut prev = GENESIS_HASH.to_owned();
        for seq in 1..=n {
            let payload = format!("{{\"n\":{seq}}}");
            let hash = event_hash(&prev, seq, "2026-01-01T00:00:00.000Z", "me", "x", &payload);
            events.push(AuditEventRow {
                seq,
                at: "2026-01-01T00:00:00.000Z".to_owned(),
                actor: "me".to_owned(),
                action: "x".to_owned(),
                payload_json: payload,
                prev_hash: prev,
                hash: hash.clone(),
            });
            prev = hash;
        }
        events
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(
            verify_chain(&chain(4)),
            AuditVerification::Intact { events: 4 }
        );
        assert_eq!(verify_chain(&[]), AuditVerification::Intact { events: 0 });
    }

    #[test]
    fn the_first_edited_event_is_named() {
        let mut events = chain(4);
        events[2].payload_json = "{\"n\":99}".to_owned();
        assert!(matches!(
            verify_chain(&events),
            AuditVerification::Broken { seq: 3, .. }
        ));
    }

    #[test]
    fn a_removed_event_is_found() {
        let mut events = chain(4);
        events.remove(1);
        assert!(matches!(
            verify_chain(&events),
            AuditVerification::Broken { seq: 3, .. }
        ));
    }

    #[test]
    fn an_event_rehashed_after_an_edit_breaks_the_next_link() {
        let mut events = chain(4);
        let e = &mut events[1];
        e.actor = "mallory".to_owned();
        e.hash = event_hash(
            &e.prev_hash,
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            &e.payload_json,
        );
        assert!(matches!(
            verify_chain(&events),
            AuditVerification::Broken { seq: 3, .. }
        ));
    }
}
