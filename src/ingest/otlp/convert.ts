import { Labels, staleNaN } from '../../model/index.js';
import type { MetricMetadata, MetricType } from '../../storage/index.js';
import { type DeltaState, type Undo } from './delta.js';
import { expToClassic } from './convert-exp.js';
import type { LabelCache } from './label-cache.js';
import { labelName, metricName, unitSuffixes, type NameKind } from './naming.js';
import {
  FLAG_NO_RECORDED_VALUE,
  TEMPORALITY_DELTA,
  type Attrs,
  type ExpHistogramPoint,
  type HistogramPoint,
  type Metric,
  type NumberPoint,
  type OtlpRequest,
} from './types.js';

/** Receives converted samples in request order. */
export type Emit = (labels: Labels, t: number, v: number) => void;

/** What a conversion produced besides samples. */
export interface ConvertResult {
  samples: number;
  /** Data points not converted (OTLP partial success `rejected_data_points`). */
  rejected: number;
  /** Why the first rejected point was rejected. */
  rejectMessage: string;
  metadata: Map<string, MetricMetadata>;
}

const RESOURCE_KEYS = new Set(['service.name', 'service.namespace', 'service.instance.id']);
const NO_PROMOTION: ReadonlySet<string> = new Set();

/**
 * Converts a decoded request to Prometheus samples (see docs/user/otlp.md for the mapping).
 * Delta sums and histograms go through `delta` (changes recorded in `undo`).
 */
export function convertRequest(
  req: OtlpRequest,
  emit: Emit,
  delta: DeltaState,
  undo: Undo,
  now: number,
  cache: LabelCache,
  /** Resource attributes that become labels on every series (`promote_resource_attributes`). */
  promote: ReadonlySet<string> = NO_PROMOTION,
): ConvertResult {
  const res: ConvertResult = { samples: 0, rejected: 0, rejectMessage: '', metadata: new Map() };
  const out: Emit = (l, t, v) => {
    res.samples++;
    emit(l, t, v);
  };
  const reject = (n: number, why: string): void => {
    if (res.rejected === 0) res.rejectMessage = why;
    res.rejected += n;
  };
  const labels: LabelCache['get'] = (n, a, p, e) => cache.get(n, a, p, e);
  const targetInfo = new Map<string, { labels: Labels; t: number }>();

  for (const rm of req.resourceMetrics) {
    const res0 = new Map(rm.resource);
    const name = res0.get('service.name') ?? '';
    const ns = res0.get('service.namespace') ?? '';
    const job = ns !== '' && name !== '' ? `${ns}/${name}` : name;
    const instance = res0.get('service.instance.id') ?? '';
    const promoted: Attrs = [];
    if (promote.size > 0) {
      // Sanitised as attributes are; job/instance (pushed after) win over a promoted clash.
      const ls = buildLabels(
        '',
        rm.resource.filter(([k]) => promote.has(k)),
        [],
        [],
      );
      for (let i = 0; i < ls.size; i++)
        if (ls.name(i) !== '__name__') promoted.push([ls.name(i), ls.value(i)]);
    }
    if (job !== '') promoted.push(['job', job]);
    if (instance !== '') promoted.push(['instance', instance]);
    let maxT = -1;

    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const n = pointsOf(m);
        const family = familyName(m);
        if (family === '') {
          if (n > 0) reject(n, `metric ${JSON.stringify(m.name)} has no valid Prometheus name`);
          continue;
        }
        if (m.data.kind === 'none') continue;
        res.metadata.set(family, {
          type: metricType(m),
          help: m.description,
          unit: unitSuffixes(m.unit)[0],
        });
        const ctx: Ctx = { family, promoted, out, reject, delta, undo, now, labels };
        for (const p of m.data.points) if (p.time > maxT) maxT = p.time;
        convertMetric(m, ctx);
      }
    }

    const info: Attrs = rm.resource.filter(([k]) => !RESOURCE_KEYS.has(k));
    if (info.length > 0 && maxT >= 0) {
      const labels = buildLabels('target_info', info, promoted, []);
      const key = labels.toString();
      const prev = targetInfo.get(key);
      if (prev === undefined || prev.t < maxT) targetInfo.set(key, { labels, t: maxT });
    }
  }
  for (const { labels, t } of targetInfo.values()) out(labels, t, 1);
  return res;
}

interface Ctx {
  family: string;
  promoted: Attrs;
  out: Emit;
  reject: (n: number, why: string) => void;
  delta: DeltaState;
  undo: Undo;
  now: number;
  labels: LabelCache['get'];
}

function pointsOf(m: Metric): number {
  return m.data.kind === 'none' ? 0 : m.data.points.length;
}

function nameKind(m: Metric): NameKind {
  if (m.data.kind === 'sum' && m.data.monotonic) return 'counter';
  if (m.data.kind === 'gauge' || m.data.kind === 'sum') return 'gauge';
  return 'other';
}

function familyName(m: Metric): string {
  return metricName(m.name, m.unit, nameKind(m));
}

function metricType(m: Metric): MetricType {
  switch (m.data.kind) {
    case 'sum':
      return m.data.monotonic ? 'counter' : 'gauge';
    case 'gauge':
      return 'gauge';
    case 'histogram':
    case 'exponential_histogram':
      return 'histogram';
    case 'summary':
      return 'summary';
    default:
      return 'unknown';
  }
}

/**
 * Labels of one series: sanitised attributes (keys colliding after sanitising have their values
 * joined with `;` in sorted original-key order), then job/instance from the resource (they win
 * over same-named attributes), then `extra` (le, quantile), then __name__.
 */
export function buildLabels(name: string, attrs: Attrs, promoted: Attrs, extra: Attrs): Labels {
  const m = new Map<string, [string, string][]>();
  for (const [k, v] of attrs) {
    const ln = labelName(k);
    if (ln === '' || v === '') continue;
    let list = m.get(ln);
    if (list === undefined) m.set(ln, (list = []));
    list.push([k, v]);
  }
  const obj: Record<string, string> = {};
  for (const [ln, list] of m) {
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    obj[ln] = list.map((e) => e[1]).join(';');
  }
  for (const [k, v] of promoted) obj[k] = v;
  for (const [k, v] of extra) obj[k] = v;
  obj.__name__ = name;
  return Labels.fromObject(obj);
}

function convertMetric(m: Metric, c: Ctx): void {
  const d = m.data;
  switch (d.kind) {
    case 'gauge':
      for (const p of d.points) numberPoint(p, c);
      return;
    case 'sum':
      for (const p of d.points) {
        const q = d.temporality === TEMPORALITY_DELTA ? accumulate(p, c) : p;
        if (q !== undefined) numberPoint(q, c);
      }
      return;
    case 'histogram':
      for (const p of d.points) {
        const q = d.temporality === TEMPORALITY_DELTA ? accumulate(p, c) : p;
        if (q !== undefined) histogram(q, c);
      }
      return;
    case 'exponential_histogram':
      for (const p of d.points) {
        const q = d.temporality === TEMPORALITY_DELTA ? accumulate(p, c) : p;
        if (q !== undefined) histogram(expToClassic(q), c);
      }
      return;
    case 'summary':
      for (const p of d.points) {
        const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
        const v = (x: number): number => (stale ? staleNaN : x);
        for (const [q, val] of p.quantiles)
          c.out(
            c.labels(c.family, p.attributes, c.promoted, [['quantile', String(q)]]),
            p.time,
            v(val),
          );
        c.out(c.labels(`${c.family}_sum`, p.attributes, c.promoted, []), p.time, v(p.sum));
        c.out(c.labels(`${c.family}_count`, p.attributes, c.promoted, []), p.time, v(p.count));
      }
      return;
    default:
      return;
  }
}

/** Runs a delta point through the state; undefined (and counted as rejected) when dropped. */
function accumulate<P extends NumberPoint | HistogramPoint | ExpHistogramPoint>(
  p: P,
  c: Ctx,
): P | undefined {
  if ((p.flags & FLAG_NO_RECORDED_VALUE) !== 0) return p;
  if ('value' in p && p.value === undefined) return p; // rejected by numberPoint
  const key = c.labels(c.family, p.attributes, c.promoted, []).toString();
  const v = c.delta.add(key, p, c.now, c.undo);
  if ('point' in v) return v.point;
  c.reject(
    1,
    `delta point of ${key} dropped: ${v.dropped === 'limit' ? 'too many delta series' : v.dropped}`,
  );
  return undefined;
}

function numberPoint(p: NumberPoint, c: Ctx): void {
  const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
  if (p.value === undefined && !stale) {
    c.reject(1, `a data point of ${c.family} has no value`);
    return;
  }
  c.out(c.labels(c.family, p.attributes, c.promoted, []), p.time, stale ? staleNaN : p.value!);
}

/** A classic histogram: cumulative `_bucket{le}` (+Inf = count), `_sum` when known, `_count`. */
function histogram(p: HistogramPoint, c: Ctx): void {
  const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
  if (p.bucketCounts.length !== 0 && p.bucketCounts.length !== p.bounds.length + 1 && !stale) {
    c.reject(
      1,
      `a histogram point of ${c.family} has ${p.bucketCounts.length} bucket counts for ${p.bounds.length} bounds, want bounds+1`,
    );
    return;
  }
  const v = (x: number): number => (stale ? staleNaN : x);
  let cum = 0;
  // No bucket counts means no buckets (only +Inf = count), whatever the bounds say.
  const nb = p.bucketCounts.length === 0 ? 0 : p.bounds.length;
  for (let i = 0; i < nb; i++) {
    cum += p.bucketCounts[i] ?? 0;
    c.out(
      c.labels(`${c.family}_bucket`, p.attributes, c.promoted, [['le', formatLe(p.bounds[i])]]),
      p.time,
      v(cum),
    );
  }
  c.out(
    c.labels(`${c.family}_bucket`, p.attributes, c.promoted, [['le', '+Inf']]),
    p.time,
    v(p.count),
  );
  if (p.sum !== undefined)
    c.out(c.labels(`${c.family}_sum`, p.attributes, c.promoted, []), p.time, v(p.sum));
  c.out(c.labels(`${c.family}_count`, p.attributes, c.promoted, []), p.time, v(p.count));
}

/** Bucket bound as an `le` value: shortest round-trip decimal, infinities as ±Inf. */
export function formatLe(x: number): string {
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return String(x);
}
