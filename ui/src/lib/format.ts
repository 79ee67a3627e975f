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
