import { ArgusError } from '../util/index.js';

/** The master key cannot be loaded or created (bad ARGUS_SECRET_KEY, unsafe or damaged key file). */
export class SecretKeyError extends ArgusError {}

/**
 * A ciphertext does not open: unknown format version, truncated, tampered with, sealed under
 * another key, or moved from another secret's row (the AAD binds tenant and name).
 */
export class SecretOpenError extends ArgusError {}

/** A secret name or value that cannot be stored. */
export class InvalidSecretError extends ArgusError {}

/** No secret of that name in that tenant. */
export class SecretNotFoundError extends ArgusError {}
