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
  return {
    pos: { start: at.from, end: Math.max(at.to, at.from) },
    reason: reasonAt(text, at.from),
  };
}

const TOKEN_RE =
  /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*|\d[\w.]*|\.\d[\w.]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?|==|!=|<=|>=|=~|!~|.)/s;

function reasonAt(text: string, from: number): string {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (i >= text.length || (text[i] === '#' && !text.slice(i).includes('\n'))) {
    return endOfInput(text);
  }
  // A number glued to letters or digits the grammar cannot continue with: `1m5`, `5mm`, `1.2.3`.
  const before = numberEndingAt(text, i);
  if (before !== undefined && /[\w.]/.test(text[i])) {
    const run = /^[\w.]*/.exec(text.slice(i))![0];
    return `bad number or duration syntax: ${JSON.stringify(before + run)}`;
  }
  // `foo(` where foo is not a function the grammar knows.
  if (text[i] === '(') {
    const ident = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/.exec(text.slice(0, i));
    if (ident && !/^(by|without|on|ignoring|group_left|group_right|bool|offset)$/i.test(ident[1])) {
      const name = ident[1];
      if (!FUNCTION_SIGNATURES.has(name) || !/^[a-z_0-9]+$/.test(name)) {
        return `unknown function with name ${JSON.stringify(name)}`;
      }
    }
  }
  const tok = TOKEN_RE.exec(text.slice(i))![0];
  if (
    (tok[0] === '"' || tok[0] === "'" || tok[0] === '`') &&
    (tok.length < 2 || tok.at(-1) !== tok[0])
  ) {
    return 'unterminated quoted string';
  }
  return `unexpected ${describe(tok)}`;
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
