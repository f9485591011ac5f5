import { TemplateParseError } from './errors.js';

/** Token kinds inside and outside actions, after Go's text/template lexer. */
export type TokKind =
  | 'text'
  | 'left' // "{{" (trim already applied to the preceding text)
  | 'right'
  | 'space'
  | 'ident'
  | 'keyword'
  | 'field'
  | 'variable'
  | 'dot'
  | 'string'
  | 'raw'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'comment'
  | 'eof';

export interface Token {
  readonly kind: TokKind;
  readonly val: string;
  /** Byte-ish offset (UTF-16 index) in the template text, for line:col in errors. */
  readonly pos: number;
}

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string): boolean => /[\p{L}\p{Nd}_]/u.test(c);

/** Go's "template: NAME:LINE:COL:" position, COL counted from 0 like Go's exec errors. */
export function location(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${pos - lineStart}`;
}

/** Splits template text into tokens. Throws TemplateParseError with line:col. */
export function lex(name: string, text: string): Token[] {
  const toks: Token[] = [];
  const fail = (pos: number, msg: string): never => {
    throw new TemplateParseError(`template: ${name}:${location(text, pos)}: ${msg}`);
  };
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      toks.push({ kind: 'text', val: text.slice(i), pos: i });
      break;
    }
    let textEnd = open;
    let p = open + 2;
    const trimLeft = text[p] === '-' && isSpace(text[p + 1] ?? '');
    if (trimLeft) {
      while (textEnd > i && isSpace(text[textEnd - 1])) textEnd--;
      p += 2;
    }
    if (textEnd > i) toks.push({ kind: 'text', val: text.slice(i, textEnd), pos: i });
    // Comments: "{{/*" ... "*/}}" with optional trim markers, nothing else allowed.
    let q = p;
    while (trimLeft && isSpace(text[q] ?? '')) q++;
    if (text.startsWith('/*', q)) {
      const close = text.indexOf('*/', q + 2);
      if (close < 0) fail(open, 'unclosed comment');
      let r = close + 2;
      let trimRight = false;
      if (text[r] === ' ' || text[r] === '\t' || text[r] === '\r' || text[r] === '\n') {
        let s = r;
        while (isSpace(text[s] ?? '')) s++;
        if (text.startsWith('-}}', s)) {
          trimRight = true;
          r = s + 1;
        }
      }
      if (!text.startsWith('}}', r)) fail(open, 'comment ends before closing delimiter');
      r += 2;
      if (trimRight) while (isSpace(text[r] ?? '')) r++;
      toks.push({ kind: 'comment', val: '', pos: open });
      i = r;
      continue;
    }
    toks.push({ kind: 'left', val: '{{', pos: open });
    i = lexAction(text, p, toks, fail);
  }
  toks.push({ kind: 'eof', val: '', pos: text.length });
  return toks;
}

function lexAction(
  text: string,
  start: number,
  toks: Token[],
  fail: (pos: number, msg: string) => never,
): number {
  let i = start;
  let parens = 0;
  for (;;) {
    if (i >= text.length) fail(start, 'unclosed action');
    const c = text[i];
    // Right delimiter, optionally " -}}" which trims following space.
    if (isSpace(c)) {
      let j = i;
      while (j < text.length && isSpace(text[j])) j++;
      if (text.startsWith('-}}', j)) {
        if (parens > 0) fail(i, 'unclosed left paren');
        toks.push({ kind: 'right', val: '}}', pos: j });
        j += 3;
        while (j < text.length && isSpace(text[j])) j++;
        return j;
      }
      if (text.slice(i, j).includes('\n') && !text.startsWith('}}', j)) {
        // Go allows newlines inside actions since 1.16; treat as space.
      }
      toks.push({ kind: 'space', val: ' ', pos: i });
      i = j;
      continue;
    }
    if (text.startsWith('}}', i)) {
      if (parens > 0) fail(i, 'unclosed left paren');
      toks.push({ kind: 'right', val: '}}', pos: i });
      return i + 2;
    }
    const pos = i;
    if (c === '|') {
      toks.push({ kind: 'pipe', val: c, pos });
      i++;
    } else if (c === '(') {
      parens++;
      toks.push({ kind: 'lparen', val: c, pos });
      i++;
    } else if (c === ')') {
      if (--parens < 0) fail(pos, 'unexpected right paren');
      toks.push({ kind: 'rparen', val: c, pos });
      i++;
    } else if (c === ',') {
      toks.push({ kind: 'comma', val: c, pos });
      i++;
    } else if (c === ':') {
      if (text[i + 1] !== '=') fail(pos, 'expected :=');
      toks.push({ kind: 'declare', val: ':=', pos });
      i += 2;
    } else if (c === '=') {
      toks.push({ kind: 'assign', val: '=', pos });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        const d = text[j];
        if (d === undefined || d === '\n') fail(pos, 'unterminated quoted string');
        if (d === '\\') j += 2;
        else if (d === '"') break;
        else j++;
      }
      toks.push({ kind: 'string', val: text.slice(i, j + 1), pos });
      i = j + 1;
    } else if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) fail(pos, 'unterminated raw quoted string');
      toks.push({ kind: 'raw', val: text.slice(i, j + 1), pos });
      i = j + 1;
    } else if (c === "'") {
      let j = i + 1;
      for (;;) {
        const d = text[j];
        if (d === undefined || d === '\n') fail(pos, 'unterminated character constant');
        if (d === '\\') j += 2;
        else if (d === "'") break;
        else j++;
      }
      toks.push({ kind: 'char', val: text.slice(i, j + 1), pos });
      i = j + 1;
    } else if (c === '$') {
      let j = i + 1;
      while (j < text.length && isAlnum(text[j])) j++;
      toks.push({ kind: 'variable', val: text.slice(i, j), pos });
      i = j;
    } else if (c === '.') {
      const d = text[i + 1] ?? '';
      if (d >= '0' && d <= '9') {
        i = lexNumber(text, i, toks, fail);
      } else if (isAlnum(d)) {
        let j = i + 1;
        while (j < text.length && isAlnum(text[j])) j++;
        toks.push({ kind: 'field', val: text.slice(i, j), pos });
        i = j;
      } else {
        toks.push({ kind: 'dot', val: '.', pos });
        i++;
      }
    } else if (
      (c >= '0' && c <= '9') ||
      ((c === '-' || c === '+') && /[0-9.]/.test(text[i + 1] ?? ''))
    ) {
      i = lexNumber(text, i, toks, fail);
    } else if (isAlnum(c)) {
      let j = i;
      while (j < text.length && isAlnum(text[j])) j++;
      const word = text.slice(i, j);
      const kind: TokKind = KEYWORDS.has(word)
        ? 'keyword'
        : word === 'true' || word === 'false'
          ? 'bool'
          : word === 'nil'
            ? 'nil'
            : 'ident';
      toks.push({ kind, val: word, pos });
      i = j;
    } else {
      const cp = text.codePointAt(i)!;
      fail(
        pos,
        `unrecognized character in action: U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
      );
    }
    // Fields and identifiers may be followed directly by more fields: `.A.B`, `$x.A`, `(..).A`.
  }
}

function lexNumber(
  text: string,
  start: number,
  toks: Token[],
  fail: (pos: number, msg: string) => never,
): number {
  const m =
    /^[+-]?(?:0[xX][0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9]+)?|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?)i?/.exec(
      text.slice(start, start + 64),
    );
  if (!m) return fail(start, `bad number syntax: ${JSON.stringify(text.slice(start, start + 8))}`);
  const end = start + m[0].length;
  if (isAlnum(text[end] ?? '')) {
    let j = end;
    while (j < text.length && isAlnum(text[j])) j++;
    fail(start, `bad number syntax: ${JSON.stringify(text.slice(start, j))}`);
  }
  toks.push({ kind: 'number', val: m[0], pos: start });
  return end;
}
