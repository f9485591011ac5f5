import type { Labels, Matcher, TenantId } from '../../model/index.js';

/** A silence's state at a time: Alertmanager's `types.CalcSilenceState`. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A silence as stored (Alertmanager's silence, per tenant). Times are Unix ms. */
export interface Silence {
  /** A UUID, unique across tenants. */
  readonly id: string;
  readonly tenant: TenantId;
  /** All must match for an alert to be silenced (Alertmanager's matcher semantics). */
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly updatedAt: number;
}

/** What a caller gives to create (no id) or update (id) a silence. */
export interface SilenceInput {
  readonly id?: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** Pending before startsAt, active in [startsAt, endsAt), expired from endsAt on. */
export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now < s.endsAt) return 'active';
  return 'expired';
}

/** True when every matcher of the silence matches `labels` (a missing label is ''). */
export function silenceMatches(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

/**
 * The API's `filter` on silences (Alertmanager's CheckSilenceMatchesFilterLabels): each filter
 * matcher needs a silence matcher of the same name whose value it matches.
 */
export function silenceMatchesFilter(s: Silence, filter: readonly Matcher[]): boolean {
  return filter.every((f) => s.matchers.some((m) => m.name === f.name && f.matches(m.value)));
}

const ORDER: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/**
 * Alertmanager's API order: active (soonest to end first), then pending (soonest to start
 * first), then expired (most recently ended first).
 */
export function compareSilences(a: Silence, b: Silence, now: number): number {
  const sa = silenceState(a, now);
  const sb = silenceState(b, now);
  if (sa !== sb) return ORDER[sa] - ORDER[sb];
  if (sa === 'active') return a.endsAt - b.endsAt;
  if (sa === 'pending') return a.startsAt - b.startsAt;
  return b.endsAt - a.endsAt;
}
