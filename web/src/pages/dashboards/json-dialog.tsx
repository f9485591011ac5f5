/** Edit the dashboard's JSON directly (variables, settings the form does not cover). */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Dashboard } from '../../api/dashboards.js';

export function JsonDialog({
  value,
  onApply,
  onClose,
}: {
  value: Dashboard;
  onApply(d: Dashboard): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [error, setError] = useState<string>();
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} class="editor" aria-label="Dashboard JSON" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          try {
            const d = JSON.parse(text) as Dashboard;
            if (typeof d !== 'object' || d === null || !Array.isArray(d.panels))
              throw new Error('want a dashboard object with a panels array');
            onApply(d);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      >
        <h2>Dashboard JSON</h2>
        <p class="muted small">
          The format is in docs/format/dashboard.md; the server checks it when you save.
        </p>
        <textarea
          class="expr"
          rows={20}
          aria-label="Dashboard JSON"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
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
