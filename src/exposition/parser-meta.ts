import {
  SP,
  TAB,
  isMetricNameChar,
  isMetricNameStart,
  quoteSpan,
  unescape,
  utf8SeqLen,
} from './scan.js';
import type { MetricType } from './types.js';

export type MetaKind = 'help' | 'type' | 'unit';

/** A parsed `#` line. */
export type MetaLine = { kind: MetaKind; name: string; value: string } | { kind: 'eof' };

/** What a parser offers this module: its buffer and a way to fail on the current line. */
interface LineContext {
  readonly buf: Buffer;
  fail(reason: string): never;
}

const OM_TYPES = new Set<string>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);
const TEXT_TYPES = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'unknown'],
]);

function wordAt(b: Buffer, s: number, e: number, w: string): boolean {
  if (e - s < w.length) return false;
  for (let i = 0; i < w.length; i++) if (b[s + i] !== w.charCodeAt(i)) return false;
  return true;
}

/**
 * Parses a line starting with `#` at `buf[s, e)`. OpenMetrics: exactly `# HELP name text`,
 * `# TYPE name type`, `# UNIT name unit` or `# EOF`; anything else fails. Text format: blanks
 * are free, `# HELP`/`# TYPE` are metadata, any other comment is ignored (undefined).
 */
export function parseMetadataLine(
  ctx: LineContext,
  s: number,
  e: number,
  om: boolean,
): MetaLine | undefined {
  const b = ctx.buf;
  let i = s + 1;
  if (om) {
    if (e - s === 5 && wordAt(b, s, e, '# EOF')) return { kind: 'eof' };
    if (b[i] !== SP)
      ctx.fail(`expected "# HELP", "# TYPE", "# UNIT" or "# EOF", got ${quoteSpan(b, s, e)}`);
    i++;
  } else {
    while (i < e && (b[i] === SP || b[i] === TAB)) i++;
  }
  let kind: MetaKind;
  if (wordAt(b, i, e, 'HELP')) kind = 'help';
  else if (wordAt(b, i, e, 'TYPE')) kind = 'type';
  else if (om && wordAt(b, i, e, 'UNIT')) kind = 'unit';
  else if (om)
    ctx.fail(`expected "# HELP", "# TYPE", "# UNIT" or "# EOF", got ${quoteSpan(b, s, e)}`);
  else return undefined;
  i += 4;
  if (!om && i < e && b[i] !== SP && b[i] !== TAB) return undefined; // e.g. "# HELPER"
  // One space (OpenMetrics) or blanks (text), then the metric name.
  const what = kind.toUpperCase();
  if (i >= e || b[i] !== SP) {
    if (om || i >= e || b[i] !== TAB)
      ctx.fail(`expected a space and a metric name after "# ${what}"`);
  }
  i++;
  if (!om) while (i < e && (b[i] === SP || b[i] === TAB)) i++;
  const ns = i;
  if (i >= e || !isMetricNameStart(b[i]))
    ctx.fail(`expected a metric name after "# ${what}", got ${quoteSpan(b, i, e)}`);
  while (i < e && isMetricNameChar(b[i])) i++;
  const name = b.toString('latin1', ns, i);
  if (om) {
    if (i >= e || b[i] !== SP)
      ctx.fail(`expected a space after the metric name in "# ${what}", got ${quoteSpan(b, i, e)}`);
    i++;
  } else {
    if (i < e && b[i] !== SP && b[i] !== TAB)
      ctx.fail(`expected a space after the metric name in "# ${what}", got ${quoteSpan(b, i, e)}`);
    if (kind === 'type' || i < e) i++;
    if (kind === 'type') while (i < e && (b[i] === SP || b[i] === TAB)) i++;
  }
  if (kind === 'help') {
    for (let j = i; j < e; j++) {
      if (b[j] >= 0x80) {
        const l = utf8SeqLen(b, j, e);
        if (l === 0) ctx.fail(`invalid UTF-8 in the HELP text of "${name}"`);
        j += l - 1;
      }
    }
    return { kind, name, value: unescape(b, i, e, om) };
  }
  const word = b.toString('latin1', i, e);
  if (kind === 'type') {
    const t = om ? (OM_TYPES.has(word) ? (word as MetricType) : undefined) : TEXT_TYPES.get(word);
    if (t === undefined)
      ctx.fail(`expected a metric type after "# TYPE ${name}", got ${JSON.stringify(word)}`);
    return { kind, name, value: t };
  }
  for (let j = i; j < e; j++) {
    if (!isMetricNameChar(b[j]))
      ctx.fail(
        `expected a unit of [a-zA-Z0-9_:] after "# UNIT ${name}", got ${quoteSpan(b, i, e)}`,
      );
  }
  return { kind, name, value: word };
}
