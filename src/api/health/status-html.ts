import { createHash } from 'node:crypto';
import { escapeHtml } from '../alerting/ack-page.js';
import type { PublicStatusView, ServiceStatusView } from './source.js';

/**
 * The page's one stylesheet: fluid (no horizontal scroll at 390 px: bars shrink, long names
 * wrap), light and dark via prefers-color-scheme. Allowed by its hash: no script, no nonce.
 */
const CSS = `:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--card:#f5f7fa;--line:#d8dde3;--up:#1f9d55;--deg:#d69e2e;--down:#d64545;--mnt:#3b82f6;--none:#c9ced6}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--fg:#e6e9ed;--muted:#9aa4b0;--card:#181c22;--line:#2a3038;--none:#3a414b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:56rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.banner{padding:.75rem 1rem;border-radius:.5rem;color:#fff;font-weight:600}
.s-up{background:var(--up)}.s-degraded{background:var(--deg)}.s-down{background:var(--down)}.s-maintenance{background:var(--mnt)}.s-unknown{background:var(--none);color:var(--fg)}
ul{list-style:none;margin:0;padding:0}
.svc{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem;margin:.5rem 0}
.head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem .75rem;align-items:baseline}
.name{font-weight:600;overflow-wrap:anywhere;min-width:0}
.desc,.note,footer{color:var(--muted);font-size:.875rem;overflow-wrap:anywhere}
.pill{font-size:.8rem;padding:0 .5rem;border-radius:1rem;color:#fff;white-space:nowrap}
.bars{display:flex;gap:1px;margin:.5rem 0 .25rem;height:2rem}
.bars span{flex:1 1 0;min-width:0;border-radius:1px;background:var(--none)}
.bars .b0{background:var(--up)}.bars .b1{background:#7cc48f}.bars .b2{background:var(--deg)}.bars .b3{background:var(--down)}
.scale{display:flex;justify-content:space-between;color:var(--muted);font-size:.75rem}
.item{border-left:4px solid var(--line);padding:.25rem .75rem;margin:.5rem 0;overflow-wrap:anywhere}
.item.down{border-color:var(--down)}.item.degraded{border-color:var(--deg)}.item.mnt{border-color:var(--mnt)}
footer{margin:2rem 0 1rem}`;

const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

/** No script of any kind, the one stylesheet by hash, nothing from elsewhere, no framing. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${CSS_HASH}'`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADLINE: Record<ServiceStatusView, string> = {
  up: 'All systems operational',
  degraded: 'Some systems degraded',
  down: 'Major outage',
  maintenance: 'Under maintenance',
  unknown: 'Status unknown',
};

const LABEL: Record<ServiceStatusView, string> = {
  up: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  maintenance: 'Maintenance',
  unknown: 'Unknown',
};

const pct = (r: number): string => `${(Math.floor(r * 100_000) / 1000).toFixed(3)}%`;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const when = (ms: number): string =>
  `<time datetime="${iso(ms)}">${iso(ms).replace('T', ' ').replace('Z', ' UTC')}</time>`;

function barClass(r: number | null): string {
  if (r === null) return '';
  if (r >= 1) return 'b0';
  if (r >= 0.99) return 'b1';
  if (r >= 0.95) return 'b2';
  return 'b3';
}

function bars(daily: { day: string; ratio: number | null }[]): string {
  const cells = daily
    .map((d) => {
      const cls = barClass(d.ratio);
      const t = `${d.day}: ${d.ratio === null ? 'no data' : `${pct(d.ratio)} up`}`;
      return `<span${cls === '' ? '' : ` class="${cls}"`} title="${escapeHtml(t)}"></span>`;
    })
    .join('');
  return `<div class="bars">${cells}</div>`;
}

function service(s: PublicStatusView['services'][number]): string {
  const up = s.uptime_90d === null ? 'no data' : `${pct(s.uptime_90d)} uptime`;
  const desc = s.description === '' ? '' : `<div class="desc">${escapeHtml(s.description)}</div>`;
  return `<li class="svc"><div class="head"><span class="name">${escapeHtml(s.name)}</span><span class="pill s-${s.status}">${LABEL[s.status]}</span></div>${desc}${bars(s.daily)}<div class="scale"><span>${s.daily.length} days ago</span><span>${up}</span><span>Today</span></div></li>`;
}

/** The public status page: server-rendered, readable without JavaScript; all data escaped. */
export function statusPageHtml(v: PublicStatusView, now: number): string {
  const outages =
    v.outages.length === 0
      ? ''
      : `<section><h2>Current outages</h2><ul>${v.outages
          .map(
            (o) =>
              `<li class="item ${o.status === 'down' ? 'down' : 'degraded'}"><strong>${escapeHtml(o.service)}</strong> — ${LABEL[o.status]} since ${when(o.since)}</li>`,
          )
          .join('')}</ul></section>`;
  const maintenance =
    v.maintenance.length === 0
      ? ''
      : `<section><h2>Maintenance</h2><ul>${v.maintenance
          .map(
            (m) =>
              `<li class="item mnt"><strong>${escapeHtml(m.service)}</strong> — ${m.starts_at <= now ? 'in progress' : 'scheduled'}: ${when(m.starts_at)} to ${when(m.ends_at)}${m.comment === '' ? '' : `<div class="note">${escapeHtml(m.comment)}</div>`}</li>`,
          )
          .join('')}</ul></section>`;
  const title = escapeHtml(v.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${CSS}</style></head>
<body><main><h1>${title}</h1><p class="banner s-${v.status}">${HEADLINE[v.status]}</p>${outages}${maintenance}<section><h2>Services</h2><ul>${v.services.map(service).join('')}</ul></section><footer>Updated ${when(v.updated_at)} · Uptime bars: one per day (UTC), last ${v.services[0]?.daily.length ?? 90} days.</footer></main></body></html>
`;
}

/** The page for a tenant without public services (same policy and look). */
export function noStatusPageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>No status page</title><style>${CSS}</style></head>
<body><main><h1>No status page</h1><p>There is no public status page here.</p></main></body></html>
`;
}
