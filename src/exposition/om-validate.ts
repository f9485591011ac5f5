import { hashBytes } from '../util/index.js';
import type { MetaKind } from './parser-meta.js';
import { parseFloatSpan } from './scan.js';
import type { MetricType } from './types.js';

/** The parts of the parser the validator reads (the current sample). */
export interface SampleView {
  readonly buf: Buffer;
  nameStart: number;
  nameEnd: number;
  seriesStart: number;
  seriesEnd: number;
  value: number;
  hasTimestamp: boolean;
  timestampMs: number;
  labelCount: number;
  name(): string;
  exemplar(): unknown;
  findLabel(name: string): number;
  labelNameStart(j: number): number;
  labelNameEnd(j: number): number;
  labelValueStart(j: number): number;
  labelValueEnd(j: number): number;
  fail(reason: string): never;
}

/** Sample-name suffixes each type allows (OpenMetrics 1.0, "Metric types"). */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
};

interface Family {
  name: string;
  type: MetricType;
  hasType: boolean;
  hasHelp: boolean;
  hasUnit: boolean;
  unit: string;
  samples: number;
}

/** State of one MetricPoint group (a family's samples sharing labels, le/quantile aside). */
interface Group {
  key: number;
  buckets: number;
  lastLe: number;
  lastBucket: number;
  inf: number | undefined;
  negative: boolean;
  sum: number | undefined;
  count: number | undefined;
}

function newGroup(key: number): Group {
  return {
    key,
    buckets: 0,
    lastLe: -Infinity,
    lastBucket: 0,
    inf: undefined,
    negative: false,
    sum: undefined,
    count: undefined,
  };
}

/**
 * OpenMetrics 1.0's semantic rules on top of the grammar: metadata before samples and once per
 * family, families not interleaved or clashing, sample names fitting the family's type, and the
 * per-type value/label constraints (counters, histograms, summaries, info, stateset), exemplars
 * only where allowed, repeated series only with increasing timestamps. Costs one byte hash per
 * sample; strings are built only when a family starts.
 */
export class OmValidator {
  private fam: Family | undefined;
  private readonly claimed = new Set<string>();
  private readonly seenGroups = new Set<number>();
  private grp: Group | undefined;
  private lastSeries = -1;
  private lastHasTs = false;
  private lastTs = 0;

  constructor(private readonly p: SampleView) {}

  meta(kind: MetaKind, name: string, value: string): void {
    const p: SampleView = this.p;
    let f = this.fam;
    if (f === undefined || f.name !== name) f = this.startFamily(name);
    if (f.samples > 0) p.fail(`# ${kind.toUpperCase()} for "${name}" after its samples`);
    if (kind === 'type') {
      if (f.hasType) p.fail(`repeated # TYPE for "${name}"`);
      f.hasType = true;
      f.type = value as MetricType;
      for (const suf of SUFFIXES[f.type]) {
        if (suf === '') continue;
        if (this.claimed.has(name + suf))
          p.fail(`family "${name}" (${f.type}) clashes with an earlier family "${name + suf}"`);
        this.claimed.add(name + suf);
      }
    } else if (kind === 'help') {
      if (f.hasHelp) p.fail(`repeated # HELP for "${name}"`);
      f.hasHelp = true;
    } else {
      if (f.hasUnit) p.fail(`repeated # UNIT for "${name}"`);
      f.hasUnit = true;
      f.unit = value;
      if (value !== '' && !name.endsWith('_' + value))
        p.fail(`family "${name}" must end with its unit "_${value}"`);
    }
    if (f.unit !== '' && (f.type === 'info' || f.type === 'stateset'))
      p.fail(`a ${f.type} family cannot have a unit`);
  }

  sample(): void {
    const p: SampleView = this.p;
    const cur = this.fam;
    let suffix = cur === undefined ? undefined : this.suffixOf(cur);
    let f: Family;
    if (cur === undefined || suffix === undefined) {
      f = this.startFamily(p.name());
      suffix = '';
    } else f = cur;
    f.samples++;
    const v = p.value;
    const t = f.type;
    let excluded = -1;
    let exemplarOk = false;
    if (t === 'counter') {
      if (suffix === '_total' || suffix === '_created') this.counterValue(v, suffix);
      exemplarOk = suffix === '_total';
    } else if (t === 'histogram' || t === 'gaugehistogram') {
      if (suffix === '_bucket') {
        excluded = p.findLabel('le');
        exemplarOk = true;
      }
    } else if (t === 'summary' && (suffix === '_sum' || suffix === '_count')) {
      this.counterValue(v, suffix);
    } else if (t === 'summary' && suffix === '') {
      excluded = p.findLabel('quantile');
      if (excluded < 0) p.fail(`summary quantile "${p.name()}" without a "quantile" label`);
      const q = parseFloatSpan(p.buf, p.labelValueStart(excluded), p.labelValueEnd(excluded), true);
      if (q === undefined || !(q >= 0 && q <= 1)) p.fail(`quantile must be a number in [0, 1]`);
      if (v < 0) p.fail(`quantile value must not be negative, got ${v}`);
    } else if (t === 'stateset') {
      excluded = p.findLabel(f.name);
      if (excluded < 0) p.fail(`stateset sample without a "${f.name}" label`);
      if (v !== 0 && v !== 1) p.fail(`stateset value must be 0 or 1, got ${v}`);
    } else if (t === 'info') {
      if (v !== 1) p.fail(`info value must be 1, got ${v}`);
    }
    if (p.exemplar() !== undefined && !exemplarOk) {
      p.fail(
        `exemplars are only allowed on counter _total and histogram _bucket samples, not on "${p.name()}"`,
      );
    }
    const key = this.groupKey(excluded);
    if (this.grp === undefined || this.grp.key !== key) {
      this.endGroup();
      if (this.seenGroups.has(key))
        p.fail(`samples of one ${t} metric must be contiguous ("${p.name()}" seen earlier)`);
      this.seenGroups.add(key);
      this.grp = newGroup(key);
    }
    if (t === 'histogram' || t === 'gaugehistogram') this.histogramSample(t, suffix, v, excluded);
    const series = hashBytes(p.buf, p.seriesStart, p.seriesEnd);
    if (series === this.lastSeries) {
      if (!this.lastHasTs || !p.hasTimestamp)
        p.fail(`repeated series "${p.name()}" needs timestamps on every sample`);
      if (p.timestampMs < this.lastTs) p.fail(`timestamps of "${p.name()}" must not go backwards`);
    }
    this.lastSeries = series;
    this.lastHasTs = p.hasTimestamp;
    this.lastTs = p.timestampMs;
  }

  /** At `# EOF`: the last group's checks. */
  end(): void {
    this.endGroup();
  }

  private counterValue(v: number, what: string): void {
    if (!(v >= 0))
      this.p.fail(
        `${what.slice(1) || 'value'} of "${this.p.name()}" must not be NaN or negative, got ${v}`,
      );
  }

  private histogramSample(t: MetricType, suffix: string, v: number, le: number): void {
    const p: SampleView = this.p;
    const g = this.grp as Group;
    if (suffix === '_bucket') {
      if (le < 0) p.fail(`bucket "${p.name()}" without an "le" label`);
      const s = p.labelValueStart(le);
      const e = p.labelValueEnd(le);
      const isInf = e - s === 4 && p.buf.toString('latin1', s, e) === '+Inf';
      const bound = isInf ? Infinity : parseFloatSpan(p.buf, s, e, false);
      if (bound === undefined) p.fail(`bucket bound "le" must be a number or "+Inf"`);
      if (!(bound > g.lastLe)) p.fail(`buckets must be in increasing "le" order`);
      this.counterValue(v, '_bucket');
      if (v < g.lastBucket)
        p.fail(`bucket counts must not decrease, got ${v} after ${g.lastBucket}`);
      g.lastLe = bound;
      g.lastBucket = v;
      g.buckets++;
      if (bound < 0) g.negative = true;
      if (isInf) g.inf = v;
    } else if (suffix === '_count' || suffix === '_gcount') {
      this.counterValue(v, suffix);
      g.count = v;
    } else if (suffix === '_sum' || suffix === '_gsum') {
      if (t === 'histogram') this.counterValue(v, suffix);
      else if (Number.isNaN(v)) p.fail(`_gsum must not be NaN`);
      g.sum = v;
    }
  }

  private endGroup(): void {
    const g = this.grp;
    const f = this.fam;
    this.grp = undefined;
    if (g === undefined || f === undefined) return;
    if (f.type !== 'histogram' && f.type !== 'gaugehistogram') return;
    const p: SampleView = this.p;
    const n = f.name;
    if (g.buckets === 0 && g.sum === undefined && g.count === undefined) return; // only _created
    if (g.inf === undefined) p.fail(`${f.type} "${n}" has no "+Inf" bucket`);
    if ((g.sum === undefined) !== (g.count === undefined))
      p.fail(`${f.type} "${n}" must have both or neither of sum and count`);
    if (g.count !== undefined && g.count !== g.inf)
      p.fail(`${f.type} "${n}" count ${g.count} differs from its +Inf bucket ${g.inf}`);
    if (g.sum !== undefined) {
      if (f.type === 'histogram' && g.negative)
        p.fail(`histogram "${n}" with negative buckets must not have a sum`);
      if (f.type === 'gaugehistogram' && g.sum < 0 && !g.negative)
        p.fail(`gaugehistogram "${n}" has a negative sum but no negative bucket`);
    }
  }

  private startFamily(name: string): Family {
    this.endGroup();
    if (this.claimed.has(name))
      this.p.fail(`family "${name}" appears twice or clashes with an earlier family`);
    this.claimed.add(name);
    this.seenGroups.clear();
    this.lastSeries = -1;
    const f: Family = {
      name,
      type: 'unknown',
      hasType: false,
      hasHelp: false,
      hasUnit: false,
      unit: '',
      samples: 0,
    };
    this.fam = f;
    return f;
  }

  /** The suffix the current sample's name has after the family name, or undefined if not ours. */
  private suffixOf(f: Family): string | undefined {
    const p: SampleView = this.p;
    const b = p.buf;
    const n = f.name;
    const s = p.nameStart;
    const len = p.nameEnd - s;
    if (len < n.length) return undefined;
    for (let i = 0; i < n.length; i++) if (b[s + i] !== n.charCodeAt(i)) return undefined;
    outer: for (const suf of SUFFIXES[f.type]) {
      if (len !== n.length + suf.length) continue;
      for (let i = 0; i < suf.length; i++)
        if (b[s + n.length + i] !== suf.charCodeAt(i)) continue outer;
      return suf;
    }
    return undefined;
  }

  /** Hash of the sample's label pairs except `excluded`: which MetricPoint group it is in. */
  private groupKey(excluded: number): number {
    const p: SampleView = this.p;
    const b = p.buf;
    let h1 = 0x811c9dc5;
    let h2 = 0x41c6ce57;
    for (let j = 0; j < p.labelCount; j++) {
      if (j === excluded) continue;
      for (const [s, e] of [
        [p.labelNameStart(j), p.labelNameEnd(j)],
        [p.labelValueStart(j), p.labelValueEnd(j)],
      ]) {
        for (let i = s; i < e; i++) {
          h1 = Math.imul(h1 ^ b[i], 2654435761);
          h2 = Math.imul(h2 ^ b[i], 1597334677);
        }
        h1 = Math.imul(h1 ^ 0xff, 2654435761);
        h2 = Math.imul(h2 ^ 0xff, 1597334677);
      }
    }
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}
