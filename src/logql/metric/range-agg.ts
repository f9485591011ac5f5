import { Labels } from '../../model/index.js';
import type { RangeAggExpr } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import {
  compileLabelFilter,
  parseGoDuration,
  parseGoFloat,
  parseHumanBytes,
} from '../pipeline/label-filter.js';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, LabelsBuilder } from '../pipeline/labels-builder.js';
import type { ProcessedRecord, SelectProcessed } from '../types.js';
import { accKind, prefixCounts, SegmentAcc } from './range-acc.js';
import { segmentLayout, type SegmentLayout } from './range-window.js';
import { groupLabels, newSeries, type StepGrid, type StepSeries } from './steps.js';

export const SAMPLE_EXTRACTION_ERR = 'SampleExtractionErr';

export interface RangeContext {
  select: SelectProcessed;
  signal?: AbortSignal;
}

interface Entry {
  labels: Labels;
  acc: SegmentAcc;
}

/**
 * Evaluates a range aggregation over the whole grid with one `select` of
 * (first window start, last step] and one pass over its records.
 */
export async function evalRangeAgg(
  expr: RangeAggExpr,
  grid: StepGrid,
  ctx: RangeContext,
): Promise<StepSeries[]> {
  if (!(expr.rangeMs > 0)) {
    throw new LogqlEvalError(
      `cannot evaluate ${expr.op}: range must be positive, got ${expr.rangeMs}ms`,
    );
  }
  if (expr.op === 'quantile_over_time' && expr.param === undefined) {
    throw new LogqlEvalError('cannot evaluate quantile_over_time: missing the quantile parameter');
  }
  // An instant query's one window needs one segment: use the range as the step.
  const stepMs = grid.n === 1 ? expr.rangeMs : grid.stepMs;
  const segs = segmentLayout(grid.n, stepMs, expr.rangeMs);
  const e0 = grid.startMs - expr.offsetMs;
  const eLast = e0 + (grid.n - 1) * grid.stepMs;
  const originNs = BigInt(e0) * 1_000_000n;
  // [start, end) in ns for (e_0 - R, e_last]: both ends shifted by one ns.
  const from = BigInt(e0 - expr.rangeMs) * 1_000_000n + 1n;
  const to = BigInt(eLast) * 1_000_000n + 1n;

  const kind = accKind(expr.op);
  const absent = expr.op === 'absent_over_time';
  const key = keyer(expr);
  const byHash = new Map<number, Entry[]>();
  let lastIn: Labels | undefined;
  let lastEntry: Entry | undefined;
  const bytes = expr.op === 'bytes_over_time' || expr.op === 'bytes_rate';
  const unwrap = expr.unwrap !== undefined ? unwrapper(expr) : undefined;

  const entryFor = (labels: Labels): Entry => {
    const h = labels.hash();
    let list = byHash.get(h);
    if (list === undefined) byHash.set(h, (list = []));
    for (const e of list) if (e.labels.equals(labels)) return e;
    if (labels.get(ERROR_LABEL) !== '') throw pipelineError(labels);
    const e = { labels, acc: new SegmentAcc(kind, segs.size) };
    list.push(e);
    return e;
  };

  for await (const batch of ctx.select(expr.log, from, to, ctx.signal)) {
    ctx.signal?.throwIfAborted();
    for (let j = 0; j < batch.length; j++) {
      const rec = batch[j];
      const rel = Number(rec.ts - originNs);
      const seg = segs.indexOf(rel);
      if (seg < 0) continue;
      let v = 1;
      let entry: Entry;
      if (unwrap !== undefined) {
        const s = unwrap(rec);
        if (s === undefined) continue;
        v = s.value;
        entry = s.labels === lastIn ? lastEntry! : entryFor(s.labels);
        lastIn = s.labels;
      } else {
        if (rec.labels === lastIn) entry = lastEntry!;
        else {
          entry = entryFor(key(rec.labels));
          lastIn = rec.labels;
        }
        if (bytes) v = Buffer.byteLength(rec.line, 'utf8');
      }
      lastEntry = entry;
      entry.acc.add(seg, v, rel);
    }
  }

  const rangeSec = expr.rangeMs / 1000;
  const param = expr.param ?? 0;
  const out: StepSeries[] = [];
  if (absent) return absentSeries(expr, grid, segs, byHash);
  for (const list of byHash.values()) {
    for (const { labels, acc } of list) {
      const s = newSeries(labels, grid.n);
      const prefix = prefixCounts(acc.cnt);
      for (let i = 0; i < grid.n; i++) {
        const v = acc.window(expr.op, segs, i, prefix, rangeSec, param);
        if (v === undefined) continue;
        s.values[i] = v;
        s.present[i] = 1;
      }
      out.push(s);
    }
  }
  return out;
}

/** Output labels of a record for the non-unwrapped aggregations (all labels, or grouped). */
function keyer(expr: RangeAggExpr): (l: Labels) => Labels {
  const g = expr.grouping;
  if (g === undefined) return (l) => l;
  return (l) => (l.get(ERROR_LABEL) !== '' ? l : groupLabels(l, g.without, g.labels));
}

interface Unwrapped {
  value: number;
  labels: Labels;
}

/**
 * The sample extractor of `| unwrap`: converts the label, sets `__error__` when it does not
 * convert, runs the post filters, and derives the series labels (without the unwrapped label,
 * then `by`/`without`; a sample with an error keeps all its labels, as in Loki). A record
 * without the label yields no sample.
 */
function unwrapper(expr: RangeAggExpr): (rec: ProcessedRecord) => Unwrapped | undefined {
  const u = expr.unwrap!;
  const conv =
    u.conv === 'bytes'
      ? parseHumanBytes
      : u.conv === 'duration' || u.conv === 'duration_seconds'
        ? parseGoDuration
        : parseGoFloat;
  const filters = u.postFilters.map(compileLabelFilter);
  const g = expr.grouping;
  const lbs = new LabelsBuilder();
  // Derived labels per input label set: records of one stream share their Labels instance.
  let lastIn: Labels | undefined;
  let lastOut: Labels | undefined;
  const derive = (l: Labels): Labels => {
    if (l === lastIn) return lastOut!;
    let out = l.without(u.label);
    if (g !== undefined) out = groupLabels(out, g.without, g.labels);
    lastIn = l;
    lastOut = out;
    return out;
  };
  return (rec) => {
    const raw = rec.labels.get(u.label);
    if (raw === '') return undefined;
    let value = conv(raw);
    if (value === undefined && filters.length === 0) {
      const labels = Labels.fromPairs([
        ...pairsOf(rec.labels),
        [ERROR_LABEL, SAMPLE_EXTRACTION_ERR],
        [ERROR_DETAILS_LABEL, conversionDetails(raw, u.conv)],
      ]);
      throw pipelineError(labels);
    }
    if (filters.length > 0) {
      lbs.reset(rec.labels, undefined);
      if (value === undefined) lbs.setErr(SAMPLE_EXTRACTION_ERR, conversionDetails(raw, u.conv));
      for (const f of filters) if (!f(lbs)) return undefined;
      if (lbs.changed) {
        const l = lbs.toLabels();
        if (l.get(ERROR_LABEL) !== '') throw pipelineError(l);
        return { value: value ?? 0, labels: derive(l) };
      }
    }
    value ??= 0;
    return { value, labels: derive(rec.labels) };
  };
}

function pairsOf(l: Labels): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < l.size; i++) out.push([l.name(i), l.value(i)]);
  return out;
}

function conversionDetails(raw: string, conv: string | undefined): string {
  const what = conv === undefined ? 'float' : conv;
  return `cannot convert ${JSON.stringify(raw)} to ${what}`;
}

/** Loki's ErrPipeline: a sample with `__error__` reached a metric aggregation. */
export function pipelineError(labels: Labels): LogqlEvalError {
  const err = labels.get(ERROR_LABEL);
  return new LogqlEvalError(
    `cannot evaluate metric query: pipeline error: '${err}' for series: '${labels.toString()}'. ` +
      `Use a label filter to intentionally skip this error. (e.g | __error__!="${err}")`,
  );
}

/**
 * absent_over_time: 1 at each step whose window holds no record of any series, labelled with
 * the selector's equality matchers (a name matched twice is left out), as in Loki.
 */
function absentSeries(
  expr: RangeAggExpr,
  grid: StepGrid,
  segs: SegmentLayout,
  byHash: Map<number, Entry[]>,
): StepSeries[] {
  const total = new Float64Array(segs.size);
  for (const list of byHash.values()) {
    for (const { acc } of list) for (let s = 0; s < segs.size; s++) total[s] += acc.cnt[s];
  }
  const prefix = prefixCounts(total);
  const s = newSeries(absentLabels(expr), grid.n);
  for (let i = 0; i < grid.n; i++) {
    if (prefix[segs.hi(i) + 1] - prefix[segs.lo(i)] > 0) continue;
    s.values[i] = 1;
    s.present[i] = 1;
  }
  return [s];
}

function absentLabels(expr: RangeAggExpr): Labels {
  const seen = new Map<string, string | null>();
  for (const m of expr.log.matchers) {
    if (seen.has(m.name)) seen.set(m.name, null);
    else seen.set(m.name, m.type === '=' ? m.value : null);
  }
  const pairs: [string, string][] = [];
  for (const [n, v] of seen) if (v !== null) pairs.push([n, v]);
  return Labels.fromPairs(pairs);
}
