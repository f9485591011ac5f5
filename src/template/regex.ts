/** RE2 regexes for `match` and `reReplaceAll` (linear time; templates may come from users). */
import { RE2JS } from 're2js';
import { TemplateFuncError } from './errors.js';

const MAX = 256;
const compiled = new Map<string, RE2JS>();

export function compileRegex(pattern: string): RE2JS {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    const why = (err as { error?: unknown }).error;
    throw new TemplateFuncError(
      `error parsing regexp: ${typeof why === 'string' ? why : (err as Error).message}: \`${pattern}\``,
      { cause: err },
    );
  }
  compiled.set(pattern, re);
  if (compiled.size > MAX) compiled.delete(compiled.keys().next().value!);
  return re;
}

/** regexp.MatchString: unanchored. */
export function regexMatch(pattern: string, text: string): boolean {
  return compileRegex(pattern).matcher(text).find();
}

/**
 * Regexp.ReplaceAllString with Go's Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; a name
 * is the longest run of word characters (so `$1x` is the group named "1x", i.e. empty).
 */
export function regexReplaceAll(pattern: string, repl: string, text: string): string {
  const re = compileRegex(pattern);
  const names = re.namedGroups();
  const m = re.matcher(text);
  let out = '';
  let last = 0;
  let prevEnd = -1;
  let from = 0;
  while (from <= text.length && m.find(from)) {
    const s = m.start();
    const e = m.end();
    if (e === s && s === prevEnd) {
      // Go: an empty match right after the previous match is not a match.
      from = s + 1;
      continue;
    }
    out +=
      text.slice(last, s) +
      expand(repl, (g) => {
        const n = /^\d+$/.test(g) ? Number(g) : names[g];
        if (n === undefined || n > m.groupCount()) return '';
        return m.group(n) ?? '';
      });
    last = e;
    prevEnd = e;
    from = e > s ? e : e + 1;
  }
  return out + text.slice(last);
}

function expand(tmpl: string, group: (name: string) => string): string {
  let out = '';
  for (let i = 0; i < tmpl.length; i++) {
    const c = tmpl[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = tmpl[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '{') {
      const close = tmpl.indexOf('}', i + 2);
      const name = close > 0 ? tmpl.slice(i + 2, close) : '';
      if (close < 0 || !/^\w+$/.test(name)) {
        out += '$';
        continue;
      }
      out += group(name);
      i = close;
      continue;
    }
    const m = /^\w+/.exec(tmpl.slice(i + 1));
    if (!m) {
      out += '$';
      continue;
    }
    out += group(m[0]);
    i += m[0].length;
  }
  return out;
}
