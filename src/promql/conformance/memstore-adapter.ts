/**
 * The conformance adapter over the in-memory reference store (`MemStore`) and any
 * `QueryEngine`, with the engine settings the upstream corpus assumes (FORMAT.md §6).
 */
import { DEFAULT_TENANT, type Labels } from '../../model/index.js';
import { MemStore } from '../../storage/testing.js';
import type { QueryEngine, QueryOptions, QueryResult } from '../query.js';
import type { ConformanceAdapter } from './runner.js';

/** FORMAT.md §6: lookback 5m, 10 000 samples, 100 s timeout, 1m subquery resolution. */
export function corpusOptions(experimental: boolean): QueryOptions {
  return {
    lookbackMs: 5 * 60_000,
    maxSamples: 10_000,
    maxSeries: 0,
    timeoutMs: 100_000,
    defaultSubqueryStepMs: 60_000,
    experimental,
  };
}

export class MemStoreAdapter implements ConformanceAdapter {
  private store = new MemStore();

  constructor(
    private readonly engine: QueryEngine,
    private readonly opts: QueryOptions,
  ) {}

  clear(): void {
    this.store = new MemStore();
  }

  async load(series: Labels, ts: Float64Array, vs: Float64Array): Promise<void> {
    const app = this.store.appender(DEFAULT_TENANT);
    let ref = 0;
    try {
      for (let i = 0; i < ts.length; i++) ref = app.append(ref, ref ? null : series, ts[i], vs[i]);
    } catch (e) {
      app.rollback();
      throw e;
    }
    await app.commit();
  }

  instant(q: string, tMs: number): Promise<QueryResult> {
    return this.engine.instant(this.store, DEFAULT_TENANT, q, tMs, this.opts);
  }

  range(q: string, startMs: number, endMs: number, stepMs: number): Promise<QueryResult> {
    return this.engine.range(this.store, DEFAULT_TENANT, q, startMs, endMs, stepMs, this.opts);
  }
}
