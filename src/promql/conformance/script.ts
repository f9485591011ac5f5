/**
 * Parser of Prometheus's PromQL test scripts (`promql/testdata/*.test`) into commands, per
 * /work/shared/conformance/promql/FORMAT.md §1–5 (current `expect` lines and the deprecated
 * `eval_fail`/`eval_warn`/`eval_info`/`eval_ordered` headers alike).
 */
import { RE2JS } from 're2js';
import { Labels } from '../../model/index.js';
import {
  expandValues,
  parseDuration,
  parseNumber,
  readString,
  ScriptParseError,
  type SeqValue,
} from './script-values.js';

export { ScriptParseError, type SeqValue } from './script-values.js';

/** How an expected message is matched: any text, exact text, or an unanchored RE2 search. */
export type MessageMatcher =
  | { readonly kind: 'any' }
  | { readonly kind: 'msg'; readonly text: string }
  | { readonly kind: 'regex'; readonly source: string; readonly re: RE2JS };

export interface SeriesLine {
  readonly labels: Labels;
  readonly values: SeqValue[];
  /** 1-based line in the file. */
  readonly line: number;
}

export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly intervalMs: number;
  readonly withNhcb: boolean;
  /** Later lines for the same labels replace earlier ones (as upstream). */
  readonly series: SeriesLine[];
  /** Some value is a `{{…}}` native-histogram literal. */
  readonly hasHistograms: boolean;
  /** Some line gives start timestamps (`metric@st …`, FORMAT.md §3.4); they are not loaded. */
  readonly hasStartTimestamps: boolean;
}

export interface ClearCommand {
  readonly kind: 'clear';
  readonly line: number;
}

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  readonly query: string;
  readonly mode: 'instant' | 'range';
  /** Instant: evaluation time (ms). Range: start. */
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  /** Every matcher the error must satisfy when a failure is expected, else null. */
  fail: MessageMatcher[] | null;
  warn: MessageMatcher[];
  info: MessageMatcher[];
  noWarn: boolean;
  noInfo: boolean;
  /** Deprecated `eval_warn` / `eval_info`: at least one of that kind. */
  anyWarn: boolean;
  anyInfo: boolean;
  ordered: boolean;
  /** `expect range vector from … to … step …` (the instant query is evaluated at its end). */
  rangeVector: { startMs: number; endMs: number; stepMs: number } | null;
  expectString: string | null;
  /** A bare-number line: the result must be this scalar. */
  scalar: SeqValue | null;
  /** Expected series (keyed by labels: a repeated label set replaces the earlier line). */
  readonly series: SeriesLine[];
  /** Per series, its 1-based position among the block's lines (for `ordered`). */
  readonly positions: Map<SeriesLine, number>;
  /** The whole eval text contains a `{{` native-histogram literal. */
  hasHistogramLiteral: boolean;
}

export type Command = LoadCommand | ClearCommand | EvalCommand;

export interface Script {
  readonly file: string;
  readonly commands: Command[];
}

const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;

/** `name{l="v", …}` / `{__name__="x", …}` / `name` followed by the rest of the line. */
export function parseSeriesDesc(text: string): { labels: Labels; rest: string } {
  const pairs: [string, string][] = [];
  let i = 0;
  IDENT.lastIndex = 0;
  const nm = IDENT.exec(text);
  if (nm) {
    pairs.push(['__name__', nm[0]]);
    i = IDENT.lastIndex;
  }
  const skip = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  if (text[i] === '{') {
    i++;
    for (;;) {
      skip();
      if (text[i] === '}') {
        i++;
        break;
      }
      let name: string;
      if (text[i] === '"' || text[i] === "'" || text[i] === '`') {
        const s = readString(text, i);
        name = s.value;
        i = s.end;
      } else {
        LABEL_NAME.lastIndex = i;
        const m = LABEL_NAME.exec(text);
        if (!m)
          throw new Error(`expected a label name at char ${i + 1} of ${JSON.stringify(text)}`);
        name = m[0];
        i = LABEL_NAME.lastIndex;
      }
      skip();
      if (text[i] === ',' || text[i] === '}') {
        // A lone quoted name is the metric name (Prometheus 3 UTF-8 syntax).
        pairs.push(['__name__', name]);
      } else {
        if (text[i] !== '=')
          throw new Error(`expected "=" at char ${i + 1} of ${JSON.stringify(text)}`);
        i++;
        skip();
        const v = readString(text, i);
        i = v.end;
        pairs.push([name, v.value]);
      }
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== '}')
        throw new Error(`expected "," or "}" at char ${i + 1} of ${JSON.stringify(text)}`);
    }
  } else if (!nm) {
    throw new Error(`expected a series at the start of ${JSON.stringify(text)}`);
  }
  return { labels: Labels.fromPairs(pairs), rest: text.slice(i) };
}

const EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE =
  /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;
const LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;

function matcher(kind: string | undefined, text: string | undefined): MessageMatcher {
  if (kind === undefined || text === undefined) return { kind: 'any' };
  const t = text.trim();
  if (kind === 'msg') return { kind: 'msg', text: t };
  return { kind: 'regex', source: t, re: RE2JS.compile(t) };
}

/** Parses a whole script; `file` only names it in errors. */
export function parseScript(text: string, file: string): Script {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const commands: Command[] = [];
  const fail = (i: number, msg: string, cause?: unknown): never => {
    throw new ScriptParseError(`cannot parse ${file}:${i + 1}: ${msg}`, { cause });
  };
  const wrap = <T>(i: number, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ScriptParseError) throw e;
      if (e instanceof LineError) return fail(e.i, e.message, e.cause);
      return fail(i, e instanceof Error ? e.message : String(e), e);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    const word = l.split(/[\t ]+/, 1)[0].toLowerCase();
    if (word === 'clear') {
      commands.push({ kind: 'clear', line: i + 1 });
    } else if (word.startsWith('load')) {
      const r = wrap(i, () => parseLoad(lines, i));
      commands.push(r.cmd);
      i = r.next;
    } else if (word.startsWith('eval')) {
      const r = wrap(i, () => parseEval(lines, i, fail));
      commands.push(r.cmd);
      i = r.next;
    } else {
      fail(i, `invalid command ${JSON.stringify(l)}`);
    }
  }
  return { file, commands };
}

function parseLoad(lines: string[], i: number): { cmd: LoadCommand; next: number } {
  const m = LOAD.exec(lines[i]);
  if (!m) throw new Error('invalid load command, want "load[_with_nhcb] <interval>"');
  const byKey = new Map<string, SeriesLine>();
  let hasHistograms = false;
  let hasStartTimestamps = false;
  const start = i;
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const line = lines[i];
    const sp = line.search(/[ \t]/);
    if (sp > 0 && line.slice(0, sp).endsWith('@st')) {
      hasStartTimestamps = true; // start timestamps are not loaded (see runner skip rules)
      continue;
    }
    const r = lineError(i, () => parseSeriesDesc(line));
    const values = lineError(i, () => expandValues(r.rest));
    if (values.some((v) => v.kind === 'histogram')) hasHistograms = true;
    byKey.set(r.labels.flat.join('\xff'), { labels: r.labels, values, line: i + 1 });
  }
  return {
    cmd: {
      kind: 'load',
      line: start + 1,
      intervalMs: lineError(start, () => parseDuration(m[2].trim())),
      withNhcb: m[1] === 'with_nhcb',
      series: [...byKey.values()],
      hasHistograms,
      hasStartTimestamps,
    },
    next: i,
  };
}

/** An error on a body line (0-based index `i`), named with file:line by parseScript. */
class LineError extends Error {
  constructor(
    readonly i: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Re-throws a body line's error with that line's index. */
function lineError<T>(i: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new LineError(i, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

function parseEval(
  lines: string[],
  i: number,
  fail: (i: number, msg: string, cause?: unknown) => never,
): { cmd: EvalCommand; next: number } {
  const header = lines[i];
  const im = EVAL_INSTANT.exec(header);
  const rm = im ? null : EVAL_RANGE.exec(header);
  if (!im && !rm) fail(i, `invalid eval command ${JSON.stringify(header)}`);
  const mod = (im ?? rm)?.[1];
  let cmd: EvalCommand;
  const base = {
    kind: 'eval' as const,
    line: i + 1,
    fail: mod === 'fail' ? [] : null,
    warn: [],
    info: [],
    noWarn: false,
    noInfo: false,
    anyWarn: mod === 'warn',
    anyInfo: mod === 'info',
    ordered: mod === 'ordered',
    rangeVector: null,
    expectString: null,
    scalar: null,
    series: [],
    positions: new Map<SeriesLine, number>(),
    hasHistogramLiteral: false,
  };
  if (im) {
    const t = parseDuration((im[2] ?? '0').trim());
    cmd = { ...base, query: im[3], mode: 'instant', startMs: t, endMs: t, stepMs: 0 };
  } else {
    const r = rm as RegExpExecArray;
    const s = parseDuration(r[2].trim());
    const e = parseDuration(r[3].trim());
    if (e < s) fail(i, `end ${r[3]} is before start ${r[2]}`);
    const step = parseDuration(r[4].trim());
    cmd = { ...base, query: r[5], mode: 'range', startMs: s, endMs: e, stepMs: step };
  }
  if (cmd.query.includes('{{')) cmd.hasHistogramLiteral = true;
  const bySeries = new Map<string, SeriesLine>();
  let pos = 0;
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const l = lines[i];
    if (l.includes('{{')) cmd.hasHistogramLiteral = true;
    if (cmd.fail && l.startsWith('expected_fail_message')) {
      cmd.fail.push({ kind: 'msg', text: l.slice('expected_fail_message'.length).trim() });
      break;
    }
    if (cmd.fail && l.startsWith('expected_fail_regexp')) {
      const src = l.slice('expected_fail_regexp'.length).trim();
      cmd.fail.push(matcher('regex', src));
      break;
    }
    pos++;
    if (l.startsWith('expect range vector')) {
      const m = EXPECT_RANGE.exec(l);
      if (!m) fail(i, `invalid range vector definition ${JSON.stringify(l)}`);
      const [s, e, st] = [m[1], m[2], m[3]].map((x) => parseDuration(x.trim()));
      if (e < s) fail(i, `end is before start in ${JSON.stringify(l)}`);
      cmd.rangeVector = { startMs: s, endMs: e, stepMs: st };
      continue;
    }
    if (l.startsWith('expect string')) {
      const rest = l.slice('expect string'.length).trim();
      if (rest === '') fail(i, 'expect string needs a quoted string literal');
      const s = lineError(i, () => readString(rest, 0));
      if (s.end !== rest.length) fail(i, `trailing text after the string in ${JSON.stringify(l)}`);
      cmd.expectString = s.value;
      continue;
    }
    if (l.split(' ')[0] === 'expect') {
      pos--;
      const m = EXPECT.exec(l);
      if (!m)
        fail(
          i,
          `invalid expect line ${JSON.stringify(l)}, want "expect <type> [msg|regex: <text>]"`,
        );
      const mm = lineError(i, () => matcher(m[2], m[3]));
      switch (m[1]) {
        case 'fail':
          if (cmd.fail && cmd.fail.length > 0 && mod !== 'fail')
            fail(i, 'more than one expect fail');
          (cmd.fail ??= []).push(mm);
          break;
        case 'warn':
          cmd.warn.push(mm);
          break;
        case 'info':
          cmd.info.push(mm);
          break;
        case 'no_warn':
          cmd.noWarn = true;
          break;
        case 'no_info':
          cmd.noInfo = true;
          break;
        default:
          cmd.ordered = true;
      }
      if (cmd.warn.length > 0 && cmd.noWarn) fail(i, 'warn and no_warn cannot be used together');
      if (cmd.info.length > 0 && cmd.noInfo) fail(i, 'info and no_info cannot be used together');
      continue;
    }
    const n = parseNumber(l);
    if (n !== null) {
      cmd.scalar = { kind: 'float', v: n };
      break;
    }
    const r = lineError(i, () => parseSeriesDesc(l));
    const values = lineError(i, () => expandValues(r.rest));
    if (values.length > 1 && cmd.mode === 'instant' && !cmd.rangeVector) {
      fail(i, 'an instant eval expects one value per series (use "expect range vector" for more)');
    }
    const sl: SeriesLine = { labels: r.labels, values, line: i + 1 };
    const key = r.labels.flat.join('\xff');
    const prev = bySeries.get(key);
    if (prev) cmd.series.splice(cmd.series.indexOf(prev), 1);
    bySeries.set(key, sl);
    cmd.series.push(sl);
    cmd.positions.set(sl, pos);
  }
  if (cmd.rangeVector && cmd.mode === 'instant') {
    // Upstream evaluates the instant query at the range's end.
    cmd = { ...cmd, startMs: cmd.rangeVector.endMs, endMs: cmd.rangeVector.endMs };
  }
  return { cmd, next: i };
}
