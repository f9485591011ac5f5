/**
 * Field facets: each label's (and field's) top values among the shown lines, with line counts.
 * Clicking a value narrows the query to it.
 */
import type { Facet } from '../../lib/logs-lines.js';

export interface FacetsProps {
  facets: readonly Facet[];
  total: number;
  onFilter: (name: string, value: string) => void;
}

export function Facets({ facets, total, onFilter }: FacetsProps) {
  if (facets.length === 0) return null;
  return (
    <details class="logs-facets card" open>
      <summary>Fields ({facets.length})</summary>
      <p class="muted small">
        Top values among the {total} {total === 1 ? 'line' : 'lines'} shown. Click one to filter.
      </p>
      {facets.map((f) => (
        <section key={f.name} class="logs-facet" aria-label={`Field ${f.name}`}>
          <h3 class="logs-facet-name">
            {f.name}{' '}
            <span class="muted small">
              {f.distinct} {f.distinct === 1 ? 'value' : 'values'}
            </span>
          </h3>
          <ul>
            {f.top.map((v) => (
              <li key={v.value}>
                <button
                  type="button"
                  class="logs-facet-value"
                  aria-label={`Filter on ${f.name}=${v.value} (${v.count} lines)`}
                  onClick={() => onFilter(f.name, v.value)}
                >
                  <span class="logs-facet-text">{v.value === '' ? '(empty)' : v.value}</span>
                  <span class="logs-facet-count">{v.count}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </details>
  );
}
