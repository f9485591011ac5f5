/**
 * parseLogql: runs @grafana/lezer-logql's grammar and converts the concrete tree into the AST of
 * ast.ts (parse-log.ts, parse-metric.ts). Syntax errors are reported at lezer's first error node
 * with Loki-like wording; a few common mistakes get a specific reason (see syntaxReason).
 */
import type { Tree } from '@lezer/common';
import { parser } from '@grafana/lezer-logql';
import type { Expr } from './ast.js';
import { EMPTY_SELECTOR_REASON } from './parse-log.js';
import { MetricConverter } from './parse-metric.js';
import { Src, type LateOffset } from './parse-tree.js';

/** Queries longer than this are refused before parsing (Loki's HTTP limits are far below). */
export const MAX_QUERY_LENGTH = 128 * 1024;

/** Parses and checks a LogQL query; throws LogqlParseError. */
export function parseLogql(input: string): Expr {
  const src = new Src(input);
  if (/^(?:\s|#[^\n]*)*$/.test(input)) src.fail(input.length, 'syntax error: empty query');
  if (input.length > MAX_QUERY_LENGTH) {
    src.fail(
      MAX_QUERY_LENGTH,
      `query too long: ${input.length} characters, max ${MAX_QUERY_LENGTH}`,
    );
  }
  let text = input;
  let tree = lezerParse(src, text);
  let errAt = firstError(tree);
  for (let late = lateOffset(text, errAt); late; late = lateOffset(text, errAt)) {
    src.lateOffsets.push(late);
    text =
      text.slice(0, late.at) +
      ' '.repeat(late.durAt + late.dur.length - late.at) +
      text.slice(late.durAt + late.dur.length);
    tree = lezerParse(src, text);
    errAt = firstError(tree);
  }
  if (errAt !== undefined) src.fail(...syntaxReason(text, errAt));
  const top = tree.topNode.firstChild;
  if (!top) return src.fail(0, 'syntax error: empty query');
  try {
    const expr = new MetricConverter(src).expr(top);
    const stray = src.lateOffsets.find((o) => !o.used);
    if (stray) src.fail(stray.at, 'syntax error: unexpected offset');
    return expr;
  } catch (err) {
    // Nesting is bounded only by the input length; a stack overflow becomes a parse error.
    if (err instanceof RangeError) src.fail(0, 'query too deeply nested', err);
    throw err;
  }
}

function lezerParse(src: Src, text: string): Tree {
  try {
    return parser.parse(text);
  } catch (err) {
    // lezer itself failing is a library bug or a stack overflow; either way the query is refused.
    const msg = err instanceof Error ? err.message : String(err);
    return src.fail(0, `the parser failed on this query (${msg})`, err);
  }
}

/** An `offset <duration>` right after a `]` where lezer failed (see LateOffset), or undefined. */
function lateOffset(text: string, errAt: number | undefined): LateOffset | undefined {
  if (errAt === undefined) return undefined;
  let i = errAt;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (!/\]\s*$/.test(text.slice(Math.max(0, i - 64), i))) return undefined;
  const m = /offset(\s+)([0-9.][0-9a-zµ.]*)/y;
  m.lastIndex = i;
  const hit = m.exec(text);
  if (!hit) return undefined;
  return { at: i, durAt: i + 6 + hit[1].length, dur: hit[2], used: false };
}

function firstError(tree: Tree): number | undefined {
  let at: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (at !== undefined) return false;
      if (n.type.isError) {
        at = n.from;
        return false;
      }
      return undefined;
    },
  });
  return at;
}

const TOKEN_RE =
  /[a-zA-Z_:][a-zA-Z0-9_:]*|\d[\w.]*|\.\d[\w.]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?|\|=|\|~|\|>|!>|==|!=|<=|>=|=~|!~|--[\w-]*|[^]/y;

const RANGE_FNS =
  /\b(count_over_time|rate|rate_counter|bytes_over_time|bytes_rate|absent_over_time|sum_over_time|avg_over_time|min_over_time|max_over_time|stddev_over_time|stdvar_over_time|quantile_over_time|first_over_time|last_over_time)\s*\($/;
const VECTOR_FNS =
  /\b(sum|avg|min|max|count|stddev|stdvar|topk|bottomk|sort|sort_desc|label_replace)\s*(?:(?:by|without)\s*\([^()]*\)\s*)?\($/;

/** [offset, reason] for a syntax error found by lezer at `from`. */
function syntaxReason(text: string, from: number): [number, string] {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (i >= text.length) return [text.length, 'syntax error: unexpected end of input'];
  TOKEN_RE.lastIndex = i;
  const tok = TOKEN_RE.exec(text)![0];
  if (/^["'`]/.test(tok) && (tok.length < 2 || tok[tok.length - 1] !== tok[0])) {
    return [i, 'syntax error: unterminated quoted string'];
  }
  if (tok[0] === "'") {
    return [i, 'syntax error: single-quoted strings are not supported, use "…" or `…`'];
  }
  if (tok === '}' && /\{\s*$/.test(text.slice(0, i))) {
    return [i, `syntax error: empty selector {}: ${EMPTY_SELECTOR_REASON}`];
  }
  if (tok === ')' || tok === ',') {
    const specific = logWhereMetric(text, i);
    if (specific) return [i, specific];
  }
  return [i, `syntax error: unexpected ${tok}`];
}

/**
 * `sum({app="x"})` or `rate({app="x"})`: lezer fails at the `)`; when the argument before it is
 * a complete log query, say what is wrong instead of "unexpected )".
 */
function logWhereMetric(text: string, at: number): string | undefined {
  let depth = 0;
  let open = -1;
  let argStart = -1;
  for (let j = at - 1; j >= 0 && open < 0; j--) {
    const c = text[j];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) open = j;
      else depth--;
    } else if (c === ',' && depth === 0 && argStart < 0) argStart = j + 1;
  }
  if (open < 0 || text[open] !== '(') return undefined;
  const arg = text.slice(argStart >= 0 ? argStart : open + 1, at);
  if (!isCleanLogQuery(arg)) return undefined;
  const head = text.slice(0, open + 1);
  const range = RANGE_FNS.exec(head);
  if (range)
    return `syntax error: ${range[1]}() needs a log range: add a range like [5m] after the log query`;
  const vec = VECTOR_FNS.exec(head);
  if (vec) return `syntax error: ${vec[1]}() needs a metric expression, got a log query`;
  return undefined;
}

function isCleanLogQuery(s: string): boolean {
  if (s.length > 16 * 1024) return false;
  const t = parser.parse(s);
  if (firstError(t) !== undefined) return false;
  return t.topNode.firstChild?.firstChild?.name === 'LogExpr';
}
