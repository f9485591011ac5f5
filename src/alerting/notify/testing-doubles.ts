/**
 * Test doubles for the notification pipeline's seams: an in-memory AlertProvider, a recording
 * Channel whose answers a test scripts, and a fresh SQLite state store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isResolved, type Alert, type TenantId } from '../../model/index.js';
import { openSqliteState, type StateStore } from '../../state/index.js';
import type { AlertProvider, StoredAlert } from '../types.js';
import type { Channel, DeliveryResult, Notification } from './types.js';

/** Alertmanager's fingerprint as text: the label set's hash, 16 hex digits. */
export function fingerprint(a: Alert): string {
  return a.labels.hash().toString(16).padStart(16, '0');
}

export class MemoryProvider implements AlertProvider {
  readonly #alerts = new Map<string, StoredAlert>();
  readonly #subs = new Set<(t: TenantId, a: readonly StoredAlert[]) => void>();

  put(tenant: TenantId, alerts: readonly Alert[], now: number): Promise<StoredAlert[]> {
    const out = alerts.map((alert) => {
      const fp = fingerprint(alert);
      const old = this.#alerts.get(`${tenant}\0${fp}`);
      const keep = old && !isResolved(old.alert, now) && old.alert.startsAt < alert.startsAt;
      const s: StoredAlert = {
        tenant,
        fingerprint: fp,
        alert: keep ? { ...alert, startsAt: old.alert.startsAt } : alert,
        updatedAt: now,
      };
      this.#alerts.set(`${tenant}\0${fp}`, s);
      return s;
    });
    for (const f of this.#subs) f(tenant, out);
    return Promise.resolve(out);
  }

  get(tenant: TenantId, fp: string): StoredAlert | undefined {
    return this.#alerts.get(`${tenant}\0${fp}`);
  }

  list(tenant: TenantId): StoredAlert[] {
    return [...this.#alerts.values()].filter((s) => s.tenant === tenant);
  }

  subscribe(fn: (t: TenantId, a: readonly StoredAlert[]) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }
}

/** A channel that records what it is sent and answers from a script (default: ok). */
export class RecordingChannel implements Channel {
  readonly sent: Notification[] = [];
  /** Answers for the next attempts, in order; when empty, `fallbackAnswer`. */
  readonly answers: DeliveryResult[] = [];
  fallbackAnswer: DeliveryResult = { ok: true, retryable: false, status: 200 };

  constructor(
    readonly name: string,
    readonly kind = 'webhook',
    readonly sendResolved = true,
    readonly sendsAcks = false,
  ) {}

  send(n: Notification): Promise<DeliveryResult> {
    this.sent.push(n);
    return Promise.resolve(this.answers.shift() ?? this.fallbackAnswer);
  }
}

/** A state store in a fresh temp dir; `cleanup` closes and removes it. */
export function tempState(): { store: StateStore; file: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'argus-notify-'));
  const file = join(dir, 'state.db');
  const store = openSqliteState({ file });
  return {
    store,
    file,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
