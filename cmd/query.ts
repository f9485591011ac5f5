import { parseDuration } from '../src/config/index.js';
import { ArgusError } from '../src/util/index.js';
import { parseFlags, str } from './flags.js';
import { QUERY_USAGE, UsageError } from './usage.js';

/** The server refused the query, or could not be reached. */
export class QueryCommandError extends ArgusError {}

type Point = [number, string];
interface Envelope {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
  data?: {
    resultType: string;
    result: unknown;
  };
}

/**
 * Unix seconds from a flag value: unix seconds, RFC3339, `now`, or `now` plus or minus a
 * duration (`now-2m`, `now+1h`, `now-1h30m`), relative to `nowMs`.
 */
export function parseTimeFlag(flag: string, v: string, nowMs = Date.now()): number {
  const rel = /^now(?:([+-])(.+))?$/.exec(v);
  if (rel) {
    if (rel[1] === undefined) return nowMs / 1000;
    const ms = parseDuration(rel[2]);
    if (ms !== undefined) return (nowMs + (rel[1] === '-' ? -ms : ms)) / 1000;
  } else if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v)) return Number(v);
  else if (!Number.isNaN(Date.parse(v))) return Date.parse(v) / 1000;
  throw new UsageError(
    `--${flag}: want unix seconds, RFC3339, "now" or "now-<duration>" like now-2m, got ${JSON.stringify(v)}`,
    QUERY_USAGE,
  );
}

function labelsText(m: Record<string, string>): string {
  const name = m.__name__ ?? '';
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`);
  return rest.length === 0 && name !== '' ? name : `${name}{${rest.join(', ')}}`;
}

function timeText(s: number): string {
  return new Date(s * 1000).toISOString();
}

/** Renders a result as aligned text: one row per series (instant), or a block per series (range). */
export function formatResult(data: NonNullable<Envelope['data']>): string {
  switch (data.resultType) {
    case 'scalar':
    case 'string': {
      const [t, v] = data.result as Point;
      return `${v} @ ${timeText(t)}\n`;
    }
    case 'vector': {
      const rows = (data.result as { metric: Record<string, string>; value: Point }[]).map(
        (s) => [labelsText(s.metric), s.value[1]] as const,
      );
      if (rows.length === 0) return '(no series)\n';
      const w = Math.max('SERIES'.length, ...rows.map((r) => r[0].length));
      return [['SERIES', 'VALUE'] as const, ...rows]
        .map(([l, v]) => `${l.padEnd(w)}  ${v}\n`)
        .join('');
    }
    case 'matrix': {
      const series = data.result as { metric: Record<string, string>; values: Point[] }[];
      if (series.length === 0) return '(no series)\n';
      return series
        .map(
          (s) =>
            `${labelsText(s.metric)}\n` +
            s.values.map(([t, v]) => `  ${timeText(t)}  ${v}\n`).join(''),
        )
        .join('');
    }
    default:
      return `${JSON.stringify(data.result)}\n`;
  }
}

/**
 * `argus query EXPR`: an instant query (at --time, default now), or a range query when any of
 * --start/--end/--step is given (defaults: the last hour, about 250 points).
 */
export async function queryCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      time: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      step: { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean' },
    },
    QUERY_USAGE,
  );
  if (!parsed) {
    process.stdout.write(QUERY_USAGE);
    return 0;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'missing EXPR' : 'too many arguments',
      QUERY_USAGE,
    );
  const time = str(values.time);
  const [start, end, step] = [str(values.start), str(values.end), str(values.step)];
  const isRange = start !== undefined || end !== undefined || step !== undefined;
  if (isRange && time !== undefined)
    throw new UsageError(
      '--time is for instant queries; not with --start/--end/--step',
      QUERY_USAGE,
    );

  const params = new URLSearchParams({ query: positionals[0] });
  if (isRange) {
    const now = Date.now();
    const e = end === undefined ? now / 1000 : parseTimeFlag('end', end, now);
    const s = start === undefined ? e - 3600 : parseTimeFlag('start', start, now);
    params.set('start', String(s));
    params.set('end', String(e));
    params.set('step', step ?? String(Math.max(1, Math.round((e - s) / 250))));
  } else if (time !== undefined) params.set('time', String(parseTimeFlag('time', time)));

  const base = str(values.url) ?? process.env.ARGUS_URL ?? 'http://127.0.0.1:9470';
  const url = new URL(
    isRange ? 'api/v1/query_range' : 'api/v1/query',
    base.endsWith('/') ? base : `${base}/`,
  );
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const token = process.env.ARGUS_TOKEN;
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: params.toString() });
  } catch (err) {
    throw new QueryCommandError(`cannot query ${url.origin}`, { cause: err });
  }
  const text = await res.text();
  let body: Envelope;
  try {
    body = JSON.parse(text) as Envelope;
  } catch {
    throw new QueryCommandError(
      `cannot query ${url.origin}: HTTP ${res.status}, not a JSON answer: ${text.slice(0, 200)}`,
    );
  }
  if (body.status !== 'success' || !body.data) {
    const hint = res.status === 401 && !token ? ' (set ARGUS_TOKEN to an API token)' : '';
    throw new QueryCommandError(
      `cannot run query: HTTP ${res.status} ${body.errorType ?? 'error'}: ${body.error ?? text.slice(0, 200)}${hint}`,
    );
  }
  for (const w of body.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  for (const i of body.infos ?? []) process.stderr.write(`info: ${i}\n`);
  process.stdout.write(
    values.json === true ? `${JSON.stringify(body.data)}\n` : formatResult(body.data),
  );
  return 0;
}
