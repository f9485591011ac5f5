import type { AckTokenPayload } from '../../alerting/index.js';

/** What the one-click acknowledgement page shows. */
export type AckPage =
  | { kind: 'error'; why: string }
  | {
      kind: 'confirm';
      payload: AckTokenPayload;
      alerts: { fingerprint: string; alertname: string }[];
    }
  | {
      kind: 'done';
      payload: AckTokenPayload;
      alerts: { fingerprint: string; alertname: string }[];
      acked: readonly string[];
    };

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]);

function list(alerts: { fingerprint: string; alertname: string }[]): string {
  const items = alerts
    .map(
      (a) =>
        `<li>${a.alertname === '' ? '(no longer held)' : escapeHtml(a.alertname)} <code>${escapeHtml(a.fingerprint)}</code></li>`,
    )
    .join('');
  return `<ul>${items}</ul>`;
}

/**
 * A self-contained page (no script, no inline style: the CSP allows neither) for an ack link.
 * The confirm page's form posts back to the same URL: only that POST acknowledges.
 */
export function ackPage(p: AckPage): string {
  let title: string;
  let body: string;
  if (p.kind === 'error') {
    title = 'Cannot acknowledge';
    body = `<p>This acknowledgement link cannot be used: ${escapeHtml(p.why)}.</p><p>Acknowledge the alerts in Argus instead.</p>`;
  } else {
    const group = `<p>Group <code>${escapeHtml(p.payload.groupKey)}</code> in tenant <code>${escapeHtml(p.payload.tenant)}</code>:</p>${list(p.alerts)}`;
    if (p.kind === 'confirm') {
      title = 'Acknowledge alerts?';
      body = `${group}<p>Acknowledging stops repeat notifications and escalation for these alerts until they resolve or fire again. Link valid until ${new Date(p.payload.expiresAt).toISOString()}.</p>
<form method="post"><p><label>Comment (optional) <input type="text" name="comment" maxlength="1024"></label></p><p><button type="submit">Acknowledge ${p.alerts.length} alert${p.alerts.length === 1 ? '' : 's'}</button></p></form>`;
    } else {
      title = p.acked.length > 0 ? 'Acknowledged' : 'Nothing to acknowledge';
      body = `${group}<p>${
        p.acked.length > 0
          ? `Acknowledged ${p.acked.length} firing alert${p.acked.length === 1 ? '' : 's'}.`
          : 'None of these alerts is firing any more.'
      }</p>`;
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title} · Argus</title></head>
<body><h1>${title}</h1>${body}</body></html>
`;
}
