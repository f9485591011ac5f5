import os from 'node:os';
import v8 from 'node:v8';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { QueryOptions } from '../promql/index.js';
import type { TenantId } from '../model/index.js';
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

/** The store's retention settings (`storage.tsdb.retention_*`); 0 means no limit of that kind. */
export interface RetentionInfo {
  timeMs: number;
  sizeBytes: number;
}

/** One tenant's head: chunks and the time range of its samples (null when empty). */
export interface HeadStatsInfo {
  chunkCount: number;
  minTime: number | null;
  maxTime: number | null;
}

/** What the status routes read from the store beyond the Queryable seam (the TSDB's figures). */
export interface StorageInfo {
  /** Read per request (the config is reloadable). */
  retention(): RetentionInfo;
  /** undefined when the tenant has no head yet. */
  headStats(tenant: TenantId): HeadStatsInfo | undefined;
  /** WAL corruptions the last open found and repaired (Prometheus `corruptionCount`). */
  corruptionCount(): number;
}

export interface StatusDeps {
  /** Argus's version (package.json). */
  version: string;
  storage: Queryable;
  limits: TenantLimits;
  options(): QueryOptions;
  /** Whether the last config (re)load succeeded, and when the running config was loaded. */
  configStatus?(): { ok: boolean; loadedAt: Date };
  /** Absent (tests over a MemStore): retention and head figures are reported empty. */
  storageInfo?: StorageInfo;
  logger: Logger;
}

const READ = { need: 'read', csrf: false } as const;
const TAG = 'Prometheus status';

function durationText(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const DAY = 86_400_000;
const PROM_UNITS: [string, number, boolean][] = [
  ['y', 365 * DAY, true],
  ['w', 7 * DAY, true],
  ['d', DAY, false],
  ['h', 3_600_000, false],
  ['m', 60_000, false],
  ['s', 1000, false],
  ['ms', 1, false],
];

/** A duration as Prometheus's model.Duration prints it: years and weeks only when exact (`15d`). */
export function promDuration(ms: number): string {
  if (ms === 0) return '0s';
  let out = '';
  let rest = ms;
  for (const [name, unit, exact] of PROM_UNITS) {
    if (exact && rest % unit !== 0) continue;
    const n = Math.floor(rest / unit);
    if (n > 0) {
      out += `${n}${name}`;
      rest -= n * unit;
    }
  }
  return out;
}

/** A byte size as Prometheus prints one (units.Base2Bytes): `10GiB`, `1GiB512MiB`. */
export function promBytes(bytes: number): string {
  const names = ['EiB', 'PiB', 'TiB', 'GiB', 'MiB', 'KiB'];
  let out = '';
  let rest = bytes;
  for (let i = 0; i < names.length; i++) {
    const unit = 2 ** (10 * (names.length - i));
    const n = Math.floor(rest / unit);
    if (n > 0) {
      out += `${n}${names[i]}`;
      rest -= n * unit;
    }
  }
  return rest > 0 || out === '' ? `${out}${rest}B` : out;
}

/** runtimeinfo's `storageRetention` as Prometheus writes it: `15d`, `10GiB`, `15d or 10GiB`. */
export function retentionText(r: RetentionInfo): string {
  const parts: string[] = [];
  if (r.timeMs > 0) parts.push(promDuration(r.timeMs));
  if (r.sizeBytes > 0) parts.push(promBytes(r.sizeBytes));
  return parts.join(' or ');
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
      const info = deps.storageInfo;
      // The Go runtime's fields get Node's nearest equivalents: goroutineCount counts the
      // event loop's active handles and requests, GOMEMLIMIT is V8's heap limit; GOGC and
      // GODEBUG have none and stay empty.
      return {
        data: {
          startTime: started.toISOString(),
          CWD: process.cwd(),
          hostname: os.hostname(),
          serverTime: new Date().toISOString(),
          reloadConfigSuccess: cfg.ok,
          lastConfigTime: cfg.loadedAt.toISOString(),
          corruptionCount: info?.corruptionCount() ?? 0,
          goroutineCount: process.getActiveResourcesInfo().length,
          GOMAXPROCS: os.availableParallelism(),
          GOMEMLIMIT: v8.getHeapStatistics().heap_size_limit,
          GOGC: '',
          GODEBUG: '',
          storageRetention: info ? retentionText(info.retention()) : '',
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
    statuses: { 429: "the tenant's max_concurrent_queries slots are all taken (refused at once)" },
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
        const data = tsdbStatus(deps.storage, tenant, limit);
        const head = deps.storageInfo?.headStats(tenant);
        if (head) {
          data.headStats.chunkCount = head.chunkCount;
          data.headStats.minTime = head.minTime ?? 0;
          data.headStats.maxTime = head.maxTime ?? 0;
        }
        return { data };
      } finally {
        gate.release();
      }
    }),
  });
}
