/**
 * Test-only surface of `api`: a fastify app with every API route over a MemStore, a recording
 * logger and its own metrics registry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { compressSync } from 'snappy';
import {
  encodeWriteRequest,
  remoteWriteConfigSchema,
  type EncodeSeries,
  type RemoteWriteConfig,
} from '../ingest/remote-write/index.js';
import { AccessAdmin, Authenticator, defaultAuthConfig } from '../auth/index.js';
import { loadKeyring, SecretService } from '../secrets/index.js';
import { openSqliteState, type StateStore } from '../state/index.js';
import { MemStore } from '../storage/testing.js';
import { defaultLimitsConfig, TenantLimits, type LimitsConfig } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import type { AccessDeps } from './access-routes.js';
import { httpServerOptions } from './fallback.js';
import { registerApi, type ApiDeps } from './index.js';
import type { RouteTable } from './route-table.js';

/** Temp dirs of test apps not closed yet; removed when the process exits. */
const tempDirs = new Set<string>();
function removeTempDirs(): void {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

/** The password of the test app's system admin `admin`. */
export const TEST_ADMIN_PASSWORD = 'test-admin-password-0';

export interface TestApi {
  app: FastifyInstance;
  table: RouteTable;
  state: StateStore;
  access: AccessDeps;
  /** `Authorization` header value of `admin` (system admin, admin in `default`): a Bearer token. */
  adminAuth: string;
  /** The temp dir holding state.db and secret.key. */
  dir: string;
  /** Every route fastify registered (HEAD included), with its route config. */
  routes: { method: string; url: string; config: unknown }[];
  /** Closes the app and the state store and removes the temp dir. */
  close(): Promise<void>;
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
    /**
     * Requests without credentials get the admin's token (default true), so tests of other
     * concerns need not repeat it. Security tests set false.
     */
    defaultAuth?: boolean;
    limits?: LimitsConfig;
    open?: ApiDeps['open'];
    cors?: ApiDeps['cors'];
    trustProxy?: string[];
    /** The PromQL engine and options (default: the built-in engine with default options). */
    query?: ApiDeps['query'];
    /** Retention and head figures for the status routes (default: none, as a bare MemStore). */
    storageInfo?: ApiDeps['storageInfo'];
    /** The web UI bundle (default: no UI routes). */
    ui?: ApiDeps['ui'];
    /** The live push hub (default: no /live route). */
    live?: ApiDeps['live'];
    /** The log routes' dependencies (default: no log routes). */
    logs?: ApiDeps['logs'];
  } = {},
): Promise<TestApi> {
  const app = fastify({
    ...httpServerOptions(),
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-api-'));
  if (tempDirs.size === 0) process.once('exit', removeTempDirs);
  tempDirs.add(dir);
  const state = openSqliteState({ file: path.join(dir, 'state.db') });
  const keyring = await loadKeyring({ dataDir: dir, env: {} });
  const admin = new AccessAdmin(state);
  await admin.createUser(
    { username: 'admin', password: TEST_ADMIN_PASSWORD, role: 'admin', systemAdmin: true },
    'system',
  );
  const { token } = await admin.createToken(
    { username: 'admin', scope: 'admin', name: 'test' },
    'system',
  );
  const adminAuth = `Bearer ${token}`;
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
  const limits = new TenantLimits(opts.limits ?? defaultLimitsConfig(), { registry });
  const access: AccessDeps = {
    state,
    authenticator: new Authenticator({ state, logger }),
    admin,
    secrets: new SecretService(state, keyring, logger),
    limits,
    auditSigner: keyring.auditSigner(),
    sessionTtlMs: () => defaultAuthConfig().session_ttl,
  };
  const deps: ApiDeps = {
    storage: store,
    limits,
    access,
    open: opts.open ?? (() => defaultAuthConfig().open),
    cors: opts.cors ?? (() => ({ allowed_origins: [] })),
    server: { version: 'test', ready: () => true, reload: async () => undefined },
    snapshot:
      opts.snapshot ??
      ((withHead) => Promise.resolve(`20260101T000000Z-${withHead ? 'head' : 'nohead'}`)),
    remoteWrite: remoteWriteConfigSchema.parse(opts.remoteWrite ?? {}),
    registry,
    logger,
    query: opts.query,
    storageInfo: opts.storageInfo,
    ui: opts.ui,
    live: opts.live,
    logs: opts.logs,
  };
  if (opts.defaultAuth !== false) {
    app.addHook('onRequest', async (req) => {
      if (req.headers.authorization === undefined && req.headers.cookie === undefined)
        req.headers.authorization = adminAuth;
    });
  }
  const routes: TestApi['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method])
      routes.push({ method: m, url: r.url ?? r.path, config: r.config });
  });
  const table = registerApi(app, deps);
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
    table,
    dir,
    routes,
    state,
    access,
    adminAuth,
    async close() {
      await app.close();
      await state.close();
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
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
