import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDate,
  formatDifference,
  formatDuration,
  formatMetric,
  formatPayload,
  formatScore,
  formatShare,
  plural,
  shortHash,
} from './format';

describe('format', () => {
  it('formats byte sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('shortens hashes to 12 characters', () => {
    expect(shortHash('0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortHash('abc')).toBe('abc');
  });

  it('formats dates and leaves non-dates as they are', () => {
    expect(formatDate('2024-03-01T09:30:00Z')).toMatch(/2024/);
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('pluralises', () => {
    expect(plural(1, 'version')).toBe('1 version');
    expect(plural(2, 'version')).toBe('2 versions');
    expect(plural(0, 'column')).toBe('0 columns');
  });

  it('pretty-prints JSON payloads and keeps other text', () => {
    expect(formatPayload('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(formatPayload('plain')).toBe('plain');
  });

  it('formats metric values with 4 decimals, undefined ones as a dash', () => {
    expect(formatMetric(0.917500001)).toBe('0.9175');
    expect(formatMetric(1)).toBe('1.0000');
    expect(formatMetric(12.3456789)).toBe('12.3457');
    expect(formatMetric(-0.25)).toBe('-0.2500');
    expect(formatMetric(-0.00001)).toBe('0.0000');
    expect(formatMetric(null)).toBe('—');
    expect(formatMetric(Number.NaN)).toBe('—');
    expect(formatMetric(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('formats differences with their sign', () => {
    expect(formatDifference(0.0123456)).toBe('+0.0123');
    expect(formatDifference(-0.0123456)).toBe('-0.0123');
    expect(formatDifference(0)).toBe('0.0000');
    expect(formatDifference(0.00001)).toBe('0.0000');
    expect(formatDifference(-0.00001)).toBe('0.0000');
    expect(formatDifference(null)).toBe('—');
    expect(formatDifference(Number.NaN)).toBe('—');
  });

  it('formats durations', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(0.42)).toBe('0.4 ms');
    expect(formatDuration(420)).toBe('420 ms');
    expect(formatDuration(1834.2)).toBe('1.8 s');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(-1)).toBe('—');
  });

  it('formats drift scores, keeping tiny p-values readable', () => {
    expect(formatScore(0.23451)).toBe('0.2345');
    expect(formatScore(0)).toBe('0.0000');
    expect(formatScore(3.2e-12)).toBe('3.2e-12');
    expect(formatScore(-0.00001)).toBe('-1.0e-5');
    expect(formatScore(null)).toBe('—');
    expect(formatScore(Number.NaN)).toBe('—');
  });

  it('formats shares as percentages', () => {
    expect(formatShare(1 / 3)).toBe('33.3%');
    expect(formatShare(0)).toBe('0.0%');
    expect(formatShare(null)).toBe('—');
  });
});
