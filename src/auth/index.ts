/**
 * @module auth
 * Identity and access: password hashing (argon2id) and policy, API token and session secrets,
 * the Authenticator (the only way credentials become a `Principal`, with a cache dropped on
 * any state change and a login rate limiter), AccessAdmin (users, roles, tokens, tenants with
 * their invariants, shared by the API and the CLI), first-start admin bootstrap, the permission
 * model routes declare, and the `auth:` config section.
 */
export {
  type Permission,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  SCOPE_PERMISSIONS,
  effectivePermissions,
  type PrincipalKind,
  type Principal,
  actorOf,
} from './permissions.js';
export {
  AuthError,
  UnauthenticatedError,
  ForbiddenError,
  RateLimitedError,
  AccessValidationError,
  AccessNotFoundError,
  AccessConflictError,
  INVALID_LOGIN,
} from './errors.js';
export {
  hashPassword,
  verifyPassword,
  checkPasswordPolicy,
  generatePassword,
  PASSWORD_MIN_CHARS,
  PASSWORD_MAX_BYTES,
} from './passwords.js';
export {
  generateToken,
  generateTokenId,
  hashToken,
  looksLikeToken,
  isTokenId,
  TOKEN_PREFIX,
  TOKEN_ID_PREFIX,
} from './tokens.js';
export { LoginRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from './ratelimit.js';
export {
  Authenticator,
  type AuthenticatorOptions,
  type LoginContext,
  type LoginResult,
} from './authenticator.js';
export {
  AccessAdmin,
  type Caller,
  type UserView,
  type TokenView,
  type CreateUserInput,
  type CreateTokenInput,
} from './admin.js';
export {
  ensureAdmin,
  writeSecretFile,
  BootstrapError,
  ADMIN_USERNAME,
  ADMIN_PASSWORD_FILE,
  type BootstrapResult,
} from './bootstrap.js';
export {
  authConfigSchema,
  defaultAuthConfig,
  parseCidr,
  cidrBlockList,
  type AuthConfig,
  type Cidr,
} from './config.js';
export { validUsername, validTenant, validRole, validScope, pickTenant } from './validate.js';
