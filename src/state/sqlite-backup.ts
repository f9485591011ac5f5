import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { StateError } from './errors.js';

/**
 * Writes a consistent copy of the state database at `file` to `dest` with SQLite's online backup
 * API: safe while a server (or the CLI) writes to it. Returns false when there is no database.
 */
export async function backupSqliteState(file: string, dest: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    await db.backup(dest);
    await chmod(dest, 0o600);
    return true;
  } catch (err) {
    throw new StateError(`cannot back up state database ${file} to ${dest}`, { cause: err });
  } finally {
    db?.close();
  }
}
