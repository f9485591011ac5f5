import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../util/index.js';
import { openApiDocument } from './openapi.js';
import type { RouteTable } from './route-table.js';

/** What the server routes need from the running server. */
export interface ServerHooks {
  version: string;
  ready(): boolean;
  /** Re-reads the config; resolves with the error text, or undefined on success. */
  reload(): Promise<string | undefined>;
}

const TEXT = { contentType: 'text/plain', description: 'Plain text' };

/** Health, readiness, reload, self-metrics and the API description. */
export function registerServerRoutes(
  app: FastifyInstance,
  table: RouteTable,
  hooks: ServerHooks,
  registry: Registry,
  _logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: '/-/healthy',
    access: { need: 'public' },
    tag: 'Server',
    summary: 'Liveness: 200 while the process serves HTTP',
    response: TEXT,
    handler: async (_req, reply) => reply.type('text/plain').send('Argus is Healthy.\n'),
  });
  table.add(app, {
    method: 'GET',
    url: '/-/ready',
    access: { need: 'public' },
    tag: 'Server',
    summary: 'Readiness: 200 once the store has opened, 503 before',
    response: TEXT,
    statuses: { 503: 'The store is opening' },
    handler: async (_req, reply) =>
      hooks.ready()
        ? reply.type('text/plain').send('Argus is Ready.\n')
        : reply.code(503).type('text/plain').send('Service Unavailable: the store is opening.\n'),
  });
  table.add(app, {
    method: 'GET',
    url: '/metrics',
    access: { need: 'system-read', openable: 'metrics' },
    tag: 'Server',
    summary: "Argus's own metrics in the Prometheus text format",
    response: { contentType: 'text/plain; version=0.0.4', description: 'Prometheus exposition' },
    handler: async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  });
  table.add(app, {
    method: 'POST',
    url: '/-/reload',
    access: { need: 'system' },
    tag: 'Server',
    summary:
      'Re-read the config file (as SIGHUP); a bad config is refused and the running one kept',
    response: TEXT,
    handler: async (_req, reply) => {
      const err = await hooks.reload();
      if (err) return reply.code(400).type('text/plain').send(`${err}\n`);
      return reply.type('text/plain').send('OK\n');
    },
  });
  let doc: string | undefined;
  table.add(app, {
    method: 'GET',
    url: '/api/argus/v1/openapi.json',
    access: { need: 'authenticated' },
    tag: 'Server',
    summary: 'This API description (OpenAPI 3.1), generated from the route table',
    response: { contentType: 'application/json', description: 'OpenAPI 3.1 document' },
    handler: async (_req, reply) => {
      doc ??= JSON.stringify(openApiDocument(table.specs, hooks.version));
      return reply.type('application/json').send(doc);
    },
  });
}
