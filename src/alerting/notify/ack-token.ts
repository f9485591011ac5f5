/**
 * Signed one-click acknowledgement links: `base64url(JSON payload).base64url(HMAC-SHA256)`
 * under a key the server holds. The token names the tenant, the group and the alerts, and
 * carries its expiry; anything altered fails verification.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ArgusError } from '../../util/index.js';

export class AckTokenError extends ArgusError {}

export interface AckTokenPayload {
  readonly tenant: string;
  readonly groupKey: string;
  readonly fingerprints: readonly string[];
  /** Unix ms after which the token is refused. */
  readonly expiresAt: number;
}

export class AckSigner {
  constructor(private readonly key: Buffer) {
    if (key.length < 16)
      throw new AckTokenError(`cannot create ack signer: key has ${key.length} bytes, want >= 16`);
  }

  #mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }

  /** A token acknowledging `fingerprints` of `groupKey` until `expiresAt`. */
  ackLink(
    tenant: string,
    groupKey: string,
    fingerprints: readonly string[],
    expiresAt: number,
  ): string {
    const payload: AckTokenPayload = {
      tenant,
      groupKey,
      fingerprints: [...fingerprints],
      expiresAt,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(body).toString('base64url')}`;
  }

  /** The token's payload; throws AckTokenError when it is malformed, altered or expired. */
  verifyAckToken(token: string, now: number): AckTokenPayload {
    const dot = token.indexOf('.');
    if (dot <= 0)
      throw new AckTokenError('cannot verify ack token: malformed (want body.signature)');
    const body = token.slice(0, dot);
    const sig = Buffer.from(token.slice(dot + 1), 'base64url');
    const want = this.#mac(body);
    if (sig.length !== want.length || !timingSafeEqual(sig, want))
      throw new AckTokenError('cannot verify ack token: bad signature');
    let p: AckTokenPayload;
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AckTokenPayload;
    } catch (err) {
      throw new AckTokenError('cannot verify ack token: malformed payload', { cause: err });
    }
    if (!(p.expiresAt > now))
      throw new AckTokenError(
        `cannot verify ack token: expired at ${new Date(p.expiresAt).toISOString()}, now ${new Date(now).toISOString()}`,
      );
    return p;
  }
}
