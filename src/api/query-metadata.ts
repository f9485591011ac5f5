import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MetadataStore } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import { badParam } from './errors.js';
import { paramsOf } from './params.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

function count(p: URLSearchParams, name: string): number {
  const s = p.get(name);
  if (s === null || s === '') return -1;
  if (!/^-?\d+$/.test(s)) throw badParam(name, `want an integer, got ${JSON.stringify(s)}`);
  return Number(s);
}

const entry = z.object({ type: z.string(), help: z.string(), unit: z.string() });

/**
 * `/api/v1/metadata` (Prometheus-compatible): TYPE/HELP/UNIT per metric name, as Grafana's
 * query editor reads them. Argus keeps one entry per name (the last seen), so
 * `limit_per_metric` never cuts anything.
 */
export function registerMetadataRoute(
  app: FastifyInstance,
  table: RouteTable,
  store: MetadataStore,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: '/api/v1/metadata',
    access: { need: 'read' },
    tag: 'Prometheus metadata',
    summary: 'Metric metadata (TYPE, HELP, UNIT) by metric name',
    query: z.object({
      metric: z.string().optional().describe('Only this metric'),
      limit: z.string().optional().describe('Most metrics returned; negative or absent: all'),
      limit_per_metric: z.string().optional().describe('Accepted; each metric has one entry'),
    }),
    response: z.record(z.string(), z.array(entry)),
    handler: jsonRoute(logger, (req) => {
      const p = paramsOf(req);
      const limit = count(p, 'limit');
      const perMetric = count(p, 'limit_per_metric');
      const metric = p.get('metric');
      const all = store.getMetadata(
        tenantOf(req),
        metric === null || metric === '' ? undefined : metric,
      );
      const data: Record<string, z.infer<typeof entry>[]> = {};
      let n = 0;
      for (const name of [...all.keys()].sort()) {
        if (limit >= 0 && n >= limit) break;
        const md = all.get(name)!;
        data[name] = perMetric === 0 ? [] : [{ type: md.type, help: md.help, unit: md.unit }];
        n++;
      }
      return { data };
    }),
  });
}
