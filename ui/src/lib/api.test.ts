import { describe, expect, it } from 'vitest';
import { mockIPC } from '@tauri-apps/api/mocks';
import {
  GENERIC_ERROR_MESSAGE,
  annotatePrediction,
  cancelJob,
  compareEvaluations,
  evaluateModelFile,
  getDriftCell,
  getEvaluation,
  getFeedbackPerformance,
  getGateReport,
  getLifecycle,
  getMonitoring,
  isIpcError,
  listAuditEvents,
  listDatasets,
  listEvaluations,
  listModels,
  listMonitoringRuns,
  listPredictions,
  monitorModelFile,
  previewDataset,
  promoteVersion,
  rollbackModel,
  saveExport,
  setGatePolicy,
  toIpcError,
  verifyAuditLog,
  workspaceInfo,
} from './api';
import type {
  Annotation,
  EvaluateFileRequest,
  IpcError,
  JobProgress,
  MonitorFileRequest,
  PredictionFilter,
} from './bindings';
import {
  AUDIT_EVENTS,
  AUDIT_BROKEN,
  COMPARISON,
  DATASET_PREVIEW,
  DATASETS,
  DRIFT_CELL,
  EVALUATIONS,
  EVALUATION_DETAIL,
  FEEDBACK_PERFORMANCE,
  GATE_POLICY,
  GATE_REPORT_FAILED,
  LIFECYCLE,
  MODELS,
  MONITORING_DETAIL,
  MONITORING_RUNS,
  WORKSPACE,
  channelSender,
  mockCommands,
  predictionPage,
  predictionRow,
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

  it('compares two evaluations by id, champion first, and passes the engine\'s refusal through', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      if (cmd === 'compare_evaluations') {
        if ((args as { firstId: number }).firstId === 1) {
          throw { code: 'invalid_input', message: 'Regression evaluations cannot be compared.', trace: 'compare.rs:1' };
        }
        return COMPARISON;
      }
      throw new Error(`unknown ${cmd}`);
    });

    expect(await compareEvaluations(3, 7)).toEqual(COMPARISON);
    expect(await rejectionOf(compareEvaluations(1, 6))).toEqual({
      code: 'invalid_input',
      message: 'Regression evaluations cannot be compared.',
    });
    expect(seen).toEqual([
      { cmd: 'compare_evaluations', args: { firstId: 3, secondId: 7 } },
      { cmd: 'compare_evaluations', args: { firstId: 1, secondId: 6 } },
    ]);
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

  it('previews a dataset by path and evaluates a model file with the request, job id and a progress channel', async () => {
    const seen: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    const stored = { ...EVALUATIONS[0]!, id: 4, cached: true };
    mockIPC((cmd, args) => {
      seen.push({ cmd, args: args as Record<string, unknown> });
      switch (cmd) {
        case 'preview_dataset':
          return DATASET_PREVIEW;
        case 'evaluate_model_file': {
          // The backend reports through the channel before it answers.
          const send = channelSender<JobProgress>((args as Record<string, unknown>).onProgress);
          send({ stage: 'reading', done: 0, total: 0 });
          send({ stage: 'inference', done: 512, total: 1200 });
          return stored;
        }
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
      predictionColumn: null,
      probabilityColumns: [],
      force: false,
    };
    const progress: JobProgress[] = [];

    expect(await previewDataset('/d/loans.csv')).toEqual(DATASET_PREVIEW);
    expect(await evaluateModelFile(request, 'job-1', (p) => progress.push(p))).toEqual(stored);
    expect(seen.map((s) => s.cmd)).toEqual(['preview_dataset', 'evaluate_model_file']);
    expect(seen[0]!.args).toEqual({ path: '/d/loans.csv' });
    const { request: sent, jobId, onProgress } = seen[1]!.args;
    expect(Object.keys(seen[1]!.args).sort()).toEqual(['jobId', 'onProgress', 'request']);
    expect(sent).toEqual(request);
    expect(jobId).toBe('job-1');
    // Sent to Rust as a channel reference.
    expect(JSON.stringify(onProgress)).toMatch(/^"__CHANNEL__:\d+"$/);
    expect(progress).toEqual([
      { stage: 'reading', done: 0, total: 0 },
      { stage: 'inference', done: 512, total: 1200 },
    ]);
  });

  it('cancels a job by id and says whether it was running', async () => {
    const seen: unknown[] = [];
    mockCommands({
      cancel_job: (args: Record<string, unknown>) => {
        seen.push(args);
        return args.jobId === 'job-1';
      },
    });

    expect(await cancelJob('job-1')).toBe(true);
    expect(await cancelJob('job-2')).toBe(false);
    expect(seen).toEqual([{ jobId: 'job-1' }, { jobId: 'job-2' }]);
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
        evaluateModelFile(
          {
            modelPath: '/m.onnx',
            dataPath: '/d.csv',
            modelName: 'm',
            target: 'y',
            posLabel: null,
            sensitive: [],
            predictionColumn: null,
            probabilityColumns: [],
            force: false,
          },
          'job-1',
          () => {},
        ),
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

  it('gets a lifecycle and a gate report by model name and version, and verifies the audit log', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      switch (cmd) {
        case 'get_lifecycle':
          return LIFECYCLE;
        case 'get_gate_report':
          return GATE_REPORT_FAILED;
        case 'verify_audit_log':
          return AUDIT_BROKEN;
      }
      throw new Error(`unknown ${cmd}`);
    });

    expect(await getLifecycle('credit-risk')).toEqual(LIFECYCLE);
    expect(await getGateReport('credit-risk', '2')).toEqual(GATE_REPORT_FAILED);
    expect(await getGateReport('credit-risk', 'b7e2d1')).toEqual(GATE_REPORT_FAILED);
    expect(await verifyAuditLog()).toEqual(AUDIT_BROKEN);

    expect(seen.slice(0, 3)).toEqual([
      { cmd: 'get_lifecycle', args: { modelName: 'credit-risk' } },
      { cmd: 'get_gate_report', args: { modelName: 'credit-risk', version: '2' } },
      { cmd: 'get_gate_report', args: { modelName: 'credit-risk', version: 'b7e2d1' } },
    ]);
    expect(seen[3]!.cmd).toBe('verify_audit_log');
    expect(seen[3]!.args === undefined || Object.keys(seen[3]!.args as object).length === 0).toBe(true);
  });

  it('promotes, rolls back and sets a gate policy with the arguments the commands take', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    const promoted = LIFECYCLE.history[1]!;
    const rolledBack = LIFECYCLE.history[2]!;
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      switch (cmd) {
        case 'promote_version':
          return promoted;
        case 'rollback_model':
          return rolledBack;
        case 'set_gate_policy':
          return null;
      }
      throw new Error(`unknown ${cmd}`);
    });

    expect(
      await promoteVersion({
        modelName: 'credit-risk',
        version: '2',
        alias: 'production',
        comment: 'Q1 retrain.',
        overrideReason: 'Accepted by the risk committee.',
      }),
    ).toEqual(promoted);
    expect(
      await promoteVersion({
        modelName: 'credit-risk',
        version: '1',
        alias: 'staging',
        comment: 'Shadow test.',
        overrideReason: null,
      }),
    ).toEqual(promoted);
    expect(await rollbackModel('credit-risk', 'Complaints.')).toEqual(rolledBack);
    expect(await setGatePolicy('credit-risk', GATE_POLICY)).toBeNull();

    expect(seen).toEqual([
      {
        cmd: 'promote_version',
        args: {
          modelName: 'credit-risk',
          version: '2',
          alias: 'production',
          comment: 'Q1 retrain.',
          overrideReason: 'Accepted by the risk committee.',
        },
      },
      {
        cmd: 'promote_version',
        args: { modelName: 'credit-risk', version: '1', alias: 'staging', comment: 'Shadow test.', overrideReason: null },
      },
      { cmd: 'rollback_model', args: { modelName: 'credit-risk', reason: 'Complaints.' } },
      { cmd: 'set_gate_policy', args: { modelName: 'credit-risk', policy: GATE_POLICY } },
    ]);
  });

  it('passes the engine\'s refusals of lifecycle commands through and hides unknown errors', async () => {
    mockCommands({
      promote_version: () => {
        throw { code: 'invalid_input', message: 'the four-eyes rule: bob registered v2 and cannot also approve it' };
      },
      rollback_model: () => {
        throw { code: 'invalid_input', message: 'credit-risk has no production version to roll back' };
      },
      set_gate_policy: () => {
        throw 'panicked at registry.rs:9';
      },
      verify_audit_log: () => {
        throw new Error('panicked at audit.rs:1');
      },
    });

    expect(
      await rejectionOf(
        promoteVersion({ modelName: 'credit-risk', version: '2', alias: 'production', comment: 'c', overrideReason: null }),
      ),
    ).toEqual({ code: 'invalid_input', message: 'the four-eyes rule: bob registered v2 and cannot also approve it' });
    expect(await rejectionOf(rollbackModel('credit-risk', 'r'))).toEqual({
      code: 'invalid_input',
      message: 'credit-risk has no production version to roll back',
    });
    expect(await rejectionOf(setGatePolicy('credit-risk', GATE_POLICY))).toEqual({
      code: 'internal',
      message: GENERIC_ERROR_MESSAGE,
    });
    expect(await rejectionOf(verifyAuditLog())).toEqual({ code: 'internal', message: GENERIC_ERROR_MESSAGE });
  });

  it('lists predictions by evaluation id and filter, annotates one and gets the feedback performance', async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    const page = predictionPage(50, 50);
    const updated = { ...predictionRow(7), feedbackCount: 1 };
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      switch (cmd) {
        case 'list_predictions':
          return page;
        case 'annotate_prediction':
          return updated;
        case 'get_feedback_performance':
          return FEEDBACK_PERFORMANCE;
      }
      throw new Error(`unknown ${cmd}`);
    });

    const filter: PredictionFilter = {
      predictedLabel: 'approved',
      minConfidence: null,
      maxConfidence: 0.9,
      correct: false,
      unannotated: true,
      byUncertainty: true,
      offset: 50,
      limit: 50,
    };
    const annotation: Annotation = { predictionId: 1007, verdict: null, trueLabel: 'rejected', note: 'Checked by hand.' };
    expect(await listPredictions(3, filter)).toEqual(page);
    expect(await annotatePrediction(annotation)).toEqual(updated);
    expect(await getFeedbackPerformance(3)).toEqual(FEEDBACK_PERFORMANCE);

    expect(seen).toEqual([
      { cmd: 'list_predictions', args: { evaluationId: 3, filter } },
      { cmd: 'annotate_prediction', args: { annotation } },
      { cmd: 'get_feedback_performance', args: { evaluationId: 3 } },
    ]);
  });

  it('passes the engine\'s refusal of an annotation through and hides unknown errors of the feedback commands', async () => {
    mockCommands({
      annotate_prediction: () => {
        throw { code: 'invalid_input', message: '`maybe` is not one of this evaluation\'s labels (approved, rejected)' };
      },
      list_predictions: () => {
        throw { code: 'not_found', message: 'evaluation 9 not found', sql: 'SELECT' };
      },
      get_feedback_performance: () => {
        throw new Error('panicked at feedback.rs:1');
      },
    });

    expect(
      await rejectionOf(annotatePrediction({ predictionId: 1, verdict: null, trueLabel: 'maybe', note: '' })),
    ).toEqual({ code: 'invalid_input', message: '`maybe` is not one of this evaluation\'s labels (approved, rejected)' });
    expect(
      await rejectionOf(
        listPredictions(9, {
          predictedLabel: null,
          minConfidence: null,
          maxConfidence: null,
          correct: null,
          unannotated: false,
          byUncertainty: false,
          offset: 0,
          limit: 50,
        }),
      ),
    ).toEqual({ code: 'not_found', message: 'evaluation 9 not found' });
    expect(await rejectionOf(getFeedbackPerformance(3))).toEqual({ code: 'internal', message: GENERIC_ERROR_MESSAGE });
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
    for (const code of ['not_found', 'invalid_input', 'conflict', 'storage', 'internal', 'cancelled'] as const) {
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
