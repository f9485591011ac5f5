import { InvalidMatcherError, Matcher, type MatchType } from '../../model/index.js';
import { ArgusError } from '../../util/index.js';

/** A matcher string that cannot be parsed; the message quotes the input and the position. */
export class MatcherParseError extends ArgusError {}

// Characters that end an unquoted label name or value (Alertmanager's UTF-8 matcher lexer).
const NAME_STOP = new Set([...' \t\r\n{}!=~,"\'`']);

function fail(input: string, pos: number, problem: string, cause?: unknown): never {
  throw new MatcherParseError(
    `cannot parse matchers ${JSON.stringify(input)}: ${problem} at position ${pos}`,
    cause === undefined ? undefined : { cause },
  );
}

class Lexer {
  pos = 0;
  constructor(readonly input: string) {}

  skipSpace(): void {
    while (this.pos < this.input.length && /\s/.test(this.input[this.pos])) this.pos++;
  }
  peek(): string {
    return this.input[this.pos] ?? '';
  }
  done(): boolean {
    this.skipSpace();
    return this.pos >= this.input.length;
  }

  /** A double-quoted string with Go escapes (\" \\ \n \t \r \uXXXX), or undefined when none starts here. */
  quoted(): string | undefined {
    if (this.peek() !== '"') return undefined;
    const start = this.pos;
    let out = '';
    this.pos++;
    for (;;) {
      const c = this.input[this.pos];
      if (c === undefined) fail(this.input, start, 'unterminated quoted string');
      this.pos++;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.input[this.pos++];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        n: '\n',
        t: '\t',
        r: '\r',
        "'": "'",
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
      };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'u' || e === 'x') {
        const len = e === 'u' ? 4 : 2;
        const hex = this.input.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len)
          fail(this.input, this.pos, `invalid escape \\${e}${hex}`);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += len;
      } else fail(this.input, this.pos - 1, `invalid escape \\${e ?? ''}`);
    }
  }

  name(): string {
    this.skipSpace();
    const q = this.quoted();
    if (q !== undefined) return q;
    const start = this.pos;
    while (this.pos < this.input.length && !NAME_STOP.has(this.input[this.pos])) this.pos++;
    if (this.pos === start)
      fail(this.input, start, `expected a label name, got ${describe(this.peek())}`);
    return this.input.slice(start, this.pos);
  }

  op(): MatchType {
    this.skipSpace();
    for (const op of ['=~', '!~', '!=', '='] as const) {
      if (this.input.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return fail(
      this.input,
      this.pos,
      `expected one of =, !=, =~, !~, got ${describe(this.peek())}`,
    );
  }

  /** A quoted value, or an unquoted one running to the next `,` or `}` (trimmed; may be empty). */
  value(): string {
    this.skipSpace();
    const q = this.quoted();
    if (q !== undefined) return q;
    const start = this.pos;
    while (this.pos < this.input.length && !',}'.includes(this.input[this.pos])) {
      if ('"\'`{'.includes(this.input[this.pos]))
        fail(
          this.input,
          this.pos,
          `unexpected ${describe(this.input[this.pos])} in unquoted value`,
        );
      this.pos++;
    }
    return this.input.slice(start, this.pos).trim();
  }
}

function describe(c: string): string {
  return c === '' ? 'end of input' : JSON.stringify(c);
}

function build(input: string, pos: number, type: MatchType, name: string, value: string): Matcher {
  try {
    return new Matcher(type, name, value);
  } catch (err) {
    if (err instanceof InvalidMatcherError) return fail(input, pos, err.message, err);
    throw err;
  }
}

/**
 * Parses one matcher in Alertmanager's syntax: `name<op>value`, the name bare or double-quoted
 * (UTF-8 names), the value double-quoted (Go escapes) or bare. Regexes are RE2 and anchored.
 */
export function parseMatcher(input: string): Matcher {
  const ms = parseMatchers(input);
  if (ms.length !== 1)
    throw new MatcherParseError(
      `cannot parse matcher ${JSON.stringify(input)}: expected exactly one matcher, got ${ms.length}`,
    );
  return ms[0];
}

/**
 * Parses a matcher list as amtool and silences write it: `{a="b", c=~"d"}` or the same without
 * braces; a trailing comma is allowed, an empty list (`{}` or ``) yields [].
 */
export function parseMatchers(input: string): Matcher[] {
  const lx = new Lexer(input);
  const out: Matcher[] = [];
  lx.skipSpace();
  const braced = lx.peek() === '{';
  if (braced) lx.pos++;
  for (;;) {
    lx.skipSpace();
    if (braced && lx.peek() === '}') {
      lx.pos++;
      if (!lx.done()) fail(input, lx.pos, 'unexpected input after "}"');
      return out;
    }
    if (!braced && lx.done()) return out;
    if (braced && lx.pos >= input.length) fail(input, lx.pos, 'missing closing "}"');
    const start = lx.pos;
    const name = lx.name();
    const type = lx.op();
    const value = lx.value();
    out.push(build(input, start, type, name, value));
    lx.skipSpace();
    if (lx.peek() === ',') lx.pos++;
    else if (!(braced && lx.peek() === '}') && !lx.done())
      fail(input, lx.pos, `expected "," or end of matcher, got ${describe(lx.peek())}`);
  }
}
