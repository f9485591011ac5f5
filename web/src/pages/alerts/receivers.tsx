/**
 * Receivers: each receiver's channels (kind, implemented or not, send_resolved), a "Send test
 * notification" per receiver (admins) with each channel's result, the escalation policies of
 * the tenant's config (an editor for admins, read-only otherwise) and the tenant's
 * Alertmanager configuration (YAML; editable by admins, with a reset to the file config).
 */
import { useState } from 'preact/hooks';
import {
  receivers,
  testReceiver,
  type ArgusReceiver,
  type ChannelTestResult,
} from '../../api/alerting.js';
import {
  escalationPolicies,
  tenantConfig,
  type EscalationPolicies,
} from '../../api/alertmanager-config.js';
import { useRefresh } from '../overview/use-refresh.js';
import { errorText } from './common.js';
import { EscalationEditor } from './escalation-editor.js';
import type { SectionProps } from './index.js';
import { TenantConfigView } from './tenant-config-view.js';

function ReceiverCard({ r, admin }: { r: ArgusReceiver; admin: boolean }) {
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<ChannelTestResult[]>();
  const [error, setError] = useState<string>();
  const runnable = r.channels.length > 0;
  const missing = r.integrations.filter((x) => !x.implemented);
  const send = async () => {
    setBusy(true);
    setError(undefined);
    setResults(undefined);
    try {
      setResults(await testReceiver(r.name));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-label={`Receiver ${r.name}`} data-receiver={r.name}>
      <div class="group-head">
        <h2>{r.name}</h2>
        <span class="spacer" />
        {admin && (
          <button
            type="button"
            onClick={() => void send()}
            disabled={busy || !runnable}
            title={runnable ? undefined : 'No channel Argus can send through'}
          >
            {busy ? 'Sending…' : 'Send test notification'}
          </button>
        )}
      </div>
      {r.channels.length === 0 && missing.length === 0 ? (
        <p class="muted small">No channels: alerts routed here are dropped quietly.</p>
      ) : (
        <ul class="channel-list">
          {r.channels.map((c, i) => (
            <li key={i} class="channel-row">
              <span class="mono">{c.name || c.kind}</span>
              <span class="badge">{c.kind}</span>
              <span class="badge badge-ok">implemented</span>
              {c.sendResolved && <span class="muted small">sends resolved</span>}
              {c.sendsAcks === true && <span class="muted small">sends acks</span>}
            </li>
          ))}
          {missing.map((x) => (
            <li key={x.type} class="channel-row">
              <span class="mono">
                {x.type}
                {x.count > 1 ? ` ×${x.count}` : ''}
              </span>
              <span class="badge badge-warn">not implemented</span>
              <span class="muted small">
                loaded but sends nothing: alerts routed only here go to the route's fallback
              </span>
            </li>
          ))}
        </ul>
      )}
      {!admin && <p class="muted small">Test notifications are for administrators.</p>}
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {results !== undefined && (
        <div role="status" aria-label={`Test results for ${r.name}`}>
          {results.length === 0 && <p class="muted small">No channel to test.</p>}
          <ul class="channel-list">
            {results.map((x, i) => (
              <li key={i} class="channel-row">
                <span class={`badge ${x.ok ? 'badge-ok' : 'badge-bad'}`}>
                  {x.ok ? 'delivered' : 'failed'}
                </span>
                <span class="mono">{x.channel}</span>
                {x.status !== undefined && <span class="small">status {x.status}</span>}
                <span class="badge">{x.kind}</span>
                {x.error !== undefined && <span class="error small">{x.error}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function PoliciesReadOnly({ data }: { data: EscalationPolicies }) {
  return (
    <>
      {data.policies.length === 0 && <p class="muted small">No escalation policies.</p>}
      {data.policies.map((p) => {
        const usedBy = data.routes.filter((r) => r.escalation_policy === p.name);
        return (
          <section key={p.name} class="policy" aria-label={`Policy ${p.name}`}>
            <h3>{p.name}</h3>
            <ol class="policy-levels">
              {p.levels.map((l, i) => (
                <li key={i}>
                  <span class="mono">{l.receiver}</span>
                  <span class="muted small">
                    {i === 0 && (l.delay === '0s' || l.delay === '')
                      ? ' at once'
                      : ` after ${l.delay} unacknowledged`}
                  </span>
                </li>
              ))}
            </ol>
            <p class="muted small">
              {p.repeat > 0 ? `Repeats ${p.repeat} more time${p.repeat === 1 ? '' : 's'}. ` : ''}
              {usedBy.length > 0
                ? `Used by: ${usedBy.map((r) => `${r.receiver ?? r.id} (${r.matchers.join(', ') || 'all'})`).join('; ')}`
                : 'Not attached to a route.'}
            </p>
          </section>
        );
      })}
    </>
  );
}

export function ReceiversSection({ admin }: SectionProps) {
  const [reload, setReload] = useState(0);
  const { data, error } = useRefresh(
    async (signal) => {
      const [list, policies, config] = await Promise.all([
        receivers(signal),
        escalationPolicies(signal).catch(() => undefined),
        tenantConfig(signal).catch(() => undefined),
      ]);
      return { list, policies, config };
    },
    [reload],
    { live: false, interval: 60_000 },
  );
  const again = () => setReload((n) => n + 1);
  // The editor restarts from the server's answer after a save (new version) or a discard.
  const [epoch, setEpoch] = useState(0);
  const [notice, setNotice] = useState<string>();
  const policies = data?.policies;
  return (
    <>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the receivers: {error}
        </p>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data?.list.map((r) => (
        <ReceiverCard key={r.name} r={r} admin={admin} />
      ))}
      {policies !== undefined && (
        <section class="card" aria-label="Escalation policies">
          <h2>Escalation policies</h2>
          <p class="muted small">
            Ordered levels: each level’s receivers are notified when the alert is still firing and
            unacknowledged after its delay; repeat runs the levels again.
            {policies.source === 'tenant'
              ? ' Part of this tenant’s own configuration.'
              : ' Saving creates this tenant’s own configuration from the file one.'}
          </p>
          {admin ? (
            <EscalationEditor
              key={`${policies.source}:${policies.version ?? 0}:${epoch}`}
              data={policies}
              onSaved={(d) => {
                setNotice(`Saved (version ${d.version ?? '?'}); applied at once.`);
                again();
              }}
              onReload={() => {
                setNotice(undefined);
                setEpoch((n) => n + 1);
                again();
              }}
            />
          ) : (
            <PoliciesReadOnly data={policies} />
          )}
          {notice !== undefined && (
            <p role="status" class="muted small">
              {notice}
            </p>
          )}
        </section>
      )}
      {data?.config !== undefined && (
        <TenantConfigView config={data.config} admin={admin} onSaved={again} />
      )}
    </>
  );
}
