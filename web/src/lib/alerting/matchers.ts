/**
 * Alertmanager matchers as the Alerts and Silences pages handle them: parsed from a filter box
 * (`alertname="Disk", severity=~"page|crit"`, braces optional), formatted back for the
 * `filter` query parameter, converted to and from the API's silence matcher objects, checked
 * before saving, and built from an alert's labels (silence-from-alert). Pure, no DOM.
 *
 *   parseMatchers('{job="api", env!~"dev|test"}')
 *   // → { matchers: [{name:'job', op:'=', value:'api'}, {name:'env', op:'!~', value:'dev|test'}] }
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';
export const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** The API's silence matcher (Alertmanager v2 `matcher`). */
export interface ApiMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** Absent in old clients: true. */
  isEqual?: boolean;
}

export function toApiMatcher(m: Matcher): ApiMatcher {
  return {
    name: m.name,
    value: m.value,
    isRegex: m.op === '=~' || m.op === '!~',
    isEqual: m.op === '=' || m.op === '=~',
  };
}

export function fromApiMatcher(m: ApiMatcher): Matcher {
  const eq = m.isEqual !== false;
  return { name: m.name, value: m.value, op: m.isRegex ? (eq ? '=~' : '!~') : eq ? '=' : '!=' };
}

/** `name="value"` with the value quoted as Go does (the API's filter syntax). */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

export function formatMatchers(ms: readonly Matcher[]): string {
  return ms.map(formatMatcher).join(', ');
}

export type ParseResult = { matchers: Matcher[]; error?: undefined } | { error: string };

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Parses a comma-separated list of matchers, optionally in braces. Values may be quoted
 * ("…" with backslash escapes) or bare (up to the next comma). An empty text is no matcher.
 */
export function parseMatchers(text: string): ParseResult {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  const out: Matcher[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  while (true) {
    skipSpace();
    if (i >= s.length) break;
    const nameStart = i;
    while (i < s.length && /[a-zA-Z0-9_]/.test(s[i]!)) i++;
    const name = s.slice(nameStart, i);
    if (!NAME.test(name))
      return { error: `expected a label name at “${s.slice(nameStart, nameStart + 20)}”` };
    skipSpace();
    const op = (['=~', '!~', '!=', '='] as const).find((o) => s.startsWith(o, i));
    if (op === undefined) return { error: `expected =, !=, =~ or !~ after “${name}”` };
    i += op.length;
    skipSpace();
    let value = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i]!;
        if (c === '\\' && i + 1 < s.length) {
          const n = s[i + 1]!;
          value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) return { error: `unclosed quote in the value of “${name}”` };
    } else {
      const start = i;
      while (i < s.length && s[i] !== ',') i++;
      value = s.slice(start, i).trim();
    }
    out.push({ name, op, value });
    skipSpace();
    if (i < s.length) {
      if (s[i] !== ',') return { error: `expected a comma after the matcher on “${name}”` };
      i++;
    }
  }
  return { matchers: out };
}

/** Whether a label set satisfies every matcher (regexes anchored, as Alertmanager does). */
export function matchesAll(
  labels: Readonly<Record<string, string>>,
  ms: readonly Matcher[],
): boolean {
  return ms.every((m) => {
    const v = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
      case '!~': {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${m.value})$`);
        } catch {
          return false;
        }
        return re.test(v) === (m.op === '=~');
      }
    }
  });
}

/** A silence-from-alert's matchers: every label of the alert, equal, sorted with alertname first. */
export function matchersFromLabels(labels: Readonly<Record<string, string>>): Matcher[] {
  return Object.entries(labels)
    .sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)))
    .map(([name, value]) => ({ name, op: '=' as const, value }));
}

/** Problems with one editor row ('' when fine): what the API would refuse, said early. */
export function matcherProblem(m: Matcher): string {
  if (m.name === '') return 'a label name is needed';
  if (!NAME.test(m.name)) return 'a label name is letters, digits and _, not starting with a digit';
  if (m.op === '=~' || m.op === '!~') {
    try {
      new RegExp(m.value);
    } catch (err) {
      return `not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return '';
}

/**
 * Whether a silence with these matchers would mute everything: Alertmanager refuses matchers
 * that all match the empty string.
 */
export function matchesEverything(ms: readonly Matcher[]): boolean {
  return ms.length === 0 || ms.every((m) => matchesAll({}, [m]));
}
