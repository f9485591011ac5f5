import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { registerApi, type ApiDeps } from '../api/index.js';
import type { Appendable, MetadataStore, Queryable } from '../storage/index.js';
import { Tsdb, type HeadStats, type TsdbConfig, type TsdbStats } from '../tsdb/index.js';
import type { TenantId } from '../model/index.js';
import type { Logger } from '../util/index.js';

// WIRING: the only place that picks the store implementation and the API routes.

/** The store's lifecycle as the server drives it (the shape of `tsdb.Tsdb`). */
export interface Store extends Appendable, Queryable, MetadataStore {
  /** Replays the WAL and opens blocks; `isReady` turns true when it resolves. */
  open(): Promise<void>;
  readonly isReady: boolean;
  applyConfig(cfg: TsdbConfig): void;
  /** Returns the snapshot's directory name under `<dir>/snapshots`. */
  snapshot(withHead: boolean): Promise<string>;
  /** Flushes and closes; appends fail afterwards. */
  close(): Promise<void>;
  /** One tenant's head figures (/api/v1/status/tsdb); undefined when it has none. */
  headStats?(tenant: TenantId): HeadStats | undefined;
  /** Every tenant's figures (runtimeinfo's corruptionCount). */
  stats?(): TsdbStats;
}

export interface StoreOptions {
  dir: string;
  config: TsdbConfig;
  logger: Logger;
  registry?: Registry;
  /** Per-tenant active-series budget (`limits:`), on top of the TSDB's own limit. */
  maxSeriesFor?: (tenant: TenantId) => number;
  /** After each commit that stored samples (the UI's live ticks). */
  onCommit?: (tenant: TenantId, appended: number) => void;
}

/** Builds the metrics store that lives in `<data-dir>/tsdb`. */
export function createStore(opts: StoreOptions): Store {
  const { onCommit, ...rest } = opts;
  return new Tsdb({
    ...rest,
    ...(onCommit ? { onCommit: (t, r) => onCommit(t, r.appended) } : {}),
  });
}

/** Registers every /api/v1 route. `deps.remoteWrite` is replaced on reload (read per request). */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerApi(app, deps);
}

export type { ApiDeps };

/**
 * Where `npm run build:web` puts the UI: `<checkout>/dist/ui`. This file runs from
 * `dist/src/server/` (built) or `src/server/` (tsx): both are two levels below a folder that
 * holds (or is) `dist`.
 */
export function defaultUiDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.resolve(here, '..', '..');
  return path.basename(up) === 'dist' ? path.join(up, 'ui') : path.join(up, 'dist', 'ui');
}
