// Presentation helpers for evaluations: labels and explanations of metric names,
// rows → table pivots, heat-map shading classes and the settings text. Every
// number shown comes from the backend; nothing here computes a metric.

import type { ConfusionMatrix, EvaluationSummary, FairnessGap, MetricValue } from './bindings';

interface MetricInfo {
  label: string;
  description: string;
}

/** Known metrics in the order they are shown, with how each one is computed. */
const METRICS: ReadonlyArray<[string, MetricInfo]> = [
  [
    'accuracy',
    { label: 'Accuracy', description: 'Share of rows whose predicted class equals the true class.' },
  ],
  [
    'balanced_accuracy',
    { label: 'Balanced accuracy', description: 'Mean recall over the classes present in the data.' },
  ],
  [
    'precision',
    {
      label: 'Precision',
      description:
        'Of the rows predicted as a class, the share that truly are (0 when nothing is predicted as the class).',
    },
  ],
  ['recall', { label: 'Recall', description: 'Of the rows of a class, the share predicted as it.' }],
  ['f1', { label: 'F1', description: 'Harmonic mean of precision and recall.' }],
  [
    'roc_auc',
    {
      label: 'ROC AUC',
      description:
        'Probability that a random positive is scored above a random negative (ties count half); one-vs-rest / one-vs-one for several classes.',
    },
  ],
  [
    'log_loss',
    {
      label: 'Log loss',
      description:
        'Mean negative log-probability of the true class, probabilities clipped to [ε, 1−ε].',
    },
  ],
  [
    'r2',
    {
      label: 'R²',
      description:
        '1 − (sum of squared errors ÷ sum of squared deviations of the true values from their mean); 1 is a perfect fit, 0 no better than predicting the mean.',
    },
  ],
  [
    'explained_variance',
    {
      label: 'Explained variance',
      description: '1 − variance of the errors ÷ variance of the true values.',
    },
  ],
  [
    'mae',
    { label: 'MAE', description: 'Mean absolute difference between prediction and true value.' },
  ],
  [
    'mse',
    { label: 'MSE', description: 'Mean squared difference between prediction and true value.' },
  ],
  ['rmse', { label: 'RMSE', description: 'Square root of the mean squared error.' }],
  [
    'median_absolute_error',
    {
      label: 'Median absolute error',
      description: 'Median of the absolute differences between prediction and true value.',
    },
  ],
  [
    'max_error',
    {
      label: 'Max error',
      description: 'Largest absolute difference between prediction and true value.',
    },
  ],
  [
    'mape',
    {
      label: 'MAPE',
      description:
        'Mean of |true − predicted| ÷ |true|, as a fraction (not a percentage); a tiny ε stands in for a true value of 0.',
    },
  ],
  ['n_samples', { label: 'Rows', description: 'Number of rows scored.' }],
];

const METRIC_INFO: ReadonlyMap<string, MetricInfo> = new Map(METRICS);
const METRIC_ORDER: ReadonlyMap<string, number> = new Map(METRICS.map(([name], i) => [name, i]));

/** "accuracy" -> "Accuracy"; an unknown name as it is. */
export function metricLabel(name: string): string {
  return METRIC_INFO.get(name)?.label ?? name;
}

/** How the metric is computed, for a tooltip; "" when unknown. */
export function metricDescription(name: string): string {
  return METRIC_INFO.get(name)?.description ?? '';
}

/** Splits a headline name such as "f1 (macro)" into the metric and its qualifier. */
function splitHeadline(name: string): { base: string; qualifier: string } {
  const match = /^(.*?)\s*\((.+)\)$/.exec(name);
  return match ? { base: match[1]!, qualifier: match[2]! } : { base: name, qualifier: '' };
}

/** "f1 (macro)" -> "F1 (macro)", "roc_auc" -> "ROC AUC". */
export function headlineLabel(name: string): string {
  const { base, qualifier } = splitHeadline(name);
  const label = metricLabel(base);
  return qualifier ? `${label} (${qualifier})` : label;
}

export function headlineDescription(name: string): string {
  return metricDescription(splitHeadline(name).base);
}

/** A comparison's metric name ("f1_macro") as a headline name ("f1 (macro)"). */
function comparisonHeadline(name: string): string {
  if (METRIC_INFO.has(name)) return name;
  const match = /^(.+)_(macro|micro|weighted)$/.exec(name);
  return match && METRIC_INFO.has(match[1]!) ? `${match[1]!} (${match[2]!})` : name;
}

/** "f1_macro" -> "F1 (macro)", "roc_auc" -> "ROC AUC"; an unknown name as it is. */
export function comparisonMetricLabel(name: string): string {
  return headlineLabel(comparisonHeadline(name));
}

/** How a comparison's metric is computed, for a tooltip; "" when unknown. */
export function comparisonMetricDescription(name: string): string {
  return headlineDescription(comparisonHeadline(name));
}

/**
 * Whether an interval given by the engine lies wholly on one side of 0 (the difference is
 * then shown emphasised); false when either end is missing.
 */
export function intervalExcludesZero(low: number | null, high: number | null): boolean {
  if (low === null || high === null || !Number.isFinite(low) || !Number.isFinite(high)) return false;
  return low > 0 || high < 0;
}

/**
 * The evaluations a comparison starts with, champion first: the two newest finished
 * classification evaluations on the same dataset (the older one as champion), else the two
 * newest evaluations; null when there are fewer than two. `list` is newest first.
 */
export function defaultComparison(list: EvaluationSummary[]): { first: number; second: number } | null {
  const newest = new Map<string, EvaluationSummary>();
  for (const e of list) {
    if (e.task !== 'classification' || e.status !== 'done') continue;
    const newer = newest.get(e.datasetName);
    if (newer) return { first: e.id, second: newer.id };
    newest.set(e.datasetName, e);
  }
  if (list.length < 2) return null;
  return { first: list[1]!.id, second: list[0]!.id };
}

/**
 * What an evaluation evaluated: "credit-risk v2", or "fraud-service · logged predictions"
 * for predictions a system logged in the dataset (they have no model version).
 */
export function modelLabel(summary: Pick<EvaluationSummary, 'modelName' | 'modelVersion' | 'loggedPredictions'>): string {
  if (summary.loggedPredictions) return `${summary.modelName} · logged predictions`;
  return summary.modelVersion > 0 ? `${summary.modelName} v${summary.modelVersion}` : summary.modelName;
}

/**
 * A model's evaluations grouped by the version evaluated, each group in the order of `list`
 * (the engine's, newest first). Versions never evaluated have no entry, and logged
 * predictions are no version of the model even when their system bears its name.
 */
export function evaluationsByVersion(
  list: readonly EvaluationSummary[],
  modelName: string,
): Map<number, EvaluationSummary[]> {
  const byVersion = new Map<number, EvaluationSummary[]>();
  for (const evaluation of list) {
    if (evaluation.modelName !== modelName || evaluation.loggedPredictions) continue;
    const group = byVersion.get(evaluation.modelVersion);
    if (group) group.push(evaluation);
    else byVersion.set(evaluation.modelVersion, [evaluation]);
  }
  return byVersion;
}

/** Metric averagings in column order; "" (a single value) and "binary" share the first column. */
const AVERAGING_COLUMNS: ReadonlyArray<[string, string]> = [
  ['value', 'Value'],
  ['micro', 'Micro'],
  ['macro', 'Macro'],
  ['weighted', 'Weighted'],
  ['ovr_macro', 'OvR macro'],
  ['ovr_weighted', 'OvR weighted'],
  ['ovr_micro', 'OvR micro'],
  ['ovo_macro', 'OvO macro'],
  ['ovo_weighted', 'OvO weighted'],
];

const PER_CLASS = 'per_class';

function columnKey(averaging: string): string {
  return averaging === '' || averaging === 'binary' ? 'value' : averaging;
}

export interface TableColumn {
  key: string;
  label: string;
}

/** One value of the metric table; `ci` is its bootstrap 95 % interval when it has one. */
export interface MetricCell {
  present: boolean;
  value: number | null;
  ci?: { low: number; high: number };
}

export interface TableRow {
  name: string;
  label: string;
  description: string;
  /** One entry per column; `present` is false when the metric has no such value. */
  cells: Array<MetricCell>;
}

export interface MetricTables {
  columns: TableColumn[];
  rows: TableRow[];
  /** Class labels, in the order the backend gave them. */
  classes: string[];
  perClass: TableRow[];
}

function byShownOrder(names: string[]): string[] {
  const first = new Map(names.map((n, i) => [n, i]));
  const rank = (n: string) => METRIC_ORDER.get(n) ?? METRICS.length + (first.get(n) ?? 0);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

function uniqueInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/**
 * Pivots the flat metric rows into a table of averagings (one row per metric)
 * and a table of per-class values (one column per class).
 */
export function metricTables(metrics: MetricValue[]): MetricTables {
  const overall = metrics.filter((m) => m.averaging !== PER_CLASS);
  const perClassRows = metrics.filter((m) => m.averaging === PER_CLASS);

  const keys = new Set(overall.map((m) => columnKey(m.averaging)));
  const known = AVERAGING_COLUMNS.filter(([key]) => keys.has(key));
  const knownKeys = new Set(known.map(([key]) => key));
  const extra = uniqueInOrder(overall.map((m) => columnKey(m.averaging))).filter(
    (key) => !knownKeys.has(key),
  );
  const hasBinary = overall.some((m) => m.averaging === 'binary');
  const columns: TableColumn[] = [
    ...known.map(([key, label]) => ({
      key,
      label: key === 'value' && hasBinary ? 'Value / binary' : label,
    })),
    ...extra.map((key) => ({ key, label: key })),
  ];

  const values = new Map<string, Map<string, MetricValue>>();
  for (const m of overall) {
    let row = values.get(m.name);
    if (!row) values.set(m.name, (row = new Map()));
    row.set(columnKey(m.averaging), m);
  }
  const rows = byShownOrder([...values.keys()]).map((name) => {
    const row = values.get(name)!;
    return {
      name,
      label: metricLabel(name),
      description: metricDescription(name),
      cells: columns.map(({ key }): MetricCell => {
        const m = row.get(key);
        const cell: MetricCell = { present: m !== undefined, value: m?.value ?? null };
        if (m && m.ciLow !== null && m.ciHigh !== null) cell.ci = { low: m.ciLow, high: m.ciHigh };
        return cell;
      }),
    };
  });

  const classes = uniqueInOrder(perClassRows.map((m) => m.classLabel));
  const perClassValues = new Map<string, Map<string, number | null>>();
  for (const m of perClassRows) {
    let row = perClassValues.get(m.name);
    if (!row) perClassValues.set(m.name, (row = new Map()));
    row.set(m.classLabel, m.value);
  }
  const perClass = byShownOrder([...perClassValues.keys()]).map((name) => {
    const row = perClassValues.get(name)!;
    return {
      name,
      label: metricLabel(name),
      description: metricDescription(name),
      cells: classes.map((c) => ({ present: row.has(c), value: row.get(c) ?? null })),
    };
  });

  return { columns, rows, classes, perClass };
}

/** Number of shading steps of the confusion matrix: heat-0 … heat-5. */
export const HEAT_LEVELS = 5;

/**
 * The shading class of a confusion-matrix cell: its count relative to the row
 * total, in steps. An empty cell is always heat-0; any count is at least heat-1.
 */
export function heatClass(count: number, rowTotal: number): string {
  if (!(count > 0) || !(rowTotal > 0)) return 'heat-0';
  const level = Math.min(HEAT_LEVELS, Math.max(1, Math.ceil((count / rowTotal) * HEAT_LEVELS)));
  return `heat-${level}`;
}

export interface HeatCell {
  count: number;
  className: string;
  /** Share of the row, for the tooltip. */
  share: string;
}

/** The confusion matrix as rows of shaded cells, rows = true class. */
export function heatRows(matrix: ConfusionMatrix): HeatCell[][] {
  return matrix.matrix.map((row) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    return row.map((count) => ({
      count,
      className: heatClass(count, total),
      share: total > 0 ? `${((count / total) * 100).toFixed(1)}% of the row` : 'empty row',
    }));
  });
}

export type GapKey =
  | 'demographicParityDifference'
  | 'equalizedOddsDifference'
  | 'equalOpportunityDifference';

export const GAP_COLUMNS: ReadonlyArray<{ key: GapKey; label: string; description: string }> = [
  {
    key: 'demographicParityDifference',
    label: 'Demographic parity difference',
    description: 'Largest difference in selection rate (share predicted positive) between two groups.',
  },
  {
    key: 'equalizedOddsDifference',
    label: 'Equalized odds difference',
    description:
      'The larger of the largest between-group differences in true positive rate and in false positive rate.',
  },
  {
    key: 'equalOpportunityDifference',
    label: 'Equal opportunity difference',
    description: 'Largest difference in true positive rate (recall of the positive class) between two groups.',
  },
];

/** Which of a key's gaps is the largest (to highlight it); null when none is defined. */
export function largestGap(gap: FairnessGap): GapKey | null {
  let best: GapKey | null = null;
  let bestValue = -Infinity;
  for (const { key } of GAP_COLUMNS) {
    const value = gap[key];
    if (value !== null && Number.isFinite(value) && value > bestValue) {
      best = key;
      bestValue = value;
    }
  }
  return best;
}

/** Dataset columns bound by hand to one model input. */
export interface InputBindingView {
  input: string;
  columns: string[];
}

export interface EvaluationSettingsView {
  target: string | null;
  positiveLabel: string | null;
  /** Each entry one analysis; several columns form an intersection. */
  sensitive: string[][];
  /** Explicit bindings of columns to model inputs; empty when the automatic binding was used. */
  inputs: InputBindingView[];
  /** Logged predictions: the column of predicted labels; null when a model was run. */
  predictionColumn: string | null;
  /** Logged predictions: the columns of class probabilities, in class order. */
  probabilityColumns: string[];
  /** False when the text is not a JSON object. */
  parsed: boolean;
}

/** One input binding as the settings show it: `X = a, b`. */
export function inputBindingText(binding: InputBindingView): string {
  return `${binding.input} = ${binding.columns.join(', ')}`;
}

function firstOf(object: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) {
    if (key in object) return object[key];
  }
  return undefined;
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** The names in a list of column names, skipping anything that is not one. */
function columnList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(scalarText).filter((c): c is string => c !== null && c !== '');
}

function inputBindings(value: unknown): InputBindingView[] {
  if (!Array.isArray(value)) return [];
  const bindings: InputBindingView[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const { input, columns } = entry as { input?: unknown; columns?: unknown };
    const name = scalarText(input);
    const bound = columnList(columns);
    if (name !== null && name !== '' && bound.length > 0) bindings.push({ input: name, columns: bound });
  }
  return bindings;
}

/** Reads the stored settings JSON for display. */
export function parseSettings(text: string): EvaluationSettingsView {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      target: null,
      positiveLabel: null,
      sensitive: [],
      inputs: [],
      predictionColumn: null,
      probabilityColumns: [],
      parsed: false,
    };
  }
  const object = value as Record<string, unknown>;
  const target = scalarText(firstOf(object, ['target', 'target_column', 'targetColumn']));
  const positiveLabel = scalarText(
    firstOf(object, ['pos_label', 'positive_label', 'positiveLabel', 'posLabel']),
  );
  const rawSensitive = firstOf(object, [
    'sensitive',
    'sensitive_columns',
    'sensitiveColumns',
    'sensitive_features',
  ]);
  const sensitive: string[][] = [];
  if (Array.isArray(rawSensitive)) {
    for (const entry of rawSensitive) {
      if (Array.isArray(entry)) {
        const columns = entry.map(scalarText).filter((c): c is string => c !== null);
        if (columns.length > 0) sensitive.push(columns);
      } else {
        const column = scalarText(entry);
        if (column !== null) sensitive.push([column]);
      }
    }
  } else {
    const column = scalarText(rawSensitive);
    if (column !== null) sensitive.push([column]);
  }
  const predictionColumn = scalarText(firstOf(object, ['prediction_column', 'predictionColumn']));
  return {
    target,
    positiveLabel,
    sensitive,
    inputs: inputBindings(object.inputs),
    predictionColumn: predictionColumn === '' ? null : predictionColumn,
    probabilityColumns: columnList(firstOf(object, ['probability_columns', 'probabilityColumns'])),
    parsed: true,
  };
}
