/**
 * Authentication micro-benchmark (plain script): what resolving a credential costs on every
 * request. Bearer tokens and sessions from the cache and from SQLite (cache dropped before each
 * call), HTTP Basic with a cached and an uncached password (argon2id), and one argon2id hash.
 *
 *   npm run bench -- authenticator [iterations]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteState } from '../state/index.js';
import { AccessAdmin } from './admin.js';
import { Authenticator } from './authenticator.js';
import { hashPassword } from './passwords.js';

const N = Number(process.argv[2] ?? 20_000);
const PW = 'bench-password-0123';

async function time(name: string, n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(n, 200); i++) await fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  console.log(
    `${name.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(10)} µs/op ${Math.round(1e9 / ns)
      .toLocaleString('en')
      .padStart(12)} op/s`,
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'argus-auth-bench-'));
try {
  const state = openSqliteState({ file: path.join(dir, 'state.db') });
  const admin = new AccessAdmin(state);
  await admin.createUser({ username: 'alice', password: PW, role: 'editor' }, 'system');
  const { token } = await admin.createToken({ username: 'alice', scope: 'write' }, 'system');
  const auth = new Authenticator({ state });
  const login = await auth.login('alice', PW, { address: '127.0.0.1', userAgent: 'bench' });
  // Another connection's commit moves changeVersion: the cache is dropped on the next call.
  const other = openSqliteState({ file: path.join(dir, 'state.db') });
  const bump = () => other.audit.append({ actor: 'bench', tenant: '', action: 'x', target: 'y' });

  await time('bearer token, cached', N, () => auth.bearer(token));
  await time('bearer token, from SQLite (+ a commit elsewhere)', Math.min(N, 2000), async () => {
    await bump();
    return auth.bearer(token);
  });
  await time('session cookie, cached', N, () => auth.session(login.cookie));
  await time('session cookie, from SQLite (+ a commit elsewhere)', Math.min(N, 2000), async () => {
    await bump();
    return auth.session(login.cookie);
  });
  await time('basic password, cached', N, () => auth.basic('alice', PW));
  await time('basic password, uncached (argon2id, + commit)', 20, async () => {
    await bump();
    return auth.basic('alice', PW);
  });
  await time('argon2id hash (m=19 MiB, t=2, p=1)', 20, () => hashPassword(PW));
  await other.close();
  await state.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
