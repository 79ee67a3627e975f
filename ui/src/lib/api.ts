// The only module that talks to the Rust side. Every view gets its data from
// here, typed with the generated types in `bindings.ts`.
//
// A failed command rejects with an `IpcError` (`{ code, message }`). Anything
// else (a plain string, an `Error`, `undefined`, a half-shaped object) is turned
// into an `IpcError` with code "internal" and a generic sentence: the raw text of
// unknown errors is never shown to the user.

import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  AliasEvent,
  Annotation,
  AuditCheck,
  ChartView,
  AuditEvent,
  ComparisonView,
  DatasetPreview,
  DatasetSummary,
  DriftCellDetail,
  ErrorCode,
  EvaluateFileRequest,
  EvaluationDetail,
  EvaluationSummary,
  FeedbackPerformance,
  GatePolicy,
  GateReport,
  IpcError,
  JobProgress,
  ModelLifecycle,
  ModelSummary,
  MonitorFileRequest,
  MonitoringDetail,
  MonitoringRunSummary,
  PredictionFilter,
  PredictionPage,
  PredictionView,
  WorkspaceInfo,
} from './bindings';

export type { IpcError } from './bindings';

// A `Record` over `ErrorCode`, so that a code added to the backend fails to compile here
// until it is listed (an unknown code would otherwise read as a malformed error).
const ERROR_CODES: ReadonlySet<string> = new Set(
  Object.keys({
    not_found: true,
    invalid_input: true,
    conflict: true,
    storage: true,
    internal: true,
    cancelled: true,
  } satisfies Record<ErrorCode, true>),
);

/** Shown when a command fails in a way the backend did not describe. */
export const GENERIC_ERROR_MESSAGE =
  'Something went wrong while talking to the Vigil backend. Please try again.';

/** True when `value` has the exact shape of an `IpcError` from the backend. */
export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return (
    typeof code === 'string' &&
    ERROR_CODES.has(code) &&
    typeof message === 'string' &&
    message.trim().length > 0
  );
}

/** Normalises any rejection into a typed `IpcError`. */
export function toIpcError(error: unknown): IpcError {
  if (isIpcError(error)) {
    // Copy only the two known fields; nothing else from the error reaches the UI.
    return { code: error.code, message: error.message };
  }
  return { code: 'internal', message: GENERIC_ERROR_MESSAGE };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

/** All registered models with their versions. */
export function listModels(): Promise<ModelSummary[]> {
  return call<ModelSummary[]>('list_models');
}

/** All registered datasets with their column summaries. */
export function listDatasets(): Promise<DatasetSummary[]> {
  return call<DatasetSummary[]>('list_datasets');
}

/** The audit log, newest first. */
export function listAuditEvents(): Promise<AuditEvent[]> {
  return call<AuditEvent[]>('list_audit_events');
}

/** Every evaluation run in this workspace, newest first. */
export function listEvaluations(): Promise<EvaluationSummary[]> {
  return call<EvaluationSummary[]>('list_evaluations');
}

/** One evaluation with its metrics, confusion matrix, fairness results and settings. */
export function getEvaluation(id: number): Promise<EvaluationDetail> {
  return call<EvaluationDetail>('get_evaluation', { id });
}

/** The evaluation's charts (ROC, precision–recall, calibration) as SVG documents. */
export function getEvaluationCharts(id: number): Promise<ChartView[]> {
  return call<ChartView[]>('get_evaluation_charts', { id });
}

/**
 * Compares two stored evaluations on the same rows, champion (`firstId`) against challenger
 * (`secondId`): both models' metrics with paired bootstrap intervals of their differences,
 * McNemar's exact test, DeLong's test of the ROC AUC difference (binary), accuracy per group
 * and the rows they disagree on. Every number comes from the engine, which refuses
 * evaluations on different datasets or targets, and regressors; its error says why.
 */
export function compareEvaluations(firstId: number, secondId: number): Promise<ComparisonView> {
  return call<ComparisonView>('compare_evaluations', { firstId, secondId });
}

/** Every stored monitoring run (a model version or a dataset followed over time windows), newest first. */
export function listMonitoringRuns(): Promise<MonitoringRunSummary[]> {
  return call<MonitoringRunSummary[]>('list_monitoring_runs');
}

/** One monitoring run: its windows, the drift heatmap cells and its charts as SVG documents. */
export function getMonitoring(id: number): Promise<MonitoringDetail> {
  return call<MonitoringDetail>('get_monitoring', { id });
}

/**
 * One heatmap cell: a column's drift in one window (`window` is the window's index in
 * `MonitoringDetail.windows`), with every statistic and the distributions chart.
 */
export function getDriftCell(id: number, window: number, column: string): Promise<DriftCellDetail> {
  return call<DriftCellDetail>('get_drift_cell', { id, window, column });
}

/** Reads a CSV or Parquet file's columns (with their kinds) and row count, without storing it. */
export function previewDataset(path: string): Promise<DatasetPreview> {
  return call<DatasetPreview>('preview_dataset', { path });
}

/**
 * Evaluates an ONNX model file (or, when `modelPath` is null, the predictions logged in
 * the dataset) against a dataset file and stores the result in the workspace. `cached` is
 * true when the same model, data and settings were evaluated before and the stored result
 * is returned (unless `force`). The backend reports where the run is through `onProgress`;
 * `jobId` names the run for `cancelJob`. A run that fails or is cancelled stores nothing.
 */
export function evaluateModelFile(
  request: EvaluateFileRequest,
  jobId: string,
  onProgress: (progress: JobProgress) => void,
): Promise<EvaluationSummary> {
  const channel = new Channel<JobProgress>(onProgress);
  return call<EvaluationSummary>('evaluate_model_file', { request, jobId, onProgress: channel });
}

/**
 * Asks the backend to stop the run started with `jobId`. False when that run is no longer
 * running (it finished, failed, or was never started); the run itself then settles as usual.
 */
export function cancelJob(jobId: string): Promise<boolean> {
  return call<boolean>('cancel_job', { jobId });
}

/**
 * Monitors a dataset file over time windows (with an ONNX model file, or the data alone
 * when `modelPath` is null) against a reference, and stores the run in the workspace.
 * `cached` is true when the same inputs and settings were monitored before and the stored
 * run is returned.
 */
export function monitorModelFile(request: MonitorFileRequest): Promise<MonitoringRunSummary> {
  return call<MonitoringRunSummary>('monitor_model_file', { request });
}

/**
 * Writes an exported chart (`.svg` or `.png`) into the workspace's `exports/` folder and
 * returns the absolute path of the file written. The backend cleans up the name and never
 * overwrites a file (it picks a free name instead); other extensions are refused.
 */
export function saveExport(fileName: string, bytes: Uint8Array): Promise<string> {
  // Tauri passes a `Vec<u8>` argument as a JSON array of numbers.
  return call<string>('save_export', { fileName, bytes: Array.from(bytes) });
}

/** Where this workspace lives and which versions it runs. */
export function workspaceInfo(): Promise<WorkspaceInfo> {
  return call<WorkspaceInfo>('workspace_info');
}

/** A model's aliases (each with the version it points at), its gate policy and its alias history, oldest first. */
export function getLifecycle(modelName: string): Promise<ModelLifecycle> {
  return call<ModelLifecycle>('get_lifecycle', { modelName });
}

/**
 * The engine's check of a version against its model's gate policy. `version` names the
 * version by number ("2") or by a prefix of its SHA-256.
 */
export function getGateReport(modelName: string, version: string): Promise<GateReport> {
  return call<GateReport>('get_gate_report', { modelName, version });
}

export interface PromoteRequest {
  modelName: string;
  /** The version's number ("2") or a prefix of its SHA-256. */
  version: string;
  alias: string;
  /** Required: on what evidence the version is approved. */
  comment: string;
  /** Why a version whose gates fail goes to production anyway; null when none is given. */
  overrideReason: string | null;
}

/**
 * Points an alias at a version and returns the recorded move. For `production` the engine
 * refuses a version whose gates fail unless an override reason is given, and, under the
 * four-eyes rule, an approver who registered the version; its error says why.
 */
export function promoteVersion(request: PromoteRequest): Promise<AliasEvent> {
  const { modelName, version, alias, comment, overrideReason } = request;
  return call<AliasEvent>('promote_version', { modelName, version, alias, comment, overrideReason });
}

/** Moves production back to the version it replaced and returns the recorded move; an error when there is none. */
export function rollbackModel(modelName: string, reason: string): Promise<AliasEvent> {
  return call<AliasEvent>('rollback_model', { modelName, reason });
}

/** Replaces a model's gate policy (a null threshold is not checked). */
export function setGatePolicy(modelName: string, policy: GatePolicy): Promise<null> {
  return call<null>('set_gate_policy', { modelName, policy });
}

/** Re-computes the audit log's hash chain from the first event and says whether it is intact. */
export function verifyAuditLog(): Promise<AuditCheck> {
  return call<AuditCheck>('verify_audit_log');
}

/**
 * One page of an evaluation's predictions (each with its latest annotation), the number of
 * rows matching the filter over all pages, and the evaluation's labels in order. The engine
 * caps `limit` at 1000.
 */
export function listPredictions(evaluationId: number, filter: PredictionFilter): Promise<PredictionPage> {
  return call<PredictionPage>('list_predictions', { evaluationId, filter });
}

/**
 * Records a person's annotation of one prediction and returns the row as it now reads (its
 * `feedback` is the annotation just recorded). The engine refuses an empty annotation, an
 * unknown label, or a verdict that contradicts the label given; its error says why.
 */
export function annotatePrediction(annotation: Annotation): Promise<PredictionView> {
  return call<PredictionView>('annotate_prediction', { annotation });
}

/** The evaluated version's accuracy on the rows feedback labels, with a bootstrap interval. */
export function getFeedbackPerformance(evaluationId: number): Promise<FeedbackPerformance> {
  return call<FeedbackPerformance>('get_feedback_performance', { evaluationId });
}
