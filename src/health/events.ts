/**
 * Reads of health_events (written by the check engine for checks and by the health engine for
 * services). Both use the (tenant, subject_kind, subject, at) index: a range scan plus one
 * look-up of the state entering the range.
 */
import type { StateStore } from '../state/index.js';
import type { StateEvent } from './uptime.js';

/** One recorded state change. */
export interface HealthEvent {
  readonly at: number;
  readonly state: string;
  /** The JSON detail (error, impactedBy, checks…), parsed. */
  readonly detail: unknown;
}

/** Events in [from, to] by time, preceded by the last one before `from` (the entering state). */
export async function readEvents(
  state: Pick<StateStore, 'sql'>,
  tenant: string,
  kind: string,
  subject: string,
  from: number,
  to: number,
): Promise<StateEvent[]> {
  return state.sql.read((r) => {
    const before = r.get<StateEvent>(
      `SELECT at, state FROM health_events
       WHERE tenant = ? AND subject_kind = ? AND subject = ? AND at < ?
       ORDER BY at DESC, id DESC LIMIT 1`,
      [tenant, kind, subject, from],
    );
    const rows = r.all<StateEvent>(
      `SELECT at, state FROM health_events
       WHERE tenant = ? AND subject_kind = ? AND subject = ? AND at >= ? AND at <= ?
       ORDER BY at, id`,
      [tenant, kind, subject, from, to],
    );
    return before ? [before, ...rows] : rows;
  });
}

/** Events in [from, to], newest first, at most `limit` (1..10000). */
export async function readHistory(
  state: Pick<StateStore, 'sql'>,
  tenant: string,
  kind: string,
  subject: string,
  from: number,
  to: number,
  limit: number,
): Promise<HealthEvent[]> {
  const n = Math.max(1, Math.min(10_000, Math.floor(limit)));
  const rows = await state.sql.read((r) =>
    r.all<{ at: number; state: string; detail: string }>(
      `SELECT at, state, detail FROM health_events
       WHERE tenant = ? AND subject_kind = ? AND subject = ? AND at >= ? AND at <= ?
       ORDER BY at DESC, id DESC LIMIT ?`,
      [tenant, kind, subject, from, to, n],
    ),
  );
  return rows.map((r) => ({ at: r.at, state: r.state, detail: parseDetail(r.detail) }));
}

function parseDetail(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s; // written by another version or by hand: show it as text
  }
}
