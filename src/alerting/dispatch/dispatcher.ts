/**
 * The dispatcher (Alertmanager's dispatch.Dispatcher), one per tenant: routes every alert the
 * AlertProvider reports, keeps aggregation groups per (route, group labels) and flushes them
 * with Alertmanager's timing — first after group_wait, then every group_interval; resolved
 * alerts are flushed once more and then dropped; empty groups are deleted. A flush filters
 * muted alerts, skips the group during the route's mute / outside its active time intervals,
 * and offers the notification to the notifier (which dedups against the nflog).
 */
import { isResolved, type Labels, type TenantId } from '../../model/index.js';
import type { SqlAccess } from '../../state/index.js';
import { nopLogger, type Logger } from '../../util/index.js';
import type { AlertmanagerConfig } from '../config/parse.js';
import { recordHistory, type HistoryInput } from '../history/history.js';
import { buildRouteTree, groupKey, groupLabels, type Route } from '../route/route.js';
import { contains } from '../timeinterval/contains.js';
import type { AlertProvider, Muter, StoredAlert } from '../types.js';
import type { AckStore, AckTarget } from '../notify/ack.js';
import type { Scheduler, Timer } from '../notify/clock.js';
import { Escalator, type EscalationStep } from '../notify/escalation.js';
import { RESOLVED_EXPIRY_MS, type Notifier } from '../notify/notifier.js';
import type { Notification, NotifyAlert } from '../notify/types.js';
import { common, compareAlerts, toNotifyAlert } from './data.js';

/** A muter and what its ids mean in an alert's status. */
export interface MuterEntry {
  readonly kind: 'silence' | 'inhibit';
  readonly muter: Muter;
}

export interface DispatcherOptions {
  readonly tenant: TenantId;
  readonly config: AlertmanagerConfig;
  readonly provider: AlertProvider;
  readonly notifier: Notifier;
  readonly acks: AckStore;
  readonly sql: SqlAccess;
  readonly scheduler: Scheduler;
  readonly muters?: readonly MuterEntry[];
  /** `global.external_url`, else Argus's own address. */
  readonly externalURL: string;
  /** A one-click acknowledgement URL for a group's firing alerts. */
  readonly ackURL?: (groupKey: string, fingerprints: readonly string[]) => string;
  readonly logger?: Logger;
}

export type AlertState = 'active' | 'suppressed' | 'unprocessed';

/** An alert's status for the API (`/api/v2/alerts`). */
export interface AlertStatus {
  readonly state: AlertState;
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
  readonly receivers: readonly string[];
}

/** One aggregation group for `/api/v2/alerts/groups`. */
export interface GroupView {
  readonly groupKey: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly receiver: string;
  readonly alerts: readonly (NotifyAlert & { readonly alertStatus: AlertStatus })[];
}

interface Group {
  readonly route: Route;
  readonly key: string;
  readonly labels: Labels;
  readonly alerts: Map<string, StoredAlert>;
  timer?: Timer;
  flushed: boolean;
  nextAt: number;
}

/** Where an alert goes: one group per matching route. */
interface Target {
  readonly route: Route;
  readonly key: string;
  readonly labels: Labels;
}

interface Routed {
  readonly labels: Labels;
  readonly targets: readonly Target[];
}

/**
 * Signs the ack link only when read: most flushes are deduplicated by the notifier, which
 * copies the notification (reading every field) only when it queues one.
 */
function lazyAckURL(n: Omit<Notification, 'id'>, sign: () => string): void {
  let url: string | undefined;
  Object.defineProperty(n, 'ackURL', {
    enumerable: true,
    configurable: true,
    get: () => (url ??= sign()),
  });
}

/** An alert a flush may notify, and its acknowledgement. */
interface Unmuted {
  readonly s: StoredAlert;
  readonly acked: NotifyAlert['acknowledged'];
}

/** As notifications carry them: Alertmanager's order. */
function notifyAlerts(list: Unmuted[], now: number): NotifyAlert[] {
  return list
    .sort((x, y) => compareAlerts(x.s.alert.labels, y.s.alert.labels))
    .map((x) => toNotifyAlert(x.s, now, x.acked));
}

/** The routing cache is pruned when it reaches this many entries (or twice what was kept). */
const ROUTED_MIN = 1024;

export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #log: Logger;
  readonly #groups = new Map<string, Group>();
  /** Fingerprints seen in at least one flush. */
  readonly #processed = new Set<string>();
  /** The last firing/resolved state recorded in history, and which alerts were muted. */
  #states = new Map<string, 'firing' | 'resolved'>();
  readonly #muted = new Set<string>();
  readonly #escalator: Escalator;
  #config: AlertmanagerConfig;
  #tree: Route;
  /** Routing per fingerprint, for the current tree. */
  #routed = new Map<string, Routed>();
  #routedLimit = ROUTED_MIN;
  #unsubscribe: (() => void) | undefined;

  constructor(opts: DispatcherOptions) {
    this.#o = opts;
    this.#log = opts.logger ?? nopLogger;
    this.#config = opts.config;
    this.#tree = buildRouteTree(opts.config.route);
    this.#escalator = new Escalator(
      opts.tenant,
      opts.sql,
      opts.scheduler,
      opts.config.escalation_policies,
      { urgent: (k) => this.#urgent(k), notify: (k, s, i) => this.#escalate(k, s, i) },
      this.#log,
    );
  }

  async start(): Promise<void> {
    const rows = await this.#o.sql.read((r) =>
      r.all<{ fingerprint: string; kind: 'firing' | 'resolved' }>(
        `SELECT fingerprint, kind FROM alert_history h WHERE tenant = ? AND seq = (
           SELECT MAX(seq) FROM alert_history WHERE tenant = h.tenant
             AND fingerprint = h.fingerprint AND kind IN ('firing', 'resolved'))`,
        [this.#o.tenant],
      ),
    );
    this.#states = new Map(rows.map((x) => [x.fingerprint, x.kind]));
    await this.#escalator.restore();
    this.#unsubscribe = this.#o.provider.subscribe((tenant, alerts) => {
      if (tenant === this.#o.tenant) this.#ingest(alerts);
    });
    this.#ingest(this.#o.provider.list(this.#o.tenant));
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const g of this.#groups.values()) g.timer?.cancel();
    this.#escalator.stop();
  }

  /** Applies a new configuration: a new tree, current alerts regrouped; nflog, acks and escalations kept. */
  reload(config: AlertmanagerConfig): void {
    this.#config = config;
    this.#tree = buildRouteTree(config.route);
    this.#routed = new Map();
    this.#escalator.setPolicies(config.escalation_policies);
    const old = new Map(this.#groups);
    for (const g of old.values()) g.timer?.cancel();
    this.#groups.clear();
    const alerts = new Map<string, StoredAlert>();
    for (const g of old.values()) for (const [fp, a] of g.alerts) alerts.set(fp, a);
    this.#ingest([...alerts.values()], old);
  }

  #ingest(alerts: readonly StoredAlert[], previous?: ReadonlyMap<string, Group>): void {
    const now = this.#o.scheduler.now();
    const changes: HistoryInput[] = [];
    for (const s of alerts) {
      const state = isResolved(s.alert, now) ? 'resolved' : 'firing';
      if (!previous && this.#states.get(s.fingerprint) !== state) {
        if (state === 'firing' || this.#states.has(s.fingerprint))
          changes.push({
            tenant: this.#o.tenant,
            time: state === 'firing' ? s.alert.startsAt || now : now,
            kind: state,
            fingerprint: s.fingerprint,
            alertname: s.alert.labels.get('alertname'),
            detail: { labels: s.alert.labels.toObject() },
          });
        this.#states.set(s.fingerprint, state);
      }
      for (const { route, key, labels } of this.#targets(s)) {
        let g = this.#groups.get(key);
        if (!g) {
          const was = previous?.get(key);
          g = {
            route,
            key,
            labels,
            alerts: new Map(),
            flushed: was?.flushed ?? false,
            nextAt: was ? was.nextAt : now + route.opts.groupWaitMs,
          };
          this.#groups.set(key, g);
          this.#arm(g, Math.max(g.nextAt, now));
        }
        g.alerts.set(s.fingerprint, s);
        // Alertmanager: an alert that has waited group_wait already is flushed at once.
        if (!g.flushed && s.alert.startsAt + route.opts.groupWaitMs <= now) this.#arm(g, now);
      }
    }
    if (changes.length > 0)
      this.#o.sql
        .write((tx) => changes.forEach((c) => recordHistory(tx, c)))
        .catch((err: unknown) => this.#log.error({ err }, 'cannot record alert history'));
  }

  /**
   * The routes and group keys of an alert, cached per fingerprint: a re-posted alert is not
   * routed again. The fingerprint is a hash, so the cached label set is compared too.
   */
  #targets(s: StoredAlert): readonly Target[] {
    const labels = s.alert.labels;
    const hit = this.#routed.get(s.fingerprint);
    if (hit && (hit.labels === labels || hit.labels.equals(labels))) return hit.targets;
    if (this.#routed.size >= this.#routedLimit) this.#pruneRouted();
    const targets = this.#tree.match(labels).map((route) => ({
      route,
      key: groupKey(route, labels),
      labels: groupLabels(route, labels),
    }));
    this.#routed.set(s.fingerprint, { labels, targets });
    return targets;
  }

  /** Keeps the routing cache to the alerts the groups hold (resolved ones leave them). */
  #pruneRouted(): void {
    const held = new Map<string, Routed>();
    for (const g of this.#groups.values())
      for (const fp of g.alerts.keys()) {
        const r = this.#routed.get(fp);
        if (r) held.set(fp, r);
      }
    this.#routed = held;
    this.#routedLimit = Math.max(ROUTED_MIN, 2 * held.size);
  }

  #arm(g: Group, at: number): void {
    g.timer?.cancel();
    g.nextAt = at;
    g.timer = this.#o.scheduler.after(at - this.#o.scheduler.now(), () => {
      g.timer = undefined;
      this.#flush(g).catch((err: unknown) =>
        this.#log.error({ err, groupKey: g.key }, 'cannot flush alert group'),
      );
    });
  }

  /** What mutes `labels` now; undefined (nothing allocated) when nothing does. */
  #mutedBy(labels: Labels, now: number): { silence: string[]; inhibit: string[] } | undefined {
    let out: { silence: string[]; inhibit: string[] } | undefined;
    for (const m of this.#o.muters ?? []) {
      const ids = m.muter.mutedBy(this.#o.tenant, labels, now);
      if (ids.length === 0) continue;
      out ??= { silence: [], inhibit: [] };
      out[m.kind].push(...ids);
    }
    return out;
  }

  #timeMuted(route: Route, now: number): boolean {
    const iv = this.#config.intervals;
    const o = route.opts;
    if (o.muteTimeIntervals.some((n) => contains(iv.get(n) ?? [], now))) return true;
    return (
      o.activeTimeIntervals.length > 0 &&
      !o.activeTimeIntervals.some((n) => contains(iv.get(n) ?? [], now))
    );
  }

  #acked(s: StoredAlert): NotifyAlert['acknowledged'] {
    const a = this.#o.acks.get(this.#o.tenant, s.fingerprint, s.alert.startsAt);
    return a && { by: a.by, at: a.at };
  }

  /** The group's alerts that may be notified now, sorted, as notifications carry them. */
  #visible(g: Group, now: number, record?: HistoryInput[]): NotifyAlert[] {
    return notifyAlerts(this.#unmuted(g, now, record), now);
  }

  /** The group's alerts not muted now, with their acknowledgements. */
  #unmuted(g: Group, now: number, record?: HistoryInput[]): Unmuted[] {
    const out: Unmuted[] = [];
    for (const s of g.alerts.values()) {
      const m = this.#mutedBy(s.alert.labels, now);
      if (m) {
        if (record && !this.#muted.has(s.fingerprint))
          record.push({
            tenant: this.#o.tenant,
            time: now,
            kind: 'silenced',
            fingerprint: s.fingerprint,
            alertname: s.alert.labels.get('alertname'),
            detail: { silencedBy: m.silence, inhibitedBy: m.inhibit },
          });
        this.#muted.add(s.fingerprint);
        continue;
      }
      this.#muted.delete(s.fingerprint);
      out.push({ s, acked: this.#acked(s) });
    }
    return out;
  }

  #build(
    g: Group,
    alerts: NotifyAlert[],
    receiver: string,
    level: number,
    ackUpdate: boolean,
  ): Omit<Notification, 'id'> {
    const firing = alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint);
    let evaluatedAt: number | undefined;
    for (const a of alerts) {
      const s = g.alerts.get(a.fingerprint);
      // A resolution that came by timeout (no resend before endsAt) happened at endsAt.
      const t =
        s &&
        (a.status === 'resolved'
          ? Math.max(s.alert.evaluatedAt ?? s.updatedAt, s.alert.endsAt)
          : (s.alert.evaluatedAt ?? s.updatedAt));
      if (t !== undefined && (evaluatedAt === undefined || t > evaluatedAt)) evaluatedAt = t;
    }
    const n: Omit<Notification, 'id'> = {
      tenant: this.#o.tenant,
      receiver,
      groupKey: g.key,
      status: firing.length > 0 ? 'firing' : 'resolved',
      alerts,
      groupLabels: g.labels.toObject(),
      commonLabels: common(alerts.map((a) => a.labels)),
      commonAnnotations: common(alerts.map((a) => a.annotations)),
      externalURL: this.#o.externalURL,
      truncatedAlerts: 0,
      escalationLevel: level,
      ackUpdate,
      ...(evaluatedAt !== undefined ? { evaluatedAt } : {}),
    };
    const sign = this.#o.ackURL;
    if (firing.length > 0 && sign) lazyAckURL(n, () => sign(g.key, firing));
    return n;
  }

  async #flush(g: Group): Promise<void> {
    const now = this.#o.scheduler.now();
    const snapshot = new Map(g.alerts);
    const muted: HistoryInput[] = [];
    let ok = true;
    if (!this.#timeMuted(g.route, now)) {
      const unmuted = this.#unmuted(g, now, muted);
      for (const fp of snapshot.keys()) this.#processed.add(fp);
      if (unmuted.length > 0) {
        const firing = new Set<string>();
        const resolved = new Set<string>();
        const acked = new Set<string>();
        for (const { s, acked: a } of unmuted) {
          (isResolved(s.alert, now) ? resolved : firing).add(s.fingerprint);
          if (a) acked.add(s.fingerprint);
        }
        // Alerts that resolved by timeout (their sender stopped) were never posted again:
        // their resolution enters the history here, at its time.
        for (const fp of resolved) {
          if (this.#states.get(fp) !== 'firing') continue;
          const s = snapshot.get(fp)!;
          this.#states.set(fp, 'resolved');
          muted.push({
            tenant: this.#o.tenant,
            time: Math.min(s.alert.endsAt, now),
            kind: 'resolved',
            fingerprint: fp,
            alertname: s.alert.labels.get('alertname'),
            detail: { labels: s.alert.labels.toObject() },
          });
        }
        const receiver = g.route.opts.receiver;
        const sets = {
          firing,
          resolved,
          acked,
          repeatIntervalMs: g.route.opts.repeatIntervalMs,
          fallbackReceiver: g.route.opts.fallbackReceiver,
        };
        const group = { tenant: this.#o.tenant, groupKey: g.key, receiver };
        try {
          // Most flushes are deduplicated: the notification is only built when it may go out.
          const n = this.#o.notifier.deduplicated(group, sets)
            ? undefined
            : await this.#o.notifier.offer({
                ...sets,
                notification: this.#build(g, notifyAlerts(unmuted, now), receiver, 0, false),
              });
          const policy = g.route.opts.escalationPolicy;
          if (n && policy && firing.size > 0)
            await this.#escalator.begin(g.key, policy, g.route.opts.receiver, now);
        } catch (err) {
          ok = false;
          this.#log.error({ err, groupKey: g.key }, 'cannot notify alert group');
        }
      }
      if (muted.length > 0)
        await this.#o.sql.write((tx) => muted.forEach((m) => recordHistory(tx, m)));
    }
    g.flushed = true;
    if (ok)
      for (const [fp, s] of snapshot)
        if (isResolved(s.alert, now) && g.alerts.get(fp) === s) g.alerts.delete(fp);
    if (!this.#anyFiring(g, now)) await this.#escalator.end(g.key);
    if (g.alerts.size === 0) {
      if (this.#groups.get(g.key) === g) this.#groups.delete(g.key);
      return;
    }
    this.#arm(g, now + g.route.opts.groupIntervalMs);
  }

  #anyFiring(g: Group, now: number): boolean {
    for (const s of g.alerts.values()) if (!isResolved(s.alert, now)) return true;
    return false;
  }

  #urgent(key: string): boolean {
    const g = this.#groups.get(key);
    if (!g) return false;
    const now = this.#o.scheduler.now();
    return this.#visible(g, now).some((a) => a.status === 'firing' && !a.acknowledged);
  }

  async #escalate(key: string, step: EscalationStep, index: number): Promise<void> {
    const g = this.#groups.get(key);
    if (!g) return;
    const now = this.#o.scheduler.now();
    const n = this.#build(g, this.#visible(g, now), step.receiver, step.level, false);
    await this.#o.notifier.send(
      // Not news: escalations are not counted as delivery latency.
      { ...n, id: `${key}:escalation:${index}:${this.#firstStart(g)}`, evaluatedAt: undefined },
      '',
      now + g.route.opts.repeatIntervalMs,
    );
  }

  #firstStart(g: Group): number {
    let m = Infinity;
    for (const s of g.alerts.values()) m = Math.min(m, s.alert.startsAt);
    return m;
  }

  #find(target: { fingerprints: readonly string[] } | { groupKey: string }): StoredAlert[] {
    const now = this.#o.scheduler.now();
    const all = new Map<string, StoredAlert>();
    if ('groupKey' in target) {
      for (const [fp, s] of this.#groups.get(target.groupKey)?.alerts ?? []) all.set(fp, s);
    } else {
      for (const fp of target.fingerprints) {
        const s = this.#o.provider.get(this.#o.tenant, fp);
        if (s) all.set(fp, s);
      }
    }
    return [...all.values()].filter((s) => !isResolved(s.alert, now));
  }

  /**
   * Acknowledges firing alerts (by fingerprint, or a whole group), stored before this resolves;
   * channels that take acknowledgements get one `ackUpdate` notification per group.
   */
  async ack(
    target: { fingerprints: readonly string[] } | { groupKey: string },
    by: string,
    comment: string,
  ): Promise<string[]> {
    const alerts = this.#find(target);
    const targets: AckTarget[] = alerts.map((s) => ({
      fingerprint: s.fingerprint,
      startsAt: s.alert.startsAt,
      alertname: s.alert.labels.get('alertname'),
    }));
    // Acking an alert already acknowledged in this episode (a second click on the same link)
    // changes nothing: no second history entry, audit entry or ack update.
    const fresh = targets.filter(
      (t) => this.#o.acks.get(this.#o.tenant, t.fingerprint, t.startsAt) === undefined,
    );
    if (fresh.length === 0) return targets.map((t) => t.fingerprint);
    await this.#o.acks.ack(this.#o.tenant, fresh, by, comment);
    const fps = new Set(fresh.map((t) => t.fingerprint));
    const now = this.#o.scheduler.now();
    for (const g of this.#groups.values()) {
      const mine = [...g.alerts.keys()].filter((fp) => fps.has(fp));
      if (mine.length === 0) continue;
      const n = this.#build(g, this.#visible(g, now), g.route.opts.receiver, 0, true);
      await this.#o.notifier.send(
        { ...n, id: `${g.key}:ack:${now}:${mine.join(',')}`, evaluatedAt: undefined },
        '',
        now + RESOLVED_EXPIRY_MS,
      );
    }
    return targets.map((t) => t.fingerprint);
  }

  async unack(
    target: { fingerprints: readonly string[] } | { groupKey: string },
    by: string,
  ): Promise<string[]> {
    const targets = this.#find(target).map((s) => ({
      fingerprint: s.fingerprint,
      startsAt: s.alert.startsAt,
      alertname: s.alert.labels.get('alertname'),
    }));
    return this.#o.acks.unack(this.#o.tenant, targets, by);
  }

  /** The alert's status for the API, undefined when not held. */
  status(fingerprint: string): AlertStatus | undefined {
    const s = this.#o.provider.get(this.#o.tenant, fingerprint);
    if (!s) return undefined;
    const m = this.#mutedBy(s.alert.labels, this.#o.scheduler.now());
    return {
      state: m ? 'suppressed' : this.#processed.has(fingerprint) ? 'active' : 'unprocessed',
      silencedBy: m?.silence ?? [],
      inhibitedBy: m?.inhibit ?? [],
      receivers: [...new Set(this.#tree.match(s.alert.labels).map((r) => r.opts.receiver))],
    };
  }

  /** The aggregation groups (`/api/v2/alerts/groups`), sorted by key. */
  groups(): GroupView[] {
    const now = this.#o.scheduler.now();
    return [...this.#groups.values()]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((g) => ({
        groupKey: g.key,
        labels: g.labels.toObject(),
        receiver: g.route.opts.receiver,
        alerts: [...g.alerts.values()]
          .sort((a, b) => compareAlerts(a.alert.labels, b.alert.labels))
          .map((s) => ({
            ...toNotifyAlert(s, now, this.#acked(s)),
            alertStatus: this.status(s.fingerprint)!,
          })),
      }));
  }
}
