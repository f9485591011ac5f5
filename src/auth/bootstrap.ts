import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_TENANT } from '../model/index.js';
import { StateConflictError, type StateStore } from '../state/index.js';
import { ArgusError, type Logger } from '../util/index.js';
import { AccessValidationError } from './errors.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from './passwords.js';

/** The first admin cannot be created (a bad ARGUS_ADMIN_PASSWORD, an unwritable data dir). */
export class BootstrapError extends ArgusError {}

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD_FILE = 'admin-password';
const ACTOR = 'system';

export type BootstrapResult =
  | { created: false }
  | { created: true; username: string; source: 'env' }
  | { created: true; username: string; source: 'generated'; passwordFile: string };

/**
 * First start: when there are no users at all, creates `admin` (system admin, role admin in
 * `default`) with the password from ARGUS_ADMIN_PASSWORD, or a generated one that is written to
 * `<dataDir>/admin-password` (0600) and logged once. Later starts do nothing.
 */
export async function ensureAdmin(
  state: StateStore,
  opts: { dataDir: string; env: NodeJS.ProcessEnv; logger: Logger },
): Promise<BootstrapResult> {
  if ((await state.users.count()) > 0) {
    const users = await state.users.list();
    if (!users.some((u) => u.systemAdmin && !u.disabled))
      opts.logger.warn(
        {},
        'no enabled system admin exists: tenants, reload and snapshots cannot be managed; create one with `argus user add NAME --system-admin`',
      );
    if (opts.env.ARGUS_ADMIN_PASSWORD !== undefined && opts.env.ARGUS_ADMIN_PASSWORD !== '')
      opts.logger.info(
        {},
        'ARGUS_ADMIN_PASSWORD is ignored: users exist already (it only sets the first admin)',
      );
    return { created: false };
  }
  const fromEnv = opts.env.ARGUS_ADMIN_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') {
    try {
      checkPasswordPolicy(fromEnv);
    } catch (err) {
      const why = err instanceof AccessValidationError ? err.message : String(err);
      throw new BootstrapError(`cannot create the first admin from ARGUS_ADMIN_PASSWORD: ${why}`, {
        cause: err,
      });
    }
  }
  const password = fromEnv || generatePassword();
  if ((await state.tenants.get(DEFAULT_TENANT)) === undefined) {
    await state.tenants.create(DEFAULT_TENANT, ACTOR).catch(ignoreConflict);
  }
  const passwordFile = path.join(opts.dataDir, ADMIN_PASSWORD_FILE);
  // The file first: an admin whose generated password was lost would lock the operator out.
  if (!fromEnv) await writeSecretFile(passwordFile, `${password}\n`);
  try {
    await state.users.create(
      {
        username: ADMIN_USERNAME,
        passwordHash: await hashPassword(password),
        kind: 'user',
        systemAdmin: true,
        roles: [{ tenant: DEFAULT_TENANT, role: 'admin' }],
      },
      ACTOR,
    );
  } catch (err) {
    if (!fromEnv) await rm(passwordFile, { force: true });
    // Another process created it first: nothing to do.
    if (isConflict(err)) return { created: false };
    throw err;
  }
  if (fromEnv) {
    opts.logger.info(
      { username: ADMIN_USERNAME },
      'created the first admin with the password from ARGUS_ADMIN_PASSWORD',
    );
    return { created: true, username: ADMIN_USERNAME, source: 'env' };
  }
  // Printed once, as the issue asks; the file keeps it for whoever missed the log.
  opts.logger.warn(
    { username: ADMIN_USERNAME, password_file: passwordFile },
    `created the first admin: username "admin", password "${password}" (also in ${passwordFile}; change it and delete the file)`,
  );
  return { created: true, username: ADMIN_USERNAME, source: 'generated', passwordFile };
}

/** Writes `content` to `file` with mode 0600, atomically (temp file + rename). */
export async function writeSecretFile(file: string, content: string): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new BootstrapError(`cannot write ${file}`, { cause: err });
  }
}

function isConflict(err: unknown): boolean {
  return err instanceof StateConflictError;
}

function ignoreConflict(err: unknown): void {
  if (!isConflict(err)) throw err;
}
