import type { Matcher } from '../../model/index.js';

const CLASSIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Quotes `s` the way Go's strconv.Quote does (group keys and route keys must read exactly as
 * Alertmanager writes them): printable characters kept, control characters escaped.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\v':
        out += '\\v';
        break;
      default:
        if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
        else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
        else out += ch;
    }
  }
  return out + '"';
}

/** One matcher as Alertmanager prints it: `name="value"`; non-classic names are quoted. */
export function formatMatcher(m: Matcher): string {
  const name = CLASSIC_NAME.test(m.name) ? m.name : goQuote(m.name);
  return `${name}${m.type}${goQuote(m.value)}`;
}

const TYPE_ORDER = { '=': 0, '!=': 1, '=~': 2, '!~': 3 } as const;

/** Alertmanager's matcher order (name, then value, then type): route keys depend on it. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

/** A matcher list as Alertmanager prints it: `{a="b",c=~"d"}` (in the given order). */
export function formatMatchers(ms: readonly Matcher[]): string {
  return `{${ms.map(formatMatcher).join(',')}}`;
}
