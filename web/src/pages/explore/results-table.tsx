/** Explore's table view: one row per series (labels, value), sortable by either column. */
import { useMemo, useState } from 'preact/hooks';
import { formatValue, type Unit } from '../../lib/units.js';
import type { TableRow } from './run.js';

type SortKey = 'name' | 'value';

export function ResultsTable({
  rows,
  unit,
  caption,
}: {
  rows: TableRow[];
  unit: Unit;
  caption: string;
}) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const sorted = useMemo(() => {
    const out = [...rows];
    out.sort((a, b) => {
      const c =
        sort.key === 'name'
          ? a.name.localeCompare(b.name)
          : (Number.isNaN(a.value) ? -Infinity : a.value) -
            (Number.isNaN(b.value) ? -Infinity : b.value);
      return sort.desc ? -c : c;
    });
    return out;
  }, [rows, sort]);
  const header = (key: SortKey, text: string) => {
    const active = sort.key === key;
    return (
      <th aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          class="sort-button"
          onClick={() => setSort({ key, desc: active ? !sort.desc : key === 'value' })}
        >
          {text}
          {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    );
  };
  if (rows.length === 0) return <p class="muted">No data (empty result).</p>;
  return (
    <div class="table-wrap">
      <table class="explore-table">
        <caption class="muted small">{caption}</caption>
        <thead>
          <tr>
            {header('name', 'Series')}
            {header('value', 'Value')}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r, i) => (
            <tr key={i}>
              <td class="mono series-cell">{r.name}</td>
              <td class="mono value-cell" title={r.text}>
                {r.text.includes('\n')
                  ? r.text
                  : unit === 'none'
                    ? r.text
                    : formatValue(r.value, unit)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
