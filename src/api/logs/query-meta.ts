import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseLogql, printLogql } from '../../logql/index.js';
import type { Labels, Matcher } from '../../model/index.js';
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

/** The Loki release whose API Argus answers like (buildinfo's `version`: clients gate features on it). */
export const LOKI_COMPAT_VERSION = '3.4.0';

const bounds = z.object({
  start: z.string().optional().describe('ns, float seconds or RFC3339; default end - since'),
  end: z.string().optional().describe('default now'),
  since: z.string().optional().describe('default 1h'),
});
const withQuery = bounds.extend({
  query: z.string().optional().describe('Stream selector limiting the answer, e.g. {app="api"}'),
});

/** The optional `query` selector of a metadata route (undefined: every stream). */
function optionalSelector(p: URLSearchParams): Matcher[] | undefined {
  const q = optional(p, 'query');
  return q === undefined ? undefined : selectorOf(q, 'query');
}

const status = (data: unknown): { value: unknown } => ({ value: { status: 'success', data } });

/** Label metadata, series, index stats, query formatting and build info (Loki-compatible). */
export function registerLogMetaRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: LogQueryDeps,
): void {
  const querier = (req: Parameters<typeof tenantOf>[0]) =>
    deps.logs.queryable.logQuerier(tenantOf(req));

  const labels = lokiRoute(deps, async (req, p) => {
    const { start, end } = parseBounds(p, Date.now());
    const names = await querier(req).labelNames(start, end, optionalSelector(p));
    return status(names);
  });
  for (const url of ['/loki/api/v1/labels', '/loki/api/v1/label'])
    table.add(app, {
      method: ['GET', 'POST'],
      url,
      access: READ,
      tag: TAG,
      summary: url.endsWith('labels') ? 'Label names of log streams' : 'Label names (legacy path)',
      query: withQuery,
      response: z.array(z.string()),
      textErrors: true,
      statuses: TEXT_ERRORS,
      handler: labels,
    });

  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/label/:name/values',
    access: READ,
    tag: TAG,
    summary: 'Values of one label of log streams',
    params: z.object({ name: z.string() }),
    query: withQuery,
    response: z.array(z.string()),
    textErrors: true,
    statuses: TEXT_ERRORS,
    handler: lokiRoute(deps, async (req, p) => {
      const { name } = req.params as { name: string };
      const { start, end } = parseBounds(p, Date.now());
      return status(await querier(req).labelValues(name, start, end, optionalSelector(p)));
    }),
  });

  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/series',
    access: READ,
    tag: TAG,
    summary: 'Label sets of log streams matching selectors',
    query: bounds.extend({
      'match[]': z.string().optional().describe('Stream selector; repeatable (union)'),
    }),
    response: z.array(z.record(z.string(), z.string())),
    textErrors: true,
    statuses: TEXT_ERRORS,
    handler: lokiRoute(deps, async (req, p) => {
      const { start, end } = parseBounds(p, Date.now());
      const raw = [...p.getAll('match[]'), ...p.getAll('match')].filter((s) => s !== '');
      const q = querier(req);
      const sets = raw.length === 0 ? [[]] : raw.map((s) => selectorOf(s, 'match[]'));
      const seen = new Set<string>();
      const out: Record<string, string>[] = [];
      for (const ms of sets)
        for (const l of await q.series(start, end, ms)) {
          const key = JSON.stringify(l.toObject());
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(l.toObject());
        }
      return status(out);
    }),
  });

  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/index/stats',
    access: READ,
    tag: TAG,
    summary: 'Streams, chunks, entries and bytes a selector covers (from the index)',
    query: withQuery.extend({ query: z.string() }),
    response: z.object({
      streams: z.number(),
      chunks: z.number(),
      entries: z.number(),
      bytes: z.number(),
    }),
    textErrors: true,
    statuses: TEXT_ERRORS,
    handler: lokiRoute(deps, async (req, p) => {
      const matchers = selectorOf(requiredQuery(p), 'query');
      const { start, end } = parseBounds(p, Date.now());
      const s = await querier(req).indexStats(start, end, matchers);
      // Loki answers this route without the status envelope.
      return {
        value: { streams: s.streams, chunks: s.chunks, entries: s.entries, bytes: s.bytes },
      };
    }),
  });

  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/detected_labels',
    access: READ,
    tag: TAG,
    summary: 'Stream labels with their cardinality (Grafana Logs Drilldown)',
    query: withQuery,
    response: {
      contentType: 'application/json',
      description: '{"detectedLabels":[{"label":"app","cardinality":3}]}',
    },
    textErrors: true,
    statuses: TEXT_ERRORS,
    handler: lokiRoute(deps, async (req, p) => {
      const { start, end } = parseBounds(p, Date.now());
      const series = await querier(req).series(start, end, optionalSelector(p) ?? []);
      return { value: { detectedLabels: cardinalities(series) } };
    }),
  });

  table.add(app, {
    method: ['GET', 'POST'],
    url: '/loki/api/v1/format_query',
    access: READ,
    tag: TAG,
    summary: 'A LogQL query pretty-printed (Loki-compatible)',
    query: z.object({ query: z.string() }),
    response: z.string(),
    textErrors: true,
    statuses: { 400: TEXT_ERRORS[400] },
    handler: lokiRoute(deps, async (_req, p) => status(printLogql(parseLogql(requiredQuery(p))))),
  });

  table.add(app, {
    method: 'GET',
    url: '/loki/api/v1/status/buildinfo',
    access: { need: 'authenticated' },
    tag: TAG,
    summary: 'Build information in Loki’s shape (version = the Loki API level Argus matches)',
    response: {
      contentType: 'application/json',
      description: '{"version":"3.4.0","revision":"argus-<version>","branch":"",…}',
    },
    handler: lokiRoute(deps, () =>
      Promise.resolve({
        value: {
          version: LOKI_COMPAT_VERSION,
          revision: `argus-${deps.version}`,
          branch: '',
          buildUser: 'argus',
          buildDate: '',
          goVersion: '',
        },
      }),
    ),
  });
}

/** Labels of `series` with how many distinct values each has, by name (Loki omits none). */
function cardinalities(series: readonly Labels[]): { label: string; cardinality: number }[] {
  const values = new Map<string, Set<string>>();
  for (const l of series)
    for (const [n, v] of Object.entries(l.toObject())) {
      let set = values.get(n);
      if (set === undefined) values.set(n, (set = new Set()));
      set.add(v);
    }
  return [...values.keys()]
    .sort()
    .map((label) => ({ label, cardinality: values.get(label)!.size }));
}
