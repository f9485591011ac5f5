import { formatDuration } from '../config/index.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TargetStatus } from '../scrape/index.js';
import type { Matcher } from '../model/index.js';
import type { Logger } from '../util/index.js';
import { ApiError, badParam } from './errors.js';
import { paramsOf } from './params.js';
import { parseSeriesSelector, SelectorParseError } from './selector.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

/** What the targets route reads (the scrape manager). */
export interface TargetsSource {
  activeTargets(tenant?: string): TargetStatus[];
  droppedTargets(
    tenant?: string,
  ): { scrapePool: string; discoveredLabels: Record<string, string> }[];
}

const STATES = ['active', 'dropped', 'any'] as const;

function iso(ms: number): string {
  // Prometheus shows the zero time for a target never scraped.
  return ms === 0 ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString();
}

/** `GET /api/v1/targets` (Prometheus-compatible): the credential's tenant's scrape targets. */
export function registerTargetsRoute(
  app: FastifyInstance,
  table: RouteTable,
  source: TargetsSource,
  logger: Logger,
): void {
  table.add(app, {
    method: 'GET',
    url: '/api/v1/targets',
    access: { need: 'read' },
    tag: 'Scraping',
    summary:
      'Scrape targets with health, last scrape, duration and last error (Prometheus-compatible)',
    query: z.object({
      state: z.enum(STATES).optional().describe('active, dropped or any (default)'),
      scrapePool: z.string().optional().describe('Only this job'),
    }),
    response: z.object({
      activeTargets: z.array(z.record(z.string(), z.unknown())),
      droppedTargets: z.array(z.record(z.string(), z.unknown())),
    }),
    handler: jsonRoute(logger, (req) => {
      const p = paramsOf(req);
      const state = p.get('state') ?? 'any';
      if (!(STATES as readonly string[]).includes(state))
        throw new ApiError(
          'bad_data',
          `invalid parameter "state": want active, dropped or any, got ${JSON.stringify(state)}`,
        );
      const pool = p.get('scrapePool');
      const tenant = tenantOf(req);
      const inPool = (x: { scrapePool: string }) => pool === null || x.scrapePool === pool;
      const active =
        state === 'dropped'
          ? []
          : source
              .activeTargets(tenant)
              .filter(inPool)
              .map((t) => ({
                discoveredLabels: t.discoveredLabels,
                labels: t.labels,
                scrapePool: t.scrapePool,
                scrapeUrl: t.scrapeUrl,
                globalUrl: t.scrapeUrl,
                lastError: t.lastError,
                lastScrape: iso(t.lastScrapeMs),
                lastScrapeDuration: t.lastScrapeDurationMs / 1000,
                health: t.health,
                scrapeInterval: formatDuration(t.scrapeIntervalMs),
                scrapeTimeout: formatDuration(t.scrapeTimeoutMs),
              }));
      const dropped =
        state === 'active'
          ? []
          : source
              .droppedTargets(tenant)
              .filter(inPool)
              .map((d) => ({ discoveredLabels: d.discoveredLabels }));
      return { data: { activeTargets: active, droppedTargets: dropped } };
    }),
  });

  table.add(app, {
    method: 'GET',
    url: '/api/v1/targets/metadata',
    access: { need: 'read' },
    tag: 'Scraping',
    summary:
      'TYPE/HELP/UNIT per scrape target, from its last successful scrape (Prometheus-compatible)',
    query: z.object({
      match_target: z
        .string()
        .optional()
        .describe('Label selector on target labels, e.g. {job="node"}; default all targets'),
      metric: z.string().optional().describe('Only this metric family (then `metric` is omitted)'),
      limit: z
        .string()
        .optional()
        .describe('Stop adding targets once this many entries are listed; negative = no limit'),
    }),
    response: z.array(z.record(z.string(), z.unknown())),
    handler: jsonRoute(logger, (req) => {
      const p = paramsOf(req);
      // As Prometheus: an integer, negative (or absent) = no limit, checked per target.
      const ls = p.get('limit') ?? '';
      if (ls !== '' && !/^-?\d+$/.test(ls))
        throw badParam('limit', `limit must be a number, got ${JSON.stringify(ls)}`);
      const limit = ls === '' ? -1 : Number(ls);
      const metric = p.get('metric') ?? '';
      const sel = p.get('match_target') ?? '';
      let matchers: Matcher[] = [];
      if (sel !== '') {
        try {
          matchers = parseSeriesSelector(sel);
        } catch (err) {
          if (err instanceof SelectorParseError)
            throw badParam('match_target', `${JSON.stringify(sel)}: ${err.message}`, err);
          throw err;
        }
      }
      const out: Record<string, unknown>[] = [];
      for (const t of source.activeTargets(tenantOf(req))) {
        if (limit >= 0 && out.length >= limit) break;
        if (!matchers.every((m) => m.matches(t.labels[m.name] ?? ''))) continue;
        if (metric === '') {
          for (const [name, md] of t.metadata)
            out.push({
              target: t.labels,
              metric: name,
              type: md.type,
              help: md.help,
              unit: md.unit,
            });
        } else {
          const md = t.metadata.get(metric);
          if (md) out.push({ target: t.labels, type: md.type, help: md.help, unit: md.unit });
        }
      }
      return { data: out };
    }),
  });
}
