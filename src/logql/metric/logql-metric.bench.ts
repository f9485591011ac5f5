/**
 * Metric evaluation micro-benchmark (plain script): count_over_time over in-memory processed
 * records (records=1M, streams=50 over 1 h by default), fixed seed, median of rounds. Measures
 * the evaluator only (the select yields prebuilt batches of 1000).
 *
 *   npm run bench -- logql-metric [records] [streams]
 *
 * Cases: a range query (step 15 s, [5m]) with shared stream labels; the same where every record
 * has its own Labels instance (as after `| json`), grouped `sum by (status)`; an instant query.
 */
import { Labels, Matcher } from '../../model/index.js';
import { mulberry32 } from '../../util/index.js';
import type { MetricExpr, RangeAggExpr } from '../ast.js';
import type { ProcessedRecord, SelectProcessed } from '../types.js';
import { evaluateMetric } from './evaluate.js';

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const STREAMS = Number(process.argv[3] ?? 50);
const ROUNDS = 7;
const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

function makeBatches(perRecordLabels: boolean): ProcessedRecord[][] {
  const rnd = mulberry32(7);
  const streams = Array.from({ length: STREAMS }, (_, i) =>
    Labels.fromObject({ app: `app-${i % 10}`, pod: `pod-${i}` }),
  );
  const statuses = ['200', '200', '200', '404', '500'];
  const batches: ProcessedRecord[][] = [];
  let batch: ProcessedRecord[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const ms = T0 + Math.floor((i / RECORDS) * HOUR);
    const s = streams[Math.floor(rnd() * STREAMS)];
    const labels = perRecordLabels
      ? Labels.fromObject({ ...s.toObject(), status: statuses[Math.floor(rnd() * 5)] })
      : s;
    batch.push({ ts: BigInt(ms) * 1_000_000n + BigInt(i % 1000), line: 'GET /api 200', labels });
    if (batch.length === 1000) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function selectOf(batches: ProcessedRecord[][]): SelectProcessed {
  return (_log, start, end) =>
    (async function* () {
      for (const b of batches) {
        // The real select bounds by time; these batches all fall inside the query.
        if (b[0].ts >= start && b[b.length - 1].ts < end) yield b;
      }
    })();
}

const cot: RangeAggExpr = {
  kind: 'range_agg',
  op: 'count_over_time',
  log: { kind: 'log', matchers: [new Matcher('=~', 'app', '.+')], pipeline: [] },
  rangeMs: 5 * 60_000,
  offsetMs: 0,
};

async function run(name: string, expr: MetricExpr, batches: ProcessedRecord[][], instant: boolean) {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    await evaluateMetric(expr, {
      select: selectOf(batches),
      startMs: instant ? T0 + HOUR : T0 + 5 * 60_000,
      endMs: T0 + HOUR,
      stepMs: 15_000,
      instant,
    });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const med = times[ROUNDS >> 1];
  const rps = (RECORDS / med) * 1000;
  console.log(
    `${name.padEnd(58)} ${med.toFixed(1).padStart(8)} ms  ${(rps / 1e6).toFixed(2)} M records/s`,
  );
}

const shared = makeBatches(false);
await run(
  `count_over_time[5m] range step=15s records=${RECORDS} streams=${STREAMS}`,
  cot,
  shared,
  false,
);
await run('count_over_time[1h] instant', { ...cot, rangeMs: HOUR }, shared, true);
const own = makeBatches(true);
await run(
  'sum by (status)(count_over_time[5m]) per-record labels',
  {
    kind: 'vector_agg',
    op: 'sum',
    grouping: { without: false, labels: ['status'] },
    expr: cot,
  },
  own,
  false,
);
