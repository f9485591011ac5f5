import { RE2JS } from 're2js';
import { ArgusError } from '../util/index.js';

/** A relabel regex or template cannot be used. */
export class RelabelConfigError extends ArgusError {}

/**
 * A fully anchored RE2 regex as Prometheus compiles it for relabeling (`^(?s:REGEX)$`): `.`
 * matches newlines, and the whole value must match.
 */
export interface AnchoredRegex {
  /** The regex as written in the config (without the anchors). */
  readonly source: string;
  /** True when the whole of `s` matches. */
  matches(s: string): boolean;
  /** The capture groups of a whole match (index 0 = the match, null = unset), or undefined. */
  exec(s: string): Captures | undefined;
}

/** Groups of one match: `groups[i]` is group i, null when it did not take part. */
export interface Captures {
  readonly groups: readonly (string | null)[];
  /** Group name → index, for `$name` / `${name}` references. */
  readonly names: Readonly<Record<string, number>>;
}

const META = /[\\^$.|?*+()[\]{}]/;
const NO_NAMES: Readonly<Record<string, number>> = Object.freeze(
  Object.create(null) as Record<string, number>,
);

/**
 * Compiles `source` anchored. Throws RelabelConfigError naming the regex when it is invalid.
 * Shapes that need no engine (`.*`, `.+`, a literal or an alternation of literals) answer
 * `matches` without RE2, which is what makes keep/drop/labeldrop cheap per sample.
 */
export function compileAnchored(source: string): AnchoredRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?:${source})$`, RE2JS.DOTALL);
  } catch (err) {
    const why = (err as { error?: unknown }).error;
    throw new RelabelConfigError(
      `cannot compile regex ${JSON.stringify(source)}: ${typeof why === 'string' ? why : (err as Error).message}`,
      { cause: err },
    );
  }
  const names = re.namedGroups();
  const groupNames = Object.keys(names).length > 0 ? names : NO_NAMES;
  const exec = (s: string): Captures | undefined => {
    const m = re.matcher(s);
    if (!m.matches()) return undefined;
    const n = m.groupCount();
    const groups = new Array<string | null>(n + 1);
    for (let i = 0; i <= n; i++) groups[i] = m.group(i);
    return { groups, names: groupNames };
  };
  return { source, matches: fastMatcher(source) ?? ((s) => re.matches(s)), exec };
}

function fastMatcher(source: string): ((s: string) => boolean) | undefined {
  if (source === '.*' || source === '(.*)') return () => true;
  if (source === '.+' || source === '(.+)') return (s) => s.length > 0;
  const parts = source.split('|');
  if (parts.every((p) => !META.test(p))) {
    if (parts.length === 1) return (s) => s === source;
    const set = new Set(parts);
    return (s) => set.has(s);
  }
  // `__tmp_.*`, `go_.*|process_.*`: literal prefixes (`.` matches anything, newlines included).
  if (parts.every((p) => p.endsWith('.*') && !META.test(p.slice(0, -2)))) {
    const prefixes = parts.map((p) => p.slice(0, -2));
    return (s) => prefixes.some((p) => s.startsWith(p));
  }
  return undefined;
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/**
 * Expands `$1`, `${1}`, `$name`, `${name}` and `$$` in `template` like Go's
 * `regexp.Regexp.Expand`: a name is the longest run of letters, digits and `_` (so `$1x` refers
 * to group `1x`), a number with a leading zero is a name, an unknown or unset group expands to
 * '', and a malformed `$` (e.g. `${1` or `$-`) is kept as a literal `$`.
 */
export function expandTemplate(template: string, c: Captures): string {
  let i = template.indexOf('$');
  if (i < 0) return template;
  let out = template.slice(0, i);
  while (i >= 0) {
    let j = i + 1;
    if (template[j] === '$') {
      out += '$';
      j++;
    } else {
      const brace = template[j] === '{';
      const start = brace ? j + 1 : j;
      let end = start;
      while (end < template.length) {
        const cp = template.codePointAt(end)!;
        const ch = String.fromCodePoint(cp);
        if (!NAME_CHAR.test(ch)) break;
        end += ch.length;
      }
      if (end === start || (brace && template[end] !== '}')) {
        out += '$'; // malformed: the `$` is literal, the rest is copied as text
      } else {
        out += lookup(template.slice(start, end), c);
        j = brace ? end + 1 : end;
      }
    }
    const next = template.indexOf('$', j);
    out += template.slice(j, next < 0 ? template.length : next);
    i = next;
  }
  return out;
}

function lookup(name: string, c: Captures): string {
  let idx: number | undefined;
  if (/^(?:0|[1-9][0-9]{0,8})$/.test(name)) idx = Number(name);
  else idx = c.names[name];
  if (idx === undefined) return '';
  return c.groups[idx] ?? '';
}

/** True when `template` references a capture group (any `$`), as Prometheus tests it. */
export function hasVariable(template: string): boolean {
  return template.includes('$');
}
