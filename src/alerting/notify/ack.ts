/**
 * Acknowledgements: an ack holds for the alert's current firing episode (its startsAt). It stops
 * repeat notifications and escalation for that alert until it resolves or fires anew. Acks are
 * stored (with an audit entry and a history entry) before the call resolves.
 */
import type { SqlAccess } from '../../state/index.js';
import { recordHistory } from '../history/history.js';

export interface AckRecord {
  readonly fingerprint: string;
  /** The firing episode acknowledged (the alert's startsAt). */
  readonly startsAt: number;
  readonly by: string;
  readonly comment: string;
  readonly at: number;
}

/** An alert to acknowledge, as the dispatcher knows it. */
export interface AckTarget {
  readonly fingerprint: string;
  readonly startsAt: number;
  readonly alertname: string;
}

/** The acks of every tenant, cached in memory (read on each flush) and written through. */
export class AckStore {
  readonly #byKey = new Map<string, AckRecord>();

  constructor(
    private readonly sql: SqlAccess,
    private readonly now: () => number,
  ) {}

  /** Reads the stored acks (at start-up). */
  async load(): Promise<void> {
    const rows = await this.sql.read((r) =>
      r.all<{
        tenant: string;
        fingerprint: string;
        starts_at: number;
        by: string;
        comment: string;
        at: number;
      }>('SELECT * FROM alert_acks'),
    );
    for (const x of rows)
      this.#byKey.set(`${x.tenant}\0${x.fingerprint}`, {
        fingerprint: x.fingerprint,
        startsAt: x.starts_at,
        by: x.by,
        comment: x.comment,
        at: x.at,
      });
  }

  /** The ack of the alert's episode that started at `startsAt`, if any. */
  get(tenant: string, fingerprint: string, startsAt: number): AckRecord | undefined {
    const a = this.#byKey.get(`${tenant}\0${fingerprint}`);
    return a && a.startsAt === startsAt ? a : undefined;
  }

  async ack(
    tenant: string,
    alerts: readonly AckTarget[],
    by: string,
    comment: string,
  ): Promise<AckRecord[]> {
    if (alerts.length === 0) return [];
    const at = this.now();
    const recs = alerts.map((a) => ({
      fingerprint: a.fingerprint,
      startsAt: a.startsAt,
      by,
      comment,
      at,
    }));
    await this.sql.write((tx) => {
      for (const [i, r] of recs.entries()) {
        tx.run(
          `INSERT INTO alert_acks (tenant, fingerprint, starts_at, by, comment, at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant, fingerprint) DO UPDATE SET starts_at = excluded.starts_at,
             by = excluded.by, comment = excluded.comment, at = excluded.at`,
          [tenant, r.fingerprint, r.startsAt, by, comment, at],
        );
        recordHistory(tx, {
          tenant,
          time: at,
          kind: 'ack',
          fingerprint: r.fingerprint,
          alertname: alerts[i].alertname,
          detail: { by, comment, startsAt: r.startsAt },
        });
      }
      tx.audit({
        actor: by,
        tenant,
        action: 'alert.ack',
        target: `alerts:${recs.map((r) => r.fingerprint).join(',')}`,
        after: { comment },
        time: at,
      });
    });
    for (const r of recs) this.#byKey.set(`${tenant}\0${r.fingerprint}`, r);
    return recs;
  }

  /** Removes acks; returns the fingerprints that had one. */
  async unack(tenant: string, alerts: readonly AckTarget[], by: string): Promise<string[]> {
    const had = alerts.filter((a) => this.#byKey.has(`${tenant}\0${a.fingerprint}`));
    if (had.length === 0) return [];
    const at = this.now();
    await this.sql.write((tx) => {
      for (const a of had) {
        tx.run('DELETE FROM alert_acks WHERE tenant = ? AND fingerprint = ?', [
          tenant,
          a.fingerprint,
        ]);
        recordHistory(tx, {
          tenant,
          time: at,
          kind: 'unack',
          fingerprint: a.fingerprint,
          alertname: a.alertname,
          detail: { by },
        });
      }
      tx.audit({
        actor: by,
        tenant,
        action: 'alert.unack',
        target: `alerts:${had.map((a) => a.fingerprint).join(',')}`,
        time: at,
      });
    });
    for (const a of had) this.#byKey.delete(`${tenant}\0${a.fingerprint}`);
    return had.map((a) => a.fingerprint);
  }
}
