import type { Matcher } from '../../model/index.js';
import { goQuote } from '../../util/index.js';

export { goQuote };

const CLASSIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

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
