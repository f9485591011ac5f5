/**
 * The escalation policies editor (admins): policies with ordered levels (receiver + delay
 * unacknowledged), a repeat count, and which route carries which policy. Saves go to
 * `/api/argus/v1/escalation-policies`, which edits only those parts of the tenant's config
 * (creating it from the file config on the first save). Server errors show by their field;
 * a save over a newer version is refused with a way to reload.
 */
import { useState } from 'preact/hooks';
import {
  saveEscalationPolicies,
  type EscalationPolicies,
  type EscalationPolicy,
} from '../../api/alertmanager-config.js';
import { ApiError } from '../../api/client.js';
import {
  changedAttachments,
  delayProblem,
  fieldErrors,
  renameInAttachments,
  type FieldErrors,
} from '../../lib/alerting/policy-edit.js';
import { errorText } from './common.js';
import './escalation-editor.css';

const NONE = '';

function Problems({ list }: { list: string[] | undefined }) {
  if (list === undefined || list.length === 0) return null;
  return (
    <span class="error small field-error" role="alert">
      {list.join('; ')}
    </span>
  );
}

function ownPolicies(d: EscalationPolicies): Map<string, string | null> {
  return new Map(d.routes.map((r) => [r.id, r.escalation_policy]));
}

function routeLabel(r: EscalationPolicies['routes'][number]): string {
  const m = r.matchers.length > 0 ? r.matchers.join(', ') : r.id === 'route' ? 'root' : 'any';
  return `${m} → ${r.receiver ?? '(inherited receiver)'}`;
}

export function EscalationEditor(p: {
  data: EscalationPolicies;
  /** Reloads from the server (after a save, or to resolve a conflict). */
  onSaved(d: EscalationPolicies): void;
  onReload(): void;
}) {
  const { data } = p;
  const [policies, setPolicies] = useState<EscalationPolicy[]>(() =>
    data.policies.map((x) => ({ ...x, levels: x.levels.map((l) => ({ ...l })) })),
  );
  const [attach, setAttach] = useState(() => ownPolicies(data));
  const [errors, setErrors] = useState<FieldErrors>();
  const [conflict, setConflict] = useState<string>();
  const [busy, setBusy] = useState(false);
  const err = (key: string) => errors?.byField.get(key);

  const update = (i: number, f: (x: EscalationPolicy) => EscalationPolicy) => {
    setPolicies((ps) => ps.map((x, j) => (j === i ? f(x) : x)));
  };
  const rename = (i: number, name: string) => {
    const old = policies[i].name;
    update(i, (x) => ({ ...x, name }));
    // Routes follow a rename, unless another policy has that name too (a duplicate being fixed).
    const shared = policies.filter((x) => x.name === old).length > 1;
    if (old !== '' && !shared) setAttach((a) => renameInAttachments(a, old, name));
  };
  const remove = (i: number) => {
    const old = policies[i].name;
    if (policies.filter((x) => x.name === old).length === 1)
      setAttach((a) => renameInAttachments(a, old, null));
    setPolicies((ps) => ps.filter((_, j) => j !== i));
  };
  const add = () => {
    setPolicies((ps) => [
      ...ps,
      { name: '', levels: [{ receiver: data.receivers[0] ?? '', delay: '0s' }], repeat: 0 },
    ]);
  };
  const moveLevel = (i: number, k: number, by: -1 | 1) =>
    update(i, (x) => {
      const levels = [...x.levels];
      [levels[k], levels[k + by]] = [levels[k + by], levels[k]];
      return { ...x, levels };
    });

  const localErrors = (): FieldErrors => {
    const byField = new Map<string, string[]>();
    policies.forEach((x, i) => {
      if (x.name.trim() === '') byField.set(`escalation_policies[${i}].name`, ['enter a name']);
      x.levels.forEach((l, k) => {
        const d = delayProblem(l.delay);
        if (d !== undefined) byField.set(`escalation_policies[${i}].levels[${k}].delay`, [d]);
      });
    });
    return { byField, other: [] };
  };

  const save = async () => {
    setConflict(undefined);
    const local = localErrors();
    if (local.byField.size > 0) {
      setErrors(local);
      return;
    }
    const att = changedAttachments(ownPolicies(data), attach);
    setBusy(true);
    try {
      const next = await saveEscalationPolicies({
        policies: policies.map((x) => ({
          ...x,
          name: x.name.trim(),
          levels: x.levels.map((l) => ({ ...l, delay: l.delay.trim() })),
        })),
        attach: att,
        ...(data.source === 'tenant' && data.version !== undefined
          ? { version: data.version }
          : {}),
      });
      setErrors(undefined);
      p.onSaved(next);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConflict(e.message);
      else if (e instanceof ApiError && e.status === 400)
        setErrors(
          fieldErrors(
            e.message,
            att.map((a) => a.route),
          ),
        );
      else setErrors({ byField: new Map(), other: [errorText(e)] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="alerts-form escalation-editor"
      aria-label="Escalation policies editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {policies.length === 0 && <p class="muted small">No escalation policies yet.</p>}
      {policies.map((x, i) => {
        const at = `escalation_policies[${i}]`;
        const label = x.name.trim() === '' ? `new policy ${i + 1}` : x.name;
        return (
          <fieldset key={i} class="policy-edit" aria-label={`Policy ${label}`}>
            <legend>{label}</legend>
            <label class="field">
              Name
              <input
                value={x.name}
                required
                aria-invalid={err(`${at}.name`) ? true : undefined}
                onInput={(e) => rename(i, e.currentTarget.value)}
              />
              <Problems list={err(`${at}.name`)} />
            </label>
            <ol class="level-list">
              {x.levels.map((l, k) => {
                const lv = `${at}.levels[${k}]`;
                return (
                  <li key={k} class="level-row" aria-label={`Level ${k + 1}`}>
                    <label class="field">
                      {`Level ${k + 1} receiver`}
                      <select
                        value={l.receiver}
                        aria-invalid={err(`${lv}.receiver`) ? true : undefined}
                        onChange={(e) => {
                          const receiver = e.currentTarget.value;
                          update(i, (y) => ({
                            ...y,
                            levels: y.levels.map((z, j) => (j === k ? { ...z, receiver } : z)),
                          }));
                        }}
                      >
                        {!data.receivers.includes(l.receiver) && (
                          <option value={l.receiver}>{l.receiver || '(choose)'}</option>
                        )}
                        {data.receivers.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                      <Problems list={err(`${lv}.receiver`)} />
                    </label>
                    <label class="field delay-field">
                      {k === 0 ? 'Delay (usually 0s)' : 'Delay unacknowledged'}
                      <input
                        value={l.delay}
                        inputMode="text"
                        placeholder="15m"
                        aria-invalid={err(`${lv}.delay`) ? true : undefined}
                        onInput={(e) => {
                          const delay = e.currentTarget.value;
                          update(i, (y) => ({
                            ...y,
                            levels: y.levels.map((z, j) => (j === k ? { ...z, delay } : z)),
                          }));
                        }}
                      />
                      <Problems list={[...(err(`${lv}.delay`) ?? []), ...(err(lv) ?? [])]} />
                    </label>
                    <div class="toolbar level-buttons">
                      <button
                        type="button"
                        disabled={k === 0}
                        aria-label={`Move level ${k + 1} up`}
                        onClick={() => moveLevel(i, k, -1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        disabled={k === x.levels.length - 1}
                        aria-label={`Move level ${k + 1} down`}
                        onClick={() => moveLevel(i, k, 1)}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        disabled={x.levels.length === 1}
                        aria-label={`Remove level ${k + 1}`}
                        onClick={() =>
                          update(i, (y) => ({ ...y, levels: y.levels.filter((_, j) => j !== k) }))
                        }
                      >
                        Remove
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
            <Problems list={err(`${at}.levels`)} />
            <div class="toolbar">
              <button
                type="button"
                onClick={() =>
                  update(i, (y) => ({
                    ...y,
                    levels: [...y.levels, { receiver: data.receivers[0] ?? '', delay: '15m' }],
                  }))
                }
              >
                Add level
              </button>
              <label class="field repeat-field">
                Repeat (extra runs)
                <input
                  type="number"
                  min={0}
                  step={1}
                  value={x.repeat}
                  onInput={(e) =>
                    update(i, (y) => ({
                      ...y,
                      repeat: Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)),
                    }))
                  }
                />
                <Problems list={err(`${at}.repeat`)} />
              </label>
              <span class="spacer" />
              <button type="button" class="danger" onClick={() => remove(i)}>
                Remove policy
              </button>
            </div>
            <Problems list={err(at)} />
          </fieldset>
        );
      })}
      <div class="toolbar">
        <button type="button" onClick={add}>
          Add policy
        </button>
      </div>
      <fieldset class="policy-edit" aria-label="Routes">
        <legend>Routes</legend>
        <p class="muted small">
          A route’s policy applies to its alerts and is inherited by its child routes.
        </p>
        <ul class="route-attach">
          {data.routes.map((r) => {
            const own = attach.get(r.id) ?? null;
            const inherited =
              own === null && r.effective_policy !== null ? r.effective_policy : null;
            return (
              <li key={r.id} class="route-row" data-route={r.id}>
                <label class="field">
                  <span class="mono route-name">{routeLabel(r)}</span>
                  <select
                    aria-label={`Escalation policy of route ${routeLabel(r)}`}
                    value={own ?? NONE}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      setAttach((a) => new Map(a).set(r.id, v === NONE ? null : v));
                    }}
                  >
                    <option value={NONE}>
                      {inherited !== null ? `(inherits ${inherited})` : '(none)'}
                    </option>
                    {policies
                      .filter((x) => x.name.trim() !== '')
                      .map((x) => (
                        <option key={x.name} value={x.name}>
                          {x.name}
                        </option>
                      ))}
                  </select>
                  <Problems list={err(r.id)} />
                </label>
              </li>
            );
          })}
        </ul>
      </fieldset>
      {errors !== undefined && errors.other.length > 0 && (
        <ul class="error" role="alert" aria-label="Save errors">
          {errors.other.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      {conflict !== undefined && (
        <div class="error" role="alert">
          <p>Someone saved the configuration since you loaded it: {conflict}</p>
          <button type="button" onClick={p.onReload}>
            Reload (discards your changes)
          </button>
        </div>
      )}
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save policies'}
        </button>
        <button type="button" onClick={p.onReload} disabled={busy}>
          Discard changes
        </button>
      </div>
    </form>
  );
}
