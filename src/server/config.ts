import { isIP } from 'node:net';
import { z } from 'zod';
import { queryConfigSchema } from '../api/index.js';
import { authConfigSchema } from '../auth/index.js';
import { zDuration } from '../config/index.js';
import { dashboardsConfigSchema } from '../dashboards/index.js';
import { hostConfigSchema } from '../hostmetrics/index.js';
import { otlpConfigSchema } from '../ingest/otlp/index.js';
import { remoteWriteConfigSchema } from '../ingest/remote-write/index.js';
import { outboundConfigSchema } from '../net/index.js';
import { scrapeConfigsSchema, scrapeGlobalShape } from '../scrape/index.js';
import { limitsConfigSchema } from '../tenancy/index.js';
import { tsdbConfigSchema } from '../tsdb/index.js';
import { healthConfigSchema, parseConfigHealth, zEntries } from './health-config.js';
import { logsConfigSchema } from './logs-config.js';

/** `HOST:PORT`, `:PORT` (all interfaces) or `[IPv6]:PORT`. */
export interface ListenAddress {
  host: string;
  port: number;
}

const LISTEN_RE = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/;

/** Parses a listen address; undefined when it is not one. An empty host means all interfaces. */
export function parseListen(s: string): ListenAddress | undefined {
  const m = LISTEN_RE.exec(s);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? '', port };
}

const zListen = z.string().refine((s) => parseListen(s) !== undefined, {
  error: (iss) =>
    `expected an address like :9470, 127.0.0.1:9470 or [::1]:9470, got ${JSON.stringify(iss.input)}`,
});

const zExternalUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: (iss) => `expected an absolute http(s) URL, got ${JSON.stringify(iss.input)}` },
);

/** An IPv4/IPv6 address or CIDR (`10.0.0.0/8`, `::1`, `fd00::/8`). */
export function isCidr(s: string): boolean {
  const [addr, bits, extra] = s.split('/');
  const v = isIP(addr);
  if (v === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (v === 4 ? 32 : 128);
}

export const zCidr = z.string().refine(isCidr, {
  error: (iss) =>
    `expected an IP address or CIDR like 10.0.0.0/8 or fd00::/8, got ${JSON.stringify(iss.input)}`,
});

const zOrigin = z.string().refine(
  (s) => {
    if (s === '*') return true;
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
    } catch {
      return false;
    }
  },
  {
    error: (iss) =>
      `expected an origin like https://grafana.example.com (scheme://host[:port], no path) or "*", got ${JSON.stringify(iss.input)}`,
  },
);

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The whole argus.yml. Each module owns its section's schema; unknown keys are errors. */
export const argusConfigSchema = z
  .object({
    global: z
      .object({
        /** The URL users reach Argus at (links in notifications, `$externalURL`). */
        external_url: zExternalUrl.optional(),
        /** Scraping defaults, as in prometheus.yml (interval, timeout, external_labels, limits). */
        ...scrapeGlobalShape,
        /** How often rule groups without their own `interval` are evaluated (as prometheus.yml). */
        evaluation_interval: zDuration.default(60_000),
        /** `query_offset` of rule groups without their own: evaluate this far in the past. */
        rule_query_offset: zDuration.default(0),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        /** HTTP listen address (needs a restart to change). */
        listen: zListen.default(':9470'),
        /** HTTPS instead of HTTP (cert and key re-read on reload). */
        tls: z
          .object({ cert_file: z.string().min(1), key_file: z.string().min(1) })
          .strict()
          .optional(),
        /**
         * Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (client address for
         * open ingestion and login rate limits, https for Secure cookies). Needs a restart.
         */
        trusted_proxies: z.array(zCidr).default([]),
        /** Cross-origin requests from browsers: off unless origins are listed. */
        cors: z
          .object({ allowed_origins: z.array(zOrigin).default([]) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        /** auto = pretty when stdout is a terminal, JSON otherwise. */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict()
      .prefault({}),
    storage: z
      .object({ tsdb: tsdbConfigSchema.prefault({}) })
      .strict()
      .prefault({}),
    /**
     * Prometheus rule files (globs, relative to this file's folder), exactly as in prometheus.yml:
     * recording and alerting rules of the default tenant, read-only in the UI and API.
     */
    rule_files: z.array(z.string().min(1)).default([]),
    /**
     * Log rule files (globs, relative to this file's folder): the same format with LogQL metric
     * queries as `expr` (what Loki's ruler reads), evaluated over the log store by the same
     * evaluator; alerts take the same notification path.
     */
    log_rule_files: z.array(z.string().min(1)).default([]),
    /**
     * Where alerts go: a path to an Alertmanager config file (relative to this file's folder), or
     * the same structure inline. Absent: alerts are kept and listed, not sent.
     */
    alertmanager: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())], {
        error: 'expected a path to an Alertmanager config file, or its content inline',
      })
      .optional(),
    /** Prometheus-compatible scrape jobs, exactly as in prometheus.yml. */
    scrape_configs: scrapeConfigsSchema,
    /** Built-in collectors: the node_exporter-compatible host collector and Argus's own metrics. */
    collect: z
      .object({
        host: hostConfigSchema.prefault({}),
        /** Argus's own /metrics stored in the default tenant (job="argus"), as Prometheus scrapes itself. */
        self: z
          .object({
            enabled: z.boolean().default(true),
            interval: zDuration.default(15_000).refine((ms) => ms >= 1000, {
              error: 'expected an interval of at least 1s',
            }),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Built-in rules: the `argus-self-monitoring` group (Watchdog and self-monitoring alerts). */
    rules: z
      .object({ builtin: z.boolean().default(true) })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        remote_write: remoteWriteConfigSchema.prefault({}),
        otlp: otlpConfigSchema.prefault({}),
        /** Pushgateway-compatible pushes: how often pushed groups are re-written. */
        push: z
          .object({
            interval: zDuration.default(15_000).refine((ms) => ms >= 1000, {
              error: 'expected an interval of at least 1s',
            }),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** PromQL: lookback, limits and defaults of every query (reloadable). */
    query: queryConfigSchema.prefault({}),
    auth: authConfigSchema.prefault({}),
    outbound: outboundConfigSchema.prefault({}),
    limits: limitsConfigSchema.prefault({}),
    /** Dashboards provisioned from files (read-only in the UI). */
    dashboards: dashboardsConfigSchema.prefault({}),
    /**
     * Health checks provisioned from the config (read-only in the UI): each `name`, `kind`,
     * `interval`… and the kind's own fields (docs/user/checks.md). `tenant:` defaults to default.
     */
    checks: zEntries,
    /** Services: groups of checks with dependencies (`name`, `checks`, `depends_on`, `public`…). */
    services: zEntries,
    /** Check engine and status page settings. */
    health: healthConfigSchema.prefault({}),
    /** Logs (#9): the log store, retention, the log API's limits, syslog and file inputs. */
    logs: logsConfigSchema.prefault({}),
    audit: z
      .object({
        /** Entries older than this are pruned (a signed checkpoint keeps the rest verifiable); 0 = keep forever. */
        retention: zDuration.default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    // Kind fields differ per check: validated here, with paths into argus.yml.
    for (const issue of parseConfigHealth(cfg).issues) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

export type ArgusConfig = z.output<typeof argusConfigSchema>;

/** The built-in defaults (what an empty or missing config file means). */
export function defaultArgusConfig(): ArgusConfig {
  return argusConfigSchema.parse({});
}
