/** Small pieces the alerting sections share: label chips, a modal dialog, error text. */
import { useState } from 'preact/hooks';
import { ConfirmDialog, type ConfirmProps } from '../settings/dialog.js';
import '../settings/access.css';

export { errorText } from '../settings/format.js';

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

export type DialogProps = Omit<ConfirmProps, 'formClass' | 'focusCancel'>;

/** The shared confirmation dialog, with the alerting forms' layout and the focus on fields. */
export function Dialog(p: DialogProps) {
  return <ConfirmDialog {...p} formClass="alerts-form" focusCancel={false} />;
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
