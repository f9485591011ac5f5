/**
 * Maintenance windows created through the API, per tenant (table maintenance_windows,
 * migration 7), audited. Windows from argus.yml live in the service definitions and are merged
 * by the engine, read-only.
 */
import type { StateStore } from '../state/index.js';
import { HealthInvalidError, HealthNotFoundError } from './errors.js';
import type { MaintenanceWindow } from './types.js';

export interface NewMaintenanceWindow {
  readonly service: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly comment?: string;
}

export interface MaintenanceFilter {
  readonly service?: string;
  /** Windows ending after this time (ms). */
  readonly endsAfter?: number;
  /** Windows starting before this time (ms). */
  readonly startsBefore?: number;
}

interface Row {
  id: number;
  service: string;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_by: string;
}

const toWindow = (r: Row): MaintenanceWindow => ({
  id: r.id,
  service: r.service,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  comment: r.comment,
  createdBy: r.created_by,
  source: 'api',
});

/** Longest window accepted (a year): longer ones are mistakes that would hide outages. */
export const MAX_WINDOW_MS = 366 * 86_400_000;

export class SqliteMaintenanceStore {
  constructor(private readonly state: Pick<StateStore, 'sql'>) {}

  /** Windows of `tenant` matching `f`, by start time. */
  async list(tenant: string, f: MaintenanceFilter = {}): Promise<MaintenanceWindow[]> {
    const where = ['tenant = ?'];
    const params: (string | number)[] = [tenant];
    const add = (clause: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(clause);
      params.push(v);
    };
    add('service = ?', f.service);
    add('ends_at > ?', f.endsAfter);
    add('starts_at < ?', f.startsBefore);
    const rows = await this.state.sql.read((r) =>
      r.all<Row>(
        `SELECT * FROM maintenance_windows WHERE ${where.join(' AND ')} ORDER BY starts_at, id`,
        params,
      ),
    );
    return rows.map(toWindow);
  }

  /** Adds a window. @throws HealthInvalidError */
  /**
   * Adds a window. One that starts in the past starts now instead (the transaction's time):
   * a window must not rewrite recorded downtime, uptime and SLOs.
   */
  async add(
    tenant: string,
    input: NewMaintenanceWindow,
    actor: string,
  ): Promise<MaintenanceWindow> {
    const w = input;
    const problems: string[] = [];
    if (!Number.isFinite(w.startsAt) || !Number.isFinite(w.endsAt))
      problems.push('startsAt, endsAt: expected times');
    else if (w.endsAt <= w.startsAt)
      problems.push(
        `endsAt: ${new Date(w.endsAt).toISOString()} is not after startsAt ${new Date(w.startsAt).toISOString()}`,
      );
    else if (w.endsAt - w.startsAt > MAX_WINDOW_MS)
      problems.push('endsAt: a window lasts at most 366 days');
    const comment = w.comment ?? '';
    if (comment.length > 1000) problems.push('comment: at most 1000 characters');
    if (problems.length > 0) throw new HealthInvalidError(problems, 'maintenance window');
    return this.state.sql.write((tx) => {
      if (w.endsAt <= tx.now)
        throw new HealthInvalidError(
          [`endsAt: ${new Date(w.endsAt).toISOString()} is in the past`],
          'maintenance window',
        );
      const startsAt = Math.max(w.startsAt, tx.now);
      tx.run(
        `INSERT INTO maintenance_windows (tenant, service, starts_at, ends_at, comment, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [tenant, w.service, startsAt, w.endsAt, comment, actor, tx.now],
      );
      const { id } = tx.get<{ id: number }>(`SELECT last_insert_rowid() AS id`)!;
      const out = toWindow({
        id,
        service: w.service,
        starts_at: startsAt,
        ends_at: w.endsAt,
        comment,
        created_by: actor,
      });
      tx.audit({
        actor,
        tenant,
        action: 'health.maintenance.create',
        target: `maintenance:${id}`,
        before: null,
        after: out,
      });
      return out;
    });
  }

  /** Deletes window `id`. @throws HealthNotFoundError */
  async delete(tenant: string, id: number, actor: string): Promise<void> {
    await this.state.sql.write((tx) => {
      const cur = tx.get<Row>(`SELECT * FROM maintenance_windows WHERE tenant = ? AND id = ?`, [
        tenant,
        id,
      ]);
      if (!cur) throw new HealthNotFoundError(`cannot delete maintenance window ${id}: not found`);
      tx.run(`DELETE FROM maintenance_windows WHERE tenant = ? AND id = ?`, [tenant, id]);
      tx.audit({
        actor,
        tenant,
        action: 'health.maintenance.delete',
        target: `maintenance:${id}`,
        before: toWindow(cur),
        after: null,
      });
    });
  }
}
