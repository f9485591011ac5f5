/**
 * Silences: active, pending and expired lists; the editor opens above them for a new silence
 * (`?editor=new`, prefilled from `?m=` matchers — the Alerts page's "Silence" link) or an
 * existing one (`?editor=<id>`), so an editor state can be linked. Expiring asks first.
 */
import { useMemo, useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { expireSilence, silences, type Silence, type SilenceState } from '../../api/alerting.js';
import { relative, toMs } from '../../lib/alerting/format.js';
import { formatMatcher, fromApiMatcher, parseMatchers } from '../../lib/alerting/matchers.js';
import { useRefresh } from '../overview/use-refresh.js';
import { useNow } from '../targets/use-now.js';
import { Dialog } from './common.js';
import type { SectionProps } from './index.js';
import { SilenceEditor } from './silence-editor.js';

const STATES: { state: SilenceState; label: string }[] = [
  { state: 'active', label: 'Active' },
  { state: 'pending', label: 'Pending' },
  { state: 'expired', label: 'Expired' },
];

function SilenceRow(p: {
  s: Silence;
  now: number;
  onEdit(): void;
  onRecreate(): void;
  onExpire(): void;
}) {
  const { s } = p;
  const startsAt = toMs(s.startsAt);
  const endsAt = toMs(s.endsAt);
  return (
    <li class="silence-row" aria-label={`Silence ${s.id}`} data-silence={s.id}>
      <ul class="chips" aria-label="Matchers">
        {s.matchers.map((m, i) => (
          <li key={i} class="chip mono">
            {formatMatcher(fromApiMatcher(m))}
          </li>
        ))}
      </ul>
      <p class="small">
        <span class={`badge silence-${s.status.state}`}>{s.status.state}</span>{' '}
        {s.status.state === 'pending'
          ? `starts ${relative(startsAt, p.now)}`
          : s.status.state === 'active'
            ? `ends ${relative(endsAt, p.now)}`
            : `ended ${relative(endsAt, p.now)}`}
        <span class="muted">
          {' '}
          · by {s.createdBy} · {new Date(startsAt).toLocaleString()} →{' '}
          {new Date(endsAt).toLocaleString()}
        </span>
      </p>
      {s.comment !== '' && <p class="silence-comment">{s.comment}</p>}
      <div class="toolbar">
        {s.status.state === 'expired' ? (
          <button type="button" onClick={p.onRecreate}>
            Recreate
          </button>
        ) : (
          <>
            <button type="button" onClick={p.onEdit}>
              Edit
            </button>
            <button type="button" class="danger" onClick={p.onExpire}>
              Expire
            </button>
          </>
        )}
      </div>
    </li>
  );
}

export function SilencesSection({ user }: SectionProps) {
  const search = useSearch();
  const [path, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const editor = params.get('editor');
  const prefillText = params.get('m') ?? '';
  const [version, setVersion] = useState(0);
  const [expiring, setExpiring] = useState<Silence>();
  const [notice, setNotice] = useState<string>();
  const { data, error } = useRefresh((signal) => silences(signal), [version], {
    interval: 10_000,
    live: false,
  });
  const now = useNow(5000);
  const byState = useMemo(() => {
    const m = new Map<SilenceState, Silence[]>(STATES.map((s) => [s.state, []]));
    for (const s of data ?? []) m.get(s.status.state)?.push(s);
    for (const l of m.values()) l.sort((a, b) => toMs(b.updatedAt) - toMs(a.updatedAt));
    return m;
  }, [data]);
  const openEditor = (value: string | undefined, m?: string) => {
    const q = new URLSearchParams();
    if (value !== undefined) q.set('editor', value);
    if (m !== undefined) q.set('m', m);
    const s = q.toString();
    navigate(s ? `${path}?${s}` : path);
  };
  const existing =
    editor !== null && editor !== 'new' ? data?.find((s) => s.id === editor) : undefined;
  const prefill = useMemo(() => {
    const r = parseMatchers(prefillText);
    return r.error === undefined ? r.matchers : [];
  }, [prefillText]);
  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => openEditor('new')}>
          New silence
        </button>
      </div>
      {notice !== undefined && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      {editor === 'new' && (
        <SilenceEditor
          key={`new:${prefillText}`}
          prefill={prefill}
          user={user}
          onSaved={(id) => {
            setNotice(`Silence ${id} saved.`);
            setVersion((v) => v + 1);
            openEditor(undefined);
          }}
          onCancel={() => openEditor(undefined)}
        />
      )}
      {editor !== null && editor !== 'new' && existing === undefined && data !== undefined && (
        <p class="error" role="alert">
          No silence with ID “{editor}”.
        </p>
      )}
      {existing !== undefined && (
        <SilenceEditor
          key={existing.id}
          existing={existing}
          user={user}
          onSaved={(id) => {
            setNotice(`Silence ${id} saved.`);
            setVersion((v) => v + 1);
            openEditor(undefined);
          }}
          onCancel={() => openEditor(undefined)}
        />
      )}
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the silences: {error}
        </p>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data !== undefined &&
        STATES.map(({ state, label }) => {
          const list = byState.get(state) ?? [];
          const body =
            list.length === 0 ? (
              <p class="muted small">None.</p>
            ) : (
              <ul class="silence-list">
                {list.map((s) => (
                  <SilenceRow
                    key={s.id}
                    s={s}
                    now={now}
                    onEdit={() => openEditor(s.id)}
                    onRecreate={() =>
                      openEditor(
                        'new',
                        s.matchers.map((m) => formatMatcher(fromApiMatcher(m))).join(', '),
                      )
                    }
                    onExpire={() => setExpiring(s)}
                  />
                ))}
              </ul>
            );
          return state === 'expired' ? (
            <details key={state} class="card">
              <summary>
                <h2 class="inline-h2">
                  {label} ({list.length})
                </h2>
              </summary>
              {body}
            </details>
          ) : (
            <section key={state} class="card" aria-label={`${label} silences`}>
              <h2>
                {label} ({list.length})
              </h2>
              {body}
            </section>
          );
        })}
      {expiring && (
        <Dialog
          title="Expire silence"
          confirmLabel="Expire"
          danger
          onConfirm={async () => {
            await expireSilence(expiring.id);
            setNotice(`Silence ${expiring.id} expired.`);
            setVersion((v) => v + 1);
          }}
          onClose={() => setExpiring(undefined)}
        >
          <p>
            The alerts it mutes notify again at once. Matchers:{' '}
            <span class="mono">
              {expiring.matchers.map((m) => formatMatcher(fromApiMatcher(m))).join(', ')}
            </span>
          </p>
        </Dialog>
      )}
    </>
  );
}
