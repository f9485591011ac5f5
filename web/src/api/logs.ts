/**
 * Typed wrappers of Argus's Loki API (`/loki/api/v1/…`, session-cookie auth) for the Logs page.
 * Loki answers errors as plain text ("parse error at line 1, col 5: …"); the client reports
 * them as `HTTP 400: <text>`, which `lokiMessage` turns back into Loki's message.
 */
import { ApiError, call, get } from './client.js';
import type { LokiStream } from '../lib/logs-lines.js';
import type { Direction } from '../lib/logs-state.js';
import type { LogsInfo } from '../lib/logs-retention.js';

export type { LokiStream } from '../lib/logs-lines.js';
export type { LogsInfo } from '../lib/logs-retention.js';

export interface LokiMatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export type LokiQueryData =
  | { resultType: 'streams'; result: LokiStream[] }
  | { resultType: 'matrix'; result: LokiMatrixSeries[] }
  | { resultType: 'vector'; result: unknown[] }
  | { resultType: 'scalar'; result: unknown };

const BASE = '/loki/api/v1';

/** The server's message of a failed call (Loki's plain text, without the client's prefix). */
export function lokiMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message.replace(/^HTTP \d+: /, '');
  return String(err);
}

export interface RangeQueryOptions {
  /** ns strings (Loki's precision), inclusive start, exclusive end. */
  start: string;
  end: string;
  limit?: number;
  direction?: Direction;
  /** Metric queries: seconds. */
  step?: number;
  signal?: AbortSignal;
}

export function queryRange(query: string, o: RangeQueryOptions): Promise<LokiQueryData> {
  return call<LokiQueryData>('GET', `${BASE}/query_range`, {
    query: {
      query,
      start: o.start,
      end: o.end,
      limit: o.limit,
      direction: o.direction,
      step: o.step,
    },
    signal: o.signal,
  }).then((a) => a.data);
}

/** Label names seen in the range (ns strings). */
export const labelNames = (start: string, end: string, signal?: AbortSignal) =>
  get<string[] | null>(`${BASE}/labels`, { start, end }, signal).then((d) => d ?? []);

/** A label's values in the range, optionally among the streams of `query` (a selector). */
export const labelValues = (
  name: string,
  start: string,
  end: string,
  query?: string,
  signal?: AbortSignal,
) =>
  get<string[] | null>(
    `${BASE}/label/${encodeURIComponent(name)}/values`,
    { start, end, query },
    signal,
  ).then((d) => d ?? []);

/** The live tail's WebSocket URL (same origin; the session cookie authenticates it). */
export function tailUrl(query: string, startNs: string, limit: number): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = new URLSearchParams({ query, start: startNs, limit: String(limit) });
  return `${proto}//${location.host}${BASE}/tail?${q.toString()}`;
}

/** One message of the tail: new entries, and those the server had to drop. */
export interface TailMessage {
  streams?: LokiStream[];
  dropped_entries?: { labels: Record<string, string>; timestamp: string }[] | null;
}

/** The tenant's log retention and the store's size (`/api/argus/v1/logs/info`). */
export const logsInfo = (signal?: AbortSignal) =>
  get<LogsInfo>('/api/argus/v1/logs/info', undefined, signal);
