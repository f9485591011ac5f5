import type { FastifyInstance, FastifyRequest } from 'fastify';

/** `server.cors`: off unless origins are listed. */
export interface CorsConfig {
  allowed_origins: string[];
}

/**
 * Strict CSP: no inline script or style, nothing from other origins, no framing. The UI (#6) is
 * built to live within it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every response (also those sent before any hook runs: router errors). */
export const STATIC_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** True when the request reached Argus over TLS (directly, or via a trusted proxy's header). */
export function isHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/**
 * Security headers on every response; authenticated responses are never cached by shared caches
 * (a proxy must not hand tenant A's answer to tenant B). CORS answers only configured origins.
 */
export function installHttpSecurity(app: FastifyInstance, cors: () => CorsConfig): void {
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    const allowed = cors().allowed_origins;
    // A listed origin may send credentials (cookies). `*` opens reads to any origin WITHOUT
    // credentials: echoing every origin with credentials would hand the API (and the CSRF token
    // from /me) to any page.
    if (allowed.includes(origin))
      void reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'Origin')
        .header('access-control-allow-credentials', 'true');
    else if (allowed.includes('*')) void reply.header('access-control-allow-origin', '*');
    else return;
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
        .header(
          'access-control-allow-headers',
          'Authorization, Content-Type, Content-Encoding, X-CSRF-Token, X-Scope-OrgID, X-Prometheus-Remote-Write-Version',
        )
        .header('access-control-max-age', '600')
        .send();
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(STATIC_HEADERS)) {
      // The UI page sets its own policy (the same plus a per-response style nonce).
      if (k === 'content-security-policy' && reply.hasHeader(k)) continue;
      void reply.header(k, v);
    }
    if (isHttps(req))
      void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Files that are the same for everyone (the UI's content-hashed assets) keep their caching.
    const own = reply.getHeader('cache-control');
    if (
      (req.principal !== undefined || req.headers.authorization !== undefined) &&
      !(typeof own === 'string' && own.startsWith('public'))
    ) {
      void reply.header('cache-control', 'private, no-store');
      const vary = reply.getHeader('vary');
      const add = 'Authorization, Cookie, X-Scope-OrgID';
      void reply.header('vary', vary === undefined ? add : `${String(vary)}, ${add}`);
    }
    return payload;
  });
}
