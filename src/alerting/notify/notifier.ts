/**
 * The notifier: decides (dedup against the nflog) and queues notifications in the outbox in one
 * transaction, then delivers them with a worker — one outbox row per channel, retried with
 * exponential backoff and jitter until delivered or expired, every attempt's receipt stored,
 * the route's fallback receiver notified after repeated failures. Rows survive a crash: a
 * restarted notifier resumes pending rows and never re-sends one recorded as delivered.
 */
import { randomUUID } from 'node:crypto';
import type { TenantId } from '../../model/index.js';
import type { SqlAccess, SqlTx } from '../../state/index.js';
import { nopLogger, type Logger } from '../../util/index.js';
import { recordHistory } from '../history/history.js';
import type { Scheduler, Timer } from './clock.js';
import { needsUpdate, readNflog, writeNflog, type NflogEntry } from './nflog.js';
import {
  duePending,
  insertOutbox,
  insertReceipt,
  nextDue,
  supersedePending,
  type OutboxRow,
} from './outbox.js';
import type { Channel, DeliveryResult, Notification } from './types.js';

/** Counters and histogram observations; the caller maps them onto its metrics. */
export interface NotifyStats {
  /** A delivery attempt succeeded. */
  sent(channel: string): void;
  /** A delivery attempt failed. */
  failed(channel: string): void;
  /** `argus_alert_delivery_latency_seconds`: evaluation (or receipt) → accepted by the receiver. */
  deliveryLatency(seconds: number): void;
  /** A notification went to a route's fallback receiver (`reason`: a FallbackKind). */
  fallback(receiver: string, reason: FallbackKind): void;
}

/** Why a notification went to a fallback receiver (a metric label: a closed set). */
export type FallbackKind =
  'no_implemented_integrations' | 'permanent_failure' | 'repeated_failures';

const sameSet = (a: ReadonlySet<string> | readonly string[], b: ReadonlySet<string>): boolean => {
  const x = a instanceof Set ? a : new Set(a);
  if (x.size !== b.size) return false;
  for (const v of b) if (!x.has(v)) return false;
  return true;
};

const NO_STATS: NotifyStats = { sent() {}, failed() {}, deliveryLatency() {}, fallback() {} };

export const RESOLVED_EXPIRY_MS = 3_600_000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 5 * 60_000;

export interface NotifierOptions {
  readonly sql: SqlAccess;
  readonly scheduler: Scheduler;
  /** The implemented integrations of a receiver; empty when it has none Argus can send to. */
  readonly channelsFor: (tenant: TenantId, receiver: string) => readonly Channel[];
  /**
   * Receivers configured with no integration at all (Alertmanager's "null" receiver, e.g. for
   * the Watchdog): their notifications are dropped quietly, not sent to a fallback.
   */
  readonly isNullReceiver?: (tenant: TenantId, receiver: string) => boolean;
  readonly logger?: Logger;
  readonly stats?: NotifyStats;
  /** Consecutive failures of a row before its fallback receiver is notified; default 3. */
  readonly failuresBeforeFallback?: number;
  /** One attempt's timeout; default 30 s. */
  readonly attemptTimeoutMs?: number;
  /** [0, 1) for the backoff jitter (tests pin it). */
  readonly random?: () => number;
  /** Rows sent at once; default 32. */
  readonly concurrency?: number;
}

/** A flush's candidate notification, before dedup. */
export interface Offer {
  readonly notification: Omit<Notification, 'id'>;
  readonly firing: ReadonlySet<string>;
  readonly resolved: ReadonlySet<string>;
  readonly repeatIntervalMs: number;
  readonly fallbackReceiver: string;
  /** Firing alerts acknowledged in their current episode. */
  readonly acked?: ReadonlySet<string>;
}

/** Which group and receiver an offer is for. */
export type OfferGroup = Pick<Notification, 'tenant' | 'groupKey' | 'receiver'>;

/** Backoff before attempt `attempts + 1`: 1 s, 2 s, 4 s … capped at 5 min, ±20 % jitter. */
export function backoffMs(attempts: number, random: () => number): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_CAP_MS);
  return Math.min(Math.round(base * (0.8 + 0.4 * random())), BACKOFF_CAP_MS);
}

interface Queued {
  readonly fn: (tx: SqlTx) => unknown;
  readonly resolve: (v: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Write transactions asked for in one turn of the event loop, committed as ONE transaction
 * (a commit costs far more than the statements of one notification): a tick's group flushes
 * and the attempts that finished together share a commit. Each caller's promise resolves with
 * its own function's result once the batch committed. When the batch fails, every function is
 * run again in a transaction of its own, so only the one that throws fails (as unbatched).
 */
export class WriteBatcher {
  #queue: Queued[] = [];

  constructor(private readonly sql: SqlAccess) {}

  write<T>(fn: (tx: SqlTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The resolve callback is typed for T; the queue holds unknowns (the result of `fn`).
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.#queue.length === 1) setImmediate(() => this.#commit());
    });
  }

  #commit(): void {
    const batch = this.#queue;
    this.#queue = [];
    const alone = (q: Queued) => this.sql.write(q.fn).then(q.resolve, q.reject);
    if (batch.length === 1) {
      void alone(batch[0]);
      return;
    }
    this.sql
      .write((tx) => batch.map((q) => q.fn(tx)))
      .then(
        (results) => batch.forEach((q, i) => q.resolve(results[i])),
        () => batch.forEach((q) => void alone(q)),
      );
  }
}

/** Mirrored nflog entries kept at most (it restarts empty, read again from the table, past it). */
const NFLOG_MIRROR_MAX = 100_000;

const nflogKey = (tenant: string, groupKey: string, receiver: string): string =>
  `${tenant}\0${receiver}\0${groupKey}`;

/** What a channel gets: integrations without send_resolved never see resolved alerts. */
function forChannel(n: Notification, ch: Channel): Notification {
  if (ch.sendResolved) return n;
  return { ...n, alerts: n.alerts.filter((a) => a.status === 'firing') };
}

export class Notifier {
  readonly #o: NotifierOptions;
  readonly #log: Logger;
  readonly #stats: NotifyStats;
  readonly #writes: WriteBatcher;
  /**
   * The nflog entries this notifier read or wrote (it is the log's only writer): a flush that
   * needs no notification is decided here. Keys with an offer in flight are not decided here.
   */
  readonly #nflog = new Map<string, NflogEntry>();
  readonly #offering = new Map<string, number>();
  readonly #inflight = new Map<number, Promise<void>>();
  readonly #aborts = new Set<AbortController>();
  #timer: Timer | undefined;
  #timerAt = Infinity;
  #running = false;
  #pumping: Promise<void> | undefined;
  #again = false;

  constructor(opts: NotifierOptions) {
    this.#o = opts;
    this.#log = opts.logger ?? nopLogger;
    this.#stats = opts.stats ?? NO_STATS;
    this.#writes = new WriteBatcher(opts.sql);
  }

  /** Starts the worker: pending rows (from before a restart too) are sent. */
  start(): void {
    this.#running = true;
    this.#wake(this.#o.scheduler.now());
  }

  /** Stops the worker, aborting attempts in flight (their rows stay pending). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Infinity;
    for (const a of this.#aborts) a.abort();
    await this.#pumping;
    await Promise.all(this.#inflight.values());
  }

  /**
   * Dedups `o` against the notification log and, when it must go out, writes its outbox rows and
   * the nflog update in ONE transaction. Returns the notification queued, or undefined.
   */
  async offer(o: Offer): Promise<Notification | undefined> {
    const n0 = o.notification;
    // Most flushes change nothing: decided from the log's mirror, without a transaction.
    if (this.deduplicated(n0, o)) return undefined;
    const sendResolved = this.#sendResolved(n0.tenant, n0.receiver);
    const key = nflogKey(n0.tenant, n0.groupKey, n0.receiver);
    this.#offering.set(key, (this.#offering.get(key) ?? 0) + 1);
    let done: { entry: NflogEntry | undefined; n?: Notification };
    try {
      done = await this.#writes.write((tx) => {
        const now = this.#o.scheduler.now();
        const entry = readNflog(tx, n0.tenant, n0.groupKey, n0.receiver);
        const d = { ...o, sendResolved, now };
        if (!needsUpdate(entry, d)) return { entry };
        // Delivery latency is measured for news only: a repeat of the same alerts (or of an
        // acknowledged group) is not "the evaluation that fired it" arriving late.
        const news =
          entry === undefined ||
          !sameSet(entry.firing, o.firing) ||
          !sameSet(entry.resolved, o.resolved);
        const n: Notification = news
          ? { ...n0, id: randomUUID() }
          : { ...n0, id: randomUUID(), evaluatedAt: undefined };
        const expires = now + (o.firing.size > 0 ? o.repeatIntervalMs : RESOLVED_EXPIRY_MS);
        const retired = supersedePending(tx, n, now);
        if (retired > 0)
          this.#log.info(
            { tenant: n.tenant, receiver: n.receiver, groupKey: n.groupKey, retired },
            'a newer notification of the group supersedes undelivered ones',
          );
        this.#enqueue(tx, n, o.fallbackReceiver, now, expires);
        const next = { firing: o.firing, resolved: o.resolved, notifiedAt: now };
        writeNflog(tx, n.tenant, n.groupKey, n.receiver, next);
        return { entry: next, n };
      });
    } finally {
      const left = this.#offering.get(key)! - 1;
      if (left === 0) this.#offering.delete(key);
      else this.#offering.set(key, left);
    }
    // Mirrored once committed (a rolled-back write must not count as notified).
    if (done.entry) this.#remember(key, done.entry);
    if (done.n) this.#wake(this.#o.scheduler.now());
    return done.n;
  }

  /**
   * True when an offer for `group` with these alerts would certainly be dropped by dedup, as
   * far as the notification log this notifier mirrors tells (false: unknown, or it would go
   * out). A flush that gets true need not build its notification.
   */
  deduplicated(group: OfferGroup, o: Omit<Offer, 'notification'>): boolean {
    const key = nflogKey(group.tenant, group.groupKey, group.receiver);
    const known = this.#nflog.get(key);
    if (!known || this.#offering.has(key)) return false;
    const sendResolved = this.#sendResolved(group.tenant, group.receiver);
    return !needsUpdate(known, { ...o, sendResolved, now: this.#o.scheduler.now() });
  }

  #sendResolved(tenant: TenantId, receiver: string): boolean {
    return this.#o.channelsFor(tenant, receiver).some((c) => c.sendResolved);
  }

  #remember(key: string, e: NflogEntry): void {
    if (this.#nflog.size >= NFLOG_MIRROR_MAX && !this.#nflog.has(key)) this.#nflog.clear();
    this.#nflog.set(key, e);
  }

  /**
   * Queues a notification outside dedup (escalation levels, acknowledgement updates). An id
   * that was queued before is not queued again.
   */
  async send(n: Notification, fallbackReceiver: string, expiresAt: number): Promise<void> {
    await this.#writes.write((tx) => {
      this.#enqueue(tx, n, fallbackReceiver, this.#o.scheduler.now(), expiresAt);
    });
    this.#wake(this.#o.scheduler.now());
  }

  #enqueue(tx: SqlTx, n: Notification, fallback: string, now: number, expires: number): void {
    const all = this.#o.channelsFor(n.tenant, n.receiver);
    if (all.length === 0) {
      if (this.#o.isNullReceiver?.(n.tenant, n.receiver)) return;
      // Every integration of the receiver is one Argus does not implement (a config warning).
      if (fallback && fallback !== n.receiver) {
        const reason = 'receiver has no implemented integrations';
        this.#toFallback(tx, n, fallback, reason, 'no_implemented_integrations', now, expires);
      } else {
        this.#log.warn(
          { tenant: n.tenant, receiver: n.receiver, groupKey: n.groupKey },
          'notification dropped: receiver has no implemented integrations and no fallback',
        );
      }
      return;
    }
    const resolvedOnly = n.status === 'resolved';
    for (const ch of all) {
      if (n.ackUpdate && !ch.sendsAcks) continue;
      if (resolvedOnly && !ch.sendResolved) continue;
      insertOutbox(tx, n, ch.name, fallback === n.receiver ? '' : fallback, now, expires);
    }
  }

  #toFallback(
    tx: SqlTx,
    n: Notification,
    fallback: string,
    reason: string,
    /** A bounded label value for the metric (the reason text carries the details). */
    kind: FallbackKind,
    now: number,
    expires: number,
  ): void {
    this.#log.warn(
      { tenant: n.tenant, receiver: n.receiver, fallback, reason, notification: n.id },
      'notification sent to the fallback receiver',
    );
    this.#stats.fallback(fallback, kind);
    // The fallback's own failures do not cascade further ('' = no fallback of the fallback).
    this.#enqueue(tx, { ...n, id: `${n.id}:fallback`, receiver: fallback }, '', now, expires);
  }

  #wake(at: number): void {
    if (!this.#running || at >= this.#timerAt) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = this.#o.scheduler.after(at - this.#o.scheduler.now(), () => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#drain()
      .catch((err: unknown) => this.#log.error({ err }, 'cannot send notifications'))
      .finally(() => {
        this.#pumping = undefined;
        if (this.#again) {
          this.#again = false;
          this.#pump();
        }
      });
  }

  async #drain(): Promise<void> {
    const limit = this.#o.concurrency ?? 32;
    while (this.#running) {
      const now = this.#o.scheduler.now();
      // Rows in flight are skipped before their payload is parsed.
      const fresh = await this.#o.sql.read((r) => duePending(r, now, limit, this.#inflight));
      if (fresh.length === 0) break;
      for (const row of fresh) {
        const p = this.#attempt(row)
          .catch((err: unknown) =>
            this.#log.error({ err, outbox: row.id }, 'cannot record a delivery attempt'),
          )
          .finally(() => this.#inflight.delete(row.id));
        this.#inflight.set(row.id, p);
      }
      await Promise.race(this.#inflight.values());
    }
    await Promise.all(this.#inflight.values());
    if (!this.#running) return;
    const next = await this.#o.sql.read(nextDue);
    if (next !== undefined) this.#wake(Math.max(next, this.#o.scheduler.now()));
  }

  async #attempt(row: OutboxRow): Promise<void> {
    const sched = this.#o.scheduler;
    if (sched.now() >= row.expiresAt) {
      await this.#writes.write((tx) =>
        tx.run("UPDATE alert_outbox SET state = 'expired', done_at = ? WHERE id = ?", [
          sched.now(),
          row.id,
        ]),
      );
      this.#log.warn(
        { tenant: row.tenant, channel: row.channel, notification: row.notificationId },
        'notification expired undelivered',
      );
      return;
    }
    const ch = this.#o.channelsFor(row.tenant, row.receiver).find((c) => c.name === row.channel);
    const start = sched.now();
    let res: DeliveryResult;
    if (!ch) {
      res = { ok: false, retryable: false, error: 'channel no longer configured' };
    } else {
      const ac = new AbortController();
      this.#aborts.add(ac);
      const t = sched.after(this.#o.attemptTimeoutMs ?? 30_000, () => ac.abort());
      try {
        res = await ch.send(forChannel(row.notification, ch), ac.signal);
      } catch (err) {
        res = { ok: false, retryable: true, error: (err as Error).message };
      } finally {
        t.cancel();
        this.#aborts.delete(ac);
      }
      if (ac.signal.aborted && !res.ok && !this.#running) return; // stopping: stays pending
    }
    const now = sched.now();
    await this.#writes.write((tx) => this.#record(tx, row, res, start, now));
    if (res.ok) {
      this.#stats.sent(row.channel);
      const from = row.notification.evaluatedAt;
      if (from !== undefined) this.#stats.deliveryLatency(Math.max(0, now - from) / 1000);
    } else {
      this.#stats.failed(row.channel);
    }
  }

  #record(tx: SqlTx, row: OutboxRow, res: DeliveryResult, start: number, now: number): void {
    const attempt = row.attempts + 1;
    insertReceipt(tx, {
      outboxId: row.id,
      attempt,
      time: now,
      channel: row.channel,
      ok: res.ok,
      statusCode: res.status ?? null,
      latencyMs: now - start,
      error: res.error ?? null,
    });
    const n = row.notification;
    recordHistory(tx, {
      tenant: row.tenant,
      time: now,
      kind: 'attempt',
      fingerprint: '',
      alertname: n.commonLabels.alertname ?? n.groupLabels.alertname ?? '',
      detail: {
        notification: n.id,
        groupKey: n.groupKey,
        receiver: row.receiver,
        channel: row.channel,
        attempt,
        ok: res.ok,
        status: res.status ?? null,
        error: res.error ?? null,
        latencyMs: now - start,
      },
    });
    if (res.ok) {
      tx.run(
        "UPDATE alert_outbox SET state = 'delivered', attempts = ?, failures = 0, done_at = ? WHERE id = ?",
        [attempt, now, row.id],
      );
      return;
    }
    // Superseded by a newer notification of its group while this attempt ran: it stays retired
    // (no retry, no fallback for a state that is no longer current).
    const state = tx.get<{ state: string }>('SELECT state FROM alert_outbox WHERE id = ?', [
      row.id,
    ])?.state;
    if (state !== 'pending') {
      tx.run('UPDATE alert_outbox SET attempts = ? WHERE id = ?', [attempt, row.id]);
      return;
    }
    const failures = row.failures + 1;
    const done = !res.retryable;
    const limit = this.#o.failuresBeforeFallback ?? 3;
    const fallback = row.fallback !== '' && !row.fallbackSent && (done || failures >= limit);
    if (fallback) {
      const reason = done
        ? `${row.channel} failed permanently: ${res.error ?? `status ${res.status}`}`
        : `${row.channel} failed ${failures} times in a row: ${res.error ?? `status ${res.status}`}`;
      this.#toFallback(
        tx,
        n,
        row.fallback,
        reason,
        done ? 'permanent_failure' : 'repeated_failures',
        now,
        row.expiresAt,
      );
    }
    tx.run(
      `UPDATE alert_outbox SET state = ?, attempts = ?, failures = ?, fallback_sent = ?,
         next_attempt_at = ?, done_at = ? WHERE id = ?`,
      [
        done ? 'failed' : 'pending',
        attempt,
        failures,
        fallback || row.fallbackSent ? 1 : 0,
        now + backoffMs(attempt, this.#o.random ?? Math.random),
        done ? now : null,
        row.id,
      ],
    );
  }
}
