import { InvalidMatcherError, METRIC_NAME, Matcher, type MatchType } from '../model/index.js';
import { ArgusError } from '../util/index.js';

/** A series selector does not parse. The message reads "parse error at char N: …" (1-based). */
export class SelectorParseError extends ArgusError {}

const IDENT_START = /[a-zA-Z_:]/;
const IDENT_REST = /[a-zA-Z0-9_:]/;
const SPACE = /\s/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a PromQL series selector (`metric{l="v", l!="v", l=~"re", l!~"re"}`) into matchers.
 * Supports Go-style quoted strings ("…", '…' with escapes; `…` raw) and Prometheus 3.x quoted
 * UTF-8 names (`{"my.metric", "a.b"="c"}`). Like Prometheus, at least one matcher must not match
 * the empty string. Interim: the PromQL parser replaces this once it exists.
 */
export function parseSeriesSelector(input: string): Matcher[] {
  return new SelectorParser(input).parse();
}

class SelectorParser {
  private pos = 0;
  private readonly matchers: Matcher[] = [];
  private hasName = false;

  constructor(private readonly s: string) {}

  parse(): Matcher[] {
    this.space();
    if (this.pos < this.s.length && IDENT_START.test(this.s[this.pos])) {
      this.setName(this.ident(true));
      this.space();
    }
    if (this.peek() === '{') {
      this.pos++;
      this.matcherList();
    } else if (!this.hasName) {
      throw this.fail(
        this.pos >= this.s.length
          ? 'unexpected end of input, want a metric name or "{"'
          : `unexpected ${this.describe()}, want a metric name or "{"`,
      );
    }
    this.space();
    if (this.pos < this.s.length)
      throw this.fail(`unexpected ${this.describe()} after the selector`);
    if (this.matchers.every((m) => m.matchesEmpty())) {
      throw new SelectorParseError('vector selector must contain at least one non-empty matcher');
    }
    return this.matchers;
  }

  private matcherList(): void {
    for (;;) {
      this.space();
      if (this.peek() === '}') {
        this.pos++;
        return;
      }
      const at = this.pos;
      let name: string;
      let quoted = false;
      const c = this.peek();
      if (c === '"' || c === "'" || c === '`') {
        name = this.string();
        quoted = true;
      } else if (c !== undefined && /[a-zA-Z_]/.test(c)) {
        name = this.ident(false);
      } else {
        throw this.fail(
          c === undefined
            ? 'unexpected end of input inside braces'
            : `unexpected ${this.describe()}, want a label name`,
        );
      }
      this.space();
      const next = this.peek();
      if (quoted && (next === ',' || next === '}')) {
        this.setName(name, at); // {"my.metric"}: a quoted metric name (Prometheus 3.x)
      } else {
        if (name === '') throw this.fail('empty label name', at);
        const op = this.op();
        this.space();
        const vc = this.peek();
        if (vc !== '"' && vc !== "'" && vc !== '`') {
          throw this.fail(
            vc === undefined
              ? 'unexpected end of input, want a quoted string'
              : `unexpected ${this.describe()}, want a quoted string`,
          );
        }
        const vat = this.pos;
        const value = this.string();
        if (name === METRIC_NAME && op === '=') {
          if (this.hasName) throw this.fail('metric name must not be set twice', at);
          this.hasName = true;
        }
        this.add(op, name, value, vat);
      }
      this.space();
      const sep = this.peek();
      if (sep === ',') this.pos++;
      else if (sep !== '}')
        throw this.fail(
          sep === undefined
            ? 'unexpected end of input, want "," or "}"'
            : `unexpected ${this.describe()}, want "," or "}"`,
        );
    }
  }

  private setName(name: string, at = 0): void {
    if (this.hasName) throw this.fail('metric name must not be set twice', at);
    this.hasName = true;
    this.add('=', METRIC_NAME, name, at);
  }

  private add(op: MatchType, name: string, value: string, at: number): void {
    try {
      this.matchers.push(new Matcher(op, name, value));
    } catch (err) {
      if (err instanceof InvalidMatcherError) throw this.fail(err.message, at);
      throw err;
    }
  }

  private op(): MatchType {
    const two = this.s.slice(this.pos, this.pos + 2);
    if (two === '!=' || two === '=~' || two === '!~') {
      this.pos += 2;
      return two;
    }
    if (this.peek() === '=') {
      this.pos++;
      return '=';
    }
    throw this.fail(
      this.pos >= this.s.length
        ? 'unexpected end of input, want a matcher operator'
        : `unexpected ${this.describe()}, want one of =, !=, =~, !~`,
    );
  }

  private ident(metric: boolean): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (!IDENT_REST.test(c) || (!metric && c === ':')) break;
      this.pos++;
    }
    return this.s.slice(start, this.pos);
  }

  /** A quoted string at pos: Go escapes in "…" and '…', none in `…`. */
  private string(): string {
    const start = this.pos;
    const q = this.s[this.pos++];
    if (q === '`') {
      const end = this.s.indexOf('`', this.pos);
      if (end < 0) throw this.fail('unterminated raw string', start);
      const v = this.s.slice(this.pos, end);
      this.pos = end + 1;
      return v;
    }
    const bytes: number[] = [];
    for (;;) {
      if (this.pos >= this.s.length) throw this.fail('unterminated quoted string', start);
      const c = this.s[this.pos];
      if (c === q) {
        this.pos++;
        break;
      }
      if (c === '\n') throw this.fail('newline in quoted string', this.pos);
      if (c !== '\\') {
        const cp = this.s.codePointAt(this.pos)!;
        const ch = String.fromCodePoint(cp);
        bytes.push(...Buffer.from(ch, 'utf8'));
        this.pos += ch.length;
        continue;
      }
      this.escape(bytes);
    }
    try {
      return utf8.decode(new Uint8Array(bytes));
    } catch {
      throw this.fail('quoted string is not valid UTF-8', start);
    }
  }

  private escape(bytes: number[]): void {
    const at = this.pos;
    const e = this.s[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, number> = {
      a: 7,
      b: 8,
      f: 12,
      n: 10,
      r: 13,
      t: 9,
      v: 11,
      '\\': 92,
      "'": 39,
      '"': 34,
    };
    if (e !== undefined && e in simple) {
      bytes.push(simple[e]);
      return;
    }
    const hex = (n: number): number => {
      const h = this.s.slice(this.pos, this.pos + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h))
        throw this.fail(`invalid escape \\${e}${h}: want ${n} hex digits`, at);
      this.pos += n;
      return parseInt(h, 16);
    };
    if (e === 'x') {
      bytes.push(hex(2));
    } else if (e === 'u' || e === 'U') {
      const cp = hex(e === 'u' ? 4 : 8);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        throw this.fail(
          `invalid escape: code point ${cp.toString(16)} is not a valid character`,
          at,
        );
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const o = this.s.slice(this.pos - 1, this.pos + 2);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255)
        throw this.fail(`invalid octal escape \\${o}`, at);
      this.pos += 2;
      bytes.push(parseInt(o, 8));
    } else {
      throw this.fail(`unknown escape sequence \\${e ?? ''}`, at);
    }
  }

  private space(): void {
    while (this.pos < this.s.length && SPACE.test(this.s[this.pos])) this.pos++;
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private describe(): string {
    return JSON.stringify(this.s[this.pos]);
  }

  private fail(why: string, at = this.pos): SelectorParseError {
    return new SelectorParseError(`parse error at char ${at + 1}: ${why}`);
  }
}
