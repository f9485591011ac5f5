import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AckTokenPayload } from '../../alerting/index.js';
import { actorOf } from '../../auth/index.js';
import { tenantId } from '../../model/index.js';
import { errorChain, type Logger } from '../../util/index.js';
import { parseBody, principalOf } from '../access-body.js';
import { param, P } from '../access-views.js';
import { ApiError } from '../errors.js';
import { formBodyParser } from '../form.js';
import { jsonRoute } from '../respond.js';
import type { RouteTable } from '../route-table.js';
import { tenantOf } from '../tenant.js';
import { TAG } from './alerts.js';
import { ackPage, type AckPage } from './ack-page.js';
import { mapped } from './respond.js';
import type { AlertingApiSource } from './source.js';

/** The actor of acks made through a signed link (the token is the credential). */
export const ACK_LINK_ACTOR = 'ack-link';

const ackBody = z.strictObject({
  fingerprints: z.array(z.string().max(64)).max(10_000).optional(),
  groupKey: z.string().max(4096).optional(),
  comment: z.string().max(1024).optional(),
});
type AckBody = z.output<typeof ackBody>;

function target(b: AckBody): { fingerprints: string[] } | { groupKey: string } {
  if ((b.fingerprints === undefined) === (b.groupKey === undefined))
    throw new ApiError(
      'bad_data',
      'invalid request body: want exactly one of "fingerprints" and "groupKey"',
    );
  return b.groupKey !== undefined ? { groupKey: b.groupKey } : { fingerprints: b.fingerprints! };
}

type Verified = { ok: true; p: AckTokenPayload } | { ok: false; status: number; why: string };

/** Checks a link's token; an expired one (valid signature) is 410, anything else 400. */
function verify(source: AlertingApiSource, token: string): Verified {
  try {
    return { ok: true, p: source.signer.verifyAckToken(token, Date.now()) };
  } catch (err) {
    let expired = false;
    try {
      source.signer.verifyAckToken(token, -Infinity);
      expired = true;
    } catch {
      // not just expired: malformed or altered
    }
    return { ok: false, status: expired ? 410 : 400, why: (err as Error).message };
  }
}

/** Acknowledgements: by API (fingerprints or a group), and by a signed one-click link. */
export function registerAckRoutes(
  app: FastifyInstance,
  table: RouteTable,
  source: AlertingApiSource,
  logger: Logger,
): void {
  for (const verb of ['ack', 'unack'] as const) {
    table.add(app, {
      method: 'POST',
      url: `${P}/alerts/${verb}`,
      access: { need: 'edit' },
      tag: TAG,
      summary:
        verb === 'ack'
          ? 'Acknowledge firing alerts (by fingerprints or a whole group): stops repeats and escalation for this firing episode'
          : 'Withdraw acknowledgements',
      body: ackBody,
      response: z.object({ fingerprints: z.array(z.string()).describe('The alerts changed') }),
      handler: jsonRoute(
        logger,
        mapped(async (req) => {
          const b = parseBody(ackBody, req.body);
          const t = target(b);
          const by = actorOf(principalOf(req));
          const d = source.dispatcherFor(tenantOf(req));
          const fps =
            d === undefined
              ? []
              : verb === 'ack'
                ? await d.ack(t, by, b.comment ?? '')
                : await d.unack(t, by);
          return { data: { fingerprints: fps } };
        }),
      ),
    });
  }

  // The link's page and its form post take form bodies (the page's button).
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      formBodyParser,
    );
    const page = (reply: FastifyReply, status: number, p: AckPage) =>
      reply
        .code(status)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(ackPage(p));
    const describe = (p: AckTokenPayload) => {
      const t = tenantId(p.tenant);
      return p.fingerprints.map((fp) => {
        const s = source.provider.get(t, fp);
        return { fingerprint: fp, alertname: s?.alert.labels.get('alertname') ?? '' };
      });
    };
    table.add(scope, {
      method: ['GET', 'POST'],
      url: `${P}/alerts/ack-link/:token`,
      access: { need: 'public', csrf: false },
      tag: TAG,
      summary:
        'One-click acknowledgement link from a notification: GET shows what it acknowledges with a button, POST acknowledges',
      description:
        'The signed token is the credential (valid 7 days). A GET never acknowledges (mail scanners prefetch links). Bad token: 400; expired: 410.',
      params: z.object({ token: z.string() }),
      response: { contentType: 'text/html', description: 'A small HTML page' },
      statuses: { 410: 'The link expired' },
      handler: async (req, reply) => {
        const v = verify(source, param(req, 'token'));
        if (!v.ok) return page(reply, v.status, { kind: 'error', why: v.why });
        const alerts = describe(v.p);
        if (req.method === 'GET')
          return page(reply, 200, { kind: 'confirm', payload: v.p, alerts });
        const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams();
        const comment = (form.get('comment') ?? '').slice(0, 1024);
        const d = source.dispatcherFor(tenantId(v.p.tenant));
        try {
          const done = d
            ? await d.ack({ fingerprints: v.p.fingerprints }, ACK_LINK_ACTOR, comment)
            : [];
          return page(reply, 200, { kind: 'done', payload: v.p, alerts, acked: done });
        } catch (err) {
          logger.error({ err: errorChain(err), url: req.routeOptions.url }, 'cannot acknowledge');
          return page(reply, 500, { kind: 'error', why: 'internal error: could not acknowledge' });
        }
      },
    });
    done();
  });
}
