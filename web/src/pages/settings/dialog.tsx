import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './format.js';

export interface ConfirmProps {
  title: string;
  /** What will happen, in words the user can check. */
  children: ComponentChildren;
  confirmLabel: string;
  /** Runs the action; a thrown error is shown in the dialog, which stays open. */
  onConfirm(): Promise<void>;
  onClose(): void;
  /** A destructive action gets the danger style. */
  danger?: boolean;
  /** The form's class (its fields' layout); default `access-form`. */
  formClass?: string;
  /**
   * Whether Cancel takes the focus (default true: a confirmation defaults to the safe choice);
   * dialogs with fields leave it to the first field.
   */
  focusCancel?: boolean;
}

/**
 * A modal confirmation: a real <dialog> opened with showModal(), so focus stays inside, Escape
 * cancels and the page behind is inert. Confirm is a submit button (Enter works in its fields).
 */
export function ConfirmDialog(p: ConfirmProps) {
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
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={ref}
      class="access-dialog"
      aria-labelledby="access-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        p.onClose();
      }}
    >
      <form class={p.formClass ?? 'access-form'} onSubmit={(e) => void submit(e)}>
        <h2 id="access-dialog-title">{p.title}</h2>
        {p.children}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="toolbar access-dialog-buttons">
          <button type="button" onClick={p.onClose} autoFocus={p.focusCancel ?? true}>
            Cancel
          </button>
          <button type="submit" class={p.danger ? 'danger' : 'primary'} disabled={busy}>
            {busy ? 'Working…' : p.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
