import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { RemoteWriteConfig } from '../ingest/remote-write/index.js';
import type { Logger } from '../util/index.js';
import { MemTsdb, type Store, type StoreOptions } from './mem-store.js';

// WIRING: the only place that picks the store and the API routes.
// When `tsdb` exports Tsdb: `import { Tsdb } from '../tsdb/index.js'` and return `new Tsdb(opts)`.
// When `api` exports registerApi: `import { registerApi } from '../api/index.js'` and call it below.

/** Builds the metrics store that lives in `<data-dir>/tsdb`. */
export function createStore(opts: StoreOptions): Store {
  return new MemTsdb(opts); // WIRING: new Tsdb(opts)
}

/**
 * What the HTTP API needs (the shape of `api.ApiDeps`). `remoteWrite` is replaced on reload,
 * so handlers read it per request.
 */
export interface ApiDeps {
  storage: Store;
  snapshot(withHead: boolean): Promise<string>;
  remoteWrite: RemoteWriteConfig;
  registry: Registry;
  logger: Logger;
}

/** Registers every /api/v1 route. */
export function registerRoutes(_app: FastifyInstance, _deps: ApiDeps): void {
  // WIRING: registerApi(_app, _deps);
}
