/**
 * The one way the UI talks to the server: the documented HTTP API, same origin, with the
 * session cookie (and the session's CSRF token on state-changing requests). Every answer is the
 * Prometheus envelope `{status, data, errorType, error, warnings, infos}`.
 */

/** A failed API call: the HTTP status and the envelope's errorType and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Answer<T> {
  data: T;
  warnings: string[];
  infos: string[];
}

type Params = Record<string, string | number | readonly string[] | undefined>;

export interface CallOptions {
  query?: Params;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent form-encoded (the Prometheus query routes). */
  form?: Params;
  signal?: AbortSignal;
}

let csrfToken: string | undefined;
const unauthenticated = new Set<() => void>();

/** The session's CSRF token (from login or /me), sent as X-CSRF-Token on unsafe methods. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called whenever the server answers 401 (the session ended): the app shows the login page. */
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticated.add(fn);
  return () => unauthenticated.delete(fn);
}

function encode(params: Params): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v as readonly string[]) u.append(k, x);
    else u.append(k, String(v));
  }
  return u.toString();
}

export async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  o: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (o.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = encode(o.form);
  } else if (o.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.body);
  }
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  const qs = o.query === undefined ? '' : encode(o.query);
  let res: Response;
  try {
    res = await fetch(qs === '' ? path : `${path}?${qs}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: o.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'unavailable', `cannot reach the Argus server: ${String(err)}`);
  }
  if (res.status === 401) for (const fn of unauthenticated) fn();
  const text = await res.text();
  let env: {
    status?: string;
    data?: T;
    errorType?: string;
    error?: string;
    warnings?: string[];
    infos?: string[];
  };
  try {
    env = JSON.parse(text) as typeof env;
  } catch {
    throw new ApiError(res.status, 'internal', `HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  if (!res.ok || env.status !== 'success') {
    throw new ApiError(res.status, env.errorType ?? 'internal', env.error ?? `HTTP ${res.status}`);
  }
  return { data: env.data as T, warnings: env.warnings ?? [], infos: env.infos ?? [] };
}

export const get = <T>(path: string, query?: Params, signal?: AbortSignal) =>
  call<T>('GET', path, { query, signal }).then((a) => a.data);
