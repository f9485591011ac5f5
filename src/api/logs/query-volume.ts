import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Matcher } from '../../model/index.js';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import { optional, parseBounds, requiredQuery } from './params.js';
import {
  lokiRoute,
  READ,
  selectorOf,
  TAG,
  TEXT_ERRORS,
  type LogQueryDeps,
} from './query-common.js';

/** Streams one volume query may weigh (each is one index lookup). */
export const MAX_VOLUME_STREAMS = 2000;
const DEFAULT_VOLUME_LIMIT = 100;

/**
 * `/loki/api/v1/index/volume` (Grafana Logs Drilldown): bytes stored per group of streams in
 * `[start, end)`, from the index (no chunk reads), as a Loki vector at `end`. Groups: the
 * `targetLabels` (comma-separated), else the label names of the selector's matchers
 * (`aggregateBy=series`, the default); `aggregateBy=labels` gives one total per label name.
 * Largest first, at most `limit` (default 100).
 */
export function registerVolumeRoute(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogQueryDeps,
): void {
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/index/volume',
    access: READ,
    tag: TAG,
    summary: 'Bytes stored per group of streams (index only; Grafana Logs Drilldown)',
    query: z.object({
      query: z.string().describe('Stream selector'),
      start: z.string().optional(),
      end: z.string().optional(),
      since: z.string().optional(),
      limit: z.string().optional().describe('Groups returned, largest first (default 100)'),
      targetLabels: z.string().optional().describe('Comma-separated label names to group by'),
      aggregateBy: z.enum(['series', 'labels']).optional(),
    }),
    response: z.object({ resultType: z.literal('vector'), result: z.unknown() }),
    textErrors: true,
    statuses: TEXT_ERRORS,
    handler: lokiRoute(deps, async (req, p) => {
      const matchers = selectorOf(requiredQuery(p), 'query');
      const { start, end } = parseBounds(p, Date.now());
      const limitRaw = optional(p, 'limit');
      const limit = limitRaw === undefined ? DEFAULT_VOLUME_LIMIT : Number(limitRaw);
      if (!Number.isSafeInteger(limit) || limit <= 0)
        throw new ApiError('bad_data', 'limit must be a positive value');
      const by = optional(p, 'aggregateBy') ?? 'series';
      if (by !== 'series' && by !== 'labels')
        throw new ApiError('bad_data', `invalid aggregateBy '${by}': want series or labels`);
      const target = (optional(p, 'targetLabels') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const groupBy = target.length > 0 ? target : [...new Set(matchers.map((m) => m.name))];
      const q = deps.logs.queryable.logQuerier(tenantOf(req));
      const series = await q.series(start, end, matchers);
      if (series.length > MAX_VOLUME_STREAMS)
        throw new ApiError(
          'bad_data',
          `too many streams for a volume query (${series.length} > ${MAX_VOLUME_STREAMS}): narrow the selector`,
        );
      // One index lookup per group, with the group's labels pinned ('' = absent): the groups
      // partition the streams, so nothing is counted twice.
      const groups = new Map<string, { labels: Record<string, string>; pin: Matcher[] }>();
      for (const l of series) {
        const all = l.toObject();
        const names = by === 'labels' ? Object.keys(all) : [groupBy];
        for (const n of names) {
          const labels: Record<string, string> = {};
          let pin: Matcher[];
          if (typeof n === 'string') {
            labels[n] = '';
            pin = [new Matcher('=~', n, '.+')];
          } else {
            for (const name of n) if (all[name] !== undefined) labels[name] = all[name];
            if (Object.keys(labels).length === 0) continue;
            pin = n.map((name) => new Matcher('=', name, all[name] ?? ''));
          }
          const key = JSON.stringify(labels);
          if (!groups.has(key)) groups.set(key, { labels, pin });
        }
      }
      const totals: { labels: Record<string, string>; bytes: number }[] = [];
      for (const g of groups.values()) {
        const { bytes } = await q.indexStats(start, end, [...matchers, ...g.pin]);
        totals.push({ labels: g.labels, bytes });
      }
      // Built by hand: `aggregateBy=labels` answers `{"app":""}`, which Labels would drop.
      const t = String(Number(end / 1_000_000n) / 1000);
      const result = totals
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, limit)
        .map((g) => `{"metric":${JSON.stringify(g.labels)},"value":[${t},"${g.bytes}"]}`)
        .join(',');
      return { json: `{"status":"success","data":{"resultType":"vector","result":[${result}]}}` };
    }),
  });
}
