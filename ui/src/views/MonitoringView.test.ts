import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import MonitoringView from './MonitoringView.svelte';
import type { MonitoringDetail } from '../lib/bindings';
import { DRIFT_CELL, HEATMAP_TITLE, MONITORING_DETAIL, MONITORING_RUNS, mockCommands, svgOf } from '../test/fixtures';

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
        '0.8303 [0.7909, 0.8697]',
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
    expect(empty.textContent).toContain('vigil monitor');
    expect(empty.textContent).toContain('demo workspace');
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
