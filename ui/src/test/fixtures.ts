// Sample command results for the tests, typed with the generated bindings.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AuditEvent,
  DatasetSummary,
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

export type Handler = (() => unknown) | unknown;

/**
 * Mocks the Tauri IPC. Each entry is a command's result, or a function that
 * returns (or throws) it. Every call is recorded in the returned array.
 */
export function mockCommands(handlers: Record<string, Handler>): string[] {
  const calls: string[] = [];
  mockIPC((cmd) => {
    calls.push(cmd);
    if (!(cmd in handlers)) {
      const error: IpcError = { code: 'not_found', message: `unexpected command ${cmd}` };
      throw error;
    }
    const handler = handlers[cmd];
    return typeof handler === 'function' ? (handler as () => unknown)() : handler;
  });
  return calls;
}
