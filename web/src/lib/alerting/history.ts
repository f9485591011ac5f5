/**
 * The History page's logic: one line of words per history entry (state change, delivery
 * receipt, ack, silence), entries grouped by day for the timeline, and the MTTA/MTTR table's
 * cells. Pure, no DOM. Entries are `GET /api/argus/v1/alerts/history` rows:
 *
 *   describeEntry({ kind: 'attempt', detail: { channel: 'webhook[0]', ok: false, status: 503,
 *                   latencyMs: 12, error: 'HTTP 503' }, … })
 *   // → { title: 'Notification failed', facts: ['webhook[0]', 'status 503', '12ms', 'HTTP 503'], tone: 'bad' }
 */
import { actorLabel, formatDuration } from './format.js';

export const HISTORY_KINDS = ['firing', 'resolved', 'attempt', 'ack', 'unack', 'silenced'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export interface HistoryEntryLike {
  seq: number;
  time: number;
  kind: HistoryKind | string;
  fingerprint: string;
  alertname: string;
  detail: Record<string, unknown>;
}

export type Tone = 'bad' | 'good' | 'info' | 'muted';

export interface Described {
  title: string;
  /** Short facts in order (channel, status, latency, error…), each rendered as text. */
  facts: string[];
  tone: Tone;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function describeEntry(e: HistoryEntryLike): Described {
  const d = e.detail;
  const facts = (...xs: (string | undefined)[]) => xs.filter((x): x is string => x !== undefined);
  switch (e.kind) {
    case 'firing':
      return { title: 'Started firing', facts: [], tone: 'bad' };
    case 'resolved':
      return { title: 'Resolved', facts: [], tone: 'good' };
    case 'attempt': {
      const ok = d.ok === true;
      const latency = typeof d.latencyMs === 'number' ? formatDuration(d.latencyMs) : undefined;
      const attempt =
        typeof d.attempt === 'number' && d.attempt > 1 ? `attempt ${d.attempt}` : undefined;
      return {
        title: ok ? 'Notification delivered' : 'Notification failed',
        facts: facts(
          str(d.receiver) && str(d.channel)
            ? `${str(d.receiver)} → ${str(d.channel)}`
            : str(d.channel),
          str(d.status) ? `status ${str(d.status)}` : undefined,
          latency,
          attempt,
          str(d.error),
        ),
        tone: ok ? 'good' : 'bad',
      };
    }
    case 'ack':
      return {
        title: 'Acknowledged',
        facts: facts(str(d.by) ? `by ${actorLabel(str(d.by)!)}` : undefined, str(d.comment)),
        tone: 'info',
      };
    case 'unack':
      return {
        title: 'Acknowledgement withdrawn',
        facts: facts(str(d.by) ? `by ${actorLabel(str(d.by)!)}` : undefined),
        tone: 'muted',
      };
    case 'silenced': {
      const s = list(d.silencedBy);
      const i = list(d.inhibitedBy);
      return {
        title: s.length > 0 ? 'Silenced' : i.length > 0 ? 'Inhibited' : 'Muted',
        facts: facts(
          s.length > 0 ? `silence ${s.join(', ')}` : undefined,
          i.length > 0 ? `inhibited by ${i.join(', ')}` : undefined,
        ),
        tone: 'muted',
      };
    }
    default:
      return { title: e.kind, facts: [], tone: 'muted' };
  }
}

/** Entries (newest first, as the API answers) in day buckets, for the timeline's headings. */
export function byDay<E extends HistoryEntryLike>(
  entries: readonly E[],
  dayOf: (ms: number) => string,
): { day: string; entries: E[] }[] {
  const out: { day: string; entries: E[] }[] = [];
  for (const e of entries) {
    const day = dayOf(e.time);
    const last = out[out.length - 1];
    if (last?.day === day) last.entries.push(e);
    else out.push({ day, entries: [e] });
  }
  return out;
}

/** A mean time in the MTTA/MTTR table: `—` when nothing was acked / resolved. */
export function meanCell(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : formatDuration(ms);
}

/** The history API's time window for a relative range (`1h`, `24h`, `7d`) ending now. */
export const HISTORY_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];
