/**
 * Services: the overall banner (worst status and root causes) and a card per service: status,
 * impacted-by, 90-day uptime bars, 24 h / 30 d uptime, SLO budget, response-time sparkline.
 * Refreshed on the server's live tick and every 10 s.
 */
import { useState } from 'preact/hooks';
import {
  checkResults,
  overallHealth,
  slo,
  uptime,
  type OverallHealthView,
  type ServiceView,
} from '../../api/health.js';
import { useSearchParam } from '../../app/url-state.js';
import { Sparkline } from '../../components/chart/index.js';
import {
  budgetText,
  durationPoints,
  formatRatio,
  impactText,
  statusClass,
} from '../../lib/health/status.js';
import { useRefresh } from '../overview/use-refresh.js';
import { ImpactedBy, ServiceLink, StatusBadge, UptimeBars, useEditor } from './parts.js';
import { ServiceEditor } from './service-editor.js';

const RANGES = ['1h', '24h'] as const;
type Range = (typeof RANGES)[number];
const RANGE_MS: Record<Range, number> = { '1h': 3_600_000, '24h': 86_400_000 };

export function OverallBanner({ h }: { h: OverallHealthView }) {
  const causes = h.root_causes;
  const impacted = h.services.filter((s) => s.impacted_by.length > 0);
  return (
    <section class={`card hs-banner ${statusClass(h.status)}`} aria-label="Overall status">
      <p class="hs-banner-title">
        <StatusBadge status={h.status} />{' '}
        {h.status === 'up'
          ? 'All services are up'
          : causes.length > 0
            ? `Root cause: ${causes.join(', ')}`
            : `Overall ${h.status}`}
      </p>
      {impacted.length > 0 && (
        <ul class="hs-impacts small">
          {impacted.map((s) => (
            <li key={s.name}>{impactText(s.name, s.status, s.impacted_by)}</li>
          ))}
        </ul>
      )}
      <p class="muted small">
        {h.services.length} services · {h.counts.checks} checks ({h.counts.up} up, {h.counts.down}{' '}
        down, {h.counts.unknown} unknown)
      </p>
    </section>
  );
}

function ServiceCard({ s, range, tick }: { s: ServiceView; range: Range; tick: number }) {
  const up = useRefresh((sig) => uptime('services', s.name, sig), [s.name], {
    interval: 60_000,
    live: false,
  });
  const budget = useRefresh(
    (sig) => (s.slo ? slo(s.name, sig) : Promise.resolve(undefined)),
    [s.name, s.slo?.target],
    { interval: 60_000, live: false },
  );
  const spark = useRefresh(
    async (sig) => {
      const to = Date.now();
      const lists = await Promise.all(
        s.checks.map((c) => checkResults(c.name, to - RANGE_MS[range], to, sig).catch(() => [])),
      );
      return durationPoints(lists.flat());
    },
    [s.name, s.checks.map((c) => c.name).join(','), range, tick],
    { live: false, interval: 30_000 },
  );
  return (
    <article class={`card hs-card ${statusClass(s.status)}`} aria-label={`Service ${s.name}`}>
      <header class="hs-card-head">
        <h2>
          <ServiceLink name={s.name} />
        </h2>
        <StatusBadge status={s.status} />
      </header>
      {s.description !== '' && <p class="muted small hs-desc">{s.description}</p>}
      <ImpactedBy names={s.impacted_by} />
      {up.data && <UptimeBars daily={up.data.daily} />}
      <p class="small">
        Uptime 24 h <strong>{formatRatio(up.data?.windows['24h'])}</strong> · 30 d{' '}
        <strong>{formatRatio(up.data?.windows['30d'])}</strong>
      </p>
      {budget.data && (
        <p class="small">
          SLO {budget.data.target}%: {budgetText(budget.data.remaining_ratio)}
        </p>
      )}
      {spark.data && spark.data.length > 1 ? (
        <Sparkline
          points={spark.data}
          color={0}
          height={36}
          label={`Response time of ${s.name}'s checks, last ${range}`}
        />
      ) : (
        <p class="muted small">No response times in the last {range}.</p>
      )}
    </article>
  );
}

export function ServicesSection() {
  const editor = useEditor();
  const [range, setRange] = useSearchParam<Range>('range', '1h', RANGES);
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const { data, error } = useRefresh(
    async (sig) => {
      const h = await overallHealth(sig);
      setTick((t) => t + 1);
      return h;
    },
    [version],
    { interval: 10_000, minGapMs: 5000 },
  );
  // Sparklines follow the overall refresh, at most every 6th time (their data moves slowly).
  const sparkTick = Math.floor(tick / 6);
  return (
    <>
      <div class="toolbar">
        <label class="inline-label">
          Response time
          <select value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
            {RANGES.map((r) => (
              <option key={r} value={r}>
                last {r}
              </option>
            ))}
          </select>
        </label>
        {editor && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New service
          </button>
        )}
      </div>
      {error !== undefined && (
        <p class="error" role="alert">
          Cannot load the health: {error}
        </p>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data && <OverallBanner h={data} />}
      {data && data.services.length === 0 && (
        <p class="muted">
          No services yet. Define them under <code>services:</code> in argus.yml
          {editor ? ' or create one here' : ''}.
        </p>
      )}
      {data && data.services.length > 0 && (
        <div class="grid hs-grid">
          {data.services.map((s) => (
            <ServiceCard key={s.name} s={s} range={range} tick={sparkTick} />
          ))}
        </div>
      )}
      {creating && (
        <ServiceEditor
          onSaved={() => setVersion((v) => v + 1)}
          onClose={() => setCreating(false)}
        />
      )}
    </>
  );
}
