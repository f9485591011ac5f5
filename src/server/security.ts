import path from 'node:path';
import type { Registry } from 'prom-client';
import type { AccessDeps } from '../api/index.js';
import { AccessAdmin, Authenticator, ensureAdmin } from '../auth/index.js';
import { guardFromConfig, type OutboundGuard } from '../net/index.js';
import { loadKeyring, SecretService } from '../secrets/index.js';
import { openSqliteState, type StateStore } from '../state/index.js';
import { TenantLimits } from '../tenancy/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { ArgusConfig } from './config.js';

// WIRING: the security floor's parts (state store, keyring, authenticator, limits, guard).

/** The file of the state store inside the data dir (the CLI opens the same file). */
export const STATE_FILE = 'state.db';

export interface Security {
  state: StateStore;
  access: AccessDeps;
  limits: TenantLimits;
  guard: OutboundGuard;
  /** The HMAC key of one-click ack links in notifications (derived from the master key). */
  ackKey: Buffer;
  /** The HMAC key of heartbeat-check ping URLs. */
  heartbeatKey: Buffer;
  /** Write-only secrets (check credentials). */
  secrets: SecretService;
  /** Applies a reloaded config (limits, sessions, outbound allow-lists). */
  apply(cfg: ArgusConfig): void;
  close(): Promise<void>;
}

/**
 * Tenants the config names (opened ingestion lands in one) exist: created as `system` (the config
 * file is the operator's own) the first time they appear, so their data is reachable by users
 * given a role there.
 */
async function ensureConfigTenants(
  state: StateStore,
  cfg: ArgusConfig,
  logger: Logger,
): Promise<void> {
  const named = new Set([
    ...cfg.auth.open.ingest.map((e) => String(e.tenant)),
    ...[...cfg.checks, ...cfg.services].map((e) =>
      typeof e.tenant === 'string' ? e.tenant : 'default',
    ),
  ]);
  for (const t of named) {
    if ((await state.tenants.get(t)) !== undefined) continue;
    await state.tenants.create(t, 'system');
    logger.info(
      { tenant: t },
      'created a tenant named in the config (auth.open.ingest, checks, services)',
    );
  }
}

/**
 * Opens `<dataDir>/state.db`, loads the key, creates the first admin when there are no users,
 * and builds the authenticator, secrets, limits and outbound guard.
 */
export async function openSecurity(opts: {
  dataDir: string;
  config: ArgusConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  registry: Registry;
}): Promise<Security> {
  const { dataDir, config, logger } = opts;
  const state = openSqliteState({
    file: path.join(dataDir, STATE_FILE),
    logger,
  });
  try {
    let current = config;
    const keyring = await loadKeyring({ dataDir, env: opts.env });
    const src = keyring.source;
    logger.info(
      src.kind === 'env'
        ? { key_source: 'ARGUS_SECRET_KEY' }
        : { key_source: 'file', key_file: src.path, created: src.created },
      'secret key loaded',
    );
    await ensureAdmin(state, { dataDir, env: opts.env, logger });
    await ensureConfigTenants(state, config, logger);
    const authenticator = new Authenticator({ state, logger });
    authenticator.applyConfig(config.auth);
    const limits = new TenantLimits(config.limits, { registry: opts.registry });
    let guard = guardFromConfig(config.outbound);
    const access: AccessDeps = {
      state,
      authenticator,
      admin: new AccessAdmin(state),
      secrets: new SecretService(state, keyring),
      limits,
      auditSigner: keyring.auditSigner(),
      sessionTtlMs: () => current.auth.session_ttl,
    };
    const hourly = setInterval(() => {
      const now = Date.now();
      void state.sessions
        .deleteExpired(now)
        .catch((err: unknown) =>
          logger.warn({ err: errorChain(err) }, 'cannot delete expired sessions'),
        );
      const keep = current.audit.retention;
      if (keep > 0)
        void state.audit
          .prune(now - keep, keyring.auditSigner())
          .then((n) => {
            if (n > 0) logger.info({ removed: n }, 'pruned audit entries past retention');
          })
          .catch((err: unknown) => logger.warn({ err: errorChain(err) }, 'cannot prune audit'));
    }, 3_600_000);
    hourly.unref();
    return {
      state,
      access,
      limits,
      ackKey: keyring.ackLinkKey,
      heartbeatKey: keyring.heartbeatKey,
      secrets: access.secrets,
      get guard() {
        return guard;
      },
      apply(cfg) {
        current = cfg;
        void ensureConfigTenants(state, cfg, logger).catch((err: unknown) =>
          logger.error({ err: errorChain(err) }, 'cannot create the tenants the config names'),
        );
        limits.apply(cfg.limits);
        authenticator.applyConfig(cfg.auth);
        guard = guardFromConfig(cfg.outbound);
      },
      async close() {
        clearInterval(hourly);
        await state.close();
      },
    };
  } catch (err) {
    await state.close().catch(() => undefined);
    throw err;
  }
}
