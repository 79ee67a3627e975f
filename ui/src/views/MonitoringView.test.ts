import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import MonitoringView from './MonitoringView.svelte';
import type { DatasetPreview, MonitoringDetail, MonitoringRunSummary } from '../lib/bindings';
import {
  DATASET_PREVIEW,
  DRIFT_CELL,
  HEATMAP_TITLE,
  MONITORING_DETAIL,
  MONITORING_RUNS,
  mockCommands,
  svgOf,
} from '../test/fixtures';

// The webview's drag-and-drop events: the handler the form registers is kept here so
// the tests can play drops.
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

function text(element: Element | null | undefined): string {
  return element?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function cellTexts(row: Element): string[] {
  return [...row.querySelectorAll('th, td')].map(text);
}

/** The data-only run of the fixtures, with one window and no model. */
const DATA_ONLY: MonitoringDetail = {
  summary: MONITORING_RUNS[1]!,
  estimateNote: null,
  windows: [{ ...MONITORING_DETAIL.windows[2]!, label: 'rows 1–500', short_label: '1', start: '1', end: '500', performance: [], estimated_accuracy: null, fairness: [] }],
  columns: ['temperature'],
  cells: [[{ level: 0.2, drifted: false, score: 0.04, method: 'K-S p_value' }]],
  charts: [
    { key: 'drift_share', title: 'Drifted columns over time', svg: svgOf('share drifted') },
    { key: 'heatmap', title: HEATMAP_TITLE, svg: svgOf('heatmap') },
  ],
};

function mockMonitoring(overrides: Record<string, unknown> = {}) {
  const monitoringIds: unknown[] = [];
  const cellArgs: unknown[] = [];
  const calls = mockCommands({
    list_monitoring_runs: MONITORING_RUNS,
    get_monitoring: (args: Record<string, unknown>) => {
      monitoringIds.push(args.id);
      return args.id === 7 ? MONITORING_DETAIL : DATA_ONLY;
    },
    get_drift_cell: (args: Record<string, unknown>) => {
      cellArgs.push(args);
      return DRIFT_CELL;
    },
    ...overrides,
  });
  return { calls, monitoringIds, cellArgs };
}

async function openDetail(): Promise<HTMLElement> {
  const detail = await screen.findByTestId('monitoring-detail');
  await within(detail).findByTestId('drift-heatmap');
  return detail;
}

function heatCell(column: string, window: number): HTMLElement {
  const cell = screen
    .getAllByTestId('heat-cell')
    .find((c) => c.dataset.column === column && c.dataset.window === String(window));
  if (!cell) throw new Error(`no heat cell ${column}/${window}`);
  return cell;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('MonitoringView', () => {
  it('lists the runs and opens the first one', async () => {
    const { calls, monitoringIds } = mockMonitoring();
    render(MonitoringView);

    const rows = await screen.findAllByTestId('run-row');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.tagName).toBe('BUTTON');
    const [model, dataOnly] = rows as [HTMLElement, HTMLElement];

    expect(text(within(model).getByTestId('run-model'))).toBe('credit-risk v2');
    expect(text(within(model).getByTestId('run-dataset'))).toBe('credit-applications');
    expect(text(within(model).getByTestId('run-window'))).toBe('4 windows of week');
    expect(text(within(model).getByTestId('run-reference'))).toBe(
      'Reference: the first 2 windows of credit-applications (660 rows)',
    );
    expect(text(within(model).getByTestId('run-latest'))).toBe(
      'Latest: week of 2026-03-23 — 66.7% of columns drifted',
    );

    expect(text(within(dataOnly).getByTestId('run-model'))).toBe('data only');
    expect(text(within(dataOnly).getByTestId('run-window'))).toBe('3 windows of 500 rows');
    expect(text(within(dataOnly).getByTestId('run-latest'))).toBe('Latest: rows 1001–1500 — 0.0% of columns drifted');

    // The newest run is open without a click.
    await openDetail();
    expect(rows.map((r) => r.getAttribute('aria-pressed'))).toEqual(['true', 'false']);
    expect(calls).toEqual(['list_monitoring_runs', 'get_monitoring']);
    expect(monitoringIds).toEqual([7]);
    expect(document.documentElement.dataset.ready).toBe('true');
  });

  it('shows the accuracy on feedback-labelled rows where a window has any', async () => {
    mockMonitoring();
    render(MonitoringView);
    const detail = await openDetail();
    const lines = within(detail).getAllByTestId('window-feedback-accuracy');
    expect(lines).toHaveLength(1);
    expect(text(lines[0] as HTMLElement)).toBe('on feedback labels: 0.6667 (3 rows)');
  });

  it('shows the run’s reference, estimate note and charts, the heatmap as a grid rather than an image', async () => {
    mockMonitoring();
    render(MonitoringView);
    const detail = await openDetail();

    expect(text(within(detail).getByRole('heading', { level: 3 }))).toBe('credit-risk v2 on credit-applications');
    expect(text(within(detail).getByTestId('detail-reference'))).toBe(
      'the first 2 windows of credit-applications (660 rows)',
    );
    expect(text(within(detail).getByTestId('detail-windows'))).toBe('4 windows of week');
    expect(text(within(detail).getByTestId('estimate-note'))).toBe(MONITORING_DETAIL.estimateNote);

    const charts = within(detail).getAllByTestId('chart');
    expect(charts.map((c) => c.getAttribute('alt'))).toEqual([
      'Accuracy over time',
      'Fairness gap over time',
      'Drifted columns over time',
    ]);
    expect(charts[0]!.getAttribute('src')).toBe(
      `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgOf('accuracy'))}`,
    );
    expect(within(detail).getAllByTestId('chart-title').map(text)).toEqual([
      'Accuracy over time',
      'Fairness gap over time',
      'Drifted columns over time',
    ]);
    expect(detail.querySelector(`img[alt="${HEATMAP_TITLE}"]`)).toBeNull();

    // Every chart, the heatmap included, can be saved.
    for (const figure of within(detail).getAllByTestId('chart-figure')) {
      expect(within(figure).getByTestId('save-svg').textContent?.trim()).toBe('Save SVG');
      expect(within(figure).getByTestId('save-png').textContent?.trim()).toBe('Save PNG');
    }
    const heatmap = within(detail).getByTestId('drift-heatmap');
    expect(within(heatmap).getByRole('button', { name: 'Save Drift heatmap as SVG' })).toBeTruthy();
    expect(within(heatmap).getByRole('button', { name: 'Save Drift heatmap as PNG' })).toBeTruthy();

    // Colours come from classes: the app's CSP allows no inline styles.
    expect(detail.querySelector('[style]')).toBeNull();
  });

  it('draws one cell per column and window, shaded by level, with markers where the engine says drifted', async () => {
    mockMonitoring();
    render(MonitoringView);
    const detail = await openDetail();
    const heatmap = within(detail).getByTestId('drift-heatmap');

    const headers = within(heatmap).getAllByTestId('heat-window');
    expect(headers.map((h) => h.querySelector('.window-text')?.textContent)).toEqual([
      '03-02',
      '03-09',
      '03-16',
      '03-23',
    ]);
    expect(headers.map((h) => h.getAttribute('title'))).toEqual([
      'week of 2026-03-02 (part of the reference)',
      'week of 2026-03-09 (part of the reference)',
      'week of 2026-03-16',
      'week of 2026-03-23',
    ]);
    expect(headers.map((h) => within(h).queryByTestId('reference-tag') !== null)).toEqual([true, true, false, false]);
    expect([...heatmap.querySelectorAll('tbody th[scope=row]')].map(text)).toEqual(['income', 'utilization', 'sex']);

    // 3 columns × 4 windows: 11 results and one column without a result in a window.
    const cells = within(heatmap).getAllByTestId('heat-cell');
    const empty = within(heatmap).getAllByTestId('heat-cell-empty');
    expect(cells.length + empty.length).toBe(12);
    expect(cells).toHaveLength(11);
    for (const cell of cells) expect(cell.tagName).toBe('BUTTON');
    expect(empty.map((e) => [e.dataset.column, e.dataset.window, e.getAttribute('title')])).toEqual([
      ['utilization', '1', 'utilization, week of 2026-03-09 (reference window): no result'],
    ]);
    expect(empty[0]!.tagName).not.toBe('BUTTON');

    expect(cells.map((c) => `${c.dataset.column}/${c.dataset.window}`)).toEqual([
      'income/0',
      'income/1',
      'income/2',
      'income/3',
      'utilization/0',
      'utilization/2',
      'utilization/3',
      'sex/0',
      'sex/1',
      'sex/2',
      'sex/3',
    ]);
    const drifted = cells.filter((c) => within(c).queryByTestId('drift-marker'));
    expect(drifted.map((c) => `${c.dataset.column}/${c.dataset.window}`)).toEqual([
      'income/2',
      'income/3',
      'utilization/3',
    ]);
    expect(within(drifted[0]!).getByTestId('drift-marker').textContent).toBe('●');

    expect(heatCell('income', 2).getAttribute('aria-label')).toBe(
      'income, week of 2026-03-16: drifted (Wasserstein distance (normed) 0.2345)',
    );
    expect(heatCell('sex', 0).getAttribute('aria-label')).toBe(
      'sex, week of 2026-03-02 (reference window): not drifted (Jensen-Shannon distance 0.0100)',
    );
    // Shading follows the engine's level: white at 0, amber at the threshold (0.5), red at 1.
    expect(heatCell('income', 0).classList.contains('heat-1')).toBe(true);
    expect(heatCell('income', 2).classList.contains('heat-10')).toBe(true);
    expect(heatCell('utilization', 3).classList.contains('heat-6')).toBe(true);
    expect(heatCell('sex', 2).classList.contains('heat-5')).toBe(true);
  });

  it('opens a cell: asks get_drift_cell for the run, window index and column, and shows how the verdict was reached', async () => {
    const { calls, cellArgs } = mockMonitoring();
    render(MonitoringView);
    await openDetail();
    expect(screen.queryByTestId('drift-cell-detail')).toBeNull();

    const cell = heatCell('income', 2);
    await fireEvent.click(cell);
    const panel = await screen.findByTestId('drift-cell-detail');
    expect(cellArgs).toEqual([{ id: 7, window: 2, column: 'income' }]);
    expect(calls).toEqual(['list_monitoring_runs', 'get_monitoring', 'get_drift_cell']);
    expect(cell.getAttribute('aria-pressed')).toBe('true');
    expect(heatCell('income', 3).getAttribute('aria-pressed')).toBe('false');

    expect(text(within(panel).getByRole('heading', { level: 4 }))).toBe('income in week of 2026-03-16');
    expect(text(await within(panel).findByTestId('cell-verdict'))).toBe('Drifted');
    expect(text(within(panel).getByTestId('cell-method'))).toBe('Wasserstein distance (normed)');
    expect(text(within(panel).getByTestId('cell-score'))).toBe('0.2345 vs threshold 0.1000');
    expect(text(within(panel).getByTestId('cell-kind'))).toBe('numerical');
    expect(text(within(panel).getByTestId('cell-reason'))).toBe(`Why this method: ${DRIFT_CELL.reason}`);

    const statistics = within(panel).getByTestId('cell-statistics');
    expect(cellTexts(statistics.querySelector('thead tr')!)).toEqual(['Statistic', 'Value', 'Note']);
    expect(within(statistics).getAllByTestId('statistic-row').map(cellTexts)).toEqual([
      ['KS statistic D', '0.2101', ''],
      ['KS p-value', '3.2e-12', "exact (scipy's choice by sample size)"],
      ['Wasserstein distance', '2875.5000', ''],
      ["Wasserstein distance (normed by the reference's std)", '0.2345', ''],
      ['PSI (reference deciles)', '0.3012', ''],
      ['Jensen–Shannon distance (reference deciles)', '—', ''],
    ]);

    const chart = within(panel).getByTestId('chart');
    expect(chart.getAttribute('alt')).toBe('income distribution');
    expect(chart.getAttribute('src')).toBe(
      `data:image/svg+xml;charset=utf-8,${encodeURIComponent(DRIFT_CELL.chart.svg)}`,
    );
    expect(within(panel).getByTestId('save-png')).toBeTruthy();

    await fireEvent.click(within(panel).getByTestId('drift-cell-close'));
    expect(screen.queryByTestId('drift-cell-detail')).toBeNull();
    expect(cell.getAttribute('aria-pressed')).toBe('false');
  });

  it('shows a cell that did not drift as such', async () => {
    mockMonitoring({
      get_drift_cell: { ...DRIFT_CELL, window: 'week of 2026-03-02', drifted: false, score: 0.02, reason: '' },
    });
    render(MonitoringView);
    await openDetail();

    await fireEvent.click(heatCell('income', 0));
    const panel = await screen.findByTestId('drift-cell-detail');
    expect(text(await within(panel).findByTestId('cell-verdict'))).toBe('No drift');
    expect(text(within(panel).getByTestId('cell-score'))).toBe('0.0200 vs threshold 0.1000');
    expect(within(panel).queryByTestId('cell-reason')).toBeNull();
  });

  it('shows the message when get_drift_cell fails, and retries', async () => {
    let fail = true;
    const { cellArgs } = mockMonitoring({
      get_drift_cell: (args: Record<string, unknown>) => {
        cellArgs.push(args);
        if (fail) throw { code: 'not_found', message: 'column sex in window 9 of monitoring run 7' };
        return DRIFT_CELL;
      },
    });
    render(MonitoringView);
    await openDetail();

    await fireEvent.click(heatCell('sex', 3));
    const panel = await screen.findByTestId('drift-cell-detail');
    const error = await within(panel).findByTestId('error');
    expect(error.textContent).toContain('Could not load the drift result.');
    expect(error.textContent).toContain('column sex in window 9 of monitoring run 7');
    expect(error.textContent).not.toContain('not_found');

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await within(panel).findByTestId('cell-statistics')).toBeTruthy();
    expect(cellArgs).toEqual([
      { id: 7, window: 3, column: 'sex' },
      { id: 7, window: 3, column: 'sex' },
    ]);
  });

  it('lists every window’s numbers in a table', async () => {
    mockMonitoring();
    render(MonitoringView);
    const detail = await openDetail();

    const table = within(detail).getByTestId('window-table');
    expect(cellTexts(table.querySelector('thead tr')!)).toEqual([
      'Window',
      'Rows',
      'Drifted columns',
      'Accuracy [95% CI]',
      'Estimated accuracy',
      'Other metrics',
      'Fairness gaps',
      'Warnings',
    ]);
    const rows = within(table).getAllByTestId('window-row');
    // Warnings are a list each; they are compared item by item below.
    const withoutWarningLists = (row: Element) =>
      cellTexts(row).map((cell, i, all) => (i === all.length - 1 && row.querySelector('ul') ? '' : cell));
    expect(rows.map(withoutWarningLists)).toEqual([
      [
        'week of 2026-03-02 reference',
        '330',
        '0 / 3 (0.0%)',
        '0.8212 [0.7803, 0.8606]',
        '0.8105 estimate',
        'Balanced accuracy 0.7511',
        'sex DPD 0.0412 · EOD 0.0634',
        '—',
      ],
      [
        'week of 2026-03-09 reference',
        '330',
        '0 / 2 (0.0%)',
        '0.8303 [0.7909, 0.8697] on feedback labels: 0.6667 (3 rows)',
        '0.8154 estimate',
        '—',
        'sex DPD 0.0388 · EOD 0.0571',
        '—',
      ],
      [
        'week of 2026-03-16',
        '341',
        '1 / 3 (33.3%)',
        '0.7801 [0.7351, 0.8211]',
        '0.7902 estimate',
        '—',
        'sex DPD 0.0521 · EOD 0.0987',
        '—',
      ],
      [
        'week of 2026-03-23',
        '12',
        '2 / 3 (66.7%) dataset drift',
        '—',
        '0.7433 estimate',
        '—',
        '—',
        '',
      ],
    ]);
    expect(within(rows[3]!).getAllByRole('listitem').map(text)).toEqual([
      'only 12 rows: the drift tests have little power',
      'some rows have no label: realised performance not computed',
    ]);
    expect(within(rows[0]!).getByText('DPD').getAttribute('title')).toBe('Demographic parity difference');
  });

  it('loads another run when it is chosen, and closes the open cell', async () => {
    const { monitoringIds } = mockMonitoring();
    render(MonitoringView);
    await openDetail();
    await fireEvent.click(heatCell('income', 2));
    await screen.findByTestId('drift-cell-detail');

    const rows = screen.getAllByTestId('run-row');
    await fireEvent.click(rows[1]!);
    await waitFor(() => expect(screen.getAllByTestId('heat-cell')).toHaveLength(1));
    expect(monitoringIds).toEqual([7, 5]);
    expect(rows.map((r) => r.getAttribute('aria-pressed'))).toEqual(['false', 'true']);
    expect(screen.queryByTestId('drift-cell-detail')).toBeNull();

    const detail = screen.getByTestId('monitoring-detail');
    expect(text(within(detail).getByRole('heading', { level: 3 }))).toBe('data only on sensor-readings');
    expect(within(detail).queryByTestId('estimate-note')).toBeNull();
    // Windows are headed by the engine's short label (for row windows, the first row), titled by the full one.
    expect(text(within(detail).getByTestId('heat-window'))).toBe('1');
    expect(within(detail).getByTestId('heat-window').getAttribute('title')).toBe('rows 1–500');
    expect(within(detail).getAllByTestId('chart').map((c) => c.getAttribute('alt'))).toEqual([
      'Drifted columns over time',
    ]);
    // No realised metric in any window: no "Other metrics" column.
    expect(cellTexts(within(detail).getByTestId('window-table').querySelector('thead tr')!)).not.toContain(
      'Other metrics',
    );
  });

  it('moves between cells with the arrow keys, skipping cells without a result', async () => {
    mockMonitoring();
    render(MonitoringView);
    await openDetail();

    const tabStops = screen.getAllByTestId('heat-cell').filter((c) => c.getAttribute('tabindex') === '0');
    expect(tabStops).toEqual([heatCell('income', 0)]);

    heatCell('income', 1).focus();
    await fireEvent.keyDown(heatCell('income', 1), { key: 'ArrowDown' });
    // utilization has no result in window 1: focus goes on to sex.
    await waitFor(() => expect(document.activeElement).toBe(heatCell('sex', 1)));
    await fireEvent.keyDown(heatCell('sex', 1), { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement).toBe(heatCell('sex', 2)));
    await fireEvent.keyDown(heatCell('sex', 2), { key: 'ArrowUp' });
    await waitFor(() => expect(document.activeElement).toBe(heatCell('utilization', 2)));
    // At the edge, focus stays.
    await fireEvent.keyDown(heatCell('utilization', 2), { key: 'ArrowUp' });
    await fireEvent.keyDown(heatCell('income', 2), { key: 'ArrowUp' });
    expect(document.activeElement).toBe(heatCell('income', 2));

    expect(screen.getAllByTestId('heat-cell').filter((c) => c.getAttribute('tabindex') === '0')).toEqual([
      heatCell('income', 2),
    ]);
  });

  it('saves the heatmap SVG through save_export, named after the run, and shows where it went', async () => {
    const saves: Array<Record<string, unknown>> = [];
    const { calls } = mockMonitoring({
      save_export: (args: Record<string, unknown>) => {
        saves.push(args);
        return '/home/alice/.local/share/vigil/exports/credit-risk-v2-credit-applications-drift-heatmap.svg';
      },
    });
    render(MonitoringView);
    const heatmap = within(await openDetail()).getByTestId('drift-heatmap');

    expect(within(heatmap).queryByTestId('export-saved')).toBeNull();
    await fireEvent.click(within(heatmap).getByTestId('save-svg'));

    const saved = await within(heatmap).findByTestId('export-saved');
    expect(text(saved)).toBe(
      'Saved to /home/alice/.local/share/vigil/exports/credit-risk-v2-credit-applications-drift-heatmap.svg',
    );
    expect(calls.filter((c) => c === 'save_export')).toHaveLength(1);
    expect(saves).toHaveLength(1);
    expect(saves[0]!.fileName).toBe('credit-risk-v2-credit-applications-drift-heatmap.svg');
    // The heatmap's SVG document, as UTF-8 bytes.
    expect(new TextDecoder().decode(Uint8Array.from(saves[0]!.bytes as number[]))).toBe(svgOf('heatmap'));
    expect(screen.queryByTestId('export-error')).toBeNull();
    // No download link was made.
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('shows the backend’s message when save_export fails', async () => {
    mockMonitoring({
      save_export: () => {
        throw { code: 'storage', message: 'The exports folder is not writable.' };
      },
    });
    render(MonitoringView);
    const heatmap = within(await openDetail()).getByTestId('drift-heatmap');

    await fireEvent.click(within(heatmap).getByTestId('save-svg'));

    const error = await within(heatmap).findByTestId('export-error');
    expect(text(error)).toBe('The exports folder is not writable.');
    expect(within(heatmap).queryByTestId('export-saved')).toBeNull();
  });

  it('shows an empty state when there are no runs', async () => {
    const calls = mockCommands({ list_monitoring_runs: [] });
    render(MonitoringView);

    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('No monitoring runs yet.');
    expect(empty.textContent).toContain('Start one with New monitoring above');
    expect(empty.textContent).toContain('vigil monitor');
    expect(empty.textContent).toContain('demo workspace');
    // With no runs yet, the form is open.
    expect(screen.getByTestId('new-monitoring').getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('monitor-form')).toBeTruthy();
    expect(screen.getByTestId('view-monitoring').contains(empty)).toBe(true);
    expect(screen.queryAllByTestId('run-row')).toHaveLength(0);
    expect(calls).toEqual(['list_monitoring_runs']);
  });

  it('shows the error of list_monitoring_runs and reloads on Retry', async () => {
    let fail = true;
    const calls = mockCommands({
      list_monitoring_runs: () => {
        if (fail) throw { code: 'storage', message: 'The workspace database is locked.' };
        return MONITORING_RUNS;
      },
      get_monitoring: MONITORING_DETAIL,
    });
    render(MonitoringView);

    const error = await screen.findByTestId('error');
    expect(error.textContent).toContain('Could not load monitoring runs.');
    expect(error.textContent).toContain('The workspace database is locked.');
    expect(document.documentElement.dataset.ready).toBe('true');

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('run-row')).toHaveLength(2);
    await openDetail();
    expect(calls).toEqual(['list_monitoring_runs', 'list_monitoring_runs', 'get_monitoring']);
  });

  it('shows the message when get_monitoring fails', async () => {
    mockMonitoring({
      get_monitoring: () => {
        throw { code: 'storage', message: 'The monitoring result of run 7 cannot be read.' };
      },
    });
    render(MonitoringView);

    const detail = await screen.findByTestId('monitoring-detail');
    const error = await within(detail).findByTestId('error');
    expect(error.textContent).toContain('Could not load the monitoring run.');
    expect(error.textContent).toContain('The monitoring result of run 7 cannot be read.');
    expect(within(detail).queryByTestId('drift-heatmap')).toBeNull();
  });
});

const STORED_RUN: MonitoringRunSummary = {
  ...MONITORING_RUNS[0]!,
  id: 9,
  modelName: 'credit_rf',
  modelVersion: 1,
  modelVersionId: 20,
  datasetName: 'loans',
  window: 'month',
  reference: 'the first 3 windows of loans (600 rows)',
  windows: 6,
  cached: false,
};

/** The preview of a dataset with an `id` column, which the form leaves out of drift by default. */
const SENSOR_PREVIEW: DatasetPreview = {
  path: '/data/sensors.csv',
  rowCount: 3000,
  columns: [
    { name: 'id', kind: 'integer', missing: 0 },
    { name: 'site', kind: 'text', missing: 0 },
    { name: 'temperature', kind: 'number', missing: 4 },
    { name: 'read_at', kind: 'timestamp', missing: 0 },
    { name: 'logged_at', kind: 'timestamp', missing: 0 },
    { name: 'label', kind: 'boolean', missing: 0 },
  ],
  suggestedTarget: 'label',
};

interface FormCalls {
  calls: string[];
  previews: unknown[];
  requests: unknown[];
  monitoringIds: unknown[];
}

/** The form's commands; `list_monitoring_runs` gains the stored run once monitoring ran. */
function mockForm(overrides: Record<string, unknown> = {}, stored: MonitoringRunSummary = STORED_RUN): FormCalls {
  const previews: unknown[] = [];
  const requests: unknown[] = [];
  const monitoringIds: unknown[] = [];
  let monitored = false;
  const calls = mockCommands({
    list_monitoring_runs: () => (monitored ? [stored, ...MONITORING_RUNS] : MONITORING_RUNS),
    preview_dataset: (args: Record<string, unknown>) => {
      previews.push(args);
      return String(args.path).includes('sensors') ? SENSOR_PREVIEW : DATASET_PREVIEW;
    },
    monitor_model_file: (args: Record<string, unknown>) => {
      requests.push(args);
      monitored = true;
      return stored;
    },
    get_monitoring: (args: Record<string, unknown>) => {
      monitoringIds.push(args.id);
      return args.id === stored.id ? { ...MONITORING_DETAIL, summary: stored } : MONITORING_DETAIL;
    },
    ...overrides,
  });
  return { calls, previews, requests, monitoringIds };
}

async function openForm(): Promise<HTMLElement> {
  await screen.findAllByTestId('run-row');
  await fireEvent.click(screen.getByTestId('new-monitoring'));
  return screen.getByTestId('monitor-form');
}

function field<T extends HTMLElement = HTMLInputElement>(form: HTMLElement, testId: string): T {
  return within(form).getByTestId(testId) as T;
}

async function type(form: HTMLElement, testId: string, value: string): Promise<void> {
  await fireEvent.input(field(form, testId), { target: { value } });
}

async function choose(form: HTMLElement, testId: string, value: string): Promise<void> {
  await fireEvent.change(field<HTMLSelectElement>(form, testId), { target: { value } });
}

function submit(form: HTMLElement): HTMLButtonElement {
  return field<HTMLButtonElement>(form, 'monitor-submit');
}

function options(form: HTMLElement, testId: string): string[] {
  return within(form)
    .queryAllByTestId(testId)
    .map((box) => (box as HTMLInputElement).value);
}

function checked(form: HTMLElement, testId: string): string[] {
  return (within(form).queryAllByTestId(testId) as HTMLInputElement[]).filter((b) => b.checked).map((b) => b.value);
}

describe('MonitoringView: new monitoring', () => {
  it('keeps the form behind its button when runs exist', async () => {
    const { calls } = mockForm();
    render(MonitoringView);

    await screen.findAllByTestId('run-row');
    const toggle = screen.getByTestId('new-monitoring');
    expect(text(toggle)).toBe('New monitoring');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('monitor-form')).toBeNull();

    await fireEvent.click(toggle);
    const form = screen.getByTestId('monitor-form');
    expect(toggle.getAttribute('aria-controls')).toBe(form.id);
    expect(form.getAttribute('aria-busy')).toBe('false');
    expect(text(within(form).getByTestId('drop-zone'))).toContain('Drop a CSV or Parquet dataset here');
    // The defaults: weekly windows, the data's first 4 windows as the reference.
    expect(field<HTMLSelectElement>(form, 'monitor-window').value).toBe('week');
    expect([...field<HTMLSelectElement>(form, 'monitor-window').options].map((o) => o.value)).toEqual([
      'day',
      'week',
      'month',
      'rows',
      'all',
    ]);
    expect(field(form, 'monitor-reference-kind-windows').checked).toBe(true);
    expect(field(form, 'monitor-reference-kind-file').checked).toBe(false);
    expect(field(form, 'monitor-reference-windows').value).toBe('4');
    expect(field(form, 'monitor-reference-path').value).toBe('');
    expect(submit(form).disabled).toBe(true);
    expect(form.querySelector('[style]')).toBeNull();
    expect(calls).toEqual(['list_monitoring_runs', 'get_monitoring']);

    await fireEvent.click(toggle);
    expect(screen.queryByTestId('monitor-form')).toBeNull();
  });

  it('monitors a model against the data’s first windows, then lists, selects and opens the new run', async () => {
    const { calls, previews, requests, monitoringIds } = mockForm();
    render(MonitoringView);
    const form = await openForm();

    await type(form, 'monitor-model-path', '/models/credit_rf.onnx');
    expect(field(form, 'monitor-model-name').value).toBe('credit_rf');
    await type(form, 'monitor-data-path', '/data/loans.csv');
    const target = await within(form).findByTestId('monitor-target');
    expect(previews).toEqual([{ path: '/data/loans.csv' }]);

    // The suggested target is preselected; "none" comes first.
    expect((target as HTMLSelectElement).value).toBe('defaulted');
    expect([...(target as HTMLSelectElement).options].map((o) => [o.value, o.textContent?.trim()])).toEqual([
      ['', 'None'],
      ['income', 'income'],
      ['age', 'age'],
      ['sex', 'sex'],
      ['applied_at', 'applied_at'],
      ['homeowner', 'homeowner'],
      ['defaulted', 'defaulted'],
    ]);
    // Only timestamp columns, after "automatic".
    const timestamp = field<HTMLSelectElement>(form, 'monitor-timestamp');
    expect(timestamp.value).toBe('');
    expect([...timestamp.options].map((o) => [o.value, o.textContent?.trim()])).toEqual([
      ['', 'Automatic'],
      ['applied_at', 'applied_at'],
    ]);
    expect(options(form, 'monitor-sensitive-option')).toEqual(['age', 'sex', 'homeowner']);
    expect(options(form, 'monitor-exclude-option')).toEqual(['income', 'age', 'sex', 'applied_at', 'homeowner']);
    expect(checked(form, 'monitor-exclude-option')).toEqual([]);

    const boxes = within(form).getAllByTestId('monitor-sensitive-option');
    await fireEvent.click(boxes[2]!); // homeowner
    await fireEvent.click(boxes[1]!); // sex
    await type(form, 'monitor-reference-windows', '3');
    await choose(form, 'monitor-window', 'month');
    await choose(form, 'monitor-timestamp', 'applied_at');
    await type(form, 'monitor-pos-label', ' 1 ');

    expect(submit(form).disabled).toBe(false);
    expect(text(submit(form))).toBe('Start monitoring');
    await fireEvent.click(submit(form));

    const line = await within(form).findByTestId('monitor-stored');
    expect(text(line)).toBe('Stored as monitoring run #9');
    expect(requests).toEqual([
      {
        request: {
          modelPath: '/models/credit_rf.onnx',
          modelName: 'credit_rf',
          dataPath: '/data/loans.csv',
          referencePath: null,
          referenceWindows: 3,
          window: 'month',
          timestamp: 'applied_at',
          target: 'defaulted',
          posLabel: '1',
          sensitive: [['sex'], ['homeowner']],
          exclude: [],
        },
      },
    ]);

    // The list is read again; the new run is selected and open.
    const detail = await screen.findByTestId('monitoring-detail');
    await waitFor(() => expect(text(within(detail).getByRole('heading', { level: 3 }))).toBe('credit_rf v1 on loans'));
    await within(detail).findByTestId('drift-heatmap');
    expect(text(within(detail).getByTestId('detail-windows'))).toBe('6 windows of month');
    const rows = screen.getAllByTestId('run-row');
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.getAttribute('aria-pressed'))).toEqual(['true', 'false', 'false']);
    expect(monitoringIds).toEqual([7, 9]);
    expect(calls).toEqual([
      'list_monitoring_runs',
      'get_monitoring',
      'preview_dataset',
      'monitor_model_file',
      'list_monitoring_runs',
      'get_monitoring',
    ]);

    // The form stays open and filled.
    expect(screen.getByTestId('monitor-form')).toBe(form);
    expect(field(form, 'monitor-model-path').value).toBe('/models/credit_rf.onnx');
    expect(form.getAttribute('aria-busy')).toBe('false');
    expect(within(form).queryByTestId('monitor-form-error')).toBeNull();
  });

  it('monitors the data alone against a reference file, as one window, leaving out the id column', async () => {
    const { requests } = mockForm({}, { ...STORED_RUN, modelName: null, modelVersion: null, modelVersionId: null });
    render(MonitoringView);
    const form = await openForm();

    await type(form, 'monitor-data-path', '/data/sensors.csv');
    await within(form).findByTestId('monitor-target');
    expect(field(form, 'monitor-model-path').value).toBe('');
    expect(field(form, 'monitor-model-name').value).toBe('');
    expect(field<HTMLSelectElement>(form, 'monitor-target').value).toBe('label');
    expect([...field<HTMLSelectElement>(form, 'monitor-timestamp').options].map((o) => o.value)).toEqual([
      '',
      'read_at',
      'logged_at',
    ]);
    // A column named id is preselected as never checked for drift.
    expect(checked(form, 'monitor-exclude-option')).toEqual(['id']);

    await choose(form, 'monitor-target', '');
    expect(options(form, 'monitor-exclude-option')).toEqual(['id', 'site', 'temperature', 'read_at', 'logged_at', 'label']);
    expect(options(form, 'monitor-sensitive-option')).toEqual(['id', 'site', 'label']);
    await fireEvent.click(within(form).getAllByTestId('monitor-sensitive-option')[1]!); // site

    await fireEvent.click(field(form, 'monitor-reference-kind-file'));
    expect(field(form, 'monitor-reference-kind-windows').checked).toBe(false);
    // A reference file is chosen but not named yet.
    expect(submit(form).disabled).toBe(true);
    await type(form, 'monitor-reference-path', ' /data/sensors-2025.parquet ');
    await choose(form, 'monitor-window', 'all');
    expect(submit(form).disabled).toBe(false);

    await fireEvent.click(submit(form));
    await within(form).findByTestId('monitor-stored');
    expect(requests).toEqual([
      {
        request: {
          modelPath: null,
          modelName: null,
          dataPath: '/data/sensors.csv',
          referencePath: '/data/sensors-2025.parquet',
          referenceWindows: null,
          window: 'all',
          timestamp: null,
          target: null,
          posLabel: null,
          sensitive: [['site']],
          exclude: ['id'],
        },
      },
    ]);
    const detail = await screen.findByTestId('monitoring-detail');
    await waitFor(() => expect(text(within(detail).getByRole('heading', { level: 3 }))).toBe('data only on loans'));
  });

  it('sends row windows with their size', async () => {
    const { requests } = mockForm();
    render(MonitoringView);
    const form = await openForm();

    await type(form, 'monitor-data-path', '/data/loans.csv');
    await within(form).findByTestId('monitor-target');
    await choose(form, 'monitor-window', 'rows');
    expect(field(form, 'monitor-window-rows').value).toBe('1000');
    await type(form, 'monitor-window-rows', '');
    expect(submit(form).disabled).toBe(true);
    await type(form, 'monitor-window-rows', '250');
    expect(submit(form).disabled).toBe(false);

    await fireEvent.click(submit(form));
    await within(form).findByTestId('monitor-stored');
    expect(requests).toEqual([
      {
        request: expect.objectContaining({
          modelPath: null,
          modelName: null,
          referencePath: null,
          referenceWindows: 4,
          window: 'rows:250',
        }),
      },
    ]);
  });

  it('keeps Start monitoring disabled until the required fields are present', async () => {
    mockForm();
    render(MonitoringView);
    const form = await openForm();
    const button = submit(form);
    expect(button.disabled).toBe(true);

    await type(form, 'monitor-data-path', '/data/loans.csv');
    expect(button.disabled).toBe(true); // not read yet
    await within(form).findByTestId('monitor-target');
    expect(button.disabled).toBe(false); // data only, first 4 windows, weekly

    await type(form, 'monitor-reference-windows', '');
    expect(button.disabled).toBe(true);
    await type(form, 'monitor-reference-windows', '2');
    expect(button.disabled).toBe(false);

    // A model needs a name; a name cleared by hand goes back to the file's stem.
    await type(form, 'monitor-model-path', '/m/fraud.v2.onnx');
    expect(field(form, 'monitor-model-name').value).toBe('fraud.v2');
    await type(form, 'monitor-model-name', 'fraud');
    await type(form, 'monitor-model-path', '/m/other.onnx');
    expect(field(form, 'monitor-model-name').value).toBe('fraud');
    await type(form, 'monitor-model-name', '');
    expect(field(form, 'monitor-model-name').value).toBe('other');
    expect(button.disabled).toBe(false);

    // Typing a reference path chooses the reference file.
    await type(form, 'monitor-reference-path', '/r.csv');
    expect(field(form, 'monitor-reference-kind-file').checked).toBe(true);
    expect(button.disabled).toBe(false);
    await type(form, 'monitor-reference-path', '');
    expect(button.disabled).toBe(true);
    await fireEvent.click(field(form, 'monitor-reference-kind-windows'));
    expect(button.disabled).toBe(false);

    await type(form, 'monitor-data-path', '');
    await fireEvent.blur(field(form, 'monitor-data-path'));
    expect(button.disabled).toBe(true);
    expect(within(form).queryByTestId('monitor-target')).toBeNull();
  });

  it('shows the engine’s message when monitoring fails and keeps the inputs', async () => {
    const { calls } = mockForm({
      monitor_model_file: () => {
        throw {
          code: 'invalid_input',
          message: 'the reference takes the first 4 windows, but the data has 1 windows: leave at least one to monitor',
        };
      },
    });
    render(MonitoringView);
    const form = await openForm();
    await type(form, 'monitor-model-path', '/models/credit_rf.onnx');
    await type(form, 'monitor-data-path', '/data/loans.csv');
    await within(form).findByTestId('monitor-target');
    await choose(form, 'monitor-window', 'all');

    await fireEvent.click(submit(form));
    const error = await within(form).findByTestId('monitor-form-error');
    expect(text(error)).toBe(
      'the reference takes the first 4 windows, but the data has 1 windows: leave at least one to monitor',
    );
    expect(error.getAttribute('role')).toBe('alert');
    expect(within(form).queryByTestId('monitor-stored')).toBeNull();
    expect(field(form, 'monitor-model-path').value).toBe('/models/credit_rf.onnx');
    expect(field(form, 'monitor-model-name').value).toBe('credit_rf');
    expect(field(form, 'monitor-data-path').value).toBe('/data/loans.csv');
    expect(field<HTMLSelectElement>(form, 'monitor-window').value).toBe('all');
    expect(field<HTMLSelectElement>(form, 'monitor-target').value).toBe('defaulted');
    expect(submit(form).disabled).toBe(false);
    expect(form.getAttribute('aria-busy')).toBe('false');
    // The list is not read again.
    expect(calls).toEqual(['list_monitoring_runs', 'get_monitoring', 'preview_dataset', 'monitor_model_file']);
  });

  it('shows that monitoring is running, and when a stored result was reused', async () => {
    let finish: (value: MonitoringRunSummary) => void = () => {};
    mockForm({
      monitor_model_file: () => new Promise<MonitoringRunSummary>((resolve) => (finish = resolve)),
    });
    render(MonitoringView);
    const form = await openForm();
    await type(form, 'monitor-data-path', '/data/loans.csv');
    await within(form).findByTestId('monitor-target');

    await fireEvent.click(submit(form));
    await waitFor(() => expect(form.getAttribute('aria-busy')).toBe('true'));
    const running = within(form).getByTestId('monitor-running');
    expect(running.textContent).toContain('Monitoring…');
    expect(running.querySelector('progress')).not.toBeNull();
    expect(submit(form).disabled).toBe(true);
    expect(field(form, 'monitor-data-path').closest('fieldset')!.disabled).toBe(true);

    await act(() => finish({ ...MONITORING_RUNS[1]!, cached: true }));
    const line = await within(form).findByTestId('monitor-stored');
    expect(text(line)).toBe('Stored as monitoring run #5 (same inputs as before: stored result reused)');
    expect(form.getAttribute('aria-busy')).toBe('false');
    expect(within(form).queryByTestId('monitor-running')).toBeNull();
    // The reused run is selected.
    await waitFor(() =>
      expect(screen.getAllByTestId('run-row').map((r) => r.getAttribute('aria-pressed'))).toEqual(['false', 'true']),
    );
  });

  it('fills the paths and the model name from dropped files', async () => {
    const { previews } = mockForm();
    const { unmount } = render(MonitoringView);
    await screen.findAllByTestId('run-row');

    await waitFor(() => expect(dragDrop.handler).not.toBeNull());
    await act(() =>
      dragDrop.handler!({
        event: 'tauri://drag-drop',
        id: 1,
        payload: { type: 'enter', paths: ['/a/m.onnx', '/a/d.csv'], position: { x: 1, y: 1 } },
      }),
    );
    const form = screen.getByTestId('monitor-form');
    expect(within(form).getByTestId('drop-zone').classList.contains('dragging')).toBe(true);

    await act(() =>
      dragDrop.handler!({
        event: 'tauri://drag-drop',
        id: 1,
        payload: { type: 'drop', paths: ['/a/notes.txt', '/a/m.onnx', '/a/d.csv'], position: { x: 1, y: 1 } },
      }),
    );
    expect(within(form).getByTestId('drop-zone').classList.contains('dragging')).toBe(false);
    expect(field(form, 'monitor-model-path').value).toBe('/a/m.onnx');
    expect(field(form, 'monitor-model-name').value).toBe('m');
    expect(field(form, 'monitor-data-path').value).toBe('/a/d.csv');
    expect(text(within(form).getByTestId('drop-ignored'))).toContain('/a/notes.txt');
    expect((await within(form).findByTestId('monitor-target') as HTMLSelectElement).value).toBe('defaulted');
    expect(previews).toEqual([{ path: '/a/d.csv' }]);

    unmount();
    expect(dragDrop.unlistened).toBe(1);
  });

  it('shows the message when the dataset cannot be read', async () => {
    mockForm({
      preview_dataset: () => {
        throw { code: 'invalid_input', message: 'No such file: /data/missing.csv' };
      },
    });
    render(MonitoringView);
    const form = await openForm();

    await type(form, 'monitor-data-path', '/data/missing.csv');
    const error = await within(form).findByTestId('preview-error');
    expect(text(error)).toBe('No such file: /data/missing.csv');
    expect(within(form).queryByTestId('monitor-target')).toBeNull();
    expect(submit(form).disabled).toBe(true);
  });
});
