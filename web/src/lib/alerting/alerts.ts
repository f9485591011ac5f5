/**
 * The Alerts page's logic over the API's alert groups: which badges an alert gets, which
 * groups and alerts a "show silenced / inhibited" choice keeps, the group's firing
 * fingerprints for a group ack, and pending alerts (from the rules) that are not routed yet.
 * Pure, no DOM; the shapes are the fields these functions read.
 */
import { matchesAll, type Matcher } from './matchers.js';

export interface AlertLike {
  fingerprint: string;
  labels: Record<string, string>;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
  /** Argus: who acknowledged it (absent: not acknowledged). */
  acknowledged?: { by: string; at: number | string; comment?: string } | null;
}

export interface GroupLike<A extends AlertLike> {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: A[];
}

export type Badge = 'silenced' | 'inhibited' | 'acknowledged' | 'unprocessed';

export function badges(a: AlertLike): Badge[] {
  const out: Badge[] = [];
  if (a.status.silencedBy.length > 0) out.push('silenced');
  if (a.status.inhibitedBy.length > 0) out.push('inhibited');
  if (a.acknowledged) out.push('acknowledged');
  if (a.status.state === 'unprocessed') out.push('unprocessed');
  return out;
}

export interface Visibility {
  silenced: boolean;
  inhibited: boolean;
}

/** Alerts shown under the toggles (as the API's silenced/inhibited flags); empty groups go. */
export function visibleGroups<A extends AlertLike, G extends GroupLike<A>>(
  groups: readonly G[],
  v: Visibility,
): G[] {
  return groups
    .map((g) => ({
      ...g,
      alerts: g.alerts.filter(
        (a) =>
          (v.silenced || a.status.silencedBy.length === 0) &&
          (v.inhibited || a.status.inhibitedBy.length === 0),
      ),
    }))
    .filter((g) => g.alerts.length > 0)
    .sort(
      (a, b) =>
        a.receiver.name.localeCompare(b.receiver.name) ||
        groupTitle(a.labels).localeCompare(groupTitle(b.labels)),
    );
}

/** `alertname="X", job="y"` — a group's labels as its heading ("all alerts" when none). */
export function groupTitle(labels: Record<string, string>): string {
  const e = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return e.length === 0 ? '(all alerts)' : e.map(([k, v]) => `${k}="${v}"`).join(', ');
}

/** The group's acknowledgement state: every alert acked, some, or none. */
export function groupAck(alerts: readonly AlertLike[]): 'all' | 'some' | 'none' {
  const n = alerts.filter((a) => a.acknowledged).length;
  return n === 0 ? 'none' : n === alerts.length ? 'all' : 'some';
}

export interface PendingLike {
  labels: Record<string, string>;
  state: string;
}

/** Rule alerts still pending (waiting out `for:`), under the page's filter. */
export function pendingAlerts<P extends PendingLike>(
  all: readonly P[],
  filter: readonly Matcher[],
): P[] {
  return all
    .filter((a) => a.state === 'pending' && matchesAll(a.labels, filter))
    .sort((a, b) => (a.labels.alertname ?? '').localeCompare(b.labels.alertname ?? ''));
}

/** Labels worth showing on an alert row: all but the group's own (they are in the heading). */
export function ownLabels(
  labels: Record<string, string>,
  groupLabels: Record<string, string>,
): [string, string][] {
  return Object.entries(labels)
    .filter(([k, v]) => groupLabels[k] !== v)
    .sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)));
}

export interface AckEntryLike {
  time: number;
  kind: string;
  fingerprint: string;
  detail: Record<string, unknown>;
}

/**
 * An alert's acknowledgement from the history (ack / unack entries, any order) when the API's
 * alert carries none: the newest of them since the alert's firing episode began decides.
 */
export function ackFromHistory(
  entries: readonly AckEntryLike[],
  fingerprint: string,
  startsAtMs: number,
): { by: string; at: number; comment?: string } | undefined {
  let newest: AckEntryLike | undefined;
  for (const e of entries) {
    if (e.fingerprint !== fingerprint || (e.kind !== 'ack' && e.kind !== 'unack')) continue;
    if (e.time < startsAtMs) continue;
    if (newest === undefined || e.time >= newest.time) newest = e;
  }
  if (newest?.kind !== 'ack') return undefined;
  const d = newest.detail;
  return {
    by: typeof d.by === 'string' ? d.by : '',
    at: newest.time,
    ...(typeof d.comment === 'string' && d.comment !== '' ? { comment: d.comment } : {}),
  };
}
