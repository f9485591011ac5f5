/**
 * Persists the engine's per-check state (table check_state) and state changes (health_events,
 * subject_kind 'check') in batches: a state change is written at once (with its event, in one
 * transaction), while counters and last-probe times are written lazily every `flushMs`, so
 * 100 probes/s do not mean 100 SQLite transactions/s.
 */
import type { StateStore } from '../state/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { CheckState } from './status.js';

export interface CheckStateRow {
  tenant: string;
  name: string;
  state: CheckState;
  since: number;
  failures: number;
  successes: number;
  last_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  last_ping: number | null;
  last_start: number | null;
  last_fail: number | null;
  last_fail_message: string | null;
}

export interface HealthEventInput {
  tenant: string;
  subject: string;
  at: number;
  state: CheckState;
  detail: { error?: string; duration?: number };
}

const key = (tenant: string, name: string): string => `${tenant}\0${name}`;

export class StateWriter {
  private dirty = new Map<string, () => CheckStateRow>();
  private removed = new Map<string, { tenant: string; name: string }>();
  private events: HealthEventInput[] = [];
  private lazyTimer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  private flushing: Promise<void> = Promise.resolve();
  transactions = 0;
  errors = 0;

  constructor(
    private readonly state: Pick<StateStore, 'sql'>,
    private readonly logger: Logger,
    private readonly flushMs = 5000,
  ) {}

  /** Every stored row, keyed by tenant and check name. */
  async load(): Promise<Map<string, CheckStateRow>> {
    const rows = await this.state.sql.read((r) =>
      r.all<CheckStateRow>(`SELECT * FROM check_state`),
    );
    return new Map(rows.map((r) => [key(r.tenant, r.name), r]));
  }

  /** The check's row changed; `row` is read at flush time (the newest values win). */
  touch(tenant: string, name: string, row: () => CheckStateRow): void {
    const k = key(tenant, name);
    this.removed.delete(k);
    this.dirty.set(k, row);
    if (this.lazyTimer === undefined) {
      this.lazyTimer = setTimeout(() => void this.flush(), this.flushMs);
      this.lazyTimer.unref();
    }
  }

  /** A state change: its row and event are written in the next transaction, right away. */
  change(tenant: string, name: string, row: () => CheckStateRow, event: HealthEventInput): void {
    this.touch(tenant, name, row);
    this.events.push(event);
    this.soon ??= setImmediate(() => void this.flush());
  }

  /** The check is gone: its row is deleted (its events stay: they are its history). */
  remove(tenant: string, name: string): void {
    const k = key(tenant, name);
    this.dirty.delete(k);
    this.removed.set(k, { tenant, name });
    this.soon ??= setImmediate(() => void this.flush());
  }

  /** Writes everything pending in one transaction (serialised). */
  flush(): Promise<void> {
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    if (this.soon) clearImmediate(this.soon);
    this.soon = undefined;
    const rows = [...this.dirty.values()].map((f) => f());
    const removed = [...this.removed.values()];
    const events = this.events;
    this.dirty = new Map();
    this.removed = new Map();
    this.events = [];
    if (rows.length === 0 && removed.length === 0 && events.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(rows, removed, events));
    return this.flushing;
  }

  private async write(
    rows: CheckStateRow[],
    removed: { tenant: string; name: string }[],
    events: HealthEventInput[],
  ): Promise<void> {
    try {
      await this.state.sql.write((tx) => {
        for (const r of rows)
          tx.run(
            `INSERT INTO check_state
               (tenant, name, state, since, failures, successes, last_at, last_error, last_error_at,
                last_ping,
                last_start, last_fail, last_fail_message)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (tenant, name) DO UPDATE SET state = excluded.state,
               since = excluded.since, failures = excluded.failures,
               successes = excluded.successes, last_at = excluded.last_at,
               last_error = excluded.last_error, last_error_at = excluded.last_error_at,
               last_ping = excluded.last_ping,
               last_start = excluded.last_start, last_fail = excluded.last_fail,
               last_fail_message = excluded.last_fail_message`,
            [
              r.tenant,
              r.name,
              r.state,
              r.since,
              r.failures,
              r.successes,
              r.last_at,
              r.last_error,
              r.last_error_at,
              r.last_ping,
              r.last_start,
              r.last_fail,
              r.last_fail_message,
            ],
          );
        for (const r of removed)
          tx.run(`DELETE FROM check_state WHERE tenant = ? AND name = ?`, [r.tenant, r.name]);
        for (const e of events)
          tx.run(
            `INSERT INTO health_events (tenant, subject_kind, subject, at, state, detail)
             VALUES (?, 'check', ?, ?, ?, ?)`,
            [e.tenant, e.subject, e.at, e.state, JSON.stringify(e.detail)],
          );
      });
      this.transactions++;
    } catch (err) {
      this.errors++;
      this.logger.error({ err: errorChain(err) }, 'cannot persist check state');
    }
  }
}

export interface CheckEvent {
  readonly at: number;
  readonly state: CheckState;
  readonly error?: string;
  /** The deciding probe's duration (seconds). */
  readonly duration?: number;
}

/**
 * A check's state changes from health_events between `from` and `to` (ms, inclusive), newest
 * first, at most `limit` (default 100, max 10,000).
 */
export async function checkHistory(
  state: Pick<StateStore, 'sql'>,
  tenant: string,
  name: string,
  from: number,
  to: number,
  limit = 100,
): Promise<CheckEvent[]> {
  const rows = await state.sql.read((r) =>
    r.all<{ at: number; state: CheckState; detail: string }>(
      `SELECT at, state, detail FROM health_events
       WHERE tenant = ? AND subject_kind = 'check' AND subject = ? AND at >= ? AND at <= ?
       ORDER BY at DESC, id DESC LIMIT ?`,
      [tenant, name, from, to, Math.max(1, Math.min(limit, 10_000))],
    ),
  );
  return rows.map((r) => {
    let d: { error?: unknown; duration?: unknown } = {};
    try {
      d = JSON.parse(r.detail) as typeof d;
    } catch {
      // a row written by something else: keep the state, drop the detail
    }
    return {
      at: r.at,
      state: r.state,
      ...(typeof d.error === 'string' ? { error: d.error } : {}),
      ...(typeof d.duration === 'number' ? { duration: d.duration } : {}),
    };
  });
}
