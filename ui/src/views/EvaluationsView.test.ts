import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import EvaluationsView from './EvaluationsView.svelte';
import type { EvaluationDetail, IpcError } from '../lib/bindings';
import { EVALUATIONS, EVALUATION_DETAIL, mockCommands } from '../test/fixtures';

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
      get_evaluation_charts: [{ title: 'ROC curve', svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>ROC</text></svg>' }],
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
