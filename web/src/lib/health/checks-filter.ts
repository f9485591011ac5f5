/** The Checks table's filter: text over name/kind/target/services/description, and a state. */

export interface FilterableCheck {
  name: string;
  kind: string;
  target: string;
  description: string;
  services: readonly string[];
  state: string;
}

export const STATE_FILTERS = ['all', 'up', 'down', 'unknown'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

export function filterChecks<T extends FilterableCheck>(
  list: readonly T[],
  text: string,
  state: StateFilter,
): T[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return list
    .filter((c) => state === 'all' || c.state === state)
    .filter((c) => {
      const hay = [c.name, c.kind, c.target, c.description, ...c.services].join(' ').toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Long text cut for a table cell (the full text goes in the title). */
export function truncate(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
