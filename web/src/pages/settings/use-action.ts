import { useState } from 'preact/hooks';
import { errorText } from './format.js';

/**
 * The state of a form's action: `run(fn)` marks it busy, and shows what the API said if `fn`
 * throws (the form stays as it was). Shared by every access form.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
