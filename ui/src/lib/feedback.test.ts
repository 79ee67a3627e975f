import { describe, expect, it } from 'vitest';
import {
  groupKey,
  parseGroupKey,
  NO_FILTERS,
  PAGE_SIZE,
  confidenceBound,
  contradictionSentence,
  correctText,
  digitLabel,
  disagreementCandidates,
  evaluationLabel,
  isFiltered,
  pageIndicator,
  performanceSentence,
  toPredictionFilter,
  verdictText,
} from './feedback';
import { COMPARABLE_EVALUATIONS, EVALUATIONS, FEEDBACK_PERFORMANCE, PREDICTION_LABELS } from '../test/fixtures';

describe('feedback helpers', () => {
  it('turns the filter bar into the engine’s filter for one page', () => {
    expect(PAGE_SIZE).toBe(50);
    expect(toPredictionFilter(NO_FILTERS, 0)).toEqual({
      predictedLabel: null,
      minConfidence: null,
      maxConfidence: null,
      correct: null,
      unannotated: false,
      byUncertainty: false,
      offset: 0,
      limit: 50,
    });
    expect(
      toPredictionFilter({ ...NO_FILTERS, predictedLabel: 'approved', correctness: 'incorrect', unannotated: true }, 150, 200),
    ).toMatchObject({ predictedLabel: 'approved', correct: false, unannotated: true, byUncertainty: false, offset: 150, limit: 200 });
    expect(toPredictionFilter({ ...NO_FILTERS, correctness: 'correct' }, 0).correct).toBe(true);
    // The queue is the unannotated rows, least confident first.
    expect(toPredictionFilter({ ...NO_FILTERS, queue: true }, 0)).toMatchObject({ unannotated: true, byUncertainty: true });
  });

  it('sends the confidence bounds and the evaluation to disagree with, leaving the latter out when off', () => {
    expect(toPredictionFilter({ ...NO_FILTERS, minConfidence: 0.2, maxConfidence: 0.6 }, 0)).toMatchObject({
      minConfidence: 0.2,
      maxConfidence: 0.6,
    });
    expect(toPredictionFilter({ ...NO_FILTERS, maxConfidence: 0 }, 0).maxConfidence).toBe(0);
    expect('disagreeWith' in toPredictionFilter(NO_FILTERS, 0)).toBe(false);
    // The disagreement queue: unannotated rows another version predicts differently, least confident first.
    expect(toPredictionFilter({ ...NO_FILTERS, disagreeWith: 7, queue: true }, 0)).toEqual({
      predictedLabel: null,
      minConfidence: null,
      maxConfidence: null,
      correct: null,
      unannotated: true,
      disagreeWith: 7,
      byUncertainty: true,
      offset: 0,
      limit: 50,
    });
  });

  it('reads a confidence bound as typed, an empty field being no bound', () => {
    expect(confidenceBound('')).toBeNull();
    expect(confidenceBound('  ')).toBeNull();
    expect(confidenceBound('0.75')).toBe(0.75);
    expect(confidenceBound(' 0 ')).toBe(0);
    expect(confidenceBound('1')).toBe(1);
    // Out of range goes as typed: the engine's filter then matches no row, or every row.
    expect(confidenceBound('1.5')).toBe(1.5);
    expect(confidenceBound('abc')).toBeNull();
  });

  it('offers the other evaluations on the same dataset to disagree with', () => {
    const ids = (id: number | null) => disagreementCandidates(COMPARABLE_EVALUATIONS, id).map((e) => e.id);
    expect(ids(3)).toEqual([7, 4]);
    expect(ids(7)).toEqual([4, 3]);
    expect(ids(5)).toEqual([2]);
    // house-prices on houses is alone on its dataset.
    expect(ids(6)).toEqual([]);
    expect(ids(null)).toEqual([]);
    expect(ids(99)).toEqual([]);
  });

  it('knows whether any filter is set', () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, predictedLabel: 'review' })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, correctness: 'incorrect' })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, unannotated: true })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, queue: true })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, minConfidence: 0 })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, maxConfidence: 0.5 })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, disagreeWith: 7 })).toBe(true);
  });

  it('writes the page indicator', () => {
    expect(pageIndicator(0, 50, 4000)).toBe('rows 1–50 of 4,000');
    expect(pageIndicator(50, 50, 4000)).toBe('rows 51–100 of 4,000');
    expect(pageIndicator(99950, 50, 100000)).toBe('rows 99,951–100,000 of 100,000');
    expect(pageIndicator(50, 3, 53)).toBe('rows 51–53 of 53');
    expect(pageIndicator(0, 0, 0)).toBe('no rows');
  });

  it('maps the digit keys to the first nine labels', () => {
    expect(digitLabel('1', PREDICTION_LABELS)).toBe('approved');
    expect(digitLabel('3', PREDICTION_LABELS)).toBe('review');
    expect(digitLabel('4', PREDICTION_LABELS)).toBeNull();
    expect(digitLabel('0', PREDICTION_LABELS)).toBeNull();
    expect(digitLabel('x', PREDICTION_LABELS)).toBeNull();
    expect(digitLabel('10', PREDICTION_LABELS)).toBeNull();
  });

  it('words the feedback performance in the engine’s numbers', () => {
    expect(performanceSentence(FEEDBACK_PERFORMANCE)).toBe('Accuracy on 12 feedback-labelled rows: 0.7500 [0.5000, 0.9167]');
    expect(performanceSentence({ ...FEEDBACK_PERFORMANCE, labelledRows: 1, accuracy: 1, ciLow: null, ciHigh: null })).toBe(
      'Accuracy on 1 feedback-labelled row: 1.0000',
    );
    expect(performanceSentence({ ...FEEDBACK_PERFORMANCE, labelledRows: 0, accuracy: null })).toBe(
      'No feedback-labelled rows yet',
    );
    expect(contradictionSentence(3)).toBe('3 contradict the dataset’s label');
    expect(contradictionSentence(1)).toBe('1 contradicts the dataset’s label');
    expect(contradictionSentence(0)).toBe('none contradict the dataset’s label');
  });

  it('words cells and evaluations', () => {
    expect(verdictText(null)).toBe('—');
    expect(verdictText({ verdict: 'correct', trueLabel: null, note: '', author: 'a', at: '' })).toBe('correct');
    expect(verdictText({ verdict: null, trueLabel: 'review', note: '', author: 'a', at: '' })).toBe('—');
    expect(correctText(true)).toBe('yes');
    expect(correctText(false)).toBe('no');
    expect(correctText(null)).toBe('—');
    expect(EVALUATIONS.map(evaluationLabel)).toEqual([
      '#3 · credit-risk v2 on loans-2024q1',
      '#2 · credit-risk v1 on reviews (failed)',
      '#1 · house-prices v1 on houses',
    ]);
    expect(
      evaluationLabel({ ...EVALUATIONS[0]!, modelVersion: 0, loggedPredictions: true, modelName: 'fraud-service' }),
    ).toBe('#3 · fraud-service · logged predictions on loans-2024q1');
  });
});

describe('group keys', () => {
  it('round-trips a column and a value, splitting at the first =', () => {
    expect(groupKey('region', 'a=b')).toBe('region=a=b');
    expect(parseGroupKey('region=a=b')).toEqual({ column: 'region', value: 'a=b' });
    expect(parseGroupKey('')).toBeNull();
  });
});
