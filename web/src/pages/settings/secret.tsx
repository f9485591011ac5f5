import { useState } from 'preact/hooks';

/**
 * A secret the server shows once (a new token, a generated password): readable, selectable,
 * copyable, with a plain warning that it will not be shown again.
 */
export function SecretOnce(p: { label: string; value: string; onDone(): void }) {
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const copy = () => {
    navigator.clipboard.writeText(p.value).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <div class="secret" role="status" aria-label={p.label}>
      <p class="warn">
        <strong>{p.label}:</strong> copy it now — it is shown only this once and cannot be retrieved
        later.
      </p>
      <code class="secret-value">{p.value}</code>
      <button type="button" onClick={copy}>
        Copy
      </button>
      <button type="button" onClick={p.onDone}>
        Done, hide it
      </button>
      {copied === 'yes' && <span class="ok small">Copied.</span>}
      {copied === 'failed' && (
        <span class="error small">Cannot copy here; select the text and copy it.</span>
      )}
    </div>
  );
}
