import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_TENANT, InvalidTenantError, tenantId } from '../../model/index.js';
import { errorChain, type Logger } from '../../util/index.js';
import { P } from '../access-views.js';
import { ApiError } from '../errors.js';
import { jsonRoute } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import { TAG } from './respond.js';
import { publicStatusView } from './schemas.js';
import type { HealthApiSource, PublicStatusView } from './source.js';
import { noStatusPageHtml, STATUS_PAGE_CSP, statusPageHtml } from './status-html.js';
import { z } from 'zod';

/** Public: anyone may cache it briefly (it shows only what was made public). */
export const STATUS_CACHE_CONTROL = 'public, max-age=5';

/** The tenant of a status URL; undefined when the segment is no valid tenant id. */
function tenantParam(req: FastifyRequest): string | undefined {
  const t = (req.params as { tenant?: string }).tenant;
  if (t === undefined) return DEFAULT_TENANT;
  try {
    return tenantId(t);
  } catch (err) {
    if (err instanceof InvalidTenantError) return undefined;
    throw err;
  }
}

async function viewOf(
  source: HealthApiSource,
  req: FastifyRequest,
): Promise<PublicStatusView | undefined> {
  const tenant = tenantParam(req);
  return tenant === undefined ? undefined : source.statusPage(tenant);
}

/**
 * The public status page (`/status`: the default tenant; `/status/<tenant>`) as HTML without
 * any script, and its data as JSON. Only services marked public appear; no credentials.
 */
export function registerStatusPageRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: HealthApiSource,
  logger: Logger,
): void {
  const html = async (req: FastifyRequest, reply: FastifyReply) => {
    void reply
      .header('content-security-policy', STATUS_PAGE_CSP)
      .header('cache-control', STATUS_CACHE_CONTROL)
      .type('text/html; charset=utf-8');
    let view: PublicStatusView | undefined;
    try {
      view = await viewOf(source, req);
    } catch (err) {
      logger.error({ err: errorChain(err), url: req.url }, 'cannot render the status page');
      return reply.code(500).header('cache-control', 'no-store').send(noStatusPageHtml());
    }
    if (view === undefined) return reply.code(404).send(noStatusPageHtml());
    return reply.send(statusPageHtml(view, Date.now()));
  };
  for (const url of ['/status', '/status/:tenant']) {
    table.add(app, {
      method: 'GET',
      url,
      access: { need: 'public' },
      tag: TAG,
      summary:
        url === '/status'
          ? 'Public status page of the default tenant (HTML, no JavaScript)'
          : 'Public status page of a tenant (HTML, no JavaScript)',
      description:
        'Shows only services marked `public`: status, 90 daily uptime bars, outages, maintenance. 404 when the tenant has no public service.',
      ...(url.includes(':') ? { params: z.object({ tenant: z.string() }) } : {}),
      response: { contentType: 'text/html', description: 'The status page' },
      statuses: { 404: 'No public services' },
      handler: html,
    });
  }
  for (const url of [`${P}/status-page`, `${P}/status-page/:tenant`]) {
    table.add(app, {
      method: 'GET',
      url,
      access: { need: 'public' },
      tag: TAG,
      summary: url.endsWith(':tenant')
        ? "A tenant's public status page as JSON"
        : "The default tenant's public status page as JSON",
      ...(url.includes(':') ? { params: z.object({ tenant: z.string() }) } : {}),
      response: publicStatusView,
      statuses: { 404: 'No public services' },
      handler: jsonRoute(logger, async (req, reply) => {
        const view = await viewOf(source, req);
        if (view === undefined)
          throw new ApiError(
            'not_found',
            'no public status page: the tenant has no public service',
          );
        void reply.header('cache-control', STATUS_CACHE_CONTROL);
        return { data: view };
      }),
    });
  }
}
