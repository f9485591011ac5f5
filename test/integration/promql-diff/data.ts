/**
 * The shared data set: a few hundred realistic series over one hour at a 15 s interval, sent
 * as the same remote_write requests to Prometheus and Argus.
 *
 * Sample timestamps carry a per-sample jitter of 100..600 ms past the whole second, while every
 * evaluation time (and so every range/lookback boundary) ends in .777 s or, inside subqueries,
 * on a whole second. No window boundary ever coincides with a sample, so the 3.0 change from
 * closed to left-open windows (range selectors and lookback) cannot show up in the results.
 */
import type { EncodeSeries } from '../../../src/ingest/remote-write/index.js';
import { Rand } from './rand.js';

export const SCRAPE_MS = 15_000;
export const STEPS = 241; // one hour, both ends included
/** Milliseconds past the whole second of every evaluation time. */
export const EVAL_MS_OFFSET = 777;

export interface DataSet {
  /** First and last grid time (whole seconds, ms). */
  startMs: number;
  endMs: number;
  /** The series with all their samples, in time order. */
  series: EncodeSeries[];
}

type Pairs = [string, string][];
type ValueFn = (step: number) => number | undefined;

const INSTANCES = [
  '10.0.0.1:9100',
  '10.0.0.2:9100',
  '10.0.0.3:9100',
  '10.0.0.4:9100',
  '10.0.0.5:9100',
  '10.0.0.6:9100',
];
const JOBS = ['api', 'web'];
export const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];

/** A counter growing by a random rate, with resets at the given steps. */
function counter(r: Rand, rate: number, resets: number[] = []): ValueFn {
  // Counters of processes that have been up a while: the extrapolated zero point lies far
  // before any window (2.51 changed how rate() caps extrapolation at zero, see AVOIDED).
  let v = 100_000 + r.int(0, 100_000);
  return (step) => {
    if (resets.includes(step)) v = r.int(0, 3);
    else if (step > 0) v += Math.max(0, rate * 15 * (0.5 + r.next()));
    return Math.round(v * 1000) / 1000;
  };
}

/** A gauge wandering around `mid` (may go negative if `mid` is small). */
function gauge(r: Rand, mid: number, spread: number, integer = false): ValueFn {
  let v = mid;
  return () => {
    v += (r.next() - 0.5) * spread;
    v = Math.max(mid - 3 * spread * 10, Math.min(mid + 3 * spread * 10, v));
    return integer ? Math.max(0, Math.round(v)) : Math.round(v * 100) / 100;
  };
}

/** Present only for steps in [from, to]: exercises the lookback and series (dis)appearing. */
function during(f: ValueFn, from: number, to: number): ValueFn {
  return (step) => {
    const v = f(step);
    return step >= from && step <= to ? v : undefined;
  };
}

export function makeDataSet(seed: number, endMs: number): DataSet {
  const r = new Rand(seed);
  // Whole hours: time-of-day functions (hour(), time() % x) give the same values on every run.
  const end = Math.floor(endMs / 3_600_000) * 3_600_000;
  const start = end - (STEPS - 1) * SCRAPE_MS;
  const defs: { labels: Pairs; f: ValueFn }[] = [];
  const add = (name: string, labels: Pairs, f: ValueFn) =>
    defs.push({ labels: [['__name__', name], ...labels], f });

  for (const job of JOBS)
    INSTANCES.forEach((instance, i) => {
      for (const method of ['GET', 'POST'])
        for (const code of ['200', '500']) {
          const rate = (code === '200' ? 20 : 0.3) * (method === 'GET' ? 3 : 1) * (i + 1);
          const resets = r.chance(0.15) ? [r.int(20, STEPS - 20)] : [];
          add(
            'http_requests_total',
            [
              ['code', code],
              ['instance', instance],
              ['job', job],
              ['method', method],
            ],
            counter(r, rate, resets),
          );
        }
      add(
        'up',
        [
          ['instance', instance],
          ['job', job],
        ],
        (s) => (i === 3 && job === 'web' && s > 100 && s < 130 ? 0 : 1),
      );
      add(
        'queue_depth',
        [
          ['instance', instance],
          ['job', job],
        ],
        i === 2
          ? during(gauge(r, 5, 3, true), 120, STEPS - 1)
          : i === 1 && job === 'web'
            ? during(gauge(r, 20, 5, true), 0, STEPS - 50)
            : gauge(r, 10, 4, true),
      );
      // A classic histogram: cumulative buckets, _sum and _count.
      let count: number;
      let sum = 100_000 * (i + 1);
      const cum = BUCKETS.map((_, b) => 50_000 * (b + 1));
      const shares = [0.05, 0.1, 0.2, 0.3, 0.15, 0.1, 0.05, 0.03, 0.015, 0.005];
      const perStep: { step: number; cum: number[]; count: number; sum: number }[] = [];
      for (let s = 0; s < STEPS; s++) {
        if (s === 150 && i === 0 && job === 'api') {
          // A process restart: every counter of the histogram starts over.
          cum.fill(0);
          sum = 0;
        }
        const n = r.int(0, 40 * (i + 1));
        let acc = 0;
        for (let b = 0; b < BUCKETS.length; b++) {
          const k = Math.round(n * shares[b] * (0.5 + r.next()));
          acc += k;
          cum[b] += acc;
        }
        count = cum[BUCKETS.length - 1];
        sum += acc * 0.07 * (1 + r.next());
        perStep.push({ step: s, cum: [...cum], count, sum: Math.round(sum * 1000) / 1000 });
      }
      BUCKETS.forEach((le, b) =>
        add(
          'request_duration_seconds_bucket',
          [
            ['instance', instance],
            ['job', job],
            ['le', le],
          ],
          (s) => perStep[s].cum[b],
        ),
      );
      add(
        'request_duration_seconds_count',
        [
          ['instance', instance],
          ['job', job],
        ],
        (s) => perStep[s].count,
      );
      add(
        'request_duration_seconds_sum',
        [
          ['instance', instance],
          ['job', job],
        ],
        (s) => perStep[s].sum,
      );
    });

  INSTANCES.forEach((instance) => {
    for (const cpu of ['0', '1'])
      for (const mode of ['idle', 'user', 'system', 'iowait']) {
        const rate = mode === 'idle' ? 0.7 : mode === 'user' ? 0.2 : 0.05;
        add(
          'node_cpu_seconds_total',
          [
            ['cpu', cpu],
            ['instance', instance],
            ['job', 'node'],
            ['mode', mode],
          ],
          counter(r, rate),
        );
      }
    const total = 8 * 2 ** 30 * (1 + INSTANCES.indexOf(instance));
    add(
      'node_memory_MemTotal_bytes',
      [
        ['instance', instance],
        ['job', 'node'],
      ],
      () => total,
    );
    add(
      'node_memory_MemAvailable_bytes',
      [
        ['instance', instance],
        ['job', 'node'],
      ],
      gauge(r, total / 2, total / 50, true),
    );
    // A ratio that is NaN while there is nothing to divide (0/0 in the exporter).
    const idx = INSTANCES.indexOf(instance);
    const ratio = gauge(r, 0.8, 0.05);
    add(
      'cache_hit_ratio',
      [
        ['instance', instance],
        ['job', 'node'],
      ],
      (s) => {
        const v = ratio(s);
        return (s + idx * 7) % 23 < 2 || (idx === 1 && s > 180 && s < 200) ? NaN : v;
      },
    );
    for (const sensor of ['cpu', 'board', 'ambient'])
      add(
        'temperature_celsius',
        [
          ['instance', instance],
          ['job', 'node'],
          ['sensor', sensor],
        ],
        gauge(r, sensor === 'ambient' ? 0.5 : 45, 2),
      );
  });

  const series: EncodeSeries[] = defs.map(({ labels, f }) => {
    const samples: { t: number; v: number }[] = [];
    for (let s = 0; s < STEPS; s++) {
      const v = f(s);
      if (v !== undefined) samples.push({ t: start + s * SCRAPE_MS + r.int(100, 600), v });
    }
    return { labels, samples };
  });
  return { startMs: start, endMs: end, series };
}

/** Cuts the data into requests of `steps` scrape intervals each, in time order. */
export function batches(d: DataSet, steps: number): EncodeSeries[][] {
  const out: EncodeSeries[][] = [];
  for (let from = d.startMs; from <= d.endMs + SCRAPE_MS; from += steps * SCRAPE_MS) {
    const to = from + steps * SCRAPE_MS;
    out.push(
      d.series
        .map((s) => ({
          labels: s.labels,
          samples: s.samples.filter((x) => x.t >= from && x.t < to),
        }))
        .filter((s) => s.samples.length > 0),
    );
  }
  return out.filter((b) => b.length > 0);
}

/** The label values of the data set, for building matchers that select something. */
export const LABEL_VALUES: Record<string, readonly string[]> = {
  job: [...JOBS, 'node'],
  instance: INSTANCES,
  method: ['GET', 'POST'],
  code: ['200', '500'],
  mode: ['idle', 'user', 'system', 'iowait'],
  cpu: ['0', '1'],
  sensor: ['cpu', 'board', 'ambient'],
  le: BUCKETS,
};
