/**
 * Alert history: every state change (firing, resolved), delivery attempt, acknowledgement and
 * silence applied, per tenant, in the `alert_history` table; queries for the UI and the MTTA /
 * MTTR figures per alert name.
 */
import type { SqlAccess, SqlTx, SqlValue } from '../../state/index.js';

export type HistoryKind = 'firing' | 'resolved' | 'attempt' | 'ack' | 'unack' | 'silenced';
export const HISTORY_KINDS: readonly HistoryKind[] = [
  'firing',
  'resolved',
  'attempt',
  'ack',
  'unack',
  'silenced',
];

export interface HistoryInput {
  readonly tenant: string;
  readonly time: number;
  readonly kind: HistoryKind;
  /** The alert's fingerprint ('' for group-level events). */
  readonly fingerprint: string;
  readonly alertname: string;
  /** Kind-specific JSON: the receipt, who acked, which silences… */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface HistoryEntry extends HistoryInput {
  readonly seq: number;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface HistoryQuery {
  readonly from?: number;
  readonly to?: number;
  readonly alertname?: string;
  readonly fingerprint?: string;
  readonly kind?: HistoryKind;
  /** Newest first; default 100, at most 10 000. */
  readonly limit?: number;
}

/** MTTA and MTTR of one alert name over a range (ms; null when nothing was acked/resolved). */
export interface ResponseTimes {
  readonly alertname: string;
  /** Firing episodes that started in the range. */
  readonly episodes: number;
  readonly mttaMs: number | null;
  readonly mttrMs: number | null;
}

interface Row {
  seq: number;
  tenant: string;
  time: number;
  kind: HistoryKind;
  fingerprint: string;
  alertname: string;
  detail: string;
}

const fromRow = (r: Row): HistoryEntry => ({
  seq: r.seq,
  tenant: r.tenant,
  time: r.time,
  kind: r.kind,
  fingerprint: r.fingerprint,
  alertname: r.alertname,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** Appends an entry inside a caller's transaction (so it commits with the change it records). */
export function recordHistory(tx: SqlTx, e: HistoryInput): void {
  tx.run(
    'INSERT INTO alert_history (tenant, time, kind, fingerprint, alertname, detail) VALUES (?, ?, ?, ?, ?, ?)',
    [e.tenant, e.time, e.kind, e.fingerprint, e.alertname, JSON.stringify(e.detail ?? {})],
  );
}

export class AlertHistory {
  constructor(private readonly sql: SqlAccess) {}

  /**
   * Deletes entries older than `before` (retention), in batches so a prune never holds the
   * write lock for long. Returns the entries deleted.
   */
  async prune(before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sql.write((tx) =>
        tx.run(
          'DELETE FROM alert_history WHERE seq IN (SELECT seq FROM alert_history WHERE time < ? LIMIT 5000)',
          [before],
        ),
      );
      total += n;
      if (n < 5000) return total;
    }
  }

  async record(entries: readonly HistoryInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.sql.write((tx) => {
      for (const e of entries) recordHistory(tx, e);
    });
  }

  query(tenant: string, q: HistoryQuery = {}): Promise<HistoryEntry[]> {
    const where = ['tenant = ?'];
    const params: SqlValue[] = [tenant];
    const add = (cond: string, v: SqlValue | undefined): void => {
      if (v === undefined) return;
      where.push(cond);
      params.push(v);
    };
    add('time >= ?', q.from);
    add('time <= ?', q.to);
    add('alertname = ?', q.alertname);
    add('fingerprint = ?', q.fingerprint);
    add('kind = ?', q.kind);
    params.push(Math.min(Math.max(q.limit ?? 100, 1), 10_000));
    return this.sql.read((r) =>
      r
        .all<Row>(
          `SELECT * FROM alert_history WHERE ${where.join(' AND ')} ORDER BY time DESC, seq DESC LIMIT ?`,
          params,
        )
        .map(fromRow),
    );
  }

  /** The last firing/resolved state recorded per fingerprint (seeds change detection at start). */
  lastStates(tenant: string): Promise<Map<string, 'firing' | 'resolved'>> {
    return this.sql.read((r) => {
      const rows = r.all<{ fingerprint: string; kind: 'firing' | 'resolved' }>(
        `SELECT fingerprint, kind FROM alert_history h WHERE tenant = ? AND seq = (
           SELECT MAX(seq) FROM alert_history WHERE tenant = h.tenant AND fingerprint = h.fingerprint
             AND kind IN ('firing', 'resolved'))`,
        [tenant],
      );
      return new Map(rows.map((x) => [x.fingerprint, x.kind]));
    });
  }

  /**
   * MTTA (first firing → first ack) and MTTR (firing → resolved) per alert name, over firing
   * episodes that started in [from, to]. An episode ends at the alert's next resolved entry;
   * episodes still open count in `episodes` but not in the means.
   */
  async responseTimes(tenant: string, from: number, to: number): Promise<ResponseTimes[]> {
    const rows = await this.sql.read((r) =>
      r.all<Row>(
        `SELECT * FROM alert_history WHERE tenant = ? AND time >= ? AND kind IN ('firing', 'resolved', 'ack')
         ORDER BY time, seq`,
        [tenant, from],
      ),
    );
    const open = new Map<string, { start: number; alertname: string; acked: boolean }>();
    const acc = new Map<string, { n: number; ack: number[]; res: number[] }>();
    const bucket = (name: string) => {
      let b = acc.get(name);
      if (!b) acc.set(name, (b = { n: 0, ack: [], res: [] }));
      return b;
    };
    for (const r of rows) {
      const ep = open.get(r.fingerprint);
      if (r.kind === 'firing') {
        if (ep || r.time > to) continue;
        open.set(r.fingerprint, { start: r.time, alertname: r.alertname, acked: false });
        bucket(r.alertname).n++;
      } else if (!ep) {
        continue;
      } else if (r.kind === 'ack') {
        if (!ep.acked) bucket(ep.alertname).ack.push(r.time - ep.start);
        ep.acked = true;
      } else {
        bucket(ep.alertname).res.push(r.time - ep.start);
        open.delete(r.fingerprint);
      }
    }
    const mean = (xs: number[]): number | null =>
      xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
    return [...acc]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([alertname, b]) => ({
        alertname,
        episodes: b.n,
        mttaMs: mean(b.ack),
        mttrMs: mean(b.res),
      }));
  }
}
