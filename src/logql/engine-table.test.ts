import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import { MemLogStore, type LogEntry } from '../storage/index.js';
import { LogqlEngine } from './engine.js';
import type { LogqlResult } from './types.js';

/**
 * The LogQL query table (issue #9): queries × expected results over a fixed corpus, in
 * testdata/queries/ (corpus.json, log-queries.json, metric-queries.json).
 */
const DIR = join(process.cwd(), 'src/logql/testdata/queries');
const read = <T>(f: string): T => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as T;

interface Corpus {
  base_ns: string;
  streams: {
    labels: Record<string, string>;
    entries: { t: number; line: string; fields?: [string, string][] }[];
  }[];
}

type Streams = { labels: Record<string, string>; entries: [number, string][] }[];
type Series = { labels: Record<string, string>; points: [number, number][] }[];
type Samples = { labels: Record<string, string>; v: number }[];

interface Row {
  name: string;
  query: string;
  start?: number;
  end?: number;
  limit?: number;
  direction?: 'forward' | 'backward';
  intervalMs?: number;
  stepS?: number;
  instant?: number;
  error?: string;
  streams?: Streams;
  matrix?: Series;
  vector?: Samples;
  scalar?: number;
}

const corpus = read<Corpus>('corpus.json');
const BASE = BigInt(corpus.base_ns);
const S = 1_000_000_000n;
const at = (s: number): bigint => BASE + BigInt(s) * S;
const baseMs = Number(BASE / 1_000_000n);

export async function loadCorpus(store: MemLogStore): Promise<void> {
  const app = store.logAppender(DEFAULT_TENANT);
  for (const s of corpus.streams)
    app.append(
      Labels.fromObject(s.labels),
      s.entries.map((e): LogEntry => ({ ts: at(e.t), line: e.line, fields: e.fields })),
    );
  await app.commit();
}

/** The result in the table's shape: seconds after base, plain label objects. */
function plain(r: LogqlResult): Pick<Row, 'streams' | 'matrix' | 'vector' | 'scalar'> {
  const round = (v: number): number => Math.round(v * 1e6) / 1e6;
  switch (r.type) {
    case 'streams':
      return {
        streams: r.streams.map((s) => ({
          labels: s.labels.toObject(),
          entries: s.entries.map((e): [number, string] => [Number((e.ts - BASE) / S), e.line]),
        })),
      };
    case 'matrix':
      return {
        matrix: r.series.map((s) => ({
          labels: s.labels.toObject(),
          points: s.points.map(([t, v]): [number, number] => [(t - baseMs) / 1000, round(v)]),
        })),
      };
    case 'vector':
      return { vector: r.samples.map((s) => ({ labels: s.labels.toObject(), v: round(s.v) })) };
    case 'scalar':
      return { scalar: round(r.v) };
  }
}

async function runRow(engine: LogqlEngine, row: Row): Promise<LogqlResult> {
  if (row.instant !== undefined)
    return (await engine.instantQuery(DEFAULT_TENANT, row.query, { time: at(row.instant) })).result;
  return (
    await engine.rangeQuery(DEFAULT_TENANT, row.query, {
      start: at(row.start ?? 0),
      end: at(row.end ?? 60),
      limit: row.limit,
      direction: row.direction,
      intervalMs: row.intervalMs,
      stepMs: row.stepS !== undefined ? row.stepS * 1000 : undefined,
    })
  ).result;
}

for (const file of ['log-queries.json', 'metric-queries.json']) {
  describe(`query table ${file}`, async () => {
    const store = new MemLogStore();
    await loadCorpus(store);
    const engine = new LogqlEngine({ queryable: store, tailable: store });
    for (const row of read<{ rows: Row[] }>(file).rows) {
      it(`${row.name}: ${row.query}`, async () => {
        if (row.error !== undefined) {
          await assert.rejects(runRow(engine, row), (err: Error) => {
            assert.ok(err.message.includes(row.error!), `got ${err.message}, want ${row.error}`);
            return true;
          });
          return;
        }
        const got = plain(await runRow(engine, row));
        // LOGQL_TABLE_PRINT=<file> writes actual results there (to review new rows by hand).
        const print = process.env.LOGQL_TABLE_PRINT;
        if (print) appendFileSync(print, JSON.stringify({ name: row.name, ...got }) + '\n');
        const want: Partial<Row> = {};
        for (const k of ['streams', 'matrix', 'vector', 'scalar'] as const)
          if (row[k] !== undefined) Object.assign(want, { [k]: row[k] });
        assert.deepEqual(got, want);
      });
    }
  });
}
