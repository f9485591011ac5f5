import { createHash, randomBytes } from 'node:crypto';
import type { MembershipRow, SessionRow, StateStore, TokenRow, UserRow } from '../state/index.js';
import { nopLogger, type Logger } from '../util/index.js';
import { CredentialCache, TouchThrottle } from './cache.js';
import type { AuthConfig } from './config.js';
import {
  AccessNotFoundError,
  AccessValidationError,
  ForbiddenError,
  INVALID_LOGIN,
  RateLimitedError,
  UnauthenticatedError,
} from './errors.js';
import {
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  verifyPassword,
} from './passwords.js';
import {
  effectivePermissions,
  SCOPE_PERMISSIONS,
  type Permission,
  type Principal,
} from './permissions.js';
import { DEFAULT_RATE_LIMIT, LoginRateLimiter, type RateLimitOptions } from './ratelimit.js';
import { hashToken, looksLikeToken } from './tokens.js';
import { pickTenant, validTenant } from './validate.js';

export interface AuthenticatorOptions {
  state: StateStore;
  logger?: Logger;
  now?: () => number;
  /** Absolute session lifetime; default 7 days. */
  sessionTtlMs?: number;
  /** Sessions unused this long expire; default 24 hours. */
  sessionIdleTimeoutMs?: number;
  loginLimits?: RateLimitOptions;
  /** How long resolved credentials are cached (at most 60 s). */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  /** Password check (default argon2id `verifyPassword`); tests count calls through it. */
  verifyPassword?: (phc: string, password: string) => Promise<boolean>;
}

/** What `login` returns: the cookie value (sent once, never stored) and the stored session. */
export interface LoginResult {
  cookie: string;
  session: SessionRow;
  principal: Principal;
}

export interface LoginContext {
  address: string;
  userAgent: string;
  /** The tenant the user asks to work in (used when they have a role there). */
  tenant?: string;
}

const TOUCH_INTERVAL_MS = 60_000;

/**
 * How often use is written back: at most once a minute, and often enough (a tenth of the idle
 * timeout) that an active session never looks idle.
 */
function touchInterval(idleMs: number): number {
  return Math.min(TOUCH_INTERVAL_MS, Math.floor(idleMs / 10));
}
const MAX_CACHE_TTL_MS = 60_000;

/**
 * The ONLY way the HTTP layer turns credentials into a `Principal`. `bearer`, `basic` and
 * `session` resolve to a principal, or undefined for anything invalid (unknown, revoked,
 * expired, disabled user): the API answers 401 without saying which. Successful resolutions
 * are cached (argon2 costs tens of ms; Grafana sends Basic on every query) and the cache is
 * dropped whenever the state store's changeVersion moves.
 */
export class Authenticator {
  private readonly state: StateStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private sessionTtlMs: number;
  private sessionIdleMs: number;
  private readonly limiter: LoginRateLimiter;
  private readonly cache: CredentialCache;
  private readonly touches: TouchThrottle;
  /** Per-process salt of Basic cache keys: a memory dump does not yield password hashes. */
  private readonly salt = randomBytes(32);
  /** Verified against when the user does not exist, so timing does not reveal usernames. */
  private dummyHash: Promise<string> | undefined;
  private readonly verify: (phc: string, password: string) => Promise<boolean>;

  constructor(opts: AuthenticatorOptions) {
    this.state = opts.state;
    this.logger = opts.logger ?? nopLogger;
    this.now = opts.now ?? Date.now;
    this.sessionTtlMs = opts.sessionTtlMs ?? 7 * 86_400_000;
    this.sessionIdleMs = opts.sessionIdleTimeoutMs ?? 86_400_000;
    this.limiter = new LoginRateLimiter(opts.loginLimits ?? DEFAULT_RATE_LIMIT, this.now);
    const max = opts.cacheMaxEntries ?? 10_000;
    this.cache = new CredentialCache(Math.min(opts.cacheTtlMs ?? 60_000, MAX_CACHE_TTL_MS), max);
    this.touches = new TouchThrottle(touchInterval(this.sessionIdleMs), max);
    this.verify = opts.verifyPassword ?? verifyPassword;
  }

  /** Applies `auth:` from a (re)loaded config: session lifetimes and login limits. */
  applyConfig(cfg: AuthConfig): void {
    this.sessionTtlMs = cfg.session_ttl;
    this.sessionIdleMs = cfg.session_idle_timeout;
    this.touches.setInterval(touchInterval(this.sessionIdleMs));
    const l = cfg.login_rate_limit;
    this.limiter.setOptions({ perUser: l.per_user, perAddress: l.per_address, windowMs: l.window });
  }

  /** `Authorization: Bearer <token>`. */
  async bearer(token: string): Promise<Principal | undefined> {
    if (!looksLikeToken(token)) return undefined;
    const hash = hashToken(token);
    const key = `t:${hash}`;
    const now = this.syncCache();
    let p = this.cache.get(key, now);
    if (p === undefined) {
      const row = await this.state.tokens.byHash(hash);
      if (row === undefined || row.revokedAt !== null) return undefined;
      if (row.expiresAt !== null && now >= row.expiresAt) return undefined;
      p = await this.tokenPrincipal(row);
      if (p === undefined) return undefined;
      this.cache.set(key, p, now, row.expiresAt);
    }
    if (this.touches.due(key, now)) await this.quietly(this.state.tokens.touch(p.tokenId!, now));
    return p;
  }

  /**
   * `Authorization: Basic` with a username and either an API token of that user or the user's
   * password. Password failures count against the username's and the client address's login
   * limits; once one is exceeded this throws RateLimitedError (429) without checking the password.
   */
  async basic(
    username: string,
    secret: string,
    ctx: { address?: string } = {},
  ): Promise<Principal | undefined> {
    if (looksLikeToken(secret)) {
      const p = await this.bearer(secret);
      return p?.username === username ? p : undefined;
    }
    const key = `b:${createHash('sha256').update(this.salt).update(username).update('\0').update(secret).digest('hex')}`;
    const now = this.syncCache();
    const cached = this.cache.get(key, now);
    if (cached !== undefined) return cached;
    // Same limits as /login, per username and per address: Basic is no way around them.
    this.checkLimit(username, ctx.address);
    const user = await this.checkPassword(username, secret);
    if (user === undefined) {
      this.limiter.fail(username, ctx.address);
      return undefined;
    }
    this.limiter.succeed(username);
    const roles = await this.state.users.memberships(user.id);
    const p = userPrincipal('password', user, pickTenant(roles), roles);
    this.cache.set(key, p, now);
    return p;
  }

  /** The session cookie's value. */
  async session(cookie: string): Promise<Principal | undefined> {
    if (cookie.length === 0 || cookie.length > 256) return undefined;
    const idHash = hashToken(cookie);
    const key = `s:${idHash}`;
    const now = this.syncCache();
    let p = this.cache.get(key, now);
    let row: SessionRow | undefined;
    if (p === undefined) {
      row = await this.state.sessions.byHash(idHash);
      if (row === undefined) return undefined;
      if (now >= this.sessionExpiry(row, row.lastSeenAt)) {
        await this.quietly(this.state.sessions.delete(idHash));
        return undefined;
      }
      const user = await this.state.users.get(row.userId);
      if (user === undefined || user.disabled) return undefined;
      const roles = await this.state.users.memberships(user.id);
      p = userPrincipal('session', user, row.tenant, roles, {
        csrfToken: row.csrfToken,
        sessionHash: idHash,
      });
      this.cache.set(key, p, now, row.expiresAt);
    }
    if (this.touches.due(key, now)) {
      row ??= await this.state.sessions.byHash(idHash);
      if (row === undefined) return undefined;
      await this.quietly(this.state.sessions.touch(idHash, now, this.sessionExpiry(row, now)));
    }
    return p;
  }

  /**
   * The same cross-tenant principal acting in `tenant` (named by a request header), with its
   * token scope's permissions there. Anyone else gets ForbiddenError: the tenant of a request
   * comes from its credential.
   */
  async forTenant(principal: Principal, tenant: string): Promise<Principal> {
    if (tenant === principal.tenant) return principal;
    if (!principal.crossTenant || principal.scope === undefined) {
      throw new ForbiddenError(
        `cannot act in tenant ${JSON.stringify(tenant)}: this credential is bound to tenant ${JSON.stringify(principal.tenant)}`,
      );
    }
    const id = validTenant(tenant);
    if ((await this.state.tenants.get(id)) === undefined) {
      throw new AccessNotFoundError(`cannot act in tenant ${JSON.stringify(id)}: no such tenant`);
    }
    const permissions = new Set<Permission>(SCOPE_PERMISSIONS[principal.scope]);
    return Object.freeze({
      ...principal,
      tenant: id,
      permissions,
      systemAdmin: principal.systemAdmin && permissions.has('admin'),
      systemReader: principal.systemReader === true && permissions.has('read'),
    });
  }

  /**
   * Checks a username and password and opens a session. Throws RateLimitedError (before any
   * password check) when the username or address has failed too often, UnauthenticatedError
   * with the same message whatever was wrong.
   */
  async login(username: string, password: string, ctx: LoginContext): Promise<LoginResult> {
    this.checkLimit(username, ctx.address);
    const user = await this.checkPassword(username, password);
    if (user === undefined) {
      this.limiter.fail(username, ctx.address);
      this.logger.info({ username, address: ctx.address }, 'login failed');
      throw new UnauthenticatedError(INVALID_LOGIN);
    }
    this.limiter.succeed(username);
    const roles = await this.state.users.memberships(user.id);
    if (
      ctx.tenant !== undefined &&
      ctx.tenant !== '' &&
      !roles.some((r) => r.tenant === ctx.tenant)
    )
      throw new ForbiddenError(
        `cannot log in to tenant ${JSON.stringify(ctx.tenant)}: you have no role there`,
      );
    const tenant = ctx.tenant !== undefined && ctx.tenant !== '' ? ctx.tenant : pickTenant(roles);
    const cookie = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: SessionRow = {
      idHash: hashToken(cookie),
      userId: user.id,
      tenant,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      expiresAt: 0,
      lastSeenAt: now,
      address: ctx.address,
      userAgent: ctx.userAgent.slice(0, 512),
    };
    session.expiresAt = this.sessionExpiry(session, now);
    await this.state.sessions.create(session);
    this.touches.due(`s:${session.idHash}`, now);
    const principal = userPrincipal('session', user, tenant, roles, {
      csrfToken: session.csrfToken,
      sessionHash: session.idHash,
    });
    this.logger.info({ username, tenant, address: ctx.address }, 'login');
    return { cookie, session, principal };
  }

  /** Ends the principal's session (no-op for other kinds of credential). */
  async logout(principal: Principal): Promise<void> {
    if (principal.sessionHash === undefined) return;
    await this.state.sessions.delete(principal.sessionHash);
    this.cache.delete(`s:${principal.sessionHash}`);
    this.touches.forget(`s:${principal.sessionHash}`);
  }

  /**
   * A user changing their own password: checks the current one (rate-limited like a login),
   * the policy, and stores the new hash, which revokes all the user's sessions. Returns how many.
   */
  async changePassword(
    userId: number,
    current: string,
    next: string,
    actor: string,
    ctx: { address?: string } = {},
  ): Promise<number> {
    const user = await this.state.users.get(userId);
    if (user === undefined)
      throw new AccessNotFoundError(`cannot change password: no user with id ${userId}`);
    this.checkLimit(user.username, ctx.address);
    if ((await this.checkPassword(user.username, current)) === undefined) {
      this.limiter.fail(user.username, ctx.address);
      throw new ForbiddenError('cannot change password: the current password is wrong');
    }
    checkPasswordPolicy(next);
    if (next === current) {
      throw new AccessValidationError(
        'password',
        'cannot change password: the new password is the current one',
      );
    }
    const revoked = await this.state.users.setPassword(userId, await hashPassword(next), actor);
    this.cache.clear();
    this.logger.info({ username: user.username, sessions_revoked: revoked }, 'password changed');
    return revoked;
  }

  /** Failed-login bookkeeping (tests, metrics). */
  rateLimiter(): LoginRateLimiter {
    return this.limiter;
  }

  private syncCache(): number {
    this.cache.sync(this.state.changeVersion());
    return this.now();
  }

  private checkLimit(username: string | undefined, address: string | undefined): void {
    const wait = this.limiter.blockedFor(username, address);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      this.logger.warn({ username, address, retry_after: seconds }, 'login rate limited');
      throw new RateLimitedError(
        `too many failed logins: try again in ${seconds} seconds`,
        seconds,
      );
    }
  }

  /** The user when the password matches an enabled, password-holding account; else undefined. */
  private async checkPassword(username: string, password: string): Promise<UserRow | undefined> {
    const user = username.length <= 64 ? await this.state.users.byName(username) : undefined;
    if (user === undefined || user.disabled || user.passwordHash === null) {
      // Same argon2 cost as a real check: response time does not reveal whether the user exists.
      this.dummyHash ??= hashPassword(generatePassword());
      await this.verify(await this.dummyHash, password);
      return undefined;
    }
    return (await this.verify(user.passwordHash, password)) ? user : undefined;
  }

  private async tokenPrincipal(row: TokenRow): Promise<Principal | undefined> {
    const user = await this.state.users.get(row.userId);
    if (user === undefined || user.disabled) return undefined;
    const roles = await this.state.users.memberships(user.id);
    const role = roles.find((r) => r.tenant === row.tenant)?.role;
    const permissions = effectivePermissions(role, row.scope);
    return Object.freeze({
      kind: 'token' as const,
      userId: user.id,
      username: user.username,
      tenant: row.tenant,
      permissions,
      systemAdmin: user.systemAdmin && permissions.has('admin'),
      systemReader: user.systemAdmin && permissions.has('read'),
      // Only while the user still is a system admin (cross-tenant tokens are theirs to grant).
      crossTenant: row.crossTenant && user.systemAdmin,
      tokenId: row.id,
      scope: row.scope,
      expiresAt: row.expiresAt,
    });
  }

  /** A session ends at its absolute lifetime or after the idle timeout, whichever is first. */
  private sessionExpiry(row: SessionRow, lastSeenAt: number): number {
    return Math.min(row.createdAt + this.sessionTtlMs, lastSeenAt + this.sessionIdleMs);
  }

  /** Bookkeeping writes must not fail a request: log and go on. */
  private async quietly(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      this.logger.warn({ err }, 'cannot record credential use');
    }
  }
}

/** A password or session principal: the user's role in `tenant`, all of it. */
function userPrincipal(
  kind: 'password' | 'session',
  user: UserRow,
  tenant: string,
  roles: MembershipRow[],
  extra: { csrfToken?: string; sessionHash?: string } = {},
): Principal {
  const role = roles.find((r) => r.tenant === tenant)?.role;
  return Object.freeze({
    kind,
    userId: user.id,
    username: user.username,
    tenant,
    permissions: effectivePermissions(role),
    // A signed-in system admin keeps server-wide rights whatever their role in this tenant.
    systemAdmin: user.systemAdmin,
    systemReader: user.systemAdmin,
    crossTenant: false,
    ...extra,
  });
}
