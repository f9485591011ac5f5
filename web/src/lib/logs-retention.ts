/**
 * The Logs page's retention line and horizon warning from `/api/argus/v1/logs/info`: periods in
 * whole days (or hours…), sizes in IEC bytes. Pure (no DOM), tested in
 * test/web/logs-retention.test.ts.
 */
import { formatDuration } from './time-range.js';
import { formatValue } from './units.js';

/** The answer of `GET /api/argus/v1/logs/info` (src/api/logs/source.ts LogsInfo). */
export interface LogsInfo {
  retention: {
    /** The tenant's default period, ms (0 = forever). */
    periodMs: number;
    /** Selector rules for the tenant, in the order they are tried (first match wins). */
    streams: { selector: string; periodMs: number }[];
    /** Total size cap over all tenants, bytes (0 = none). */
    maxBytes: number;
  };
  store: { chunks: number; storedBytes: number; rawBytes: number; headStreams: number } | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** A retention period as people say it: `30 days`, `12 hours`, `forever` (0); else `1d12h`. */
export function humanPeriod(ms: number): string {
  if (ms <= 0) return 'forever';
  if (ms % DAY === 0) return plural(ms / DAY, 'day');
  if (ms % HOUR === 0) return plural(ms / HOUR, 'hour');
  if (ms % 60_000 === 0 && ms < HOUR) return plural(ms / 60_000, 'minute');
  return formatDuration(ms / 1000);
}

export const humanBytes = (n: number): string => formatValue(n, 'bytes');

/** The parts of the retention line, in order; selectors stay apart so they can show as code. */
export interface RetentionSummary {
  /** `Kept 30 days` / `Kept forever`. */
  kept: string;
  rules: { selector: string; period: string }[];
  /** `size cap 50 GiB (oldest first)`; undefined without a cap. */
  cap?: string;
  /** `store 1.2 GiB on disk (14% of raw)`; undefined when the store reports nothing. */
  store?: string;
}

export function retentionSummary(info: LogsInfo): RetentionSummary {
  const r = info.retention;
  const s = info.store;
  let store: string | undefined;
  if (s) {
    store =
      s.chunks === 0
        ? 'nothing on disk yet'
        : `store ${humanBytes(s.storedBytes)} on disk` +
          (s.rawBytes > 0 ? ` (${percentOfRaw(s.storedBytes, s.rawBytes)} of raw)` : '');
  }
  return {
    kept: r.periodMs > 0 ? `Kept ${humanPeriod(r.periodMs)}` : 'Kept forever',
    rules: r.streams.map((x) => ({ selector: x.selector, period: humanPeriod(x.periodMs) })),
    cap: r.maxBytes > 0 ? `size cap ${humanBytes(r.maxBytes)} (oldest first)` : undefined,
    store,
  };
}

/** `14%`, or `0.8%` under 10 % (compressed logs are often there). */
export function percentOfRaw(stored: number, raw: number): string {
  const p = (stored / raw) * 100;
  return `${p < 10 ? Math.round(p * 10) / 10 : Math.round(p)}%`;
}

/**
 * What the range loses to retention: undefined when it starts inside every horizon, else a
 * sentence naming the default period and the stream rules whose horizon is after the start.
 */
export function horizonWarning(
  info: LogsInfo,
  rangeStartMs: number,
  nowMs: number,
): string | undefined {
  const past = (ms: number) => ms > 0 && rangeStartMs < nowMs - ms;
  const r = info.retention;
  const rules = r.streams.filter((x) => past(x.periodMs));
  const parts: string[] = [];
  if (past(r.periodMs)) parts.push(`logs older than ${humanPeriod(r.periodMs)} are deleted`);
  for (const x of rules)
    parts.push(`streams matching ${x.selector} keep ${humanPeriod(x.periodMs)}`);
  if (parts.length === 0) return undefined;
  const text = parts.join('; ');
  return `This range starts before the retention horizon: ${text}.`;
}
