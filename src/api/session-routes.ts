import type { FastifyInstance } from 'fastify';
import type { Logger } from '../util/index.js';
import { z } from 'zod';
import { actorOf } from '../auth/index.js';
import { clearSessionCookie, parseBody, principalOf, sessionCookie } from './access-body.js';
import { ApiError } from './errors.js';
import { SESSION_COOKIE } from './guard.js';
import { isHttps } from './http-security.js';
import { jsonRoute } from './respond.js';
import type { RouteTable } from './route-table.js';
import { P, loginBody, principalView, viewPrincipal, type AccessDeps } from './access-views.js';

/** Login, logout, who-am-I and password change under /api/argus/v1. */
export function registerSessionRoutes(
  app: FastifyInstance,
  table: RouteTable,
  deps: AccessDeps,
  logger: Logger,
): void {
  const { state } = deps;
  const route = (spec: Parameters<RouteTable['add']>[1]) => table.add(app, spec);

  route({
    method: 'POST',
    url: `${P}/login`,
    access: { need: 'public' },
    tag: 'Sessions',
    summary: 'Log in with a username and password; sets the session cookie',
    description:
      'Rate-limited per username and per client address (429 with Retry-After). The response carries the CSRF token that state-changing requests with the cookie must send as X-CSRF-Token.',
    body: loginBody,
    response: principalView.extend({ expires_at: z.number() }),
    statuses: {
      401: 'Invalid username or password',
      403: 'No role in the requested tenant',
      429: 'Too many failed logins',
    },
    handler: jsonRoute(logger, async (req, reply) => {
      const b = parseBody(loginBody, req.body);
      const r = await deps.authenticator.login(b.username, b.password, {
        address: req.ip,
        userAgent: String(req.headers['user-agent'] ?? '').slice(0, 256),
        tenant: b.tenant,
      });
      // The browser keeps the cookie for the session's absolute lifetime; the server ends it
      // earlier when it goes unused (idle timeout), so an active session is never cut short.
      const maxAge = (r.session.createdAt + deps.sessionTtlMs() - Date.now()) / 1000;
      void reply.header(
        'set-cookie',
        sessionCookie(SESSION_COOKIE, r.cookie, maxAge, isHttps(req)),
      );
      return { data: { ...viewPrincipal(r.principal), expires_at: r.session.expiresAt } };
    }),
  });

  route({
    method: 'POST',
    url: `${P}/logout`,
    access: { need: 'authenticated' },
    tag: 'Sessions',
    summary: 'End the current session and clear its cookie',
    response: z.object({}),
    handler: jsonRoute(logger, async (req, reply) => {
      await deps.authenticator.logout(principalOf(req));
      clearSessionCookie(reply, SESSION_COOKIE, isHttps(req));
      return { data: {} };
    }),
  });

  route({
    method: 'GET',
    url: `${P}/me`,
    access: { need: 'authenticated' },
    tag: 'Sessions',
    summary: 'Who am I: user, tenant, permissions, roles (and the CSRF token of a session)',
    response: principalView,
    handler: jsonRoute(logger, async (req) => {
      const p = principalOf(req);
      const roles = p.userId === undefined ? [] : await state.users.memberships(p.userId);
      return {
        data: {
          ...viewPrincipal(p),
          roles: roles.map((r) => ({ tenant: r.tenant, role: r.role })),
        },
      };
    }),
  });

  const passwordBody = z.strictObject({
    current_password: z.string().min(1).max(4096),
    new_password: z.string().min(1).max(4096),
  });
  route({
    method: 'POST',
    url: `${P}/me/password`,
    access: { need: 'authenticated' },
    tag: 'Sessions',
    summary: 'Change your password; every session of yours is revoked (log in again)',
    body: passwordBody,
    response: z.object({ sessions_revoked: z.number() }),
    handler: jsonRoute(logger, async (req, reply) => {
      const p = principalOf(req);
      if (p.userId === undefined || p.kind === 'token')
        throw new ApiError('forbidden', 'cannot change password with an API token: log in');
      const b = parseBody(passwordBody, req.body);
      const n = await deps.authenticator.changePassword(
        p.userId,
        b.current_password,
        b.new_password,
        actorOf(p),
        { address: req.ip },
      );
      clearSessionCookie(reply, SESSION_COOKIE, isHttps(req));
      return { data: { sessions_revoked: n } };
    }),
  });
}
