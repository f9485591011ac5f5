import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { QueryOptions } from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import { badParam } from './errors.js';
import { paramsOf } from './params.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';
import { tsdbStatus } from './status-tsdb.js';
import { tenantOf } from './tenant.js';

/**
 * The Prometheus version whose HTTP API and PromQL semantics Argus implements. Grafana reads
 * buildinfo's `version` as a Prometheus version (semver) to decide which API features it may use
 * (label matchers on /labels, …): Argus's own version (0.x) would turn them off.
 */
export const PROMETHEUS_COMPAT_VERSION = '3.0.0';

export interface StatusDeps {
  /** Argus's version (package.json). */
  version: string;
  storage: Queryable;
  limits: TenantLimits;
  options(): QueryOptions;
  /** Whether the last config (re)load succeeded, and when the running config was loaded. */
  configStatus?(): { ok: boolean; loadedAt: Date };
  logger: Logger;
}

const READ = { need: 'read', csrf: false } as const;
const TAG = 'Prometheus status';

function durationText(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** `/api/v1/status/{buildinfo,runtimeinfo,flags,tsdb}` (Prometheus-compatible shapes). */
export function registerStatusRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: StatusDeps,
): void {
  const started = new Date();
  table.add(app, {
    method: 'GET',
    url: '/api/v1/status/buildinfo',
    access: READ,
    tag: TAG,
    summary: 'Build information; `version` is the Prometheus API version Argus is compatible with',
    response: z.record(z.string(), z.string()),
    handler: jsonRoute(deps.logger, () => ({
      data: {
        version: PROMETHEUS_COMPAT_VERSION,
        revision: 'unknown',
        branch: 'unknown',
        buildUser: 'argus',
        buildDate: 'unknown',
        goVersion: `node ${process.version}`,
        argusVersion: deps.version,
      },
    })),
  });
  table.add(app, {
    method: 'GET',
    url: '/api/v1/status/runtimeinfo',
    access: READ,
    tag: TAG,
    summary: 'Runtime information (Prometheus-compatible fields)',
    response: z.record(z.string(), z.unknown()),
    handler: jsonRoute(deps.logger, () => {
      const cfg = deps.configStatus?.() ?? { ok: true, loadedAt: started };
      return {
        data: {
          startTime: started.toISOString(),
          CWD: process.cwd(),
          reloadConfigSuccess: cfg.ok,
          lastConfigTime: cfg.loadedAt.toISOString(),
          corruptionCount: 0,
          goroutineCount: 0,
          GOMAXPROCS: os.availableParallelism(),
          GOMEMLIMIT: 0,
          GOGC: '',
          GODEBUG: '',
          storageRetention: '',
        },
      };
    }),
  });
  table.add(app, {
    method: 'GET',
    url: '/api/v1/status/flags',
    access: READ,
    tag: TAG,
    summary: "The query settings under Prometheus's flag names",
    response: z.record(z.string(), z.string()),
    handler: jsonRoute(deps.logger, () => {
      const o = deps.options();
      return {
        data: {
          'query.lookback-delta': durationText(o.lookbackMs),
          'query.max-samples': String(o.maxSamples),
          'query.timeout': durationText(o.timeoutMs),
          'enable-feature': o.experimental ? 'promql-experimental-functions' : '',
        },
      };
    }),
  });
  table.add(app, {
    method: 'GET',
    url: '/api/v1/status/tsdb',
    access: READ,
    tag: TAG,
    summary: "Cardinality statistics of the tenant's series (top 10 by default)",
    query: z.object({ limit: z.string().optional().describe('Entries per list (default 10)') }),
    response: z.record(z.string(), z.unknown()),
    handler: jsonRoute(deps.logger, (req) => {
      const s = paramsOf(req).get('limit');
      let limit = 10;
      if (s !== null && s !== '') {
        if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 10_000)
          throw badParam('limit', `want an integer from 1 to 10000, got ${JSON.stringify(s)}`);
        limit = Number(s);
      }
      const tenant = tenantOf(req);
      const gate = deps.limits.queryGate(tenant);
      gate.acquire();
      try {
        return { data: tsdbStatus(deps.storage, tenant, limit) };
      } finally {
        gate.release();
      }
    }),
  });
}
