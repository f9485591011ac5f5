/**
 * Shared fixtures of the API security tests: users, tokens and sessions made through the real
 * AccessAdmin and login route of a `testApi`, and a small request helper.
 */
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApi } from './testing.js';

export const V1 = '/api/argus/v1';

/** A password that passes the policy. */
export const PASSWORD = 'correct-horse-battery-1';

export interface Call {
  method?: InjectOptions['method'];
  url: string;
  /** `Authorization` header value. */
  auth?: string;
  /** The session cookie value (sent as `argus_session=<value>`). */
  cookie?: string;
  csrf?: string;
  headers?: Record<string, string>;
  body?: unknown;
  remoteAddress?: string;
}

/** One injected request; a JSON body is sent as such. */
export function call(api: TestApi, c: Call): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.auth !== undefined) headers.authorization = c.auth;
  if (c.cookie !== undefined) headers.cookie = `argus_session=${encodeURIComponent(c.cookie)}`;
  if (c.csrf !== undefined) headers['x-csrf-token'] = c.csrf;
  return api.app.inject({
    method: c.method ?? 'GET',
    url: c.url,
    headers,
    ...(c.body !== undefined ? { payload: c.body as object } : {}),
    ...(c.remoteAddress !== undefined ? { remoteAddress: c.remoteAddress } : {}),
  });
}

/** The `data` of a success envelope; fails the test on any other answer. */
export function data<T = unknown>(res: LightMyRequestResponse, status = 200): T {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<{ status: string; data: T }>();
  assert.equal(body.status, 'success', res.body);
  return body.data;
}

/** Asserts a JSON error envelope with this status; returns its message. */
export function apiError(res: LightMyRequestResponse, status: number, errorType?: string): string {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<{ status: string; errorType: string; error: string }>();
  assert.equal(body.status, 'error', res.body);
  if (errorType !== undefined) assert.equal(body.errorType, errorType, res.body);
  assert.equal(typeof body.error, 'string');
  return body.error;
}

/** `Basic` header value. */
export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;
}

/** Creates a user (password PASSWORD unless a service account) with a role in `tenant`. */
export async function addUser(
  api: TestApi,
  username: string,
  opts: { role?: string; tenant?: string; service?: boolean } = {},
): Promise<void> {
  await api.access.admin.createUser(
    {
      username,
      ...(opts.service ? { service: true } : { password: PASSWORD }),
      role: opts.role ?? 'viewer',
      tenant: opts.tenant,
    },
    'system',
  );
}

/** Creates a token and returns its `Authorization: Bearer` value. */
export async function bearer(
  api: TestApi,
  username: string,
  scope: string,
  opts: { tenant?: string; crossTenant?: boolean; name?: string } = {},
): Promise<string> {
  const { token } = await api.access.admin.createToken(
    {
      username,
      scope,
      tenant: opts.tenant,
      crossTenant: opts.crossTenant,
      name: opts.name,
    },
    'system',
  );
  return `Bearer ${token}`;
}

export interface Session {
  cookie: string;
  csrf: string;
  /** The raw Set-Cookie header of the login response. */
  setCookie: string;
}

/** Logs in through the API; returns the cookie value and the CSRF token. */
export async function login(
  api: TestApi,
  username: string,
  password = PASSWORD,
  extra: Partial<Call> = {},
): Promise<Session> {
  const res = await call(api, {
    method: 'POST',
    url: `${V1}/login`,
    body: { username, password },
    ...extra,
  });
  const d = data<{ csrf_token: string }>(res);
  const setCookie = String(res.headers['set-cookie']);
  const m = /^argus_session=([^;]*)/.exec(setCookie);
  assert.ok(m, `login sets argus_session: ${setCookie}`);
  return { cookie: decodeURIComponent(m[1]), csrf: d.csrf_token, setCookie };
}
