import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AuditSigner } from '../state/index.js';
import { errorChain } from '../util/index.js';
import { SecretBox } from './box.js';
import { SecretKeyError } from './errors.js';

/** Environment variable holding the master key (32 bytes, base64 or hex). */
export const SECRET_KEY_ENV = 'ARGUS_SECRET_KEY';
/** The key file in the data dir, used when the variable is unset. */
export const SECRET_KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const HKDF_SALT = 'argus keyring v1';

/** Where the master key came from (logged at start; never the key itself). */
export type KeySource = { kind: 'env' } | { kind: 'file'; path: string; created: boolean };

export interface KeyringOptions {
  dataDir: string;
  /** Where ARGUS_SECRET_KEY is read (default process.env); an empty value counts as unset. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The keys derived from the master key (HKDF-SHA256, one sub-key per purpose, so a key used
 * for one purpose never serves another). The master key itself is not kept.
 */
export class Keyring {
  readonly #box: SecretBox;
  readonly #auditKey: Buffer;
  /** Signs one-click acknowledgement links in alert notifications. */
  readonly ackLinkKey: Buffer;
  /** Signs heartbeat-check ping URLs (stable across restarts, unguessable). */
  readonly heartbeatKey: Buffer;

  constructor(
    master: Buffer,
    readonly source: KeySource,
  ) {
    if (master.length !== KEY_BYTES)
      throw new SecretKeyError(
        `cannot use secret key: got ${master.length} bytes, want ${KEY_BYTES}`,
      );
    this.#box = new SecretBox(derive(master, 'argus secrets aes-256-gcm v1'));
    this.#auditKey = derive(master, 'argus audit checkpoint hmac-sha256 v1');
    this.ackLinkKey = derive(master, 'argus alert ack links hmac-sha256 v1');
    this.heartbeatKey = derive(master, 'argus heartbeat urls hmac-sha256 v1');
  }

  /** Seals and opens stored secrets. */
  secretBox(): SecretBox {
    return this.#box;
  }

  /** Signs audit checkpoints (HMAC-SHA256, hex). */
  auditSigner(): AuditSigner {
    const key = this.#auditKey;
    const sign = (data: string) => createHmac('sha256', key).update(data, 'utf8').digest('hex');
    return {
      sign,
      verify(data, signature) {
        if (!/^[0-9a-f]{64}$/.test(signature)) return false;
        return timingSafeEqual(Buffer.from(sign(data), 'hex'), Buffer.from(signature, 'hex'));
      },
    };
  }
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, HKDF_SALT, info, KEY_BYTES));
}

/** Decodes ARGUS_SECRET_KEY: 64 hex digits, or base64 (standard or URL-safe) of 32 bytes. */
export function parseKeyText(text: string): Buffer {
  const s = text.trim();
  let key: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) key = Buffer.from(s, 'base64');
  else
    throw new SecretKeyError(
      `cannot load secret key: ${SECRET_KEY_ENV} is neither hex nor base64 (want 32 bytes: 64 hex digits or 44 base64 characters, e.g. from \`openssl rand -base64 32\`)`,
    );
  if (key.length !== KEY_BYTES)
    throw new SecretKeyError(
      `cannot load secret key: ${SECRET_KEY_ENV} decodes to ${key.length} bytes, want ${KEY_BYTES} (64 hex digits or 44 base64 characters, e.g. from \`openssl rand -base64 32\`)`,
    );
  return key;
}

/**
 * Loads the master key from ARGUS_SECRET_KEY, else from `<dataDir>/secret.key` (32 raw bytes),
 * creating that file (mode 0600) on first use. Refuses a key file that group or others can
 * read, or of the wrong size: a server must not start with a key it cannot trust.
 */
export async function loadKeyring(opts: KeyringOptions): Promise<Keyring> {
  const fromEnv = (opts.env ?? process.env)[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '')
    return new Keyring(parseKeyText(fromEnv), { kind: 'env' });
  const file = path.join(opts.dataDir, SECRET_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing !== undefined)
    return new Keyring(existing, { kind: 'file', path: file, created: false });
  const created = await createKeyFile(opts.dataDir, file);
  return new Keyring(created.key, { kind: 'file', path: file, created: created.created });
}

/** The key in `file`, or undefined when there is none; throws for an unsafe or damaged file. */
async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretKeyError(`cannot read secret key file ${file}: ${errorChain(err)}`, {
      cause: err,
    });
  }
  if (!st.isFile())
    throw new SecretKeyError(`cannot read secret key file ${file}: not a regular file`);
  // Windows has no POSIX modes to check.
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new SecretKeyError(
      `cannot use secret key file ${file}: it is readable or writable by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, want 0600); run \`chmod 600 ${file}\``,
    );
  }
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (err) {
    throw new SecretKeyError(`cannot read secret key file ${file}: ${errorChain(err)}`, {
      cause: err,
    });
  }
  if (key.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `cannot use secret key file ${file}: it is ${key.length} bytes, want ${KEY_BYTES} (restore it from a backup, or set ${SECRET_KEY_ENV})`,
    );
  }
  return key;
}

/**
 * Writes a new random key atomically: a temp file (0600, fsynced) hard-linked to the final
 * name, which fails if another process (the CLI, a second server) created it first; then
 * that process's key wins and is read back.
 */
async function createKeyFile(
  dir: string,
  file: string,
): Promise<{ key: Buffer; created: boolean }> {
  const key = randomBytes(KEY_BYTES);
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await fh.writeFile(key);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const theirs = await readKeyFile(file);
      if (theirs !== undefined) return { key: theirs, created: false };
      throw err;
    }
    await syncDir(dir);
    return { key, created: true };
  } catch (err) {
    if (err instanceof SecretKeyError) throw err;
    throw new SecretKeyError(`cannot create secret key file ${file}: ${errorChain(err)}`, {
      cause: err,
    });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Makes the new directory entry durable (best effort: not every platform can open a dir). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY).catch(() => undefined);
  if (fh === undefined) return;
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the file itself is already durable.
  } finally {
    await fh.close();
  }
}
