/**
 * The outbox table: one row per notification and channel, written in the transaction that
 * decided the notification (with its nflog update), sent and retried by the notifier's worker.
 */
import type { TenantId } from '../../model/index.js';
import type { SqlAccess, SqlReader, SqlTx } from '../../state/index.js';
import type { Notification } from './types.js';

export type OutboxState = 'pending' | 'delivered' | 'failed' | 'expired';

export interface OutboxRow {
  readonly id: number;
  readonly notificationId: string;
  readonly tenant: TenantId;
  readonly receiver: string;
  readonly channel: string;
  /** The receiver that gets the notification when this row keeps failing ('' = none). */
  readonly fallback: string;
  readonly notification: Notification;
  readonly state: OutboxState;
  readonly attempts: number;
  /** Consecutive failed attempts. */
  readonly failures: number;
  readonly fallbackSent: boolean;
  readonly nextAttemptAt: number;
  readonly expiresAt: number;
}

/** One delivery attempt, as stored. */
export interface Receipt {
  readonly outboxId: number;
  readonly attempt: number;
  readonly time: number;
  readonly channel: string;
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

interface Row {
  id: number;
  notification_id: string;
  tenant: string;
  receiver: string;
  channel: string;
  fallback: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  failures: number;
  fallback_sent: number;
  next_attempt_at: number;
  expires_at: number;
}

const fromRow = (r: Row): OutboxRow => ({
  id: r.id,
  notificationId: r.notification_id,
  tenant: r.tenant as TenantId, // written from a TenantId
  receiver: r.receiver,
  channel: r.channel,
  fallback: r.fallback,
  notification: JSON.parse(r.payload) as Notification,
  state: r.state,
  attempts: r.attempts,
  failures: r.failures,
  fallbackSent: r.fallback_sent === 1,
  nextAttemptAt: r.next_attempt_at,
  expiresAt: r.expires_at,
});

/** Adds a pending row; a second row for the same notification and channel is ignored. */
export function insertOutbox(
  tx: SqlTx,
  n: Notification,
  channel: string,
  fallback: string,
  now: number,
  expiresAt: number,
): void {
  tx.run(
    `INSERT INTO alert_outbox (notification_id, tenant, receiver, channel, fallback, payload, state,
       attempts, failures, fallback_sent, next_attempt_at, expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, 0, 0, ?, ?, ?)
     ON CONFLICT (notification_id, channel) DO NOTHING`,
    [n.id, n.tenant, n.receiver, channel, fallback, JSON.stringify(n), now, expiresAt, now],
  );
}

/**
 * Retires the pending rows of an older notification of the same group to the same receiver: a
 * newer state (a resolution, new alerts) supersedes it, so a retried FIRING can never arrive
 * after the RESOLVED that followed it. Acknowledgement updates and escalations (ids with
 * `:ack:` / `:escalation:`) are left alone. Returns the rows retired.
 */
export function supersedePending(
  tx: SqlTx,
  n: Pick<Notification, 'tenant' | 'groupKey' | 'receiver' | 'id'>,
  now: number,
): number {
  return tx.run(
    `UPDATE alert_outbox SET state = 'expired', done_at = ?
     WHERE state = 'pending' AND tenant = ? AND receiver = ? AND notification_id != ?
       AND notification_id NOT LIKE '%:ack:%' AND notification_id NOT LIKE '%:escalation:%'
       AND json_extract(payload, '$.groupKey') = ?`,
    [now, n.tenant, n.receiver, n.id, n.groupKey],
  );
}

/**
 * Pending rows due at `now`, oldest first, at most `limit`; rows whose id `skip` holds (in
 * flight) are left out by the query itself, so their payloads are not even read.
 */
export function duePending(
  r: SqlReader,
  now: number,
  limit: number,
  skip?: ReadonlySet<number> | ReadonlyMap<number, unknown>,
): OutboxRow[] {
  if (!skip || skip.size === 0)
    return r
      .all<Row>(
        `SELECT * FROM alert_outbox WHERE state = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
        [now, limit],
      )
      .map(fromRow);
  return r
    .all<Row>(
      `SELECT * FROM alert_outbox WHERE state = 'pending' AND next_attempt_at <= ?
         AND id NOT IN (SELECT value FROM json_each(?))
       ORDER BY next_attempt_at, id LIMIT ?`,
      [now, JSON.stringify([...skip.keys()]), limit],
    )
    .map(fromRow);
}

/** When the next pending row is due (undefined: none pending). */
export function nextDue(r: SqlReader): number | undefined {
  return (
    r.get<{ t: number | null }>(
      "SELECT MIN(next_attempt_at) AS t FROM alert_outbox WHERE state = 'pending'",
    )?.t ?? undefined
  );
}

export function outboxRow(r: SqlReader, id: number): OutboxRow | undefined {
  const row = r.get<Row>('SELECT * FROM alert_outbox WHERE id = ?', [id]);
  return row && fromRow(row);
}

export function listOutbox(r: SqlReader, tenant: string): OutboxRow[] {
  return r
    .all<Row>('SELECT * FROM alert_outbox WHERE tenant = ? ORDER BY id', [tenant])
    .map(fromRow);
}

export function insertReceipt(tx: SqlTx, rc: Receipt): void {
  tx.run(
    `INSERT INTO alert_receipts (outbox_id, attempt, time, channel, ok, status_code, latency_ms, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      rc.outboxId,
      rc.attempt,
      rc.time,
      rc.channel,
      rc.ok ? 1 : 0,
      rc.statusCode,
      rc.latencyMs,
      rc.error,
    ],
  );
}

export function listReceipts(r: SqlReader, outboxId: number): Receipt[] {
  return r
    .all<{
      outbox_id: number;
      attempt: number;
      time: number;
      channel: string;
      ok: number;
      status_code: number | null;
      latency_ms: number;
      error: string | null;
    }>('SELECT * FROM alert_receipts WHERE outbox_id = ? ORDER BY attempt', [outboxId])
    .map((x) => ({
      outboxId: x.outbox_id,
      attempt: x.attempt,
      time: x.time,
      channel: x.channel,
      ok: x.ok === 1,
      statusCode: x.status_code,
      latencyMs: x.latency_ms,
      error: x.error,
    }));
}

/** Rows deleted per statement: a prune never holds the write lock for long. */
const PRUNE_BATCH = 5000;

/**
 * Deletes finished outbox rows (delivered, failed, expired) done before `before`, with their
 * receipts (ON DELETE CASCADE). Pending rows are never deleted. Returns the rows deleted.
 */
export async function pruneOutbox(sql: SqlAccess, before: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sql.write((tx) =>
      tx.run(
        `DELETE FROM alert_outbox WHERE id IN (
           SELECT id FROM alert_outbox WHERE state != 'pending' AND done_at < ? LIMIT ${PRUNE_BATCH})`,
        [before],
      ),
    );
    total += n;
    if (n < PRUNE_BATCH) return total;
  }
}
