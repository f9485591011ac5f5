/**
 * The state store's contract: everything stateful that is not telemetry (tenants, users,
 * tokens, sessions, the audit trail, encrypted secrets; later rules, silences, checks,
 * dashboards, incidents). Async so a PostgreSQL implementation can replace the embedded
 * SQLite one for scale-out without touching callers.
 *
 * Every mutation that an operator makes (through the API or the CLI) takes the `Actor` and
 * appends its audit entry in the SAME transaction as the change: a change without its entry,
 * or an entry without its change, cannot exist. Session and last-used bookkeeping is not audited.
 *
 * Times are Unix milliseconds. Ids of tenants are `model.TenantId` strings.
 */

/** A role a user holds in one tenant. */
export type Role = 'viewer' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** What an API token may do: `read` (queries), `write` (ingestion only), `admin` (everything its user may). */
export type TokenScope = 'read' | 'write' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'write', 'admin'];

/**
 * Who made a change, as written in the audit trail: `user:alice`, `token:alice/grafana`,
 * `cli:root`, `system` (bootstrap, provisioning).
 */
export type Actor = string;

export interface TenantRow {
  id: string;
  createdAt: number;
}

export interface UserRow {
  id: number;
  username: string;
  /** argon2id PHC string; null for service accounts (they authenticate with tokens only). */
  passwordHash: string | null;
  /** `service` accounts cannot log in with a password. */
  kind: 'user' | 'service';
  /** May manage tenants and act on server-wide routes (reload, snapshots, /metrics). */
  systemAdmin: boolean;
  disabled: boolean;
  createdAt: number;
  passwordChangedAt: number;
}

export interface MembershipRow {
  userId: number;
  tenant: string;
  role: Role;
}

export interface TokenRow {
  /** Public id (`tok_…`), shown in lists and used to revoke; not a secret. */
  id: string;
  userId: number;
  tenant: string;
  name: string;
  scope: TokenScope;
  /** May pick another tenant per request (`X-Scope-OrgID`); only system admins grant it. */
  crossTenant: boolean;
  /** sha256 hex of the token secret; the secret itself is never stored. */
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface SessionRow {
  /** sha256 hex of the cookie value; the cookie value itself is never stored. */
  idHash: string;
  userId: number;
  tenant: string;
  /** Sent back by the browser in `X-CSRF-Token` on state-changing requests. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  address: string;
  userAgent: string;
}

/** One audit trail entry. `before`/`after` are JSON values with secrets already redacted. */
export interface AuditEntry {
  seq: number;
  time: number;
  actor: Actor;
  /** The tenant the change belongs to (`''` for server-wide changes such as creating a tenant). */
  tenant: string;
  /** `user.create`, `user.password`, `token.create`, `token.revoke`, `tenant.create`, … */
  action: string;
  /** What was changed: `user:alice`, `token:tok_ab12`, `tenant:acme`, … */
  target: string;
  before: unknown;
  after: unknown;
  /** Hash of the previous entry (64 zeros for the first one ever). */
  prevHash: string;
  /** sha256 hex over prevHash and this entry's canonical JSON (see docs/format/audit.md). */
  hash: string;
}

/** A new audit entry as callers give it; seq, hashes and (by default) time are filled in. */
export interface AuditInput {
  actor: Actor;
  tenant: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
  time?: number;
}

export interface AuditFilter {
  tenant?: string;
  actor?: string;
  action?: string;
  /** Entries at or after this time. */
  from?: number;
  /** Entries at or before this time. */
  to?: number;
  /** Newest first; default 100, max 1000. */
  limit?: number;
  /** Entries with seq lower than this (paging backwards). */
  beforeSeq?: number;
}

/** A signed statement "the chain up to `seq` ended in `hash`", kept when a prefix is pruned. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  time: number;
  /** HMAC-SHA256 hex of `${seq}:${hash}:${time}` under the audit key. */
  signature: string;
}

/** What `verify` found: ok, or the first entry that breaks the chain and why. */
export type AuditVerdict =
  | { ok: true; entries: number; firstSeq: number | null; lastSeq: number | null }
  | { ok: false; seq: number | null; reason: string };

/** Signs and checks audit checkpoints; keyed by the data dir's key (see `secrets`). */
export interface AuditSigner {
  sign(data: string): string;
  verify(data: string, signature: string): boolean;
}

export interface SecretRow {
  tenant: string;
  name: string;
  /** Encrypted by the caller (`secrets` module); the store never sees plaintext. */
  ciphertext: Buffer;
  updatedAt: number;
}

export interface Tenants {
  list(): Promise<TenantRow[]>;
  get(id: string): Promise<TenantRow | undefined>;
  /** Throws StateConflictError when it exists. */
  create(id: string, actor: Actor): Promise<TenantRow>;
}

export interface NewUser {
  username: string;
  passwordHash: string | null;
  kind?: 'user' | 'service';
  systemAdmin?: boolean;
  /** Initial memberships. */
  roles?: { tenant: string; role: Role }[];
}

export interface Users {
  get(id: number): Promise<UserRow | undefined>;
  byName(username: string): Promise<UserRow | undefined>;
  /** All users, or those with a membership in `tenant`. */
  list(tenant?: string): Promise<UserRow[]>;
  count(): Promise<number>;
  /** Throws StateConflictError when the username is taken, StateNotFoundError for an unknown tenant. */
  create(u: NewUser, actor: Actor): Promise<UserRow>;
  /**
   * Replaces the password hash and, in the same transaction, deletes every session of the
   * user (sessions never survive a password change). Returns the number of sessions revoked.
   */
  setPassword(userId: number, passwordHash: string, actor: Actor): Promise<number>;
  /** Grants (or with null, removes) the user's role in a tenant. */
  setRole(userId: number, tenant: string, role: Role | null, actor: Actor): Promise<void>;
  setSystemAdmin(userId: number, on: boolean, actor: Actor): Promise<void>;
  setDisabled(userId: number, disabled: boolean, actor: Actor): Promise<void>;
  /** Deletes the user with its memberships, tokens and sessions. */
  delete(userId: number, actor: Actor): Promise<void>;
  memberships(userId: number): Promise<MembershipRow[]>;
}

export interface Tokens {
  /** Stores a token (hash only). Throws StateConflictError on a duplicate id or name per user. */
  create(t: Omit<TokenRow, 'lastUsedAt' | 'revokedAt'>, actor: Actor): Promise<TokenRow>;
  byHash(hash: string): Promise<TokenRow | undefined>;
  get(id: string): Promise<TokenRow | undefined>;
  list(filter?: {
    userId?: number;
    tenant?: string;
    includeRevoked?: boolean;
  }): Promise<TokenRow[]>;
  /** Marks revoked (kept for the record); idempotent. */
  revoke(id: string, actor: Actor): Promise<void>;
  /**
   * Records use; not audited and not counted by changeVersion. Callers throttle it (at most
   * about once a minute per token).
   */
  touch(id: string, time: number): Promise<void>;
}

export interface Sessions {
  create(s: SessionRow): Promise<void>;
  byHash(idHash: string): Promise<SessionRow | undefined>;
  /** Slides the session; not audited. Callers throttle it. */
  touch(idHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  deleteForUser(userId: number): Promise<number>;
  deleteExpired(now: number): Promise<number>;
}

export interface Audit {
  /** Appends a standalone entry (changes stored elsewhere, e.g. config objects of later issues). */
  append(e: AuditInput): Promise<AuditEntry>;
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  /** Walks the whole chain from the checkpoint (if any); needs the signer to check it. */
  verify(signer: AuditSigner): Promise<AuditVerdict>;
  /**
   * Retention: removes every entry older than `before` (a whole prefix) and stores a signed
   * checkpoint of the last removed one, so the rest still verifies. Returns entries removed.
   */
  prune(before: number, signer: AuditSigner): Promise<number>;
  checkpoint(): Promise<AuditCheckpoint | undefined>;
}

export interface Secrets {
  put(tenant: string, name: string, ciphertext: Buffer, actor: Actor): Promise<void>;
  get(tenant: string, name: string): Promise<SecretRow | undefined>;
  /** Names and times only: callers never list ciphertexts. */
  list(tenant: string): Promise<Omit<SecretRow, 'ciphertext'>[]>;
  /** Returns false when there was none. */
  delete(tenant: string, name: string, actor: Actor): Promise<boolean>;
}

/** A value bound to a `?` parameter or read from a column. */
export type SqlValue = string | number | bigint | null | Buffer;

/** Reads inside one snapshot. */
export interface SqlReader {
  get<T>(sql: string, params?: readonly SqlValue[]): T | undefined;
  all<T>(sql: string, params?: readonly SqlValue[]): T[];
}

/** A write transaction: statements, the transaction's clock, and audit entries that commit with it. */
export interface SqlTx extends SqlReader {
  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): number;
  /** Appends an audit entry in this transaction (time defaults to `now`). */
  audit(e: AuditInput): AuditEntry;
  /** The time of this transaction (the store's clock), for created/updated columns. */
  readonly now: number;
}

/**
 * Tables of other modules kept in state.db (dashboards; later rules, silences). Their schema is
 * part of this module's migrations (one ordered list, one format version); the module owning
 * the data writes its statements through here so a change and its audit entry commit together.
 * The SQL is SQLite's dialect: a PostgreSQL store would translate or replace these callers.
 */
export interface SqlAccess {
  /** Runs `fn` in one read snapshot. `fn` MUST be synchronous. */
  read<T>(fn: (r: SqlReader) => T): Promise<T>;
  /**
   * Runs `fn` in a BEGIN IMMEDIATE transaction (rolled back when it throws). `fn` MUST be
   * synchronous. Counts as a change for `changeVersion`.
   */
  write<T>(fn: (tx: SqlTx) => T): Promise<T>;
}

/** The state store. One per data dir; several processes (server + CLI) may open it at once. */
export interface StateStore {
  readonly tenants: Tenants;
  readonly users: Users;
  readonly tokens: Tokens;
  readonly sessions: Sessions;
  readonly audit: Audit;
  readonly secrets: Secrets;
  /** Other modules' tables (dashboards, …), with audit entries in the same transaction. */
  readonly sql: SqlAccess;
  /**
   * A number that changes whenever any process commits a change (SQLite: PRAGMA data_version
   * plus this connection's own commits). Caches of credentials compare it to drop stale entries,
   * so a token revoked by `argus token revoke` stops working at once in the running server.
   */
  changeVersion(): number;
  close(): Promise<void>;
}
