/** What every API response, audit entry and log line shows instead of a secret value. */
export const SECRET_PLACEHOLDER = '<secret>';

/** Words that make a key secret-looking (keys are split into words: camelCase, `_`, `-`, `.`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'credential',
  'credentials',
  'cookie',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'signingkey',
  'bearer',
]);
/**
 * A key whose last word is one of these names a fact about a secret (when it changed, which
 * one, where it is read from), not the secret: `password_changed_at`, `token_id`,
 * `password_file`, `secret_name`.
 */
const METADATA_WORDS = new Set([
  'at',
  'id',
  'ids',
  'name',
  'names',
  'file',
  'path',
  'scope',
  'scopes',
  'count',
  'type',
  'kind',
  'ref',
  'expires',
  'length',
  'enabled',
  'secure',
]);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** True when values under `key` are treated as secrets by `redactSecrets`. */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  if (w.length === 0 || METADATA_WORDS.has(w[w.length - 1])) return false;
  for (let i = 0; i < w.length; i++) {
    if (SECRET_WORDS.has(w[i])) return true;
    // `api_key`, `private-key`, `accessKey`: two words that together name a secret.
    if (i + 1 < w.length && SECRET_WORDS.has(w[i] + w[i + 1])) return true;
  }
  return SECRET_WORDS.has(w.join(''));
}

/** A URL string with a password in it (`https://user:pass@host/`), with the password replaced. */
function redactUrl(s: string): string {
  if (!s.includes('@') || !s.includes('://')) return s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return s;
  }
  if (u.password === '') return s;
  u.password = 'secret';
  return u.toString().replace(':secret@', `:${SECRET_PLACEHOLDER}@`);
}

/**
 * A copy of `value` in which every value under a secret-looking key (password, token, secret,
 * api_key, authorization, credentials…, see `isSecretKey`) or under one of `keys` (exact
 * names) is replaced by `<secret>`, at any depth, and passwords in URL strings are too.
 * `null`/`undefined` are kept (they say "not set", which is not a secret). Plain objects and
 * arrays are copied; other objects (Date, Buffer, class instances) are kept as they are.
 * Use it for audit before/after values and log objects; the input is not modified.
 */
export function redactSecrets<T>(value: T, keys: readonly string[] = []): T {
  const extra = new Set(keys);
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactUrl(v);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[Circular]';
    if (Array.isArray(v)) {
      seen.add(v);
      const out = v.map(walk);
      seen.delete(v);
      return out;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    seen.add(v);
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const secret = extra.has(k) || isSecretKey(k);
      out[k] = secret && child !== null && child !== undefined ? SECRET_PLACEHOLDER : walk(child);
    }
    seen.delete(v);
    return out;
  };
  return walk(value) as T;
}
