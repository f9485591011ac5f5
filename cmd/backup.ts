import { copyFile, cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { AccessAdmin } from '../src/auth/index.js';
import { DataDirLock, DataDirLockedError, readLock } from '../src/server/index.js';
import { backupSqliteState, openSqliteState } from '../src/state/index.js';
import { ArgusError } from '../src/util/index.js';
import { cliActor } from './access.js';
import { parseFlags, str } from './flags.js';
import { BACKUP_USAGE, UsageError } from './usage.js';

/** A backup that could not be made. */
export class BackupError extends ArgusError {}

async function ensureEmptyTarget(out: string): Promise<void> {
  const st = await stat(out).catch(() => undefined);
  if (st === undefined) return;
  if (!st.isDirectory() || (await readdir(out)).length > 0) {
    throw new BackupError(`cannot back up to ${out}: it exists and is not an empty directory`);
  }
}

/** Copies `<dataDir>/tsdb` (minus snapshots) and the state while holding the data dir lock. */
async function offlineCopy(
  dataDir: string,
  out: string,
  lock: DataDirLock,
  withKey: boolean,
): Promise<void> {
  try {
    const src = path.join(dataDir, 'tsdb');
    await mkdir(out, { recursive: true });
    if ((await stat(src).catch(() => undefined))?.isDirectory()) {
      const snapshots = path.join(src, 'snapshots');
      await cp(src, path.join(out, 'tsdb'), {
        recursive: true,
        filter: (p) => p !== snapshots,
      });
    }
    await copyState(dataDir, out, withKey);
  } finally {
    await lock.release();
  }
}

/**
 * The state database (users, tokens, audit…) through SQLite's online backup, and the secret key
 * the encrypted secrets and audit checkpoints need (0600, like the original).
 */
async function copyState(dataDir: string, out: string, withKey: boolean): Promise<void> {
  await mkdir(out, { recursive: true });
  await backupSqliteState(path.join(dataDir, 'state.db'), path.join(out, 'state.db'));
  const key = path.join(dataDir, 'secret.key');
  if (withKey && (await stat(key).catch(() => undefined))?.isFile()) {
    await copyFile(key, path.join(out, 'secret.key'));
  }
}

/**
 * A short-lived admin token of a system admin, minted straight in the state database (whoever
 * can read the data dir already holds everything) so the snapshot API accepts the request; the
 * caller revokes it. Audited as `cli:<user>`.
 */
async function ephemeralToken(
  dataDir: string,
): Promise<{ token: string; revoke(): Promise<void> }> {
  const state = openSqliteState({ file: path.join(dataDir, 'state.db') });
  try {
    const admin = new AccessAdmin(state);
    const sys = (await admin.listUsers()).find((u) => u.systemAdmin && !u.disabled);
    if (sys === undefined)
      throw new BackupError(`cannot back up ${dataDir}: it has no enabled system admin`);
    const actor = cliActor();
    const { token, row } = await admin.createToken(
      {
        username: sys.username,
        scope: 'admin',
        name: `backup-${Date.now()}`,
        expiresInMs: 15 * 60_000,
      },
      actor,
    );
    return {
      token,
      async revoke() {
        const s2 = openSqliteState({ file: path.join(dataDir, 'state.db') });
        try {
          await new AccessAdmin(s2).revokeToken(row.id, actor);
        } finally {
          await s2.close();
        }
      },
    };
  } finally {
    await state.close();
  }
}

/**
 * POSTs to the snapshot API over http or https (`ca`: the server's certificate or CA, for a
 * self-signed or private-CA `server.tls`; the system CAs and NODE_EXTRA_CA_CERTS otherwise).
 */
function postSnapshot(
  url: URL,
  token: string,
  ca: Buffer | undefined,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const opts = {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      timeout: 120_000,
      ...(ca !== undefined ? { ca } : {}),
    };
    const req = (url.protocol === 'https:' ? https : http).request(url, opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = {};
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: reported by status below
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 120 s')));
    req.on('error', reject);
    req.end();
  });
}

/** Asks the running server for a snapshot, copies it into `out/tsdb`, then deletes it. */
async function onlineCopy(
  dataDir: string,
  out: string,
  url: string,
  ca: Buffer | undefined,
  withKey: boolean,
): Promise<string> {
  let name: string;
  const cred = await ephemeralToken(dataDir);
  try {
    const res = await postSnapshot(
      new URL('api/v1/admin/tsdb/snapshot', url.endsWith('/') ? url : `${url}/`),
      cred.token,
      ca,
    );
    const body = res.body as {
      status?: string;
      data?: { name?: string };
      error?: string;
    };
    if (res.status !== 200 || body.status !== 'success' || typeof body.data?.name !== 'string') {
      throw new BackupError(
        `snapshot API answered ${res.status}${body.error ? `: ${body.error}` : ''}`,
      );
    }
    name = body.data.name;
  } catch (err) {
    throw new BackupError(
      `cannot back up ${dataDir}: the running server's snapshot API at ${url} failed`,
      {
        cause: err,
      },
    );
  } finally {
    await cred.revoke();
  }
  const snap = path.join(dataDir, 'tsdb', 'snapshots', name);
  await mkdir(out, { recursive: true });
  await cp(snap, path.join(out, 'tsdb'), { recursive: true });
  await rm(snap, { recursive: true, force: true });
  await copyState(dataDir, out, withKey);
  return name;
}

/**
 * `argus backup --data-dir D OUT`. With a running server on D (its lock is live), uses its
 * snapshot API; otherwise takes the lock itself and copies the files, so no server can start
 * and change them meanwhile.
 */
export async function backupCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      ca: { type: 'string' },
      'without-key': { type: 'boolean' },
    },
    BACKUP_USAGE,
  );
  if (!parsed) {
    process.stdout.write(BACKUP_USAGE);
    return 0;
  }
  const [outArg, ...extra] = parsed.positionals;
  if (outArg === undefined) throw new UsageError('missing OUT directory', BACKUP_USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, BACKUP_USAGE);
  const dataDir = path.resolve(
    str(parsed.values['data-dir']) ?? (process.env.ARGUS_DATA_DIR || './data'),
  );
  const out = path.resolve(outArg);
  const withKey = parsed.values['without-key'] !== true;
  if (!(await stat(dataDir).catch(() => undefined))?.isDirectory()) {
    throw new BackupError(`cannot back up ${dataDir}: no such data directory`);
  }
  await ensureEmptyTarget(out);
  let lock: DataDirLock | undefined;
  try {
    lock = await DataDirLock.acquire(dataDir);
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
  }
  if (lock) {
    await offlineCopy(dataDir, out, lock, withKey);
    process.stdout.write(`backed up ${dataDir} (no server running: copied files) to ${out}\n`);
    return 0;
  }
  const holder = await readLock(dataDir);
  const url = str(parsed.values.url) ?? holder?.url;
  if (!url) {
    throw new BackupError(
      `cannot back up ${dataDir}: it is in use by process ${holder?.pid ?? '?'} and its URL is unknown; pass --url`,
    );
  }
  const caFile = str(parsed.values.ca);
  let ca: Buffer | undefined;
  if (caFile !== undefined) {
    try {
      ca = await readFile(caFile);
    } catch (err) {
      throw new BackupError(`cannot read --ca ${caFile}`, { cause: err });
    }
  }
  const name = await onlineCopy(dataDir, out, url, ca, withKey);
  process.stdout.write(`backed up ${dataDir} (snapshot ${name} from ${url}) to ${out}\n`);
  return 0;
}
