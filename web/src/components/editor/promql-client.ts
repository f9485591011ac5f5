/**
 * The completion source of the PromQL editor: a `PrometheusClient` (codemirror-promql's
 * interface) whose requests go through our API client (session cookie, 401 handling), with a
 * one-minute cache so typing does not flood the server.
 */
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';
import { labelNames, labelValues, metadata, series } from '../../api/prom.js';

/** codemirror-promql's matcher (its class is not exported from the package root). */
interface Matcher {
  type: number;
  name: string;
  value: string;
}

const TTL_MS = 60_000;
/** Completion looks back this far (as Prometheus's UI does: 12 h). */
const LOOKBACK_S = 12 * 3600;

function op(type: number): string {
  if (type === Neq) return '!=';
  if (type === EqlRegex) return '=~';
  if (type === NeqRegex) return '!~';
  if (type === EqlSingle) return '=';
  return '=';
}

/** `name{a="x",b!~"y"}` with values escaped (the label being completed left out). */
export function selector(metricName: string, matchers?: Matcher[], skipLabel?: string): string {
  const parts = (matchers ?? [])
    .filter((m) => m.name !== skipLabel && m.value !== '')
    .map((m) => `${m.name}${op(m.type)}${JSON.stringify(m.value)}`);
  if (parts.length === 0) return metricName === '' ? '{__name__!=""}' : metricName;
  return `${metricName}{${parts.join(',')}}`;
}

export class ArgusPromClient implements PrometheusClient {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    // A failed lookup completes nothing and is not cached.
    const value = load().catch(() => {
      this.cache.delete(key);
      return [] as unknown as T;
    });
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  labelNames(metricName?: string): Promise<string[]> {
    return this.cached(`names:${metricName ?? ''}`, () =>
      labelNames(metricName ? [metricName] : undefined),
    );
  }

  labelValues(labelName: string, metricName?: string, matchers?: Matcher[]): Promise<string[]> {
    const match = metricName ? [selector(metricName, matchers, labelName)] : undefined;
    return this.cached(`values:${labelName}:${match?.[0] ?? ''}`, () =>
      labelValues(labelName, match),
    );
  }

  metricMetadata(): Promise<Record<string, { type: string; help: string }[]>> {
    return this.cached('metadata', () => metadata());
  }

  series(metricName: string, matchers?: Matcher[], labelName?: string) {
    const match = selector(metricName, matchers, labelName);
    const end = Math.floor(Date.now() / 1000);
    return this.cached(`series:${match}`, () =>
      series([match], end - LOOKBACK_S, end).then((all) =>
        all.map((l) => new Map(Object.entries(l))),
      ),
    );
  }

  metricNames(): Promise<string[]> {
    return this.labelValues('__name__');
  }

  flags(): Promise<Record<string, string>> {
    return Promise.resolve({});
  }

  destroy(): void {
    this.cache.clear();
  }
}
