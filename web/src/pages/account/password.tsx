import { useAction } from '../settings/use-action.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { changePassword } from '../../api/access.js';
import { useSession } from '../../app/session.js';
import { Field } from '../settings/field.js';
import { checkPassword } from '../settings/validate.js';

/**
 * Change password: current + new + confirm. The server ends every session of the user (this
 * one too), so on success a dialog says so and leads back to the login page.
 */
export function PasswordCard() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [ended, setEnded] = useState<number>();

  const currentProblem = current === '' ? 'enter your current password' : undefined;
  const nextProblem =
    checkPassword(next) ?? (next === current ? 'differs from the current one' : undefined);
  const confirmProblem = confirm !== next ? 'does not match the new password' : undefined;

  const submit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    setError(undefined);
    if (currentProblem || nextProblem || confirmProblem) return;
    await run(async () => {
      setEnded((await changePassword(current, next)).sessions_revoked);
    });
  };
  return (
    <div class="card">
      <h2>Change password</h2>
      <form class="access-form" noValidate onSubmit={(e) => void submit(e)}>
        <Field
          id="pw-current"
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onValue={setCurrent}
          problem={currentProblem}
          shown={tried}
        />
        <Field
          id="pw-new"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onValue={setNext}
          problem={nextProblem && `The new password needs ${nextProblem}.`}
          shown={tried}
          hint="At least 12 characters."
        />
        <Field
          id="pw-confirm"
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onValue={setConfirm}
          problem={confirmProblem && `It ${confirmProblem}.`}
          shown={tried}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="muted small">Every session of yours ends, this one too: you log in again.</p>
        <div class="toolbar">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
      {ended !== undefined && <ChangedDialog sessions={ended} />}
    </div>
  );
}

/** The message after a change; its button returns to the login page (the session is gone). */
function ChangedDialog({ sessions }: { sessions: number }) {
  const { refresh } = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  // /me now answers 401, which takes the app to the login page.
  const toLogin = () => void refresh().catch(() => undefined);
  return (
    <dialog
      ref={ref}
      class="access-dialog"
      aria-labelledby="pw-changed-title"
      onCancel={(e) => {
        e.preventDefault();
        toLogin();
      }}
    >
      <h2 id="pw-changed-title">Password changed</h2>
      <p role="status">
        Your password was changed and{' '}
        {sessions === 1 ? 'your session was' : `${sessions} sessions were`} ended, this one
        included. Log in again with your new password.
      </p>
      <div class="toolbar access-dialog-buttons">
        <button class="primary" autoFocus onClick={toLogin}>
          Log in again
        </button>
      </div>
    </dialog>
  );
}
