import type { FastifyRequest } from 'fastify';
import type { Matcher } from '../model/index.js';
import { badParam } from './errors.js';
import { SelectorParseError, parseSeriesSelector } from './selector.js';

/** The widest time range (ms): what Prometheus means by an absent start/end. */
export const MIN_TIME = -8_640_000_000_000_000;
export const MAX_TIME = 8_640_000_000_000_000;

/**
 * A request's parameters: the URL query merged with a form-encoded POST body (as Prometheus's
 * `r.Form`), so GET and POST take the same names. Repeated names (`match[]`) keep every value.
 */
export function paramsOf(req: FastifyRequest): URLSearchParams {
  const q = req.url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
  if (req.body instanceof URLSearchParams) for (const [k, v] of req.body) params.append(k, v);
  return params;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UNIX = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a time parameter: unix seconds (decimals allowed) or RFC3339; ms out. */
export function parseTime(name: string, s: string): number {
  let ms: number | undefined;
  if (UNIX.test(s)) ms = Math.round(Number(s) * 1000);
  else if (RFC3339.test(s)) ms = Date.parse(s);
  if (ms === undefined || !Number.isFinite(ms) || ms < MIN_TIME || ms > MAX_TIME) {
    throw badParam(
      name,
      `cannot parse ${JSON.stringify(s)} to a valid timestamp (want unix seconds like 1700000000.5 or RFC3339 like 2023-11-14T22:13:20Z)`,
    );
  }
  return ms;
}

/** `start`/`end` with Prometheus defaults (the whole time range); end before start is an error. */
export function timeRange(p: URLSearchParams): { start: number; end: number } {
  const s = p.get('start');
  const e = p.get('end');
  const start = s === null || s === '' ? MIN_TIME : parseTime('start', s);
  const end = e === null || e === '' ? MAX_TIME : parseTime('end', e);
  if (end < start) throw badParam('end', `end timestamp ${e} must not be before start time ${s}`);
  return { start, end };
}

/** `limit`: a non-negative integer; 0 or absent means no limit. */
export function parseLimit(p: URLSearchParams): number {
  const s = p.get('limit');
  if (s === null || s === '') return 0;
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw badParam('limit', `want a non-negative integer, got ${JSON.stringify(s)}`);
  }
  return Number(s);
}

/** Every `match[]` value parsed into matcher sets; `required` makes an absent one an error. */
export function parseMatches(p: URLSearchParams, required: boolean): Matcher[][] {
  const raw = p.getAll('match[]');
  if (raw.length === 0 && required) throw badParam('match[]', 'no match[] parameter provided');
  return raw.map((s) => {
    try {
      return parseSeriesSelector(s);
    } catch (err) {
      if (err instanceof SelectorParseError)
        throw badParam('match[]', `${JSON.stringify(s)}: ${err.message}`, err);
      throw err;
    }
  });
}

/** A boolean parameter as Go's strconv.ParseBool reads it; absent or empty is false. */
export function parseBool(p: URLSearchParams, name: string): boolean {
  const s = p.get(name);
  if (s === null || s === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  throw badParam(name, `want true or false, got ${JSON.stringify(s)}`);
}

/**
 * A label name from the URL path: Prometheus 3.x lets UTF-8 names be written escaped as
 * `U__` + name with `_HEX_` code points and `__` for `_`. Returns undefined if not valid.
 */
export function unescapeLabelName(name: string): string | undefined {
  if (!name.startsWith('U__')) return name;
  let out = '';
  const s = name.slice(3);
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '_') {
      out += s[i];
      continue;
    }
    if (s[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = s.indexOf('_', i + 1);
    const hex = end < 0 ? '' : s.slice(i + 1, end);
    if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) return undefined;
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}
