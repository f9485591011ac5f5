/**
 * A separate process for notifier.test.ts's crash test: opens the state store, optionally
 * queues a burst of notifications, then delivers pending rows to a webhook URL until none is
 * left (printing "queued" and "done"). The parent kills it with SIGKILL mid-burst.
 * Usage: node testing-burst-child.js <state file> <url> <n to queue (0 = resume only)>
 */
import { DEFAULT_TENANT } from '../../model/index.js';
import { openSqliteState } from '../../state/index.js';
import { realScheduler } from './clock.js';
import { Notifier } from './notifier.js';
import { nextDue } from './outbox.js';
import type { Channel, Notification } from './types.js';

const [file, url, count] = process.argv.slice(2);
const store = openSqliteState({ file, busyTimeoutMs: 20_000 });
const webhook: Channel = {
  kind: 'webhook',
  name: 'ops/webhook[0]',
  sendResolved: true,
  sendsAcks: false,
  async send(n, signal) {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ id: n.id }), signal });
    await res.arrayBuffer();
    return { ok: res.ok, retryable: res.status >= 500, status: res.status };
  },
};
const notifier = new Notifier({
  sql: store.sql,
  scheduler: realScheduler,
  channelsFor: () => [webhook],
  concurrency: 4,
});
for (let i = 0; i < Number(count); i++) {
  const n: Notification = {
    id: `n${i}`,
    tenant: DEFAULT_TENANT,
    receiver: 'ops',
    groupKey: `{}:{i="${i}"}`,
    status: 'firing',
    alerts: [],
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://argus',
    truncatedAlerts: 0,
    escalationLevel: 0,
    ackUpdate: false,
  };
  await notifier.send(n, '', Date.now() + 3_600_000);
}
process.stdout.write('queued\n');
notifier.start();
while ((await store.sql.read(nextDue)) !== undefined) await new Promise((r) => setTimeout(r, 20));
await notifier.stop();
await store.close();
process.stdout.write('done\n');
