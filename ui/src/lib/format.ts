// Display formatting only: no business logic lives in the UI.

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 'B';
  for (const next of BYTE_UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}`;
}

/** The first 12 hex characters of a SHA-256 (or any hash). */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A readable local date and time; the input as-is when it is not a date. */
export function formatDate(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return dateFormat.format(date);
}

const countFormat = new Intl.NumberFormat(undefined);

/** 12345 -> "12,345" (in the user's locale). */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** "1 version", "3 versions". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** Pretty-prints a JSON payload; returns the text unchanged when it is not JSON. */
export function formatPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/** A metric value with 4 decimals; "—" when it is undefined (null) or not finite. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = value.toFixed(4);
  // -0.0000 reads as a sign error; show it as 0.0000.
  return text === '-0.0000' ? '0.0000' : text;
}

/**
 * A difference with its sign and 4 decimals: "+0.0123", "-0.0123", "0.0000" (no sign when
 * it rounds to zero); "—" when it is undefined.
 */
export function formatDifference(value: number | null | undefined): string {
  const text = formatMetric(value);
  if (text === '—' || text === '0.0000' || text.startsWith('-')) return text;
  return `+${text}`;
}

/** 850 -> "850 ms", 1234 -> "1.2 s", 125000 -> "2 min 5 s"; "—" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/**
 * A drift score, p-value or statistic: 4 decimals like other metrics, but in exponent
 * form when it is too small to show any (p-values such as 3.2e-12 would read as 0.0000).
 */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value !== 0 && Math.abs(value) < 0.0001) return value.toExponential(1);
  return formatMetric(value);
}

/** 0.3333… -> "33.3%"; "—" when unknown. */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(1)}%`;
}
