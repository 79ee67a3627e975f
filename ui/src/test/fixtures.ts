// Sample command results for the tests, typed with the generated bindings.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AuditEvent,
  DatasetPreview,
  DatasetSummary,
  EvaluationDetail,
  EvaluationSummary,
  IpcError,
  ModelSummary,
  WorkspaceInfo,
} from '../lib/bindings';

export const SHA_A = 'a3f1c9e0b2d4' + '5'.repeat(52);
export const SHA_B = 'b7e2d1c0ffee' + '6'.repeat(52);
export const SHA_C = 'c0ffee123456' + '7'.repeat(52);

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
};

export const EVALUATIONS: EvaluationSummary[] = [
  {
    id: 3,
    modelName: 'credit-risk',
    modelVersion: 2,
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
