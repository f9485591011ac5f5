import type { FastifyInstance } from 'fastify';
import { registerApi, type ApiDeps } from '../api/index.js';
import { Tsdb } from '../tsdb/index.js';
import type { Store, StoreOptions } from './store.js';

// WIRING: the only place that picks the store implementation and the API routes.

/** Builds the metrics store that lives in `<data-dir>/tsdb`. */
export function createStore(opts: StoreOptions): Store {
  return new Tsdb(opts);
}

/** Registers every /api/v1 route. `deps.remoteWrite` is replaced on reload (read per request). */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerApi(app, deps);
}

export type { ApiDeps };
