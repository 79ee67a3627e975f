//! The registry's lifecycle: quality gates evaluated from stored evidence, promotion of a version
//! to an alias (production behind the gates, with a comment, an optional override reason and an
//! optional four-eyes rule), rollback of production to the version it replaced, and the history
//! that answers "what was live when".

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;
use vigil_store::{AliasHistoryRow, AliasMove, ModelRow, ModelVersionRow};

use crate::{EngineError, Result, Workspace};

/// The alias that gates guard and rollback restores.
pub const PRODUCTION: &str = "production";

/// A model's quality gates; every field is optional (an unset gate is not checked).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GatePolicy {
    pub min_accuracy: Option<f64>,
    pub min_roc_auc: Option<f64>,
    /// Largest equalized-odds difference between groups, over every sensitive column evaluated.
    pub max_equalized_odds_difference: Option<f64>,
    /// Largest share of drifted columns in the newest window of the newest monitoring run.
    pub max_drift_share: Option<f64>,
    /// How far accuracy may fall below the production version's on the same dataset and settings.
    pub max_accuracy_drop: Option<f64>,
    /// The approver must not be the person who registered the version.
    #[serde(default)]
    pub four_eyes: bool,
}

/// One gate's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GateCheck {
    pub name: String,
    /// The rule in words, e.g. "accuracy ≥ 0.8".
    pub rule: String,
    pub actual: Option<f64>,
    pub passed: bool,
    /// Where the number comes from, or why there is none.
    pub evidence: String,
}

/// Every gate of a model's policy, checked for one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GateReport {
    #[ts(type = "number")]
    pub version: i64,
    pub checks: Vec<GateCheck>,
    pub passed: bool,
}

impl GateReport {
    fn failures(&self) -> String {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| match c.actual {
                Some(v) => format!("{} is {v:.4}, the gate is {}", c.name, c.rule),
                None => format!("{}: {}", c.name, c.evidence),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One alias move, for history views.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AliasEvent {
    pub alias: String,
    #[ts(type = "number | null")]
    pub from_version: Option<i64>,
    #[ts(type = "number")]
    pub to_version: i64,
    pub action: String,
    pub comment: String,
    pub override_reason: Option<String>,
    pub gate_report: Option<GateReport>,
    pub actor: String,
    pub at: String,
}

impl From<AliasHistoryRow> for AliasEvent {
    fn from(row: AliasHistoryRow) -> Self {
        Self {
            gate_report: row
                .gate_report_json
                .as_deref()
                .and_then(|g| serde_json::from_str(g).ok()),
            alias: row.alias,
            from_version: row.from_version,
            to_version: row.to_version,
            action: row.action,
            comment: row.comment,
            override_reason: row.override_reason,
            actor: row.actor,
            at: row.at,
        }
    }
}

/// A model's lifecycle: aliases, policy, history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelLifecycle {
    pub model: String,
    /// (alias, version number), by alias name.
    #[ts(type = "Array<[string, number]>")]
    pub aliases: Vec<(String, i64)>,
    pub policy: GatePolicy,
    /// Oldest first.
    pub history: Vec<AliasEvent>,
}

fn usage(message: impl Into<String>) -> EngineError {
    EngineError::Usage(message.into())
}

fn valid_alias(alias: &str) -> Result<()> {
    let ok = !alias.is_empty()
        && alias.len() <= 40
        && alias
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(usage(format!(
            "`{alias}` is not an alias name: use lower-case letters, digits, - and _"
        )))
    }
}

impl Workspace {
    /// A model by name.
    pub async fn model_named(&self, name: &str) -> Result<ModelRow> {
        self.store()
            .list_models()
            .await?
            .into_iter()
            .find(|m| m.name == name)
            .ok_or_else(|| {
                EngineError::Store(vigil_store::StoreError::NotFound(format!("model {name}")))
            })
    }

    /// A version of `model` by its number (`2`, `v2`) or a prefix of its SHA-256 (6+ characters).
    pub async fn find_version(&self, model: &ModelRow, reference: &str) -> Result<ModelVersionRow> {
        let versions: Vec<ModelVersionRow> = self
            .store()
            .list_model_versions()
            .await?
            .into_iter()
            .filter(|v| v.model_id == model.id)
            .collect();
        let number = reference.strip_prefix('v').unwrap_or(reference);
        if let Ok(n) = number.parse::<i64>()
            && let Some(v) = versions.iter().find(|v| v.version == n)
        {
            return Ok(v.clone());
        }
        let prefix = reference.to_ascii_lowercase();
        let matching: Vec<&ModelVersionRow> = if prefix.len() >= 6 {
            versions
                .iter()
                .filter(|v| v.sha256.starts_with(&prefix))
                .collect()
        } else {
            Vec::new()
        };
        match matching.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(EngineError::Store(vigil_store::StoreError::NotFound(
                format!("version {reference} of model {}", model.name),
            ))),
            _ => Err(usage(format!(
                "`{reference}` matches {} versions of {}: give more of the hash",
                matching.len(),
                model.name
            ))),
        }
    }

    async fn policy_of(&self, model_id: i64) -> Result<GatePolicy> {
        match self.store().gate_policy(model_id).await? {
            Some(json) => serde_json::from_str(&json).map_err(|e| EngineError::Decode {
                what: "gate policy",
                reason: e.to_string(),
            }),
            None => Ok(GatePolicy::default()),
        }
    }

    /// Sets a model's gate policy.
    pub async fn set_gate_policy(
        &self,
        model_name: &str,
        policy: &GatePolicy,
        actor: &str,
    ) -> Result<()> {
        for (name, value) in [
            ("minimum accuracy", policy.min_accuracy),
            ("minimum ROC AUC", policy.min_roc_auc),
            (
                "maximum equalized-odds difference",
                policy.max_equalized_odds_difference,
            ),
            ("maximum drift share", policy.max_drift_share),
            ("maximum accuracy drop", policy.max_accuracy_drop),
        ] {
            if let Some(v) = value
                && !(0.0..=1.0).contains(&v)
            {
                return Err(usage(format!(
                    "the {name} must be between 0 and 1, not {v}"
                )));
            }
        }
        let model = self.model_named(model_name).await?;
        let json = serde_json::to_string(policy).map_err(|e| EngineError::Decode {
            what: "gate policy",
            reason: e.to_string(),
        })?;
        self.store().set_gate_policy(model.id, &json, actor).await?;
        Ok(())
    }

    /// The newest finished evaluation of a version: (evaluation id, dataset id, settings, result).
    async fn newest_evaluation(&self, version_id: i64) -> Result<Option<(i64, i64, String, Json)>> {
        Ok(self
            .store()
            .list_evaluations()
            .await?
            .into_iter()
            .filter(|e| e.model_version_id == Some(version_id) && e.status == "done")
            .find_map(|e| {
                let result: Json = serde_json::from_str(e.result_json.as_deref()?).ok()?;
                Some((e.id, e.dataset_id, e.settings_json, result))
            }))
    }

    /// Checks every gate of the model's policy for one version, from stored evaluations and
    /// monitoring runs. A gate with no evidence fails and says what is missing.
    pub async fn gate_report(
        &self,
        model: &ModelRow,
        version: &ModelVersionRow,
    ) -> Result<GateReport> {
        let policy = self.policy_of(model.id).await?;
        let evaluation = self.newest_evaluation(version.id).await?;
        let mut checks = Vec::new();
        let no_evaluation = || "no finished evaluation of this version".to_owned();
        let metric = |path: &[&str]| {
            evaluation.as_ref().and_then(|(_, _, _, r)| {
                let mut v = &r["metrics"];
                for key in path {
                    v = &v[*key];
                }
                v.as_f64()
            })
        };
        let evidence = evaluation
            .as_ref()
            .map_or_else(no_evaluation, |e| format!("evaluation {}", e.0));
        if let Some(min) = policy.min_accuracy {
            let actual = metric(&["accuracy"]);
            checks.push(gate(
                "accuracy",
                format!("≥ {min}"),
                actual,
                actual.is_some_and(|a| a >= min),
                &evidence,
            ));
        }
        if let Some(min) = policy.min_roc_auc {
            let actual =
                metric(&["roc_auc", "binary"]).or_else(|| metric(&["roc_auc", "ovr_macro"]));
            checks.push(gate(
                "ROC AUC",
                format!("≥ {min}"),
                actual,
                actual.is_some_and(|a| a >= min),
                &evidence,
            ));
        }
        if let Some(max) = policy.max_equalized_odds_difference {
            let actual = evaluation.as_ref().and_then(|(_, _, _, r)| {
                r["fairness"].as_object().and_then(|sections| {
                    sections
                        .values()
                        .filter_map(|s| s["equalized_odds_difference"]["between_groups"].as_f64())
                        .reduce(f64::max)
                })
            });
            let evidence = if evaluation.is_some() && actual.is_none() {
                "the evaluation has no sensitive columns".to_owned()
            } else {
                evidence.clone()
            };
            checks.push(gate(
                "equalized-odds difference",
                format!("≤ {max}"),
                actual,
                actual.is_some_and(|a| a <= max),
                &evidence,
            ));
        }
        if let Some(max) = policy.max_drift_share {
            let runs = self.store().list_monitoring_runs().await?;
            let newest = runs.iter().find(|r| r.model_version_id == Some(version.id));
            let actual = newest.and_then(|r| {
                let m: crate::monitor::Monitoring = serde_json::from_str(&r.result_json).ok()?;
                m.windows.last().map(|w| w.share_drifted)
            });
            let evidence = newest.map_or_else(
                || "no monitoring run of this version".to_owned(),
                |r| format!("newest window of monitoring run {}", r.id),
            );
            checks.push(gate(
                "share of drifted columns",
                format!("≤ {max}"),
                actual,
                actual.is_some_and(|a| a <= max),
                &evidence,
            ));
        }
        if let Some(drop) = policy.max_accuracy_drop {
            let production = self
                .store()
                .aliases(model.id)
                .await?
                .into_iter()
                .find(|a| a.alias == PRODUCTION);
            match (production, &evaluation) {
                (None, _) => checks.push(GateCheck {
                    name: "accuracy vs production".to_owned(),
                    rule: format!("drop ≤ {drop}"),
                    actual: None,
                    passed: true,
                    evidence: "no version is in production yet: nothing to regress against"
                        .to_owned(),
                }),
                (Some(p), _) if p.version_id == version.id => checks.push(GateCheck {
                    name: "accuracy vs production".to_owned(),
                    rule: format!("drop ≤ {drop}"),
                    actual: Some(0.0),
                    passed: true,
                    evidence: "this version is production".to_owned(),
                }),
                (Some(p), Some((_, dataset_id, settings, result))) => {
                    let ours = result["metrics"]["accuracy"].as_f64();
                    let theirs = self
                        .store()
                        .list_evaluations()
                        .await?
                        .into_iter()
                        .filter(|e| {
                            e.model_version_id == Some(p.version_id)
                                && e.status == "done"
                                && e.dataset_id == *dataset_id
                                && &e.settings_json == settings
                        })
                        .find_map(|e| {
                            let r: Json = serde_json::from_str(e.result_json.as_deref()?).ok()?;
                            r["metrics"]["accuracy"].as_f64()
                        });
                    let actual = ours.zip(theirs).map(|(o, t)| t - o);
                    checks.push(GateCheck {
                        name: "accuracy vs production".to_owned(),
                        rule: format!("drop ≤ {drop}"),
                        actual,
                        passed: actual.is_some_and(|d| d <= drop),
                        evidence: match theirs {
                            Some(t) => format!("production (v{}) has accuracy {t:.4} on the same dataset", p.version),
                            None => format!(
                                "production (v{}) has no evaluation on the same dataset and settings",
                                p.version
                            ),
                        },
                    });
                }
                (Some(_), None) => checks.push(GateCheck {
                    name: "accuracy vs production".to_owned(),
                    rule: format!("drop ≤ {drop}"),
                    actual: None,
                    passed: false,
                    evidence: no_evaluation(),
                }),
            }
        }
        let passed = checks.iter().all(|c| c.passed);
        Ok(GateReport {
            version: version.version,
            checks,
            passed,
        })
    }

    /// The gate report of a version named by model and number or hash prefix.
    pub async fn gate_report_for(
        &self,
        model_name: &str,
        version_reference: &str,
    ) -> Result<GateReport> {
        let model = self.model_named(model_name).await?;
        let version = self.find_version(&model, version_reference).await?;
        self.gate_report(&model, &version).await
    }

    /// Points `alias` at a version. For `production` the gates must pass (or the approver gives
    /// an override reason) and, under the four-eyes rule, the approver must not be the person who
    /// registered the version. A comment is always required.
    pub async fn promote(
        &self,
        model_name: &str,
        version_reference: &str,
        alias: &str,
        comment: &str,
        override_reason: Option<&str>,
        actor: &str,
    ) -> Result<AliasEvent> {
        valid_alias(alias)?;
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(usage("an approval needs a comment: say on what evidence"));
        }
        let override_reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
        let model = self.model_named(model_name).await?;
        let version = self.find_version(&model, version_reference).await?;
        let current = self
            .store()
            .aliases(model.id)
            .await?
            .into_iter()
            .find(|a| a.alias == alias);
        if current.as_ref().is_some_and(|a| a.version_id == version.id) {
            return Err(usage(format!(
                "{alias} already points at v{} of {model_name}",
                version.version
            )));
        }
        let mut report = None;
        let mut used_override = None;
        if alias == PRODUCTION {
            let policy = self.policy_of(model.id).await?;
            if policy.four_eyes && version.created_by == actor {
                return Err(usage(format!(
                    "the four-eyes rule: {actor} registered v{} and cannot also approve it",
                    version.version
                )));
            }
            let gates = self.gate_report(&model, &version).await?;
            if !gates.passed {
                match override_reason {
                    None => {
                        return Err(usage(format!(
                            "v{} fails its quality gates ({}); approve anyway only with an override reason",
                            version.version,
                            gates.failures()
                        )));
                    }
                    Some(reason) => used_override = Some(reason),
                }
            }
            report = Some(gates);
        }
        let report_json = report
            .as_ref()
            .map(|r| serde_json::to_string(r).unwrap_or_default());
        let row = self
            .store()
            .move_alias(
                &AliasMove {
                    model_id: model.id,
                    alias,
                    to_version_id: version.id,
                    action: "promote",
                    comment,
                    gate_report_json: report_json.as_deref(),
                    override_reason: used_override,
                    expected_from: current.map(|a| a.version_id),
                },
                actor,
            )
            .await?;
        Ok(row.into())
    }

    /// Moves production back to the version it pointed at before its latest move.
    pub async fn rollback(
        &self,
        model_name: &str,
        reason: &str,
        actor: &str,
    ) -> Result<AliasEvent> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(usage("a rollback needs a reason"));
        }
        let model = self.model_named(model_name).await?;
        let current = self
            .store()
            .aliases(model.id)
            .await?
            .into_iter()
            .find(|a| a.alias == PRODUCTION)
            .ok_or_else(|| {
                usage(format!(
                    "{model_name} has no production version to roll back"
                ))
            })?;
        let history = self.store().alias_history(model.id).await?;
        // The version the current one replaced when it was last promoted: repeated rollbacks
        // walk back through the promotions instead of toggling between two versions.
        let previous = history
            .iter()
            .rev()
            .find(|h| {
                h.alias == PRODUCTION && h.action == "promote" && h.to_version_id == current.version_id
            })
            .and_then(|h| h.from_version_id)
            .ok_or_else(|| {
                usage(format!(
                    "{model_name} has no earlier production version to roll back to (v{} was the first)",
                    current.version
                ))
            })?;
        let row = self
            .store()
            .move_alias(
                &AliasMove {
                    model_id: model.id,
                    alias: PRODUCTION,
                    to_version_id: previous,
                    action: "rollback",
                    comment: reason,
                    gate_report_json: None,
                    override_reason: None,
                    expected_from: Some(current.version_id),
                },
                actor,
            )
            .await?;
        Ok(row.into())
    }

    /// A model's aliases, gate policy and alias history.
    pub async fn lifecycle(&self, model_name: &str) -> Result<ModelLifecycle> {
        let model = self.model_named(model_name).await?;
        Ok(ModelLifecycle {
            aliases: self
                .store()
                .aliases(model.id)
                .await?
                .into_iter()
                .map(|a| (a.alias, a.version))
                .collect(),
            policy: self.policy_of(model.id).await?,
            history: self
                .store()
                .alias_history(model.id)
                .await?
                .into_iter()
                .map(AliasEvent::from)
                .collect(),
            model: model.name,
        })
    }

    /// The version `alias` pointed at, at time `at` (RFC 3339; a date means its start): the
    /// answer to "what was live on date X". `None` before the first move.
    pub async fn alias_at(&self, model_name: &str, alias: &str, at: &str) -> Result<Option<i64>> {
        let model = self.model_named(model_name).await?;
        Ok(self
            .store()
            .alias_history(model.id)
            .await?
            .into_iter()
            .rfind(|h| h.alias == alias && h.at.as_str() <= at)
            .map(|h| h.to_version))
    }
}

fn gate(name: &str, rule: String, actual: Option<f64>, passed: bool, evidence: &str) -> GateCheck {
    GateCheck {
        name: name.to_owned(),
        rule,
        actual,
        passed,
        evidence: evidence.to_owned(),
    }
}

/// The outcome of re-computing the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditCheck {
    pub intact: bool,
    #[ts(type = "number")]
    pub events: usize,
    /// The first event that was edited, inserted or removed.
    #[ts(type = "number | null")]
    pub broken_at: Option<i64>,
    pub reason: Option<String>,
}

/// One audit event as exported: everything needed to re-check the chain elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedAuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub payload: Json,
    pub prev_hash: String,
    pub hash: String,
}

impl Workspace {
    /// Replaces the tags of a version (trimmed, de-duplicated, sorted), audited.
    pub async fn set_version_tags(
        &self,
        model_name: &str,
        version_reference: &str,
        tags: &[String],
        actor: &str,
    ) -> Result<Vec<String>> {
        let model = self.model_named(model_name).await?;
        let version = self.find_version(&model, version_reference).await?;
        let mut clean: Vec<String> = tags
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        clean.sort();
        clean.dedup();
        if let Some(long) = clean.iter().find(|t| t.chars().count() > 40) {
            return Err(usage(format!(
                "the tag `{long}` is longer than 40 characters"
            )));
        }
        let json = serde_json::to_string(&clean).map_err(|e| EngineError::Decode {
            what: "tags",
            reason: e.to_string(),
        })?;
        self.store()
            .set_version_tags(version.id, &json, actor)
            .await?;
        Ok(clean)
    }

    /// Reads a model file, checks that Vigil can run it (nothing is stored otherwise) and
    /// stores it as a version of `model_name` (the same bytes are the same version); the
    /// description is the model's when this creates it.
    pub async fn register_model_file(
        &self,
        path: &std::path::Path,
        model_name: &str,
        description: &str,
        notes: &str,
        actor: &str,
    ) -> Result<crate::import::Imported<crate::views::ModelVersionSummary>> {
        let bytes = crate::files::read_file_async(path).await?;
        vigil_infer::Model::load(&bytes).map_err(crate::predict::PredictError::from)?;
        let source = crate::files::file_name(path);
        self.import_model_version(
            &crate::import::ModelFile {
                model_name,
                model_description: description,
                source: &source,
                notes,
                bytes: &bytes,
            },
            actor,
        )
        .await
    }

    /// Re-computes the audit chain from the first event.
    pub async fn verify_audit_log(&self) -> Result<AuditCheck> {
        let events = self.store().list_audit_events().await?.len();
        Ok(match self.store().verify_audit_log().await? {
            vigil_store::AuditVerification::Intact { events } => AuditCheck {
                intact: true,
                events,
                broken_at: None,
                reason: None,
            },
            vigil_store::AuditVerification::Broken { seq, reason } => AuditCheck {
                intact: false,
                events,
                broken_at: Some(seq),
                reason: Some(reason),
            },
        })
    }

    /// Every audit event, oldest first, for export as JSON Lines.
    pub async fn export_audit_log(&self) -> Result<Vec<ExportedAuditEvent>> {
        let mut events = self.store().list_audit_events().await?;
        events.reverse();
        Ok(events
            .into_iter()
            .map(|e| ExportedAuditEvent {
                payload: serde_json::from_str(&e.payload_json)
                    .unwrap_or(Json::String(e.payload_json.clone())),
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                prev_hash: e.prev_hash,
                hash: e.hash,
            })
            .collect())
    }
}
