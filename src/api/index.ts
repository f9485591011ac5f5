/**
 * @module api
 * The HTTP API v1 (Prometheus-compatible JSON envelopes): remote_write ingest, series/labels
 * metadata queries, raw-sample export and TSDB snapshots. Thin: parses parameters, resolves the
 * tenant (`tenantOf`), calls the storage seams, renders results. Only this module and `server`
 * import fastify.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { IngesterOptions, RemoteWriteConfig } from '../ingest/remote-write/index.js';
import type { Appendable, MetadataStore, Queryable } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import { registerExportRoute } from './export.js';
import { formBodyParser } from './form.js';
import { registerReadRoutes } from './read.js';
import { registerSnapshotRoute } from './snapshot.js';
import { registerWriteRoute } from './write.js';

/** What the API needs from the server. `remoteWrite` is read per request (replaced on reload). */
export interface ApiDeps {
  storage: Appendable & Queryable & MetadataStore;
  snapshot(withHead: boolean): Promise<string>;
  remoteWrite: RemoteWriteConfig;
  registry: Registry;
  logger: Logger;
  /**
   * Optional: the decoder's own checks (label limits, name validation, max future), to match
   * the TSDB's config; defaults equal the TSDB defaults. The store enforces its limits anyway.
   */
  ingest?: Partial<IngesterOptions>;
}

/** Registers every /api/v1 route on `app`. */
export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  registerWriteRoute(app, {
    storage: deps.storage,
    remoteWrite: () => deps.remoteWrite,
    registry: deps.registry,
    logger: deps.logger,
    ingester: deps.ingest,
  });
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      formBodyParser,
    );
    registerReadRoutes(scope, deps.storage, deps.logger);
    registerExportRoute(scope, deps.storage, deps.logger);
    registerSnapshotRoute(scope, (withHead) => deps.snapshot(withHead), deps.logger);
    done();
  });
}

export { tenantOf } from './tenant.js';
export { parseSeriesSelector, SelectorParseError } from './selector.js';
export { ApiError, type ApiResponse, type ErrorType } from './errors.js';
