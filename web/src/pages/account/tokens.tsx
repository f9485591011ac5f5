import { useAction } from '../settings/use-action.js';
import { useState } from 'preact/hooks';
import { createToken, listTokens, SCOPES, type NewToken, type Scope } from '../../api/access.js';
import { Field } from '../settings/field.js';
import { SecretOnce } from '../settings/secret.js';
import { TokenTable } from '../settings/token-table.js';
import { useLoad } from '../settings/use-load.js';
import { checkDuration } from '../settings/validate.js';

const SCOPE_HELP: Record<Scope, string> = {
  read: 'read — queries and listings',
  write: 'write — ingestion only (remote_write, push)',
  admin: 'admin — everything your role allows',
};

/** My API tokens: list, create (the secret shown once), revoke. */
export function MyTokensCard() {
  const tokens = useLoad(() => listTokens(false));
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [expires, setExpires] = useState('90d');
  const [tried, setTried] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [created, setCreated] = useState<NewToken>();

  const nameProblem =
    name.trim() === ''
      ? 'give it a name (what uses it)'
      : name.length > 128
        ? 'at most 128 characters'
        : undefined;
  const expiresProblem = checkDuration(expires);

  const submit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    setError(undefined);
    if (nameProblem || expiresProblem) return;
    await run(async () => {
      setCreated(
        await createToken({
          name: name.trim(),
          scope,
          ...(expires === '' ? {} : { expires_in: expires }),
        }),
      );
      setName('');
      setTried(false);
      tokens.reload();
    });
  };
  return (
    <div class="card">
      <h2>API tokens</h2>
      <p class="muted small">
        For scripts and tools: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts
        in this tenant with the lesser of its scope and your role.
      </p>
      <form class="access-form" noValidate onSubmit={(e) => void submit(e)}>
        <div class="row">
          <Field
            id="token-name"
            label="Name"
            autoComplete="off"
            placeholder="grafana"
            value={name}
            onValue={setName}
            problem={nameProblem}
            shown={tried}
          />
          <label for="token-scope">
            Scope
            <select
              id="token-scope"
              value={scope}
              onChange={(e) => setScope(e.currentTarget.value as Scope)}
            >
              {SCOPES.map((s) => (
                <option key={s} value={s}>
                  {SCOPE_HELP[s]}
                </option>
              ))}
            </select>
          </label>
          <Field
            id="token-expires"
            label="Expires in"
            autoComplete="off"
            value={expires}
            onValue={setExpires}
            problem={expiresProblem}
            shown={tried}
            hint="e.g. 90d or 12h; empty: never"
          />
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="toolbar">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
      {created && (
        <SecretOnce
          label={`New token “${created.name}”`}
          value={created.token}
          onDone={() => setCreated(undefined)}
        />
      )}
      {tokens.error && (
        <p class="error" role="alert">
          {tokens.error}
        </p>
      )}
      {tokens.data && <TokenTable tokens={tokens.data} onChanged={tokens.reload} />}
    </div>
  );
}
