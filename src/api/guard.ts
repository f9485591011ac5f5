import { isIP, type BlockList } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cidrBlockList, type AuthConfig, type Principal } from '../auth/index.js';
import { DEFAULT_TENANT } from '../model/index.js';
import { errorChain, type Logger } from '../util/index.js';
import { ApiError, toApiError } from './errors.js';
import { accessOf, type RouteAccess } from './route-table.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is making the request; set by the access hook on every non-public route. */
    principal?: Principal;
  }
}

/** Turns credentials into principals (implemented by `auth.Authenticator`). */
export interface CredentialResolver {
  bearer(token: string): Promise<Principal | undefined>;
  basic(
    username: string,
    secret: string,
    ctx?: { address?: string },
  ): Promise<Principal | undefined>;
  session(cookie: string): Promise<Principal | undefined>;
  /** The same principal acting in another tenant; throws unless it may act across tenants. */
  forTenant(p: Principal, tenant: string): Promise<Principal>;
}

/** What the config opens to requests without credentials (`auth.open`). */
export type OpenAccess = AuthConfig['open'];

export const SESSION_COOKIE = 'argus_session';
const TENANT_HEADER = 'x-scope-orgid';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie from a Cookie header (no dependency for ten lines). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Parsed `auth.open.ingest` entries, cached per config object (replaced on reload). */
const openIngestCache = new WeakMap<OpenAccess, { list: BlockList; tenant: string }[]>();

function openIngestLists(open: OpenAccess): { list: BlockList; tenant: string }[] {
  let lists = openIngestCache.get(open);
  if (lists) return lists;
  lists = open.ingest.map((e) => ({ list: cidrBlockList(e.cidrs), tenant: e.tenant }));
  openIngestCache.set(open, lists);
  return lists;
}

/** The tenant config opens ingestion from `ip` to, if any. */
export function openIngestTenant(open: OpenAccess, ip: string): string | undefined {
  const v = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const type = isIP(v) === 6 ? 'ipv6' : 'ipv4';
  for (const e of openIngestLists(open)) if (e.list.check(v, type)) return e.tenant;
  return undefined;
}

function openPrincipal(tenant: string): Principal {
  return {
    kind: 'open',
    username: 'open',
    tenant,
    permissions: new Set(['ingest']),
    systemAdmin: false,
    crossTenant: false,
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads the request's credential (Authorization header, else session cookie). */
async function authenticate(
  req: FastifyRequest,
  auth: CredentialResolver,
): Promise<Principal | undefined | 'invalid'> {
  const h = req.headers.authorization;
  if (h !== undefined && h !== '') {
    const sp = h.indexOf(' ');
    const scheme = (sp < 0 ? h : h.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : h.slice(sp + 1).trim();
    if (scheme === 'bearer' && rest !== '') return (await auth.bearer(rest)) ?? 'invalid';
    if (scheme === 'basic' && rest !== '') {
      const dec = Buffer.from(rest, 'base64').toString('utf8');
      const colon = dec.indexOf(':');
      if (colon < 0) return 'invalid';
      return (
        (await auth.basic(dec.slice(0, colon), dec.slice(colon + 1), { address: req.ip })) ??
        'invalid'
      );
    }
    if ((scheme === 'basic' || scheme === 'bearer') && rest === '')
      throw new ApiError('unauthorized', `Authorization: ${scheme} carries no credentials`);
    throw new ApiError(
      'unauthorized',
      `unsupported Authorization scheme ${JSON.stringify(scheme)}: use Bearer <token> or Basic`,
    );
  }
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (cookie !== undefined && cookie !== '') return (await auth.session(cookie)) ?? 'invalid';
  return undefined;
}

function allowed(p: Principal, access: RouteAccess): boolean {
  const need = access.need;
  if (need === 'public' || need === 'authenticated') return true;
  if (need === 'system') return p.systemAdmin;
  if (need === 'system-read') return p.systemAdmin || p.systemReader === true;
  return p.permissions.has(need);
}

function describeNeed(access: RouteAccess, tenant: string): string {
  if (access.need === 'system') return 'a system administrator';
  if (access.need === 'system-read') return "a system administrator's credential with read";
  return `permission "${access.need}" in tenant "${tenant}"`;
}

/**
 * Whether a browser sent the request from another site: `Sec-Fetch-Site: cross-site`, or (older
 * browsers) an `Origin` other than this server's own, `null` included. Non-browser clients send
 * neither.
 */
function crossSite(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'cross-site';
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  return origin !== `${req.protocol}://${req.host}`;
}

/** Sends an error envelope; 401s say how to authenticate. */
function refuse(reply: FastifyReply, err: ApiError): FastifyReply {
  // Bearer, not Basic: a Basic challenge makes browsers prompt and then send the password with
  // every request, cross-site ones included (an ambient credential). API clients send Basic
  // preemptively and need no challenge.
  if (err.status === 401) void reply.header('www-authenticate', 'Bearer realm="argus"');
  if (err.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  return reply
    .code(err.status)
    .header('cache-control', 'no-store')
    .send({ status: 'error', errorType: err.errorType, error: err.message });
}

/**
 * The access hook: every request to a declared route is authenticated and authorized here,
 * before its body is read. Routes without a declaration are refused (fail closed), so a route a
 * later issue forgets to declare is never open.
 */
export function installAccessHook(
  app: FastifyInstance,
  auth: CredentialResolver,
  open: () => OpenAccess,
  logger: Logger,
): void {
  app.addHook('onRequest', async (req, reply) => {
    const access = accessOf(req);
    if (access === undefined) {
      if (req.routeOptions.url === undefined) return; // 404: nothing to protect
      logger.error({ route: req.routeOptions.url }, 'route declares no access; refused');
      return refuse(reply, new ApiError('forbidden', 'route declares no access policy'));
    }
    if (access.need === 'public') return;
    try {
      const got = await authenticate(req, auth);
      if (got === 'invalid')
        return refuse(reply, new ApiError('unauthorized', 'invalid credentials'));
      let p = got;
      if (p === undefined) {
        const o = open();
        if (access.openable === 'metrics' && o.metrics) {
          req.principal = { ...openPrincipal(DEFAULT_TENANT), permissions: new Set() };
          return;
        }
        const t = access.openable === 'ingest' ? openIngestTenant(o, req.ip) : undefined;
        if (t !== undefined) {
          req.principal = openPrincipal(t);
          return;
        }
        return refuse(
          reply,
          new ApiError(
            'unauthorized',
            'authentication required: send Authorization: Bearer <token>, HTTP Basic, or log in',
          ),
        );
      }
      const want = req.headers[TENANT_HEADER];
      if (typeof want === 'string' && want !== '' && want !== p.tenant) {
        if (!p.crossTenant)
          return refuse(
            reply,
            new ApiError(
              'forbidden',
              `credential acts in tenant "${p.tenant}" and may not act in tenant ${JSON.stringify(want)} (X-Scope-OrgID)`,
            ),
          );
        p = await auth.forTenant(p, want);
      }
      if (!allowed(p, access))
        return refuse(
          reply,
          new ApiError(
            'forbidden',
            `${req.method} ${req.routeOptions.url} needs ${describeNeed(access, p.tenant)}; this credential has ${[...p.permissions].join(', ') || 'no permissions'}${p.systemAdmin ? ' (system admin)' : ''}`,
          ),
        );
      // A browser that remembered HTTP Basic credentials sends them cross-site too: refuse
      // unsafe cross-site requests that carry them (Sec-Fetch-Site is set by browsers only).
      if (p.kind === 'password' && !SAFE_METHODS.has(req.method) && crossSite(req))
        return refuse(
          reply,
          new ApiError(
            'forbidden',
            "cross-site request with a browser's HTTP Basic credentials refused",
          ),
        );
      if (p.kind === 'session' && !SAFE_METHODS.has(req.method) && access.csrf !== false) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || p.csrfToken === undefined || !sameSecret(sent, p.csrfToken))
          return refuse(
            reply,
            new ApiError(
              'forbidden',
              'missing or invalid CSRF token (send the X-CSRF-Token header)',
            ),
          );
      }
      req.principal = p;
    } catch (err) {
      const e = toApiError(err);
      if (e.errorType === 'internal')
        logger.error({ err: errorChain(err), url: req.url }, 'cannot authenticate request');
      return refuse(reply, e);
    }
  });
}
