import type {
  MembershipRow,
  Role,
  StateStore,
  TenantRow,
  TokenRow,
  TokenScope,
  UserRow,
} from '../state/index.js';
import { DEFAULT_TENANT } from '../model/index.js';
import {
  AccessConflictError,
  AccessNotFoundError,
  AccessValidationError,
  ForbiddenError,
} from './errors.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from './passwords.js';
import { actorOf, SCOPE_PERMISSIONS, type Principal } from './permissions.js';
import { mapStateError } from './state-errors.js';
import { generateToken, generateTokenId, hashToken, isTokenId } from './tokens.js';
import { validRole, validScope, validTenant, validUsername } from './validate.js';

/**
 * Who is calling: a Principal (the API; what it may do is bounded by its tenant and system-admin
 * flag), or an actor string for trusted local callers (`cli:root`, `system`), which may do
 * anything: they already hold the data dir.
 */
export type Caller = Principal | string;

/** A user as listings show it: never the password hash. */
export interface UserView {
  id: number;
  username: string;
  kind: 'user' | 'service';
  systemAdmin: boolean;
  disabled: boolean;
  createdAt: number;
  passwordChangedAt: number;
  roles: { tenant: string; role: Role }[];
}

/** A token as listings show it: never the hash. */
export type TokenView = Omit<TokenRow, 'hash'> & { username: string };

export interface CreateUserInput {
  username: string;
  /** Checked against the policy; omitted for a user = a generated one (returned once). */
  password?: string;
  role?: string;
  tenant?: string;
  systemAdmin?: boolean;
  /** A service account: no password, authenticates with tokens only. */
  service?: boolean;
}

export interface CreateTokenInput {
  username: string;
  tenant?: string;
  name?: string;
  scope: string;
  expiresInMs?: number;
  crossTenant?: boolean;
}

const isTrusted = (c: Caller): c is string => typeof c === 'string';
const MAX_EXPIRY_MS = 100 * 365 * 86_400_000;
const actor = (c: Caller): string => (isTrusted(c) ? c : actorOf(c));
const isSystemAdmin = (c: Caller): boolean => isTrusted(c) || c.systemAdmin;

/**
 * Management of users, tokens and tenants, shared by the API and the CLI. Every operation
 * validates its input and keeps the invariants no route table can express: nobody but a system
 * admin grants system admin, touches another tenant, or manages an account that reaches beyond
 * the caller's tenant; the last system admin cannot be removed. Every change is audited by the
 * state store in the same transaction.
 */
export class AccessAdmin {
  constructor(
    private readonly state: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a user (or service account) with a role in one tenant. */
  async createUser(
    input: CreateUserInput,
    caller: Caller,
  ): Promise<{ user: UserView; generatedPassword?: string }> {
    const username = validUsername(input.username);
    const clash = (await this.state.users.list()).find(
      (u) => u.username.toLowerCase() === username.toLowerCase(),
    );
    if (clash !== undefined)
      throw new AccessConflictError(
        `cannot create user: user ${JSON.stringify(clash.username)} already exists (usernames are unique regardless of case)`,
      );
    const tenant = validTenant(input.tenant ?? DEFAULT_TENANT);
    const role = validRole(input.role ?? 'viewer');
    this.sameTenant(caller, tenant, 'create user');
    if (input.systemAdmin && !isSystemAdmin(caller)) {
      throw new ForbiddenError('cannot create user: only a system admin can make a system admin');
    }
    let generatedPassword: string | undefined;
    let passwordHash: string | null = null;
    if (input.service) {
      if (input.password !== undefined) {
        throw new AccessValidationError(
          'password',
          'cannot create service account: it has no password (it uses API tokens)',
        );
      }
    } else {
      const pw = input.password ?? (generatedPassword = generatePassword());
      checkPasswordPolicy(pw);
      passwordHash = await hashPassword(pw);
    }
    const row = await this.state.users
      .create(
        {
          username,
          passwordHash,
          kind: input.service ? 'service' : 'user',
          systemAdmin: input.systemAdmin ?? false,
          roles: [{ tenant, role }],
        },
        actor(caller),
      )
      .catch(mapStateError);
    const user = view(row, [{ userId: row.id, tenant, role }]);
    return generatedPassword === undefined ? { user } : { user, generatedPassword };
  }

  /** An admin's password reset (no current password); revokes all the user's sessions. */
  async setPassword(username: string, password: string, caller: Caller): Promise<number> {
    const user = await this.manageable(username, caller, 'set password');
    if (user.kind === 'service') {
      throw new AccessValidationError(
        'username',
        `cannot set password: ${JSON.stringify(username)} is a service account (it uses API tokens)`,
      );
    }
    checkPasswordPolicy(password);
    return this.state.users
      .setPassword(user.id, await hashPassword(password), actor(caller))
      .catch(mapStateError);
  }

  /** Grants a role in a tenant, or removes it with `null`. */
  async setRole(
    username: string,
    tenant: string,
    role: string | null,
    caller: Caller,
  ): Promise<void> {
    const t = validTenant(tenant);
    const r = role === null ? null : validRole(role);
    this.sameTenant(caller, t, 'set role');
    // Tenant admins manage the accounts that live wholly in their tenant. Granting a role to
    // someone from another tenant would move where their password logins land (and so what
    // their senders write): system admins only.
    const user = await this.manageable(username, caller, 'set role');
    await this.state.users.setRole(user.id, t, r, actor(caller)).catch(mapStateError);
  }

  /** Grants or removes system admin (system admins only; never the last one). */
  async setSystemAdmin(username: string, on: boolean, caller: Caller): Promise<void> {
    if (!isSystemAdmin(caller)) {
      throw new ForbiddenError('cannot change system admin: only a system admin can');
    }
    const user = await this.mustUser(username, 'change system admin');
    if (!on) await this.notLastSystemAdmin(user, 'remove system admin from');
    await this.state.users.setSystemAdmin(user.id, on, actor(caller)).catch(mapStateError);
  }

  async setDisabled(username: string, disabled: boolean, caller: Caller): Promise<void> {
    const user = await this.manageable(username, caller, disabled ? 'disable' : 'enable');
    if (disabled) await this.notLastSystemAdmin(user, 'disable');
    await this.state.users.setDisabled(user.id, disabled, actor(caller)).catch(mapStateError);
  }

  /** Deletes a user with their memberships, tokens and sessions. */
  async deleteUser(username: string, caller: Caller): Promise<void> {
    const user = await this.manageable(username, caller, 'delete user');
    await this.notLastSystemAdmin(user, 'delete');
    await this.state.users.delete(user.id, actor(caller)).catch(mapStateError);
  }

  /** Users (all, or those with a role in `tenant`, showing only that tenant's roles). */
  async listUsers(tenant?: string): Promise<UserView[]> {
    const t = tenant === undefined ? undefined : validTenant(tenant);
    const rows = await this.state.users.list(t);
    const out: UserView[] = [];
    for (const u of rows) {
      const roles = await this.state.users.memberships(u.id);
      out.push(view(u, t === undefined ? roles : roles.filter((r) => r.tenant === t)));
    }
    return out.sort((a, b) => (a.username < b.username ? -1 : 1));
  }

  /**
   * Creates an API token. Returns the secret (shown once, never stored) and the stored row.
   * Refuses a tenant the user has no role in, and cross-tenant tokens unless both the caller
   * and the user are system admins.
   */
  async createToken(
    input: CreateTokenInput,
    caller: Caller,
  ): Promise<{ token: string; row: TokenView }> {
    const scope: TokenScope = validScope(input.scope);
    const tenant = validTenant(
      input.tenant ?? (isTrusted(caller) ? DEFAULT_TENANT : caller.tenant),
    );
    this.sameTenant(caller, tenant, 'create token');
    if (!isTrusted(caller)) {
      // A credential can only mint tokens it could have used itself: a write token cannot
      // mint an admin token.
      const missing = SCOPE_PERMISSIONS[scope].filter((p) => !caller.permissions.has(p));
      if (missing.length > 0)
        throw new ForbiddenError(
          `cannot create a token with scope "${scope}": your credential lacks ${missing.join(', ')}`,
        );
    }
    const self = !isTrusted(caller) && caller.username === input.username;
    // Someone else's token acts as them: only for accounts the caller fully manages (a tenant
    // admin cannot mint a token of a user who also lives in another tenant).
    const user = self
      ? await this.mustUser(input.username, 'create token')
      : await this.manageable(input.username, caller, 'create token');
    if (user.systemAdmin && !isSystemAdmin(caller)) {
      throw new ForbiddenError(
        `cannot create token: ${JSON.stringify(user.username)} is a system admin; only a system admin can create their tokens`,
      );
    }
    const roles = await this.state.users.memberships(user.id);
    if (!roles.some((r) => r.tenant === tenant)) {
      throw new AccessValidationError(
        'tenant',
        `cannot create token: user ${JSON.stringify(user.username)} has no role in tenant ${JSON.stringify(tenant)}`,
      );
    }
    if (input.crossTenant && !(isSystemAdmin(caller) && user.systemAdmin)) {
      throw new ForbiddenError(
        'cannot create token: only a system admin can create a cross-tenant token, and only for a system admin',
      );
    }
    const exp = input.expiresInMs;
    if (exp !== undefined && !(Number.isSafeInteger(exp) && exp > 0 && exp <= MAX_EXPIRY_MS)) {
      throw new AccessValidationError(
        'expires',
        `cannot create token: expiry must be a positive duration of at most 100 years, got ${exp}ms`,
      );
    }
    // A token cannot outlive the token that created it: a leaked short-lived token must not
    // buy permanent access.
    const parentExpiry = isTrusted(caller) ? undefined : caller.expiresAt;
    if (parentExpiry !== undefined && parentExpiry !== null) {
      const left = parentExpiry - this.now();
      if (exp === undefined || exp > left)
        throw new ForbiddenError(
          `cannot create token: your token expires at ${new Date(parentExpiry).toISOString()}; a token it creates must expire by then (expires_in at most ${Math.max(0, Math.floor(left / 1000))}s)`,
        );
    }
    const id = generateTokenId();
    const name = input.name ?? id;
    if (!/^[\x20-\x7e]{1,64}$/.test(name)) {
      throw new AccessValidationError(
        'name',
        `invalid token name ${JSON.stringify(name)}: want 1-64 printable ASCII characters`,
      );
    }
    const token = generateToken();
    const now = this.now();
    const row = await this.state.tokens
      .create(
        {
          id,
          userId: user.id,
          tenant,
          name,
          scope,
          crossTenant: input.crossTenant ?? false,
          hash: hashToken(token),
          createdAt: now,
          expiresAt: exp === undefined ? null : now + exp,
        },
        actor(caller),
      )
      .catch(mapStateError);
    return { token, row: tokenView(row, user.username) };
  }

  /** Revokes a token by its public id (kept, marked revoked). */
  async revokeToken(id: string, caller: Caller): Promise<TokenView> {
    const row = isTokenId(id) ? await this.state.tokens.get(id) : undefined;
    // A token of another tenant is "not found" to a tenant admin: no probing of ids.
    if (
      row === undefined ||
      (!isSystemAdmin(caller) && row.tenant !== (caller as Principal).tenant)
    ) {
      throw new AccessNotFoundError(`cannot revoke token: no token ${JSON.stringify(id)}`);
    }
    await this.state.tokens.revoke(id, actor(caller)).catch(mapStateError);
    const user = await this.state.users.get(row.userId);
    return tokenView({ ...row, revokedAt: row.revokedAt ?? this.now() }, user?.username ?? '?');
  }

  async listTokens(
    filter: { username?: string; tenant?: string; includeRevoked?: boolean } = {},
  ): Promise<TokenView[]> {
    const userId =
      filter.username === undefined
        ? undefined
        : (await this.mustUser(filter.username, 'list tokens')).id;
    const tenant = filter.tenant === undefined ? undefined : validTenant(filter.tenant);
    const rows = await this.state.tokens.list({
      userId,
      tenant,
      includeRevoked: filter.includeRevoked,
    });
    const names = new Map<number, string>();
    const out: TokenView[] = [];
    for (const r of rows) {
      if (!names.has(r.userId))
        names.set(r.userId, (await this.state.users.get(r.userId))?.username ?? '?');
      out.push(tokenView(r, names.get(r.userId)!));
    }
    return out;
  }

  /** Creates a tenant (system admins only). */
  async createTenant(id: string, caller: Caller): Promise<TenantRow> {
    const t = validTenant(id);
    if (!isSystemAdmin(caller))
      throw new ForbiddenError('cannot create tenant: only a system admin can');
    return this.state.tenants.create(t, actor(caller)).catch(mapStateError);
  }

  async listTenants(): Promise<TenantRow[]> {
    return this.state.tenants.list();
  }

  private sameTenant(caller: Caller, tenant: string, verb: string): void {
    if (!isSystemAdmin(caller) && tenant !== (caller as Principal).tenant) {
      throw new ForbiddenError(
        `cannot ${verb} in tenant ${JSON.stringify(tenant)}: you act in tenant ${JSON.stringify((caller as Principal).tenant)}`,
      );
    }
  }

  private async mustUser(username: string, verb: string): Promise<UserRow> {
    const user = await this.state.users.byName(validUsername(username));
    if (user === undefined) {
      throw new AccessNotFoundError(`cannot ${verb}: no user ${JSON.stringify(username)}`);
    }
    return user;
  }

  /**
   * The user, when the caller may manage the whole account: a system admin may manage anyone;
   * a tenant admin only accounts that live entirely in their tenant and are not system admins
   * (resetting the password of someone who is also admin elsewhere would reach into that tenant).
   */
  private async manageable(username: string, caller: Caller, verb: string): Promise<UserRow> {
    if (isSystemAdmin(caller)) return this.mustUser(username, verb);
    const tenant = (caller as Principal).tenant;
    const user = await this.state.users.byName(validUsername(username));
    const roles = user === undefined ? [] : await this.state.users.memberships(user.id);
    // Someone with no role here does not exist as far as this tenant can tell (no probing of
    // other tenants' usernames).
    if (user === undefined || !roles.some((r) => r.tenant === tenant))
      throw new AccessNotFoundError(
        `cannot ${verb}: no user ${JSON.stringify(username)} in tenant ${JSON.stringify(tenant)}`,
      );
    if (user.systemAdmin || roles.some((r) => r.tenant !== tenant)) {
      throw new ForbiddenError(
        `cannot ${verb} ${JSON.stringify(username)}: the account reaches beyond tenant ${JSON.stringify(tenant)}; ask a system admin`,
      );
    }
    return user;
  }

  private async notLastSystemAdmin(user: UserRow, verb: string): Promise<void> {
    if (!user.systemAdmin || user.disabled) return;
    const others = (await this.state.users.list()).filter(
      (u) => u.systemAdmin && !u.disabled && u.id !== user.id,
    );
    if (others.length === 0) {
      throw new AccessConflictError(
        `cannot ${verb} ${JSON.stringify(user.username)}: it is the last system admin`,
      );
    }
  }
}

function view(u: UserRow, roles: MembershipRow[]): UserView {
  return {
    id: u.id,
    username: u.username,
    kind: u.kind,
    systemAdmin: u.systemAdmin,
    disabled: u.disabled,
    createdAt: u.createdAt,
    passwordChangedAt: u.passwordChangedAt,
    roles: roles
      .map((r) => ({ tenant: r.tenant, role: r.role }))
      .sort((a, b) => (a.tenant < b.tenant ? -1 : 1)),
  };
}

function tokenView(r: TokenRow, username: string): TokenView {
  const { hash: _hash, ...rest } = r;
  return { ...rest, username };
}
