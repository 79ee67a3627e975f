import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import EvaluationsView from './EvaluationsView.svelte';
import type { DatasetPreview, EvaluationDetail, EvaluationSummary, IpcError, JobProgress } from '../lib/bindings';
import {
  COMPARABLE_EVALUATIONS,
  COMPARISON,
  DATASET_PREVIEW,
  EVALUATIONS,
  EVALUATION_DETAIL,
  channelSender,
  mockCommands,
} from '../test/fixtures';

// The webview's drag-and-drop events: the handler the view registers is kept
// here so the tests can play drops.
type DragDropPayload =
  | { type: 'enter'; paths: string[]; position: { x: number; y: number } }
  | { type: 'over'; position: { x: number; y: number } }
  | { type: 'drop'; paths: string[]; position: { x: number; y: number } }
  | { type: 'leave' };

const dragDrop = vi.hoisted(() => ({
  handler: null as ((event: { event: string; id: number; payload: unknown }) => void) | null,
  unlistened: 0,
}));

vi.mock('@tauri-apps/api/webview', () => ({
  getCurrentWebview: () => ({
    onDragDropEvent: (handler: (event: { event: string; id: number; payload: unknown }) => void) => {
      dragDrop.handler = handler;
      return Promise.resolve(() => {
        dragDrop.unlistened += 1;
      });
    },
  }),
}));

beforeEach(() => {
  dragDrop.handler = null;
  dragDrop.unlistened = 0;
});

async function playDragDrop(payload: DragDropPayload): Promise<void> {
  await waitFor(() => expect(dragDrop.handler).not.toBeNull());
  await act(() => dragDrop.handler!({ event: 'tauri://drag-drop', id: 1, payload }));
}

function headlineTexts(row: HTMLElement): string[] {
  return within(row)
    .queryAllByTestId('headline-metric')
    .map((el) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '');
}

function cellTexts(row: Element): string[] {
  return [...row.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '');
}

describe('EvaluationsView', () => {
  it('lists evaluations with their headline metrics, status and timing', async () => {
    const calls = mockCommands({ list_evaluations: EVALUATIONS });
    render(EvaluationsView);

    const rows = await screen.findAllByTestId('evaluation-row');
    expect(rows).toHaveLength(3);
    expect(calls).toEqual(['list_evaluations']);
    for (const row of rows) expect(row.tagName).toBe('BUTTON');

    const [done, failed, regression] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(done).getByTestId('evaluation-model').textContent).toBe('credit-risk v2');
    expect(within(done).getByTestId('evaluation-dataset').textContent).toBe('loans-2024q1');
    expect(within(done).getByTestId('evaluation-status').textContent).toBe('Done');
    expect(headlineTexts(done)).toEqual(['Accuracy 0.9175', 'F1 (macro) 0.8765', 'ROC AUC —']);
    expect(within(done).getAllByTestId('headline-metric')[0]!.getAttribute('title')).toBe(
      'Share of rows whose predicted class equals the true class.',
    );
    expect(within(done).getByTestId('evaluation-duration').textContent?.trim()).toBe('1.8 s');
    expect(done.querySelector('time')?.getAttribute('datetime')).toBe('2024-04-03T09:00:00Z');
    expect(within(done).queryByTestId('evaluation-error')).toBeNull();

    expect(within(failed).getByTestId('evaluation-model').textContent).toBe('credit-risk v1');
    expect(within(failed).getByTestId('evaluation-status').textContent).toBe('Failed');
    expect(within(failed).getByTestId('evaluation-error').textContent).toBe(
      'The dataset has no column "defaulted".',
    );
    expect(headlineTexts(failed)).toEqual([]);
    expect(within(failed).getByTestId('evaluation-duration').textContent?.trim()).toBe('—');

    expect(headlineTexts(regression)).toEqual(['R² 0.8123', 'RMSE 12.3457', 'MAE 9.8700']);
    expect(within(regression).getByTestId('evaluation-duration').textContent?.trim()).toBe('420 ms');

    expect(screen.queryByTestId('evaluation-detail')).toBeNull();
    expect(screen.getByTestId('detail-hint')).toBeTruthy();
    expect(document.documentElement.dataset.ready).toBe('true');
  });

  it('shows an empty state when there are no evaluations', async () => {
    mockCommands({ list_evaluations: [] });
    render(EvaluationsView);

    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('No evaluations yet.');
    expect(empty.textContent).toContain(
      'Evaluations run with vigil eval or when the demo workspace is created appear here.',
    );
    expect(empty.textContent).not.toContain('`');
    expect(screen.queryAllByTestId('evaluation-row')).toHaveLength(0);
    expect(screen.getByTestId('view-evaluations').contains(empty)).toBe(true);
  });

  it('shows the error of list_evaluations and reloads on Retry', async () => {
    let fail = true;
    const calls = mockCommands({
      list_evaluations: () => {
        if (fail) throw { code: 'storage', message: 'The workspace database is locked.' };
        return EVALUATIONS;
      },
    });
    render(EvaluationsView);

    const error = await screen.findByTestId('error');
    expect(error.textContent).toContain('Could not load evaluations.');
    expect(error.textContent).toContain('The workspace database is locked.');

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('evaluation-row')).toHaveLength(3);
    expect(calls).toEqual(['list_evaluations', 'list_evaluations']);
  });

  it('loads the selected evaluation and shows its metrics, confusion matrix and fairness', async () => {
    const ids: unknown[] = [];
    const calls = mockCommands({
      list_evaluations: EVALUATIONS,
      get_evaluation: (args: Record<string, unknown>) => {
        ids.push(args.id);
        return EVALUATION_DETAIL;
      },
      get_evaluation_charts: [{ key: 'roc', title: 'ROC curve', svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>ROC</text></svg>' }],
    });
    render(EvaluationsView);

    const rows = await screen.findAllByTestId('evaluation-row');
    expect(rows[0]!.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(rows[0]!);

    const detail = await screen.findByTestId('evaluation-detail');
    expect(calls).toEqual(['list_evaluations', 'get_evaluation', 'get_evaluation_charts']);
    // The backend's SVG is shown as an image (its own document, outside the page's styles).
    const chart = await within(detail).findByTestId('chart');
    expect(chart.getAttribute('alt')).toBe('ROC curve');
    expect(chart.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(ids).toEqual([3]);
    expect(rows[0]!.getAttribute('aria-pressed')).toBe('true');
    expect(within(detail).getByRole('heading', { level: 3 }).textContent).toContain('credit-risk v2');

    // Metric table: one row per metric, columns per averaging.
    const table = await within(detail).findByTestId('metric-table');
    const header = cellTexts(table.querySelector('thead tr')!);
    expect(header).toEqual(['Metric', 'Value / binary', 'Micro', 'Macro', 'Weighted']);
    const metricRows = within(table).getAllByTestId('metric-row');
    expect(metricRows.map((r) => r.querySelector('th')!.textContent?.trim())).toEqual([
      'Accuracy',
      'Balanced accuracy',
      'Precision',
      'Recall',
      'F1',
      'ROC AUC',
      'Log loss',
      'Rows',
    ]);
    // The value carries its bootstrap interval beside it.
    expect(cellTexts(metricRows[0]!)).toEqual(['Accuracy', '0.9175[0.9012, 0.9321]', '', '', '']);
    expect(within(metricRows[0]!).getByTestId('ci').textContent).toBe('[0.9012, 0.9321]');
    expect(cellTexts(metricRows[2]!)).toEqual(['Precision', '0.8838', '0.9175', '0.9069', '0.9163']);
    expect(cellTexts(metricRows[4]!)).toEqual(['F1', '0.8381', '0.9175', '0.8765', '0.9158']);
    expect(cellTexts(metricRows[5]!)).toEqual(['ROC AUC', '—', '', '', '']);
    expect(metricRows[0]!.querySelector('th')!.getAttribute('title')).toBe(
      'Share of rows whose predicted class equals the true class.',
    );
    expect(metricRows[1]!.querySelector('th')!.getAttribute('title')).toBe(
      'Mean recall over the classes present in the data.',
    );
    expect(metricRows[4]!.querySelector('th')!.getAttribute('title')).toBe(
      'Harmonic mean of precision and recall.',
    );
    expect(metricRows[6]!.querySelector('th')!.getAttribute('title')).toContain('clipped to [ε, 1−ε]');

    // Per-class table: one column per class.
    const perClass = within(detail).getByTestId('per-class-table');
    expect(cellTexts(perClass.querySelector('thead tr')!)).toEqual(['Metric', '0', '1']);
    const perClassRows = within(perClass).getAllByTestId('per-class-row');
    expect(perClassRows.map(cellTexts)).toEqual([
      ['Precision', '0.9301', '0.8838'],
      ['Recall', '0.9553', '0.7966'],
      ['F1', '0.9425', '0.8381'],
    ]);

    // Confusion matrix: counts in cells, shaded relative to the row total.
    const matrix = within(detail).getByTestId('confusion-matrix');
    expect(matrix.textContent).toContain('true');
    expect(matrix.textContent).toContain('predicted');
    const cells = within(matrix).getAllByTestId('cm-cell');
    expect(cells.map((c) => c.textContent?.trim())).toEqual(['812', '38', '61', '289']);
    expect(cells[0]!.classList.contains('heat-5')).toBe(true); // 812 / 850
    expect(cells[1]!.classList.contains('heat-1')).toBe(true); // 38 / 850
    expect(cells[2]!.classList.contains('heat-1')).toBe(true); // 61 / 350
    expect(cells[3]!.classList.contains('heat-5')).toBe(true); // 289 / 350
    expect(cells[0]!.getAttribute('title')).toContain('true 0, predicted 0: 812');
    expect(matrix.querySelector('[style]')).toBeNull();

    // Fairness: gaps per sensitive key, the largest highlighted, small-group warning.
    const fairness = within(detail).getByTestId('fairness');
    const keys = within(fairness).getAllByTestId('fairness-key');
    expect(keys).toHaveLength(2);
    const [sex, age] = keys as [HTMLElement, HTMLElement];
    expect(within(sex).getByTestId('gap-demographicParityDifference').textContent).toContain('0.0412');
    expect(within(sex).getByTestId('gap-equalizedOddsDifference').classList.contains('largest')).toBe(true);
    expect(within(sex).getByTestId('gap-demographicParityDifference').classList.contains('largest')).toBe(false);
    expect(within(sex).queryByTestId('small-groups')).toBeNull();
    expect(within(sex).getAllByTestId('fairness-group-row').map(cellTexts)).toEqual([
      ['F', '540', '0.2611', '0.9204', '0.8000', '0.0412', '0.8723'],
      ['M', '660', '0.3023', '0.9152', '0.7478', '0.0489', '0.8901'],
    ]);

    expect(within(age).getByTestId('gap-demographicParityDifference').classList.contains('largest')).toBe(true);
    expect(within(age).getByTestId('gap-equalOpportunityDifference').textContent?.trim()).toBe('—');
    expect(within(age).getByTestId('small-groups').textContent?.trim()).toBe(
      'Groups with fewer than 30 rows: 61+',
    );
    expect(within(age).getAllByTestId('fairness-group-row')).toHaveLength(3);

    // Settings, read from the stored JSON.
    expect(within(detail).getByTestId('setting-target').textContent?.trim()).toBe('defaulted');
    expect(within(detail).getByTestId('setting-positive-label').textContent?.trim()).toBe('1');
    expect(within(detail).getByTestId('setting-sensitive').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'sex, age_band',
    );
    // A model run on automatically bound inputs: no logged-prediction or input settings.
    expect(within(detail).queryByTestId('setting-prediction-column')).toBeNull();
    expect(within(detail).queryByTestId('setting-probability-columns')).toBeNull();
    expect(within(detail).queryByTestId('setting-inputs')).toBeNull();

    expect(detail.querySelector('[style]')).toBeNull();
  });

  it('shows a regression evaluation without classification tables', async () => {
    const regression: EvaluationDetail = {
      summary: EVALUATIONS[2]!,
      metrics: [
        { name: 'mae', averaging: '', classLabel: '', value: 9.87, ciLow: null, ciHigh: null },
        { name: 'r2', averaging: '', classLabel: '', value: 0.81234, ciLow: null, ciHigh: null },
        { name: 'rmse', averaging: '', classLabel: '', value: 12.3456789, ciLow: null, ciHigh: null },
      ],
      confusionMatrix: null,
      fairnessGaps: [],
      fairnessGroups: [],
      settings: '{"target":"price","pos_label":null,"sensitive":[]}',
    };
    mockCommands({ list_evaluations: EVALUATIONS, get_evaluation: regression });
    render(EvaluationsView);

    const rows = await screen.findAllByTestId('evaluation-row');
    await fireEvent.click(rows[2]!);

    const table = await screen.findByTestId('metric-table');
    expect(cellTexts(table.querySelector('thead tr')!)).toEqual(['Metric', 'Value']);
    expect(within(table).getAllByTestId('metric-row').map(cellTexts)).toEqual([
      ['R²', '0.8123'],
      ['MAE', '9.8700'],
      ['RMSE', '12.3457'],
    ]);
    expect(within(table).getAllByTestId('metric-row')[0]!.querySelector('th')!.getAttribute('title')).toMatch(
      /mean/,
    );
    expect(screen.queryByTestId('per-class-table')).toBeNull();
    expect(screen.queryByTestId('confusion-matrix')).toBeNull();
    expect(screen.queryByTestId('fairness')).toBeNull();
    expect(screen.getByTestId('setting-positive-label').textContent?.trim()).toBe('Default');
    expect(screen.getByTestId('setting-sensitive').textContent?.trim()).toBe('None');
  });

  it('shows the message when get_evaluation fails, and retries', async () => {
    const failure: IpcError = { code: 'not_found', message: 'Evaluation 2 does not exist.' };
    let fail = true;
    const ids: unknown[] = [];
    mockCommands({
      list_evaluations: EVALUATIONS,
      get_evaluation: (args: Record<string, unknown>) => {
        ids.push(args.id);
        if (fail) throw failure;
        return { ...EVALUATION_DETAIL, summary: EVALUATIONS[1]!, metrics: [], confusionMatrix: null, fairnessGaps: [], fairnessGroups: [] };
      },
    });
    render(EvaluationsView);

    const rows = await screen.findAllByTestId('evaluation-row');
    await fireEvent.click(rows[1]!);

    const detail = await screen.findByTestId('evaluation-detail');
    const error = await within(detail).findByTestId('error');
    expect(error.textContent).toContain('Could not load the evaluation.');
    expect(error.textContent).toContain('Evaluation 2 does not exist.');
    expect(error.textContent).not.toContain('not_found');
    expect(within(detail).queryByTestId('metric-table')).toBeNull();
    expect(ids).toEqual([2]);

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    const message = await within(detail).findByTestId('detail-error');
    expect(message.textContent).toContain('The dataset has no column "defaulted".');
    expect(ids).toEqual([2, 2]);
  });

  it('loads the newly selected evaluation when another row is chosen', async () => {
    const ids: unknown[] = [];
    mockCommands({
      list_evaluations: EVALUATIONS,
      get_evaluation: (args: Record<string, unknown>) => {
        ids.push(args.id);
        const summary = EVALUATIONS.find((e) => e.id === args.id)!;
        return { ...EVALUATION_DETAIL, summary };
      },
    });
    render(EvaluationsView);

    const rows = await screen.findAllByTestId('evaluation-row');
    await fireEvent.click(rows[0]!);
    await screen.findByTestId('metric-table');
    await fireEvent.click(rows[2]!);

    await waitFor(() =>
      expect(screen.getByTestId('evaluation-detail').querySelector('h3')?.textContent).toContain(
        'house-prices v1',
      ),
    );
    expect(ids).toEqual([3, 1]);
    expect(rows.map((r) => r.getAttribute('aria-pressed'))).toEqual(['false', 'false', 'true']);
  });
});

const POSITION = { x: 10, y: 10 };

const STORED: EvaluationSummary = {
  ...EVALUATIONS[0]!,
  id: 4,
  modelName: 'credit_rf',
  modelVersion: 1,
  datasetName: 'loans',
  cached: false,
};

interface Calls {
  calls: string[];
  previews: unknown[];
  /** The `request` argument of each `evaluate_model_file`. */
  requests: unknown[];
  /** The `jobId` argument of each `evaluate_model_file`. */
  jobIds: unknown[];
  detailIds: unknown[];
}

/** The commands of the panel; `list_evaluations` gains the stored row once evaluate ran. */
function mockPanel(overrides: Record<string, unknown> = {}, initial: EvaluationSummary[] = EVALUATIONS): Calls {
  const previews: unknown[] = [];
  const requests: unknown[] = [];
  const jobIds: unknown[] = [];
  const detailIds: unknown[] = [];
  let evaluated = false;
  const calls = mockCommands({
    list_evaluations: () => (evaluated ? [{ ...STORED, cached: false }, ...initial] : initial),
    preview_dataset: (args: Record<string, unknown>) => {
      previews.push(args);
      return DATASET_PREVIEW;
    },
    evaluate_model_file: (args: Record<string, unknown>) => {
      requests.push(args.request);
      jobIds.push(args.jobId);
      evaluated = true;
      return STORED;
    },
    get_evaluation: (args: Record<string, unknown>) => {
      detailIds.push(args.id);
      return { ...EVALUATION_DETAIL, summary: STORED };
    },
    get_evaluation_charts: [],
    ...overrides,
  });
  return { calls, previews, requests, jobIds, detailIds };
}

async function openPanel(): Promise<HTMLElement> {
  await screen.findAllByTestId('evaluation-row');
  await fireEvent.click(screen.getByTestId('new-evaluation-toggle'));
  return screen.getByTestId('new-evaluation');
}

function input(panel: HTMLElement, testId: string): HTMLInputElement {
  return within(panel).getByTestId(testId) as HTMLInputElement;
}

async function type(panel: HTMLElement, testId: string, value: string): Promise<void> {
  await fireEvent.input(input(panel, testId), { target: { value } });
}

function sensitiveOptions(panel: HTMLElement): string[] {
  return within(panel)
    .queryAllByTestId('sensitive-option')
    .map((box) => (box as HTMLInputElement).value);
}

/** Fills the panel by typing and waits for the dataset preview. */
async function fill(panel: HTMLElement): Promise<void> {
  await type(panel, 'model-path', '/models/credit_rf.onnx');
  await type(panel, 'data-path', '/data/loans.csv');
  await within(panel).findByTestId('target-select');
}

describe('EvaluationsView: new evaluation', () => {
  it('keeps the panel behind its toggle when evaluations exist', async () => {
    const { calls } = mockPanel();
    render(EvaluationsView);

    await screen.findAllByTestId('evaluation-row');
    const toggle = screen.getByTestId('new-evaluation-toggle');
    expect(toggle.textContent?.trim()).toBe('New evaluation');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('new-evaluation')).toBeNull();

    await fireEvent.click(toggle);
    const panel = screen.getByTestId('new-evaluation');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(toggle.getAttribute('aria-controls')).toBe(panel.id);
    expect(within(panel).getByTestId('drop-zone').textContent?.trim()).toBe(
      'Drop an ONNX model and a CSV or Parquet dataset here, or type their paths.',
    );
    expect(panel.getAttribute('aria-busy')).toBe('false');
    expect(calls).toEqual(['list_evaluations']);

    await fireEvent.click(toggle);
    expect(screen.queryByTestId('new-evaluation')).toBeNull();
  });

  it('opens the panel when there are no evaluations yet', async () => {
    mockPanel({}, []);
    render(EvaluationsView);

    await screen.findByTestId('empty-state');
    const panel = await screen.findByTestId('new-evaluation');
    expect(screen.getByTestId('new-evaluation-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(panel.textContent).toContain('Drop an ONNX model and a CSV or Parquet dataset here');
    expect(panel.querySelector('[style]')).toBeNull();
  });

  it('previews the typed dataset path and preselects the suggested target', async () => {
    const { calls, previews } = mockPanel();
    render(EvaluationsView);
    const panel = await openPanel();

    await type(panel, 'model-path', '/x/credit_rf.onnx');
    expect(input(panel, 'model-name').value).toBe('credit_rf');

    await type(panel, 'data-path', '/data/loans');
    await type(panel, 'data-path', '/data/loans.csv');
    const select = (await within(panel).findByTestId('target-select')) as HTMLSelectElement;
    // Debounced: only the last value of the field is read.
    expect(previews).toEqual([{ path: '/data/loans.csv' }]);
    expect(calls).toEqual(['list_evaluations', 'preview_dataset']);

    expect(select.value).toBe('defaulted');
    expect([...select.options].map((o) => o.value)).toEqual([
      '',
      'income',
      'age',
      'sex',
      'applied_at',
      'homeowner',
      'defaulted',
    ]);
    expect(within(panel).getByTestId('preview-summary').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      `${(1200).toLocaleString()} rows · 6 columns`,
    );
    expect(within(panel).getAllByTestId('preview-column')).toHaveLength(6);
    expect(input(panel, 'pos-label').value).toBe('');

    // Leaving the field does not read the same file again.
    await fireEvent.blur(input(panel, 'data-path'));
    expect(previews).toHaveLength(1);
  });

  it('leaves the target empty when the backend suggests none', async () => {
    mockPanel({ preview_dataset: { ...DATASET_PREVIEW, suggestedTarget: null } });
    render(EvaluationsView);
    const panel = await openPanel();

    await type(panel, 'model-path', '/x/m.onnx');
    await type(panel, 'data-path', '/data/loans.csv');
    await fireEvent.blur(input(panel, 'data-path'));
    const select = (await within(panel).findByTestId('target-select')) as HTMLSelectElement;
    expect(select.value).toBe('');
    expect((within(panel).getByTestId('evaluate-button') as HTMLButtonElement).disabled).toBe(true);
    // Every group-like column is offered while no target is chosen.
    expect(sensitiveOptions(panel)).toEqual(['age', 'sex', 'homeowner', 'defaulted']);
  });

  it('offers only text, integer and boolean columns other than the target as sensitive', async () => {
    mockPanel();
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);

    expect(sensitiveOptions(panel)).toEqual(['age', 'sex', 'homeowner']);

    const boxes = within(panel).getAllByTestId('sensitive-option') as HTMLInputElement[];
    await fireEvent.click(boxes[1]!); // sex
    expect(boxes[1]!.checked).toBe(true);

    // Choosing a checked column as the target drops it from the sensitive ones.
    await fireEvent.change(within(panel).getByTestId('target-select'), { target: { value: 'sex' } });
    expect(sensitiveOptions(panel)).toEqual(['age', 'homeowner', 'defaulted']);
    for (const box of within(panel).getAllByTestId('sensitive-option') as HTMLInputElement[]) {
      expect(box.checked).toBe(false);
    }
  });

  it('sends evaluate_model_file, then lists and selects the stored evaluation', async () => {
    const { calls, requests, jobIds, detailIds } = mockPanel();
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);

    const boxes = within(panel).getAllByTestId('sensitive-option') as HTMLInputElement[];
    await fireEvent.click(boxes[2]!); // homeowner
    await fireEvent.click(boxes[1]!); // sex
    await fireEvent.click(within(panel).getByTestId('evaluate-button'));

    const line = await within(panel).findByTestId('evaluate-stored');
    expect(line.textContent?.trim()).toBe('Stored as credit_rf — evaluation #4');
    expect(within(panel).queryByTestId('evaluate-cached')).toBeNull();
    expect(requests).toEqual([
      {
        modelPath: '/models/credit_rf.onnx',
        dataPath: '/data/loans.csv',
        modelName: 'credit_rf',
        target: 'defaulted',
        posLabel: null,
        sensitive: ['sex', 'homeowner'],
        predictionColumn: null,
        probabilityColumns: [],
        force: false,
      },
    ]);
    expect(jobIds).toHaveLength(1);
    expect(typeof jobIds[0]).toBe('string');

    const detail = await screen.findByTestId('evaluation-detail');
    expect(within(detail).getByRole('heading', { level: 3 }).textContent).toContain('credit_rf v1');
    expect(detailIds).toEqual([4]);
    const rows = screen.getAllByTestId('evaluation-row');
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.getAttribute('aria-pressed'))).toEqual(['true', 'false', 'false', 'false']);
    expect(calls).toEqual([
      'list_evaluations',
      'preview_dataset',
      'evaluate_model_file',
      'list_evaluations',
      'get_evaluation',
      'get_evaluation_charts',
    ]);

    // The panel stays open and filled.
    expect(screen.getByTestId('new-evaluation')).toBe(panel);
    expect(input(panel, 'model-path').value).toBe('/models/credit_rf.onnx');
    expect(panel.getAttribute('aria-busy')).toBe('false');
    expect(within(panel).queryByTestId('evaluate-error')).toBeNull();
  });

  it('sends the positive label and a model name of the user’s own, and says when the result was stored before', async () => {
    const { requests } = mockPanel({
      evaluate_model_file: (args: Record<string, unknown>) => {
        requests.push(args.request);
        return { ...STORED, modelName: 'credit-risk', cached: true };
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();
    await type(panel, 'model-name', 'credit-risk');
    await fill(panel);
    // The user's name stays when the model path changes.
    await type(panel, 'model-path', '/models/other.onnx');
    expect(input(panel, 'model-name').value).toBe('credit-risk');
    await type(panel, 'pos-label', ' 1 ');

    await fireEvent.click(within(panel).getByTestId('evaluate-button'));
    const line = await within(panel).findByTestId('evaluate-stored');
    expect(line.textContent?.trim()).toBe('Stored as credit-risk — evaluation #4');
    expect(within(panel).getByTestId('evaluate-cached').textContent).toContain(
      'Same model, data and settings were evaluated before — showing the stored result.',
    );
    expect(requests).toEqual([
      {
        modelPath: '/models/other.onnx',
        dataPath: '/data/loans.csv',
        modelName: 'credit-risk',
        target: 'defaulted',
        posLabel: '1',
        sensitive: [],
        predictionColumn: null,
        probabilityColumns: [],
        force: false,
      },
    ]);
  });

  it('shows that the evaluation is running', async () => {
    let finish: (value: EvaluationSummary) => void = () => {};
    mockPanel({
      evaluate_model_file: () => new Promise<EvaluationSummary>((resolve) => (finish = resolve)),
    });
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);

    const button = within(panel).getByTestId('evaluate-button') as HTMLButtonElement;
    await fireEvent.click(button);
    await waitFor(() => expect(panel.getAttribute('aria-busy')).toBe('true'));
    const running = within(panel).getByTestId('evaluate-running');
    expect(running.textContent).toContain('Evaluating…');
    const progress = running.querySelector('progress')!;
    expect(progress).not.toBeNull();
    expect(progress.hasAttribute('value')).toBe(false);
    expect(button.disabled).toBe(true);

    await act(() => finish(STORED));
    await within(panel).findByTestId('evaluate-stored');
    expect(panel.getAttribute('aria-busy')).toBe('false');
    expect(within(panel).queryByTestId('evaluate-running')).toBeNull();
  });

  it('fills the paths and the model name from dropped files', async () => {
    const { previews } = mockPanel();
    const { unmount } = render(EvaluationsView);
    await screen.findAllByTestId('evaluation-row');

    // Dragging the files over the window opens the panel and highlights the zone.
    await playDragDrop({ type: 'enter', paths: ['/a/m.onnx', '/a/d.csv'], position: POSITION });
    const panel = screen.getByTestId('new-evaluation');
    const zone = within(panel).getByTestId('drop-zone');
    expect(zone.classList.contains('dragging')).toBe(true);
    await playDragDrop({ type: 'leave' });
    expect(zone.classList.contains('dragging')).toBe(false);
    await playDragDrop({ type: 'over', position: POSITION });
    expect(zone.classList.contains('dragging')).toBe(true);

    await playDragDrop({ type: 'drop', paths: ['/a/m.onnx', '/a/d.csv'], position: POSITION });
    expect(zone.classList.contains('dragging')).toBe(false);
    expect(input(panel, 'model-path').value).toBe('/a/m.onnx');
    expect(input(panel, 'data-path').value).toBe('/a/d.csv');
    expect(input(panel, 'model-name').value).toBe('m');
    expect(((await within(panel).findByTestId('target-select')) as HTMLSelectElement).value).toBe('defaulted');
    expect(previews).toEqual([{ path: '/a/d.csv' }]);

    unmount();
    expect(dragDrop.unlistened).toBe(1);
  });

  it('routes dropped files by extension, in any case, and names the ones it ignores', async () => {
    const { previews } = mockPanel();
    render(EvaluationsView);
    const panel = await openPanel();

    await playDragDrop({ type: 'drop', paths: ['/b/notes.txt', '/b/Data.PARQUET'], position: POSITION });
    expect(input(panel, 'model-path').value).toBe('');
    expect(input(panel, 'data-path').value).toBe('/b/Data.PARQUET');
    expect(within(panel).getByTestId('drop-ignored').textContent).toContain('/b/notes.txt');
    await playDragDrop({ type: 'drop', paths: ['C:\\models\\Fraud.v2.ONNX'], position: POSITION });
    expect(input(panel, 'model-path').value).toBe('C:\\models\\Fraud.v2.ONNX');
    expect(input(panel, 'model-name').value).toBe('Fraud.v2');
    expect(within(panel).queryByTestId('drop-ignored')).toBeNull();
    await playDragDrop({ type: 'drop', paths: ['/c/d.pq'], position: POSITION });
    expect(input(panel, 'data-path').value).toBe('/c/d.pq');
    await waitFor(() => expect(previews).toEqual([{ path: '/b/Data.PARQUET' }, { path: '/c/d.pq' }]));
  });

  it('shows the message when the dataset cannot be read', async () => {
    mockPanel({
      preview_dataset: () => {
        throw { code: 'invalid_input', message: 'No such file: /data/missing.csv' };
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();

    await type(panel, 'model-path', '/x/m.onnx');
    await type(panel, 'data-path', '/data/missing.csv');
    const error = await within(panel).findByTestId('preview-error');
    expect(error.textContent?.trim()).toBe('No such file: /data/missing.csv');
    expect(within(panel).queryByTestId('target-select')).toBeNull();
    expect((within(panel).getByTestId('evaluate-button') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the message when the evaluation fails and keeps the inputs', async () => {
    const { calls } = mockPanel({
      evaluate_model_file: () => {
        throw { code: 'invalid_input', message: 'The model expects 12 inputs; the dataset has 5 feature columns.' };
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);

    await fireEvent.click(within(panel).getByTestId('evaluate-button'));
    const error = await within(panel).findByTestId('evaluate-error');
    expect(error.textContent?.trim()).toBe('The model expects 12 inputs; the dataset has 5 feature columns.');
    expect(within(panel).queryByTestId('evaluate-stored')).toBeNull();
    expect(input(panel, 'model-path').value).toBe('/models/credit_rf.onnx');
    expect(input(panel, 'data-path').value).toBe('/data/loans.csv');
    expect((within(panel).getByTestId('target-select') as HTMLSelectElement).value).toBe('defaulted');
    expect((within(panel).getByTestId('evaluate-button') as HTMLButtonElement).disabled).toBe(false);
    expect(calls).toEqual(['list_evaluations', 'preview_dataset', 'evaluate_model_file']);
  });

  it('keeps Evaluate disabled until the model, dataset, name and target are set', async () => {
    mockPanel({ preview_dataset: { ...DATASET_PREVIEW, suggestedTarget: null } });
    render(EvaluationsView);
    const panel = await openPanel();
    const button = within(panel).getByTestId('evaluate-button') as HTMLButtonElement;
    expect(button.disabled).toBe(true);

    await type(panel, 'data-path', '/data/loans.csv');
    const select = await within(panel).findByTestId('target-select');
    expect(button.disabled).toBe(true);

    await fireEvent.change(select, { target: { value: 'defaulted' } });
    expect(button.disabled).toBe(true); // no model yet

    await type(panel, 'model-path', '/x/m.onnx');
    expect(button.disabled).toBe(false);

    // A model name cleared by hand goes back to the file's stem.
    await type(panel, 'model-name', '');
    expect(input(panel, 'model-name').value).toBe('m');
    expect(button.disabled).toBe(false);

    await type(panel, 'model-path', '');
    expect(input(panel, 'model-name').value).toBe('');
    expect(button.disabled).toBe(true);
  });
});

/** An evaluation the test settles by hand, with the job id and progress channel it was given. */
interface PendingRun {
  request: unknown;
  jobId: unknown;
  send: (progress: JobProgress) => void;
  resolve: (summary: EvaluationSummary) => void;
  reject: (error: unknown) => void;
}

/** Mocks the panel with an `evaluate_model_file` that answers only when the test says. */
function mockPendingRuns(overrides: Record<string, unknown> = {}): Calls & { runs: PendingRun[] } {
  const runs: PendingRun[] = [];
  const mocked = mockPanel({
    evaluate_model_file: (args: Record<string, unknown>) =>
      new Promise<EvaluationSummary>((resolve, reject) => {
        runs.push({ request: args.request, jobId: args.jobId, send: channelSender(args.onProgress), resolve, reject });
      }),
    ...overrides,
  });
  return { ...mocked, runs };
}

function progressText(panel: HTMLElement): string {
  return within(panel).getByTestId('evaluate-progress-text').textContent?.trim() ?? '';
}

describe('EvaluationsView: a running evaluation', () => {
  it('shows each stage the backend reports, counting the rows of inference', async () => {
    const { runs } = mockPendingRuns();
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);
    await fireEvent.click(within(panel).getByTestId('evaluate-button'));
    await waitFor(() => expect(runs).toHaveLength(1));
    const run = runs[0]!;

    const bar = () => within(panel).getByTestId('evaluate-progress') as HTMLProgressElement;
    // Before the first message: the busy label and a bar without a value.
    expect(progressText(panel)).toBe('Evaluating…');
    expect(bar().hasAttribute('value')).toBe(false);

    await act(() => run.send({ stage: 'reading', done: 0, total: 0 }));
    expect(progressText(panel)).toBe('Reading files…');
    expect(bar().hasAttribute('value')).toBe(false);

    await act(() => run.send({ stage: 'inference', done: 12345, total: 100000 }));
    expect(progressText(panel)).toBe(
      `Running the model: ${(12345).toLocaleString()} of ${(100000).toLocaleString()} rows`,
    );
    expect(bar().value).toBe(12345);
    expect(bar().max).toBe(100000);
    expect(bar().getAttribute('aria-label')).toBe(progressText(panel));

    await act(() => run.send({ stage: 'scoring', done: 0, total: 0 }));
    expect(progressText(panel)).toBe('Scoring…');
    expect(bar().hasAttribute('value')).toBe(false);
    await act(() => run.send({ stage: 'saving', done: 0, total: 0 }));
    expect(progressText(panel)).toBe('Saving…');
    expect(within(panel).getByTestId('evaluate-running').textContent).toContain('Saving…');

    await act(() => run.resolve(STORED));
    await within(panel).findByTestId('evaluate-stored');
    expect(within(panel).queryByTestId('evaluate-progress')).toBeNull();
    expect(within(panel).queryByTestId('evaluate-cancel')).toBeNull();
  });

  it('cancels the run by its job id and says, without alarm, that nothing was stored', async () => {
    const cancelled: unknown[] = [];
    const { calls, runs } = mockPendingRuns({
      cancel_job: (args: Record<string, unknown>) => {
        cancelled.push(args);
        return true;
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);
    await fireEvent.click(within(panel).getByTestId('evaluate-button'));
    await waitFor(() => expect(runs).toHaveLength(1));
    await act(() => runs[0]!.send({ stage: 'inference', done: 65536, total: 1000000 }));

    const cancel = within(panel).getByTestId('evaluate-cancel') as HTMLButtonElement;
    expect(cancel.textContent?.trim()).toBe('Cancel');
    await fireEvent.click(cancel);
    await waitFor(() => expect(cancelled).toEqual([{ jobId: runs[0]!.jobId }]));
    expect(typeof runs[0]!.jobId).toBe('string');
    // Until the run stops, the button says it is being cancelled and is not pressed twice.
    expect(cancel.textContent?.trim()).toBe('Cancelling…');
    expect(cancel.disabled).toBe(true);

    await act(() =>
      runs[0]!.reject({ code: 'cancelled', message: 'The run was cancelled after 65536 of 1000000 rows' }),
    );
    const note = await within(panel).findByTestId('evaluate-cancelled');
    expect(note.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Cancelled — nothing was stored. The run was cancelled after 65536 of 1000000 rows',
    );
    expect(note.getAttribute('role')).toBe('status');
    expect(within(panel).queryByTestId('evaluate-error')).toBeNull();
    expect(within(panel).queryByTestId('evaluate-stored')).toBeNull();
    expect(within(panel).queryByTestId('evaluate-running')).toBeNull();
    // Nothing was stored, so the list is not read again.
    expect(calls).toEqual(['list_evaluations', 'preview_dataset', 'evaluate_model_file', 'cancel_job']);
    expect((within(panel).getByTestId('evaluate-button') as HTMLButtonElement).disabled).toBe(false);

    // The next run starts clean, under a new job id.
    await fireEvent.click(within(panel).getByTestId('evaluate-button'));
    await waitFor(() => expect(runs).toHaveLength(2));
    expect(within(panel).queryByTestId('evaluate-cancelled')).toBeNull();
    expect(runs[1]!.jobId).not.toBe(runs[0]!.jobId);
  });

  it('shows a failure after Cancel as an error, and offers Cancel again when the job was not running', async () => {
    const answers = [false, true];
    const { calls, runs } = mockPendingRuns({ cancel_job: () => answers.shift() });
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);
    await fireEvent.click(within(panel).getByTestId('evaluate-button'));
    await waitFor(() => expect(runs).toHaveLength(1));
    const cancel = within(panel).getByTestId('evaluate-cancel') as HTMLButtonElement;

    // The backend found no such job running yet: Cancel can be pressed again.
    await fireEvent.click(cancel);
    await waitFor(() => expect(cancel.disabled).toBe(false));
    expect(cancel.textContent?.trim()).toBe('Cancel');
    await fireEvent.click(cancel);
    await waitFor(() => expect(calls.filter((c) => c === 'cancel_job')).toHaveLength(2));
    expect(cancel.textContent?.trim()).toBe('Cancelling…');

    // The run then stops with an error of its own, not a cancellation: it is shown as one.
    await act(() => runs[0]!.reject({ code: 'invalid_input', message: 'The model expects 12 inputs.' }));
    const error = await within(panel).findByTestId('evaluate-error');
    expect(error.textContent?.trim()).toBe('The model expects 12 inputs.');
    expect(within(panel).queryByTestId('evaluate-cancelled')).toBeNull();
    expect(within(panel).queryByTestId('evaluate-running')).toBeNull();
  });

  it('offers to run a cached result again, sending the same request with force', async () => {
    const { requests, calls } = mockPanel({
      evaluate_model_file: (args: Record<string, unknown>) => {
        requests.push(args.request);
        // The first answer is an earlier run's stored result; the forced run is new.
        return { ...STORED, cached: requests.length === 1, id: 3 + requests.length };
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();
    await fill(panel);
    await fireEvent.click(within(panel).getByTestId('evaluate-button'));

    const cached = await within(panel).findByTestId('evaluate-cached');
    expect(cached.textContent).toContain(
      'Same model, data and settings were evaluated before — showing the stored result.',
    );
    const rerun = within(cached).getByTestId('evaluate-rerun');
    expect(rerun.textContent?.trim()).toBe('Run again');

    // What counts is the request that gave the stored result, not what the form says now.
    await type(panel, 'pos-label', 'yes');
    await fireEvent.click(rerun);
    await waitFor(() => expect(within(panel).getByTestId('evaluate-stored').textContent).toContain('#5'));
    expect(within(panel).queryByTestId('evaluate-cached')).toBeNull();
    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual({ ...(requests[0] as object), force: true });
    expect((requests[1] as { posLabel: unknown }).posLabel).toBeNull();
    expect(calls.filter((c) => c === 'evaluate_model_file')).toHaveLength(2);
  });
});

/** A dataset with logged predictions: a label column and one probability column per class. */
const LOGGED_PREVIEW: DatasetPreview = {
  path: '/data/scored.csv',
  rowCount: 500,
  columns: [
    { name: 'income', kind: 'number', missing: 0 },
    { name: 'sex', kind: 'text', missing: 0 },
    { name: 'predicted', kind: 'integer', missing: 0 },
    { name: 'p_0', kind: 'number', missing: 0 },
    { name: 'p_1', kind: 'number', missing: 0 },
    { name: 'defaulted', kind: 'integer', missing: 0 },
  ],
  suggestedTarget: 'defaulted',
};

const LOGGED_STORED: EvaluationSummary = {
  ...STORED,
  id: 4,
  modelName: 'scoring-service',
  modelVersion: 0,
  loggedPredictions: true,
};

function options(panel: HTMLElement, testId: string): string[] {
  const select = within(panel).getByTestId(testId) as HTMLSelectElement;
  return [...select.options].map((o) => o.value);
}

function checkboxValues(panel: HTMLElement, testId: string): string[] {
  return within(panel)
    .queryAllByTestId(testId)
    .map((box) => (box as HTMLInputElement).value);
}

function labelOf(panel: HTMLElement, testId: string): string {
  const field = input(panel, testId);
  return panel.querySelector(`label[for="${field.id}"]`)?.textContent?.trim() ?? '';
}

describe('EvaluationsView: predictions already in the data', () => {
  it('evaluates logged predictions: no model file, a prediction column and probability columns in the dataset’s order', async () => {
    const { requests } = mockPanel({
      preview_dataset: LOGGED_PREVIEW,
      evaluate_model_file: (args: Record<string, unknown>) => {
        requests.push(args.request);
        return LOGGED_STORED;
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();

    const modelSource = within(panel).getByTestId('evaluate-source-model') as HTMLInputElement;
    expect(modelSource.checked).toBe(true);
    await fireEvent.click(within(panel).getByTestId('evaluate-source-logged'));
    expect(within(panel).queryByTestId('model-path')).toBeNull();
    expect(labelOf(panel, 'model-name')).toBe('Name of the system that logged them');
    expect(within(panel).getByTestId('drop-zone').textContent?.trim()).toBe(
      'Drop a CSV or Parquet dataset with the logged predictions here, or type its path.',
    );

    await type(panel, 'data-path', '/data/scored.csv');
    await within(panel).findByTestId('prediction-column');
    const button = within(panel).getByTestId('evaluate-button') as HTMLButtonElement;
    // Every column but the target may hold the predictions.
    expect(options(panel, 'prediction-column')).toEqual(['', 'income', 'sex', 'predicted', 'p_0', 'p_1']);
    await type(panel, 'model-name', 'scoring-service');
    expect(button.disabled).toBe(true); // no prediction column yet

    await fireEvent.change(within(panel).getByTestId('prediction-column'), { target: { value: 'predicted' } });
    expect(button.disabled).toBe(false);
    // Numbers other than the target and the predictions may be probabilities; the hint says their order counts.
    expect(checkboxValues(panel, 'probability-columns')).toEqual(['income', 'p_0', 'p_1']);
    expect(panel.textContent).toContain("sent in the dataset's column order, which must be the model's class order");
    // Neither the target nor the predictions are offered as sensitive.
    expect(sensitiveOptions(panel)).toEqual(['sex']);

    const boxes = within(panel).getAllByTestId('probability-columns') as HTMLInputElement[];
    await fireEvent.click(boxes[2]!); // p_1
    await fireEvent.click(boxes[1]!); // p_0
    await fireEvent.click(within(panel).getAllByTestId('sensitive-option')[0]!); // sex
    await fireEvent.click(button);

    await within(panel).findByTestId('evaluate-stored');
    expect(requests).toEqual([
      {
        modelPath: null,
        dataPath: '/data/scored.csv',
        modelName: 'scoring-service',
        target: 'defaulted',
        posLabel: null,
        sensitive: ['sex'],
        predictionColumn: 'predicted',
        probabilityColumns: ['p_0', 'p_1'],
        force: false,
      },
    ]);
    const detail = await screen.findByTestId('evaluation-detail');
    expect(within(detail).getByRole('heading', { level: 3 }).textContent).toContain(
      'scoring-service · logged predictions',
    );
  });

  it('drops choices that the target or the prediction column take over', async () => {
    mockPanel({ preview_dataset: LOGGED_PREVIEW });
    render(EvaluationsView);
    const panel = await openPanel();
    await fireEvent.click(within(panel).getByTestId('evaluate-source-logged'));
    await type(panel, 'data-path', '/data/scored.csv');
    await within(panel).findByTestId('prediction-column');

    await fireEvent.change(within(panel).getByTestId('prediction-column'), { target: { value: 'predicted' } });
    await fireEvent.click((within(panel).getAllByTestId('probability-columns') as HTMLInputElement[])[1]!); // p_0
    // The probability column becomes the target: it is neither predictions nor probabilities any more.
    await fireEvent.change(within(panel).getByTestId('target-select'), { target: { value: 'p_0' } });
    expect(checkboxValues(panel, 'probability-columns')).toEqual(['income', 'p_1', 'defaulted']);
    expect(
      (within(panel).getAllByTestId('probability-columns') as HTMLInputElement[]).filter((b) => b.checked),
    ).toHaveLength(0);

    // The prediction column becomes the target: a prediction column must be chosen again.
    await fireEvent.change(within(panel).getByTestId('target-select'), { target: { value: 'predicted' } });
    expect((within(panel).getByTestId('prediction-column') as HTMLSelectElement).value).toBe('');
    expect((within(panel).getByTestId('evaluate-button') as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps the model file for model runs and the model name apart from a system’s name', async () => {
    mockPanel();
    render(EvaluationsView);
    const panel = await openPanel();
    await type(panel, 'model-path', '/models/credit_rf.onnx');
    expect(input(panel, 'model-name').value).toBe('credit_rf');

    // The name came from the model file, so it names no system that logged predictions.
    await fireEvent.click(within(panel).getByTestId('evaluate-source-logged'));
    expect(input(panel, 'model-name').value).toBe('');
    await fireEvent.click(within(panel).getByTestId('evaluate-source-model'));
    expect(input(panel, 'model-path').value).toBe('/models/credit_rf.onnx');
    expect(input(panel, 'model-name').value).toBe('credit_rf');
    expect(labelOf(panel, 'model-name')).toBe('Model name');
  });

  it('stays on logged predictions when only a dataset is dropped, and switches to the model when one is', async () => {
    mockPanel({ preview_dataset: LOGGED_PREVIEW });
    render(EvaluationsView);
    const panel = await openPanel();
    await fireEvent.click(within(panel).getByTestId('evaluate-source-logged'));

    await playDragDrop({ type: 'drop', paths: ['/data/scored.csv'], position: POSITION });
    expect(input(panel, 'data-path').value).toBe('/data/scored.csv');
    expect((within(panel).getByTestId('evaluate-source-logged') as HTMLInputElement).checked).toBe(true);
    await within(panel).findByTestId('prediction-column');

    await playDragDrop({ type: 'drop', paths: ['/models/m.onnx'], position: POSITION });
    expect((within(panel).getByTestId('evaluate-source-model') as HTMLInputElement).checked).toBe(true);
    expect(input(panel, 'model-path').value).toBe('/models/m.onnx');
    expect(input(panel, 'model-name').value).toBe('m');
    expect(within(panel).queryByTestId('prediction-column')).toBeNull();
  });
});

describe('EvaluationsView: logged and cancelled evaluations in the list', () => {
  it('names logged predictions by their system and shows a cancelled evaluation as such', async () => {
    const logged: EvaluationSummary = {
      ...EVALUATIONS[0]!,
      id: 9,
      modelName: 'scoring-service',
      modelVersion: 0,
      loggedPredictions: true,
    };
    const cancelled: EvaluationSummary = {
      ...EVALUATIONS[1]!,
      id: 8,
      status: 'cancelled',
      errorMessage: 'The run was cancelled after 512 of 4000 rows',
    };
    mockCommands({
      list_evaluations: [logged, cancelled],
      get_evaluation: { ...EVALUATION_DETAIL, summary: cancelled },
      get_evaluation_charts: [],
    });
    render(EvaluationsView);

    const rows = await screen.findAllByTestId('evaluation-row');
    expect(within(rows[0]!).getByTestId('evaluation-model').textContent).toBe('scoring-service · logged predictions');
    expect(within(rows[1]!).getByTestId('evaluation-model').textContent).toBe('credit-risk v1');
    expect(within(rows[1]!).getByTestId('evaluation-status').textContent).toBe('Cancelled');

    await fireEvent.click(rows[1]!);
    const detail = await screen.findByTestId('detail-cancelled');
    expect(detail.textContent?.trim()).toBe(
      'This evaluation was cancelled before it finished: The run was cancelled after 512 of 4000 rows',
    );
    expect(screen.queryByTestId('detail-error')).toBeNull();
  });
  it('shows the logged-prediction columns and explicit model inputs among the settings', async () => {
    const logged: EvaluationSummary = {
      ...EVALUATIONS[0]!,
      id: 9,
      modelName: 'scoring-service',
      modelVersion: 0,
      loggedPredictions: true,
    };
    mockCommands({
      list_evaluations: [logged, EVALUATIONS[1]!],
      get_evaluation: (args: Record<string, unknown>) =>
        args.id === 9
          ? {
              ...EVALUATION_DETAIL,
              summary: logged,
              settings:
                '{"target":"y","pos_label":null,"sensitive":[["sex"]],"prediction_column":"y_pred","probability_columns":["p_0","p_1"]}',
            }
          : {
              ...EVALUATION_DETAIL,
              summary: EVALUATIONS[1]!,
              settings:
                '{"target":"y","pos_label":null,"sensitive":[],"inputs":[{"input":"X","columns":["a","b"]},{"input":"mask","columns":["m"]}]}',
            },
      get_evaluation_charts: [],
    });
    render(EvaluationsView);
    const settingText = (testId: string) =>
      screen.getByTestId(testId).textContent?.replace(/\s+/g, ' ').trim();

    const rows = await screen.findAllByTestId('evaluation-row');
    await fireEvent.click(rows[0]!);
    await screen.findByTestId('setting-prediction-column');
    expect(settingText('setting-prediction-column')).toBe('y_pred');
    expect(settingText('setting-probability-columns')).toBe('p_0, p_1');
    expect(screen.queryByTestId('setting-inputs')).toBeNull();

    await fireEvent.click(rows[1]!);
    await screen.findByTestId('setting-inputs');
    expect(settingText('setting-inputs')).toBe('X = a, b; mask = m');
    expect(screen.queryByTestId('setting-prediction-column')).toBeNull();
    expect(screen.queryByTestId('setting-probability-columns')).toBeNull();
  });
});


describe('EvaluationsView: compare versions', () => {
  function select(panel: HTMLElement, testId: string): HTMLSelectElement {
    return within(panel).getByTestId(testId) as HTMLSelectElement;
  }

  async function openPanel(): Promise<HTMLElement> {
    await screen.findAllByTestId('evaluation-row');
    const toggle = screen.getByTestId('compare-toggle');
    expect(toggle.textContent?.trim()).toBe('Compare versions');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('compare-panel')).toBeNull();
    await fireEvent.click(toggle);
    return screen.getByTestId('compare-panel');
  }

  function text(el: Element): string {
    return el.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  }

  it('picks the two newest finished classifications on one dataset, champion the older', async () => {
    const calls = mockCommands({ list_evaluations: COMPARABLE_EVALUATIONS });
    render(EvaluationsView);
    const panel = await openPanel();

    const first = select(panel, 'compare-first');
    const second = select(panel, 'compare-second');
    expect(first.value).toBe('3');
    expect(second.value).toBe('7');
    const options = [...first.options].filter((o) => o.value !== '').map((o) => o.textContent?.trim());
    expect(options).toEqual([
      '#7 · credit-risk v3 on loans-2024q1',
      '#6 · house-prices v1 on houses',
      '#5 · sentiment v2 on reviews',
      '#4 · credit-risk v3 on loans-2024q1 (failed)',
      '#3 · credit-risk v2 on loans-2024q1',
      '#2 · sentiment v1 on reviews',
    ]);
    expect((within(panel).getByTestId('compare-run') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('comparison')).toBeNull();
    expect(calls).toEqual(['list_evaluations']);
  });

  it('falls back to the two newest evaluations when no two classifications share a dataset', async () => {
    mockCommands({ list_evaluations: EVALUATIONS });
    render(EvaluationsView);
    const panel = await openPanel();

    expect(select(panel, 'compare-first').value).toBe('2');
    expect(select(panel, 'compare-second').value).toBe('3');
  });

  it('sends the chosen pair and shows the metrics, tests, groups and disagreements', async () => {
    const asked: unknown[] = [];
    const calls = mockCommands({
      list_evaluations: COMPARABLE_EVALUATIONS,
      compare_evaluations: (args: Record<string, unknown>) => {
        asked.push(args);
        return COMPARISON;
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();

    await fireEvent.click(within(panel).getByTestId('compare-run'));
    const comparison = await within(panel).findByTestId('comparison');
    expect(asked).toEqual([{ firstId: 3, secondId: 7 }]);
    expect(calls).toEqual(['list_evaluations', 'compare_evaluations']);

    expect(text(within(comparison).getByTestId('comparison-models'))).toBe(
      'Champion credit-risk v2 against challenger credit-risk v3 on 4,000 rows',
    );

    const metrics = within(comparison).getAllByTestId('comparison-metric');
    expect(metrics.map(cellTexts)).toEqual([
      ['Accuracy', '0.9175', '0.9300', '+0.0125[+0.0042, +0.0208] (the interval excludes 0)'],
      ['Balanced accuracy', '0.8800', '0.8712', '-0.0088'],
      ['F1 (macro)', '0.8765', '0.8800', '+0.0035'],
      ['ROC AUC', '0.9510', '0.9532', '+0.0022[-0.0031, +0.0075]'],
      ['Log loss', '0.2412', '—', '—'],
    ]);
    const name = metrics[0]!.querySelector('th')!;
    expect(name.getAttribute('title')).toBe('Share of rows whose predicted class equals the true class.');
    expect(metrics[2]!.querySelector('th')!.getAttribute('title')).toBe('Harmonic mean of precision and recall.');
    const differences = within(comparison).getAllByTestId('comparison-difference');
    expect(differences.map((d) => d.classList.contains('clear'))).toEqual([true, false, false, false, false]);
    expect(within(comparison).getAllByTestId('comparison-interval')).toHaveLength(2);

    expect(text(within(comparison).getByTestId('comparison-mcnemar'))).toBe(
      'McNemar: only the first right: 31 rows; only the second right: 81 rows; exact p = 2.1e-6',
    );
    expect(text(within(comparison).getByTestId('comparison-delong'))).toBe(
      'DeLong: ROC AUC difference z = 0.8123, p = 0.4166',
    );

    const groups = within(comparison).getAllByTestId('comparison-group');
    expect(groups.map(cellTexts)).toEqual([
      ['gender', 'f', '1,890', '0.9100', '0.9350', '+0.0250'],
      ['gender', 'm', '2,110', '0.9245', '0.9255', '+0.0010'],
    ]);

    const disagreements = within(comparison).getByTestId('comparison-disagreements');
    expect(text(disagreements)).toBe(
      'The models disagree on 154 rows of 4,000. The first 4 (row numbers from 1): 3, 17, 42, 1,208',
    );
    expect(within(disagreements).getByTestId('comparison-disagreeing-rows').textContent).toBe('3, 17, 42, 1,208');
  });

  it('sends the pair the user picks and leaves DeLong out when the engine gives none', async () => {
    const asked: unknown[] = [];
    mockCommands({
      list_evaluations: COMPARABLE_EVALUATIONS,
      compare_evaluations: (args: Record<string, unknown>) => {
        asked.push(args);
        return {
          ...COMPARISON,
          delong_z: null,
          delong_pvalue: null,
          groups: [],
          disagreements: 0,
          disagreeing_rows: [],
        };
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();

    const run = within(panel).getByTestId('compare-run') as HTMLButtonElement;
    await fireEvent.change(select(panel, 'compare-first'), { target: { value: '7' } });
    expect(run.disabled).toBe(true);
    expect(within(panel).getByTestId('compare-same')).toBeTruthy();
    await fireEvent.change(select(panel, 'compare-second'), { target: { value: '2' } });
    expect(run.disabled).toBe(false);
    expect(within(panel).queryByTestId('compare-same')).toBeNull();

    await fireEvent.click(run);
    const comparison = await within(panel).findByTestId('comparison');
    expect(asked).toEqual([{ firstId: 7, secondId: 2 }]);
    expect(within(comparison).getByTestId('comparison-mcnemar')).toBeTruthy();
    expect(within(comparison).queryByTestId('comparison-delong')).toBeNull();
    expect(within(comparison).queryAllByTestId('comparison-group')).toHaveLength(0);
    expect(text(within(comparison).getByTestId('comparison-disagreements'))).toBe('The models agree on every row.');

    // Another pick clears the result of the previous pair.
    await fireEvent.change(select(panel, 'compare-second'), { target: { value: '3' } });
    expect(within(panel).queryByTestId('comparison')).toBeNull();
  });

  it('shows the engine\'s refusal and no result', async () => {
    mockCommands({
      list_evaluations: COMPARABLE_EVALUATIONS,
      compare_evaluations: () => {
        throw {
          code: 'invalid_input',
          message: 'Evaluations 6 and 7 are on different datasets (houses, loans-2024q1); only evaluations on the same dataset and target can be compared.',
        };
      },
    });
    render(EvaluationsView);
    const panel = await openPanel();

    await fireEvent.change(select(panel, 'compare-first'), { target: { value: '6' } });
    await fireEvent.click(within(panel).getByTestId('compare-run'));
    const error = await within(panel).findByTestId('compare-error');
    expect(error.textContent).toBe(
      'Evaluations 6 and 7 are on different datasets (houses, loans-2024q1); only evaluations on the same dataset and target can be compared.',
    );
    expect(error.getAttribute('role')).toBe('alert');
    expect(within(panel).queryByTestId('comparison')).toBeNull();
    expect(panel.getAttribute('aria-busy')).toBe('false');
  });

  it('has no compare panel when there are no evaluations', async () => {
    mockCommands({ list_evaluations: [] });
    render(EvaluationsView);
    await screen.findByTestId('empty-state');
    expect(screen.queryByTestId('compare-toggle')).toBeNull();
  });
});
