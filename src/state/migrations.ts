/**
 * The state database's schema, as an ordered list of migrations. The highest version is the
 * database's "format version" (docs/format/state.md). Rules: never edit a released migration,
 * only append; each one runs once, in order, inside the BEGIN IMMEDIATE transaction of open.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'identity, audit and secrets',
    sql: `
CREATE TABLE tenants (
  id         TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) STRICT;

INSERT INTO tenants (id, created_at) VALUES ('default', CAST(unixepoch('subsec') * 1000 AS INTEGER));

-- AUTOINCREMENT: a deleted user's id is never handed to a new user (caches and the audit
-- trail refer to ids).
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  username            TEXT NOT NULL UNIQUE,
  password_hash       TEXT,
  kind                TEXT NOT NULL CHECK (kind IN ('user', 'service')),
  system_admin        INTEGER NOT NULL DEFAULT 0 CHECK (system_admin IN (0, 1)),
  disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at          INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE memberships (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant  TEXT NOT NULL REFERENCES tenants(id),
  role    TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  PRIMARY KEY (user_id, tenant)
) STRICT, WITHOUT ROWID;
CREATE INDEX memberships_by_tenant ON memberships(tenant);

CREATE TABLE tokens (
  id           TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant       TEXT NOT NULL REFERENCES tenants(id),
  name         TEXT NOT NULL,
  scope        TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
  cross_tenant INTEGER NOT NULL DEFAULT 0 CHECK (cross_tenant IN (0, 1)),
  hash         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX tokens_by_hash ON tokens(hash);
-- A name is unique among a user's live tokens: a revoked "grafana" may be replaced.
CREATE UNIQUE INDEX tokens_by_user_name ON tokens(user_id, name) WHERE revoked_at IS NULL;
CREATE INDEX tokens_by_tenant ON tokens(tenant);

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant       TEXT NOT NULL REFERENCES tenants(id),
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  address      TEXT NOT NULL,
  user_agent   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

-- The hash chain (docs/format/audit.md). seq is assigned by the store: last seq + 1.
CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  time      INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  tenant    TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  before    TEXT NOT NULL,
  after     TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_time ON audit(time);
CREATE INDEX audit_by_actor ON audit(actor, seq);
CREATE INDEX audit_by_action ON audit(action, seq);
CREATE INDEX audit_by_tenant ON audit(tenant, seq);

-- At most one row: the signed end of the last pruned prefix.
CREATE TABLE audit_checkpoint (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  seq       INTEGER NOT NULL,
  hash      TEXT NOT NULL,
  time      INTEGER NOT NULL,
  signature TEXT NOT NULL
) STRICT;

CREATE TABLE secrets (
  tenant     TEXT NOT NULL REFERENCES tenants(id),
  name       TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: 'dashboards',
    sql: `
-- Written by the dashboards module through StateStore.sql (docs/format/dashboard.md).
CREATE TABLE dashboards (
  tenant           TEXT NOT NULL REFERENCES tenants(id),
  uid              TEXT NOT NULL,
  title            TEXT NOT NULL,
  tags             TEXT NOT NULL,
  version          INTEGER NOT NULL,
  json             TEXT NOT NULL,
  provisioned_file TEXT,
  created_at       INTEGER NOT NULL,
  created_by       TEXT NOT NULL,
  updated_at       INTEGER NOT NULL,
  updated_by       TEXT NOT NULL,
  PRIMARY KEY (tenant, uid)
) STRICT, WITHOUT ROWID;

-- Every saved version, the current one included; restore copies one into a new version.
CREATE TABLE dashboard_versions (
  tenant  TEXT NOT NULL,
  uid     TEXT NOT NULL,
  version INTEGER NOT NULL,
  json    TEXT NOT NULL,
  author  TEXT NOT NULL,
  time    INTEGER NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (tenant, uid, version),
  FOREIGN KEY (tenant, uid) REFERENCES dashboards(tenant, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 3,
    name: 'alerts and silences',
    sql: `
-- Written by alerting (src/alerting/alerts, src/alerting/silence) through StateStore.sql.
-- No foreign key to tenants: alerts arrive for any tenant the edge accepted.
-- labels: JSON flat [name, value, ...] sorted by name; fingerprint: 16 hex digits of its hash.
CREATE TABLE alerts (
  tenant        TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  labels        TEXT NOT NULL,
  annotations   TEXT NOT NULL,
  starts_at     INTEGER NOT NULL,
  ends_at       INTEGER NOT NULL,
  timeout       INTEGER NOT NULL CHECK (timeout IN (0, 1)),
  generator_url TEXT NOT NULL,
  evaluated_at  INTEGER,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (tenant, fingerprint)
) STRICT, WITHOUT ROWID;
CREATE INDEX alerts_by_ends ON alerts(ends_at);

-- matchers: Alertmanager's text form, e.g. {alertname="X",job=~"a|b"}.
CREATE TABLE silences (
  id         TEXT PRIMARY KEY,
  tenant     TEXT NOT NULL,
  matchers   TEXT NOT NULL,
  starts_at  INTEGER NOT NULL,
  ends_at    INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment    TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX silences_by_tenant ON silences(tenant, ends_at);
CREATE INDEX silences_by_ends ON silences(ends_at);
`,
  },
  {
    version: 4,
    name: 'alert notifications',
    sql: `
-- Written by alerting's notifier through StateStore.sql (docs/format/state.md, "Alert
-- notifications"). The notification log: what each receiver of each group was last told.
CREATE TABLE alert_nflog (
  tenant      TEXT NOT NULL,
  group_key   TEXT NOT NULL,
  receiver    TEXT NOT NULL,
  firing      TEXT NOT NULL,
  resolved    TEXT NOT NULL,
  notified_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, group_key, receiver)
) STRICT, WITHOUT ROWID;

-- One row per notification and channel, written with its nflog update; the worker sends it.
CREATE TABLE alert_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  notification_id TEXT NOT NULL,
  tenant          TEXT NOT NULL,
  receiver        TEXT NOT NULL,
  channel         TEXT NOT NULL,
  fallback        TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'expired')),
  attempts        INTEGER NOT NULL,
  failures        INTEGER NOT NULL,
  fallback_sent   INTEGER NOT NULL CHECK (fallback_sent IN (0, 1)),
  next_attempt_at INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  done_at         INTEGER,
  UNIQUE (notification_id, channel)
) STRICT;
CREATE INDEX alert_outbox_pending ON alert_outbox(state, next_attempt_at);

-- One row per delivery attempt.
CREATE TABLE alert_receipts (
  outbox_id   INTEGER NOT NULL REFERENCES alert_outbox(id) ON DELETE CASCADE,
  attempt     INTEGER NOT NULL,
  time        INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  status_code INTEGER,
  latency_ms  INTEGER NOT NULL,
  error       TEXT,
  PRIMARY KEY (outbox_id, attempt)
) STRICT, WITHOUT ROWID;

-- Acknowledgements: one per alert, valid for the firing episode that started at starts_at.
CREATE TABLE alert_acks (
  tenant      TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  starts_at   INTEGER NOT NULL,
  by          TEXT NOT NULL,
  comment     TEXT NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (tenant, fingerprint)
) STRICT, WITHOUT ROWID;

-- Escalation progress per aggregation group.
CREATE TABLE alert_escalations (
  tenant        TEXT NOT NULL,
  group_key     TEXT NOT NULL,
  policy        TEXT NOT NULL,
  first_at      INTEGER NOT NULL,
  next_step     INTEGER NOT NULL,
  PRIMARY KEY (tenant, group_key)
) STRICT, WITHOUT ROWID;

-- Alert history: state changes, delivery attempts, acks, silences applied.
CREATE TABLE alert_history (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant      TEXT NOT NULL,
  time        INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  alertname   TEXT NOT NULL,
  detail      TEXT NOT NULL
) STRICT;
CREATE INDEX alert_history_by_time ON alert_history(tenant, time);
CREATE INDEX alert_history_by_alert ON alert_history(tenant, fingerprint, time);
`,
  },
  {
    version: 5,
    name: 'rule groups managed through the API',
    sql: `
-- Rule groups created through the API/UI, per tenant (rule files stay on disk, read-only).
-- body: the group in Prometheus rule-file form, as YAML.
CREATE TABLE rule_groups (
  tenant     TEXT NOT NULL,
  name       TEXT NOT NULL,
  body       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 6,
    name: 'per-tenant alertmanager configs',
    sql: `
-- A tenant's own Alertmanager config, set through the API/UI (without one the tenant uses
-- argus.yml's). body: the YAML as saved (validated on save; secrets in it, never served).
CREATE TABLE alertmanager_configs (
  tenant     TEXT PRIMARY KEY,
  body       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`,
  },
  {
    version: 7,
    name: 'health checks, services, maintenance windows',
    sql: `
-- Checks and services created through the API/UI, per tenant (argus.yml's live in the config).
-- body: the definition as JSON, validated on save; write-only secrets in it are references
-- ({"secret": name}) to the secrets table, never values.
CREATE TABLE check_definitions (
  tenant     TEXT NOT NULL,
  name       TEXT NOT NULL,
  body       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;
CREATE TABLE service_definitions (
  tenant     TEXT NOT NULL,
  name       TEXT NOT NULL,
  body       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;
-- The flap-protected state of every check (config and API), so a restart neither re-alerts nor
-- loses uptime; last_ping for heartbeat checks.
CREATE TABLE check_state (
  tenant       TEXT NOT NULL,
  name         TEXT NOT NULL,
  state        TEXT NOT NULL,         -- unknown | up | down
  since        INTEGER NOT NULL,      -- ms: when it entered this state
  failures     INTEGER NOT NULL,      -- consecutive failed probes
  successes    INTEGER NOT NULL,      -- consecutive successful probes
  last_at      INTEGER,               -- ms: last probe
  last_error   TEXT,
  last_error_at INTEGER,              -- ms: when last_error happened
  last_ping    INTEGER,               -- ms: heartbeat checks: the last success ping,
  last_start   INTEGER,               -- an unfinished /start ping,
  last_fail    INTEGER,               -- the last /fail ping
  last_fail_message TEXT,             -- and what it said (truncated)
  PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;
-- State changes of checks (subject_kind 'check') and services ('service'): uptime, SLOs and
-- history come from these. detail: JSON (error, root cause, duration).
CREATE TABLE health_events (
  id           INTEGER PRIMARY KEY,
  tenant       TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject      TEXT NOT NULL,
  at           INTEGER NOT NULL,
  state        TEXT NOT NULL,
  detail       TEXT NOT NULL
) STRICT;
CREATE INDEX health_events_subject ON health_events (tenant, subject_kind, subject, at);
CREATE TABLE maintenance_windows (
  id          INTEGER PRIMARY KEY,
  tenant      TEXT NOT NULL,
  service     TEXT NOT NULL,
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  comment     TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX maintenance_windows_service ON maintenance_windows (tenant, service, ends_at);
`,
  },
];

/** The format version this binary writes: the highest migration. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
