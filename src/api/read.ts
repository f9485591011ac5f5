import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Labels, type Matcher } from '../model/index.js';
import type { Querier, Queryable } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import type { Logger } from '../util/index.js';
import { ApiError } from './errors.js';
import { parseLimit, parseMatches, paramsOf, timeRange, unescapeLabelName } from './params.js';
import { jsonRoute, type Answer } from './respond.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

const TRUNCATED = 'results truncated due to limit';

/** Series (deduplicated, sorted) matching any of the matcher sets, with samples in range. */
export function selectUnion(q: Querier, sets: Matcher[][], start: number, end: number) {
  const all = sets.flatMap((ms) => q.select(ms, { start, end }));
  if (sets.length <= 1) return all;
  all.sort((a, b) => Labels.compare(a.labels, b.labels));
  return all.filter((s, i) => i === 0 || !s.labels.equals(all[i - 1].labels));
}

function limited<T>(items: T[], limit: number): Answer<T[]> {
  if (limit > 0 && items.length > limit)
    return { data: items.slice(0, limit), warnings: [TRUNCATED] };
  return { data: items };
}

function union(lists: string[][]): string[] {
  if (lists.length === 1) return lists[0];
  return [...new Set(lists.flat())].sort();
}

/** The query parameters the metadata routes share (documentation; the handlers parse them). */
export const metadataQuery = z.object({
  'match[]': z
    .array(z.string())
    .optional()
    .describe('Series selectors; repeated. Results are the union.'),
  start: z.string().optional().describe('Unix seconds or RFC3339; default: no lower bound'),
  end: z.string().optional().describe('Unix seconds or RFC3339; default: no upper bound'),
  limit: z.string().optional().describe('Maximum number of results; 0 = no limit'),
});

const READ = { need: 'read', csrf: false } as const;
const TAG = 'Prometheus metadata';

/** `/api/v1/series`, `/api/v1/labels`, `/api/v1/label/:name/values` (GET and POST). */
export function registerReadRoutes(
  app: FastifyInstance,
  table: RouteTable,
  storage: Queryable,
  limits: TenantLimits,
  logger: Logger,
): void {
  // Each read holds one of the tenant's query slots (max_concurrent_queries) while it runs.
  const withQuerier = <T>(
    req: Parameters<typeof tenantOf>[0],
    start: number,
    end: number,
    fn: (q: Querier) => T,
  ): T => {
    const tenant = tenantOf(req);
    const gate = limits.queryGate(tenant);
    gate.acquire();
    try {
      const q = storage.querier(tenant, start, end);
      try {
        return fn(q);
      } finally {
        q.close();
      }
    } finally {
      gate.release();
    }
  };

  const series = jsonRoute(logger, (req) => {
    const p = paramsOf(req);
    const { start, end } = timeRange(p);
    const sets = parseMatches(p, true);
    const limit = parseLimit(p);
    return withQuerier(req, start, end, (q) =>
      limited(
        selectUnion(q, sets, start, end).map((s) => s.labels.toObject()),
        limit,
      ),
    );
  });
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/series',
    access: READ,
    tag: TAG,
    summary: 'Series matching selectors (Prometheus-compatible)',
    query: metadataQuery,
    response: z.array(z.record(z.string(), z.string())),
    statuses: { 429: "the tenant's max_concurrent_queries slots are all taken (refused at once)" },
    handler: series,
  });

  const labels = jsonRoute(logger, (req) => {
    const p = paramsOf(req);
    const { start, end } = timeRange(p);
    const sets = parseMatches(p, false);
    const limit = parseLimit(p);
    return withQuerier(req, start, end, (q) =>
      limited(
        sets.length === 0 ? q.labelNames() : union(sets.map((ms) => q.labelNames(ms))),
        limit,
      ),
    );
  });
  table.add(app, {
    method: ['GET', 'POST'],
    url: '/api/v1/labels',
    access: READ,
    tag: TAG,
    summary: 'Label names (Prometheus-compatible)',
    query: metadataQuery,
    response: z.array(z.string()),
    statuses: { 429: "the tenant's max_concurrent_queries slots are all taken (refused at once)" },
    handler: labels,
  });

  table.add(app, {
    method: 'GET',
    url: '/api/v1/label/:name/values',
    access: READ,
    tag: TAG,
    summary: 'Values of one label (Prometheus-compatible; U__ escaping for UTF-8 names)',
    params: z.object({ name: z.string() }),
    query: metadataQuery,
    response: z.array(z.string()),
    statuses: { 429: "the tenant's max_concurrent_queries slots are all taken (refused at once)" },
    handler: jsonRoute(logger, (req) => {
      const raw = (req.params as { name: string }).name;
      const name = unescapeLabelName(raw);
      if (name === undefined || name === '')
        throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(raw)}`);
      const p = paramsOf(req);
      const { start, end } = timeRange(p);
      const sets = parseMatches(p, false);
      const limit = parseLimit(p);
      return withQuerier(req, start, end, (q) =>
        limited(
          sets.length === 0
            ? q.labelValues(name)
            : union(sets.map((ms) => q.labelValues(name, ms))),
          limit,
        ),
      );
    }),
  });
}
