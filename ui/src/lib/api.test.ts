import { describe, expect, it } from 'vitest';
import { mockIPC } from '@tauri-apps/api/mocks';
import {
  GENERIC_ERROR_MESSAGE,
  evaluateModelFile,
  getDriftCell,
  getEvaluation,
  getMonitoring,
  isIpcError,
  listAuditEvents,
  listDatasets,
  listEvaluations,
  listModels,
  listMonitoringRuns,
  monitorModelFile,
  previewDataset,
  saveExport,
  toIpcError,
  workspaceInfo,
} from './api';
import type { EvaluateFileRequest, IpcError, MonitorFileRequest } from './bindings';
import {
  AUDIT_EVENTS,
  DATASET_PREVIEW,
  DATASETS,
  DRIFT_CELL,
  EVALUATIONS,
  EVALUATION_DETAIL,
  MODELS,
  MONITORING_DETAIL,
  MONITORING_RUNS,
  WORKSPACE,
  mockCommands,
} from '../test/fixtures';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('api commands', () => {
  it('calls each command by name without arguments and returns its result', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      switch (cmd) {
        case 'list_models':
          return MODELS;
        case 'list_datasets':
          return DATASETS;
        case 'list_audit_events':
          return AUDIT_EVENTS;
        case 'workspace_info':
          return WORKSPACE;
      }
      throw new Error(`unknown ${cmd}`);
    });

    expect(await listModels()).toEqual(MODELS);
    expect(await listDatasets()).toEqual(DATASETS);
    expect(await listAuditEvents()).toEqual(AUDIT_EVENTS);
    expect(await workspaceInfo()).toEqual(WORKSPACE);

    expect(seen.map((call) => call.cmd)).toEqual([
      'list_models',
      'list_datasets',
      'list_audit_events',
      'workspace_info',
    ]);
    for (const call of seen) {
      expect(call.args === undefined || Object.keys(call.args as object).length === 0).toBe(true);
    }
  });

  it('lists evaluations without arguments and gets one evaluation by id', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      switch (cmd) {
        case 'list_evaluations':
          return EVALUATIONS;
        case 'get_evaluation':
          return EVALUATION_DETAIL;
      }
      throw new Error(`unknown ${cmd}`);
    });

    expect(await listEvaluations()).toEqual(EVALUATIONS);
    expect(await getEvaluation(3)).toEqual(EVALUATION_DETAIL);

    expect(seen[0]!.cmd).toBe('list_evaluations');
    expect(seen[0]!.args === undefined || Object.keys(seen[0]!.args as object).length === 0).toBe(true);
    expect(seen[1]).toEqual({ cmd: 'get_evaluation', args: { id: 3 } });
  });

  it('lists monitoring runs, gets one by id and one drift cell by run, window index and column', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      switch (cmd) {
        case 'list_monitoring_runs':
          return MONITORING_RUNS;
        case 'get_monitoring':
          return MONITORING_DETAIL;
        case 'get_drift_cell':
          return DRIFT_CELL;
      }
      throw new Error(`unknown ${cmd}`);
    });

    expect(await listMonitoringRuns()).toEqual(MONITORING_RUNS);
    expect(await getMonitoring(7)).toEqual(MONITORING_DETAIL);
    expect(await getDriftCell(7, 2, 'income')).toEqual(DRIFT_CELL);

    expect(seen[0]!.cmd).toBe('list_monitoring_runs');
    expect(seen[0]!.args === undefined || Object.keys(seen[0]!.args as object).length === 0).toBe(true);
    expect(seen.slice(1)).toEqual([
      { cmd: 'get_monitoring', args: { id: 7 } },
      { cmd: 'get_drift_cell', args: { id: 7, window: 2, column: 'income' } },
    ]);
  });

  it('normalises the errors of the monitoring commands', async () => {
    mockCommands({
      list_monitoring_runs: () => {
        throw new Error('panicked at monitoring.rs:1');
      },
      get_drift_cell: () => {
        throw { code: 'not_found', message: 'column x in window 9 of monitoring run 7' };
      },
    });

    expect(await rejectionOf(listMonitoringRuns())).toEqual({ code: 'internal', message: GENERIC_ERROR_MESSAGE });
    expect(await rejectionOf(getDriftCell(7, 9, 'x'))).toEqual({
      code: 'not_found',
      message: 'column x in window 9 of monitoring run 7',
    });
  });

  it('previews a dataset by path and evaluates a model file with the request', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    const stored = { ...EVALUATIONS[0]!, id: 4, cached: true };
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      switch (cmd) {
        case 'preview_dataset':
          return DATASET_PREVIEW;
        case 'evaluate_model_file':
          return stored;
      }
      throw new Error(`unknown ${cmd}`);
    });
    const request: EvaluateFileRequest = {
      modelPath: '/m/credit_rf.onnx',
      dataPath: '/d/loans.csv',
      modelName: 'credit_rf',
      target: 'defaulted',
      posLabel: null,
      sensitive: ['sex'],
    };

    expect(await previewDataset('/d/loans.csv')).toEqual(DATASET_PREVIEW);
    expect(await evaluateModelFile(request)).toEqual(stored);
    expect(seen).toEqual([
      { cmd: 'preview_dataset', args: { path: '/d/loans.csv' } },
      { cmd: 'evaluate_model_file', args: { request } },
    ]);
  });

  it('normalises the errors of preview_dataset and evaluate_model_file', async () => {
    mockCommands({
      preview_dataset: () => {
        throw { code: 'invalid_input', message: 'The file is not a CSV or Parquet file.' };
      },
      evaluate_model_file: () => {
        throw 'panicked at onnx.rs:7';
      },
    });

    expect(await rejectionOf(previewDataset('/x.txt'))).toEqual({
      code: 'invalid_input',
      message: 'The file is not a CSV or Parquet file.',
    });
    expect(
      await rejectionOf(
        evaluateModelFile({
          modelPath: '/m.onnx',
          dataPath: '/d.csv',
          modelName: 'm',
          target: 'y',
          posLabel: null,
          sensitive: [],
        }),
      ),
    ).toEqual({ code: 'internal', message: GENERIC_ERROR_MESSAGE });
  });

  it('monitors files with the request and returns the stored run', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    const stored = { ...MONITORING_RUNS[0]!, id: 9, cached: true };
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      if (cmd === 'monitor_model_file') return stored;
      throw new Error(`unknown ${cmd}`);
    });
    const request: MonitorFileRequest = {
      modelPath: null,
      modelName: null,
      dataPath: '/d/sensors.csv',
      referencePath: '/d/reference.csv',
      referenceWindows: null,
      window: 'all',
      timestamp: null,
      target: null,
      posLabel: null,
      sensitive: [['site']],
      exclude: ['id'],
    };

    expect(await monitorModelFile(request)).toEqual(stored);
    expect(seen).toEqual([{ cmd: 'monitor_model_file', args: { request } }]);
  });

  it('normalises the errors of monitor_model_file', async () => {
    mockCommands({
      monitor_model_file: () => {
        throw { code: 'invalid_input', message: 'the data has 1 window: leave at least one to monitor' };
      },
    });
    const request: MonitorFileRequest = {
      modelPath: '/m.onnx',
      modelName: 'm',
      dataPath: '/d.csv',
      referencePath: null,
      referenceWindows: 4,
      window: 'week',
      timestamp: null,
      target: 'y',
      posLabel: null,
      sensitive: [],
      exclude: [],
    };
    expect(await rejectionOf(monitorModelFile(request))).toEqual({
      code: 'invalid_input',
      message: 'the data has 1 window: leave at least one to monitor',
    });
  });

  it('saves an export by file name with its bytes as a plain array of numbers and returns the path', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      if (cmd === 'save_export') return '/home/alice/.local/share/vigil/exports/roc.svg';
      throw new Error(`unknown ${cmd}`);
    });

    const path = await saveExport('roc.svg', new Uint8Array([60, 115, 118, 103, 0, 255]));
    expect(path).toBe('/home/alice/.local/share/vigil/exports/roc.svg');
    expect(seen).toEqual([{ cmd: 'save_export', args: { fileName: 'roc.svg', bytes: [60, 115, 118, 103, 0, 255] } }]);
    expect(Array.isArray((seen[0]!.args as { bytes: unknown }).bytes)).toBe(true);
  });

  it('normalises the errors of save_export', async () => {
    mockCommands({
      save_export: (args: Record<string, unknown>) => {
        if (args.fileName === 'notes.txt') {
          throw { code: 'invalid_input', message: 'Only .svg and .png files can be exported.' };
        }
        throw 'panicked at exports.rs:3';
      },
    });

    expect(await rejectionOf(saveExport('notes.txt', new Uint8Array([1])))).toEqual({
      code: 'invalid_input',
      message: 'Only .svg and .png files can be exported.',
    });
    expect(await rejectionOf(saveExport('roc.png', new Uint8Array()))).toEqual({
      code: 'internal',
      message: GENERIC_ERROR_MESSAGE,
    });
  });

  it('normalises the errors of the evaluation commands', async () => {
    mockCommands({
      list_evaluations: () => {
        throw new Error('panicked at evaluations.rs:1');
      },
      get_evaluation: () => {
        throw { code: 'not_found', message: 'Evaluation 9 does not exist.', extra: 1 };
      },
    });

    expect(await rejectionOf(listEvaluations())).toEqual({
      code: 'internal',
      message: GENERIC_ERROR_MESSAGE,
    });
    expect(await rejectionOf(getEvaluation(9))).toEqual({
      code: 'not_found',
      message: 'Evaluation 9 does not exist.',
    });
  });

  it('passes an IpcError from the backend through unchanged', async () => {
    const backendError: IpcError = { code: 'storage', message: 'The database is locked.' };
    mockCommands({
      list_models: () => {
        throw backendError;
      },
    });

    const error = await rejectionOf(listModels());
    expect(error).toEqual({ code: 'storage', message: 'The database is locked.' });
  });

  it('keeps only code and message of an IpcError', async () => {
    mockCommands({
      workspace_info: () => {
        throw { code: 'not_found', message: 'No workspace.', secret: '/etc/shadow' };
      },
    });

    const error = await rejectionOf(workspaceInfo());
    expect(error).toEqual({ code: 'not_found', message: 'No workspace.' });
  });

  it.each([
    ['a plain string', 'panicked at src/store.rs:42: SELECT * FROM secrets'],
    ['an Error', new Error('panicked at src/store.rs:42: SELECT * FROM secrets')],
    ['a TypeError', new TypeError('window.__TAURI_INTERNALS__ is undefined: SELECT * FROM secrets')],
    ['an object with an unknown code', { code: 'kaboom', message: 'SELECT * FROM secrets' }],
    ['an object without a message', { code: 'storage' }],
    ['an object with an empty message', { code: 'storage', message: '' }],
    ['a number', 42],
    ['null', null],
  ])('turns %s into an "internal" error with a generic message', async (_label, thrown) => {
    mockCommands({
      list_datasets: () => {
        throw thrown;
      },
    });

    const error = await rejectionOf(listDatasets());
    expect(error).toEqual({ code: 'internal', message: GENERIC_ERROR_MESSAGE });
    expect((error as IpcError).message).not.toContain('SELECT');
    expect((error as IpcError).message).not.toContain('panicked');
  });

  it('turns undefined into an "internal" error with a generic message', async () => {
    mockCommands({
      list_audit_events: () => {
        throw undefined;
      },
    });

    const error = await rejectionOf(listAuditEvents());
    expect(error).toEqual({ code: 'internal', message: GENERIC_ERROR_MESSAGE });
  });

  it('reports an "internal" error when the Tauri IPC is not available at all', async () => {
    // No mockIPC: invoke() fails inside the library.
    const error = await rejectionOf(listModels());
    expect(error).toEqual({ code: 'internal', message: GENERIC_ERROR_MESSAGE });
  });
});

describe('toIpcError / isIpcError', () => {
  it('recognises every backend error code', () => {
    for (const code of ['not_found', 'invalid_input', 'conflict', 'storage', 'internal'] as const) {
      expect(isIpcError({ code, message: 'm' })).toBe(true);
      expect(toIpcError({ code, message: 'm' })).toEqual({ code, message: 'm' });
    }
  });

  it('rejects anything that is not an IpcError', () => {
    expect(isIpcError('not_found')).toBe(false);
    expect(isIpcError({ code: 'NOT_FOUND', message: 'm' })).toBe(false);
    expect(isIpcError({ code: 'storage', message: 7 })).toBe(false);
    expect(toIpcError(new Error('raw detail'))).toEqual({
      code: 'internal',
      message: GENERIC_ERROR_MESSAGE,
    });
  });

  it('uses a generic sentence, not an empty or technical one', () => {
    expect(GENERIC_ERROR_MESSAGE.length).toBeGreaterThan(20);
    expect(GENERIC_ERROR_MESSAGE).toMatch(/\.$/);
  });
});
