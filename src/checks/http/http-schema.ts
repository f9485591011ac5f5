/** The http kind's fields. Each field's doc comment (and `.describe()`) documents it. */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { zDuration } from '../../config/index.js';
import { tlsOptionsSchema } from '../tls/tls-certs.js';
import { secretRefSchema } from '../types.js';
import { parseJsonPath } from './json-path.js';

/** A status code (`200`), a class (`2xx`) or an inclusive range (`200-299`). */
const statusSpec = z.union([z.number(), z.string()]).superRefine((v, ctx) => {
  const ok =
    typeof v === 'number'
      ? Number.isInteger(v) && v >= 100 && v <= 599
      : /^(?:[1-5]xx|[1-5]\d\d(?:-[1-5]\d\d)?)$/.test(v);
  if (!ok)
    ctx.addIssue({
      code: 'custom',
      message: `expected a status code (200), a class (2xx) or a range (200-299), got ${JSON.stringify(v)}`,
    });
});

/** One value or a list of them (`body_contains: ok` or `body_contains: [ok, ready]`). */
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item));

const re2 = z.string().superRefine((re, ctx) => {
  try {
    RE2JS.compile(re);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid RE2 regular expression ${JSON.stringify(re)}: ${(err as Error).message}`,
    });
  }
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * A condition on the JSON response body. `path` names one value (`$.status`, `$.items[0].id`,
 * `$["a.b"]`); every operator given must hold. Without operators other than `exists`, the
 * value must exist.
 */
export const jsonConditionSchema = z
  .object({
    /** `$`, `.key`, `["key"]`, `[index]`; `$` may be omitted. */
    path: z
      .string()
      .superRefine((p, ctx) => {
        const r = parseJsonPath(p);
        if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
      })
      .describe('Path to one value: $.status, $.items[0].id, $["a.b"].'),
    /** The value equals this scalar (string, number, boolean or null). */
    equals: scalar.optional().describe('The value must equal this scalar.'),
    /** The value does not equal this scalar. */
    not_equals: scalar.optional().describe('The value must not equal this scalar.'),
    /** true: the path must exist; false: it must not. */
    exists: z.boolean().optional().describe('true: the path must exist; false: must not.'),
    /** The value (a string, or an array's string items) contains this text. */
    contains: z
      .string()
      .optional()
      .describe('A string value contains this text, or an array contains this string.'),
    /** The value (as text) matches this RE2 expression (unanchored). */
    matches: re2.optional().describe('The value, as text, matches this RE2 expression.'),
    /** Numeric comparisons: the value must be a number (or numeric string). */
    gt: z.number().optional().describe('The value must be a number greater than this.'),
    gte: z.number().optional().describe('The value must be a number at least this.'),
    lt: z.number().optional().describe('The value must be a number less than this.'),
    lte: z.number().optional().describe('The value must be a number at most this.'),
  })
  .strict();
export type JsonCondition = z.output<typeof jsonConditionSchema>;

/** The http kind (blackbox_exporter's http prober, Gatus's conditions). */
export const httpSpecSchema = z
  .object({
    /** The URL to request (http or https). Credentials belong in basic_auth, not the URL. */
    url: z
      .string()
      .superRefine((u, ctx) => {
        let parsed: URL;
        try {
          parsed = new URL(u);
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: `expected an http(s) URL, got ${JSON.stringify(u)}`,
          });
          return;
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
          ctx.addIssue({
            code: 'custom',
            message: `expected an http or https URL, got scheme ${JSON.stringify(parsed.protocol.slice(0, -1))}`,
          });
        if (parsed.username || parsed.password)
          ctx.addIssue({
            code: 'custom',
            message: 'credentials in the URL are not allowed; use basic_auth',
          });
      })
      .describe('The http(s) URL to request.'),
    /** HTTP method (default GET). */
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, 'expected an HTTP method such as GET, HEAD or POST')
      .transform((m) => m.toUpperCase())
      .default('GET')
      .describe('HTTP method.'),
    /** Extra request headers. */
    headers: z
      .record(z.string(), secretRefSchema)
      .default({})
      .describe('Extra request headers; values are secrets (stored sealed through the API).'),
    /** Request body (e.g. for POST). */
    body: z.string().optional().describe('Request body.'),
    /** Accepted final status codes: codes, classes (`2xx`) or ranges (`200-299`); default 2xx. */
    valid_status: oneOrMany(statusSpec)
      .default(['2xx'])
      .describe('Accepted status codes: 200, "2xx" or "200-299" (default 2xx).'),
    /** The body must contain each of these strings. */
    body_contains: oneOrMany(z.string().min(1))
      .default([])
      .describe('The body must contain each string.'),
    /** The body must contain none of these strings (keyword absent). */
    body_not_contains: oneOrMany(z.string().min(1))
      .default([])
      .describe('The body must contain none of these strings.'),
    /** The body must match each RE2 expression (unanchored; `(?s)` etc. allowed). */
    body_regex: oneOrMany(re2)
      .default([])
      .describe('The body must match each RE2 regular expression.'),
    /** The body must match none of these RE2 expressions. */
    body_not_regex: oneOrMany(re2)
      .default([])
      .describe('The body must match none of these RE2 regular expressions.'),
    /** Conditions on the JSON body (see jsonConditionSchema). */
    json_path: z
      .array(jsonConditionSchema)
      .default([])
      .describe('Conditions on values of the JSON body, e.g. {path: $.status, equals: ok}.'),
    /** Fail when the whole probe takes longer (e.g. `500ms`). */
    max_latency: zDuration.optional().describe('Fail when the response takes longer.'),
    /** Follow redirects (each hop is checked by the outbound guard). */
    follow_redirects: z.boolean().default(true).describe('Follow redirects.'),
    /** Redirects followed before the probe fails. */
    max_redirects: z.number().int().min(0).max(50).default(10).describe('Most redirects followed.'),
    /** Client TLS: verification, CA, client certificate, server name. */
    tls: tlsOptionsSchema.optional().describe('TLS options for https URLs.'),
    /** HTTP basic authentication; the password is a secret. */
    basic_auth: z
      .object({
        username: z.string().min(1),
        password: secretRefSchema,
      })
      .strict()
      .optional()
      .describe('HTTP basic auth: {username, password (a secret)}.'),
    /** `Authorization: Bearer …` token (a secret). */
    bearer_token: secretRefSchema.optional().describe('Bearer token (a secret).'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.valid_status.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['valid_status'],
        message: 'expected at least one status',
      });
    if (s.basic_auth && s.bearer_token !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['bearer_token'],
        message: 'give basic_auth or bearer_token, not both',
      });
  });
export type HttpSpec = z.output<typeof httpSpecSchema>;
