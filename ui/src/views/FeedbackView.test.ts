import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import FeedbackView from './FeedbackView.svelte';
import type { Annotation, FeedbackPerformance, PredictionFilter, PredictionView } from '../lib/bindings';
import {
  COMPARABLE_EVALUATIONS,
  EVALUATIONS,
  FEEDBACK_PERFORMANCE,
  PREDICTION_LABELS,
  mockCommands,
  predictionPage,
  predictionRow,
} from '../test/fixtures';

function text(element: Element | null | undefined): string {
  return element?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

const DEFAULT_FILTER: PredictionFilter = {
  predictedLabel: null,
  minConfidence: null,
  maxConfidence: null,
  correct: null,
  unannotated: false,
  byUncertainty: false,
  offset: 0,
  limit: 50,
};

/** The row as the engine answers after storing `annotation` (no validation). */
function annotated(annotation: Annotation): PredictionView {
  const row = predictionRow(annotation.predictionId - 1000);
  return {
    ...row,
    feedback: {
      verdict: annotation.verdict,
      trueLabel: annotation.trueLabel,
      note: annotation.note,
      author: 'bob',
      at: '2024-04-05T08:00:00Z',
    },
    feedbackCount: row.feedbackCount + 1,
  };
}

interface MockOptions {
  total?: number;
  evaluations?: unknown;
  annotate?: (annotation: Annotation) => unknown;
  performance?: FeedbackPerformance | (() => unknown);
  predictions?: (args: Record<string, unknown>) => unknown;
}

function mockFeedback(options: MockOptions = {}) {
  const lists: Array<{ evaluationId: unknown; filter: PredictionFilter }> = [];
  const annotations: Annotation[] = [];
  const performanceIds: unknown[] = [];
  const total = options.total ?? 4000;
  const calls = mockCommands({
    list_evaluations: options.evaluations ?? EVALUATIONS,
    list_predictions: (args: Record<string, unknown>) => {
      const filter = args.filter as PredictionFilter;
      lists.push({ evaluationId: args.evaluationId, filter });
      if (options.predictions) return options.predictions(args);
      return predictionPage(filter.offset, filter.limit, total);
    },
    annotate_prediction: (args: Record<string, unknown>) => {
      const annotation = args.annotation as Annotation;
      annotations.push(annotation);
      return (options.annotate ?? annotated)(annotation);
    },
    get_feedback_performance: (args: Record<string, unknown>) => {
      performanceIds.push(args.evaluationId);
      const performance = options.performance ?? FEEDBACK_PERFORMANCE;
      return typeof performance === 'function' ? performance() : performance;
    },
  });
  return { calls, lists, annotations, performanceIds };
}

async function openGrid(): Promise<HTMLElement> {
  const grid = await screen.findByTestId('prediction-grid');
  await waitFor(() => expect(screen.getAllByTestId('prediction-row').length).toBeGreaterThan(0));
  return grid;
}

function rows(): HTMLElement[] {
  return screen.getAllByTestId('prediction-row');
}

/** The 1-based dataset rows of the selected grid rows. */
function selectedRows(): string[] {
  return rows()
    .filter((r) => r.getAttribute('aria-selected') === 'true')
    .map((r) => r.dataset.row ?? '');
}

function rowWithNumber(row: number): HTMLElement {
  const found = rows().find((r) => r.dataset.row === String(row));
  if (!found) throw new Error(`row ${row} is not on screen`);
  return found;
}

async function press(grid: HTMLElement, ...keys: string[]): Promise<void> {
  for (const key of keys) await fireEvent.keyDown(grid, { key });
}

describe('FeedbackView', () => {
  it('loads the first page of the newest evaluation, one page of rows at a time', async () => {
    const { calls, lists, performanceIds } = mockFeedback();
    render(FeedbackView);
    const grid = await openGrid();

    expect(lists).toEqual([{ evaluationId: 3, filter: DEFAULT_FILTER }]);
    expect(performanceIds).toEqual([3]);
    expect(calls).toEqual(['list_evaluations', 'list_predictions', 'get_feedback_performance']);
    expect(document.documentElement.dataset.ready).toBe('true');

    expect(grid.tagName).toBe('TABLE');
    expect(grid.getAttribute('role')).toBe('grid');
    expect(grid.getAttribute('tabindex')).toBe('0');
    expect(rows()).toHaveLength(50);
    expect(text(screen.getByTestId('page-indicator'))).toBe('rows 1–50 of 4,000');
    expect(text(screen.getByTestId('prediction-total'))).toBe('4,000 rows');
    expect(selectedRows()).toEqual(['1']);
    expect(grid.getAttribute('aria-activedescendant')).toBe(rows()[0]!.id);

    const evaluation = screen.getByTestId('feedback-evaluation') as HTMLSelectElement;
    expect([...evaluation.options].map((o) => o.textContent)).toEqual([
      '#3 · credit-risk v2 on loans-2024q1',
      '#2 · credit-risk v1 on reviews (failed)',
      '#1 · house-prices v1 on houses',
    ]);
    expect(evaluation.value).toBe('3');

    // Row 2 carries an annotation (its latest of two); row 4 disagrees with the dataset.
    const two = rowWithNumber(2);
    expect([...two.querySelectorAll('td')].map(text)).toEqual([
      '2',
      'review',
      'review',
      '0.7400',
      'yes',
      'incorrect',
      'review',
      'Income was misread.',
      'alice ×2',
    ]);
    const four = rowWithNumber(4);
    expect(text(within(four).getByTestId('cell-predicted'))).toBe('rejected');
    expect(text(within(four).getByTestId('cell-dataset-label'))).toBe('review');
    expect(text(within(four).getByTestId('cell-correct'))).toBe('no');
    expect(text(within(four).getByTestId('cell-verdict'))).toBe('—');
    expect(text(within(rowWithNumber(1)).getByTestId('cell-confidence'))).toBe('0.8700');

    // The predicted-class filter offers the evaluation's labels; the legend maps digits to them.
    const predicted = screen.getByTestId('filter-predicted') as HTMLSelectElement;
    expect([...predicted.options].map((o) => o.value)).toEqual(['', ...PREDICTION_LABELS]);
    const legend = [...screen.getByTestId('feedback-keys').querySelectorAll('dl > div')].map(
      (item) => `${text(item.querySelector('dt'))}: ${text(item.querySelector('dd'))}`,
    );
    expect(legend).toEqual([
      'j k or ↓ ↑: next / previous row (and page)',
      'PgDn PgUp: next / previous page',
      'c: prediction is correct',
      'x: prediction is incorrect',
      '1: true label is approved',
      '2: true label is rejected',
      '3: true label is review',
      'n: write a note (Enter saves, Esc goes back)',
    ]);

    // Positions come from classes: the app's CSP allows no inline styles.
    expect(screen.getByTestId('view-feedback').querySelector('[style]')).toBeNull();
  });

  it('says how the version does on the feedback-labelled rows and how many contradict the dataset', async () => {
    mockFeedback();
    render(FeedbackView);
    await openGrid();

    expect(text(await screen.findByTestId('feedback-performance'))).toBe(
      'Accuracy on 12 feedback-labelled rows: 0.7500 [0.5000, 0.9167]',
    );
    expect(text(screen.getByTestId('feedback-contradicting'))).toBe('; 3 contradict the dataset’s label');
    expect(text(screen.getByTestId('feedback-annotations'))).toBe('(14 annotations in all)');
    expect(text(screen.getByTestId('feedback-summary'))).toBe(
      '4,000 rows in this evaluation. Accuracy on 12 feedback-labelled rows: 0.7500 [0.5000, 0.9167]; 3 contradict the dataset’s label. (14 annotations in all)',
    );
  });

  it('says so when no row is feedback-labelled yet', async () => {
    mockFeedback({
      performance: {
        labelledRows: 0,
        correctRows: 0,
        accuracy: null,
        ciLow: null,
        ciHigh: null,
        contradictingDataset: 0,
        annotations: 1,
      },
    });
    render(FeedbackView);
    await openGrid();

    expect(text(await screen.findByTestId('feedback-performance'))).toBe('No feedback-labelled rows yet');
    expect(screen.queryByTestId('feedback-contradicting')).toBeNull();
  });

  it('sends the chosen filters and starts again from the first row', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    await openGrid();
    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(lists).toHaveLength(2));

    await fireEvent.change(screen.getByTestId('filter-predicted'), { target: { value: 'rejected' } });
    await waitFor(() => expect(lists).toHaveLength(3));
    expect(lists[2]).toEqual({ evaluationId: 3, filter: { ...DEFAULT_FILTER, predictedLabel: 'rejected' } });

    await fireEvent.change(screen.getByTestId('filter-correct'), { target: { value: 'incorrect' } });
    await waitFor(() => expect(lists).toHaveLength(4));
    expect(lists[3]!.filter).toEqual({ ...DEFAULT_FILTER, predictedLabel: 'rejected', correct: false });

    await fireEvent.change(screen.getByTestId('filter-correct'), { target: { value: 'correct' } });
    await waitFor(() => expect(lists).toHaveLength(5));
    expect(lists[4]!.filter.correct).toBe(true);

    await fireEvent.click(screen.getByTestId('filter-unannotated'));
    await waitFor(() => expect(lists).toHaveLength(6));
    expect(lists[5]!.filter).toEqual({
      ...DEFAULT_FILTER,
      predictedLabel: 'rejected',
      correct: true,
      unannotated: true,
    });

    await fireEvent.change(screen.getByTestId('filter-predicted'), { target: { value: '' } });
    await fireEvent.change(screen.getByTestId('filter-correct'), { target: { value: 'all' } });
    await waitFor(() => expect(lists).toHaveLength(8));
    expect(lists[7]!.filter).toEqual({ ...DEFAULT_FILTER, unannotated: true });
    expect(text(await screen.findByTestId('page-indicator'))).toBe('rows 1–50 of 4,000');
    expect(text(screen.getByTestId('feedback-summary'))).toContain('4,000 rows match these filters.');
  });

  it('sends the confidence bounds typed, an empty field being no bound, and starts again from the first row', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    await openGrid();
    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(lists).toHaveLength(2));

    const min = screen.getByTestId('filter-min-confidence') as HTMLInputElement;
    const max = screen.getByTestId('filter-max-confidence') as HTMLInputElement;
    expect([min.type, min.min, min.max, min.value]).toEqual(['number', '0', '1', '']);
    expect([max.type, max.min, max.max, max.value]).toEqual(['number', '0', '1', '']);

    await fireEvent.change(min, { target: { value: '0.6' } });
    await waitFor(() => expect(lists).toHaveLength(3));
    expect(lists[2]).toEqual({ evaluationId: 3, filter: { ...DEFAULT_FILTER, minConfidence: 0.6 } });

    await fireEvent.change(max, { target: { value: '0.8' } });
    await waitFor(() => expect(lists).toHaveLength(4));
    expect(lists[3]!.filter).toEqual({ ...DEFAULT_FILTER, minConfidence: 0.6, maxConfidence: 0.8 });
    expect(text(await screen.findByTestId('feedback-summary'))).toContain('4,000 rows match these filters.');

    // The same bound again asks for nothing; an emptied field is no bound.
    await fireEvent.change(max, { target: { value: '0.8' } });
    await fireEvent.change(min, { target: { value: '' } });
    await waitFor(() => expect(lists).toHaveLength(5));
    expect(lists[4]!.filter).toEqual({ ...DEFAULT_FILTER, maxConfidence: 0.8 });

    // The bounds belong to no evaluation: they stay when another one is picked.
    await fireEvent.change(screen.getByTestId('feedback-evaluation'), { target: { value: '1' } });
    await waitFor(() => expect(lists).toHaveLength(6));
    expect(lists[5]).toEqual({ evaluationId: 1, filter: { ...DEFAULT_FILTER, maxConfidence: 0.8 } });
    expect(max.value).toBe('0.8');
    expect(screen.queryByTestId('filter-confidence-unreadable')).toBeNull();
  });

  it('keeps the bound in force when the browser cannot read the text typed as a number', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    await openGrid();
    const min = screen.getByTestId('filter-min-confidence') as HTMLInputElement;
    await fireEvent.change(min, { target: { value: '0.5' } });
    await waitFor(() => expect(lists).toHaveLength(2));

    // A browser reports unreadable text ("0,7" in some locales) as an empty value with badInput.
    let badInput = true;
    Object.defineProperty(min, 'validity', { configurable: true, get: () => ({ badInput }) });
    await fireEvent.change(min, { target: { value: '' } });
    expect(text(await screen.findByTestId('filter-confidence-unreadable'))).toContain('not a number');
    expect(min.getAttribute('aria-invalid')).toBe('true');
    expect(lists).toHaveLength(2);

    badInput = false;
    await fireEvent.change(min, { target: { value: '0.7' } });
    await waitFor(() => expect(lists).toHaveLength(3));
    expect(lists[2]!.filter).toEqual({ ...DEFAULT_FILTER, minConfidence: 0.7 });
    expect(screen.queryByTestId('filter-confidence-unreadable')).toBeNull();
    expect(min.getAttribute('aria-invalid')).toBeNull();
  });

  it('lists only the rows another evaluation on the same dataset predicts differently, also in the queue', async () => {
    // #7 (credit-risk v3) is the newest; #4 and #3 are on its dataset too.
    const { lists } = mockFeedback({ evaluations: COMPARABLE_EVALUATIONS });
    render(FeedbackView);
    await openGrid();
    expect(lists).toEqual([{ evaluationId: 7, filter: DEFAULT_FILTER }]);

    const disagree = screen.getByTestId('filter-disagree-with') as HTMLSelectElement;
    expect(disagree.disabled).toBe(false);
    expect([...disagree.options].map((o) => text(o))).toEqual([
      'Off',
      '#4 · credit-risk v3 on loans-2024q1 (failed)',
      '#3 · credit-risk v2 on loans-2024q1',
    ]);

    await fireEvent.change(disagree, { target: { value: '3' } });
    await waitFor(() => expect(lists).toHaveLength(2));
    expect(lists[1]).toEqual({ evaluationId: 7, filter: { ...DEFAULT_FILTER, disagreeWith: 3 } });
    expect(text(await screen.findByTestId('feedback-summary'))).toContain('match these filters.');

    // The annotation queue over the disagreements: unannotated, least confident first.
    await fireEvent.click(screen.getByTestId('filter-queue'));
    await waitFor(() => expect(lists).toHaveLength(3));
    expect(lists[2]!.filter).toEqual({ ...DEFAULT_FILTER, disagreeWith: 3, unannotated: true, byUncertainty: true });

    await fireEvent.change(disagree, { target: { value: '' } });
    await waitFor(() => expect(lists).toHaveLength(4));
    expect(lists[3]!.filter).toEqual({ ...DEFAULT_FILTER, unannotated: true, byUncertainty: true });
    expect('disagreeWith' in lists[3]!.filter).toBe(false);

    // Another evaluation: the choice belonged to the previous one's dataset.
    await fireEvent.change(disagree, { target: { value: '4' } });
    await waitFor(() => expect(lists).toHaveLength(5));
    await fireEvent.change(screen.getByTestId('feedback-evaluation'), { target: { value: '5' } });
    await waitFor(() => expect(lists).toHaveLength(6));
    expect(lists[5]).toEqual({ evaluationId: 5, filter: { ...DEFAULT_FILTER, unannotated: true, byUncertainty: true } });
    expect(disagree.value).toBe('');
    expect([...disagree.options].map((o) => text(o))).toEqual(['Off', '#2 · sentiment v1 on reviews']);
  });

  it('filters by one group of a sensitive column, from the groups the engine lists', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    await openGrid();

    const group = screen.getByTestId('filter-group') as HTMLSelectElement;
    expect([...group.options].map((o) => text(o))).toEqual(['All groups', 'sex = F', 'sex = M']);
    await fireEvent.change(group, { target: { value: 'sex=F' } });
    await waitFor(() => expect(lists).toHaveLength(2));
    expect(lists[1]!.filter).toEqual({ ...DEFAULT_FILTER, group: { column: 'sex', value: 'F' } });

    await fireEvent.change(group, { target: { value: '' } });
    await waitFor(() => expect(lists).toHaveLength(3));
    expect('group' in lists[2]!.filter).toBe(false);
  });

  it('offers nothing to disagree with when no other evaluation is on the same dataset', async () => {
    mockFeedback();
    render(FeedbackView);
    await openGrid();

    const disagree = screen.getByTestId('filter-disagree-with') as HTMLSelectElement;
    expect(disagree.disabled).toBe(true);
    expect([...disagree.options].map((o) => text(o))).toEqual(['No other evaluation on this dataset']);
  });

  it('turns the annotation queue on: unannotated rows, least confident first', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    await openGrid();

    await fireEvent.click(screen.getByTestId('filter-queue'));
    await waitFor(() => expect(lists).toHaveLength(2));
    expect(lists[1]!.filter).toEqual({ ...DEFAULT_FILTER, unannotated: true, byUncertainty: true });
    const unannotated = screen.getByTestId('filter-unannotated') as HTMLInputElement;
    expect(unannotated.checked).toBe(true);
    expect(unannotated.disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('filter-queue'));
    await waitFor(() => expect(lists).toHaveLength(3));
    expect(lists[2]!.filter).toEqual(DEFAULT_FILTER);
    expect(unannotated.checked).toBe(false);
    expect(unannotated.disabled).toBe(false);
  });

  it('moves the selection with j / k and the arrow keys, and with a click', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    const grid = await openGrid();
    grid.focus();

    await press(grid, 'j');
    expect(selectedRows()).toEqual(['2']);
    await press(grid, 'j', 'ArrowDown');
    expect(selectedRows()).toEqual(['4']);
    await press(grid, 'k');
    expect(selectedRows()).toEqual(['3']);
    await press(grid, 'ArrowUp', 'ArrowUp');
    expect(selectedRows()).toEqual(['1']);
    // Before the first row of the first page there is nothing to load.
    await press(grid, 'k');
    expect(selectedRows()).toEqual(['1']);
    expect(lists).toHaveLength(1);

    await fireEvent.click(within(rowWithNumber(7)).getByTestId('cell-predicted'));
    expect(selectedRows()).toEqual(['7']);
    expect(grid.getAttribute('aria-activedescendant')).toBe(rowWithNumber(7).id);
    expect(text(screen.getByTestId('feedback-panel'))).toContain('Row 7');

    // Modified keys belong to the browser.
    await fireEvent.keyDown(grid, { key: 'j', ctrlKey: true });
    expect(selectedRows()).toEqual(['7']);
  });

  it('marks rows correct with c, incorrect with x and gives the true label with a digit, updating each row in place', async () => {
    const { calls, annotations, performanceIds } = mockFeedback();
    render(FeedbackView);
    const grid = await openGrid();
    grid.focus();

    await press(grid, 'c');
    await waitFor(() => expect(text(within(rowWithNumber(1)).getByTestId('cell-verdict'))).toBe('correct'));
    expect(text(within(rowWithNumber(1)).getByTestId('cell-author'))).toBe('bob');

    await press(grid, 'j', 'x');
    await waitFor(() => expect(text(within(rowWithNumber(2)).getByTestId('cell-verdict'))).toBe('incorrect'));
    expect(text(within(rowWithNumber(2)).getByTestId('cell-feedback-label'))).toBe('—');
    expect(text(within(rowWithNumber(2)).getByTestId('cell-author'))).toBe('bob ×3');

    await press(grid, 'j', '2');
    await waitFor(() => expect(text(within(rowWithNumber(3)).getByTestId('cell-feedback-label'))).toBe('rejected'));
    expect(text(within(rowWithNumber(3)).getByTestId('cell-verdict'))).toBe('—');

    expect(annotations).toEqual([
      { predictionId: 1001, verdict: 'correct', trueLabel: null, note: '' },
      { predictionId: 1002, verdict: 'incorrect', trueLabel: null, note: '' },
      { predictionId: 1003, verdict: null, trueLabel: 'rejected', note: '' },
    ]);
    // No reload of the page; the performance is asked again after each annotation.
    await waitFor(() => expect(performanceIds).toEqual([3, 3, 3, 3]));
    expect(calls.filter((c) => c === 'list_predictions')).toHaveLength(1);
    expect(rows()).toHaveLength(50);
    expect(selectedRows()).toEqual(['3']);
    expect(screen.queryByTestId('feedback-error')).toBeNull();
  });

  it('writes a note with n and saves it with Enter, then goes back to the grid', async () => {
    const { annotations } = mockFeedback();
    render(FeedbackView);
    const grid = await openGrid();
    grid.focus();

    await press(grid, 'j', 'j', 'n');
    const note = screen.getByTestId('feedback-note') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(note));
    await fireEvent.input(note, { target: { value: 'Applicant moved abroad.' } });
    await fireEvent.keyDown(note, { key: 'Enter' });

    await waitFor(() =>
      expect(text(within(rowWithNumber(3)).getByTestId('cell-note'))).toBe('Applicant moved abroad.'),
    );
    expect(annotations).toEqual([{ predictionId: 1003, verdict: null, trueLabel: null, note: 'Applicant moved abroad.' }]);
    expect(note.value).toBe('');
    expect(document.activeElement).toBe(grid);

    // Escape leaves the note without saving.
    await press(grid, 'n');
    await waitFor(() => expect(document.activeElement).toBe(note));
    await fireEvent.keyDown(note, { key: 'Escape' });
    expect(document.activeElement).toBe(grid);
    expect(annotations).toHaveLength(1);
  });

  it('annotates with the buttons of the selected row', async () => {
    const { annotations } = mockFeedback();
    render(FeedbackView);
    await openGrid();

    await fireEvent.click(within(rowWithNumber(5)).getByTestId('cell-row'));
    const panel = screen.getByTestId('feedback-panel');
    await fireEvent.click(within(panel).getByTestId('feedback-correct'));
    await fireEvent.click(within(panel).getByTestId('feedback-incorrect'));
    const save = within(panel).getByTestId('feedback-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await fireEvent.change(within(panel).getByTestId('feedback-label'), { target: { value: 'review' } });
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);

    await waitFor(() => expect(annotations).toHaveLength(3));
    expect(annotations).toEqual([
      { predictionId: 1005, verdict: 'correct', trueLabel: null, note: '' },
      { predictionId: 1005, verdict: 'incorrect', trueLabel: null, note: '' },
      { predictionId: 1005, verdict: null, trueLabel: 'review', note: '' },
    ]);
    await waitFor(() => expect(text(within(rowWithNumber(5)).getByTestId('cell-feedback-label'))).toBe('review'));
    expect(text(await screen.findByTestId('feedback-latest'))).toContain('true label review');
  });

  it('shows the engine’s refusal and keeps the row as it was', async () => {
    const { annotations } = mockFeedback({
      annotate: () => {
        throw { code: 'invalid_input', message: 'marked incorrect, but the true label approved is the prediction' };
      },
    });
    render(FeedbackView);
    const grid = await openGrid();
    grid.focus();

    await press(grid, 'x');
    expect(text(await screen.findByTestId('feedback-error'))).toBe(
      'marked incorrect, but the true label approved is the prediction',
    );
    expect(text(screen.getByTestId('feedback-error').closest('[role=alert]'))).toContain('Row 1 was not annotated');
    expect(annotations).toHaveLength(1);
    expect(text(within(rowWithNumber(1)).getByTestId('cell-verdict'))).toBe('—');
  });

  it('says so when a digit has no label, without calling the engine', async () => {
    const { annotations } = mockFeedback();
    render(FeedbackView);
    const grid = await openGrid();
    grid.focus();

    await press(grid, '5');
    expect(text(await screen.findByTestId('feedback-error'))).toBe('No label has key 5: this evaluation has 3 labels.');
    expect(annotations).toEqual([]);

    // The next annotation clears the message.
    await press(grid, '1');
    await waitFor(() => expect(screen.queryByTestId('feedback-error')).toBeNull());
    expect(annotations).toEqual([{ predictionId: 1001, verdict: null, trueLabel: 'approved', note: '' }]);
  });

  it('pages with Next and Previous', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    await openGrid();
    const previous = screen.getByTestId('page-previous') as HTMLButtonElement;
    expect(previous.disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(text(screen.getByTestId('page-indicator'))).toBe('rows 51–100 of 4,000'));
    expect(lists[1]!.filter).toEqual({ ...DEFAULT_FILTER, offset: 50 });
    expect(rows()[0]!.dataset.row).toBe('51');
    expect(rows()).toHaveLength(50);
    expect(previous.disabled).toBe(false);

    await fireEvent.click(previous);
    await waitFor(() => expect(text(screen.getByTestId('page-indicator'))).toBe('rows 1–50 of 4,000'));
    expect(lists[2]!.filter.offset).toBe(0);
  });

  it('loads the next page when j moves past the last row, and the previous one when k moves before the first', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    const grid = await openGrid();
    grid.focus();

    await fireEvent.click(within(rowWithNumber(50)).getByTestId('cell-row'));
    expect(selectedRows()).toEqual(['50']);
    await press(grid, 'j');
    await waitFor(() => expect(text(screen.getByTestId('page-indicator'))).toBe('rows 51–100 of 4,000'));
    expect(lists.map((l) => l.filter.offset)).toEqual([0, 50]);
    expect(selectedRows()).toEqual(['51']);
    expect(grid.isConnected).toBe(true);

    await press(grid, 'k');
    await waitFor(() => expect(text(screen.getByTestId('page-indicator'))).toBe('rows 1–50 of 4,000'));
    expect(lists.map((l) => l.filter.offset)).toEqual([0, 50, 0]);
    expect(selectedRows()).toEqual(['50']);
  });

  it('stops at the last row of the last page', async () => {
    const { lists } = mockFeedback({ total: 53 });
    render(FeedbackView);
    const grid = await openGrid();
    grid.focus();

    await press(grid, 'PageDown');
    await waitFor(() => expect(text(screen.getByTestId('page-indicator'))).toBe('rows 51–53 of 53'));
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(true);
    await press(grid, 'j', 'j', 'j', 'j');
    expect(selectedRows()).toEqual(['53']);
    expect(lists.map((l) => l.filter.offset)).toEqual([0, 50]);
  });

  it('in the queue, starts the next page earlier by the rows annotated, which the engine no longer lists', async () => {
    const { lists } = mockFeedback();
    render(FeedbackView);
    await openGrid();
    await fireEvent.click(screen.getByTestId('filter-queue'));
    await waitFor(() => expect(lists).toHaveLength(2));
    const grid = screen.getByTestId('prediction-grid');
    grid.focus();

    // Row 1 is new feedback twice (counted once); row 2 had feedback already.
    await press(grid, 'c', 'x', 'j', 'c', 'j', '1');
    await waitFor(() => expect(text(within(rowWithNumber(3)).getByTestId('cell-feedback-label'))).toBe('approved'));
    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(lists).toHaveLength(3));
    expect(lists[2]!.filter).toEqual({ ...DEFAULT_FILTER, unannotated: true, byUncertainty: true, offset: 48 });
  });

  it('shows another evaluation’s predictions and feedback performance when it is picked', async () => {
    const { lists, performanceIds } = mockFeedback();
    render(FeedbackView);
    await openGrid();
    await fireEvent.change(screen.getByTestId('filter-predicted'), { target: { value: 'review' } });
    await waitFor(() => expect(lists).toHaveLength(2));

    await fireEvent.change(screen.getByTestId('feedback-evaluation'), { target: { value: '1' } });
    await waitFor(() => expect(lists).toHaveLength(3));
    // The class filter belongs to the previous evaluation's labels.
    expect(lists[2]).toEqual({ evaluationId: 1, filter: DEFAULT_FILTER });
    await waitFor(() => expect(performanceIds).toEqual([3, 1]));
  });

  it('shows an empty page and a failed page honestly', async () => {
    let fail = true;
    mockFeedback({
      predictions: () => {
        if (fail) throw { code: 'storage', message: 'The database is locked.' };
        return { rows: [], total: 0, labels: [], groups: [] };
      },
    });
    render(FeedbackView);

    const error = await screen.findByTestId('predictions-error');
    expect(text(error)).toContain('The database is locked.');
    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    const empty = await screen.findByTestId('empty-state');
    expect(text(empty)).toContain('No predictions to show.');
    expect(screen.queryByTestId('prediction-grid')).toBeNull();
    expect(text(screen.getByTestId('prediction-total'))).toBe('0 rows');
  });

  it('shows an empty state when there are no evaluations, without asking for predictions', async () => {
    const { calls } = mockFeedback({ evaluations: [] });
    render(FeedbackView);

    const empty = await screen.findByTestId('empty-state');
    expect(text(empty)).toContain('No evaluations yet.');
    expect(screen.queryByTestId('prediction-grid')).toBeNull();
    expect(calls).toEqual(['list_evaluations']);
    expect(document.documentElement.dataset.ready).toBe('true');
  });
});
