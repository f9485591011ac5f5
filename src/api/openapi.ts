import { z } from 'zod';
import { methodsOf, type RouteSpec } from './route-table.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(t: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const s = z.toJSONSchema(t, { io, unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

function envelope(data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['status', 'data'],
    properties: {
      status: { const: 'success' },
      data,
      warnings: { type: 'array', items: { type: 'string' } },
    },
  };
}

const ERROR_RESPONSE = {
  description: 'Error envelope',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

function security(spec: RouteSpec): unknown[] | undefined {
  if (spec.access.need === 'public') return [];
  return undefined; // the document-wide default: any of the schemes
}

function accessText(spec: RouteSpec): string {
  const a = spec.access;
  const need =
    a.need === 'public'
      ? 'No credentials needed.'
      : a.need === 'authenticated'
        ? 'Any valid credential.'
        : a.need === 'system'
          ? 'A system administrator.'
          : a.need === 'system-read'
            ? "A system administrator's credential with `read` (e.g. a read-scoped token)."
            : `Permission \`${a.need}\` in the credential's tenant.`;
  const open =
    a.openable === 'metrics'
      ? ' Open without credentials when `auth.open.metrics` is true.'
      : a.openable === 'ingest'
        ? ' Open without credentials from the CIDRs in `auth.open.ingest`.'
        : '';
  return need + open;
}

function parameters(spec: RouteSpec): unknown[] {
  const out: unknown[] = [];
  const add = (t: z.ZodType | undefined, where: 'path' | 'query') => {
    if (!t) return;
    const s = schemaOf(t, 'input');
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const req = new Set((s.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(props)) {
      out.push({
        name,
        in: where,
        required: where === 'path' || req.has(name),
        schema,
        ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
      });
    }
  };
  add(spec.params, 'path');
  add(spec.query, 'query');
  return out;
}

function operation(spec: RouteSpec, method: string): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const ok = String(spec.successStatus ?? 200);
  const error = spec.textErrors
    ? { content: { 'text/plain': { schema: { type: 'string' } } } }
    : ERROR_RESPONSE;
  const r = spec.response;
  if (r === undefined) responses[ok] = { description: 'Success' };
  else if ('contentType' in r && typeof r.contentType === 'string')
    responses[ok] = { description: r.description, content: { [r.contentType]: {} } };
  else
    responses[ok] = {
      description: 'Success',
      content: {
        'application/json': { schema: envelope(schemaOf(r as z.ZodType, 'output')) },
      },
    };
  for (const [code, description] of Object.entries(spec.statuses ?? {}))
    responses[code] = code.startsWith('2') ? { description } : { ...error, description };
  if (Number(ok) < 300)
    responses['400'] ??= { ...error, description: 'Bad request (names what is wrong)' };
  if (spec.body !== undefined) {
    responses['413'] ??= { ...error, description: 'Body too large' };
    responses['415'] ??= { ...error, description: 'Not application/json' };
  }
  if (spec.access.need !== 'public') {
    responses['401'] = { ...ERROR_RESPONSE, description: 'No or invalid credentials' };
    responses['403'] = { ...ERROR_RESPONSE, description: 'Credential lacks the permission' };
  }
  const op: Record<string, unknown> = {
    operationId: `${method.toLowerCase()}${spec.url.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: spec.summary,
    description: [spec.description, `**Access:** ${accessText(spec)}`].filter(Boolean).join('\n\n'),
    tags: [spec.tag],
    parameters: parameters(spec),
    responses,
    'x-argus-access': spec.access,
  };
  const sec = security(spec);
  if (sec !== undefined) op.security = sec;
  if (spec.body !== undefined && method !== 'GET')
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: schemaOf(spec.body, 'input') } },
    };
  else if (spec.requestContentType !== undefined)
    op.requestBody = { required: true, content: { [spec.requestContentType]: {} } };
  return op;
}

/** The OpenAPI 3.1 document of every declared route (served at /api/argus/v1/openapi.json). */
export function openApiDocument(specs: readonly RouteSpec[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const p = spec.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[p] ??= {};
    for (const m of methodsOf(spec)) {
      if (m === 'HEAD') continue;
      paths[p][m.toLowerCase()] = operation(spec, m);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Argus HTTP API',
      version,
      description:
        "Every route Argus serves, generated from its route table. Prometheus-compatible routes live under /api/v1; Argus's own under /api/argus/v1.",
      license: { name: 'Apache-2.0' },
    },
    security: [{ bearer: [] }, { basic: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`argus_…`)' },
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'Username and password, or username and API token',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'argus_session',
          description:
            'Browser session from POST /api/argus/v1/login; unsafe methods also need X-CSRF-Token',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['status', 'errorType', 'error'],
          properties: {
            status: { const: 'error' },
            errorType: { type: 'string' },
            error: { type: 'string' },
          },
        },
      },
    },
    paths,
  };
}
