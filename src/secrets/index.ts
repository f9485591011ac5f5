/**
 * @module secrets
 * Secrets at rest: the data dir's master key (`secret.key`, mode 0600, or ARGUS_SECRET_KEY)
 * and the sub-keys derived from it (secret encryption, audit checkpoint signing); AES-256-GCM
 * sealing bound to each secret's tenant and name; the write-only `SecretService`; and
 * `redactSecrets` for audit values and logs. See docs/user/secrets.md.
 */
export { SecretBox, secretAad, BOX_VERSION } from './box.js';
export {
  InvalidSecretError,
  SecretKeyError,
  SecretNotFoundError,
  SecretOpenError,
} from './errors.js';
export {
  Keyring,
  loadKeyring,
  parseKeyText,
  SECRET_KEY_ENV,
  SECRET_KEY_FILE,
  type KeyringOptions,
  type KeySource,
} from './keyring.js';
export { isSecretKey, redactSecrets, SECRET_PLACEHOLDER } from './redact.js';
export { MAX_SECRET_BYTES, SecretService, type SecretInfo } from './service.js';
