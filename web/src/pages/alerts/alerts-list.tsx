/**
 * The firing alerts as routed (Alertmanager's aggregation groups), pending rule alerts, a
 * matcher filter kept in the URL, show-silenced/inhibited toggles, ack/unack per alert and per
 * group, and "Silence" opening the editor prefilled with the alert's labels. Refreshed on the
 * live tick and every 10 s.
 */
import { useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import {
  ack,
  alertGroups,
  history,
  ruleAlerts,
  unack,
  type AmAlert,
  type AmGroup,
  type HistoryEntry,
  type RuleAlert,
} from '../../api/alerting.js';
import { useSearchParam } from '../../app/url-state.js';
import {
  ackFromHistory,
  badges,
  groupAck,
  groupTitle,
  ownLabels,
  pendingAlerts,
  visibleGroups,
} from '../../lib/alerting/alerts.js';
import { actorLabel, relative, safeHttpUrl, toMs } from '../../lib/alerting/format.js';
import {
  formatMatcher,
  formatMatchers,
  matchersFromLabels,
  parseMatchers,
  type Matcher,
} from '../../lib/alerting/matchers.js';
import { useRefresh } from '../overview/use-refresh.js';
import { useNow } from '../targets/use-now.js';
import { AckDialog, LabelChips } from './common.js';
import type { SectionProps } from './index.js';

interface Loaded {
  groups: AmGroup[];
  pending: RuleAlert[];
}

/** Acks from the history when the alerts API does not carry them itself. */
async function withAcks(groups: AmGroup[], signal: AbortSignal): Promise<AmGroup[]> {
  const alerts = groups.flatMap((g) => g.alerts);
  if (alerts.length === 0 || alerts.every((a) => a.acknowledged !== undefined)) return groups;
  const from = Math.min(...alerts.map((a) => toMs(a.startsAt)).filter(Number.isFinite));
  const q = { from: Number.isFinite(from) ? from : undefined, limit: 1000 };
  const entries: HistoryEntry[] = (
    await Promise.all([
      history({ ...q, kind: 'ack' }, signal).catch(() => []),
      history({ ...q, kind: 'unack' }, signal).catch(() => []),
    ])
  ).flat();
  return groups.map((g) => ({
    ...g,
    alerts: g.alerts.map((a) =>
      a.acknowledged !== undefined
        ? a
        : { ...a, acknowledged: ackFromHistory(entries, a.fingerprint, toMs(a.startsAt)) ?? null },
    ),
  }));
}

function silenceHref(labels: Record<string, string>): string {
  const q = new URLSearchParams({ editor: 'new', m: formatMatchers(matchersFromLabels(labels)) });
  return `/alerts/silences?${q.toString()}`;
}

type AckTarget = { fingerprints: string[]; what: string; unack: boolean };

function AlertRow(p: { a: AmAlert; group: AmGroup; now: number; onAck(t: AckTarget): void }) {
  const { a } = p;
  const name = a.labels.alertname ?? '(no alertname)';
  const runbook = safeHttpUrl(a.annotations.runbook_url);
  const source = safeHttpUrl(a.generatorURL);
  const state = a.status.state === 'suppressed' ? 'suppressed' : 'firing';
  const since = toMs(a.startsAt);
  return (
    <li class="alert-row" data-fingerprint={a.fingerprint} aria-label={`Alert ${name}`}>
      <div class="alert-head">
        <span class={`badge state-${state}`}>{state}</span>
        <strong class="alert-name">{name}</strong>
        {badges(a).map((b) => (
          <span key={b} class={`badge badge-${b}`}>
            {b}
          </span>
        ))}
        <span class="muted small" title={a.startsAt}>
          since {Number.isFinite(since) ? relative(since, p.now) : '—'}
        </span>
      </div>
      <LabelChips labels={ownLabels(a.labels, p.group.labels).filter(([k]) => k !== 'alertname')} />
      {a.annotations.summary !== undefined && <p class="alert-summary">{a.annotations.summary}</p>}
      {a.annotations.description !== undefined && (
        <p class="alert-description muted">{a.annotations.description}</p>
      )}
      {a.acknowledged && (
        <p class="muted small">
          Acknowledged by {actorLabel(a.acknowledged.by) || 'someone'}
          {a.acknowledged.comment ? `: ${a.acknowledged.comment}` : ''}
        </p>
      )}
      <div class="toolbar alert-actions">
        {a.acknowledged ? (
          <button
            type="button"
            onClick={() => p.onAck({ fingerprints: [a.fingerprint], what: name, unack: true })}
          >
            Unack
          </button>
        ) : (
          <button
            type="button"
            onClick={() => p.onAck({ fingerprints: [a.fingerprint], what: name, unack: false })}
          >
            Ack
          </button>
        )}
        <Link href={silenceHref(a.labels)} class="button-link">
          Silence
        </Link>
        {runbook !== undefined && (
          <a href={runbook} rel="noreferrer noopener" target="_blank">
            Runbook
          </a>
        )}
        {runbook === undefined && a.annotations.runbook_url !== undefined && (
          <span class="muted small">runbook: {a.annotations.runbook_url}</span>
        )}
        {source !== undefined && (
          <a href={source} rel="noreferrer noopener" target="_blank">
            Source
          </a>
        )}
      </div>
    </li>
  );
}

export function AlertsSection(_: SectionProps) {
  const [filterText, setFilterText] = useSearchParam<string>('filter', '');
  const [showSilenced, setShowSilenced] = useSearchParam<'0' | '1'>('silenced', '0', ['0', '1']);
  const [showInhibited, setShowInhibited] = useSearchParam<'0' | '1'>('inhibited', '0', ['0', '1']);
  const [version, setVersion] = useState(0);
  const [acking, setAcking] = useState<AckTarget>();
  const parsed = useMemo(() => parseMatchers(filterText), [filterText]);
  const matchers: Matcher[] = parsed.error === undefined ? parsed.matchers : [];
  const filterKey = matchers.map(formatMatcher);
  const { data, error } = useRefresh<Loaded>(
    async (signal) => {
      const [groups, pending] = await Promise.all([
        alertGroups({ filter: filterKey }, signal).then((g) => withAcks(g, signal)),
        ruleAlerts(signal).catch(() => [] as RuleAlert[]),
      ]);
      return { groups, pending };
    },
    [filterKey.join('\n'), version],
    { interval: 10_000, minGapMs: 2000 },
  );
  const now = useNow(5000);
  const shown = useMemo(
    () =>
      visibleGroups(data?.groups ?? [], {
        silenced: showSilenced === '1',
        inhibited: showInhibited === '1',
      }),
    [data, showSilenced, showInhibited],
  );
  const total = (data?.groups ?? []).reduce((n, g) => n + g.alerts.length, 0);
  const hidden = total - shown.reduce((n, g) => n + g.alerts.length, 0);
  const pending = pendingAlerts(data?.pending ?? [], matchers);
  const doAck = async (t: AckTarget, comment: string) => {
    const body = { fingerprints: t.fingerprints, ...(comment ? { comment } : {}) };
    await (t.unack ? unack(body) : ack(body));
    setVersion((v) => v + 1);
  };
  return (
    <>
      <div class="toolbar">
        <div class="field filter-field">
          <input
            type="search"
            class="filter-box mono"
            placeholder='Filter: alertname="X", severity=~"page|critical"'
            aria-label="Filter alerts by matchers"
            aria-invalid={parsed.error !== undefined}
            aria-describedby={parsed.error !== undefined ? 'alerts-filter-error' : undefined}
            value={filterText}
            onInput={(e) => setFilterText(e.currentTarget.value)}
          />
          {parsed.error !== undefined && (
            <span id="alerts-filter-error" class="error small">
              {parsed.error}
            </span>
          )}
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={showSilenced === '1'}
            onChange={(e) => setShowSilenced(e.currentTarget.checked ? '1' : '0')}
          />
          Show silenced
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={showInhibited === '1'}
            onChange={(e) => setShowInhibited(e.currentTarget.checked ? '1' : '0')}
          />
          Show inhibited
        </label>
      </div>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the alerts: {error}
        </p>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data !== undefined && (
        <p class="muted small" aria-live="polite">
          {total === 0
            ? 'No alert is firing.'
            : `${total} alert${total === 1 ? '' : 's'} in ${data.groups.length} group${data.groups.length === 1 ? '' : 's'}`}
          {hidden > 0 && ` · ${hidden} silenced or inhibited hidden`}
        </p>
      )}
      {shown.map((g) => {
        const state = groupAck(g.alerts);
        const title = groupTitle(g.labels);
        const fps = g.alerts.map((a) => a.fingerprint);
        return (
          <section
            key={`${g.receiver.name}|${title}`}
            class="card alert-group"
            aria-label={`Group ${title}`}
          >
            <div class="group-head">
              <h2 class="mono">{title}</h2>
              <span class="badge receiver-badge" title="Receiver">
                → {g.receiver.name}
              </span>
              <span class="spacer" />
              {state !== 'all' && (
                <button
                  type="button"
                  onClick={() =>
                    setAcking({ fingerprints: fps, what: `Group ${title}`, unack: false })
                  }
                >
                  Ack group
                </button>
              )}
              {state !== 'none' && (
                <button
                  type="button"
                  onClick={() =>
                    setAcking({ fingerprints: fps, what: `Group ${title}`, unack: true })
                  }
                >
                  Unack group
                </button>
              )}
            </div>
            <ul class="alert-list">
              {g.alerts.map((a) => (
                <AlertRow key={a.fingerprint} a={a} group={g} now={now} onAck={setAcking} />
              ))}
            </ul>
          </section>
        );
      })}
      {pending.length > 0 && (
        <section class="card" aria-label="Pending alerts">
          <h2>Pending</h2>
          <p class="muted small">
            Their rule's condition holds; they fire once it has held for the rule's <code>for</code>
            .
          </p>
          <ul class="alert-list">
            {pending.map((a, i) => {
              const at = a.activeAt !== undefined ? toMs(a.activeAt) : NaN;
              return (
                <li
                  key={i}
                  class="alert-row"
                  aria-label={`Pending alert ${a.labels.alertname ?? ''}`}
                >
                  <div class="alert-head">
                    <span class="badge state-pending">pending</span>
                    <strong class="alert-name">{a.labels.alertname ?? '(no alertname)'}</strong>
                    <span class="muted small">
                      since {Number.isFinite(at) ? relative(at, now) : '—'}
                    </span>
                  </div>
                  <LabelChips
                    labels={ownLabels(a.labels, { alertname: a.labels.alertname ?? '' })}
                  />
                  {a.annotations.summary !== undefined && (
                    <p class="alert-summary">{a.annotations.summary}</p>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {acking && (
        <AckDialog
          unack={acking.unack}
          what={acking.what}
          onConfirm={(c) => doAck(acking, c)}
          onClose={() => setAcking(undefined)}
        />
      )}
    </>
  );
}
