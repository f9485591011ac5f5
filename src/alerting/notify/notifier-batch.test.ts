import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../../model/index.js';
import type { SqlAccess, SqlTx } from '../../state/index.js';
import { FakeScheduler } from './clock.js';
import { Notifier, WriteBatcher, type Offer } from './notifier.js';
import { duePending, insertOutbox, listOutbox } from './outbox.js';
import { RecordingChannel, tempState } from './testing-doubles.js';
import type { Notification } from './types.js';

/** The store's SqlAccess, counting write transactions. */
function counting(sql: SqlAccess): SqlAccess & { writes: number } {
  const c: SqlAccess & { writes: number } = {
    writes: 0,
    read: (fn) => sql.read(fn),
    write: (fn) => {
      c.writes++;
      return sql.write(fn);
    },
  };
  return c;
}

const table = (tx: SqlTx) =>
  tx.run('CREATE TABLE IF NOT EXISTS batch_t (v TEXT PRIMARY KEY) WITHOUT ROWID');

describe('WriteBatcher', () => {
  it('commits the writes of one turn together, each caller getting its own result', async () => {
    const st = tempState();
    after(st.cleanup);
    await st.store.sql.write(table);
    const sql = counting(st.store.sql);
    const b = new WriteBatcher(sql);
    const got = await Promise.all(
      ['a', 'b', 'c'].map((v) => b.write((tx) => tx.run('INSERT INTO batch_t VALUES (?)', [v]))),
    );
    assert.deepEqual(got, [1, 1, 1]);
    assert.equal(sql.writes, 1, 'one transaction for the three');
    assert.equal(
      await b.write((tx) => tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM batch_t')?.n),
      3,
    );
    assert.equal(sql.writes, 2);
  });

  it('fails only the write that throws: the others are committed on their own', async () => {
    const st = tempState();
    after(st.cleanup);
    await st.store.sql.write(table);
    const b = new WriteBatcher(st.store.sql);
    const results = await Promise.allSettled([
      b.write((tx) => tx.run('INSERT INTO batch_t VALUES (?)', ['x'])),
      b.write((tx) => tx.run('INSERT INTO batch_t VALUES (?)', ['x'])), // duplicate key
      b.write((tx) => tx.run('INSERT INTO batch_t VALUES (?)', ['y'])),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const rows = await st.store.sql.read((r) =>
      r.all<{ v: string }>('SELECT v FROM batch_t ORDER BY v'),
    );
    assert.deepEqual(
      rows.map((r) => r.v),
      ['x', 'y'],
    );
  });
});

function note(id: string): Notification {
  return {
    id,
    tenant: DEFAULT_TENANT,
    receiver: 'ops',
    groupKey: `{}:{g="${id}"}`,
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
}

describe('duePending', () => {
  it('leaves out the rows it is told to skip, still returning up to the limit', async () => {
    const st = tempState();
    after(st.cleanup);
    await st.store.sql.write((tx) => {
      for (const id of ['a', 'b', 'c', 'd'])
        insertOutbox(tx, note(id), 'ops/webhook[0]', '', 1, 99);
    });
    const all = await st.store.sql.read((r) => duePending(r, 5, 10));
    assert.deepEqual(
      all.map((r) => r.notificationId),
      ['a', 'b', 'c', 'd'],
    );
    const skip = new Set([all[0].id, all[2].id]);
    const rest = await st.store.sql.read((r) => duePending(r, 5, 10, skip));
    assert.deepEqual(
      rest.map((r) => r.notificationId),
      ['b', 'd'],
    );
    const one = await st.store.sql.read((r) => duePending(r, 5, 1, new Map([[all[0].id, 0]])));
    assert.deepEqual(
      one.map((r) => r.notification.groupKey),
      ['{}:{g="b"}'],
    );
    assert.deepEqual(await st.store.sql.read((r) => duePending(r, 0, 10, skip)), []);
  });
});

function offer(firing: string[], resolved: string[] = []): Offer {
  const n = note('x');
  return {
    notification: { ...n, groupKey: '{}:{g="x"}', evaluatedAt: 500 },
    firing: new Set(firing),
    resolved: new Set(resolved),
    repeatIntervalMs: 3_600_000,
    fallbackReceiver: '',
  };
}

describe('Notifier dedup', () => {
  it('decides unchanged groups without a write, from the log it wrote or read', async () => {
    const st = tempState();
    after(st.cleanup);
    const sched = new FakeScheduler(1000);
    const sql = counting(st.store.sql);
    const ch = new RecordingChannel('ops/webhook[0]');
    const n = new Notifier({ sql, scheduler: sched, channelsFor: () => [ch] });
    const first = await n.offer(offer(['a']));
    assert.equal(first?.evaluatedAt, 500, 'news carries its evaluation time');
    const w = sql.writes;
    assert.equal(await n.offer(offer(['a'])), undefined);
    assert.equal(sql.writes, w, 'an unchanged group needs no transaction');
    assert.ok(await n.offer(offer(['a', 'b'])), 'a new firing alert is notified');
    assert.ok(await n.offer(offer(['b'], ['a'])), 'a resolved alert (send_resolved)');
    assert.equal(await n.offer(offer(['b'], ['a'])), undefined);
    await sched.advance(3_600_000);
    const repeat = await n.offer(offer(['b'], ['a']));
    assert.ok(repeat, 'repeat_interval passed');
    assert.equal(repeat.evaluatedAt, undefined, 'a repeat is not delivery latency');

    // A new notifier (a restart) reads the log once, then decides from memory.
    const sql2 = counting(st.store.sql);
    const n2 = new Notifier({ sql: sql2, scheduler: sched, channelsFor: () => [ch] });
    assert.equal(await n2.offer(offer(['b'], ['a'])), undefined);
    assert.equal(sql2.writes, 1);
    assert.equal(await n2.offer(offer(['b'])), undefined);
    assert.equal(sql2.writes, 1);
    const rows = await st.store.sql.read((r) => listOutbox(r, DEFAULT_TENANT));
    assert.equal(rows.length, 4);
  });

  it('tells a flush when its offer would certainly be deduplicated', async () => {
    const st = tempState();
    after(st.cleanup);
    const sched = new FakeScheduler(1000);
    const ch = new RecordingChannel('ops/webhook[0]');
    const n = new Notifier({ sql: st.store.sql, scheduler: sched, channelsFor: () => [ch] });
    const { notification: group, ...sets } = offer(['a']);
    assert.equal(n.deduplicated(group, sets), false, 'never seen: unknown');
    assert.ok(await n.offer(offer(['a'])));
    assert.equal(n.deduplicated(group, sets), true);
    assert.equal(n.deduplicated(group, { ...sets, firing: new Set(['a', 'b']) }), false);
    assert.equal(n.deduplicated({ ...group, receiver: 'other' }, sets), false);
    await sched.advance(3_600_000);
    assert.equal(n.deduplicated(group, sets), false, 'repeat_interval passed');
  });

  it('decides offers for one group made in the same turn in order, against each other', async () => {
    const st = tempState();
    after(st.cleanup);
    const sched = new FakeScheduler(1000);
    const ch = new RecordingChannel('ops/webhook[0]');
    const n = new Notifier({ sql: st.store.sql, scheduler: sched, channelsFor: () => [ch] });
    assert.ok(await n.offer(offer(['a'])));
    const [x, y] = await Promise.all([n.offer(offer(['a', 'b'])), n.offer(offer(['a', 'b']))]);
    assert.ok(x);
    assert.equal(y, undefined, 'the second sees the first one’s log entry');
  });
});
