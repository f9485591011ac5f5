/**
 * Inline checks that mirror the server's rules (src/auth/validate.ts, passwords.ts,
 * model/tenant.ts) so a form says what is wrong before sending; the server still decides and
 * its message is shown when it refuses.
 */
const USERNAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/;
const TENANT_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const DURATION_RE = /^(\d+(ms|s|m|h|d|w|y))+$/;
export const PASSWORD_MIN_CHARS = 12;

/** The problem with a value, or undefined when it looks fine. */
export type Check = (value: string) => string | undefined;

export const checkUsername: Check = (s) =>
  USERNAME_RE.test(s)
    ? undefined
    : '1–64 of letters, digits and . _ @ -, starting with a letter or digit';

export const checkTenant: Check = (s) =>
  TENANT_RE.test(s)
    ? undefined
    : '1–63 of lowercase letters, digits, _ and -, starting with a letter or digit';

export const checkPassword: Check = (s) => {
  const n = [...s].length;
  if (n < PASSWORD_MIN_CHARS) return `at least ${PASSWORD_MIN_CHARS} characters (${n} so far)`;
  if (new Set(s).size === 1) return 'a mix of characters, not one repeated';
  return undefined;
};

/** Optional duration like 90d or 12h (empty: never expires). */
export const checkDuration: Check = (s) =>
  s === '' || DURATION_RE.test(s) ? undefined : 'a duration like 90d, 12h or 30m';
