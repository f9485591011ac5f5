/**
 * Converts lezer's log-query nodes (selector, pipeline stages, label filters) into the AST,
 * checking what Loki checks at parse time: regexes, the selector's non-empty matcher, parser
 * expressions, ip() ranges.
 */
import { InvalidMatcherError, Matcher, type MatchType } from '../model/index.js';
import type {
  CompareOp,
  DropKeepStage,
  LabelFilterExpr,
  LineFilterStage,
  LogExpr,
  ParserStage,
  Stage,
} from './ast.js';
import { ipProblem, patternProblem, regexProblem, regexpParserProblem } from './parse-check.js';
import { parseBytes, parseDurationNs, parseNumber } from './parse-literals.js';
import { child, kids, leaves, type Node, type Src } from './parse-tree.js';

export const EMPTY_SELECTOR_REASON =
  'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

const MATCH_OPS: Readonly<Record<string, MatchType>> = { Eq: '=', Neq: '!=', Re: '=~', Nre: '!~' };

const COMPARE_OPS: Readonly<Record<string, CompareOp>> = {
  Eq: '==',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
};

const FILTER_OPS: Readonly<Record<string, LineFilterStage['op']>> = {
  PipeExact: '|=',
  Neq: '!=',
  PipeMatch: '|~',
  Nre: '!~',
  PipePattern: '|>',
  Npa: '!>',
};

/** DFS for nodes named `name`, not descending into them. */
export function collect(n: Node, name: string, out: Node[] = []): Node[] {
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (c.name === name) out.push(c);
    else collect(c, name, out);
  }
  return out;
}

export function matcher(src: Src, n: Node): Matcher {
  const [id, op, str] = kids(n);
  const type = MATCH_OPS[op.name];
  const value = src.string(str);
  if (type === '=~' || type === '!~') {
    const bad = regexProblem(value);
    if (bad) src.fail(str, bad);
  }
  try {
    return new Matcher(type, src.str(id), value);
  } catch (err) {
    if (err instanceof InvalidMatcherError) src.fail(str, err.message, err);
    throw err;
  }
}

export function selector(src: Src, n: Node): Matcher[] {
  const ms = collect(n, 'Matcher').map((m) => matcher(src, m));
  if (!ms.some((m) => !m.matchesEmpty())) src.fail(n, EMPTY_SELECTOR_REASON);
  return ms;
}

/** A log query: `selectorNode` plus the stages of every PipelineExpr in `pipelines`, in order. */
export function logExpr(src: Src, selectorNode: Node, pipelines: Node[]): LogExpr {
  const pipeline: Stage[] = [];
  for (const p of pipelines) {
    for (const st of collect(p, 'PipelineStage')) stage(src, st, pipeline);
  }
  return { kind: 'log', matchers: selector(src, selectorNode), pipeline };
}

function stage(src: Src, n: Node, out: Stage[]): void {
  const body = kids(n).find((c) => c.name !== 'Pipe');
  if (!body) src.fail(n, 'empty pipeline stage');
  switch (body.name) {
    case 'LineFilters':
      lineFilters(src, body, out);
      return;
    case 'LabelParser':
    case 'LogfmtParser':
    case 'LogfmtExpressionParser':
    case 'JsonExpressionParser':
      out.push(parser(src, body));
      return;
    case 'LabelFilter':
      out.push({ kind: 'label_filter', expr: labelFilter(src, body) });
      return;
    case 'LineFormatExpr':
      out.push({ kind: 'line_format', template: src.string(child(body, 'String')!) });
      return;
    case 'LabelFormatExpr': {
      const seen = new Set<string>();
      const items = collect(body, 'LabelFormatMatcher').map((m) => {
        const [dst, , v] = kids(m);
        const name = src.str(dst);
        // Loki refuses two formats for one label: which would win is not obvious.
        if (seen.has(name))
          src.fail(dst, `label_format: label ${JSON.stringify(name)} is formatted twice`);
        seen.add(name);
        return v.name === 'String'
          ? { dst: name, template: src.string(v) }
          : { dst: name, src: src.str(v) };
      });
      out.push({ kind: 'label_format', items });
      return;
    }
    case 'DecolorizeExpr':
      out.push({ kind: 'decolorize' });
      return;
    case 'DropLabelsExpr':
    case 'KeepLabelsExpr':
      out.push(dropKeep(src, body));
      return;
    default:
      src.fail(body, `unsupported pipeline stage ${JSON.stringify(src.str(body))}`);
  }
}

function lineFilters(src: Src, n: Node, out: Stage[]): void {
  let cur: LineFilterStage | undefined;
  let ipNext = false;
  for (const t of leaves(n)) {
    if (FILTER_OPS[t.name] && t.parent?.name === 'Filter') {
      cur = { kind: 'line_filter', op: FILTER_OPS[t.name], values: [] };
      out.push(cur);
    } else if (t.name === 'Ip') {
      ipNext = true;
    } else if (t.name === 'String' && cur) {
      const v = src.string(t);
      if (cur.values.length > 0 && (cur.ip ?? false) !== ipNext) {
        src.fail(t, 'cannot mix ip() and plain values in one line filter or-chain');
      }
      if (ipNext) {
        const bad = ipProblem(v);
        if (bad) src.fail(t, bad);
        cur.ip = true;
      } else if (cur.op === '|~' || cur.op === '!~') {
        const bad = regexProblem(v);
        if (bad) src.fail(t, bad);
      }
      if (ipNext && cur.op !== '|=' && cur.op !== '!=') {
        src.fail(t, `ip() line filters take |= or !=, got ${cur.op}`);
      }
      cur.values.push(v);
      ipNext = false;
    }
  }
}

function parser(src: Src, n: Node): ParserStage {
  const [kw] = kids(n);
  const name = kw.name.toLowerCase() as ParserStage['parser'];
  const st: ParserStage = { kind: 'parser', parser: name };
  if (name === 'regexp' || name === 'pattern') {
    const s = child(n, 'String')!;
    const p = src.string(s);
    const bad = name === 'regexp' ? regexpParserProblem(p) : patternProblem(p);
    if (bad) src.fail(s, bad);
    st.pattern = p;
  }
  for (const f of collect(n, 'ParserFlag')) {
    if (src.str(f) === '--strict') st.strict = true;
    else if (src.str(f) === '--keep-empty') st.keepEmpty = true;
    else src.fail(f, `unknown logfmt flag ${JSON.stringify(src.str(f))}`);
  }
  const ex = collect(n, 'LabelExtractionExpression');
  if (ex.length > 0) {
    st.extract = ex.map((e) => {
      const id = src.str(kids(e)[0]);
      const s = child(e, 'String');
      return { label: id, path: s ? src.string(s) : id };
    });
  }
  return st;
}

function dropKeep(src: Src, n: Node): DropKeepStage {
  const kind = n.name === 'DropLabelsExpr' ? 'drop' : 'keep';
  const items = collect(n, kind === 'drop' ? 'DropLabel' : 'KeepLabel').map((l) => {
    const m = child(l, 'Matcher');
    if (!m) return { name: src.str(l) };
    const mm = matcher(src, m);
    return { name: mm.name, matcher: mm };
  });
  return { kind, items };
}

/**
 * A label filter. and/`,` bind tighter than or, both left-associative; the chain is rebuilt
 * here rather than trusting the grammar's nesting.
 */
export function labelFilter(src: Src, n: Node): LabelFilterExpr {
  const operands: LabelFilterExpr[] = [];
  const ops: ('and' | 'or')[] = [];
  const flatten = (x: Node): void => {
    const cs = kids(x);
    const subs = cs.filter((c) => c.name === 'LabelFilter');
    if (subs.length === 2) {
      flatten(subs[0]);
      ops.push(cs.some((c) => c.name === 'Or') ? 'or' : 'and');
      flatten(subs[1]);
    } else {
      operands.push(labelFilterAtom(src, x));
    }
  };
  flatten(n);
  // First fold the and-runs, then or them left to right.
  const ors: LabelFilterExpr[] = [operands[0]];
  for (let i = 0; i < ops.length; i++) {
    if (ops[i] === 'and') {
      ors[ors.length - 1] = { kind: 'and', left: ors[ors.length - 1], right: operands[i + 1] };
    } else {
      ors.push(operands[i + 1]);
    }
  }
  return ors.reduce((left, right) => ({ kind: 'or', left, right }));
}

function labelFilterAtom(src: Src, n: Node): LabelFilterExpr {
  const [c] = kids(n);
  switch (c.name) {
    case 'LabelFilter':
      return labelFilter(src, c);
    case 'Matcher':
      return { kind: 'string', matcher: matcher(src, c) };
    case 'IpLabelFilter': {
      const [id, op] = kids(c);
      const s = child(c, 'String')!;
      const range = src.string(s);
      const bad = ipProblem(range);
      if (bad) src.fail(s, bad);
      return { kind: 'ip', name: src.str(id), negate: op.name === 'Neq', range };
    }
    case 'UnitFilter': {
      const [f] = kids(c);
      const [id, op, v] = kids(f);
      const name = src.str(id);
      const cmp = COMPARE_OPS[op.name];
      if (v.name === 'Duration') {
        return { kind: 'duration', name, op: cmp, seconds: src.literal(v, parseDurationNs) / 1e9 };
      }
      return { kind: 'bytes', name, op: cmp, bytes: src.literal(v, parseBytes) };
    }
    case 'NumberFilter': {
      const [id, op, lit] = kids(c);
      return {
        kind: 'number',
        name: src.str(id),
        op: COMPARE_OPS[op.name],
        value: literal(src, lit),
      };
    }
    default:
      return src.fail(c, `unsupported label filter ${JSON.stringify(src.str(c))}`);
  }
}

/** A LiteralExpr: Number with an optional sign. */
export function literal(src: Src, n: Node): number {
  const cs = kids(n);
  const num = cs[cs.length - 1];
  const v = src.literal(num, parseNumber);
  return cs[0].name === 'Sub' ? -v : v;
}
