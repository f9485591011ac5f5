/**
 * A separate process for the state store's multi-process tests (sqlite.test.ts): opens the
 * store named by argv and either just opens it or appends N audit entries, then prints "ok".
 * Usage: node testing-child.js <file> open|append [n] [actor]
 */
import { openSqliteState } from './sqlite.js';

const [file, mode, n = '0', actor = 'child'] = process.argv.slice(2);
const store = openSqliteState({ file: file, busyTimeoutMs: 20_000 });
if (mode === 'append') {
  for (let i = 0; i < Number(n); i++) {
    await store.audit.append({ actor, tenant: '', action: 'x.test', target: `x:${i}` });
  }
}
await store.close();
process.stdout.write('ok\n');
