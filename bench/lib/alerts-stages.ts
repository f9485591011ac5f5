/**
 * Where Argus's time after the evaluation goes, read from its state database after the run
 * (the notification pipeline records each step's time): evaluation → alert stored, stored →
 * notification queued (dispatch), queued → receiver accepted (the channel, its SMTP session).
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { summarize, type Summary } from './alerts-stats.js';

export interface ArgusStages {
  evalToStoredMs: Summary;
  storedToQueuedMs: Summary;
  queuedToDeliveredMs: Summary;
  /** The channel's own measure of the delivery attempt (connect … 250 OK). */
  channelLatencyMs: Summary;
}

/** Reads `dir/data/state.db` (the server must be stopped); keys are `label` values. */
export function argusStages(dir: string, label: string): ArgusStages {
  const db = new Database(path.join(dir, 'data', 'state.db'), { readonly: true });
  try {
    const stored = new Map<string, { evaluated: number; updated: number }>();
    const alerts = db.prepare('SELECT labels, evaluated_at, updated_at FROM alerts').all() as {
      labels: string;
      evaluated_at: number | null;
      updated_at: number;
    }[];
    for (const a of alerts) {
      const flat = JSON.parse(a.labels) as string[];
      const i = flat.indexOf(label);
      if (i >= 0 && i % 2 === 0 && a.evaluated_at !== null)
        stored.set(flat[i + 1], { evaluated: a.evaluated_at, updated: a.updated_at });
    }
    const rows = db
      .prepare(
        `SELECT o.payload, o.created_at, r.time, r.latency_ms FROM alert_outbox o
         JOIN alert_receipts r ON r.outbox_id = o.id AND r.ok = 1`,
      )
      .all() as { payload: string; created_at: number; time: number; latency_ms: number }[];
    const e2s: number[] = [];
    const s2q: number[] = [];
    const q2d: number[] = [];
    const chan: number[] = [];
    for (const r of rows) {
      const p = JSON.parse(r.payload) as { alerts?: { labels?: Record<string, string> }[] };
      const v = p.alerts?.[0]?.labels?.[label];
      const a = v === undefined ? undefined : stored.get(v);
      if (a === undefined) continue;
      e2s.push(a.updated - a.evaluated);
      s2q.push(r.created_at - a.updated);
      q2d.push(r.time - r.created_at);
      chan.push(r.latency_ms);
    }
    return {
      evalToStoredMs: summarize(e2s),
      storedToQueuedMs: summarize(s2q),
      queuedToDeliveredMs: summarize(q2d),
      channelLatencyMs: summarize(chan),
    };
  } finally {
    db.close();
  }
}
