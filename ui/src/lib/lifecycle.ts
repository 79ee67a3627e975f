// Display helpers for a model's lifecycle (aliases, gate policy, alias history). The
// engine decides everything (whether gates pass, who may approve, where a rollback
// goes); these only arrange what it returns for the screen and read the policy form.

import type { AliasEvent, GatePolicy, ModelLifecycle } from './bindings';

/** The alias the engine guards with the gate policy and moves back on a rollback. */
export const PRODUCTION = 'production';

/** The aliases pointing at each version number, in the order the engine lists them. */
export function aliasesByVersion(aliases: ModelLifecycle['aliases']): Map<number, string[]> {
  const byVersion = new Map<number, string[]>();
  for (const [alias, version] of aliases) {
    const names = byVersion.get(version);
    if (names) names.push(alias);
    else byVersion.set(version, [alias]);
  }
  return byVersion;
}

/** The version number production points at; null when the model has no production alias. */
export function productionVersion(aliases: ModelLifecycle['aliases']): number | null {
  return aliases.find(([alias]) => alias === PRODUCTION)?.[1] ?? null;
}

/** The five thresholds of a gate policy (every field but the four-eyes switch). */
export type ThresholdKey = Exclude<keyof GatePolicy, 'fourEyes'>;

export interface ThresholdField {
  key: ThresholdKey;
  /** The input's data-testid. */
  testid: string;
  label: string;
  /** What the number is compared with, in the engine's terms. */
  hint: string;
}

/** The policy form's number fields, in the order they are shown. */
export const THRESHOLD_FIELDS: readonly ThresholdField[] = [
  {
    key: 'minAccuracy',
    testid: 'policy-min-accuracy',
    label: 'Minimum accuracy',
    hint: "The newest finished evaluation's accuracy.",
  },
  {
    key: 'minRocAuc',
    testid: 'policy-min-roc-auc',
    label: 'Minimum ROC AUC',
    hint: "The newest finished evaluation's ROC AUC.",
  },
  {
    key: 'maxEqualizedOddsDifference',
    testid: 'policy-max-equalized-odds-difference',
    label: 'Maximum equalized-odds difference',
    hint: 'The largest difference between groups, over every sensitive column evaluated.',
  },
  {
    key: 'maxDriftShare',
    testid: 'policy-max-drift-share',
    label: 'Maximum drift share',
    hint: 'The share of drifted columns in the newest window of the newest monitoring run.',
  },
  {
    key: 'maxAccuracyDrop',
    testid: 'policy-max-accuracy-drop',
    label: 'Maximum accuracy drop',
    hint: "How far accuracy may fall below the production version's, on the same dataset and settings.",
  },
];

/** What the policy form holds: a number per threshold (null or empty when not checked). */
export type ThresholdValues = Record<ThresholdKey, number | string | null | undefined>;

/** The form's values for a stored policy. */
export function thresholdValues(policy: GatePolicy): Record<ThresholdKey, number | null> {
  return {
    minAccuracy: policy.minAccuracy,
    minRocAuc: policy.minRocAuc,
    maxEqualizedOddsDifference: policy.maxEqualizedOddsDifference,
    maxDriftShare: policy.maxDriftShare,
    maxAccuracyDrop: policy.maxAccuracyDrop,
  };
}

/**
 * The policy to send for the form's values: an empty field is null (not checked). The
 * numbers go as typed; the engine says when one is out of range.
 */
export function policyFromForm(values: ThresholdValues, fourEyes: boolean): GatePolicy {
  return {
    minAccuracy: thresholdOf(values.minAccuracy),
    minRocAuc: thresholdOf(values.minRocAuc),
    maxEqualizedOddsDifference: thresholdOf(values.maxEqualizedOddsDifference),
    maxDriftShare: thresholdOf(values.maxDriftShare),
    maxAccuracyDrop: thresholdOf(values.maxAccuracyDrop),
    fourEyes,
  };
}

function thresholdOf(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (value.trim() === '') return null;
    value = Number(value);
  }
  return Number.isFinite(value) ? value : null;
}

/** "v1", or "none" for the start of an alias's first move. */
export function versionLabel(version: number | null): string {
  return version === null ? 'none' : `v${version}`;
}

const ACTIONS: Record<string, string> = { promote: 'Promoted', rollback: 'Rolled back' };

/** "Promoted", "Rolled back"; an unknown action as the engine names it. */
export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action;
}

/** One line about a recorded move: "production now points at v1 (was v2)." */
export function moveSummary(event: AliasEvent): string {
  const before = event.fromVersion === null ? '' : ` (was v${event.fromVersion})`;
  return `${event.alias} now points at v${event.toVersion}${before}.`;
}
