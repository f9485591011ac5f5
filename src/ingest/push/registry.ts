import { readFile, rename, writeFile } from 'node:fs/promises';
import { Labels, staleNaN, type TenantId } from '../../model/index.js';
import {
  PermanentAppendError,
  type Appendable,
  type MetadataStore,
  type MetricMetadata,
} from '../../storage/index.js';
import { ArgusError, errorChain, type Logger } from '../../util/index.js';

/** A push that cannot be accepted (400): names the metric and label. */
export class PushError extends ArgusError {}

/** One pushed sample: labels without the grouping key, and its value. */
export interface PushedSample {
  labels: Labels;
  value: number;
}

interface Group {
  tenant: string;
  /** The grouping key, `job` first. */
  key: [string, string][];
  /** Metric family name → its samples (labels already include the grouping key). */
  families: Map<string, { labels: Labels; value: number }[]>;
  metadata: Map<string, MetricMetadata>;
  pushTime: number;
  failureTime: number;
}

interface SavedGroup {
  tenant: string;
  key: [string, string][];
  families: [string, [Record<string, string>, number][]][];
  metadata: [string, MetricMetadata][];
  pushTime: number;
  failureTime: number;
}

export interface PushRegistryOptions {
  appendable: Appendable & MetadataStore;
  logger: Logger;
  /** JSON file the groups survive restarts in (undefined: memory only). */
  file?: string;
  now?: () => number;
}

function groupId(tenant: string, key: readonly [string, string][]): string {
  return JSON.stringify([tenant, key]);
}

/**
 * Pushgateway semantics inside Argus: groups of metrics keyed by (tenant, grouping key), replaced
 * by PUT, merged by metric name by POST, removed by DELETE. Pushed values are written at push
 * time and then re-written every interval (what Prometheus scraping a Pushgateway does), so they
 * stay visible to queries until deleted; a deleted group's series get stale markers. Groups are
 * kept in a JSON file across restarts.
 */
export class PushRegistry {
  private readonly groups = new Map<string, Group>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly o: PushRegistryOptions) {}

  private lastT = 0;

  /**
   * The time of the next write: the clock, but always after the previous write, since the
   * store refuses a second, different value for a series at the same millisecond (a push and
   * a failure or a tick within one ms would otherwise lose the later one).
   */
  private now(): number {
    const t = Math.max((this.o.now ?? Date.now)(), this.lastT + 1);
    this.lastT = t;
    return t;
  }

  /** Loads the saved groups (a missing or broken file starts empty, logged). */
  async load(): Promise<void> {
    if (this.o.file === undefined) return;
    let text: string;
    try {
      text = await readFile(this.o.file, 'utf8');
    } catch {
      return;
    }
    try {
      for (const g of JSON.parse(text) as SavedGroup[]) {
        this.groups.set(groupId(g.tenant, g.key), {
          tenant: g.tenant,
          key: g.key,
          families: new Map(
            g.families.map(([n, ss]) => [
              n,
              // JSON has no NaN/±Inf: such values were saved as null and are not restored.
              ss
                .filter(([, v]) => typeof v === 'number')
                .map(([l, v]) => ({ labels: Labels.fromObject(l), value: v })),
            ]),
          ),
          metadata: new Map(g.metadata),
          pushTime: g.pushTime,
          failureTime: g.failureTime,
        });
      }
    } catch (err) {
      this.o.logger.error(
        { file: this.o.file, err: errorChain(err) },
        'cannot read pushed groups; starting empty',
      );
    }
  }

  /**
   * Stores a push. `replace`: PUT (the whole group) or POST (only the metric names pushed).
   * Samples carrying a grouping label with another value are refused, as the Pushgateway does.
   */
  async push(
    tenant: TenantId,
    key: [string, string][],
    samples: PushedSample[],
    metadata: Map<string, MetricMetadata>,
    replace: 'group' | 'names',
  ): Promise<void> {
    const t = this.now();
    const byName = new Map<string, { labels: Labels; value: number }[]>();
    const seen = new Set<string>();
    for (const s of samples) {
      const pushed = s.labels.metricName;
      // The gateway's own values win, as the Pushgateway does (it silently replaces them).
      if (pushed === 'push_time_seconds' || pushed === 'push_failure_time_seconds') continue;
      const o = s.labels.toObject();
      for (const [k, v] of key) {
        if (o[k] !== undefined && o[k] !== v)
          throw new PushError(
            `pushed metric ${s.labels.toString()} has label ${k}="${o[k]}", which differs from the grouping key's ${k}="${v}"`,
          );
        o[k] = v;
      }
      const labels = Labels.fromObject(o);
      // The store would refuse the second as "not after" the first; say what is wrong instead.
      const id = labels.toString();
      if (seen.has(id)) throw new PushError(`duplicate series ${id} in the pushed body`);
      seen.add(id);
      const name = labels.metricName;
      let list = byName.get(name);
      if (!list) byName.set(name, (list = []));
      list.push({ labels, value: s.value });
    }
    const id = groupId(tenant, key);
    this.checkTypes(tenant, id, metadata);
    const old = this.groups.get(id);
    const families =
      replace === 'names' && old
        ? new Map(old.families)
        : new Map<string, { labels: Labels; value: number }[]>();
    const gone: Labels[] = [];
    if (old) {
      for (const [name, list] of old.families)
        if (replace === 'group' || byName.has(name)) for (const s of list) gone.push(s.labels);
    }
    for (const [name, list] of byName) families.set(name, list);
    const md = new Map(replace === 'names' && old ? old.metadata : []);
    for (const [n, m] of metadata) md.set(n, m);
    const g: Group = {
      tenant,
      key,
      families,
      metadata: md,
      pushTime: t / 1000,
      failureTime: old?.failureTime ?? 0,
    };
    // Write first: a push the store refuses changes nothing.
    const now = new Set(
      g.families.size === 0 ? [] : [...g.families.values()].flat().map((s) => s.labels.toString()),
    );
    await this.write(
      tenant,
      [g],
      t,
      gone.filter((l) => !now.has(l.toString())),
    );
    this.groups.set(id, g);
    for (const [n, m] of md) this.o.appendable.setMetadata(tenant, n, m);
    this.save();
  }

  /**
   * A push to an existing group was refused (bad body, label clash, refused by the store): as
   * the Pushgateway, the group keeps its metrics and `push_failure_time_seconds` moves to now.
   * Returns false when there is no such group.
   */
  async recordFailure(tenant: TenantId, key: [string, string][]): Promise<boolean> {
    const g = this.groups.get(groupId(tenant, key));
    if (!g) return false;
    const t = this.now();
    g.failureTime = t / 1000;
    await this.write(tenant, [g], t, []).catch((err: unknown) =>
      this.o.logger.warn({ tenant, err: errorChain(err) }, 'cannot write push failure time'),
    );
    this.save();
    return true;
  }

  /**
   * As the Pushgateway: a metric family must have one type across the tenant's groups (a
   * `counter` here and a `gauge` in another group is refused), or queries would mix them.
   */
  private checkTypes(tenant: TenantId, id: string, metadata: Map<string, MetricMetadata>): void {
    for (const [name, m] of metadata) {
      if (m.type === 'unknown') continue;
      for (const g of this.groups.values()) {
        if (g.tenant !== tenant || groupId(g.tenant, g.key) === id) continue;
        const other = g.metadata.get(name)?.type;
        if (other !== undefined && other !== 'unknown' && other !== m.type) {
          const where = g.key.map(([k, v]) => `${k}="${v}"`).join(', ');
          throw new PushError(
            `pushed metrics are inconsistent with existing metrics: ${name} is pushed as a ${m.type} but is a ${other} in group {${where}}`,
          );
        }
      }
    }
  }

  /** Removes a group; its series get stale markers. Returns false when there was none. */
  async delete(tenant: TenantId, key: [string, string][]): Promise<boolean> {
    const id = groupId(tenant, key);
    const g = this.groups.get(id);
    if (!g) return false;
    this.groups.delete(id);
    const labels = [...g.families.values()].flat().map((s) => s.labels);
    labels.push(...this.timeLabels(g).map(([l]) => l));
    await this.write(tenant, [], this.now(), labels);
    this.save();
    return true;
  }

  /** Re-writes every group at time `t` (called every interval). */
  async tick(t = this.now()): Promise<void> {
    const byTenant = new Map<string, Group[]>();
    for (const g of this.groups.values()) {
      let l = byTenant.get(g.tenant);
      if (!l) byTenant.set(g.tenant, (l = []));
      l.push(g);
    }
    for (const [tenant, gs] of byTenant)
      await this.write(tenant as TenantId, gs, t, []).catch((err: unknown) =>
        this.o.logger.warn({ tenant, err: errorChain(err) }, 'cannot re-write pushed metrics'),
      );
  }

  /** Groups of a tenant (for listing). */
  list(tenant: string): { key: [string, string][]; pushTime: number; metrics: number }[] {
    return [...this.groups.values()]
      .filter((g) => g.tenant === tenant)
      .map((g) => ({
        key: g.key,
        pushTime: g.pushTime,
        metrics: [...g.families.values()].flat().length,
      }));
  }

  private timeLabels(g: Group): [Labels, number][] {
    const base = Object.fromEntries(g.key);
    return [
      [Labels.fromObject({ ...base, __name__: 'push_time_seconds' }), g.pushTime],
      [Labels.fromObject({ ...base, __name__: 'push_failure_time_seconds' }), g.failureTime],
    ];
  }

  private async write(tenant: TenantId, gs: Group[], t: number, stale: Labels[]): Promise<void> {
    const app = this.o.appendable.appender(tenant);
    try {
      for (const g of gs) {
        for (const list of g.families.values())
          for (const s of list) app.append(0, s.labels, t, s.value);
        for (const [l, v] of this.timeLabels(g)) app.append(0, l, t, v);
      }
      for (const l of stale) {
        try {
          app.append(0, l, t, staleNaN);
        } catch (err) {
          if (!(err instanceof PermanentAppendError)) throw err;
        }
      }
      await app.commit();
    } catch (err) {
      app.rollback();
      if (err instanceof PermanentAppendError) throw new PushError(err.message, { cause: err });
      throw err;
    }
  }

  /** Saves the groups (serialised; the last state always wins). */
  private save(): void {
    const file = this.o.file;
    if (file === undefined) return;
    const snapshot: SavedGroup[] = [...this.groups.values()].map((g) => ({
      tenant: g.tenant,
      key: g.key,
      families: [...g.families].map(([n, ss]) => [
        n,
        ss.map((s) => [s.labels.toObject(), s.value] as [Record<string, string>, number]),
      ]),
      metadata: [...g.metadata],
      pushTime: g.pushTime,
      failureTime: g.failureTime,
    }));
    this.saving = this.saving.then(async () => {
      try {
        await writeFile(`${file}.tmp`, JSON.stringify(snapshot), { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      } catch (err) {
        this.o.logger.error({ file, err: errorChain(err) }, 'cannot save pushed groups');
      }
    });
  }

  /** Waits for pending saves (tests, shutdown). */
  flush(): Promise<void> {
    return this.saving;
  }
}
