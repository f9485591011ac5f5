/** Heartbeat URLs: an unguessable token per check, derived (not stored) from the server key. */
import { createHmac } from 'node:crypto';

/** base64url of the first 18 bytes of HMAC-SHA256(key, tenant NUL name): 24 characters. */
export function heartbeatToken(key: Buffer, tenant: string, name: string): string {
  return createHmac('sha256', key)
    .update(`${tenant}\0${name}`)
    .digest()
    .subarray(0, 18)
    .toString('base64url');
}
