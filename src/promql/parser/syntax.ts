/**
 * Turns the first error node of lezer's error-recovering tree into a Prometheus-like reason
 * (`unexpected "}"`, `unexpected end of input`, `unclosed left parenthesis`, `bad number or
 * duration syntax: "1m5"`, `unknown function with name "foo"`).
 */
import type { parser } from '@prometheus-io/lezer-promql';
import type { PosRange } from '../ast.js';
import { FUNCTION_SIGNATURES } from '../functions/signatures.js';

export type Tree = ReturnType<typeof parser.parse>;

export interface SyntaxProblem {
  readonly pos: PosRange;
  readonly reason: string;
}

/** The first syntax error of `tree`, or undefined when the tree has none. */
export function firstSyntaxError(text: string, tree: Tree): SyntaxProblem | undefined {
  let at: { from: number; to: number } | undefined;
  tree.iterate({
    enter: (n) => {
      if (at) return false;
      if (n.type.isError) {
        at = { from: n.from, to: n.to };
        return false;
      }
      return undefined;
    },
  });
  if (!at) return undefined;
  const { reason, start } = reasonAt(text, at.from);
  return { pos: { start: start ?? at.from, end: Math.max(at.to, at.from) }, reason };
}

const TOKEN_RE =
  /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*|\d[\w.]*|\.\d[\w.]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?|==|!=|<=|>=|=~|!~|.)/s;

/** The reason, and where it starts when that is not lezer's error position (a whole bad token). */
function reasonAt(text: string, from: number): { reason: string; start?: number } {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (i >= text.length || (text[i] === '#' && !text.slice(i).includes('\n'))) {
    const reason = endOfInput(text);
    const ctx = reason === 'unexpected end of input' ? expectation(text, text.length) : '';
    return { reason: reason + ctx };
  }
  // A number glued to letters or digits the grammar cannot continue with: `1m5`, `5mm`, `1.2.3`.
  const before = numberEndingAt(text, i);
  if (before !== undefined && /[\w.]/.test(text[i])) {
    const run = /^[\w.]*/.exec(text.slice(i))![0];
    const reason = `bad number or duration syntax: ${JSON.stringify(before + run)}`;
    return { reason, start: i - before.length };
  }
  // `foo(` where foo is not a function the grammar knows; Prometheus points at the name.
  if (text[i] === '(') {
    const head = text.slice(Math.max(0, i - 256), i);
    const ident = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/.exec(head);
    if (ident && !/^(by|without|on|ignoring|group_left|group_right|bool|offset)$/i.test(ident[1])) {
      const name = ident[1];
      if (!FUNCTION_SIGNATURES.has(name) || !/^[a-z_0-9]+$/.test(name)) {
        const start = i - head.length + ident.index;
        return { reason: `unknown function with name ${JSON.stringify(name)}`, start };
      }
    }
  }
  return { reason: tokenReason(text, i) };
}

function tokenReason(text: string, i: number): string {
  const tok = TOKEN_RE.exec(text.slice(i))![0];
  if (
    (tok[0] === '"' || tok[0] === "'" || tok[0] === '`') &&
    (tok.length < 2 || tok.at(-1) !== tok[0])
  ) {
    return 'unterminated quoted string';
  }
  return `unexpected ${describe(tok)}${expectation(text, i)}`;
}

const TOKEN_STICKY = new RegExp(TOKEN_RE.source.slice(1), 'sy');
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const MATCH_OPS = new Set(['=', '!=', '=~', '!~']);

/**
 * Prometheus's `unexpected X in <context>, expected <what>` suffix for an error at `i`, from the
 * tokens before it (its grammar's error rules for offset, @, grouping labels, label matchers
 * and brackets), or '' where it names no context.
 */
function expectation(text: string, i: number): string {
  const toks: string[] = [];
  const frames: string[] = []; // per open bracket: '(' '{' '[' or 'g' for a grouping label list
  for (let j = 0; j < i;) {
    TOKEN_STICKY.lastIndex = j;
    let tok = TOKEN_STICKY.exec(text)![0];
    // Inside brackets `:` is the subquery colon, not the start of a metric name.
    if (tok[0] === ':' && frames.at(-1) === '[') tok = ':';
    j += tok.length;
    if (/^\s/.test(tok)) continue;
    if (tok[0] === '#') {
      const nl = text.indexOf('\n', j);
      j = nl < 0 ? i : nl;
      continue;
    }
    if (tok === '(') frames.push(GROUPING.has(toks.at(-1)?.toLowerCase() ?? '') ? 'g' : '(');
    else if (tok === '{' || tok === '[') frames.push(tok);
    else if (tok === ')' || tok === '}' || tok === ']') frames.pop();
    toks.push(tok);
  }
  const prev = toks.at(-1)?.toLowerCase() ?? '';
  const prev2 = toks.at(-2) ?? '';
  const isName = (t: string): boolean => /^[a-zA-Z_:"'`]/.test(t);
  const say = (ctx: string, what: string): string => ` in ${ctx}, expected ${what}`;
  if (prev === 'offset') return say('offset', 'duration');
  if (prev === '@') return say('@', 'timestamp');
  if (['by', 'without', 'on', 'ignoring'].includes(prev)) return say('grouping opts', '"("');
  const frame = frames.at(-1);
  if (frame === 'g') {
    return prev === '(' || prev === ','
      ? say('grouping opts', 'label')
      : say('grouping opts', '"," or ")"');
  }
  if (frame === '{') {
    if (prev === '{' || prev === ',') return say('label matching', 'identifier or "}"');
    if (MATCH_OPS.has(prev)) return say('label matching', 'string');
    if (isName(prev) && (prev2 === '{' || prev2 === ',')) {
      return say('label matching', 'label matching operator');
    }
    if (isName(prev) && MATCH_OPS.has(prev2)) return say('label matching', '"," or "}"');
  }
  if (frame === '[') {
    if (prev === '[') return say('subquery selector', 'duration');
    if (prev === ':') return say('subquery selector', 'duration or "]"');
    if (prev2 === '[') return say('subquery or range', '":" or "]"');
    if (prev2 === ':') return say('subquery selector', '"]"');
  }
  return '';
}

const OPERATORS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '=~',
  '!~',
  '=',
  '</',
  '>/',
]);
const WORD_OPERATORS = new Set(['and', 'or', 'unless', 'atan2']);
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'start',
  'end',
]);
const AGGREGATORS = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** A token as Prometheus's parser names it in `unexpected …` (its Item.desc()). */
function describe(tok: string): string {
  const lower = tok.toLowerCase();
  if (OPERATORS.has(tok) || WORD_OPERATORS.has(lower)) return `<op:${tok}>`;
  if (KEYWORDS.has(lower)) return `<${tok}>`;
  if (AGGREGATORS.has(lower)) return `<aggr:${tok}>`;
  if (/^[a-zA-Z_:]/.test(tok)) return `identifier ${JSON.stringify(tok)}`;
  if (/^\.?\d/.test(tok)) return `number ${JSON.stringify(tok)}`;
  if (/^["'`]/.test(tok)) return `string ${JSON.stringify(tok)}`;
  if (tok === ')') return "right parenthesis ')'";
  if (tok === ']') return "right bracket ']'";
  if (/^[(){}[\],:@]$/.test(tok)) return JSON.stringify(tok);
  return `character: '${tok}'`;
}

function numberEndingAt(text: string, i: number): string | undefined {
  const m = /(?:^|[^\w.])(\d[\w.]*|\.\d[\w.]*)$/.exec(text.slice(0, i));
  return m ? m[1] : undefined;
}

/** What is left open at the end of the input, scanning outside strings and comments. */
function endOfInput(text: string): string {
  const stack: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && !(c !== '`' && text[j] === '\n')) {
        if (text[j] === '\\' && c !== '`') j++;
        j++;
      }
      if (j >= text.length || text[j] !== c) return 'unterminated quoted string';
      i = j;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') stack.pop();
  }
  const open = stack.at(-1);
  if (open === '(') return 'unclosed left parenthesis';
  if (open === '[') return 'unclosed left bracket';
  if (open === '{') return 'unexpected end of input inside braces';
  return 'unexpected end of input';
}

/** U+FFFD (what a bad percent-encoding such as `%ff` decodes to) or a lone surrogate. */
const INVALID_RUNE =
  /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const HAS_INVALID_RUNE = new RegExp(INVALID_RUNE.source);

/** [start, end) of every string literal (kind '"') and comment (kind '#') of `text`. */
function literalSpans(text: string): Array<{ kind: string; start: number; end: number }> {
  const out: Array<{ kind: string; start: number; end: number }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      out.push({ kind: '#', start: i, end });
      i = end;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && !(c !== '`' && text[j] === '\n')) {
        j += text[j] === '\\' && c !== '`' ? 2 : 1;
      }
      out.push({ kind: '"', start: i, end: j });
      i = j;
    }
  }
  return out;
}

/**
 * Invalid runes inside strings and comments replaced by `?` (same length, so positions hold):
 * lezer stops at them; strings holding one are refused separately (invalidRuneString).
 */
export function replaceInvalidRunes(text: string): string {
  if (!HAS_INVALID_RUNE.test(text)) return text;
  const spans = literalSpans(text);
  let k = 0;
  return text.replace(INVALID_RUNE, (m: string, at: number) => {
    while (k < spans.length && spans[k].end <= at) k++;
    return k < spans.length && spans[k].start <= at ? '?' : m;
  });
}

/**
 * Where the first string literal holding an invalid rune opens, or -1. Prometheus's lexer refuses
 * utf8.RuneError inside quotes with `invalid UTF-8 rune` at the string's start; Go decodes both
 * invalid bytes and a literal U+FFFD as RuneError, so both are refused here too.
 */
export function invalidRuneString(text: string): number {
  if (!HAS_INVALID_RUNE.test(text)) return -1;
  const bad = [...text.matchAll(INVALID_RUNE)].map((m) => m.index);
  let k = 0;
  for (const span of literalSpans(text)) {
    while (k < bad.length && bad[k] <= span.start) k++;
    if (k === bad.length) break;
    if (span.kind === '"' && bad[k] < span.end) return span.start;
  }
  return -1;
}
