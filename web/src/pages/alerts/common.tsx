/** Small pieces the alerting sections share: label chips, a modal dialog, error text. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client.js';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** `name="value"` chips; every part renders as text. */
export function LabelChips({ labels }: { labels: [string, string][] }) {
  if (labels.length === 0) return null;
  return (
    <ul class="chips" aria-label="Labels">
      {labels.map(([k, v]) => (
        <li key={k} class="chip">
          <span class="chip-name">{k}</span>=<span class="chip-value">"{v}"</span>
        </li>
      ))}
    </ul>
  );
}

export interface DialogProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** Runs the action; a thrown error shows in the dialog, which stays open. */
  onConfirm(): Promise<void>;
  onClose(): void;
  danger?: boolean;
}

/**
 * A modal <dialog> opened with showModal(): focus stays inside, Escape cancels, the page behind
 * is inert. Confirm is the form's submit button (Enter in a field confirms).
 */
export function Dialog(p: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await p.onConfirm();
      p.onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={ref}
      class="alerts-dialog"
      aria-labelledby="alerts-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        p.onClose();
      }}
    >
      <form class="alerts-form" onSubmit={(e) => void submit(e)}>
        <h2 id="alerts-dialog-title">{p.title}</h2>
        {p.children}
        {error !== undefined && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="toolbar dialog-buttons">
          <button type="button" onClick={p.onClose}>
            Cancel
          </button>
          <button type="submit" class={p.danger ? 'danger' : 'primary'} disabled={busy}>
            {p.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** "Ack" / "Unack" with an optional comment, for one alert or a group. */
export function AckDialog(p: {
  unack: boolean;
  what: string;
  onConfirm(comment: string): Promise<void>;
  onClose(): void;
}) {
  const [comment, setComment] = useState('');
  return (
    <Dialog
      title={p.unack ? 'Withdraw acknowledgement' : 'Acknowledge'}
      confirmLabel={p.unack ? 'Unack' : 'Ack'}
      onConfirm={() => p.onConfirm(comment.trim())}
      onClose={p.onClose}
    >
      <p class="dialog-what">{p.what}</p>
      {!p.unack && (
        <p class="muted small">
          An acknowledged alert stops repeating and escalating until it resolves or fires anew.
        </p>
      )}
      <label class="field">
        <span>Comment (optional)</span>
        <input
          type="text"
          value={comment}
          maxLength={500}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>
    </Dialog>
  );
}
