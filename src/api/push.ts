import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeMetricFamilies, ExpositionError, formatOf, parseBody } from '../exposition/index.js';
import { PushError, type PushRegistry } from '../ingest/push/index.js';
import type { TenantId } from '../model/index.js';
import type { MetricMetadata } from '../storage/index.js';
import type { TenantLimits } from '../tenancy/index.js';
import { errorChain, type Logger } from '../util/index.js';
import { BodyError, readBody } from './body.js';
import { ApiError, toApiError } from './errors.js';
import { decodeBody, maxDecompressedBytes, truncate, truncateQuoted } from './push-body.js';
import type { RouteTable } from './route-table.js';
import { tenantOf } from './tenant.js';

export interface PushDeps {
  registry: PushRegistry;
  limits: TenantLimits;
  maxBodyBytes: () => number;
  logger: Logger;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A `@base64` grouping value: url-safe or standard alphabet, padding optional (what the
 * Pushgateway accepts). Refused (400) rather than decoded leniently, since Buffer.from silently
 * drops bad characters and a dropped label can land the push on another group.
 */
function decodeBase64Value(name: string, raw: string): string {
  const data = raw.replace(/={1,2}$/, '');
  if (data === '') return ''; // `=` alone: the empty value
  if (!/^[A-Za-z0-9+/_-]*$/.test(data) || data.length % 4 === 1)
    throw new ApiError(
      'bad_data',
      `cannot read grouping label ${name}@base64: ${JSON.stringify(truncate(raw))} is not base64`,
    );
  try {
    return UTF8.decode(Buffer.from(data, 'base64url'));
  } catch (err) {
    throw new ApiError(
      'bad_data',
      `cannot read grouping label ${name}@base64: ${JSON.stringify(truncate(raw))} does not decode to UTF-8`,
      { cause: err },
    );
  }
}

/**
 * The grouping key of a Pushgateway URL `/metrics/job/<job>{/<name>/<value>}`: a `@base64`
 * suffix on a name means its value is base64url (`=` alone: the empty value).
 */
export function groupingKey(path: string): [string, string][] {
  const segs = path.split('/').slice(2); // after "/metrics"
  if (segs.length < 2 || segs.length % 2 !== 0)
    throw new ApiError('bad_data', 'want /metrics/job/<job>{/<label>/<value>}');
  const key: [string, string][] = [];
  for (let i = 0; i < segs.length; i += 2) {
    let name = decodeURIComponent(segs[i]);
    let value = decodeURIComponent(segs[i + 1]);
    if (name.endsWith('@base64')) {
      name = name.slice(0, -'@base64'.length);
      value = decodeBase64Value(name, value);
    }
    if (!LABEL_NAME.test(name) || name.startsWith('__'))
      throw new ApiError('bad_data', `invalid grouping label name ${JSON.stringify(name)}`);
    if (key.some(([k]) => k === name))
      throw new ApiError('bad_data', `grouping label ${name} appears twice`);
    key.push([name, value]);
  }
  if (key[0][0] !== 'job' || key[0][1] === '')
    throw new ApiError('bad_data', 'the grouping key must start with a non-empty job');
  return key;
}

const PROTO_MEDIA = 'application/vnd.google.protobuf';
const METRIC_FAMILY = 'io.prometheus.client.MetricFamily';

/**
 * Whether a push body is the protobuf format: `proto=io.prometheus.client.MetricFamily` (or no
 * `proto`), delimited (or no `encoding`, which the Pushgateway also reads as delimited). Any other
 * protobuf message or encoding (`text`, `compact-text`) is refused with a message saying what works.
 */
export function isProtobuf(contentType: string): boolean {
  const [media, ...params] = contentType.split(';');
  if (media.trim().toLowerCase() !== PROTO_MEDIA) return false;
  for (const p of params) {
    const eq = p.indexOf('=');
    const k = p
      .slice(0, eq < 0 ? p.length : eq)
      .trim()
      .toLowerCase();
    const v =
      eq < 0
        ? ''
        : p
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (k === 'proto' && v !== METRIC_FAMILY)
      throw new ApiError(
        'bad_data',
        `cannot read push body: protobuf message ${JSON.stringify(v)} is not supported, want proto=${METRIC_FAMILY}`,
      );
    if (k === 'encoding' && v !== 'delimited')
      throw new ApiError(
        'bad_data',
        `cannot read push body: protobuf encoding ${JSON.stringify(v)} is not supported, want encoding=delimited`,
      );
  }
  return true;
}

/**
 * Pushgateway-compatible `PUT` (replace the group), `POST` (replace the pushed metric names)
 * and `DELETE` (remove the group) on `/metrics/job/<job>{/<label>/<value>}`, so batch jobs using
 * a Prometheus client's push function work unchanged.
 */
export function registerPushRoutes(app: FastifyInstance, table: RouteTable, deps: PushDeps): void {
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (req, payload, parsed) =>
      readBody('push request', payload, req.headers['content-length'], deps.maxBodyBytes(), parsed),
    );
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      let failed: { tenant: TenantId; key: [string, string][] } | undefined;
      try {
        const key = groupingKey(req.url.split('?')[0]);
        const tenant = tenantOf(req);
        failed = { tenant, key };
        if (req.method === 'DELETE') {
          await deps.registry.delete(tenant, key);
          return reply.code(202).send();
        }
        const ct = String(req.headers['content-type'] ?? '');
        const body = decodeBody(
          'push request',
          Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          req.headers['content-encoding'],
          maxDecompressedBytes(deps.maxBodyBytes()),
        );
        let parsed;
        try {
          parsed = isProtobuf(ct) ? decodeMetricFamilies(body) : parseBody(body, formatOf(ct));
        } catch (err) {
          if (err instanceof ExpositionError)
            throw new ApiError('bad_data', err.message, { cause: err });
          throw err;
        }
        for (const s of parsed.samples)
          if (s.timestampMs !== undefined)
            throw new ApiError(
              'bad_data',
              `pushed metric ${s.labels.toString()} carries a timestamp; pushed metrics must not`,
            );
        deps.limits.admitSamples(tenant, parsed.samples.length);
        const md = new Map<string, MetricMetadata>(
          parsed.metadata.map((m) => [m.name, { type: m.type, help: m.help, unit: m.unit }]),
        );
        await deps.registry.push(
          tenant,
          key,
          parsed.samples,
          md,
          req.method === 'PUT' ? 'group' : 'names',
        );
        return reply.code(200).send();
      } catch (err) {
        const e =
          err instanceof PushError
            ? new ApiError('bad_data', err.message, { cause: err })
            : err instanceof BodyError
              ? undefined
              : toApiError(err);
        if (e?.errorType === 'internal')
          deps.logger.error({ err: errorChain(err), url: req.url }, 'push failed');
        // The body was refused (not a limit, not a DELETE): the group records the failure.
        const status = e?.status ?? (err as BodyError).statusCode;
        if (status === 400 && failed !== undefined && req.method !== 'DELETE')
          await deps.registry.recordFailure(failed.tenant, failed.key);
        if (e?.retryAfterSeconds !== undefined)
          void reply.header('retry-after', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
        const message = truncateQuoted((e ?? (err as BodyError)).message);
        return reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`);
      }
    };
    table.add(scope, {
      method: ['PUT', 'POST', 'DELETE'],
      url: '/metrics/*',
      access: { need: 'ingest', openable: 'ingest' },
      tag: 'Ingestion',
      summary:
        'Pushgateway-compatible push: PUT replaces a group, POST its pushed metrics, DELETE removes it',
      description:
        'Path: /metrics/job/<job>{/<label>/<value>}, `@base64` suffix for base64url values. Body: the text exposition format, or the delimited protobuf format (`application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited`, the default of client_golang), without timestamps, optionally gzip-compressed. Pushed values are re-written every interval until deleted.',
      requestContentType: 'text/plain',
      statuses: {
        413: 'Body too large, or a gzip body decompressing to more than 8 × max_body_bytes',
        415: 'A Content-Encoding other than gzip or identity',
      },
      textErrors: true,
      response: { contentType: 'text/plain', description: '200 (PUT, POST) or 202 (DELETE)' },
      handler,
    });
    done();
  });
}
