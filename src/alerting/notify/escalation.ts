/**
 * Escalation policies (docs/user/alertmanager-config.md): after a group's first firing
 * notification, while any of its alerts fires unacknowledged, level i's receiver is notified
 * at firstNotified + delay_i (delays count from the first notification, not from the previous
 * level). After the last level the levels run again `repeat` more times; each run (cycle) lasts
 * the last level's delay plus the gap before it (its delay when there is one level; at least
 * one minute). A level with delay 0 whose receiver is the route's own is skipped in the first
 * cycle (that receiver was just notified). Progress is stored, so a restart resumes it.
 */
import type { SqlAccess } from '../../state/index.js';
import { nopLogger, type Logger } from '../../util/index.js';
import type { EscalationPolicyConfig } from '../config/schema.js';
import type { Scheduler, Timer } from './clock.js';

const MIN_CYCLE_MS = 60_000;

export interface EscalationStep {
  /** After the first notification (ms). */
  readonly offsetMs: number;
  /** 1-based level (Notification.escalationLevel; 0 is the route's own receiver). */
  readonly level: number;
  readonly receiver: string;
}

/** Every step of a policy, in time order. */
export function planSteps(p: EscalationPolicyConfig, routeReceiver: string): EscalationStep[] {
  const n = p.levels.length;
  const last = p.levels[n - 1].delay;
  const gap = n > 1 ? last - p.levels[n - 2].delay : last;
  const cycle = Math.max(last + gap, MIN_CYCLE_MS);
  const out: EscalationStep[] = [];
  for (let c = 0; c <= p.repeat; c++)
    p.levels.forEach((l, i) => {
      if (c === 0 && l.delay === 0 && l.receiver === routeReceiver) return;
      out.push({ offsetMs: c * cycle + l.delay, level: i + 1, receiver: l.receiver });
    });
  return out.sort((a, b) => a.offsetMs - b.offsetMs || a.level - b.level);
}

export interface EscalationHooks {
  /** Whether the group still has a firing, unacknowledged, unmuted alert. */
  urgent(groupKey: string): boolean;
  /** Notifies `step.receiver` about the group. */
  notify(groupKey: string, step: EscalationStep, stepIndex: number): Promise<void>;
}

interface Row {
  group_key: string;
  policy: string;
  first_at: number;
  next_step: number;
  receiver: string;
}

/** One tenant's escalations. */
export class Escalator {
  readonly #timers = new Map<string, Timer>();
  #policies: ReadonlyMap<string, EscalationPolicyConfig>;

  constructor(
    private readonly tenant: string,
    private readonly sql: SqlAccess,
    private readonly scheduler: Scheduler,
    policies: readonly EscalationPolicyConfig[],
    private readonly hooks: EscalationHooks,
    private readonly log: Logger = nopLogger,
  ) {
    this.#policies = new Map(policies.map((p) => [p.name, p]));
  }

  setPolicies(policies: readonly EscalationPolicyConfig[]): void {
    this.#policies = new Map(policies.map((p) => [p.name, p]));
  }

  /** Resumes stored escalations (at start-up). */
  async restore(): Promise<void> {
    const rows = await this.sql.read((r) =>
      r.all<Row>('SELECT * FROM alert_escalations WHERE tenant = ?', [this.tenant]),
    );
    for (const r of rows) this.#schedule(r);
  }

  /** Starts the group's escalation unless one runs already. */
  async begin(
    groupKey: string,
    policy: string,
    routeReceiver: string,
    firstAt: number,
  ): Promise<void> {
    if (!this.#policies.has(policy)) return;
    const row: Row = {
      group_key: groupKey,
      policy,
      first_at: firstAt,
      next_step: 0,
      receiver: routeReceiver,
    };
    const added = await this.sql.write((tx) =>
      tx.run(
        `INSERT INTO alert_escalations (tenant, group_key, policy, first_at, next_step)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, group_key) DO NOTHING`,
        [this.tenant, groupKey, `${policy}\0${routeReceiver}`, firstAt, 0],
      ),
    );
    if (added > 0) this.#schedule(row);
  }

  /** Ends the group's escalation (acknowledged, resolved, or the group is gone). */
  async end(groupKey: string): Promise<void> {
    this.#timers.get(groupKey)?.cancel();
    this.#timers.delete(groupKey);
    await this.sql.write((tx) =>
      tx.run('DELETE FROM alert_escalations WHERE tenant = ? AND group_key = ?', [
        this.tenant,
        groupKey,
      ]),
    );
  }

  /** Cancels timers (state stays stored). */
  stop(): void {
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  #schedule(r: Row): void {
    // The policy column holds `name\0routeReceiver` (both decide the plan).
    const [name, routeReceiver = r.receiver] = r.policy.split('\0');
    const p = this.#policies.get(name);
    if (!p) return;
    const steps = planSteps(p, routeReceiver);
    const step = steps[r.next_step];
    if (!step) return; // done: kept so the group does not escalate again until it ends
    this.#timers.get(r.group_key)?.cancel();
    const at = r.first_at + step.offsetMs;
    this.#timers.set(
      r.group_key,
      this.scheduler.after(at - this.scheduler.now(), () => {
        this.#timers.delete(r.group_key);
        this.#fire(r, step).catch((err: unknown) =>
          this.log.error({ err, groupKey: r.group_key }, 'cannot escalate'),
        );
      }),
    );
  }

  async #fire(r: Row, step: EscalationStep): Promise<void> {
    if (!this.hooks.urgent(r.group_key)) {
      await this.end(r.group_key);
      return;
    }
    await this.hooks.notify(r.group_key, step, r.next_step);
    const next = { ...r, next_step: r.next_step + 1 };
    await this.sql.write((tx) =>
      tx.run('UPDATE alert_escalations SET next_step = ? WHERE tenant = ? AND group_key = ?', [
        next.next_step,
        this.tenant,
        r.group_key,
      ]),
    );
    this.#schedule(next);
  }
}
