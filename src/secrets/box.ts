import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BugError } from '../util/index.js';
import { SecretOpenError } from './errors.js';

/** Format version byte of every sealed value (see docs/user/secrets.md). */
export const BOX_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The AAD of a stored secret: binds the ciphertext to its row, so a moved one fails to open. */
export function secretAad(tenant: string, name: string): string {
  return `${tenant}\0${name}`;
}

/**
 * AES-256-GCM with a random 96-bit nonce per seal. A sealed value is
 * `version (1 byte) | nonce (12) | ciphertext (len of plaintext) | tag (16)`.
 * Random nonces are safe far beyond the number of secrets a server stores (the GCM bound is
 * about 2^32 seals per key). Stateless and safe to share.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES)
      throw new BugError(`secret box key is ${key.length} bytes, want ${KEY_BYTES}`);
    this.#key = Buffer.from(key);
  }

  seal(plaintext: Buffer | string, aad: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext);
    return Buffer.concat([
      Buffer.of(BOX_VERSION),
      nonce,
      body,
      cipher.final(),
      cipher.getAuthTag(),
    ]);
  }

  /** Throws SecretOpenError unless `sealed` was sealed by this key with this `aad`, unmodified. */
  open(sealed: Buffer, aad: string): Buffer {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES) {
      throw new SecretOpenError(
        `cannot open secret: ${sealed.length} bytes is shorter than the ${1 + NONCE_BYTES + TAG_BYTES}-byte minimum`,
      );
    }
    if (sealed[0] !== BOX_VERSION) {
      throw new SecretOpenError(
        `cannot open secret: unknown format version ${sealed[0]}, want ${BOX_VERSION}`,
      );
    }
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const body = sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch (err) {
      throw new SecretOpenError(
        'cannot open secret: authentication failed (wrong key, modified ciphertext, or a ciphertext moved from another secret)',
        { cause: err },
      );
    }
  }
}
