/**
 * Parse-time checks of the strings stages carry: regexes (RE2, as Loki compiles them), the
 * `regexp` parser's named groups, `pattern` expressions and ip() ranges. Each returns the reason
 * a value is refused, or undefined.
 */
import { isIP } from 'node:net';
import { RE2JS } from 're2js';

/** Why `re` is not an RE2 regular expression, or undefined. */
export function regexProblem(re: string): string | undefined {
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (err) {
    return `invalid regular expression ${JSON.stringify(re)}: ${(err as Error).message}`;
  }
}

/** The `regexp` parser needs a valid RE2 expression with at least one named group. */
export function regexpParserProblem(re: string): string | undefined {
  const bad = regexProblem(re);
  if (bad) return bad;
  const names = RE2JS.compile(re).namedGroups();
  if (Object.keys(names).length === 0) {
    return `invalid regexp parser ${JSON.stringify(re)}: at least one named capture must be supplied`;
  }
  return undefined;
}

/**
 * A `pattern` parser expression: literals and `<name>` / `<_>` captures; at least one named
 * capture, no two captures side by side (nothing tells where one ends), no duplicate names.
 */
export function patternProblem(p: string): string | undefined {
  const re = /<(_|[a-zA-Z_][a-zA-Z0-9_]*)>/g;
  const names = new Set<string>();
  let named = 0;
  let prevEnd = -1;
  for (let m = re.exec(p); m; m = re.exec(p)) {
    if (m.index === prevEnd) {
      return `invalid pattern ${JSON.stringify(p)}: consecutive captures ${JSON.stringify(p.slice(0, re.lastIndex).match(/<[^<>]*><[^<>]*>$/)?.[0] ?? m[0])} are not allowed`;
    }
    prevEnd = re.lastIndex;
    if (m[1] === '_') continue;
    if (names.has(m[1])) return `invalid pattern ${JSON.stringify(p)}: duplicate capture <${m[1]}>`;
    names.add(m[1]);
    named++;
  }
  if (named === 0) return `invalid pattern ${JSON.stringify(p)}: at least one capture is required`;
  return undefined;
}

/** ip("…"): an address, a CIDR (`10.0.0.0/8`) or a range (`10.0.0.1-10.0.0.9`) of one family. */
export function ipProblem(v: string): string | undefined {
  const bad = `invalid ip filter ${JSON.stringify(v)}: want an IP address, a CIDR or a range a-b`;
  const slash = v.indexOf('/');
  if (slash >= 0) {
    const fam = isIP(v.slice(0, slash));
    const bits = v.slice(slash + 1);
    if (fam === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > (fam === 4 ? 32 : 128)) return bad;
    return undefined;
  }
  const dash = v.indexOf('-');
  if (dash >= 0) {
    const a = isIP(v.slice(0, dash).trim());
    const b = isIP(v.slice(dash + 1).trim());
    return a !== 0 && a === b ? undefined : bad;
  }
  return isIP(v) === 0 ? bad : undefined;
}
