// Presentation helpers for the Feedback view: the filter sent to the engine, the page
// indicator and the sentences of the summary line. Every number (totals, accuracy, its
// interval, contradictions) comes from the engine; nothing here computes a statistic.

import type { EvaluationSummary, FeedbackPerformance, FeedbackView, PredictionFilter } from './bindings';
import { modelLabel } from './evaluation';
import { formatCount, formatMetric, plural } from './format';

/** Rows shown (and fetched) at a time. */
export const PAGE_SIZE = 50;

/** The digit keys pick the true label among the first nine labels. */
export const MAX_DIGIT_LABELS = 9;

export type Correctness = 'all' | 'correct' | 'incorrect';

/** What the user chose in the filter bar. */
export interface FeedbackFilters {
  /** Only rows predicted as this label; null for every class. */
  predictedLabel: string | null;
  /** Whether the prediction equals the dataset's label. */
  correctness: Correctness;
  /** Only rows without any annotation. */
  unannotated: boolean;
  /** The annotation queue: unannotated rows, least confident first. */
  queue: boolean;
  /** Only rows at least / at most this confident; null for no bound. */
  minConfidence: number | null;
  maxConfidence: number | null;
  /** Only rows this other evaluation (on the same dataset) predicts differently; null for off. */
  disagreeWith: number | null;
  /** Only rows of one group of a sensitive column; null for all groups. */
  group: { column: string; value: string } | null;
}

export const NO_FILTERS: FeedbackFilters = {
  predictedLabel: null,
  correctness: 'all',
  unannotated: false,
  queue: false,
  minConfidence: null,
  maxConfidence: null,
  disagreeWith: null,
  group: null,
};

/** True when any filter narrows the rows listed. */
export function isFiltered(filters: FeedbackFilters): boolean {
  return (
    filters.predictedLabel !== null ||
    filters.correctness !== 'all' ||
    filters.unannotated ||
    filters.queue ||
    filters.minConfidence !== null ||
    filters.maxConfidence !== null ||
    filters.disagreeWith !== null ||
    filters.group !== null
  );
}

/** The engine's filter for one page of rows. */
export function toPredictionFilter(filters: FeedbackFilters, offset: number, limit = PAGE_SIZE): PredictionFilter {
  return {
    predictedLabel: filters.predictedLabel,
    minConfidence: filters.minConfidence,
    maxConfidence: filters.maxConfidence,
    correct: filters.correctness === 'all' ? null : filters.correctness === 'correct',
    unannotated: filters.unannotated || filters.queue,
    // The engine's field is optional: absent when off.
    ...(filters.disagreeWith !== null && { disagreeWith: filters.disagreeWith }),
    ...(filters.group !== null && { group: filters.group }),
    byUncertainty: filters.queue,
    offset,
    limit,
  };
}

/**
 * A confidence bound as typed: an empty field is no bound. The number goes as typed; a
 * bound outside 0–1 simply matches no row (or every row).
 */
export function confidenceBound(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * The evaluations whose predictions the rows of `evaluationId` can be compared with: the
 * others on the same dataset, in the order of `list`.
 */
export function disagreementCandidates(list: readonly EvaluationSummary[], evaluationId: number | null): EvaluationSummary[] {
  const current = list.find((e) => e.id === evaluationId);
  if (!current) return [];
  return list.filter((e) => e.id !== current.id && e.datasetName === current.datasetName);
}

/** "rows 51–100 of 4,000"; "no rows" when nothing matches. */
export function pageIndicator(offset: number, count: number, total: number): string {
  if (total <= 0 || count <= 0) return 'no rows';
  return `rows ${formatCount(offset + 1)}–${formatCount(offset + count)} of ${formatCount(total)}`;
}

/** The label a digit key (1–9) picks, or null when there is none. */
export function digitLabel(key: string, labels: readonly string[]): string | null {
  if (!/^[1-9]$/.test(key)) return null;
  return labels[Number(key) - 1] ?? null;
}

/** "Accuracy on 12 feedback-labelled rows: 0.7500 [0.5000, 0.9167]". */
export function performanceSentence(performance: FeedbackPerformance): string {
  if (performance.labelledRows === 0 || performance.accuracy === null) {
    return 'No feedback-labelled rows yet';
  }
  const rows = plural(performance.labelledRows, 'feedback-labelled row');
  const interval =
    performance.ciLow !== null && performance.ciHigh !== null
      ? ` [${formatMetric(performance.ciLow)}, ${formatMetric(performance.ciHigh)}]`
      : '';
  return `Accuracy on ${rows}: ${formatMetric(performance.accuracy)}${interval}`;
}

/** "3 contradict the dataset's label"; "1 contradicts …"; "none contradict …". */
export function contradictionSentence(count: number): string {
  if (count === 0) return 'none contradict the dataset’s label';
  return `${formatCount(count)} ${count === 1 ? 'contradicts' : 'contradict'} the dataset’s label`;
}

/** "correct", "incorrect", or "—" when the annotation gives no verdict. */
export function verdictText(feedback: FeedbackView | null): string {
  return feedback?.verdict ?? '—';
}

/** "yes" / "no" / "—" for whether the prediction equals the dataset's label. */
export function correctText(correct: boolean | null): string {
  if (correct === null) return '—';
  return correct ? 'yes' : 'no';
}

/** "#3 · credit-risk v2 on loans-2024q1"; "#4 · fraud-service · logged predictions on …". */
export function evaluationLabel(summary: EvaluationSummary): string {
  const model = modelLabel(summary);
  const status = summary.status === 'done' ? '' : ` (${summary.status})`;
  return `#${summary.id} · ${model} on ${summary.datasetName}${status}`;
}

/** A group as one select value, `column=value`; only the first `=` splits, so a value may hold `=`. */
export function groupKey(column: string, value: string): string {
  return `${column}=${value}`;
}

/** The group a select value names; null for "all groups". */
export function parseGroupKey(key: string): { column: string; value: string } | null {
  const at = key.indexOf('=');
  return at < 0 ? null : { column: key.slice(0, at), value: key.slice(at + 1) };
}
