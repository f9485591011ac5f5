import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../util/index.js';
import { CONTENT_SECURITY_POLICY } from './http-security.js';
import type { RouteTable } from './route-table.js';
import { UI_PATHS } from './ui-paths.js';

/** One file of the built UI, held in memory with its gzip form (built once at start). */
interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
}

/** The built UI (`dist/ui`, made by `npm run build:web`): its page template and assets. */
export interface UiBundle {
  dir: string;
  /** index.html with `__CSP_NONCE__` where each response's nonce goes. */
  index: string;
  /** By URL path (`/assets/index-3f2a.js`, `/favicon.svg`). */
  assets: Map<string, Asset>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.map', '.txt', '.webmanifest']);

/** Reads a built UI directory into memory; null when it has no index.html (UI not built). */
export function loadUiBundle(dir: string): UiBundle | null {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return null;
  const assets = new Map<string, Asset>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = path.posix.join(rel, name);
      const abs = path.join(dir, r);
      if (statSync(abs).isDirectory()) walk(r);
      else if (name !== 'index.html') {
        const ext = path.extname(name);
        const body = readFileSync(abs);
        assets.set(`/${r}`, {
          body,
          gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
          type: TYPES[ext] ?? 'application/octet-stream',
        });
      }
    }
  };
  walk('');
  return { dir, index: readFileSync(indexFile, 'utf8'), assets };
}

/**
 * The policy of a UI page: the API's strict one, plus this response's nonce for style
 * elements (CodeMirror's) and style attributes set by the editor's and charts' code
 * (`style-src-attr`: positions and sizes; an attribute cannot run script, and no markup from
 * data ever reaches the page). Scripts stay self-only.
 */
function pageCsp(nonce: string): string {
  return CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'",
    `style-src 'self' 'nonce-${nonce}'; style-src-attr 'unsafe-inline'`,
  );
}

function acceptsGzip(req: FastifyRequest): boolean {
  return /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Argus</title>
<p>The Argus web UI is not built. Run <code>npm run build:web</code> (or <code>npm start</code>,
which builds it), then reload. The HTTP API works without it.</p>`;

/**
 * Serves the web UI: each page path (UI_PATHS) answers index.html (never cached, a fresh CSP
 * nonce per response: CodeMirror injects its styles with it), content-hashed files under
 * /assets/ are cached for a year (immutable) and sent gzip-compressed when accepted. All
 * public: the pages hold no data; the app reads everything through the authenticated API.
 */
export function registerUiRoutes(
  app: FastifyInstance,
  table: RouteTable,
  bundle: UiBundle | null,
  logger: Logger,
): void {
  if (bundle === null)
    logger.warn({}, 'web UI not built (npm run build:web): / shows how to build it');
  const page = async (_req: FastifyRequest, reply: FastifyReply) => {
    void reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    if (bundle === null) return reply.send(NOT_BUILT);
    const nonce = randomBytes(16).toString('base64');
    void reply.header('content-security-policy', pageCsp(nonce));
    return reply.send(bundle.index.replaceAll('__CSP_NONCE__', nonce));
  };
  for (const url of UI_PATHS) {
    table.add(app, {
      method: 'GET',
      url,
      access: { need: 'public' },
      tag: 'UI',
      summary: `Web UI page ${url}`,
      response: { contentType: 'text/html', description: 'the web UI' },
      handler: page,
    });
  }
  const asset = async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.url.split('?')[0];
    const a = bundle?.assets.get(url);
    if (a === undefined) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(`no such UI file: ${url.slice(0, 200)}`);
    }
    const hashed = url.startsWith('/assets/');
    void reply
      .header(
        'cache-control',
        hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      )
      .header('vary', 'accept-encoding')
      .type(a.type);
    if (a.gzip !== null && acceptsGzip(req)) {
      return reply.header('content-encoding', 'gzip').send(a.gzip);
    }
    return reply.send(a.body);
  };
  table.add(app, {
    method: 'GET',
    url: '/assets/*',
    access: { need: 'public' },
    tag: 'UI',
    summary: 'Web UI scripts, styles and images (content-hashed, cached for a year)',
    response: { contentType: 'application/octet-stream', description: 'a UI file' },
    handler: asset,
  });
  for (const file of ['/favicon.svg', '/manifest.webmanifest']) {
    table.add(app, {
      method: 'GET',
      url: file,
      access: { need: 'public' },
      tag: 'UI',
      summary: `Web UI ${file.slice(1)}`,
      response: { contentType: 'application/octet-stream', description: 'a UI file' },
      handler: asset,
    });
  }
}
