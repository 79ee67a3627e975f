// This file is generated from the Rust types by `make bindings`; do not edit it by hand.

export type AuditEvent = { seq: number, at: string, actor: string, action: string, 
/**
 * The event's payload as stored (JSON text), shown verbatim so it can be checked.
 */
payload: string, hash: string, };

export type ChartView = { title: string, 
/**
 * A complete SVG document.
 */
svg: string, };

export type ColumnKind = "integer" | "number" | "boolean" | "timestamp" | "text";

export type ColumnSummary = { name: string, kind: ColumnKind, 
/**
 * Empty fields and the spellings `null`, `NA` and `NaN` (any case).
 */
missing: number, };

export type ConfusionMatrix = { labels: Array<string>, 
/**
 * Rows are true classes, columns predicted classes.
 */
matrix: Array<Array<number>>, };

export type DatasetPreview = { path: string, rowCount: number, columns: Array<ColumnSummary>, 
/**
 * A column named like a label (`label`, `target`, `y`, `default`, `churn` …), if any.
 */
suggestedTarget: string | null, };

export type DatasetSummary = { id: number, name: string, description: string, sha256: string, sizeBytes: number, format: string, rowCount: number, columns: Array<ColumnSummary>, timestampColumn: string | null, source: string, createdAt: string, };

export type ErrorCode = "not_found" | "invalid_input" | "conflict" | "storage" | "internal";

export type EvaluateFileRequest = { modelPath: string, dataPath: string, modelName: string, target: string, posLabel: string | null, 
/**
 * One column per entry.
 */
sensitive: Array<string>, };

export type EvaluationDetail = { summary: EvaluationSummary, metrics: Array<MetricValue>, confusionMatrix: ConfusionMatrix | null, fairnessGaps: Array<FairnessGap>, fairnessGroups: Array<FairnessGroupRow>, 
/**
 * The settings as stored (JSON): target, positive label, sensitive columns.
 */
settings: string, };

export type EvaluationSummary = { id: number, modelName: string, modelVersion: number, datasetName: string, 
/**
 * `running`, `done` or `failed`.
 */
status: string, 
/**
 * `classification` or `regression`.
 */
task: string | null, startedAt: string, finishedAt: string | null, durationMs: number | null, device: string | null, errorMessage: string | null, headline: Array<HeadlineMetric>, 
/**
 * True when this is a stored result returned instead of a new run.
 */
cached: boolean, };

export type FairnessGap = { sensitive: string, groups: Array<string>, demographicParityDifference: number | null, equalizedOddsDifference: number | null, equalOpportunityDifference: number | null, smallGroups: Array<string>, };

export type FairnessGroupRow = { sensitive: string, group: string, count: number, selectionRate: number, accuracy: number, tpr: number, fpr: number, precision: number, };

export type HeadlineMetric = { name: string, value: number | null, };

export type IpcError = { code: ErrorCode, message: string, };

export type MetricValue = { name: string, averaging: string, classLabel: string, value: number | null, 
/**
 * The bootstrap 95 % interval, for the metrics that have one.
 */
ciLow: number | null, ciHigh: number | null, };

export type ModelSummary = { id: number, name: string, description: string, createdAt: string, 
/**
 * Oldest first.
 */
versions: Array<ModelVersionSummary>, };

export type ModelVersionSummary = { id: number, 
/**
 * 1, 2, 3 … within its model.
 */
version: number, sha256: string, sizeBytes: number, source: string, notes: string, createdAt: string, createdBy: string, };

export type WorkspaceInfo = { dataDir: string, databasePath: string, appVersion: string, schemaVersion: number, demoSeeded: boolean, };
