/**
 * A separate process for the durability test (sqlite-provider.test.ts): opens the state file,
 * puts N alerts, prints "stored" once the put resolved, then idles until it is killed.
 * Usage: node testing-child.js <file> <n>
 */
import { DEFAULT_TENANT, Labels } from '../../model/index.js';
import { openSqliteState } from '../../state/index.js';
import { SqliteAlertProvider } from './sqlite-provider.js';

const [file, n = '1'] = process.argv.slice(2);
const state = openSqliteState({ file, busyTimeoutMs: 20_000 });
const provider = await SqliteAlertProvider.open(state);
const alerts = Array.from({ length: Number(n) }, (_, i) => ({
  labels: Labels.fromObject({ alertname: 'Durable', i: String(i) }),
  annotations: { summary: `alert ${i}` },
  startsAt: 1_000,
  endsAt: 0,
  generatorURL: 'http://x/graph',
}));
await provider.put(DEFAULT_TENANT, alerts, 2_000);
process.stdout.write('stored\n');
setInterval(() => undefined, 60_000); // wait for SIGKILL
