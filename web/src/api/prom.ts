/** The Prometheus-compatible query API, typed. */
import { call, get } from './client.js';

export type Labels = Record<string, string>;
/** `[unix seconds, "value"]` */
export type Point = [number, string];

export interface VectorSample {
  metric: Labels;
  value: Point;
}
export interface MatrixSeries {
  metric: Labels;
  values: Point[];
}
export type QueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: Point }
  | { resultType: 'string'; result: [number, string] };

export interface QueryAnswer<D> {
  data: D;
  warnings: string[];
  infos: string[];
}

export function instantQuery(
  query: string,
  time?: number,
  signal?: AbortSignal,
): Promise<QueryAnswer<QueryData>> {
  return call<QueryData>('POST', '/api/v1/query', {
    form: { query, time: time === undefined ? undefined : String(time) },
    signal,
  });
}

/** `start`/`end` in unix seconds, `step` in seconds. */
export function rangeQuery(
  query: string,
  start: number,
  end: number,
  step: number,
  signal?: AbortSignal,
): Promise<QueryAnswer<{ resultType: 'matrix'; result: MatrixSeries[] }>> {
  return call('POST', '/api/v1/query_range', {
    form: { query, start: String(start), end: String(end), step: String(step) },
    signal,
  });
}

export const labelNames = (match?: string[], signal?: AbortSignal) =>
  get<string[]>('/api/v1/labels', { 'match[]': match }, signal);

export const labelValues = (name: string, match?: string[], signal?: AbortSignal) =>
  get<string[]>(`/api/v1/label/${encodeURIComponent(name)}/values`, { 'match[]': match }, signal);

export const series = (match: string[], start?: number, end?: number, signal?: AbortSignal) =>
  get<Labels[]>('/api/v1/series', { 'match[]': match, start, end }, signal);

export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}
export const metadata = (metric?: string, signal?: AbortSignal) =>
  get<Record<string, MetricMetadata[]>>('/api/v1/metadata', { metric }, signal);

export interface Target {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}
export const targets = (signal?: AbortSignal) =>
  get<{ activeTargets: Target[]; droppedTargets: unknown[] }>('/api/v1/targets', undefined, signal);
