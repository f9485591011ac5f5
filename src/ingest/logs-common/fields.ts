import { sanitizeLabelName } from './names.js';

/**
 * Appends the leaves of a JSON value to `out` as fields: nested object keys joined with `_`
 * (`{"http":{"status":200}}` → `http_status=200`), names sanitised, strings as they are,
 * numbers/booleans in decimal, arrays as JSON, nulls skipped. `skip` names top-level keys
 * taken elsewhere (the message, the time, stream labels).
 */
export function flattenFields(
  obj: Record<string, unknown>,
  out: [string, string][],
  skip?: ReadonlySet<string>,
  prefix = '',
): void {
  for (const k in obj) {
    if (prefix === '' && skip?.has(k)) continue;
    const v = obj[k];
    if (v === null || v === undefined) continue;
    const name = prefix === '' ? k : `${prefix}_${k}`;
    if (typeof v === 'object' && !Array.isArray(v)) {
      flattenFields(v as Record<string, unknown>, out, undefined, name);
      continue;
    }
    const s = fieldValue(v);
    if (s !== '') out.push([sanitizeLabelName(name), s]);
  }
}

/** A JSON value as a field value: strings as they are, arrays/objects as JSON. */
export function fieldValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/**
 * `fields` with duplicate names resolved (the last one wins, keeping the first one's place),
 * or undefined when empty: LogEntry.fields wants unique valid names.
 */
export function uniqueFields(fields: [string, string][]): [string, string][] | undefined {
  if (fields.length === 0) return undefined;
  if (fields.length < 2) return fields;
  const seen = new Map<string, number>();
  const out: [string, string][] = [];
  for (const f of fields) {
    const i = seen.get(f[0]);
    if (i === undefined) {
      seen.set(f[0], out.length);
      out.push(f);
    } else out[i] = f;
  }
  return out;
}
