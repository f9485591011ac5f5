import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import {
  MemLogStore,
  type LogEntry,
  type LogQuerier,
  type LogQueryable,
  type LogSelectParams,
  type LogStream,
} from '../storage/index.js';
import { defaultStepMs, LogqlEngine } from './engine.js';
import { LogqlEvalError, LogqlParseError } from './errors.js';
import type { LogStreamResult } from './types.js';

const T0 = 1_700_000_000_000_000_000n;
const S = 1_000_000_000n;

async function storeWith(
  streams: [Record<string, string>, [number, string][]][],
): Promise<MemLogStore> {
  const store = new MemLogStore();
  const app = store.logAppender(DEFAULT_TENANT);
  for (const [labels, entries] of streams)
    app.append(
      Labels.fromObject(labels),
      entries.map(([t, line]) => ({ ts: T0 + BigInt(t) * S, line })),
    );
  await app.commit();
  return store;
}

/** A queryable over many single-entry batches that records what was read and closed. */
function countingQueryable(nStreams: number, perStream: number) {
  const seen = { batches: 0, closed: 0, filters: [] as unknown[] };
  const querier = {
    select(p: LogSelectParams): AsyncIterable<LogStream> {
      seen.filters.push(p.filters);
      return (async function* () {
        for (let s = 0; s < nStreams; s++)
          yield {
            labels: Labels.fromObject({ s: String(s) }),
            entries: async function* (): AsyncGenerator<readonly LogEntry[]> {
              try {
                for (let i = 0; i < perStream; i++) {
                  seen.batches++;
                  const k = p.direction === 'backward' ? perStream - 1 - i : i;
                  yield [{ ts: T0 + BigInt(k * nStreams + s) * S, line: `s${s} e${k}` }];
                }
              } finally {
                seen.closed++;
              }
            },
          };
      })();
    },
    readStats: () => ({
      streams: nStreams,
      chunks: 0,
      chunksSkipped: 0,
      entries: seen.batches,
      bytes: 0,
    }),
  } as unknown as LogQuerier; // only select/readStats are used by log queries
  const queryable: LogQueryable = { logQuerier: () => querier };
  return { queryable, seen };
}

describe('LogqlEngine log queries', () => {
  it('merges streams in time order and stops reading at the limit', async () => {
    const { queryable, seen } = countingQueryable(4, 1000);
    const engine = new LogqlEngine({ queryable });
    const { result, stats } = await engine.rangeQuery(DEFAULT_TENANT, '{s=~".+"} |= "e"', {
      start: T0,
      end: T0 + 10_000n * S,
      limit: 10,
      direction: 'forward',
    });
    assert.equal(result.type, 'streams');
    const all = (result as { streams: LogStreamResult[] }).streams.flatMap((s) =>
      s.entries.map((e) => Number((e.ts - T0) / S)),
    );
    assert.deepEqual(
      all.sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    // 10 entries taken from 4 streams: a few batches each, not 4000; every stream closed.
    assert.ok(seen.batches <= 4 + 10, `read ${seen.batches} batches`);
    assert.equal(seen.closed, 4);
    assert.deepEqual(seen.filters, [[{ op: '|=', value: 'e' }]]);
    assert.equal(stats.read.streams, 4);
    assert.ok(stats.execMs >= 0);
  });

  it('backward returns the newest first', async () => {
    const { queryable } = countingQueryable(2, 5);
    const engine = new LogqlEngine({ queryable });
    const { result } = await engine.rangeQuery(DEFAULT_TENANT, '{s=~".+"}', {
      start: T0,
      end: T0 + 100n * S,
      limit: 3,
    });
    const streams = (result as { streams: LogStreamResult[] }).streams;
    assert.deepEqual(
      streams.map((s) => [s.labels.get('s'), s.entries.map((e) => e.line)]),
      [
        ['0', ['s0 e4']],
        ['1', ['s1 e4', 's1 e3']],
      ],
    );
  });

  it('limit 0 reads nothing; refuses bad limits, ranges and steps', async () => {
    const store = await storeWith([[{ a: '1' }, [[1, 'x']]]]);
    const engine = new LogqlEngine({ queryable: store, maxEntriesLimit: 10 });
    const q = (opts: object) =>
      engine.rangeQuery(DEFAULT_TENANT, '{a="1"}', { start: T0, end: T0 + 10n * S, ...opts });
    assert.deepEqual((await q({ limit: 0 })).result, { type: 'streams', streams: [] });
    await assert.rejects(q({ limit: 11 }), LogqlEvalError);
    await assert.rejects(q({ limit: -1 }), /non-negative/);
    await assert.rejects(q({ start: T0 + 20n * S }), /end .* is before start/);
    await assert.rejects(
      engine.rangeQuery(DEFAULT_TENANT, 'count_over_time({a="1"}[1s])', {
        start: T0,
        end: T0 + S,
        stepMs: 0,
      }),
      /step must be > 0/,
    );
    await assert.rejects(
      engine.rangeQuery(DEFAULT_TENANT, '{a=', { start: T0, end: T0 }),
      LogqlParseError,
    );
    await assert.rejects(
      engine.instantQuery(DEFAULT_TENANT, '{a="1"}', { time: T0 }),
      /log queries are not supported as an instant query type/,
    );
  });

  it('stops on an aborted signal', async () => {
    const { queryable } = countingQueryable(2, 5);
    const engine = new LogqlEngine({ queryable });
    await assert.rejects(
      engine.rangeQuery(DEFAULT_TENANT, '{s=~".+"}', {
        start: T0,
        end: T0 + 100n * S,
        signal: AbortSignal.abort(),
      }),
      { name: 'AbortError' },
    );
  });

  it('metric queries: default step, instant scalar, stats of the read', async () => {
    assert.equal(defaultStepMs(0, 3_600_000), 15_000);
    assert.equal(defaultStepMs(0, 1000), 1000);
    const store = await storeWith([
      [
        { a: '1' },
        [
          [1, 'x'],
          [2, 'y'],
          [3, 'x'],
        ],
      ],
    ]);
    const engine = new LogqlEngine({ queryable: store });
    const r = await engine.rangeQuery(
      DEFAULT_TENANT,
      'sum(count_over_time({a="1"} |= "x" [10s]))',
      {
        start: T0 + 10n * S,
        end: T0 + 10n * S,
      },
    );
    assert.deepEqual(r.result.type === 'matrix' && r.result.series[0].points, [
      [Number((T0 + 10n * S) / 1_000_000n), 2],
    ]);
    assert.equal(r.stats.read.entries, 3);
    const s = await engine.instantQuery(DEFAULT_TENANT, '1 + 1', { time: T0 });
    assert.deepEqual(s.result, { type: 'scalar', t: Number(T0 / 1_000_000n), v: 2 });
  });
});

describe('LogqlEngine tail', () => {
  const wait = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cond(), 'condition not reached');
  };
  const push = async (store: MemLogStore, labels: Record<string, string>, lines: string[]) => {
    const app = store.logAppender(DEFAULT_TENANT);
    app.append(
      Labels.fromObject(labels),
      lines.map((line, i) => ({ ts: T0 + BigInt(i) * S, line })),
    );
    await app.commit();
  };

  it('applies the pipeline to each committed batch until unsubscribed', async () => {
    const store = new MemLogStore();
    const engine = new LogqlEngine({ queryable: store, tailable: store });
    const got: LogStreamResult[][] = [];
    const stop = engine.tail(DEFAULT_TENANT, '{app="api"} |= "err" | logfmt', (s) => got.push(s));
    await push(store, { app: 'api' }, ['level=info ok', 'code=1 err', 'code=2 err']);
    await push(store, { app: 'other' }, ['err']);
    await push(store, { app: 'api' }, ['nothing here']);
    assert.deepEqual(
      got.map((b) => b.map((s) => [s.labels.toObject(), s.entries.map((e) => e.line)])),
      [
        [
          [
            { app: 'api', code: '1', err: '' }.code ? { app: 'api', code: '1' } : {},
            ['code=1 err'],
          ],
          [{ app: 'api', code: '2' }, ['code=2 err']],
        ],
      ],
    );
    stop();
    await push(store, { app: 'api' }, ['err again']);
    assert.equal(got.length, 1);
  });

  it('runs template pipelines in commit order', async () => {
    const store = new MemLogStore();
    const engine = new LogqlEngine({ queryable: store, tailable: store });
    const lines: string[] = [];
    const stop = engine.tail(
      DEFAULT_TENANT,
      '{app="api"} | line_format "{{ __line__ | ToUpper }}"',
      (s) => lines.push(...s.flatMap((x) => x.entries.map((e) => e.line))),
    );
    await push(store, { app: 'api' }, ['a', 'b']);
    await push(store, { app: 'api' }, ['c']);
    await wait(() => lines.length === 3);
    assert.deepEqual(lines, ['A', 'B', 'C']);
    stop();
  });

  it('reports a failing callback without breaking the store', async () => {
    const store = new MemLogStore();
    const errors: unknown[] = [];
    const engine = new LogqlEngine({
      queryable: store,
      tailable: store,
      onTailError: (e) => errors.push(e),
    });
    const stop = engine.tail(DEFAULT_TENANT, '{app="api"}', () => {
      throw new Error('client gone');
    });
    await push(store, { app: 'api' }, ['x']);
    assert.equal((errors[0] as Error).message, 'client gone');
    stop();
  });

  it('refuses metric queries, bad queries and a missing live source', () => {
    const store = new MemLogStore();
    const engine = new LogqlEngine({ queryable: store, tailable: store });
    assert.throws(
      () => engine.tail(DEFAULT_TENANT, 'count_over_time({a="b"}[1m])', () => {}),
      LogqlEvalError,
    );
    assert.throws(() => engine.tail(DEFAULT_TENANT, '{a=', () => {}), LogqlParseError);
    const noTail = new LogqlEngine({ queryable: store });
    assert.throws(() => noTail.tail(DEFAULT_TENANT, '{a="b"}', () => {}), /no live log source/);
  });
});
