/**
 * @module api
 * The HTTP API: Prometheus-compatible routes under /api/v1 (remote_write ingest, series/labels
 * metadata, PromQL queries and status, raw-sample export, TSDB snapshots), Argus's own under /api/argus/v1 (login, users,
 * tokens, tenants, audit, secrets, the OpenAPI document), and the server endpoints (/-/healthy,
 * /-/ready, /-/reload, /metrics). Every route is declared once in a RouteTable with its access
 * need; one hook authenticates and authorizes every request before its body is read. Only this
 * module and `server` import fastify.
 */
import type { FastifyInstance } from 'fastify';
import type { LogsApiSource } from './logs/source.js';
import type { Registry } from 'prom-client';
import type { IngesterOptions, RemoteWriteConfig } from '../ingest/remote-write/index.js';
import {
  DEFAULT_QUERY_OPTIONS,
  parseExpr,
  PromQLEngine,
  type QueryEngine,
  type QueryOptions,
} from '../promql/index.js';
import type { Appendable, MetadataStore, Queryable } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import { registerAccessRoutes, type AccessDeps } from './access-routes.js';
import { SqliteDashboards, type DashboardStore } from '../dashboards/index.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import { registerExportRoute } from './export.js';
import { installFallbacks } from './fallback.js';
import { formBodyParser, multipartBodyParser } from './form.js';
import { installAccessHook, type OpenAccess } from './guard.js';
import { installHttpSecurity, type CorsConfig } from './http-security.js';
import { registerQueryRoutes } from './query.js';
import { registerMetadataRoute } from './query-metadata.js';
import { registerQueryToolRoutes } from './query-tools.js';
import { registerReadRoutes } from './read.js';
import { registerStatusRoutes, type StorageInfo } from './status.js';
import { RouteTable } from './route-table.js';
import { registerServerRoutes, type ServerHooks } from './server-routes.js';
import { registerSnapshotRoute } from './snapshot.js';
import { otlpConfigSchema, type OtlpConfig } from '../ingest/otlp/index.js';
import { registerImportRoute } from './import.js';
import { registerOtlpRoute } from './otlp.js';
import { registerPushRoutes } from './push.js';
import { PushRegistry } from '../ingest/push/index.js';
import { registerTargetsRoute, type TargetsSource } from './targets.js';
import { registerRulesRoutes, type RulesSource } from './rules.js';
import { registerRuleGroupRoutes, type RuleGroupsSource } from './rule-groups.js';
import { registerAlertingRoutes, type AlertingApiSource } from './alerting/index.js';
import { registerHealthRoutes, type HealthApiSource } from './health/index.js';
import type { LiveHub } from '../live/index.js';
import { registerLiveRoute } from './live.js';
import { registerLogPushRoutes } from './logs/push.js';
import { registerLogInfoRoute } from './logs/info.js';
import { registerLogQueryRoutes } from './logs/query.js';
import { registerUiRoutes, type UiBundle } from './ui.js';
import { registerWriteRoute } from './write.js';

const NO_TARGETS: TargetsSource = { activeTargets: () => [], droppedTargets: () => [] };
const DEFAULT_OTLP = otlpConfigSchema.parse({});

/** What the API needs from the server. Getters are read per request (replaced on reload). */
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
  limits: TenantLimits;
  access: AccessDeps;
  /** `auth.open` of the current config. */
  open(): OpenAccess;
  /** `server.cors` of the current config. */
  cors(): CorsConfig;
  server: ServerHooks;
  /** Scrape targets for `/api/v1/targets` (the scrape manager). */
  scrape?: TargetsSource;
  /** `ingest.otlp` of the current config (default: enabled with default limits). */
  otlp?: OtlpConfig;
  /** Pushed groups (Pushgateway API); default: kept in memory only. */
  push?: PushRegistry;
  /** The PromQL engine and the current `query:` options (default: built-in engine and defaults). */
  query?: QueryApiDeps;
  /** Retention settings and head figures of the store, for /api/v1/status/{runtimeinfo,tsdb}. */
  storageInfo?: StorageInfo;
  /** Dashboards (default: stored in `access.state`). */
  dashboards?: DashboardStore;
  /** The built web UI served at `/` (null: not built, `/` says how; absent: no UI routes). */
  ui?: UiBundle | null;
  /** New-data ticks for the UI's live views (`/api/argus/v1/live`; absent: no such route). */
  live?: LiveHub;
  /** Rule managers per tenant for /api/v1/rules and /api/v1/alerts (absent: no rules). */
  rules?: RulesSource;
  /** Rule groups managed through the API (absent: no such routes). */
  ruleGroups?: RuleGroupsSource;
  /** The notification pipeline for the Alertmanager API v2 and Argus's alerting routes (absent: none). */
  alerting?: AlertingApiSource;
  /** Checks, services and the public status page (absent: no such routes). */
  health?: HealthApiSource;
  /** The log store and LogQL: Loki push/query API and the other log inputs (absent: no log routes). */
  logs?: LogsApiSource;
}

const NO_RULES: RulesSource = { managerFor: () => undefined };

/** The query API's engine and settings; `options` is read per request (reloadable). */
export interface QueryApiDeps {
  engine: QueryEngine;
  options(): QueryOptions;
  /** Whether the last config (re)load succeeded and when the running one was loaded (runtimeinfo). */
  configStatus?(): { ok: boolean; loadedAt: Date };
}

/** Registers every route and the access/security hooks on `app`; returns the route table. */
export function registerApi(app: FastifyInstance, deps: ApiDeps): RouteTable {
  const table = new RouteTable();
  installFallbacks(app, deps.logger, table);
  installHttpSecurity(app, () => deps.cors());
  installAccessHook(app, deps.access.authenticator, () => deps.open(), deps.logger);
  registerServerRoutes(app, table, deps.server, deps.registry, deps.logger);
  registerWriteRoute(app, table, {
    storage: deps.storage,
    remoteWrite: () => deps.remoteWrite,
    registry: deps.registry,
    logger: deps.logger,
    ingester: deps.ingest,
    limits: deps.limits,
  });
  registerImportRoute(app, table, {
    storage: deps.storage,
    limits: deps.limits,
    maxBodyBytes: () => deps.remoteWrite.max_body_bytes,
    logger: deps.logger,
  });
  registerPushRoutes(app, table, {
    registry: deps.push ?? new PushRegistry({ appendable: deps.storage, logger: deps.logger }),
    limits: deps.limits,
    maxBodyBytes: () => deps.remoteWrite.max_body_bytes,
    logger: deps.logger,
  });
  registerOtlpRoute(app, table, {
    storage: deps.storage,
    otlp: () => deps.otlp ?? DEFAULT_OTLP,
    limits: deps.limits,
    registry: deps.registry,
    logger: deps.logger,
  });
  const query = deps.query ?? {
    engine: new PromQLEngine({ parse: parseExpr }),
    options: () => DEFAULT_QUERY_OPTIONS,
  };
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      formBodyParser,
    );
    // `curl -F`: Prometheus reads these routes' parameters from multipart forms too (Go FormValue).
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, multipartBodyParser);
    registerReadRoutes(scope, table, deps.storage, deps.limits, deps.logger);
    registerQueryRoutes(scope, table, {
      storage: deps.storage,
      limits: deps.limits,
      engine: query.engine,
      options: () => query.options(),
      logger: deps.logger,
    });
    registerQueryToolRoutes(scope, table, () => query.options().experimental, deps.logger);
    registerMetadataRoute(scope, table, deps.storage, deps.logger);
    registerStatusRoutes(scope, table, {
      version: deps.server.version,
      storage: deps.storage,
      limits: deps.limits,
      options: () => query.options(),
      configStatus: query.configStatus ? () => query.configStatus!() : undefined,
      storageInfo: deps.storageInfo,
      logger: deps.logger,
    });
    registerExportRoute(scope, table, deps.storage, deps.limits, deps.logger);
    registerSnapshotRoute(scope, table, (withHead) => deps.snapshot(withHead), deps.logger);
    registerTargetsRoute(scope, table, deps.scrape ?? NO_TARGETS, deps.logger);
    registerRulesRoutes(scope, table, deps.rules ?? NO_RULES, deps.logger);
    done();
  });
  registerAccessRoutes(app, table, deps.access, deps.logger);
  registerDashboardRoutes(
    app,
    table,
    deps.dashboards ?? new SqliteDashboards(deps.access.state),
    deps.logger,
  );
  if (deps.ruleGroups !== undefined)
    registerRuleGroupRoutes(app, table, deps.ruleGroups, deps.logger);
  if (deps.ui !== undefined) registerUiRoutes(app, table, deps.ui, deps.logger);
  if (deps.live !== undefined) registerLiveRoute(app, table, deps.live, deps.logger);
  if (deps.alerting !== undefined)
    registerAlertingRoutes(app, table, {
      source: deps.alerting,
      sql: deps.access.state.sql,
      maxBodyBytes: deps.remoteWrite.max_body_bytes,
      version: deps.server.version,
      logger: deps.logger,
    });
  if (deps.health !== undefined) registerHealthRoutes(app, table, deps.health, deps.logger);
  if (deps.logs)
    registerLogPushRoutes(app, table, {
      logs: deps.logs,
      limits: deps.limits,
      registry: deps.registry,
      logger: deps.logger,
      version: deps.server.version,
      otlpEnabled: () => (deps.otlp ?? DEFAULT_OTLP).enabled,
    });
  if (deps.logs)
    registerLogQueryRoutes(app, table, {
      logs: deps.logs,
      limits: deps.limits,
      logger: deps.logger,
      version: deps.server.version,
      timeoutMs: () => query.options().timeoutMs,
      cors: () => deps.cors(),
    });
  if (deps.logs) registerLogInfoRoute(app, table, deps.logs, deps.logger);
  return table;
}

export { tenantOf } from './tenant.js';
export {
  queryConfigSchema,
  defaultQueryConfig,
  queryOptionsOf,
  type QueryConfig,
} from './query-config.js';
export { formatSampleValue } from './query-format.js';
export {
  PROMETHEUS_COMPAT_VERSION,
  type StorageInfo,
  type HeadStatsInfo,
  type RetentionInfo,
} from './status.js';
export { httpServerOptions, MAX_PARAM_LENGTH } from './fallback.js';
export { loadUiBundle, type UiBundle } from './ui.js';
export { UI_PATHS, type UiPath } from './ui-paths.js';
export { parseSeriesSelector, SelectorParseError } from './selector.js';
export {
  DEFAULT_LOGS_API_OPTIONS,
  type LogsApiSource,
  type LogsApiOptions,
  type LogsInfo,
} from './logs/source.js';
export { ApiError, type ApiResponse, type ErrorType } from './errors.js';
export { RouteTable, type RouteSpec, type RouteAccess, type Need } from './route-table.js';
export { SESSION_COOKIE, type OpenAccess, type CredentialResolver } from './guard.js';
export { CONTENT_SECURITY_POLICY, type CorsConfig } from './http-security.js';
export type { AccessDeps } from './access-routes.js';
export type { ServerHooks } from './server-routes.js';
export type { TargetsSource } from './targets.js';
export type { AlertingApiSource } from './alerting/index.js';
export * from './health/source.js';
