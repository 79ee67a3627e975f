import { describe, expect, it } from 'vitest';
import type { ChartView, HeatCell, MonitoringWindow } from './bindings';
import {
  HEATMAP_CHART_KEY,
  cellDescription,
  heatLevelClass,
  metricPoint,
  runLabel,
  splitCharts,
  windowSpecLabel,
} from './monitoring';
import { MONITORING_DETAIL, MONITORING_RUNS } from '../test/fixtures';

const [week0, , week2, week3] = MONITORING_DETAIL.windows as [
  MonitoringWindow,
  MonitoringWindow,
  MonitoringWindow,
  MonitoringWindow,
];

describe('monitoring presentation', () => {
  it('names a run by its model version, or as data only', () => {
    expect(runLabel(MONITORING_RUNS[0]!)).toBe('credit-risk v2');
    expect(runLabel(MONITORING_RUNS[1]!)).toBe('data only');
    expect(runLabel({ ...MONITORING_RUNS[0]!, modelVersion: null })).toBe('credit-risk');
  });

  it('says the window spec in words', () => {
    expect(windowSpecLabel('week')).toBe('week');
    expect(windowSpecLabel('month')).toBe('month');
    expect(windowSpecLabel('rows:500')).toBe('500 rows');
  });

  it('shades cells in eleven steps with the threshold in the middle', () => {
    expect(heatLevelClass(0)).toBe('heat-0');
    expect(heatLevelClass(0.5)).toBe('heat-5');
    expect(heatLevelClass(0.64)).toBe('heat-6');
    expect(heatLevelClass(1)).toBe('heat-10');
    // Out of range or undefined levels stay on the scale.
    expect(heatLevelClass(1.7)).toBe('heat-10');
    expect(heatLevelClass(-0.2)).toBe('heat-0');
    expect(heatLevelClass(Number.NaN)).toBe('heat-0');
  });

  it('describes a cell in words, with the engine’s verdict, method and score', () => {
    const drifted: HeatCell = { level: 1, drifted: true, score: 0.2345, method: 'Wasserstein distance (normed)' };
    expect(cellDescription('income', week2, drifted)).toBe(
      'income, week of 2026-03-16: drifted (Wasserstein distance (normed) 0.2345)',
    );
    const stable: HeatCell = { level: 0.1, drifted: false, score: 0.02, method: 'K-S p_value' };
    expect(cellDescription('income', week0, stable)).toBe(
      'income, week of 2026-03-02 (reference window): not drifted (K-S p_value 0.0200)',
    );
    expect(cellDescription('utilization', week3, null)).toBe('utilization, week of 2026-03-23: no result');
  });

  it('finds a window’s realised metric by name', () => {
    expect(metricPoint(week0, 'accuracy')).toEqual({ name: 'accuracy', value: 0.8212, ci_low: 0.7803, ci_high: 0.8606 });
    expect(metricPoint(week3, 'accuracy')).toBeNull();
  });

  it('sets the heatmap chart apart from the charts shown as images', () => {
    const { heatmap, images } = splitCharts(MONITORING_DETAIL.charts);
    expect(HEATMAP_CHART_KEY).toBe('heatmap');
    expect(heatmap?.key).toBe('heatmap');
    expect(heatmap?.title).toBe('Drift heatmap');
    expect(images.map((c) => c.title)).toEqual([
      'Accuracy over time',
      'Fairness gap over time',
      'Drifted columns over time',
    ]);
    expect(splitCharts([]).heatmap).toBeNull();
  });

  it('finds the heatmap by its key, whatever its title says', () => {
    const charts: ChartView[] = [
      { key: 'drift_share', title: 'Drift heatmap', svg: '<svg/>' },
      { key: 'heatmap', title: 'Carte de dérive', svg: '<svg/>' },
    ];
    const { heatmap, images } = splitCharts(charts);
    expect(heatmap).toBe(charts[1]);
    expect(images).toEqual([charts[0]]);
  });
});
