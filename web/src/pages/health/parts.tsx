/** Pieces the health pages share: status badge, uptime bars and windows, the editor role. */
import { Link } from 'wouter-preact';
import type { UptimeView } from '../../api/health.js';
import { useSession } from '../../app/session.js';
import { relative } from '../../lib/alerting/format.js';
import { formatRatio, statusClass, statusIcon, uptimeBars } from '../../lib/health/status.js';

/** A status as icon + word + colour (never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge hs-badge ${statusClass(status)}`} data-status={status}>
      <span aria-hidden="true">{statusIcon(status)}</span> {status}
    </span>
  );
}

/** 90 daily bars, oldest first; each has its day and percentage as title and name. */
export function UptimeBars({ daily }: { daily: UptimeView['daily'] }) {
  const bars = uptimeBars(daily);
  return (
    <ol class="uptime-bars" aria-label={`Uptime, last ${bars.length} days`}>
      {bars.map((b) => (
        <li key={b.day} class={`ub-${b.level}`} title={b.label} aria-label={b.label} />
      ))}
    </ol>
  );
}

export function UptimeWindows({ u }: { u: UptimeView | undefined }) {
  if (!u) return null;
  return (
    <dl class="facts uptime-windows">
      {(['24h', '7d', '30d', '90d'] as const).map((w) => (
        <div key={w}>
          <dt>{w}</dt>
          <dd>{formatRatio(u.windows[w])}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ServiceLink({ name }: { name: string }) {
  return <Link href={`/health/services/${encodeURIComponent(name)}`}>{name}</Link>;
}

export function CheckLink({ name }: { name: string }) {
  return <Link href={`/health/checks/${encodeURIComponent(name)}`}>{name}</Link>;
}

/** "impacted by a, b" with links to the root causes. */
export function ImpactedBy({ names }: { names: readonly string[] }) {
  if (names.length === 0) return null;
  return (
    <p class="impacted small">
      impacted by{' '}
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 && ', '}
          <ServiceLink name={n} />
        </span>
      ))}
    </p>
  );
}

/** Whether the session may change health objects (the API enforces it; this hides buttons). */
export function useEditor(): boolean {
  const { principal } = useSession();
  if (!principal) return false;
  return (
    principal.system_admin ||
    principal.permissions.includes('admin') ||
    principal.permissions.includes('edit')
  );
}

/** "3 min ago", with the full time as the title. */
export function Ago({ ms, now }: { ms: number | undefined; now: number }) {
  if (ms === undefined || ms <= 0) return <span class="muted">—</span>;
  const d = new Date(ms);
  return (
    <time dateTime={d.toISOString()} title={d.toLocaleString()}>
      {relative(ms, now)}
    </time>
  );
}
