import { Labels, type Matcher } from '../../model/index.js';
import type { RawRoute } from '../config/schema.js';
import { compareMatchers, formatMatchers, goQuote } from '../matchers/format.js';

/** Alertmanager's defaults for the root route (dispatch.DefaultRouteOpts). */
export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;

/** A route's effective options: its own settings, else its parent's (time intervals excepted). */
export interface RouteOpts {
  readonly receiver: string;
  /** Labels to group by; ignored when `groupByAll`. */
  readonly groupBy: ReadonlySet<string>;
  /** `group_by: ['...']`: every label groups (no aggregation). */
  readonly groupByAll: boolean;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  /** Not inherited (as in Alertmanager): each route names its own. */
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  /** Argus: the escalation policy (inherited). */
  readonly escalationPolicy?: string;
  /** Argus: where alerts go when the receiver cannot take them (own, else parent's, else root's receiver). */
  readonly fallbackReceiver: string;
  /** Route labels (templates), merged over the parent's. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A node of the routing tree (Alertmanager's dispatch.Route). Immutable after build. */
export class Route {
  readonly routes: Route[] = [];
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly opts: RouteOpts;
  #key: string | undefined;
  #uniqueKey: string | undefined;

  constructor(
    cfg: RawRoute,
    readonly parent: Route | undefined,
    /** Position among the parent's children (0 for the root). */
    readonly index: number,
  ) {
    const p = parent?.opts;
    const all = cfg.group_by?.includes('...') ?? false;
    const receiver = cfg.receiver || p?.receiver || '';
    this.opts = {
      receiver,
      groupBy: cfg.group_by ? new Set(all ? [] : cfg.group_by) : (p?.groupBy ?? new Set()),
      groupByAll: cfg.group_by ? all : (p?.groupByAll ?? false),
      groupWaitMs: cfg.group_wait ?? p?.groupWaitMs ?? DEFAULT_GROUP_WAIT_MS,
      groupIntervalMs: cfg.group_interval ?? p?.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS,
      repeatIntervalMs: cfg.repeat_interval ?? p?.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS,
      muteTimeIntervals: cfg.mute_time_intervals ?? [],
      activeTimeIntervals: cfg.active_time_intervals ?? [],
      escalationPolicy: cfg.escalation_policy ?? p?.escalationPolicy,
      fallbackReceiver: cfg.fallback_receiver ?? p?.fallbackReceiver ?? receiver,
      labels: { ...p?.labels, ...cfg.labels },
    };
    // Sorted so that the key does not depend on how the YAML listed them.
    this.matchers = [...(cfg.match ?? []), ...(cfg.match_re ?? []), ...(cfg.matchers ?? [])].sort(
      compareMatchers,
    );
    this.continue = cfg.continue;
    (cfg.routes ?? []).forEach((c, i) => this.routes.push(new Route(c, this, i)));
  }

  /** Whether every matcher of this route (not its parents) accepts `labels`. */
  matchesOwn(labels: Labels): boolean {
    return this.matchers.every((m) => m.matches(labels.get(m.name)));
  }

  /**
   * The routes `labels` ends up in: depth-first, the first matching child wins unless it has
   * `continue: true`; a matching route without matching children is itself the result.
   * Empty when this route does not match.
   */
  match(labels: Labels): Route[] {
    if (!this.matchesOwn(labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const got = child.match(labels);
      all.push(...got);
      if (got.length > 0 && !child.continue) break;
    }
    if (all.length === 0) all.push(this);
    return all;
  }

  /** Alertmanager's route key: the matchers of the path from the root, `{}/{a="b"}`. */
  key(): string {
    this.#key ??= (this.parent ? `${this.parent.key()}/` : '') + formatMatchers(this.matchers);
    return this.#key;
  }

  /**
   * The key, made unique where it is not: a route whose siblings share its matchers gets its
   * position appended (and its subtree inherits the difference). Equal to `key()` otherwise, so
   * group keys keep Alertmanager's form. Alertmanager keeps such siblings' groups apart by route
   * object; Argus files groups by this string.
   */
  uniqueKey(): string {
    if (this.#uniqueKey !== undefined) return this.#uniqueKey;
    if (!this.parent) return (this.#uniqueKey = this.key());
    const own = formatMatchers(this.matchers);
    const shared = this.parent.routes.some((r) => r !== this && formatMatchers(r.matchers) === own);
    this.#uniqueKey = `${this.parent.uniqueKey()}/${own}${shared ? `/${this.index}` : ''}`;
    return this.#uniqueKey;
  }

  /** Unique even among siblings with the same matchers: the key plus the position. */
  id(): string {
    return this.parent ? `${this.key()}/${this.index}` : this.key();
  }

  /** Every route of the subtree, depth-first (this one first). */
  *walk(): Generator<Route> {
    yield this;
    for (const c of this.routes) yield* c.walk();
  }
}

/** Builds the routing tree from `config.route`. */
export function buildRouteTree(cfg: RawRoute): Route {
  return new Route(cfg, undefined, 0);
}

/** The labels an alert is grouped by on `route` (all of them with `group_by: ['...']`). */
export function groupLabels(route: Route, labels: Labels): Labels {
  if (route.opts.groupByAll) return labels;
  const o: Record<string, string> = {};
  for (const name of route.opts.groupBy) if (labels.has(name)) o[name] = labels.get(name);
  return Labels.fromObject(o);
}

/**
 * The aggregation group's key as Alertmanager forms it: `<route key>:<group labels>`, the
 * labels sorted and printed `{a="x", b="y"}` (Go quoting). Sibling routes with the same
 * matchers (a `continue` pair) get their position in the key (`uniqueKey`), so each keeps its
 * own group and receiver.
 */
export function groupKey(route: Route, labels: Labels): string {
  const g = groupLabels(route, labels);
  const parts: string[] = [];
  for (let i = 0; i < g.size; i++) parts.push(`${g.name(i)}=${goQuote(g.value(i))}`);
  return `${route.uniqueKey()}:{${parts.join(', ')}}`;
}
