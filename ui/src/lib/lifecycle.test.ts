import { describe, expect, it } from 'vitest';
import {
  THRESHOLD_FIELDS,
  actionLabel,
  aliasesByVersion,
  moveSummary,
  policyFromForm,
  productionVersion,
  thresholdValues,
  versionLabel,
} from './lifecycle';
import { GATE_POLICY, LIFECYCLE } from '../test/fixtures';

describe('lifecycle display helpers', () => {
  it('groups aliases by the version they point at', () => {
    const byVersion = aliasesByVersion([
      ['production', 1],
      ['staging', 2],
      ['canary', 1],
    ]);
    expect(byVersion.get(1)).toEqual(['production', 'canary']);
    expect(byVersion.get(2)).toEqual(['staging']);
    expect(byVersion.get(3)).toBeUndefined();
  });

  it('finds the version production points at, or none', () => {
    expect(productionVersion(LIFECYCLE.aliases)).toBe(1);
    expect(productionVersion([['staging', 2]])).toBeNull();
    expect(productionVersion([])).toBeNull();
  });

  it('has a field for every threshold of the policy', () => {
    const keys = THRESHOLD_FIELDS.map((field) => field.key).sort();
    expect(keys).toEqual(Object.keys(thresholdValues(GATE_POLICY)).sort());
    expect(new Set(THRESHOLD_FIELDS.map((field) => field.testid)).size).toBe(THRESHOLD_FIELDS.length);
  });

  it('reads the policy form: empty is null (not checked), numbers as typed', () => {
    expect(
      policyFromForm(
        { minAccuracy: 0.85, minRocAuc: null, maxEqualizedOddsDifference: '', maxDriftShare: '0.3', maxAccuracyDrop: undefined },
        true,
      ),
    ).toEqual({
      minAccuracy: 0.85,
      minRocAuc: null,
      maxEqualizedOddsDifference: null,
      maxDriftShare: 0.3,
      maxAccuracyDrop: null,
      fourEyes: true,
    });
    // Out-of-range numbers go to the engine, which says what is wrong with them.
    expect(policyFromForm({ ...thresholdValues(GATE_POLICY), minAccuracy: 3 }, false).minAccuracy).toBe(3);
    expect(policyFromForm({ ...thresholdValues(GATE_POLICY), minRocAuc: Number.NaN }, false).minRocAuc).toBeNull();
  });

  it('round-trips a stored policy through the form', () => {
    expect(policyFromForm(thresholdValues(GATE_POLICY), GATE_POLICY.fourEyes)).toEqual(GATE_POLICY);
  });

  it('labels versions, actions and moves', () => {
    expect(versionLabel(null)).toBe('none');
    expect(versionLabel(3)).toBe('v3');
    expect(actionLabel('promote')).toBe('Promoted');
    expect(actionLabel('rollback')).toBe('Rolled back');
    expect(actionLabel('retire')).toBe('retire');
    expect(moveSummary(LIFECYCLE.history[2]!)).toBe('production now points at v1 (was v2).');
    expect(moveSummary(LIFECYCLE.history[0]!)).toBe('production now points at v1.');
  });
});
