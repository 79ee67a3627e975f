// Presentation helpers for monitoring runs: labels, the heatmap's shading classes and the
// words a screen reader hears for a cell. Every number and every verdict (drifted or not)
// comes from the engine; nothing here computes a statistic or decides about drift.

import type { ChartView, HeatCell, MetricPoint, MonitoringRunSummary, MonitoringWindow } from './bindings';
import { formatScore } from './format';

/**
 * The key of the engine's heatmap chart. That chart is drawn here as an interactive grid
 * (from `MonitoringDetail.cells`); its SVG is only offered for export.
 */
export const HEATMAP_CHART_KEY = 'heatmap';

/** "credit-risk v2"; "data only" for a run that follows a dataset without a model. */
export function runLabel(run: MonitoringRunSummary): string {
  if (run.modelName === null) return 'data only';
  return run.modelVersion === null ? run.modelName : `${run.modelName} v${run.modelVersion}`;
}

/** The engine's window spec in words: "week", "month", "rows:500" -> "500 rows". */
export function windowSpecLabel(spec: string): string {
  const rows = /^rows:(\d+)$/.exec(spec);
  return rows ? `${rows[1]} rows` : spec;
}

/** Number of shading steps of the heatmap: heat-0 … heat-10, heat-5 at the threshold. */
export const HEAT_STEPS = 10;

/**
 * A cell's shading class from the engine's level (0 = no sign of drift, 0.5 = at the
 * threshold, 1 = far past it). Classes rather than inline colours: the app's CSP allows
 * no inline styles.
 */
export function heatLevelClass(level: number): string {
  if (!Number.isFinite(level)) return 'heat-0';
  const step = Math.round(Math.min(1, Math.max(0, level)) * HEAT_STEPS);
  return `heat-${step}`;
}

/**
 * What a heatmap cell says, in words:
 * "income, week of 2026-03-16: drifted (Wasserstein distance (normed) 0.2345)".
 */
export function cellDescription(column: string, window: MonitoringWindow, cell: HeatCell | null): string {
  const where = window.in_reference ? `${column}, ${window.label} (reference window)` : `${column}, ${window.label}`;
  if (cell === null) return `${where}: no result`;
  return `${where}: ${cell.drifted ? 'drifted' : 'not drifted'} (${cell.method} ${formatScore(cell.score)})`;
}

/** The window's realised value of one metric, when it was computed (the window has labels). */
export function metricPoint(window: MonitoringWindow, name: string): MetricPoint | null {
  return window.performance.find((point) => point.name === name) ?? null;
}

/** The engine's charts, the heatmap set apart from the ones shown as images. */
export function splitCharts(charts: ChartView[]): { heatmap: ChartView | null; images: ChartView[] } {
  return {
    heatmap: charts.find((chart) => chart.key === HEATMAP_CHART_KEY) ?? null,
    images: charts.filter((chart) => chart.key !== HEATMAP_CHART_KEY),
  };
}
