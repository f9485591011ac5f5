/** The panel editor: a modal dialog over the dashboard (title, type, queries, unit, thresholds). */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Panel } from '../../api/dashboards.js';
import { lazyPage } from '../../app/lazy.js';
import type { PromqlEditorProps } from '../../components/editor/index.js';
import { UNIT_LABELS, UNITS } from '../../lib/units.js';

/** The PromQL editor (CodeMirror) loads with the first panel edit, not with every dashboard. */
const QueryEditor = lazyPage<PromqlEditorProps>(() =>
  import('../../components/editor/index.js').then((m) => ({ default: m.PromqlEditor })),
);

const TYPES: [Panel['type'], string][] = [
  ['timeseries', 'Time series'],
  ['stat', 'Stat'],
  ['gauge', 'Gauge'],
  ['bargauge', 'Bar gauge'],
  ['table', 'Table'],
  ['text', 'Text (markdown)'],
];
const COLORS = ['green', 'yellow', 'orange', 'red', 'blue', 'purple', 'grey'] as const;

export function PanelEditor({
  panel,
  onSave,
  onClose,
}: {
  panel: Panel;
  onSave(p: Panel): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<Panel>(structuredClone(panel));
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  // Functional updates: the query editor reports keystrokes faster than we re-render.
  const set = (patch: Partial<Panel>) => setDraft((d) => ({ ...d, ...patch }));
  const setTarget = (i: number, patch: Partial<Panel['targets'][number]>) =>
    setDraft((d) => ({
      ...d,
      targets: d.targets.map((t, j) => (j === i ? { ...t, ...patch } : t)),
    }));
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const nextRef = () => {
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
      if (!draft.targets.some((t) => t.refId === c)) return c;
    return `Q${draft.targets.length + 1}`;
  };
  return (
    <dialog ref={dialog} class="editor" aria-label="Edit panel" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          onSave(draft);
        }}
      >
        <h2>Edit panel</h2>
        <div class="form-row">
          <label>
            Title
            <input value={draft.title} onInput={(e) => set({ title: e.currentTarget.value })} />
          </label>
          <label>
            Type
            <select
              value={draft.type}
              onChange={(e) => set({ type: e.currentTarget.value as Panel['type'] })}
            >
              {TYPES.map(([t, name]) => (
                <option key={t} value={t}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          Description
          <input
            value={draft.description ?? ''}
            onInput={(e) => set({ description: e.currentTarget.value || undefined })}
          />
        </label>
        {draft.type === 'text' ? (
          <label>
            Markdown
            <textarea
              class="expr"
              rows={8}
              value={draft.text ?? ''}
              onInput={(e) => set({ text: e.currentTarget.value })}
            />
          </label>
        ) : (
          <>
            {draft.targets.map((t, i) => (
              <div class="target-row" key={i}>
                <div class="target-query">
                  <span class="target-label" aria-hidden="true">
                    Query {t.refId}
                  </span>
                  <QueryEditor
                    label={`Query ${t.refId}`}
                    value={t.expr}
                    onChange={(expr) => setTarget(i, { expr })}
                  />
                </div>
                <div class="form-row">
                  <label>
                    Legend
                    <input
                      placeholder="{{instance}}"
                      value={t.legend ?? ''}
                      onInput={(e) => setTarget(i, { legend: e.currentTarget.value || undefined })}
                    />
                  </label>
                  <button
                    type="button"
                    onClick={() => set({ targets: draft.targets.filter((_, j) => j !== i) })}
                  >
                    Remove query
                  </button>
                </div>
              </div>
            ))}
            <div>
              <button
                type="button"
                onClick={() => set({ targets: [...draft.targets, { refId: nextRef(), expr: '' }] })}
              >
                Add query
              </button>
            </div>
            <div class="form-row">
              <label>
                Unit
                <select
                  value={draft.unit ?? 'none'}
                  onChange={(e) =>
                    set({
                      unit: e.currentTarget.value === 'none' ? undefined : e.currentTarget.value,
                    })
                  }
                >
                  {UNITS.map((u) => (
                    <option key={u} value={u}>
                      {UNIT_LABELS[u]}
                    </option>
                  ))}
                  {draft.unit !== undefined &&
                    !(UNITS as readonly string[]).includes(draft.unit) && (
                      <option value={draft.unit}>{draft.unit}</option>
                    )}
                </select>
              </label>
              <label>
                Decimals
                <input
                  type="number"
                  min={0}
                  max={10}
                  value={draft.decimals ?? ''}
                  onInput={(e) => set({ decimals: num(e.currentTarget.value) })}
                />
              </label>
              <label>
                Min
                <input
                  type="number"
                  value={draft.min ?? ''}
                  onInput={(e) => set({ min: num(e.currentTarget.value) })}
                />
              </label>
              <label>
                Max
                <input
                  type="number"
                  value={draft.max ?? ''}
                  onInput={(e) => set({ max: num(e.currentTarget.value) })}
                />
              </label>
            </div>
            {draft.type === 'timeseries' && (
              <label class="inline">
                <span>
                  <input
                    type="checkbox"
                    checked={draft.options?.stacked === true}
                    onChange={(e) =>
                      set({ options: { ...draft.options, stacked: e.currentTarget.checked } })
                    }
                  />{' '}
                  Stacked
                </span>
              </label>
            )}
            <fieldset class="target-row">
              <legend>Thresholds (colour from the highest value reached)</legend>
              {(draft.thresholds ?? []).map((th, i) => (
                <div class="form-row" key={i}>
                  <label>
                    From value
                    <input
                      type="number"
                      placeholder="base"
                      value={th.value ?? ''}
                      onInput={(e) => {
                        const t = [...(draft.thresholds ?? [])];
                        t[i] = { ...th, value: num(e.currentTarget.value) ?? null };
                        set({ thresholds: t });
                      }}
                    />
                  </label>
                  <label>
                    Colour
                    <select
                      value={th.color}
                      onChange={(e) => {
                        const t = [...(draft.thresholds ?? [])];
                        t[i] = { ...th, color: e.currentTarget.value };
                        set({ thresholds: t });
                      }}
                    >
                      {COLORS.map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button
                    type="button"
                    onClick={() =>
                      set({ thresholds: (draft.thresholds ?? []).filter((_, j) => j !== i) })
                    }
                  >
                    Remove
                  </button>
                </div>
              ))}
              <div>
                <button
                  type="button"
                  onClick={() =>
                    set({
                      thresholds: [
                        ...(draft.thresholds ?? []),
                        {
                          value: draft.thresholds?.length ? 80 : null,
                          color: draft.thresholds?.length ? 'red' : 'green',
                        },
                      ],
                    })
                  }
                >
                  Add threshold
                </button>
              </div>
            </fieldset>
          </>
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
