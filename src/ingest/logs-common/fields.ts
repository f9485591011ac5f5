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
