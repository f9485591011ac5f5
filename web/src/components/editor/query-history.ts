/** Recent queries, newest first, kept in localStorage (per browser, not per user). */
const KEY = 'argus.queryHistory';
const MAX = 30;

export function recentQueries(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberQuery(q: string): void {
  const t = q.trim();
  if (t === '') return;
  const next = [t, ...recentQueries().filter((x) => x !== t)].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or disabled: history is a convenience.
  }
}
