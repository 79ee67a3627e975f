// This file is generated from the Rust types by `make bindings`; do not edit it by hand.

export type AliasEvent = { alias: string, fromVersion: number | null, toVersion: number, action: string, comment: string, overrideReason: string | null, gateReport: GateReport | null, actor: string, at: string, };

export type Annotation = { predictionId: number, 
/**
 * `correct` or `incorrect`.
 */
verdict: string | null, trueLabel: string | null, note: string, };

export type AuditCheck = { intact: boolean, events: number, 
/**
 * The first event that was edited, inserted or removed.
 */
brokenAt: number | null, reason: string | null, };

export type AuditEvent = { seq: number, at: string, actor: string, action: string, 
/**
 * The event's payload as stored (JSON text), shown verbatim so it can be checked.
 */
payload: string, hash: string, };

export type ChartView = { 
/**
 * What the chart shows, stable across versions (`roc`, `heatmap`, …): front ends pick
 * charts by key, never by title.
 */
key: string, title: string, 
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

export type ComparisonView = { first: string, second: string, rows: number, metrics: Array<MetricDelta>, only_first_correct: number, only_second_correct: number, mcnemar_pvalue: number, delong_z: number | null, delong_pvalue: number | null, groups: Array<GroupDelta>, disagreements: number, 
/**
 * The first disagreeing rows (1-based).
 */
disagreeing_rows: Array<number>, };

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

export type DriftCellDetail = { column: string, window: string, kind: string, method: string, reason: string, score: number, threshold: number, drifted: boolean, statistics: Array<NamedNumber>, chart: ChartView, };

export type ErrorCode = "not_found" | "invalid_input" | "conflict" | "storage" | "internal" | "cancelled";

export type EvaluateFileRequest = { 
/**
 * `None` (or blank) to score predictions logged in the dataset.
 */
modelPath: string | null, dataPath: string, 
/**
 * The model's name; for logged predictions, the system that logged them.
 */
modelName: string, target: string, posLabel: string | null, 
/**
 * One column per entry.
 */
sensitive: Array<string>, 
/**
 * Logged predictions: the column of predicted labels.
 */
predictionColumn: string | null, 
/**
 * Logged predictions: the columns of class probabilities, in class order.
 */
probabilityColumns: Array<string>, 
/**
 * Evaluate again even when the same files and settings were evaluated before.
 */
force: boolean, };

export type EvaluationDetail = { summary: EvaluationSummary, metrics: Array<MetricValue>, confusionMatrix: ConfusionMatrix | null, fairnessGaps: Array<FairnessGap>, fairnessGroups: Array<FairnessGroupRow>, 
/**
 * The settings as stored (JSON): target, positive label, sensitive columns.
 */
settings: string, };

export type EvaluationSummary = { id: number, 
/**
 * The model's name; for logged predictions, the system that logged them.
 */
modelName: string, 
/**
 * 0 for logged predictions.
 */
modelVersion: number, 
/**
 * Whether the evaluation scored predictions logged in the dataset (no model was run).
 */
loggedPredictions: boolean, datasetName: string, 
/**
 * `running`, `done`, `failed` or `cancelled`.
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

export type FeedbackPerformance = { 
/**
 * Rows whose true label feedback gives (a label, or "correct"; "incorrect" on a
 * two-class model means the other class).
 */
labelledRows: number, correctRows: number, accuracy: number | null, ciLow: number | null, ciHigh: number | null, 
/**
 * Rows where feedback disagrees with the dataset's own label.
 */
contradictingDataset: number, annotations: number, };

export type FeedbackView = { verdict: string | null, trueLabel: string | null, note: string, author: string, at: string, };

export type GateCheck = { name: string, 
/**
 * The rule in words, e.g. "accuracy ≥ 0.8".
 */
rule: string, actual: number | null, passed: boolean, 
/**
 * Where the number comes from, or why there is none.
 */
evidence: string, };

export type GatePolicy = { minAccuracy: number | null, minRocAuc: number | null, 
/**
 * Largest equalized-odds difference between groups, over every sensitive column evaluated.
 */
maxEqualizedOddsDifference: number | null, 
/**
 * Largest share of drifted columns in the newest window of the newest monitoring run.
 */
maxDriftShare: number | null, 
/**
 * How far accuracy may fall below the production version's on the same dataset and settings.
 */
maxAccuracyDrop: number | null, 
/**
 * The approver must not be the person who registered the version.
 */
fourEyes: boolean, };

export type GateReport = { version: number, checks: Array<GateCheck>, passed: boolean, };

export type GroupDelta = { sensitive: string, group: string, count: number, accuracy_first: number, accuracy_second: number, difference: number, };

export type GroupFilter = { column: string, value: string, };

export type HeadlineMetric = { name: string, value: number | null, };

export type HeatCell = { 
/**
 * 0 = no sign of drift, 0.5 = at the threshold, 1 = far past it.
 */
level: number, drifted: boolean, score: number, method: string, };

export type IpcError = { code: ErrorCode, message: string, };

export type JobProgress = { 
/**
 * `reading`, `inference`, `scoring` or `saving`.
 */
stage: string, 
/**
 * Rows done and rows in all (inference); bytes read and the file's size (reading a large
 * dataset, which is scanned before its rows run); both 0 for the stages not counted.
 */
done: number, total: number, };

export type MetricDelta = { name: string, first: number | null, second: number | null, difference: number | null, 
/**
 * Paired bootstrap 95 % interval of the difference (accuracy and ROC AUC).
 */
difference_low: number | null, difference_high: number | null, };

export type MetricPoint = { name: string, value: number, ci_low: number | null, ci_high: number | null, };

export type MetricValue = { name: string, averaging: string, classLabel: string, value: number | null, 
/**
 * The bootstrap 95 % interval, for the metrics that have one.
 */
ciLow: number | null, ciHigh: number | null, };

export type ModelLifecycle = { model: string, 
/**
 * (alias, version number), by alias name.
 */
aliases: Array<[string, number]>, policy: GatePolicy, 
/**
 * Oldest first.
 */
history: Array<AliasEvent>, };

export type ModelSummary = { id: number, name: string, description: string, createdAt: string, 
/**
 * Oldest first.
 */
versions: Array<ModelVersionSummary>, };

export type ModelVersionSummary = { id: number, 
/**
 * 1, 2, 3 … within its model.
 */
version: number, sha256: string, sizeBytes: number, source: string, notes: string, createdAt: string, createdBy: string, tags: Array<string>, 
/**
 * Inputs and outputs as the inference crate reads them, e.g.
 * `age tensor(float)[?,1], … → label tensor(int64)[?], probabilities tensor(float)[?,2]`.
 */
signature: string | null, };

export type MonitorFileRequest = { 
/**
 * Without a model only the data's drift is monitored.
 */
modelPath: string | null, modelName: string | null, dataPath: string, 
/**
 * The reference: another file …
 */
referencePath: string | null, 
/**
 * … or the data's own first N windows.
 */
referenceWindows: number | null, 
/**
 * `day`, `week`, `month`, `rows:N` or `all`.
 */
window: string, timestamp: string | null, target: string | null, posLabel: string | null, 
/**
 * Each entry one analysis; several columns are an intersection.
 */
sensitive: Array<Array<string>>, exclude: Array<string>, };

export type MonitoringDetail = { summary: MonitoringRunSummary, estimateNote: string | null, windows: Array<MonitoringWindow>, 
/**
 * Heatmap rows, in order.
 */
columns: Array<string>, 
/**
 * `[column][window]`.
 */
cells: Array<Array<HeatCell | null>>, 
/**
 * Performance, fairness and drift over time, and the heatmap, as SVG.
 */
charts: Array<ChartView>, };

export type MonitoringRunSummary = { id: number, modelName: string | null, modelVersion: number | null, modelVersionId: number | null, datasetName: string, window: string, reference: string, windows: number, latestWindow: string | null, latestShareDrifted: number | null, createdAt: string, cached: boolean, };

export type MonitoringWindow = { label: string, 
/**
 * For chart axes: `MM-DD` of the first day (day and week windows), the month, or the
 * first row.
 */
short_label: string, start: string, end: string, rows: number, 
/**
 * The window is part of the reference (its drift is against data that includes it).
 */
in_reference: boolean, warnings: Array<string>, drifted_columns: number, share_drifted: number, dataset_drift: boolean, drift: Array<WindowColumnDrift>, 
/**
 * Realised performance where the window has labels.
 */
performance: Array<MetricPoint>, 
/**
 * Estimated accuracy from calibrated confidence (no labels needed); classifiers only.
 */
estimated_accuracy: number | null, fairness: Array<WindowFairness>, 
/**
 * Accuracy on the window's rows that feedback labels (filled in when the run is viewed,
 * so feedback given later counts), and how many rows that is.
 */
feedback_accuracy: number | null, feedback_rows: number, };

export type NamedNumber = { name: string, value: number | null, note: string | null, };

export type PredictionFilter = { predictedLabel: string | null, minConfidence: number | null, maxConfidence: number | null, correct: boolean | null, unannotated: boolean, 
/**
 * Only rows where this other evaluation (another version on the same data) disagrees.
 */
disagreeWith?: number, 
/**
 * Only rows of one group of a sensitive column.
 */
group?: GroupFilter, 
/**
 * The annotation queue's order: least confident first.
 */
byUncertainty: boolean, offset: number, limit: number, };

export type PredictionPage = { rows: Array<PredictionView>, 
/**
 * Rows matching the filter, over all pages.
 */
total: number, 
/**
 * The evaluation's labels, in order (digit shortcuts pick from these).
 */
labels: Array<string>, 
/**
 * The groups rows can be filtered by: (sensitive column, value).
 */
groups: Array<[string, string]>, };

export type PredictionView = { predictionId: number, 
/**
 * 1-based row of the dataset.
 */
row: number, predicted: string | null, trueLabel: string | null, confidence: number | null, 
/**
 * Whether the prediction equals the dataset's label.
 */
correct: boolean | null, feedback: FeedbackView | null, feedbackCount: number, 
/**
 * The row's sensitive-column values, by column.
 */
groups: { [key in string]?: string }, };

export type WindowColumnDrift = { column: string, kind: string, method: string, reason: string, score: number, threshold: number, drifted: boolean, };

export type WindowFairness = { sensitive: string, demographic_parity_difference: number, equalized_odds_difference: number, };

export type WorkspaceInfo = { dataDir: string, databasePath: string, appVersion: string, schemaVersion: number, demoSeeded: boolean, 
/**
 * Where models run: `cpu`, or the GPU's name.
 */
device: string, 
/**
 * Why models do not run on the GPU that `VIGIL_DEVICE=gpu` asked for.
 */
deviceFallback: string | null, };
