import { Labels, METRIC_NAME } from '../model/index.js';
import { ExpositionError, ExpositionLimitError } from './errors.js';
import { parseMetadataLine, type MetaKind } from './parser-meta.js';
import { OmValidator } from './om-validate.js';
import {
  BSLASH,
  COMMA,
  CR,
  EQ,
  HASH,
  LBRACE,
  NL,
  QUOTE,
  RBRACE,
  SP,
  TAB,
  countCodePoints,
  isLabelNameChar,
  isLabelNameStart,
  isMetricNameChar,
  isMetricNameStart,
  parseFloatSpan,
  parseIntSpan,
  quoteSpan,
  unescape,
  utf8SeqLen,
} from './scan.js';
import {
  DEFAULT_PARSE_LIMITS,
  type Exemplar,
  type ExpositionFormat,
  type FamilyMetadata,
  type MetricType,
  type ParseLimits,
} from './types.js';

/** What `next()` found. */
export type EntryKind = 'sample' | 'metadata' | 'eof';

export interface ParserOptions {
  limits?: Partial<ParseLimits>;
  /**
   * OpenMetrics only (default false): also enforce the spec's semantic rules (family grouping,
   * metadata placement and repetition, histogram/summary/counter/stateset/info constraints,
   * exemplar placement), as the OpenMetrics conformance suite demands. Off by default because
   * real client libraries break some of them (client_golang writes negative histogram sums) and
   * Prometheus's scraper does not check them either; the grammar is strict either way.
   */
  strict?: boolean;
}

/** Label spans per pair: name start/end, value start/end, escaped flag. */
const STRIDE = 5;
/** Exemplar label sets are capped at 128 code points, so few pairs. */
const MAX_EXEMPLAR_LABELS = 64;

/**
 * A pull parser over one exposition body (Prometheus text 0.0.4 or OpenMetrics 1.0), in one
 * pass over the bytes. `next()` moves to the next sample or family metadata; after 'sample' the
 * public fields describe it and nothing has been allocated: `seriesStart`/`seriesEnd` delimit the
 * raw series text (name and label block) so a scrape loop can hash those bytes and look up a
 * cached series, calling `labels()` (which builds strings) only on a miss.
 *
 * Metadata (`# HELP`/`# TYPE`/`# UNIT`) is reported once per family, as 'metadata', when the
 * family's metadata lines end (before its first sample). The fields are valid until the next
 * `next()` call. Throws ExpositionError (ExpositionLimitError for a broken limit).
 */
export class ExpositionParser {
  /** 1-based number of the line the current entry came from. */
  line = 0;
  nameStart = 0;
  nameEnd = 0;
  /** The raw series text `buf[seriesStart, seriesEnd)`: name plus label block, as sent. */
  seriesStart = 0;
  seriesEnd = 0;
  value = 0;
  hasTimestamp = false;
  /** Milliseconds (OpenMetrics seconds are scaled and rounded); valid when hasTimestamp. */
  timestampMs = 0;
  /** Label pairs on the current sample (`__name__` not counted); not set when `hinted`. */
  labelCount = 0;
  /** Samples returned so far. */
  samples = 0;
  /**
   * A hint from the caller: the raw series text it expects on the next sample line (say, the
   * series at the same position in the previous body of the same target). When the line starts
   * with exactly these bytes followed by a blank, the label block is not scanned again (those
   * bytes passed every check when first seen, under the same limits) and `hinted` is set. Not
   * used in strict OpenMetrics mode, which needs every label.
   */
  expect: string | undefined = undefined;
  /** The current sample matched `expect`: its labels were not scanned (labels() still works). */
  hinted = false;

  private readonly om: boolean;
  private readonly limits: ParseLimits;
  private readonly lbl: Int32Array;
  private readonly exLbl = new Int32Array(MAX_EXEMPLAR_LABELS * STRIDE);
  private ex: Exemplar | undefined;
  private pos = 0;
  private sawEof = false;
  private sampleReady = false;
  private pending: FamilyMetadata | undefined;
  private out: FamilyMetadata | undefined;
  private readonly validator: OmValidator | undefined;

  constructor(
    readonly buf: Buffer,
    readonly format: ExpositionFormat,
    opts: ParserOptions = {},
  ) {
    this.om = format === 'openmetrics';
    this.limits = { ...DEFAULT_PARSE_LIMITS, ...opts.limits };
    const maxPairs = this.limits.maxLabels > 0 ? this.limits.maxLabels + 1 : 1024;
    this.lbl = new Int32Array(maxPairs * STRIDE);
    if (this.om && opts.strict === true) this.validator = new OmValidator(this);
  }

  /** Advances to the next entry. */
  next(): EntryKind {
    if (this.sampleReady) {
      this.sampleReady = false;
      return 'sample';
    }
    const b = this.buf;
    const len = b.length;
    const maxLine = this.limits.maxLineLength;
    while (this.pos < len) {
      const s = this.pos;
      let eol = b.indexOf(NL, s);
      if (eol < 0) eol = len;
      this.pos = eol + 1;
      this.line++;
      if (maxLine > 0 && eol - s > maxLine) {
        throw new ExpositionLimitError(
          this.format,
          this.line,
          `line is ${eol - s} bytes long, over the limit of ${maxLine}`,
        );
      }
      if (this.sawEof) this.fail('unexpected text after "# EOF"');
      let e = eol;
      if (!this.om) {
        // The text format tolerates trailing whitespace and CRLF line ends.
        while (e > s && (b[e - 1] === SP || b[e - 1] === TAB || b[e - 1] === CR)) e--;
      }
      if (s === e) {
        if (this.om) this.fail('expected a sample or a comment, got an empty line');
        continue;
      }
      if (b[s] === HASH) {
        const kind = this.comment(s, e, eol);
        if (kind !== undefined) return kind;
        continue;
      }
      this.sample(s, e);
      if (this.pending !== undefined) {
        this.out = this.pending;
        this.pending = undefined;
        this.sampleReady = true;
        return 'metadata';
      }
      return 'sample';
    }
    if (this.pending !== undefined) {
      this.out = this.pending;
      this.pending = undefined;
      return 'metadata';
    }
    if (this.om && !this.sawEof) {
      this.line++;
      this.fail('expected "# EOF" at the end of an OpenMetrics body');
    }
    if (this.pos <= len) {
      this.pos = len + 1;
      this.validator?.end();
    }
    return 'eof';
  }

  /** The metric name of the current sample. */
  name(): string {
    if (this.hinted) this.rescan();
    return this.buf.toString('latin1', this.nameStart, this.nameEnd);
  }

  /** The current sample's labels, `__name__` included (allocates: call on a cache miss). */
  labels(): Labels {
    const name = this.name();
    return this.buildLabels(this.lbl, this.labelCount, name);
  }

  /** Scans the name and label block a hinted sample skipped. */
  private rescan(): void {
    this.hinted = false;
    this.scanSeries(this.seriesStart, this.seriesEnd + 1);
  }

  /** The current sample's exemplar (OpenMetrics), or undefined. */
  exemplar(): Exemplar | undefined {
    return this.ex;
  }

  /** The family metadata after next() returned 'metadata'. */
  metadata(): FamilyMetadata {
    if (this.out === undefined) throw new ExpositionError(this.format, this.line, 'no metadata');
    return this.out;
  }

  /** Index of the label named `name` on the current sample, or -1. */
  findLabel(name: string): number {
    const b = this.buf;
    const l = this.lbl;
    outer: for (let j = 0; j < this.labelCount; j++) {
      const ns = l[j * STRIDE];
      if (l[j * STRIDE + 1] - ns !== name.length) continue;
      for (let k = 0; k < name.length; k++) if (b[ns + k] !== name.charCodeAt(k)) continue outer;
      return j;
    }
    return -1;
  }

  /** `[start, end)` of label j's raw value; escapes are not decoded. */
  labelValueStart(j: number): number {
    return this.lbl[j * STRIDE + 2];
  }
  labelValueEnd(j: number): number {
    return this.lbl[j * STRIDE + 3];
  }
  labelNameStart(j: number): number {
    return this.lbl[j * STRIDE];
  }
  labelNameEnd(j: number): number {
    return this.lbl[j * STRIDE + 1];
  }

  /** Throws an ExpositionError for the current line. */
  fail(reason: string): never {
    throw new ExpositionError(this.format, this.line, reason);
  }

  private limit(reason: string): never {
    throw new ExpositionLimitError(this.format, this.line, reason);
  }

  /** A `#` line: metadata, `# EOF`, or (text format) an ignored comment. */
  private comment(s: number, e: number, eol: number): EntryKind | undefined {
    const m = parseMetadataLine(this, s, e, this.om);
    if (m === undefined) return undefined;
    if (m.kind === 'eof') {
      const len = this.buf.length;
      if (eol < len && eol + 1 < len) {
        this.line++;
        this.fail('unexpected text after "# EOF"');
      }
      this.sawEof = true;
      return undefined;
    }
    this.validator?.meta(m.kind, m.name, m.value);
    let ret: EntryKind | undefined;
    if (this.pending !== undefined && this.pending.name !== m.name) {
      this.out = this.pending;
      this.pending = undefined;
      ret = 'metadata';
    }
    const p = (this.pending ??= { name: m.name, type: 'unknown', help: '', unit: '' });
    applyMeta(p, m.kind, m.value);
    return ret;
  }

  /** Parses one sample line `buf[s, e)` into the public fields. */
  private sample(s: number, e: number): void {
    const b = this.buf;
    const x = this.expect;
    let i: number;
    if (x !== undefined && this.validator === undefined && this.matchesExpected(x, s, e)) {
      i = s + x.length;
      this.nameStart = s;
      this.seriesStart = s;
      this.seriesEnd = i;
      this.hinted = true;
    } else {
      this.hinted = false;
      i = this.scanSeries(s, e);
    }
    i = this.gap(i, e, 'the value');
    const ve = tokenEnd(b, i, e);
    const v = parseFloatSpan(b, i, ve, true);
    if (v === undefined) {
      this.fail(
        `expected a float value after the ${this.labelCount > 0 ? 'labels' : 'metric name'}, got ${quoteSpan(b, i, ve)}`,
      );
    }
    this.value = v;
    this.hasTimestamp = false;
    this.ex = undefined;
    i = ve;
    if (i < e) i = this.tail(i, e);
    const max = this.limits.maxSamples;
    if (max > 0 && this.samples >= max) this.limit(`more than ${max} samples`);
    this.samples++;
    this.validator?.sample();
  }

  /**
   * Whether line `buf[s, e)` starts with the series text `x` as a whole token: a blank follows,
   * and (text format) no label block after blanks when `x` has none.
   */
  private matchesExpected(x: string, s: number, e: number): boolean {
    const b = this.buf;
    const n = x.length;
    const end = s + n;
    if (end >= e) return false;
    const c = b[end];
    if (c !== SP && (this.om || c !== TAB)) return false;
    for (let k = 0; k < n; k++) if (b[s + k] !== x.charCodeAt(k)) return false;
    if (!this.om && x.charCodeAt(n - 1) !== RBRACE && b[skipWs(b, end, e)] === LBRACE) return false;
    return true;
  }

  /** Scans the metric name and label block at `buf[s]`; returns the index after them. */
  private scanSeries(s: number, e: number): number {
    const b = this.buf;
    let i = s;
    if (!isMetricNameStart(b[i])) {
      this.fail(`expected a metric name or a comment, got ${quoteSpan(b, s, tokenEnd(b, s, e))}`);
    }
    i++;
    while (i < e && isMetricNameChar(b[i])) i++;
    this.nameStart = s;
    this.nameEnd = i;
    this.labelCount = 0;
    if (!this.om && (b[i] === SP || b[i] === TAB)) {
      const j = skipWs(b, i, e);
      if (b[j] === LBRACE) i = j; // text: `name {labels}` is fine
    }
    if (i < e && b[i] === LBRACE) {
      i = this.scanLabels(i + 1, e, this.lbl, false);
    }
    this.seriesStart = s;
    this.seriesEnd = i;
    return i;
  }

  /** After the value: an optional timestamp and (OpenMetrics) an optional exemplar. */
  private tail(i: number, e: number): number {
    const b = this.buf;
    if (!this.om) {
      i = skipWs(b, i, e);
      const te = tokenEnd(b, i, e);
      const ts = parseIntSpan(b, i, te);
      if (ts === undefined) {
        this.fail(
          `expected an integer timestamp in milliseconds after the value, got ${quoteSpan(b, i, te)}`,
        );
      }
      this.hasTimestamp = true;
      this.timestampMs = ts;
      i = skipWs(b, te, e);
      if (i < e)
        this.fail(`expected the end of the line after the timestamp, got ${quoteSpan(b, i, e)}`);
      return i;
    }
    this.space(i, e);
    i++;
    if (i < e && b[i] !== HASH) {
      const te = tokenEnd(b, i, e);
      const ts = parseFloatSpan(b, i, te, false);
      if (ts === undefined) {
        this.fail(
          `expected a timestamp in seconds or "# " and an exemplar after the value, got ${quoteSpan(b, i, te)}`,
        );
      }
      this.hasTimestamp = true;
      this.timestampMs = Math.round(ts * 1000) + 0;
      i = te;
      if (i === e) return i;
      this.space(i, e);
      i++;
    }
    if (i >= e || b[i] !== HASH) {
      this.fail(
        `expected a timestamp or "# " and an exemplar after the value, got ${quoteSpan(b, i, e)}`,
      );
    }
    return this.exemplarAt(i, e);
  }

  /** `# {labels} value [timestamp]` at `buf[i]` (the `#`). */
  private exemplarAt(i: number, e: number): number {
    const b = this.buf;
    if (b[i + 1] !== SP || b[i + 2] !== LBRACE) {
      this.fail(`expected "# {" to start an exemplar, got ${quoteSpan(b, i, e)}`);
    }
    const le = this.scanLabels(i + 3, e, this.exLbl, true);
    let cp = 0;
    for (let j = 0; j < this.exCount; j++) {
      const o = j * STRIDE;
      cp += countCodePoints(b, this.exLbl[o], this.exLbl[o + 1]);
      cp += countCodePoints(b, this.exLbl[o + 2], this.exLbl[o + 3]);
    }
    if (cp > 128) this.fail(`exemplar labels are ${cp} code points long, over the limit of 128`);
    i = this.gap(le, e, 'the exemplar value');
    const ve = tokenEnd(b, i, e);
    const v = parseFloatSpan(b, i, ve, true);
    if (v === undefined) this.fail(`expected an exemplar value, got ${quoteSpan(b, i, ve)}`);
    const ex: Exemplar = {
      labels: this.buildLabels(this.exLbl, this.exCount, undefined),
      value: v,
    };
    i = ve;
    if (i < e) {
      this.space(i, e);
      i++;
      const te = tokenEnd(b, i, e);
      const ts = parseFloatSpan(b, i, te, false);
      if (ts === undefined) this.fail(`expected an exemplar timestamp, got ${quoteSpan(b, i, te)}`);
      ex.timestampMs = Math.round(ts * 1000) + 0;
      if (te !== e)
        this.fail(`expected the end of the line after the exemplar, got ${quoteSpan(b, te, e)}`);
      i = te;
    }
    this.ex = ex;
    return i;
  }

  /** OpenMetrics separates tokens by exactly one space. */
  private space(i: number, e: number): void {
    if (this.buf[i] !== SP) this.fail(`expected a single space, got ${quoteSpan(this.buf, i, e)}`);
  }

  /** Exemplar label pairs found by the last scanLabels(…, true). */
  private exCount = 0;

  /** The separator before a token: one space (OpenMetrics) or any blanks (text). */
  private gap(i: number, e: number, what: string): number {
    const b = this.buf;
    if (this.om) {
      if (i >= e || b[i] !== SP)
        this.fail(`expected a space before ${what}, got ${quoteSpan(b, i, e)}`);
      return i + 1;
    }
    if (i >= e || (b[i] !== SP && b[i] !== TAB)) {
      this.fail(`expected a space before ${what}, got ${quoteSpan(b, i, e)}`);
    }
    return skipWs(b, i, e);
  }

  /**
   * Scans `name="value",…}` from `buf[i]` (just after `{`) into `out`; returns the index after
   * `}`. Checks names, quoting, UTF-8, duplicates and the label limits.
   */
  private scanLabels(i: number, e: number, out: Int32Array, exemplar: boolean): number {
    const b = this.buf;
    const om = this.om;
    const cap = out.length / STRIDE;
    const lim = this.limits;
    let n = 0;
    if (om && i < e && b[i] === RBRACE) {
      if (exemplar) this.exCount = 0;
      return i + 1;
    }
    for (;;) {
      if (!om) {
        i = skipWs(b, i, e);
        if (i < e && b[i] === RBRACE) break; // text: `{}` and a trailing comma are fine
      }
      if (i >= e || !isLabelNameStart(b[i])) {
        this.fail(`expected a label name, got ${quoteSpan(b, i, e)}`);
      }
      const ns = i;
      i++;
      while (i < e && isLabelNameChar(b[i])) i++;
      const ne = i;
      if (lim.maxLabelNameLength > 0 && ne - ns > lim.maxLabelNameLength) {
        this.limit(
          `label name ${quoteSpan(b, ns, ne)} is ${ne - ns} bytes long, over the limit of ${lim.maxLabelNameLength}`,
        );
      }
      if (ne - ns === 8 && isMetricNameLabel(b, ns)) {
        this.fail(`label name "${METRIC_NAME}" is reserved for the metric name`);
      }
      if (!om) i = skipWs(b, i, e);
      if (i >= e || b[i] !== EQ)
        this.fail(
          `expected "=" after label name ${quoteSpan(b, ns, ne)}, got ${quoteSpan(b, i, e)}`,
        );
      i++;
      if (!om) i = skipWs(b, i, e);
      if (i >= e || b[i] !== QUOTE) {
        this.fail(
          `expected a quoted value for label ${quoteSpan(b, ns, ne)}, got ${quoteSpan(b, i, e)}`,
        );
      }
      i++;
      const vs = i;
      let esc = 0;
      for (;;) {
        if (i >= e) this.fail(`unterminated value for label ${quoteSpan(b, ns, ne)}`);
        const c = b[i];
        if (c === QUOTE) break;
        if (c === BSLASH) {
          esc = 1;
          i += b[i + 1] === QUOTE || b[i + 1] === BSLASH ? 2 : 1;
        } else if (c >= 0x80) {
          const l = utf8SeqLen(b, i, e);
          if (l === 0) this.fail(`invalid UTF-8 in the value of label ${quoteSpan(b, ns, ne)}`);
          i += l;
        } else i++;
      }
      const ve = i;
      i++;
      if (lim.maxLabelValueLength > 0 && ve - vs > lim.maxLabelValueLength) {
        this.limit(
          `value of label ${quoteSpan(b, ns, ne)} is ${ve - vs} bytes long, over the limit of ${lim.maxLabelValueLength}`,
        );
      }
      if (n >= cap || (!exemplar && lim.maxLabels > 0 && n >= lim.maxLabels)) {
        if (exemplar) this.fail(`more than ${cap} exemplar labels`);
        this.limit(`more than ${lim.maxLabels} labels on one sample`);
      }
      for (let j = 0; j < n; j++) {
        const o = j * STRIDE;
        if (out[o + 1] - out[o] === ne - ns && b.compare(b, ns, ne, out[o], out[o + 1]) === 0) {
          this.fail(`duplicate label name ${quoteSpan(b, ns, ne)}`);
        }
      }
      const o = n * STRIDE;
      out[o] = ns;
      out[o + 1] = ne;
      out[o + 2] = vs;
      out[o + 3] = ve;
      out[o + 4] = esc;
      n++;
      if (!om) i = skipWs(b, i, e);
      if (i < e && b[i] === COMMA) {
        i++;
        continue;
      }
      if (i < e && b[i] === RBRACE) break;
      this.fail(
        `expected "," or "}" after the value of label ${quoteSpan(b, ns, ne)}, got ${quoteSpan(b, i, e)}`,
      );
    }
    if (exemplar) this.exCount = n;
    else this.labelCount = n;
    return i + 1;
  }

  private buildLabels(l: Int32Array, n: number, name: string | undefined): Labels {
    const b = this.buf;
    const pairs: [string, string][] = [];
    if (name !== undefined) pairs.push([METRIC_NAME, name]);
    for (let j = 0; j < n; j++) {
      const o = j * STRIDE;
      const v =
        l[o + 4] === 1
          ? unescape(b, l[o + 2], l[o + 3], true)
          : b.toString('utf8', l[o + 2], l[o + 3]);
      pairs.push([b.toString('latin1', l[o], l[o + 1]), v]);
    }
    return Labels.fromPairs(pairs);
  }
}

function applyMeta(p: FamilyMetadata, kind: MetaKind, value: string): void {
  if (kind === 'type') p.type = value as MetricType;
  else if (kind === 'help') p.help = value;
  else p.unit = value;
}

/** Whether the 8 bytes at `b[i]` spell `__name__` (without building a string). */
function isMetricNameLabel(b: Buffer, i: number): boolean {
  for (let k = 0; k < 8; k++) if (b[i + k] !== METRIC_NAME.charCodeAt(k)) return false;
  return true;
}

function skipWs(b: Buffer, i: number, e: number): number {
  while (i < e && (b[i] === SP || b[i] === TAB)) i++;
  return i;
}

/** End of the token at `i`: the next blank or `e`. */
function tokenEnd(b: Buffer, i: number, e: number): number {
  while (i < e && b[i] !== SP && b[i] !== TAB) i++;
  return i;
}
