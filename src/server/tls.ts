import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { ArgusError } from '../util/index.js';
import type { ArgusConfig } from './config.js';

/** `server.tls` names files that cannot be read or do not hold a matching certificate and key. */
export class TlsConfigError extends ArgusError {}

/**
 * Reads `server.tls` cert and key (at start, on every reload, and in `argus check config`) and
 * proves they make a usable TLS context; undefined when TLS is off.
 */
export async function readTls(
  cfg: ArgusConfig,
): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  const tls = cfg.server.tls;
  if (tls === undefined) return undefined;
  let cert: Buffer;
  let key: Buffer;
  try {
    // One after the other, so an error always names the first unreadable file.
    cert = await readFile(tls.cert_file);
    key = await readFile(tls.key_file);
  } catch (err) {
    throw new TlsConfigError(
      `server.tls: cannot read ${(err as NodeJS.ErrnoException).path ?? 'a file'}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { cause: err },
    );
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new TlsConfigError(
      `server.tls: ${tls.cert_file} and ${tls.key_file} are not a PEM certificate and its key: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return { cert, key };
}
