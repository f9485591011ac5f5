/**
 * Rules: the rule groups of `/api/v1/rules` with each rule's type, state, health and last
 * error, last evaluation, evaluation time, query (with an Explore link), labels and
 * annotations; a text and state filter kept in the URL. Groups from rule files are read-only.
 */
import { useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { deleteRuleGroup, ruleGroups, type Rule, type RuleGroup } from '../../api/alerting.js';
import { useSearchParam } from '../../app/url-state.js';
import { formatDuration, formatSeconds, relative, toMs } from '../../lib/alerting/format.js';
import {
  exploreHref,
  filterRuleGroups,
  isApiManaged,
  isBuiltIn,
  isFileProvisioned,
  stateCounts,
  type RuleState,
} from '../../lib/alerting/rules.js';
import { useRefresh } from '../overview/use-refresh.js';
import { useNow } from '../targets/use-now.js';
import { Dialog, LabelChips } from './common.js';
import { RuleGroupEditor } from './rule-group-editor.js';
import type { SectionProps } from './index.js';

type StateChoice = RuleState | 'all' | 'error';
const CHOICES: StateChoice[] = ['all', 'firing', 'pending', 'inactive', 'error'];

function lastEval(iso: string, now: number): string {
  const t = toMs(iso);
  // Go's zero time: never evaluated yet.
  return Number.isFinite(t) && t > 0 ? relative(t, now) : 'never';
}

function RuleRow({ r, now }: { r: Rule; now: number }) {
  const labels = Object.entries(r.labels ?? {});
  const annotations = r.type === 'alerting' ? Object.entries(r.annotations) : [];
  return (
    <li class="rule-row" aria-label={`Rule ${r.name}`} data-rule={r.name}>
      <div class="alert-head">
        <span class="badge">{r.type === 'alerting' ? 'alert' : 'record'}</span>
        <strong class="alert-name mono">{r.name}</strong>
        {r.type === 'alerting' && <span class={`badge state-${r.state}`}>{r.state}</span>}
        <span class={`badge health-${r.health}`}>{r.health}</span>
        <span class="muted small">
          evaluated {lastEval(r.lastEvaluation, now)} in {formatSeconds(r.evaluationTime)}
        </span>
        {r.type === 'alerting' && r.duration > 0 && (
          <span class="muted small">for {formatDuration(r.duration * 1000)}</span>
        )}
      </div>
      {r.lastError !== undefined && r.lastError !== '' && (
        <p class="error small rule-error">{r.lastError}</p>
      )}
      <pre class="rule-query mono">{r.query}</pre>
      <div class="toolbar">
        <Link href={exploreHref(r.query)}>Open in Explore</Link>
        {r.type === 'alerting' && (r.alerts?.length ?? 0) > 0 && (
          <span class="muted small">
            {r.alerts!.length} active alert{r.alerts!.length === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <LabelChips labels={labels} />
      {annotations.length > 0 && (
        <dl class="annotations">
          {annotations.map(([k, v]) => (
            <div key={k}>
              <dt class="mono">{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}

type Editing = { kind: 'edit'; name?: string } | { kind: 'delete'; name: string } | null;

export function RulesSection({ editor }: SectionProps) {
  const [text, setText] = useSearchParam<string>('q', '');
  const [state, setState] = useSearchParam<StateChoice>('state', 'all', CHOICES);
  const [editing, setEditing] = useState<Editing>(null);
  const [reload, setReload] = useState(0);
  const { data, error } = useRefresh((signal) => ruleGroups(signal), [reload], {
    interval: 10_000,
    minGapMs: 5000,
  });
  const now = useNow(5000);
  const groups: RuleGroup[] = useMemo(
    () => filterRuleGroups<Rule, RuleGroup>(data ?? [], { text, state }),
    [data, text, state],
  );
  const counts = stateCounts(data ?? []);
  return (
    <>
      <div class="toolbar">
        <input
          type="search"
          class="filter-box"
          placeholder="Filter by name, query, group, label"
          aria-label="Filter rules"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <label class="inline-label">
          <span class="muted small">State</span>
          <select value={state} onChange={(e) => setState(e.currentTarget.value as StateChoice)}>
            {CHOICES.map((c) => (
              <option key={c} value={c}>
                {c === 'all' ? 'all' : `${c} (${counts[c]})`}
              </option>
            ))}
          </select>
        </label>
        {editor && (
          <button type="button" onClick={() => setEditing({ kind: 'edit' })}>
            New rule group
          </button>
        )}
      </div>
      {editing?.kind === 'edit' && (
        <RuleGroupEditor
          name={editing.name}
          onClose={() => setEditing(null)}
          onSaved={() => setReload((n) => n + 1)}
        />
      )}
      {editing?.kind === 'delete' && (
        <Dialog
          title={`Delete rule group ${editing.name}`}
          confirmLabel="Delete"
          danger
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteRuleGroup(editing.name);
            setReload((n) => n + 1);
          }}
        >
          <p>Its recording rules stop and their series go stale; its alerts resolve.</p>
        </Dialog>
      )}
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the rules: {error}
        </p>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data !== undefined && data.length === 0 && (
        <div class="card">
          <p class="muted">
            No rules. Add <code>rule_files:</code> to argus.yml (Prometheus rule files load
            unchanged).
          </p>
        </div>
      )}
      {data !== undefined && data.length > 0 && groups.length === 0 && (
        <p class="muted">No rule matches the filter.</p>
      )}
      {groups.map((g) => (
        <section key={`${g.file}|${g.name}`} class="card" aria-label={`Rule group ${g.name}`}>
          <div class="group-head">
            <h2>{g.name}</h2>
            <span class="muted small">
              every {formatDuration(g.interval * 1000)} · evaluated{' '}
              {lastEval(g.lastEvaluation, now)} in {formatSeconds(g.evaluationTime)}
            </span>
          </div>
          {isApiManaged(g) && (
            <div class="toolbar">
              <span class="muted small">
                Managed here and through the API (
                <span class="mono">/api/argus/v1/rule-groups</span>).
              </span>
              {editor && (
                <>
                  <button type="button" onClick={() => setEditing({ kind: 'edit', name: g.name })}>
                    Edit
                  </button>
                  <button
                    type="button"
                    class="danger"
                    onClick={() => setEditing({ kind: 'delete', name: g.name })}
                  >
                    Delete
                  </button>
                </>
              )}
            </div>
          )}
          {isBuiltIn(g) ? (
            <p class="muted small">Built into Argus — read-only.</p>
          ) : (
            isFileProvisioned(g) && (
              <p class="muted small">
                From <span class="mono">{g.file}</span> — read-only here: edit the file and reload
                the configuration.
              </p>
            )
          )}
          <ul class="rule-list">
            {g.rules.map((r, i) => (
              <RuleRow key={`${i}:${r.name}`} r={r} now={now} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
