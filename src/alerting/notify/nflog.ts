/**
 * The notification log (Alertmanager's nflog): per tenant, aggregation group and receiver, the
 * firing and resolved alerts last notified and when. The dedup decision reads it and the
 * notifier writes it in the same transaction as the outbox rows it decides to send.
 */
import type { SqlReader, SqlTx } from '../../state/index.js';

export interface NflogEntry {
  readonly firing: ReadonlySet<string>;
  readonly resolved: ReadonlySet<string>;
  /** When the notification was decided (ms). */
  readonly notifiedAt: number;
}

/** What the group holds at a flush, as fingerprint sets. */
export interface DedupInput {
  readonly firing: ReadonlySet<string>;
  readonly resolved: ReadonlySet<string>;
  /** Whether any of the receiver's integrations sends resolved notifications. */
  readonly sendResolved: boolean;
  readonly repeatIntervalMs: number;
  /** Firing alerts acknowledged in their current episode: they do not make a repeat. */
  readonly acked?: ReadonlySet<string>;
  readonly now: number;
}

function subset(a: ReadonlySet<string>, of: ReadonlySet<string>): boolean {
  for (const x of a) if (!of.has(x)) return false;
  return true;
}

/**
 * Whether the group must be notified again (Alertmanager's DedupStage.needsUpdate): never
 * notified and something fires; a firing alert not notified yet; everything resolved after a
 * firing notification (whatever send_resolved says, to clear the log); newly resolved alerts
 * when resolved notifications are sent; else only when repeat_interval has passed — and Argus
 * does not repeat for firing alerts that are all acknowledged.
 */
export function needsUpdate(entry: NflogEntry | undefined, d: DedupInput): boolean {
  if (!entry) return d.firing.size > 0;
  if (!subset(d.firing, entry.firing)) return true;
  if (d.firing.size === 0) return entry.firing.size > 0;
  if (d.sendResolved && !subset(d.resolved, entry.resolved)) return true;
  if (d.acked && subset(d.firing, d.acked)) return false;
  return entry.notifiedAt <= d.now - d.repeatIntervalMs;
}

interface Row {
  firing: string;
  resolved: string;
  notified_at: number;
}

export function readNflog(
  r: SqlReader,
  tenant: string,
  groupKey: string,
  receiver: string,
): NflogEntry | undefined {
  const row = r.get<Row>(
    'SELECT firing, resolved, notified_at FROM alert_nflog WHERE tenant = ? AND group_key = ? AND receiver = ?',
    [tenant, groupKey, receiver],
  );
  if (!row) return undefined;
  return {
    firing: new Set(JSON.parse(row.firing) as string[]),
    resolved: new Set(JSON.parse(row.resolved) as string[]),
    notifiedAt: row.notified_at,
  };
}

export function writeNflog(
  tx: SqlTx,
  tenant: string,
  groupKey: string,
  receiver: string,
  e: NflogEntry,
): void {
  tx.run(
    `INSERT INTO alert_nflog (tenant, group_key, receiver, firing, resolved, notified_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant, group_key, receiver)
     DO UPDATE SET firing = excluded.firing, resolved = excluded.resolved, notified_at = excluded.notified_at`,
    [
      tenant,
      groupKey,
      receiver,
      JSON.stringify([...e.firing].sort()),
      JSON.stringify([...e.resolved].sort()),
      e.notifiedAt,
    ],
  );
}
