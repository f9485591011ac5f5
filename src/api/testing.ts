/**
 * Test-only surface of `api`: a fastify app with every API route over a MemStore, a recording
 * logger and its own metrics registry.
 */
import fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { compressSync } from 'snappy';
import {
  encodeWriteRequest,
  remoteWriteConfigSchema,
  type EncodeSeries,
  type RemoteWriteConfig,
} from '../ingest/remote-write/index.js';
import { MemStore } from '../storage/testing.js';
import type { Logger } from '../util/index.js';
import { registerApi, type ApiDeps } from './index.js';

export interface TestApi {
  app: FastifyInstance;
  store: MemStore;
  registry: Registry;
  deps: ApiDeps;
  logs: { level: string; obj: object; msg: string }[];
  /** POSTs an encoded, snappy-compressed WriteRequest; returns status and body text. */
  write(series: EncodeSeries[]): Promise<{ status: number; body: string }>;
  writeBody(
    body: Buffer,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: string }>;
  /** Sum of a counter's values matching `labels`. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
}

export async function testApi(
  opts: {
    remoteWrite?: Partial<RemoteWriteConfig>;
    store?: MemStore;
    snapshot?: ApiDeps['snapshot'];
  } = {},
): Promise<TestApi> {
  const app = fastify();
  const store = opts.store ?? new MemStore();
  const registry = new Registry();
  const logs: TestApi['logs'] = [];
  const rec = (level: string) => (obj: object, msg: string) => void logs.push({ level, obj, msg });
  const logger: Logger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
  };
  const deps: ApiDeps = {
    storage: store,
    snapshot:
      opts.snapshot ??
      ((withHead) => Promise.resolve(`20260101T000000Z-${withHead ? 'head' : 'nohead'}`)),
    remoteWrite: remoteWriteConfigSchema.parse(opts.remoteWrite ?? {}),
    registry,
    logger,
  };
  registerApi(app, deps);
  await app.ready();
  const writeBody = async (body: Buffer, headers: Record<string, string> = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/write',
      payload: body,
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        ...headers,
      },
    });
    return { status: res.statusCode, body: res.body };
  };
  return {
    app,
    store,
    registry,
    deps,
    logs,
    writeBody,
    write: (series) => writeBody(compressSync(Buffer.from(encodeWriteRequest(series)))),
    async counter(name, labels = {}) {
      const m = registry.getSingleMetric(name);
      if (!m) return 0;
      const got = await m.get();
      return got.values
        .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
        .reduce((a, v) => a + v.value, 0);
    },
  };
}
