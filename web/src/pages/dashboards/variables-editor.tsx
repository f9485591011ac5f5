/**
 * The variables editor: a modal form for the dashboard's template variables (name, label,
 * `label_values()` query, multi-value, All). Checked here with the server's rules, so a typo
 * shows beside the field instead of as a failed save.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Variable } from '../../api/dashboards.js';
import { variableProblems } from '../../lib/dashboard/variables.js';

export function VariablesEditor({
  variables,
  onApply,
  onClose,
}: {
  variables: readonly Variable[];
  onApply(v: Variable[]): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<Variable[]>(() => structuredClone([...variables]));
  const [tried, setTried] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const set = (i: number, patch: Partial<Variable>) =>
    setDraft((d) => d.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const move = (i: number, by: number) =>
    setDraft((d) => {
      const n = [...d];
      const [v] = n.splice(i, 1);
      n.splice(i + by, 0, v!);
      return n;
    });
  const problems = draft.map((_, i) => variableProblems(draft, i));
  const valid = problems.every((p) => Object.keys(p).length === 0);
  return (
    <dialog ref={dialog} class="editor" aria-label="Edit variables" onClose={onClose}>
      <form
        method="dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (valid) onApply(draft);
        }}
      >
        <h2>Variables</h2>
        <p class="muted small">
          Use a variable in a query as <code>$name</code>; a later variable’s selector may use the
          ones before it, e.g.{' '}
          <code>
            label_values(up{'{'}job="$job"{'}'}, instance)
          </code>
          .
        </p>
        {draft.length === 0 && <p class="muted">No variables yet.</p>}
        {draft.map((v, i) => {
          const p = tried ? problems[i]! : {};
          return (
            <fieldset class="target-row" key={i}>
              <legend>{v.name || `Variable ${i + 1}`}</legend>
              <div class="form-row">
                <label>
                  Name
                  <input
                    value={v.name}
                    aria-invalid={p.name ? 'true' : undefined}
                    onInput={(e) => set(i, { name: e.currentTarget.value.trim() })}
                  />
                  {p.name && <span class="error small">{p.name}</span>}
                </label>
                <label>
                  Label
                  <input
                    value={v.label ?? ''}
                    placeholder={v.name}
                    onInput={(e) => set(i, { label: e.currentTarget.value || undefined })}
                  />
                </label>
              </div>
              <label>
                Query
                <input
                  class="mono"
                  value={v.query}
                  placeholder="label_values(node_uname_info, instance)"
                  aria-invalid={p.query ? 'true' : undefined}
                  onInput={(e) => set(i, { query: e.currentTarget.value })}
                />
                {p.query && <span class="error small">{p.query}</span>}
              </label>
              <div class="form-row">
                <label class="inline">
                  <span>
                    <input
                      type="checkbox"
                      checked={v.multi}
                      onChange={(e) => set(i, { multi: e.currentTarget.checked })}
                    />{' '}
                    Several values
                  </span>
                </label>
                <label class="inline">
                  <span>
                    <input
                      type="checkbox"
                      checked={v.includeAll}
                      onChange={(e) => set(i, { includeAll: e.currentTarget.checked })}
                    />{' '}
                    “All” option
                  </span>
                </label>
                <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                  Move up
                </button>
                <button type="button" disabled={i === draft.length - 1} onClick={() => move(i, 1)}>
                  Move down
                </button>
                <button type="button" onClick={() => setDraft((d) => d.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </div>
            </fieldset>
          );
        })}
        <div>
          <button
            type="button"
            onClick={() =>
              setDraft((d) => [
                ...d,
                {
                  name: `var${d.length + 1}`,
                  query: 'label_values(instance)',
                  multi: false,
                  includeAll: false,
                  current: [],
                },
              ])
            }
          >
            Add variable
          </button>
        </div>
        {tried && !valid && (
          <p class="error" role="alert">
            Fix the fields marked above.
          </p>
        )}
        <div class="toolbar">
          <button type="submit" class="primary">
            Apply
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
