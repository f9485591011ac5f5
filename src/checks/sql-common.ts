/**
 * The fields and result checks the SQL kinds (postgres, mysql) share: connect as a user, run
 * one query (default `SELECT 1`) in a read-only session, and optionally want a minimum row
 * count or a first value.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { guardedConnect } from '../net/index.js';
import { secretRefSchema, type ProbeContext } from './types.js';
import { gauge, zHost, zPort } from './probe-kit.js';
import type { ProbeMetric } from './types.js';

export const sqlSchema = (defaultPort: number) =>
  z
    .object({
      host: zHost,
      port: zPort(defaultPort),
      user: z.string().min(1).max(128),
      password: secretRefSchema.optional(),
      /** Database to connect to (default: the server's default for the user). */
      database: z.string().min(1).max(128).optional(),
      /**
       * `disable`: plain TCP; `require`: TLS without verifying the certificate;
       * `verify-full`: TLS with the certificate checked against the CA and the host name.
       */
      tls: z.enum(['disable', 'require', 'verify-full']).default('disable'),
      /** Extra trusted CA certificates for `verify-full` (PEM text). */
      tls_ca: z.string().min(1).optional(),
      /** Run in a read-only session; a statement that writes fails the check. */
      query: z.string().trim().min(1).max(10_000).default('SELECT 1'),
      /** Want at least this many rows. */
      expect_min_rows: z.number().int().min(0).optional(),
      /** Want the first column of the first row, as text, to equal this. */
      expect_first_value: z.string().optional(),
    })
    .strict();
export type SqlSpec = z.output<ReturnType<typeof sqlSchema>>;

/** Node TLS options for the spec's mode, or undefined for `disable`. */
export function sqlTlsOptions(spec: SqlSpec): ConnectionOptions | undefined {
  if (spec.tls === 'disable') return undefined;
  if (spec.tls === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(spec.tls_ca !== undefined && { ca: spec.tls_ca }) };
}

/** Why `rows` (each an array of column values) miss the expectations, or undefined. */
export function checkRows(
  spec: SqlSpec,
  rows: readonly (readonly unknown[])[],
): string | undefined {
  if (spec.expect_min_rows !== undefined && rows.length < spec.expect_min_rows)
    return `query returned ${rows.length} rows, want at least ${spec.expect_min_rows}`;
  if (spec.expect_first_value !== undefined) {
    if (rows.length === 0 || rows[0].length === 0)
      return `query returned no value, want ${JSON.stringify(spec.expect_first_value)}`;
    const got = valueText(rows[0][0]);
    if (got !== spec.expect_first_value)
      return `first value is ${JSON.stringify(got)}, want ${JSON.stringify(spec.expect_first_value)}`;
  }
  return undefined;
}

/** A column value as text: NULL as `NULL`, dates in ISO 8601, bytes as UTF-8. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? typeof v;
}

export function queryDurationMetric(seconds: number): ProbeMetric {
  return gauge(
    'probe_db_query_duration_seconds',
    seconds,
    'Time taken by the check query, in seconds (Argus extension)',
  );
}

/** A driver error's own message (drivers put the server's words there; no cause chain). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The error of a result cut off at the body limit. */
export function tooLargeText(max: number): string {
  return `cannot run query: result is larger than ${max} bytes (the body limit)`;
}

/**
 * The first step of a SQL probe: the password (added to `secrets`, so no error text shows it)
 * and a TCP socket to the server opened through the guard, handed to the driver after.
 */
export async function sqlConnect(
  spec: SqlSpec,
  ctx: ProbeContext,
  secrets: string[],
): Promise<{ password: string | undefined; sock: Socket }> {
  const password = spec.password === undefined ? undefined : await ctx.secret(spec.password);
  if (password !== undefined) secrets.push(password);
  const sock = await guardedConnect(ctx.guard, spec.host, spec.port, {
    tenant: ctx.tenant,
    timeoutMs: ctx.timeoutMs,
  });
  return { password, sock };
}
