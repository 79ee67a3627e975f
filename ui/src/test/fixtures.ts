// Sample command results for the tests, typed with the generated bindings.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AuditCheck,
  AuditEvent,
  ComparisonView,
  DatasetPreview,
  DatasetSummary,
  DriftCellDetail,
  EvaluationDetail,
  EvaluationSummary,
  FeedbackPerformance,
  GatePolicy,
  GateReport,
  IpcError,
  ModelLifecycle,
  ModelSummary,
  MonitoringDetail,
  MonitoringRunSummary,
  MonitoringWindow,
  PredictionPage,
  PredictionView,
  WindowColumnDrift,
  WorkspaceInfo,
} from '../lib/bindings';

export const SHA_A = 'a3f1c9e0b2d4' + '5'.repeat(52);
export const SHA_B = 'b7e2d1c0ffee' + '6'.repeat(52);
export const SHA_C = 'c0ffee123456' + '7'.repeat(52);

/** A signature too long for one line: the Models view collapses it behind a disclosure. */
export const LONG_SIGNATURE =
  ['age', 'income', 'utilization', 'months_employed', 'open_accounts', 'late_payments', 'debt_ratio']
    .map((input) => `${input} tensor(float)[?,1]`)
    .join(', ') + ' → label tensor(int64)[?], probabilities tensor(float)[?,2]';

export const MODELS: ModelSummary[] = [
  {
    id: 1,
    name: 'credit-risk',
    description: 'Gradient-boosted classifier for loan default risk.',
    createdAt: '2024-03-01T09:30:00Z',
    versions: [
      {
        id: 11,
        version: 1,
        sha256: SHA_A,
        sizeBytes: 2048,
        source: 'credit_risk_v1.onnx',
        notes: 'Baseline model.',
        createdAt: '2024-03-01T09:30:00Z',
        createdBy: 'alice',
        tags: [],
        signature: 'age tensor(float)[?,1], income tensor(float)[?,1] → label tensor(int64)[?], probabilities tensor(float)[?,2]',
      },
      {
        id: 12,
        version: 2,
        sha256: SHA_B,
        sizeBytes: 3 * 1024 * 1024,
        source: 'credit_risk_v2.onnx',
        notes: 'Retrained on Q1 data.',
        createdAt: '2024-04-02T14:00:00Z',
        createdBy: 'bob',
        tags: ['q1-retrain', 'candidate'],
        signature: LONG_SIGNATURE,
      },
    ],
  },
  {
    id: 2,
    name: 'churn',
    description: 'Customer churn predictor.',
    createdAt: '2024-05-10T08:00:00Z',
    versions: [
      {
        id: 21,
        version: 1,
        sha256: SHA_C,
        sizeBytes: 512,
        source: 'churn.onnx',
        notes: '',
        createdAt: '2024-05-10T08:00:00Z',
        createdBy: 'carol',
        tags: ['baseline'],
        // Registered before signatures were read.
        signature: null,
      },
    ],
  },
];

export const DATASETS: DatasetSummary[] = [
  {
    id: 7,
    name: 'loans-2024q1',
    description: 'Loan applications, first quarter of 2024.',
    sha256: SHA_A,
    sizeBytes: 1536,
    format: 'csv',
    rowCount: 1200,
    columns: [
      { name: 'applied_at', kind: 'timestamp', missing: 0 },
      { name: 'income', kind: 'number', missing: 17 },
      { name: 'defaulted', kind: 'boolean', missing: 3 },
    ],
    timestampColumn: 'applied_at',
    source: 'loans_2024q1.csv',
    createdAt: '2024-04-01T10:00:00Z',
  },
  {
    id: 8,
    name: 'reviews',
    description: 'Free-text product reviews.',
    sha256: SHA_B,
    sizeBytes: 900,
    format: 'parquet',
    rowCount: 42,
    columns: [{ name: 'body', kind: 'text', missing: 1 }],
    timestampColumn: null,
    source: 'reviews.parquet',
    createdAt: '2024-04-03T10:00:00Z',
  },
];

export const AUDIT_EVENTS: AuditEvent[] = [
  {
    seq: 3,
    at: '2024-04-02T14:00:00Z',
    actor: 'bob',
    action: 'model_version.registered',
    payload: '{"model":"credit-risk","version":2}',
    hash: SHA_C,
  },
  {
    seq: 2,
    at: '2024-04-01T10:00:00Z',
    actor: 'alice',
    action: 'dataset.registered',
    payload: '{"dataset":"loans-2024q1"}',
    hash: SHA_B,
  },
  {
    seq: 1,
    at: '2024-03-01T09:30:00Z',
    actor: 'system',
    action: 'workspace.created',
    payload: 'plain text payload',
    hash: SHA_A,
  },
];

export const WORKSPACE: WorkspaceInfo = {
  dataDir: '/home/alice/.local/share/vigil',
  databasePath: '/home/alice/.local/share/vigil/vigil.db',
  appVersion: '0.3.1',
  schemaVersion: 4,
  demoSeeded: true,
  device: 'cpu',
  deviceFallback: null,
};

export const EVALUATIONS: EvaluationSummary[] = [
  {
    id: 3,
    modelName: 'credit-risk',
    modelVersion: 2,
    loggedPredictions: false,
    datasetName: 'loans-2024q1',
    status: 'done',
    task: 'classification',
    startedAt: '2024-04-03T09:00:00Z',
    finishedAt: '2024-04-03T09:00:02Z',
    durationMs: 1834.2,
    device: 'cpu',
    errorMessage: null,
    headline: [
      { name: 'accuracy', value: 0.917500001 },
      { name: 'f1 (macro)', value: 0.87654321 },
      { name: 'roc_auc', value: null },
    ],
    cached: false,
  },
  {
    id: 2,
    modelName: 'credit-risk',
    modelVersion: 1,
    loggedPredictions: false,
    datasetName: 'reviews',
    status: 'failed',
    task: null,
    startedAt: '2024-04-02T16:00:00Z',
    finishedAt: '2024-04-02T16:00:01Z',
    durationMs: null,
    device: 'cpu',
    errorMessage: 'The dataset has no column "defaulted".',
    headline: [],
    cached: false,
  },
  {
    id: 1,
    modelName: 'house-prices',
    modelVersion: 1,
    loggedPredictions: false,
    datasetName: 'houses',
    status: 'done',
    task: 'regression',
    startedAt: '2024-04-01T12:00:00Z',
    finishedAt: '2024-04-01T12:00:00Z',
    durationMs: 420,
    device: 'cpu',
    errorMessage: null,
    headline: [
      { name: 'r2', value: 0.81234 },
      { name: 'rmse', value: 12.3456789 },
      { name: 'mae', value: 9.87 },
    ],
    cached: false,
  },
];

export const EVALUATION_DETAIL: EvaluationDetail = {
  summary: EVALUATIONS[0]!,
  metrics: [
    { name: 'accuracy', averaging: '', classLabel: '', value: 0.917500001, ciLow: 0.9012, ciHigh: 0.9321 },
    { name: 'balanced_accuracy', averaging: '', classLabel: '', value: 0.8843, ciLow: null, ciHigh: null },
    { name: 'f1', averaging: 'binary', classLabel: '', value: 0.8381, ciLow: null, ciHigh: null },
    { name: 'f1', averaging: 'macro', classLabel: '', value: 0.87654321, ciLow: null, ciHigh: null },
    { name: 'f1', averaging: 'micro', classLabel: '', value: 0.9175, ciLow: null, ciHigh: null },
    { name: 'f1', averaging: 'weighted', classLabel: '', value: 0.9158, ciLow: null, ciHigh: null },
    { name: 'f1', averaging: 'per_class', classLabel: '0', value: 0.9425, ciLow: null, ciHigh: null },
    { name: 'f1', averaging: 'per_class', classLabel: '1', value: 0.8381, ciLow: null, ciHigh: null },
    { name: 'log_loss', averaging: '', classLabel: '', value: 0.2311, ciLow: null, ciHigh: null },
    { name: 'n_samples', averaging: '', classLabel: '', value: 1200, ciLow: null, ciHigh: null },
    { name: 'precision', averaging: 'binary', classLabel: '', value: 0.8838, ciLow: null, ciHigh: null },
    { name: 'precision', averaging: 'macro', classLabel: '', value: 0.9069, ciLow: null, ciHigh: null },
    { name: 'precision', averaging: 'micro', classLabel: '', value: 0.9175, ciLow: null, ciHigh: null },
    { name: 'precision', averaging: 'weighted', classLabel: '', value: 0.9163, ciLow: null, ciHigh: null },
    { name: 'precision', averaging: 'per_class', classLabel: '0', value: 0.9301, ciLow: null, ciHigh: null },
    { name: 'precision', averaging: 'per_class', classLabel: '1', value: 0.8838, ciLow: null, ciHigh: null },
    { name: 'recall', averaging: 'binary', classLabel: '', value: 0.7966, ciLow: null, ciHigh: null },
    { name: 'recall', averaging: 'macro', classLabel: '', value: 0.8759, ciLow: null, ciHigh: null },
    { name: 'recall', averaging: 'micro', classLabel: '', value: 0.9175, ciLow: null, ciHigh: null },
    { name: 'recall', averaging: 'weighted', classLabel: '', value: 0.9175, ciLow: null, ciHigh: null },
    { name: 'recall', averaging: 'per_class', classLabel: '0', value: 0.9553, ciLow: null, ciHigh: null },
    { name: 'recall', averaging: 'per_class', classLabel: '1', value: 0.7966, ciLow: null, ciHigh: null },
    { name: 'roc_auc', averaging: 'binary', classLabel: '', value: null, ciLow: null, ciHigh: null },
  ],
  confusionMatrix: {
    labels: ['0', '1'],
    matrix: [
      [812, 38],
      [61, 289],
    ],
  },
  fairnessGaps: [
    {
      sensitive: 'sex',
      groups: ['F', 'M'],
      demographicParityDifference: 0.0412,
      equalizedOddsDifference: 0.0735,
      equalOpportunityDifference: 0.0522,
      smallGroups: [],
    },
    {
      sensitive: 'age_band',
      groups: ['18-25', '26-60', '61+'],
      demographicParityDifference: 0.1203,
      equalizedOddsDifference: 0.0911,
      equalOpportunityDifference: null,
      smallGroups: ['61+'],
    },
  ],
  fairnessGroups: [
    { sensitive: 'sex', group: 'F', count: 540, selectionRate: 0.2611, accuracy: 0.9204, tpr: 0.8, fpr: 0.0412, precision: 0.8723 },
    { sensitive: 'sex', group: 'M', count: 660, selectionRate: 0.3023, accuracy: 0.9152, tpr: 0.7478, fpr: 0.0489, precision: 0.8901 },
    { sensitive: 'age_band', group: '18-25', count: 300, selectionRate: 0.35, accuracy: 0.9, tpr: 0.8, fpr: 0.05, precision: 0.86 },
    { sensitive: 'age_band', group: '26-60', count: 888, selectionRate: 0.2297, accuracy: 0.9223, tpr: 0.7911, fpr: 0.0432, precision: 0.8917 },
    { sensitive: 'age_band', group: '61+', count: 12, selectionRate: 0.4167, accuracy: 0.8333, tpr: 1, fpr: 0.25, precision: 0.6 },
  ],
  settings: '{"target":"defaulted","pos_label":"1","sensitive":[["sex"],["age_band"]]}',
};

export const DATASET_PREVIEW: DatasetPreview = {
  path: '/data/loans.csv',
  rowCount: 1200,
  columns: [
    { name: 'income', kind: 'number', missing: 17 },
    { name: 'age', kind: 'integer', missing: 0 },
    { name: 'sex', kind: 'text', missing: 0 },
    { name: 'applied_at', kind: 'timestamp', missing: 0 },
    { name: 'homeowner', kind: 'boolean', missing: 2 },
    { name: 'defaulted', kind: 'integer', missing: 0 },
  ],
  suggestedTarget: 'defaulted',
};

/** A minimal SVG document standing in for a chart drawn by the backend. */
export function svgOf(text: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="300"><text>${text}</text></svg>`;
}

export const MONITORING_RUNS: MonitoringRunSummary[] = [
  {
    id: 7,
    modelName: 'credit-risk',
    modelVersion: 2,
    modelVersionId: 12,
    datasetName: 'credit-applications',
    window: 'week',
    reference: 'the first 2 windows of credit-applications (660 rows)',
    windows: 4,
    latestWindow: 'week of 2026-03-23',
    latestShareDrifted: 0.6666666666666666,
    createdAt: '2026-04-01T10:00:00Z',
    cached: false,
  },
  {
    id: 5,
    modelName: null,
    modelVersion: null,
    modelVersionId: null,
    datasetName: 'sensor-readings',
    window: 'rows:500',
    reference: 'dataset sensor-reference (2,000 rows)',
    windows: 3,
    latestWindow: 'rows 1001–1500',
    latestShareDrifted: 0,
    createdAt: '2026-03-30T08:00:00Z',
    cached: false,
  },
];

const WASSERSTEIN = 'Wasserstein distance (normed)';
const JENSEN_SHANNON = 'Jensen-Shannon distance';
const NUMERIC_REASON =
  'numeric column; the reference has 1320 values (more than 1000); 1180 distinct values in reference and current together: Wasserstein distance (normed)';

function numeric(column: string, score: number, drifted: boolean): WindowColumnDrift {
  return { column, kind: 'numerical', method: WASSERSTEIN, reason: NUMERIC_REASON, score, threshold: 0.1, drifted };
}

function categorical(column: string, score: number): WindowColumnDrift {
  return {
    column,
    kind: 'categorical',
    method: JENSEN_SHANNON,
    reason: 'categorical column; the reference has 1320 values (more than 1000); 2 distinct values in reference and current together: Jensen-Shannon distance',
    score,
    threshold: 0.1,
    drifted: false,
  };
}

const WINDOWS: MonitoringWindow[] = [
  {
    label: 'week of 2026-03-02',
    short_label: '03-02',
    start: '2026-03-02',
    end: '2026-03-08',
    rows: 330,
    in_reference: true,
    warnings: [],
    drifted_columns: 0,
    share_drifted: 0,
    dataset_drift: false,
    drift: [numeric('income', 0.02, false), numeric('utilization', 0.03, false), categorical('sex', 0.01)],
    performance: [
      { name: 'accuracy', value: 0.8212, ci_low: 0.7803, ci_high: 0.8606 },
      { name: 'balanced_accuracy', value: 0.7511, ci_low: null, ci_high: null },
    ],
    estimated_accuracy: 0.8105,
    fairness: [{ sensitive: 'sex', demographic_parity_difference: 0.0412, equalized_odds_difference: 0.0634 }],
    feedback_accuracy: null,
    feedback_rows: 0,
  },
  {
    label: 'week of 2026-03-09',
    short_label: '03-09',
    start: '2026-03-09',
    end: '2026-03-15',
    rows: 330,
    in_reference: true,
    warnings: [],
    drifted_columns: 0,
    share_drifted: 0,
    dataset_drift: false,
    // `utilization` has no result in this window: its heatmap cell is empty.
    drift: [numeric('income', 0.04, false), categorical('sex', 0.06)],
    performance: [{ name: 'accuracy', value: 0.8303, ci_low: 0.7909, ci_high: 0.8697 }],
    estimated_accuracy: 0.8154,
    fairness: [{ sensitive: 'sex', demographic_parity_difference: 0.0388, equalized_odds_difference: 0.0571 }],
    feedback_accuracy: 0.6667,
    feedback_rows: 3,
  },
  {
    label: 'week of 2026-03-16',
    short_label: '03-16',
    start: '2026-03-16',
    end: '2026-03-22',
    rows: 341,
    in_reference: false,
    warnings: [],
    drifted_columns: 1,
    share_drifted: 0.3333333333333333,
    dataset_drift: false,
    drift: [numeric('income', 0.2345, true), numeric('utilization', 0.08, false), categorical('sex', 0.09)],
    performance: [{ name: 'accuracy', value: 0.7801, ci_low: 0.7351, ci_high: 0.8211 }],
    estimated_accuracy: 0.7902,
    fairness: [{ sensitive: 'sex', demographic_parity_difference: 0.0521, equalized_odds_difference: 0.0987 }],
    feedback_accuracy: null,
    feedback_rows: 0,
  },
  {
    label: 'week of 2026-03-23',
    short_label: '03-23',
    start: '2026-03-23',
    end: '2026-03-29',
    rows: 12,
    in_reference: false,
    warnings: ['only 12 rows: the drift tests have little power', 'some rows have no label: realised performance not computed'],
    drifted_columns: 2,
    share_drifted: 0.6666666666666666,
    dataset_drift: true,
    drift: [numeric('income', 0.4102, true), numeric('utilization', 0.1275, true), categorical('sex', 0.04)],
    performance: [],
    estimated_accuracy: 0.7433,
    fairness: [],
    feedback_accuracy: null,
    feedback_rows: 0,
  },
];

export const HEATMAP_TITLE = 'Drift heatmap';

export const MONITORING_DETAIL: MonitoringDetail = {
  summary: MONITORING_RUNS[0]!,
  estimateNote: 'Estimated accuracy: mean calibrated confidence, calibrated on the reference windows (660 labelled rows).',
  windows: WINDOWS,
  columns: ['income', 'utilization', 'sex'],
  cells: [
    [
      { level: 0.1, drifted: false, score: 0.02, method: WASSERSTEIN },
      { level: 0.2, drifted: false, score: 0.04, method: WASSERSTEIN },
      { level: 1, drifted: true, score: 0.2345, method: WASSERSTEIN },
      { level: 1, drifted: true, score: 0.4102, method: WASSERSTEIN },
    ],
    [
      { level: 0.15, drifted: false, score: 0.03, method: WASSERSTEIN },
      null,
      { level: 0.4, drifted: false, score: 0.08, method: WASSERSTEIN },
      { level: 0.6375, drifted: true, score: 0.1275, method: WASSERSTEIN },
    ],
    [
      { level: 0.05, drifted: false, score: 0.01, method: JENSEN_SHANNON },
      { level: 0.3, drifted: false, score: 0.06, method: JENSEN_SHANNON },
      { level: 0.45, drifted: false, score: 0.09, method: JENSEN_SHANNON },
      { level: 0.2, drifted: false, score: 0.04, method: JENSEN_SHANNON },
    ],
  ],
  charts: [
    { key: 'accuracy', title: 'Accuracy over time', svg: svgOf('accuracy') },
    { key: 'fairness_gap', title: 'Fairness gap over time', svg: svgOf('fairness') },
    { key: 'drift_share', title: 'Drifted columns over time', svg: svgOf('share drifted') },
    { key: 'heatmap', title: HEATMAP_TITLE, svg: svgOf('heatmap') },
  ],
};

export const DRIFT_CELL: DriftCellDetail = {
  column: 'income',
  window: 'week of 2026-03-16',
  kind: 'numerical',
  method: WASSERSTEIN,
  reason: NUMERIC_REASON,
  score: 0.2345,
  threshold: 0.1,
  drifted: true,
  statistics: [
    { name: 'KS statistic D', value: 0.21012, note: null },
    { name: 'KS p-value', value: 3.2e-12, note: "exact (scipy's choice by sample size)" },
    { name: 'Wasserstein distance', value: 2875.5, note: null },
    { name: "Wasserstein distance (normed by the reference's std)", value: 0.2345, note: null },
    { name: 'PSI (reference deciles)', value: 0.30123, note: null },
    { name: 'Jensen–Shannon distance (reference deciles)', value: null, note: null },
  ],
  chart: { key: 'distribution', title: 'income distribution', svg: svgOf('income: reference vs week of 2026-03-16') },
};

export type Handler = ((args: Record<string, unknown>) => unknown) | unknown;

/**
 * Mocks the Tauri IPC. Each entry is a command's result, or a function that
 * returns (or throws) it, given the command's arguments. Every call is
 * recorded in the returned array.
 */
export function mockCommands(handlers: Record<string, Handler>): string[] {
  const calls: string[] = [];
  mockIPC((cmd, args) => {
    calls.push(cmd);
    if (!(cmd in handlers)) {
      const error: IpcError = { code: 'not_found', message: `unexpected command ${cmd}` };
      throw error;
    }
    const handler = handlers[cmd];
    return typeof handler === 'function'
      ? (handler as (args: Record<string, unknown>) => unknown)((args ?? {}) as Record<string, unknown>)
      : handler;
  });
  return calls;
}

/**
 * Sends messages through a `Channel` that a mocked command received, as the Rust side does:
 * numbered in order, through the callback the Channel registered with the (mocked) IPC.
 */
export function channelSender<T>(channel: unknown): (message: T) => void {
  const { id } = channel as { id: number };
  const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
    .__TAURI_INTERNALS__;
  let index = 0;
  return (message) => internals.runCallback(id, { index: index++, message });
}

export const GATE_REPORT_PASSED: GateReport = {
  version: 2,
  passed: true,
  checks: [
    {
      name: 'accuracy',
      rule: '≥ 0.8',
      actual: 0.9175,
      passed: true,
      evidence: 'evaluation #3 on loans-2024q1',
    },
    {
      name: 'equalized odds difference',
      rule: '≤ 0.1',
      actual: 0.0911,
      passed: true,
      evidence: 'evaluation #3, largest over sex and age_band',
    },
  ],
};

export const GATE_REPORT_FAILED: GateReport = {
  version: 2,
  passed: false,
  checks: [
    {
      name: 'accuracy',
      rule: '≥ 0.95',
      actual: 0.9175,
      passed: false,
      evidence: 'evaluation #3 on loans-2024q1',
    },
    {
      name: 'drift share',
      rule: '≤ 0.3',
      actual: null,
      passed: false,
      evidence: 'no monitoring run of this version',
    },
    {
      name: 'ROC AUC',
      rule: '≥ 0.7',
      actual: 0.88,
      passed: true,
      evidence: 'evaluation #3 on loans-2024q1',
    },
  ],
};

export const GATE_POLICY: GatePolicy = {
  minAccuracy: 0.8,
  minRocAuc: null,
  maxEqualizedOddsDifference: 0.1,
  maxDriftShare: null,
  maxAccuracyDrop: 0.02,
  fourEyes: true,
};

/** credit-risk: production on v1 (overridden once, then rolled back), staging on v2. */
export const LIFECYCLE: ModelLifecycle = {
  model: 'credit-risk',
  aliases: [
    ['production', 1],
    ['staging', 2],
  ],
  policy: GATE_POLICY,
  history: [
    {
      alias: 'production',
      fromVersion: null,
      toVersion: 1,
      action: 'promote',
      comment: 'Baseline validated on Q4 data.',
      overrideReason: null,
      gateReport: { ...GATE_REPORT_PASSED, version: 1 },
      actor: 'carol',
      at: '2024-03-02T10:00:00Z',
    },
    {
      alias: 'production',
      fromVersion: 1,
      toVersion: 2,
      action: 'promote',
      comment: 'Q1 retrain.',
      overrideReason: 'Drift monitoring not set up yet; accepted by the risk committee.',
      gateReport: GATE_REPORT_FAILED,
      actor: 'dave',
      at: '2024-04-03T10:00:00Z',
    },
    {
      alias: 'production',
      fromVersion: 2,
      toVersion: 1,
      action: 'rollback',
      comment: 'Complaints about declined applications.',
      overrideReason: null,
      gateReport: null,
      actor: 'carol',
      at: '2024-04-05T10:00:00Z',
    },
    {
      alias: 'staging',
      fromVersion: null,
      toVersion: 2,
      action: 'promote',
      comment: 'For the shadow test.',
      overrideReason: null,
      gateReport: null,
      actor: 'dave',
      at: '2024-04-06T10:00:00Z',
    },
  ],
};

/** A model with no aliases yet and an empty policy. */
export const EMPTY_LIFECYCLE: ModelLifecycle = {
  model: 'churn',
  aliases: [],
  policy: {
    minAccuracy: null,
    minRocAuc: null,
    maxEqualizedOddsDifference: null,
    maxDriftShare: null,
    maxAccuracyDrop: null,
    fourEyes: false,
  },
  history: [],
};

export const AUDIT_INTACT: AuditCheck = { intact: true, events: 3, brokenAt: null, reason: null };

export const AUDIT_BROKEN: AuditCheck = {
  intact: false,
  events: 3,
  brokenAt: 2,
  reason: 'the stored hash does not match the event',
};

/** The labels of the classification evaluation (id 3) of the fixtures, in the engine's order. */
export const PREDICTION_LABELS = ['approved', 'rejected', 'review'];

/**
 * The prediction of 1-based `row` of evaluation 3: the prediction id is 1000 + row, the
 * predicted label cycles through the labels, every fourth row disagrees with the dataset's
 * label, and row 2 carries an annotation.
 */
export function predictionRow(row: number): PredictionView {
  const predicted = PREDICTION_LABELS[row % 3]!;
  const trueLabel = row % 4 === 0 ? PREDICTION_LABELS[(row + 1) % 3]! : predicted;
  return {
    predictionId: 1000 + row,
    row,
    predicted,
    trueLabel,
    confidence: 0.5 + ((row * 37) % 50) / 100,
    correct: predicted === trueLabel,
    feedback:
      row === 2
        ? { verdict: 'incorrect', trueLabel: 'review', note: 'Income was misread.', author: 'alice', at: '2024-04-04T10:00:00Z' }
        : null,
    feedbackCount: row === 2 ? 2 : 0,
    groups: { sex: row % 2 === 0 ? 'F' : 'M' },
  };
}

/** A page of `total` predictions starting at `offset` (0-based), at most `limit` rows. */
export function predictionPage(offset: number, limit: number, total = 4000): PredictionPage {
  const count = Math.max(0, Math.min(limit, total - offset));
  return {
    rows: Array.from({ length: count }, (_, i) => predictionRow(offset + i + 1)),
    total,
    labels: PREDICTION_LABELS,
    groups: [
      ['sex', 'F'],
      ['sex', 'M'],
    ],
  };
}

export const FEEDBACK_PERFORMANCE: FeedbackPerformance = {
  labelledRows: 12,
  correctRows: 9,
  accuracy: 0.75,
  ciLow: 0.5,
  ciHigh: 0.916666,
  contradictingDataset: 3,
  annotations: 14,
};

/** Evaluations, newest first, where the newest pair of finished classifications on one dataset is #3 and #7. */
export const COMPARABLE_EVALUATIONS: EvaluationSummary[] = [
  { ...EVALUATIONS[0]!, id: 7, modelVersion: 3, startedAt: '2024-04-07T09:00:00Z' },
  { ...EVALUATIONS[2]!, id: 6, startedAt: '2024-04-06T09:00:00Z' },
  { ...EVALUATIONS[0]!, id: 5, modelName: 'sentiment', modelVersion: 2, datasetName: 'reviews', startedAt: '2024-04-05T09:00:00Z' },
  {
    ...EVALUATIONS[0]!,
    id: 4,
    status: 'failed',
    modelVersion: 3,
    errorMessage: 'The model has no input "age".',
    headline: [],
    startedAt: '2024-04-04T09:00:00Z',
  },
  { ...EVALUATIONS[0]!, id: 3 },
  { ...EVALUATIONS[0]!, id: 2, modelName: 'sentiment', modelVersion: 1, datasetName: 'reviews', startedAt: '2024-04-02T09:00:00Z' },
];

/** A binary comparison: champion credit-risk v2 against challenger credit-risk v3. */
export const COMPARISON: ComparisonView = {
  first: 'credit-risk v2',
  second: 'credit-risk v3',
  rows: 4000,
  metrics: [
    { name: 'accuracy', first: 0.9175, second: 0.93, difference: 0.0125, difference_low: 0.0042, difference_high: 0.0208 },
    { name: 'balanced_accuracy', first: 0.88, second: 0.8712, difference: -0.0088, difference_low: null, difference_high: null },
    { name: 'f1_macro', first: 0.87654321, second: 0.88, difference: 0.00345679, difference_low: null, difference_high: null },
    { name: 'roc_auc', first: 0.951, second: 0.9532, difference: 0.0022, difference_low: -0.0031, difference_high: 0.0075 },
    { name: 'log_loss', first: 0.2412, second: null, difference: null, difference_low: null, difference_high: null },
  ],
  only_first_correct: 31,
  only_second_correct: 81,
  mcnemar_pvalue: 0.0000021,
  delong_z: 0.812345,
  delong_pvalue: 0.4166,
  groups: [
    { sensitive: 'gender', group: 'f', count: 1890, accuracy_first: 0.91, accuracy_second: 0.935, difference: 0.025 },
    { sensitive: 'gender', group: 'm', count: 2110, accuracy_first: 0.9245, accuracy_second: 0.9255, difference: 0.001 },
  ],
  disagreements: 154,
  disagreeing_rows: [3, 17, 42, 1208],
};
