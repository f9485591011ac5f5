import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { z } from 'zod';
import type { Permission } from '../auth/index.js';
import { BugError } from '../util/index.js';

/**
 * What a route needs. `public`: nobody needs credentials (health, login). `authenticated`: any
 * valid credential. A Permission: that permission in the request's tenant. `system`: a system
 * admin (server-wide changes: tenants, reload, snapshots). `system-read`: a system admin's
 * credential with `read` (server-wide reads: /metrics).
 */
export type Need = 'public' | 'authenticated' | Permission | 'system-read' | 'system';

export interface RouteAccess {
  need: Need;
  /**
   * The config may open this route to requests without credentials: `metrics`
   * (`auth.open.metrics`), `ingest` (`auth.open.ingest` CIDRs, landing in the configured tenant).
   */
  openable?: 'metrics' | 'ingest';
  /**
   * Cookie-authenticated requests with an unsafe method must carry the session's CSRF token.
   * Read-only POST routes (Prometheus form queries) set false. Default: true.
   */
  csrf?: boolean;
}

/** One HTTP route, declared once: method, URL, access, documentation and schemas, handler. */
export interface RouteSpec {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  access: RouteAccess;
  summary: string;
  tag: string;
  description?: string;
  /** Documented (and for JSON routes validated by the handler) request parts. */
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The `data` of a success envelope, or a description of a non-JSON response. */
  response?: z.ZodType | { contentType: string; description: string };
  /** Non-JSON request bodies (`application/x-protobuf`…), for the API description. */
  requestContentType?: string;
  /** The status of a success when not 200 (201 created, 204 no content). */
  successStatus?: number;
  /** Errors are plain text, not the JSON envelope (remote_write, like Prometheus). */
  textErrors?: boolean;
  /** Response status codes worth documenting beyond 200/400/401/403. */
  statuses?: Record<number, string>;
  handler: (req: FastifyRequest, reply: FastifyReply) => unknown;
  /** Extra fastify route options: a body limit, a WebSocket handler (@fastify/websocket). */
  options?: {
    bodyLimit?: number;
    /** The WebSocket of a `GET` upgrade (`ws`'s WebSocket; the route's own code types it). */
    wsHandler?: (socket: unknown, req: FastifyRequest) => void;
  };
}

/** The fastify route config every declared route carries (read by the access hook). */
export interface DeclaredConfig {
  access: RouteAccess;
}

/**
 * Every route Argus serves. Feature files `add` their specs into a fastify scope; the access hook
 * reads each route's `access` from its config and refuses routes that have none (fail closed), and
 * the OpenAPI document is generated from `specs`.
 */
export class RouteTable {
  readonly specs: RouteSpec[] = [];
  private patterns: { re: RegExp; methods: HTTPMethods[] }[] | undefined;

  /**
   * The methods declared for a request path (`/api/v1/label/job/values`), HEAD included where
   * GET is (fastify answers it); empty when no route has that path. For 405 answers.
   */
  methodsFor(path: string): HTTPMethods[] {
    this.patterns ??= this.specs.map((s) => ({ re: pathPattern(s.url), methods: methodsOf(s) }));
    const found = new Set<HTTPMethods>();
    for (const p of this.patterns) if (p.re.test(path)) for (const m of p.methods) found.add(m);
    if (found.has('GET')) found.add('HEAD');
    return [...found].sort();
  }

  add(scope: FastifyInstance, spec: RouteSpec): void {
    const methods = Array.isArray(spec.method) ? spec.method : [spec.method];
    for (const m of methods) {
      if (this.specs.some((s) => s.url === spec.url && methodsOf(s).includes(m)))
        throw new BugError(`route ${m} ${spec.url} declared twice`);
    }
    this.specs.push(spec);
    this.patterns = undefined;
    const config: DeclaredConfig = { access: spec.access };
    scope.route({
      method: spec.method,
      url: spec.url,
      config,
      ...spec.options,
      handler: spec.handler,
    });
  }
}

/** A fastify URL pattern as a regex over paths: `:param` is one segment, `*` the rest. */
function pathPattern(url: string): RegExp {
  const src = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) =>
      part === '*'
        ? '.*'
        : part.startsWith(':')
          ? '[^/]+'
          : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${src}$`);
}

export function methodsOf(s: RouteSpec): HTTPMethods[] {
  return Array.isArray(s.method) ? s.method : [s.method];
}

/** The access declared on the route a request matched; undefined when it declared none. */
export function accessOf(req: FastifyRequest): RouteAccess | undefined {
  const cfg = req.routeOptions.config as Partial<DeclaredConfig> | undefined;
  return cfg?.access;
}
