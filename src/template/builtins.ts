/** Go text/template's predefined functions other than `and`/`or` (those are lazy, see exec). */
import { TemplateFuncError } from './errors.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import {
  isMap,
  kindOf,
  mapGet,
  mapHas,
  mapSize,
  numeric,
  toIndex,
  truth as truthOf,
  typeName,
} from './values.js';

type Builtin = (args: unknown[]) => unknown;

/** Go's evalArgs for html/js/urlquery: one string as is, else Sprint of all. */
function argString(args: unknown[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args);
}

export function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) =>
    c === '<'
      ? '&lt;'
      : c === '>'
        ? '&gt;'
        : c === '&'
          ? '&amp;'
          : c === "'"
            ? '&#39;'
            : c === '"'
              ? '&#34;'
              : '\uFFFD',
  );
}

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '<':
        out += '\\u003C';
        break;
      case '>':
        out += '\\u003E';
        break;
      case '&':
        out += '\\u0026';
        break;
      case '=':
        out += '\\u003D';
        break;
      default:
        if (c < 0x20 || /[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Zl}\p{Zp}]/u.test(ch))
          out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
        else out += ch;
    }
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function utf8Len(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function length(args: unknown[]): unknown {
  const [v] = args;
  switch (kindOf(v)) {
    case 'string':
      return BigInt(utf8Len(v as string));
    case 'slice':
      return BigInt((v as unknown[]).length);
    case 'map':
      return BigInt(mapSize(v as Record<string, unknown>));
    default:
      throw new TemplateFuncError(`len of type ${typeName(v)}`);
  }
}

function index(args: unknown[]): unknown {
  let item = args[0];
  if (item === undefined || item === null) throw new TemplateFuncError('index of untyped nil');
  for (const key of args.slice(1)) {
    if (Array.isArray(item) || typeof item === 'string') {
      const i = toIndex(key);
      if (i === undefined)
        throw new TemplateFuncError(`cannot index slice/array with type ${typeName(key)}`);
      const len = item.length;
      if (i < 0 || i >= len)
        throw new TemplateFuncError(`error calling index: index out of range: ${i}`);
      item = typeof item === 'string' ? BigInt(Buffer.from(item, 'utf8')[i]) : item[i];
    } else if (isMap(item)) {
      item = mapHas(item, key) ? mapGet(item, key) : zeroElem(item);
    } else if (item === undefined || item === null) {
      throw new TemplateFuncError('index of untyped nil');
    } else {
      throw new TemplateFuncError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

/**
 * Go's index returns the zero value of the map's element type for a missing key: "" for a
 * label map (every value a string), no value otherwise.
 */
function zeroElem(m: Record<string, unknown> | Map<unknown, unknown>): unknown {
  const values = m instanceof Map ? [...m.values()] : Object.values(m);
  return values.every((v) => typeof v === 'string') ? '' : undefined;
}

function slice(args: unknown[]): unknown {
  const [item, ...idx] = args;
  const ix = idx.map((x) => {
    const i = toIndex(x);
    if (i === undefined)
      throw new TemplateFuncError(`cannot index slice/array with type ${typeName(x)}`);
    return i;
  });
  if (typeof item === 'string') {
    if (ix.length > 2) throw new TemplateFuncError('cannot 3-index slice a string');
    const b = Buffer.from(item, 'utf8');
    const [lo = 0, hi = b.length] = ix;
    if (lo < 0 || hi < lo || hi > b.length)
      throw new TemplateFuncError(`index out of range: ${hi}`);
    return b.subarray(lo, hi).toString('utf8');
  }
  if (Array.isArray(item)) {
    const [lo = 0, hi = item.length] = ix;
    if (lo < 0 || hi < lo || hi > item.length)
      throw new TemplateFuncError(`index out of range: ${hi}`);
    return item.slice(lo, hi);
  }
  throw new TemplateFuncError(`can't slice item of type ${typeName(item)}`);
}

type Cmp = -1 | 0 | 1;

/** Go's basic comparison; numbers of either kind compare numerically (Go is stricter). */
function compare(a: unknown, b: unknown, ordered: boolean): Cmp {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean' && !ordered) return a === b ? 0 : 1;
  if (!ordered && (a === null || a === undefined || b === null || b === undefined))
    return (a ?? null) === (b ?? null) ? 0 : 1;
  if (!ordered && kindOf(a) === kindOf(b) && kindOf(a) === 'struct') return a === b ? 0 : 1;
  if (ordered && kindOf(a) === kindOf(b) && kindOf(a) !== 'string')
    throw new TemplateFuncError(`invalid type for comparison`);
  throw new TemplateFuncError('incompatible types for comparison');
}

function eq(args: unknown[]): boolean {
  if (args.length < 2) throw new TemplateFuncError('missing argument for comparison');
  const [a, ...rest] = args;
  return rest.some((b) => compare(a, b, false) === 0);
}

function two(name: string, args: unknown[]): [unknown, unknown] {
  if (args.length !== 2)
    throw new TemplateFuncError(`wrong number of args for ${name}: want 2 got ${args.length}`);
  return [args[0], args[1]];
}

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  not: (a) => {
    if (a.length !== 1)
      throw new TemplateFuncError(`wrong number of args for not: want 1 got ${a.length}`);
    return !truthOf(a[0]);
  },
  len: (a) => {
    if (a.length !== 1)
      throw new TemplateFuncError(`wrong number of args for len: want 1 got ${a.length}`);
    return length(a);
  },
  index,
  slice,
  print: sprint,
  println: sprintln,
  printf: (a) => {
    if (typeof a[0] !== 'string')
      throw new TemplateFuncError(`printf: format must be a string, got ${typeName(a[0])}`);
    return sprintf(a[0], a.slice(1));
  },
  html: (a) => htmlEscape(argString(a)),
  js: (a) => jsEscape(argString(a)),
  urlquery: (a) => queryEscape(argString(a)),
  eq,
  ne: (a) => compare(...two('ne', a), false) !== 0,
  lt: (a) => compare(...two('lt', a), true) < 0,
  le: (a) => compare(...two('le', a), true) <= 0,
  gt: (a) => compare(...two('gt', a), true) > 0,
  ge: (a) => compare(...two('ge', a), true) >= 0,
};

/** Names handled by the executor itself: and/or are lazy, call invokes a function value. */
export const SPECIAL_NAMES: ReadonlySet<string> = new Set(['and', 'or', 'call']);
