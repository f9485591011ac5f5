/**
 * How JS values stand in for Go values: string, bigint (Go int), number (float64), boolean,
 * null (nil), undefined ("no value": a missing map key), arrays (slices), plain objects and
 * Maps (maps, ranged in key order), class instances (structs; capitalized methods are Go
 * methods), Date/GoTime (time.Time), GoDuration.
 */
import { GoDuration, GoTime } from './go-time.js';

export type Kind =
  'nil' | 'invalid' | 'string' | 'int' | 'float' | 'bool' | 'slice' | 'map' | 'struct' | 'func';

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func';
    default:
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      if (isMap(v)) return 'map';
      return 'struct';
  }
}

/** Plain objects and Maps are Go maps: missing keys follow missingkey, ranges sort keys. */
export function isMap(v: unknown): v is Record<string, unknown> | Map<unknown, unknown> {
  if (v instanceof Map) return true;
  if (typeof v !== 'object' || v === null) return false;
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'string':
      return 'string';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'func':
      return 'func';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    default:
      if (v instanceof GoTime || v instanceof Date) return 'time.Time';
      if (v instanceof GoDuration) return 'time.Duration';
      return (v as object).constructor?.name ?? 'struct';
  }
}

/** Go's truth: false, 0, "", nil, empty slice/map are false; structs are true. */
export function truth(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'string':
      return (v as string).length > 0;
    case 'int':
      return v !== 0n;
    case 'float':
      return v !== 0;
    case 'bool':
      return v as boolean;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return mapSize(v as Record<string, unknown> | Map<unknown, unknown>) > 0;
    default:
      return true;
  }
}

export function mapSize(m: Record<string, unknown> | Map<unknown, unknown>): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Go's sort order for map keys: numbers numerically, strings bytewise. */
function keyCompare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Entries of a map in Go's range order (sorted keys). */
export function mapEntries(
  m: Record<string, unknown> | Map<unknown, unknown>,
): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m);
  return entries.sort((p, q) => keyCompare(p[0], q[0]));
}

export function mapGet(m: Record<string, unknown> | Map<unknown, unknown>, key: unknown): unknown {
  if (m instanceof Map) return m.get(key);
  const k = String(key);
  return Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined;
}

export function mapHas(m: Record<string, unknown> | Map<unknown, unknown>, key: unknown): boolean {
  if (m instanceof Map) return m.has(key);
  return Object.prototype.hasOwnProperty.call(m, String(key));
}

/**
 * A Go method on `v` named `name`: an exported (capitalized) function. Class methods always
 * count; an own function property counts when called with arguments or when it takes none
 * (`{ Firing: () => [...] }`), otherwise it is a func-typed field (a value for `call`).
 */
export function methodOf(
  v: unknown,
  name: string,
  hasArgs = false,
): ((...a: unknown[]) => unknown) | undefined {
  if (v === null || v === undefined || !/^\p{Lu}/u.test(name)) return undefined;
  if (typeof v !== 'object' && typeof v !== 'function') return undefined;
  const f = (v as Record<string, unknown>)[name];
  if (typeof f !== 'function' || name in Object.prototype) return undefined;
  const own = Object.prototype.hasOwnProperty.call(v, name);
  if (own && !hasArgs && f.length > 0) return undefined;
  return f as (...a: unknown[]) => unknown;
}

/** Normalizes values that have a Go counterpart with methods (Date → GoTime). */
export function goValue(v: unknown): unknown {
  return v instanceof Date ? GoTime.fromDate(v) : v;
}

/** A number as float64, a bigint as int: the numeric value of either, or undefined. */
export function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** An integer index from an int or an integral float. */
export function toIndex(v: unknown): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return undefined;
}
