import path from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LogsApiSource, LogsInfo } from '../api/index.js';
import { FileTailer } from '../ingest/files/index.js';
import { SyslogServer } from '../ingest/syslog/index.js';
import { LogqlEngine } from '../logql/index.js';
import {
  LogStore,
  type LogLimits,
  type LogStoreStats,
  type RetentionPolicy,
} from '../logs/index.js';
import { DEFAULT_TENANT, tenantId, type TenantId } from '../model/index.js';
import {
  StorageUnavailableError,
  type LogAppendable,
  type LogQueryable,
  type LogTailable,
} from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import { errorChain } from '../util/index.js';
import type { ServerLogger as Logger } from './logger.js';
import type { ArgusConfig } from './config.js';

// WIRING (#9): the log store under <data>/logs, LogQL over it, the Loki API's source, and the
// syslog and file inputs. The store opens in the background like the TSDB; until it is open,
// pushes answer 503 and queries fail with "not ready".

export interface LogsDeps {
  dataDir: string;
  logger: Logger;
  registry: Registry;
  limits: TenantLimits;
}

const notReady = (): never => {
  throw new StorageUnavailableError('cannot use the log store: it is still opening');
};

/** Maps `limits:` (tenancy) onto the store's per-tenant limits. */
export function logLimitsOf(limits: TenantLimits, tenant: TenantId): LogLimits {
  const l = limits.for(tenant);
  return {
    maxLineBytes: l.max_log_line_size === 0 ? Number.MAX_SAFE_INTEGER : l.max_log_line_size,
    maxStreams: l.max_log_streams,
    maxLabelNames: l.max_log_labels === 0 ? Number.MAX_SAFE_INTEGER : l.max_log_labels,
    maxLabelValueBytes: 2048,
    rateBytes: l.log_ingestion_rate,
    burstBytes: l.log_ingestion_burst,
  };
}

/** `logs.retention` + per-tenant `log_retention` as the store's policy. */
export function retentionPolicyOf(cfg: ArgusConfig, limits: TenantLimits): RetentionPolicy {
  const r = cfg.logs.retention;
  const tenants: RetentionPolicy['tenants'] = new Map();
  const tenantEntry = (t: TenantId) => {
    let e = tenants.get(t);
    if (!e) tenants.set(t, (e = { streams: [] }));
    return e;
  };
  for (const id of Object.keys(cfg.limits.tenants)) {
    const p = limits.for(tenantId(id)).log_retention;
    if (p > 0) tenantEntry(tenantId(id)).periodMs = p;
  }
  const globalStreams: RetentionPolicy['streams'] = [];
  for (const s of r.streams) {
    const rule = { matchers: s.selector.matchers, periodMs: s.period };
    if (s.tenant !== undefined) tenantEntry(tenantId(s.tenant)).streams.push(rule);
    else globalStreams.push(rule);
  }
  const defaultTenantPeriod = limits.for(DEFAULT_TENANT).log_retention;
  return {
    periodMs: cfg.limits.defaults.log_retention ? defaultTenantPeriod : r.period,
    streams: globalStreams,
    tenants,
    maxBytes: r.max_size,
  };
}

export class Logs {
  private store: LogStore | undefined;
  private syslog: SyslogServer | undefined;
  private files: FileTailer | undefined;
  private cfg: ArgusConfig;
  private inputsKey = '';
  private opening: Promise<void> | undefined;
  private stopped = false;
  readonly engine: LogqlEngine;
  /** The Loki API's view: the store once open, "not ready" before. */
  readonly source: LogsApiSource;

  constructor(
    private readonly deps: LogsDeps,
    cfg: ArgusConfig,
  ) {
    this.cfg = cfg;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters below read the live store
    const self = this;
    const appendable: LogAppendable = {
      logAppender: (t) => (self.store ?? notReady()).logAppender(t),
    };
    const queryable: LogQueryable = { logQuerier: (t) => (self.store ?? notReady()).logQuerier(t) };
    const tailable: LogTailable = {
      tailLogs: (t, m, fn) => (self.store ?? notReady()).tailLogs(t, m, fn),
    };
    this.engine = new LogqlEngine({
      queryable,
      tailable,
      maxEntriesLimit: cfg.logs.api.max_entries_limit,
      onTailError: (err) =>
        deps.logger.warn({ err: errorChain(err) }, 'a live tail failed on a batch'),
    });
    this.source = {
      appendable,
      queryable,
      tailable,
      engine: this.engine,
      info: (tenant) => this.info(tenant),
      options: () => ({
        maxBodyBytes: this.cfg.logs.api.max_body_size,
        maxEntriesLimit: this.cfg.logs.api.max_entries_limit,
        maxTailsPerTenant: this.cfg.logs.api.max_tails_per_tenant,
      }),
    };
    logsMetrics(deps.registry, () => this.store?.stats());
  }

  /** The tenant's effective retention (tenant rules first, as the store applies them) and the store's size. */
  info(tenant: TenantId): LogsInfo {
    const r = this.cfg.logs.retention;
    const own = this.deps.limits.for(tenant).log_retention;
    const rules = [
      ...r.streams.filter((s) => s.tenant === tenant),
      ...r.streams.filter((s) => s.tenant === undefined),
    ];
    const st = this.store?.stats();
    return {
      retention: {
        periodMs: own > 0 ? own : r.period,
        streams: rules.map((s) => ({ selector: s.selector.text, periodMs: s.period })),
        maxBytes: r.max_size,
      },
      store: st
        ? {
            chunks: st.chunkStore.chunks,
            storedBytes: st.chunkStore.bytes,
            rawBytes: st.chunkStore.rawBytes,
            headStreams: st.headStreams,
          }
        : null,
    };
  }

  get isOpen(): boolean {
    return this.store !== undefined;
  }

  /** Opens the store (replaying its WAL), then starts the configured inputs. */
  open(): Promise<void> {
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    const started = Date.now();
    const store = await LogStore.open({
      dir: path.join(this.deps.dataDir, 'logs'),
      config: this.cfg.logs.store,
      limits: (t) => logLimitsOf(this.deps.limits, t),
      retention: () => retentionPolicyOf(this.cfg, this.deps.limits),
      logger: this.deps.logger,
    });
    // Stopped while opening (a quick shutdown): close it, or its workers keep the process alive.
    if (this.stopped) {
      await store.close();
      return;
    }
    this.store = store;
    this.deps.logger.info({ duration_ms: Date.now() - started }, 'log store ready');
    await this.apply(this.cfg);
  }

  /** Applies a (re)loaded config: retention and limits are read live; inputs restart when changed. */
  async apply(cfg: ArgusConfig): Promise<void> {
    this.cfg = cfg;
    if (!this.store || this.stopped) return;
    const key = JSON.stringify({ syslog: cfg.logs.syslog, files: cfg.logs.files });
    if (key === this.inputsKey) return;
    await this.stopInputs();
    this.inputsKey = key;
    const appendable = this.source.appendable;
    if (cfg.logs.syslog.enabled) {
      const syslog = new SyslogServer({
        config: cfg.logs.syslog,
        appendable,
        logger: this.deps.logger.child({ input: 'syslog' }),
        registry: this.deps.registry,
      });
      try {
        const ports = await syslog.start();
        this.syslog = syslog;
        this.deps.logger.info({ ...ports }, 'syslog listening');
      } catch (err) {
        this.deps.logger.error({ err: errorChain(err) }, 'cannot start the syslog listener');
      }
    }
    if (cfg.logs.files.length > 0) {
      this.files = new FileTailer({
        config: cfg.logs.files,
        appendable,
        checkpointPath: path.join(this.deps.dataDir, 'logs', 'file-positions.json'),
        logger: this.deps.logger.child({ input: 'files' }),
      });
      try {
        await this.files.start();
      } catch (err) {
        this.deps.logger.error({ err: errorChain(err) }, 'cannot start tailing files');
      }
    }
  }

  private async stopInputs(): Promise<void> {
    const s = this.syslog;
    const f = this.files;
    this.syslog = undefined;
    this.files = undefined;
    await s?.stop();
    await f?.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.opening?.catch(() => undefined);
    await this.stopInputs();
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }
}

function logsMetrics(registry: Registry, stats: () => LogStoreStats | undefined): void {
  if (registry.getSingleMetric('argus_logs_head_streams')) return;
  const gauge = (name: string, help: string, get: (s: LogStoreStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        if (s) this.set(get(s));
      },
    });
  const counter = (name: string, help: string, get: (s: LogStoreStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        this.reset();
        if (s) this.inc(get(s));
      },
    });
  gauge(
    'argus_logs_head_streams',
    'Log streams with an open chunk (all tenants).',
    (s) => s.headStreams,
  );
  gauge(
    'argus_logs_head_bytes',
    'Raw line bytes held in memory by open chunks.',
    (s) => s.headBytes,
  );
  gauge('argus_logs_chunks', 'Sealed log chunks on disk.', (s) => s.chunkStore.chunks);
  gauge(
    'argus_logs_stored_bytes',
    'Bytes of log chunks on disk (compressed).',
    (s) => s.chunkStore.bytes,
  );
  gauge(
    'argus_logs_raw_bytes',
    'Raw line bytes of the log chunks on disk.',
    (s) => s.chunkStore.rawBytes,
  );
  gauge('argus_logs_wal_bytes', 'Bytes in the log WAL.', (s) => s.walBytes);
  counter(
    'argus_logs_truncated_lines_total',
    'Log lines stored truncated (limits.max_log_line_size).',
    (s) => s.truncatedLines,
  );
  counter(
    'argus_logs_rejected_entries_total',
    'Log entries refused (too old, too far in the future).',
    (s) => s.rejectedEntries,
  );
  counter(
    'argus_logs_seal_errors_total',
    'Chunks that could not be sealed (kept in the head and WAL).',
    (s) => s.sealErrors,
  );
}
