import { randomUUID } from 'node:crypto';
import type { Labels, Matcher, TenantId } from '../../model/index.js';
import type { Actor, SqlReader, SqlTx, StateStore } from '../../state/index.js';
import { formatMatchers } from '../matchers/format.js';
import { parseMatchers } from '../matchers/parse.js';
import type { Muter, StoredAlert } from '../types.js';
import { SilenceLimitError, SilenceNotFoundError } from './errors.js';
import {
  compareSilences,
  silenceMatches,
  silenceMatchesFilter,
  silenceState,
  type Silence,
  type SilenceInput,
} from './silence.js';
import { validateSilence } from './validate.js';

export interface SilencesOptions {
  /** How long expired silences are kept (Alertmanager's `--data.retention`); default 120h. */
  retentionMs?: number;
  /** Silences per tenant, expired ones included (Alertmanager's `max_silences`); default 10 000. */
  maxSilencesPerTenant?: number;
  /** New silence ids (tests); default a random UUID. */
  newId?: () => string;
}

export const DEFAULT_SILENCE_RETENTION_MS = 120 * 3600_000;
export const DEFAULT_MAX_SILENCES_PER_TENANT = 10_000;
const PRUNE_GRACE_MS = 5 * 60_000;

interface Row {
  id: string;
  tenant: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  updated_at: number;
}

const fromRow = (r: Row): Silence => ({
  id: r.id,
  tenant: r.tenant as TenantId,
  matchers: parseMatchers(r.matchers),
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  createdBy: r.created_by,
  comment: r.comment,
  updatedAt: r.updated_at,
});

const auditView = (s: Silence) => ({
  id: s.id,
  matchers: formatMatchers(s.matchers),
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  createdBy: s.createdBy,
  comment: s.comment,
});

function save(tx: SqlTx, s: Silence): void {
  tx.run(
    `INSERT OR REPLACE INTO silences (id, tenant, matchers, starts_at, ends_at, created_by, comment, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      s.id,
      s.tenant,
      formatMatchers(s.matchers),
      s.startsAt,
      s.endsAt,
      s.createdBy,
      s.comment,
      s.updatedAt,
    ],
  );
}

function one(r: SqlReader, tenant: TenantId, id: string): Silence | undefined {
  const row = r.get<Row>(`SELECT * FROM silences WHERE id = ? AND tenant = ?`, [id, tenant]);
  return row && fromRow(row);
}

/** Alertmanager's canUpdate: an edit that does not rewrite history is made in place. */
function canUpdate(prev: Silence, next: SilenceInput, now: number): boolean {
  if (formatMatchers(prev.matchers) !== formatMatchers(next.matchers)) return false;
  switch (silenceState(prev, now)) {
    case 'active':
      // Alertmanager compares whole seconds.
      return (
        Math.floor(prev.startsAt / 1000) === Math.floor(next.startsAt / 1000) && next.endsAt >= now
      );
    case 'pending':
      return next.startsAt >= now;
    case 'expired':
      return false;
  }
}

/**
 * Alertmanager's silences in state.db (table `silences`, migration 3). Every change is one
 * transaction with its audit entry, committed before the call resolves; changes are
 * serialised. Reads and `mutedBy` use an in-memory mirror (call `reload` after another process,
 * such as the CLI, changed silences).
 */
export class SqliteSilences implements Muter {
  private all = new Map<string, Silence>();
  /** Per tenant, the silences not yet expired when last looked at: what `mutedBy` scans. */
  private live = new Map<TenantId, Silence[]>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly retentionMs: number;
  private readonly maxPerTenant: number;
  private readonly newId: () => string;

  private constructor(
    private readonly state: Pick<StateStore, 'sql'>,
    opts: SilencesOptions,
  ) {
    this.retentionMs = opts.retentionMs ?? DEFAULT_SILENCE_RETENTION_MS;
    this.maxPerTenant = opts.maxSilencesPerTenant ?? DEFAULT_MAX_SILENCES_PER_TENANT;
    this.newId = opts.newId ?? randomUUID;
  }

  static async open(
    state: Pick<StateStore, 'sql'>,
    opts: SilencesOptions = {},
  ): Promise<SqliteSilences> {
    const s = new SqliteSilences(state, opts);
    await s.reload();
    return s;
  }

  /** Re-reads every silence from the file. */
  async reload(): Promise<void> {
    const rows = await this.state.sql.read((r) => r.all<Row>(`SELECT * FROM silences`));
    this.all = new Map(rows.map((r) => [r.id, fromRow(r)]));
    this.live = new Map();
    for (const s of this.all.values()) this.index(s);
  }

  private index(s: Silence): void {
    // Expired ones are dropped from the list by the next mutedBy that sees them expired.
    const list = (this.live.get(s.tenant) ?? []).filter((x) => x.id !== s.id);
    list.push(s);
    this.live.set(s.tenant, list);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Creates a silence (no id) or updates one, as Alertmanager's `Silences.Set`: an edit of
   * times/comment that keeps history is made in place (`silence.update`); otherwise (matchers
   * changed, an active silence's start moved, …) a new silence is created (`silence.create`)
   * and the old one, unless already expired, is expired (`silence.expire`). A new silence's
   * start in the past becomes now. Returns the silence as stored.
   */
  upsert(tenant: TenantId, input: SilenceInput, actor: Actor): Promise<Silence> {
    return this.serial(async () => {
      const changed = await this.state.sql.write((tx) => this.upsertTx(tx, tenant, input, actor));
      for (const s of changed) {
        this.all.set(s.id, s);
        this.index(s);
      }
      return changed[0];
    });
  }

  private upsertTx(tx: SqlTx, tenant: TenantId, input: SilenceInput, actor: Actor): Silence[] {
    const now = tx.now;
    validateSilence(input, now);
    const prev = input.id === undefined ? undefined : one(tx, tenant, input.id);
    if (input.id !== undefined && prev === undefined)
      throw new SilenceNotFoundError(input.id, 'update');
    const fields = {
      tenant,
      matchers: [...input.matchers],
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      createdBy: input.createdBy,
      comment: input.comment,
      updatedAt: now,
    };
    if (prev !== undefined && canUpdate(prev, input, now)) {
      const s: Silence = { ...fields, id: prev.id };
      save(tx, s);
      const target = `silence:${s.id}`;
      tx.audit({
        actor,
        tenant,
        action: 'silence.update',
        target,
        before: auditView(prev),
        after: auditView(s),
      });
      return [s];
    }
    const count = tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM silences WHERE tenant = ?`, [
      tenant,
    ])!.n;
    if (count + 1 > this.maxPerTenant) throw new SilenceLimitError(count, this.maxPerTenant);
    const s: Silence = { ...fields, id: this.newId(), startsAt: Math.max(input.startsAt, now) };
    save(tx, s);
    tx.audit({
      actor,
      tenant,
      action: 'silence.create',
      target: `silence:${s.id}`,
      before: null,
      after: { ...auditView(s), ...(prev && { replaces: prev.id }) },
    });
    const out = [s];
    if (prev !== undefined && silenceState(prev, now) !== 'expired')
      out.push(expireTx(tx, prev, actor));
    return out;
  }

  /**
   * Expires a silence now (a pending one gets start = end = now). Idempotent on an expired
   * silence (no audit entry then). Returns it as stored.
   */
  expire(tenant: TenantId, id: string, actor: Actor): Promise<Silence> {
    return this.serial(async () => {
      const s = await this.state.sql.write((tx) => {
        const cur = one(tx, tenant, id);
        if (cur === undefined) throw new SilenceNotFoundError(id, 'expire');
        return silenceState(cur, tx.now) === 'expired' ? cur : expireTx(tx, cur, actor);
      });
      this.all.set(s.id, s);
      this.index(s);
      return s;
    });
  }

  get(tenant: TenantId, id: string): Silence | undefined {
    const s = this.all.get(id);
    return s?.tenant === tenant ? s : undefined;
  }

  /** A tenant's silences in Alertmanager's API order, optionally filtered (API `filter`). */
  list(tenant: TenantId, now: number, filter: readonly Matcher[] = []): Silence[] {
    const out: Silence[] = [];
    for (const s of this.all.values())
      if (s.tenant === tenant && silenceMatchesFilter(s, filter)) out.push(s);
    return out.sort((a, b) => compareSilences(a, b, now));
  }

  mutedBy(tenant: TenantId, labels: Labels, now: number): readonly string[] {
    const list = this.live.get(tenant);
    if (list === undefined) return [];
    let ids: string[] | undefined;
    let expired = false;
    for (const s of list) {
      if (now >= s.endsAt) {
        expired = true;
        continue;
      }
      if (now < s.startsAt || !silenceMatches(s.matchers, labels)) continue;
      (ids ??= []).push(s.id);
    }
    // Silences expired a while ago leave the scanned list (callers' clocks only move forward,
    // give or take the grace).
    if (expired)
      this.live.set(
        tenant,
        list.filter((s) => now < s.endsAt + PRUNE_GRACE_MS),
      );
    return ids ?? [];
  }

  /** Which of `alerts` (of this tenant) a silence with `matchers` would mute: the UI's preview. */
  preview(
    tenant: TenantId,
    matchers: readonly Matcher[],
    alerts: readonly StoredAlert[],
  ): StoredAlert[] {
    return alerts.filter((a) => a.tenant === tenant && silenceMatches(matchers, a.alert.labels));
  }

  /** Deletes silences expired longer ago than the retention (not audited). Returns how many. */
  gc(now: number): Promise<number> {
    return this.serial(async () => {
      const before = now - this.retentionMs;
      const n = await this.state.sql.write((tx) =>
        tx.run(`DELETE FROM silences WHERE ends_at <= ?`, [before]),
      );
      for (const [id, s] of this.all) if (s.endsAt <= before) this.all.delete(id);
      return n;
    });
  }
}

function expireTx(tx: SqlTx, cur: Silence, actor: Actor): Silence {
  const now = tx.now;
  const pending = silenceState(cur, now) === 'pending';
  const s: Silence = {
    ...cur,
    startsAt: pending ? now : cur.startsAt,
    endsAt: now,
    updatedAt: now,
  };
  save(tx, s);
  tx.audit({
    actor,
    tenant: cur.tenant,
    action: 'silence.expire',
    target: `silence:${cur.id}`,
    before: auditView(cur),
    after: auditView(s),
  });
  return s;
}
