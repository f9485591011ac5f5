import type { z } from 'zod';

type Schema = z.core.$ZodType;

/** Wrappers that only change presence or defaults; what they wrap says what the value must be. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** The schema under wrappers (optional, default, pipe input…), and whether null is accepted. */
function unwrap(schema: Schema): { schema: Schema; nullable: boolean } {
  let s = schema;
  let nullable = false;
  for (let depth = 0; depth < 32; depth++) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type)) s = (def as z.core.$ZodOptionalDef).innerType;
    else if (def.type === 'nullable') {
      nullable = true;
      s = (def as z.core.$ZodNullableDef).innerType;
    } else if (def.type === 'pipe') s = (def as z.core.$ZodPipeDef).in;
    else if (def.type === 'lazy') s = (def as z.core.$ZodLazyDef).getter();
    else break;
  }
  return { schema: s, nullable };
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const def = schema._zod.def;
  return def.type === 'object' ? (def as z.core.$ZodObjectDef).shape : undefined;
}

function elementOf(schema: Schema): Schema | undefined {
  const def = schema._zod.def;
  return def.type === 'array' ? (def as z.core.$ZodArrayDef).element : undefined;
}

function recordValueOf(schema: Schema): Schema | undefined {
  const def = schema._zod.def;
  return def.type === 'record' ? (def as z.core.$ZodRecordDef).valueType : undefined;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Replaces null by `{}` wherever the schema wants a mapping (and does not accept null): in YAML,
 * a section whose children are all commented out (`storage:`) is null, and means "defaults".
 * Returns a new value; `value` is not modified.
 */
export function emptySectionsAsMappings(schema: Schema, value: unknown): unknown {
  const { schema: s } = unwrap(schema);
  const shape = shapeOf(s);
  if (shape !== undefined && isMapping(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = shape[k];
      if (sub === undefined) out[k] = v;
      else if (v === null) {
        const u = unwrap(sub);
        out[k] = shapeOf(u.schema) !== undefined && !u.nullable ? {} : v;
      } else out[k] = emptySectionsAsMappings(sub, v);
    }
    return out;
  }
  const element = elementOf(s);
  if (element !== undefined && Array.isArray(value))
    return value.map((v) => emptySectionsAsMappings(element, v));
  return value;
}

/** The keys of the mapping `path` leads to in `schema`; empty when it is not a mapping. */
export function knownKeys(schema: Schema, path: readonly PropertyKey[]): string[] {
  let s = unwrap(schema).schema;
  for (const p of path) {
    const next =
      typeof p === 'number' ? elementOf(s) : (shapeOf(s)?.[String(p)] ?? recordValueOf(s));
    if (next === undefined) return [];
    s = unwrap(next).schema;
  }
  return Object.keys(shapeOf(s) ?? {});
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known key closest to `key`, if close enough to be a likely typo: at most one edit per
 * three characters (case and `-`/`_` ignored), so short unrelated keys are not suggested.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const norm = (k: string) => k.toLowerCase().replaceAll('-', '_');
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(norm(key), norm(k));
    if (d < bestD && d <= Math.floor(Math.max(key.length, k.length) / 3)) {
      best = k;
      bestD = d;
    }
  }
  return best;
}
