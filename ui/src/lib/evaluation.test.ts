import { describe, expect, it } from 'vitest';
import {
  comparisonMetricDescription,
  comparisonMetricLabel,
  defaultComparison,
  evaluationsByVersion,
  headlineDescription,
  headlineLabel,
  heatClass,
  heatRows,
  inputBindingText,
  intervalExcludesZero,
  largestGap,
  metricDescription,
  metricLabel,
  metricTables,
  modelLabel,
  parseSettings,
} from './evaluation';
import type { EvaluationSummary, FairnessGap, MetricValue } from './bindings';
import { COMPARABLE_EVALUATIONS, EVALUATIONS } from '../test/fixtures';

function m(name: string, averaging: string, value: number | null, classLabel = ''): MetricValue {
  return { name, averaging, classLabel, value, ciLow: null, ciHigh: null };
}

describe('metric names', () => {
  it('labels and explains known metrics, keeps unknown names', () => {
    expect(metricLabel('roc_auc')).toBe('ROC AUC');
    expect(metricDescription('recall')).toBe('Of the rows of a class, the share predicted as it.');
    expect(metricDescription('precision')).toBe(
      'Of the rows predicted as a class, the share that truly are (0 when nothing is predicted as the class).',
    );
    for (const name of ['mae', 'mse', 'rmse', 'r2', 'explained_variance', 'max_error', 'median_absolute_error', 'mape']) {
      expect(metricDescription(name).length).toBeGreaterThan(10);
    }
    expect(metricLabel('brier')).toBe('brier');
    expect(metricDescription('brier')).toBe('');
  });

  it('labels headline names with their qualifier', () => {
    expect(headlineLabel('f1 (macro)')).toBe('F1 (macro)');
    expect(headlineLabel('accuracy')).toBe('Accuracy');
    expect(headlineDescription('f1 (macro)')).toBe('Harmonic mean of precision and recall.');
  });
});

describe('metricTables', () => {
  it('pivots multiclass rows into averaging columns and per-class columns', () => {
    const tables = metricTables([
      m('accuracy', '', 0.9),
      m('roc_auc', 'ovr_macro', 0.95),
      m('roc_auc', 'ovo_weighted', 0.94),
      m('recall', 'macro', 0.8),
      m('recall', 'per_class', 0.7, 'setosa'),
      m('recall', 'per_class', 0.9, 'virginica'),
      m('custom', 'odd', 0.5),
    ]);
    expect(tables.columns.map((c) => c.label)).toEqual(['Value', 'Macro', 'OvR macro', 'OvO weighted', 'odd']);
    expect(tables.rows.map((r) => r.name)).toEqual(['accuracy', 'recall', 'roc_auc', 'custom']);
    const rocAuc = tables.rows[2]!;
    expect(rocAuc.cells).toEqual([
      { present: false, value: null },
      { present: false, value: null },
      { present: true, value: 0.95 },
      { present: true, value: 0.94 },
      { present: false, value: null },
    ]);
    expect(tables.classes).toEqual(['setosa', 'virginica']);
    expect(tables.perClass).toHaveLength(1);
    expect(tables.perClass[0]!.cells.map((c) => c.value)).toEqual([0.7, 0.9]);
  });

  it('has no tables for no metrics', () => {
    expect(metricTables([])).toEqual({ columns: [], rows: [], classes: [], perClass: [] });
  });
});

describe('confusion matrix shading', () => {
  it('shades by share of the row total', () => {
    expect(heatClass(0, 10)).toBe('heat-0');
    expect(heatClass(1, 100)).toBe('heat-1');
    expect(heatClass(20, 100)).toBe('heat-1');
    expect(heatClass(21, 100)).toBe('heat-2');
    expect(heatClass(60, 100)).toBe('heat-3');
    expect(heatClass(100, 100)).toBe('heat-5');
    expect(heatClass(0, 0)).toBe('heat-0');
  });

  it('shades every row on its own', () => {
    const rows = heatRows({ labels: ['a', 'b'], matrix: [[5, 5], [0, 0]] });
    expect(rows[0]!.map((c) => c.className)).toEqual(['heat-3', 'heat-3']);
    expect(rows[0]![0]!.share).toBe('50.0% of the row');
    expect(rows[1]!.map((c) => c.className)).toEqual(['heat-0', 'heat-0']);
    expect(rows[1]![0]!.share).toBe('empty row');
  });
});

describe('largestGap', () => {
  const gap: FairnessGap = {
    sensitive: 'sex',
    groups: [],
    demographicParityDifference: 0.1,
    equalizedOddsDifference: null,
    equalOpportunityDifference: 0.2,
    smallGroups: [],
  };

  it('picks the largest defined gap', () => {
    expect(largestGap(gap)).toBe('equalOpportunityDifference');
    expect(
      largestGap({ ...gap, demographicParityDifference: null, equalOpportunityDifference: null }),
    ).toBeNull();
  });
});

describe('parseSettings', () => {
  const NONE = { inputs: [], predictionColumn: null, probabilityColumns: [] };

  it('reads target, positive label and sensitive columns (intersections too)', () => {
    expect(parseSettings('{"target":"y","pos_label":"yes","sensitive":[["sex"],["sex","race"]]}')).toEqual({
      target: 'y',
      positiveLabel: 'yes',
      sensitive: [['sex'], ['sex', 'race']],
      ...NONE,
      parsed: true,
    });
    expect(parseSettings('{"target_column":"y","positive_label":1,"sensitive_columns":["sex"]}')).toEqual({
      target: 'y',
      positiveLabel: '1',
      sensitive: [['sex']],
      ...NONE,
      parsed: true,
    });
    expect(parseSettings('{"target":"y","pos_label":null}')).toEqual({
      target: 'y',
      positiveLabel: null,
      sensitive: [],
      ...NONE,
      parsed: true,
    });
  });

  it('reads the logged-prediction columns and the explicit model inputs', () => {
    expect(
      parseSettings(
        '{"target":"y","pos_label":null,"sensitive":[["sex"]],"prediction_column":"y_pred","probability_columns":["p_0","p_1"]}',
      ),
    ).toEqual({
      target: 'y',
      positiveLabel: null,
      sensitive: [['sex']],
      inputs: [],
      predictionColumn: 'y_pred',
      probabilityColumns: ['p_0', 'p_1'],
      parsed: true,
    });
    const withInputs = parseSettings(
      '{"target":"y","pos_label":null,"sensitive":[],"inputs":[{"input":"X","columns":["a","b"]},{"input":"mask","columns":["m"]}]}',
    );
    expect(withInputs.inputs).toEqual([
      { input: 'X', columns: ['a', 'b'] },
      { input: 'mask', columns: ['m'] },
    ]);
    expect(withInputs.inputs.map(inputBindingText)).toEqual(['X = a, b', 'mask = m']);
    expect(withInputs.predictionColumn).toBeNull();
    expect(withInputs.probabilityColumns).toEqual([]);
  });

  it('skips logged-prediction and input settings it cannot read', () => {
    const settings = parseSettings(
      '{"target":"y","prediction_column":"","probability_columns":"p_1","inputs":[{"input":"X"},{"columns":["a"]},"X=a",{"input":"Y","columns":["b",null]}]}',
    );
    expect(settings.predictionColumn).toBeNull();
    expect(settings.probabilityColumns).toEqual([]);
    expect(settings.inputs).toEqual([{ input: 'Y', columns: ['b'] }]);
    expect(parseSettings('{"target":"y","inputs":{"input":"X","columns":["a"]}}').inputs).toEqual([]);
  });

  it('says when the text is not a settings object', () => {
    expect(parseSettings('not json').parsed).toBe(false);
    expect(parseSettings('[1,2]').parsed).toBe(false);
    expect(parseSettings('null').parsed).toBe(false);
  });
});

describe('comparisons', () => {
  it('labels and explains the compared metrics like the metric table', () => {
    expect(comparisonMetricLabel('accuracy')).toBe('Accuracy');
    expect(comparisonMetricLabel('f1_macro')).toBe('F1 (macro)');
    expect(comparisonMetricLabel('roc_auc')).toBe('ROC AUC');
    expect(comparisonMetricLabel('log_loss')).toBe('Log loss');
    expect(comparisonMetricLabel('brier_macro')).toBe('brier_macro');
    expect(comparisonMetricDescription('f1_macro')).toBe('Harmonic mean of precision and recall.');
    expect(comparisonMetricDescription('brier')).toBe('');
  });

  it('says whether an interval lies on one side of 0', () => {
    expect(intervalExcludesZero(0.001, 0.02)).toBe(true);
    expect(intervalExcludesZero(-0.02, -0.001)).toBe(true);
    expect(intervalExcludesZero(-0.01, 0.02)).toBe(false);
    expect(intervalExcludesZero(0, 0.02)).toBe(false);
    expect(intervalExcludesZero(null, 0.02)).toBe(false);
    expect(intervalExcludesZero(Number.NaN, Number.NaN)).toBe(false);
  });

  it('starts with the newest finished classifications on one dataset, else the two newest', () => {
    expect(defaultComparison(COMPARABLE_EVALUATIONS)).toEqual({ first: 3, second: 7 });
    // Without #3, the reviews pair is the only one.
    expect(defaultComparison(COMPARABLE_EVALUATIONS.filter((e) => e.id !== 3))).toEqual({ first: 2, second: 5 });
    expect(defaultComparison(EVALUATIONS)).toEqual({ first: 2, second: 3 });
    const one: EvaluationSummary[] = EVALUATIONS.slice(0, 1);
    expect(defaultComparison(one)).toBeNull();
    expect(defaultComparison([])).toBeNull();
  });
});

describe('evaluationsByVersion', () => {
  it('groups one model’s evaluations by version, keeping the list’s order', () => {
    const byVersion = evaluationsByVersion(COMPARABLE_EVALUATIONS, 'credit-risk');
    expect([...byVersion.keys()].sort()).toEqual([2, 3]);
    expect(byVersion.get(3)?.map((e) => e.id)).toEqual([7, 4]);
    expect(byVersion.get(2)?.map((e) => e.id)).toEqual([3]);
    expect(byVersion.has(1)).toBe(false);

    // Another model with the same version numbers stays apart.
    expect(evaluationsByVersion(COMPARABLE_EVALUATIONS, 'sentiment').get(1)?.map((e) => e.id)).toEqual([2]);
    expect(evaluationsByVersion(COMPARABLE_EVALUATIONS, 'unknown').size).toBe(0);
    expect(evaluationsByVersion([], 'credit-risk').size).toBe(0);
  });

  it('leaves out predictions logged by a system of the same name: they are no version of the model', () => {
    const logged: EvaluationSummary = { ...COMPARABLE_EVALUATIONS[0]!, id: 99, modelVersion: 0, loggedPredictions: true };
    const byVersion = evaluationsByVersion([logged, ...COMPARABLE_EVALUATIONS], 'credit-risk');
    expect([...byVersion.keys()].sort()).toEqual([2, 3]);
    expect([...byVersion.values()].flat().map((e) => e.id)).not.toContain(99);
  });
});

describe('modelLabel', () => {
  it('names the model version, or the system that logged the predictions', () => {
    expect(modelLabel(EVALUATIONS[0]!)).toBe('credit-risk v2');
    expect(modelLabel({ modelName: 'fraud-service', modelVersion: 0, loggedPredictions: true })).toBe(
      'fraud-service · logged predictions',
    );
  });
});
