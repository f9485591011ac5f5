/**
 * What the access commands (`argus user|token|tenant|audit`) share: opening the data dir's state
 * database directly (safe while a server runs on it), the audit actor, reading a password from
 * stdin, and aligned plain-text tables.
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AccessAdmin } from '../src/auth/index.js';
import { resolveSettings } from '../src/server/index.js';
import { openSqliteState, type StateStore } from '../src/state/index.js';
import { str } from './flags.js';

export interface AccessContext {
  dataDir: string;
  state: StateStore;
  admin: AccessAdmin;
  /** `cli:<os user>`: who the audit trail says made the change. */
  actor: string;
}

/** The flags every access command takes. */
export const COMMON_FLAGS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Opens `<data-dir>/state.db` (data dir as `argus server` resolves it), runs `fn`, closes it. */
export async function withAccess<T>(
  values: Record<string, string | boolean | undefined>,
  fn: (ctx: AccessContext) => Promise<T>,
): Promise<T> {
  const dataDir = resolveSettings(
    { dataDir: str(values['data-dir']) },
    process.env,
    process.cwd(),
  ).dataDir;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const state = openSqliteState({ file: path.join(dataDir, 'state.db') });
  try {
    return await fn({ dataDir, state, admin: new AccessAdmin(state), actor: cliActor() });
  } finally {
    await state.close();
  }
}

/** `cli:<os user>` (`cli:uid-1000` when the user has no name). */
export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return `cli:uid-${process.getuid?.() ?? '?'}`;
  }
}

/** All of stdin, minus one trailing newline (`echo pw | argus user add … --password-stdin`). */
export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Aligned columns, two spaces apart; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

/** A time for tables: `2024-05-01T12:00:00Z`, or `-`. */
export function when(ms: number | null | undefined): string {
  return ms === null || ms === undefined
    ? '-'
    : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function printJson(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

/** The first positional is the subcommand; returns it and the rest. */
export function subcommand(positionals: string[]): [string | undefined, string[]] {
  return [positionals[0], positionals.slice(1)];
}
