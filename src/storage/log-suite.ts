import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels, Matcher, tenantId, type TenantId } from '../model/index.js';
import { InvalidSeriesError, QueryError } from './errors.js';
import type {
  LineFilter,
  LogAppendable,
  LogEntry,
  LogQueryable,
  LogSelectParams,
  LogTailable,
  LogTime,
} from './logs.js';

export type LogStoreForSuite = LogAppendable & LogQueryable & LogTailable;

/** What the shared log suite needs from an implementation. */
export interface LogStoreUnderTest {
  store: LogStoreForSuite;
  /** Closes and reopens the store on the same durable state; omit when not durable. */
  reopen?: () => Promise<LogStoreForSuite>;
  close(): Promise<void>;
}

/** One hour ago, in ns: inside any store's accepted window, in the past. */
const T0: LogTime = BigInt(Date.now() - 3_600_000) * 1_000_000n;
const SEC = 1_000_000_000n;
const ALL: [LogTime, LogTime] = [T0 - 3600n * SEC, T0 + 7200n * SEC];

const ls = (o: Record<string, string>): Labels => Labels.fromObject(o);
const eq = (n: string, v: string): Matcher => new Matcher('=', n, v);
const at = (s: number, line: string, fields?: LogEntry['fields']): LogEntry => ({
  ts: T0 + BigInt(s) * SEC,
  line,
  ...(fields ? { fields } : {}),
});

type Row = [number, string] | [number, string, LogEntry['fields']];

/** Every selected stream as {labels, rows}, streams sorted by labels, ts as seconds from T0. */
export async function readLogs(
  store: LogQueryable,
  params: Partial<LogSelectParams> & { matchers: readonly Matcher[] },
  tenant: TenantId = DEFAULT_TENANT,
): Promise<{ labels: string; rows: Row[] }[]> {
  const q = store.logQuerier(tenant);
  const out: { labels: string; rows: Row[] }[] = [];
  for await (const s of q.select({ start: ALL[0], end: ALL[1], ...params })) {
    const rows: Row[] = [];
    for await (const batch of s.entries())
      for (const e of batch) {
        const sec = Number((e.ts - T0) / SEC);
        rows.push(e.fields?.length ? [sec, e.line, e.fields] : [sec, e.line]);
      }
    out.push({ labels: s.labels.toString(), rows });
  }
  return out.sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
}

async function push(
  store: LogAppendable,
  streams: [Labels, LogEntry[]][],
  tenant: TenantId = DEFAULT_TENANT,
): Promise<void> {
  const app = store.logAppender(tenant);
  for (const [l, es] of streams) app.append(l, es);
  await app.commit();
}

/**
 * The log store conformance suite (ADR 0005): every LogAppendable + LogQueryable + LogTailable
 * implementation runs it (MemLogStore, the log store). `open` MUST return a fresh, empty store
 * with default limits that accepts entries from an hour ago with out-of-order timestamps a few
 * seconds apart.
 */
export function logStoreSuite(name: string, open: () => Promise<LogStoreUnderTest>): void {
  describe(`log store suite: ${name}`, () => {
    async function withStore(fn: (s: LogStoreUnderTest) => Promise<void>): Promise<void> {
      const s = await open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    }
    const app = ls({ job: 'app', env: 'prod' });
    const web = ls({ job: 'web', env: 'prod' });

    it('makes a batch visible at commit, with its counts', () =>
      withStore(async ({ store }) => {
        const a = store.logAppender(DEFAULT_TENANT);
        a.append(app, [at(1, 'one'), at(2, 'twö')]);
        a.append(web, [at(1, 'w')]);
        assert.deepEqual(await readLogs(store, { matchers: [eq('env', 'prod')] }), []);
        const res = await a.commit();
        assert.equal(res.accepted, 3);
        assert.equal(res.bytes, 3 + 4 + 1);
        assert.equal(res.newStreams, 2);
        assert.deepEqual(res.rejected, []);
        assert.deepEqual(await readLogs(store, { matchers: [eq('env', 'prod')] }), [
          {
            labels: app.toString(),
            rows: [
              [1, 'one'],
              [2, 'twö'],
            ],
          },
          { labels: web.toString(), rows: [[1, 'w']] },
        ]);
        const again = store.logAppender(DEFAULT_TENANT);
        again.append(app, [at(3, 'three')]);
        assert.equal((await again.commit()).newStreams, 0);
        assert.throws(() => a.append(app, [at(4, 'late')]));
      }));

    it('discards a rolled-back batch and refuses streams without labels', () =>
      withStore(async ({ store }) => {
        const a = store.logAppender(DEFAULT_TENANT);
        a.append(app, [at(1, 'gone')]);
        a.rollback();
        assert.throws(() => a.append(app, [at(2, 'x')]));
        const b = store.logAppender(DEFAULT_TENANT);
        assert.throws(() => b.append(Labels.EMPTY, [at(1, 'x')]), InvalidSeriesError);
        b.rollback();
        assert.deepEqual(await readLogs(store, { matchers: [eq('job', 'app')] }), []);
      }));

    it('keeps tenants apart', () =>
      withStore(async ({ store }) => {
        const other = tenantId('team-b');
        await push(store, [[app, [at(1, 'default')]]]);
        await push(store, [[app, [at(1, 'team b')]]], other);
        assert.deepEqual(await readLogs(store, { matchers: [eq('job', 'app')] }, other), [
          { labels: app.toString(), rows: [[1, 'team b']] },
        ]);
        assert.deepEqual(await readLogs(store, { matchers: [eq('job', 'app')] }), [
          { labels: app.toString(), rows: [[1, 'default']] },
        ]);
        assert.deepEqual(
          await readLogs(store, { matchers: [eq('job', 'app')] }, tenantId('none')),
          [],
        );
        const q = store.logQuerier(tenantId('none'));
        assert.deepEqual(await q.labelNames(...ALL), []);
      }));

    it('selects [start, end), forward and backward, equal timestamps in arrival order', () =>
      withStore(async ({ store }) => {
        await push(store, [[app, [at(3, 'c'), at(1, 'a'), at(2, 'b1'), at(2, 'b2'), at(5, 'e')]]]);
        await push(store, [[app, [at(2, 'b3'), at(4, 'd')]]]);
        const m = [eq('job', 'app')];
        const fwd: Row[] = [
          [1, 'a'],
          [2, 'b1'],
          [2, 'b2'],
          [2, 'b3'],
          [3, 'c'],
          [4, 'd'],
          [5, 'e'],
        ];
        assert.deepEqual(await readLogs(store, { matchers: m }), [
          { labels: app.toString(), rows: fwd },
        ]);
        assert.deepEqual(await readLogs(store, { matchers: m, direction: 'backward' }), [
          { labels: app.toString(), rows: [...fwd].reverse() },
        ]);
        const win = { matchers: m, start: T0 + 2n * SEC, end: T0 + 4n * SEC };
        assert.deepEqual(await readLogs(store, win), [
          { labels: app.toString(), rows: fwd.slice(1, 5) },
        ]);
        assert.deepEqual(await readLogs(store, { ...win, end: T0 + 2n * SEC }), []);
        assert.deepEqual(await readLogs(store, { ...win, start: T0 + 6n * SEC, end: ALL[1] }), []);
      }));

    it('applies every line filter op, ANDed, and names a bad regex', () =>
      withStore(async ({ store }) => {
        const lines = [
          'level=info msg="ok" trace_id=4bf92f3577b34da6a3ce929d0e0e4736',
          'level=error msg="timeout" status=503',
          'level=error msg="refused" status=502 pre4bf92f3577b34da6a3ce929d0e0e4736post',
          'ünïcode ✓ level=warn',
        ];
        await push(store, [[app, lines.map((l, i) => at(i, l))]]);
        const sel = async (filters: LineFilter[]): Promise<string[]> =>
          (await readLogs(store, { matchers: [eq('job', 'app')], filters })).flatMap((s) =>
            s.rows.map((r) => r[1]),
          );
        assert.deepEqual(await sel([{ op: '|=', value: 'level=error' }]), lines.slice(1, 3));
        assert.deepEqual(await sel([{ op: '!=', value: 'level=error' }]), [lines[0], lines[3]]);
        assert.deepEqual(await sel([{ op: '|~', value: 'status=5[0-9]{2}' }]), lines.slice(1, 3));
        assert.deepEqual(await sel([{ op: '!~', value: 'status=50[23]' }]), [lines[0], lines[3]]);
        assert.deepEqual(await sel([{ op: '|=', value: '4bf92f3577b34da6a3ce929d0e0e4736' }]), [
          lines[0],
          lines[2],
        ]);
        assert.deepEqual(await sel([{ op: '|=', value: '✓' }]), [lines[3]]);
        assert.deepEqual(await sel([{ op: '|=', value: '' }]), lines);
        assert.deepEqual(
          await sel([
            { op: '|=', value: 'level=error' },
            { op: '!~', value: 'timeout' },
          ]),
          [lines[2]],
        );
        assert.deepEqual(await sel([{ op: '|=', value: 'absent-token-xyz' }]), []);
        await assert.rejects(sel([{ op: '|~', value: '(unclosed' }]), QueryError);
      }));

    it('answers labelNames, labelValues, series and indexStats', () =>
      withStore(async ({ store }) => {
        await push(store, [
          [app, [at(1, 'aa'), at(2, 'bbb')]],
          [web, [at(100, 'w')]],
          [ls({ job: 'db', region: 'eu' }), [at(1, 'd')]],
        ]);
        const q = store.logQuerier(DEFAULT_TENANT);
        assert.deepEqual(await q.labelNames(...ALL), ['env', 'job', 'region']);
        assert.deepEqual(await q.labelNames(...ALL, [eq('env', 'prod')]), ['env', 'job']);
        assert.deepEqual(await q.labelValues('job', ...ALL), ['app', 'db', 'web']);
        assert.deepEqual(await q.labelValues('job', T0 + 50n * SEC, ALL[1]), ['web']);
        assert.deepEqual(await q.labelValues('nope', ...ALL), []);
        const series = (await q.series(...ALL, [eq('env', 'prod')])).map(String).sort();
        assert.deepEqual(series, [app.toString(), web.toString()].sort());
        const st = await q.indexStats(...ALL, [eq('env', 'prod')]);
        assert.equal(st.streams, 2);
        assert.equal(st.entries, 3);
        assert.equal(st.bytes, 6);
        assert.ok(st.chunks >= 2, `chunks ${st.chunks}`);
        const early = await q.indexStats(ALL[0], T0 + 50n * SEC, [eq('env', 'prod')]);
        assert.deepEqual([early.streams, early.entries, early.bytes], [1, 2, 5]);
      }));

    it('counts what select read', () =>
      withStore(async ({ store }) => {
        await push(store, [[app, [at(1, 'aa'), at(2, 'bbb')]]]);
        const q = store.logQuerier(DEFAULT_TENANT);
        for await (const s of q.select({
          matchers: [eq('job', 'app')],
          start: ALL[0],
          end: ALL[1],
        }))
          for await (const b of s.entries()) assert.equal(b.length, 2);
        const st = q.readStats();
        assert.equal(st.streams, 1);
        assert.equal(st.entries, 2);
        assert.equal(st.bytes, 5);
      }));

    it('delivers tails after commit only, per tenant and matcher, until unsubscribed', () =>
      withStore(async ({ store }) => {
        const got: string[] = [];
        const stop = store.tailLogs(DEFAULT_TENANT, [eq('job', 'app')], (l, es) => {
          for (const e of es) got.push(`${l.get('job')} ${e.line}`);
        });
        const a = store.logAppender(DEFAULT_TENANT);
        a.append(app, [at(1, 'first')]);
        a.append(web, [at(1, 'not mine')]);
        assert.deepEqual(got, []);
        await a.commit();
        assert.deepEqual(got, ['app first']);
        const r = store.logAppender(DEFAULT_TENANT);
        r.append(app, [at(2, 'rolled back')]);
        r.rollback();
        await push(store, [[app, [at(3, 'other tenant')]]], tenantId('team-b'));
        assert.deepEqual(got, ['app first']);
        stop();
        await push(store, [[app, [at(4, 'after stop')]]]);
        assert.deepEqual(got, ['app first']);
      }));

    it('round-trips fields and unicode lines exactly', () =>
      withStore(async ({ store }) => {
        const fields: LogEntry['fields'] = [
          ['trace_id', '4bf92f3577b34da6a3ce929d0e0e4736'],
          ['level', 'info'],
        ];
        const odd = ['', 'emoji 😀 and \u00e9\u0301', 'tab\there', 'line\nbreak', '{"a":1}', ' '];
        await push(store, [
          [app, [at(1, 'with fields', fields), ...odd.map((l, i) => at(2 + i, l))]],
        ]);
        assert.deepEqual(await readLogs(store, { matchers: [eq('job', 'app')] }), [
          {
            labels: app.toString(),
            rows: [[1, 'with fields', fields], ...odd.map((l, i): Row => [2 + i, l])],
          },
        ]);
      }));

    it('stops early when iteration returns, and stays usable', () =>
      withStore(async ({ store }) => {
        for (let i = 0; i < 5; i++)
          await push(store, [[ls({ job: 'app', n: String(i) }), [at(1, 'x'), at(2, 'y')]]]);
        const q = store.logQuerier(DEFAULT_TENANT);
        let seen = 0;
        for await (const s of q.select({
          matchers: [eq('job', 'app')],
          start: ALL[0],
          end: ALL[1],
        })) {
          for await (const b of s.entries()) {
            seen += b.length;
            break;
          }
          break;
        }
        assert.ok(seen > 0);
        await push(store, [[app, [at(3, 'after')]]]);
        assert.equal((await readLogs(store, { matchers: [eq('job', 'app')] })).length, 6);
      }));

    it('honours an aborted signal', () =>
      withStore(async ({ store }) => {
        await push(store, [[app, [at(1, 'x')]]]);
        const ac = new AbortController();
        ac.abort();
        await assert.rejects(readLogs(store, { matchers: [eq('job', 'app')], signal: ac.signal }));
      }));

    it('keeps committed entries across reopen (durable stores)', async (t) => {
      const s = await open();
      if (!s.reopen) {
        await s.close();
        t.skip('not durable: no reopen');
        return;
      }
      try {
        await push(s.store, [[app, [at(1, 'kept', [['k', 'v']]), at(2, 'kept too')]]]);
        const again = await s.reopen();
        assert.deepEqual(await readLogs(again, { matchers: [eq('job', 'app')] }), [
          {
            labels: app.toString(),
            rows: [
              [1, 'kept', [['k', 'v']]],
              [2, 'kept too'],
            ],
          },
        ]);
      } finally {
        await s.close();
      }
    });
  });
}
