import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { describeValue, zDuration } from '../config/index.js';
import { DEFAULT_TENANT, tenantId } from '../model/index.js';

/** A parsed CIDR, in the shape `net.BlockList.addSubnet` takes. */
export interface Cidr {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Returns an error
 * message instead of throwing, for config validation.
 */
export function parseCidr(s: string): Cidr | string {
  const slash = s.indexOf('/');
  const network = slash < 0 ? s : s.slice(0, slash);
  const v = isIP(network);
  if (v === 0) return `expected a CIDR like 10.0.0.0/8 or fd00::/8, got ${JSON.stringify(s)}`;
  const max = v === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    prefix = /^\d{1,3}$/.test(p) ? Number(p) : NaN;
    if (!(prefix >= 0 && prefix <= max)) {
      return `expected a prefix length 0-${max} in CIDR ${JSON.stringify(s)}, got ${JSON.stringify(p)}`;
    }
  }
  return { network, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** A BlockList matching any of the CIDRs (already validated by the schema). */
export function cidrBlockList(cidrs: readonly Cidr[]): BlockList {
  const bl = new BlockList();
  for (const c of cidrs) bl.addSubnet(c.network, c.prefix, c.family);
  return bl;
}

const zCidr = z.unknown().transform((s, ctx): Cidr => {
  const r =
    typeof s === 'string'
      ? parseCidr(s.trim())
      : `expected a CIDR like 10.0.0.0/8, got ${describeValue(s)}`;
  if (typeof r === 'string') {
    ctx.addIssue({ code: 'custom', message: r });
    return z.NEVER;
  }
  return r;
});

const zTenant = z.string().transform((s, ctx) => {
  try {
    return tenantId(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const positiveInt = z.number().int().positive();
const positiveDuration = zDuration.refine((ms) => ms > 0, {
  error: 'expected a duration above 0, like 30m or 7d',
});

/** `auth:` in argus.yml: sessions, the login rate limit, and what is open without credentials. */
export const authConfigSchema = z
  .object({
    /** Absolute lifetime of a login session. */
    session_ttl: positiveDuration.default(7 * 86_400_000),
    /** A session unused this long expires (each use slides it, up to session_ttl). */
    session_idle_timeout: zDuration
      .refine((ms) => ms >= 60_000, {
        error: 'expected at least 1m (use is recorded about once a minute)',
      })
      .default(86_400_000),
    login_rate_limit: z
      .object({
        /** Failed logins per username per window before its logins are refused. */
        per_user: positiveInt.default(5),
        /** Failed logins (and Basic auth failures) per client address per window. */
        per_address: positiveInt.default(20),
        window: positiveDuration.default(5 * 60_000),
      })
      .strict()
      .prefault({}),
    /** Access without credentials, beyond /-/healthy and /-/ready. Closed by default. */
    open: z
      .object({
        /** GET /metrics (Argus's own metrics) without credentials. */
        metrics: z.boolean().default(false),
        /** Ingestion without a token from these client networks, into the named tenant. */
        ingest: z
          .array(
            z
              .object({
                cidrs: z.array(zCidr).min(1, { error: 'expected at least one CIDR' }),
                tenant: zTenant.default(DEFAULT_TENANT),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.session_idle_timeout > c.session_ttl)
      ctx.addIssue({
        code: 'custom',
        path: ['session_idle_timeout'],
        message: `expected at most session_ttl (${c.session_ttl / 1000}s), got ${c.session_idle_timeout / 1000}s`,
      });
  });

export type AuthConfig = z.output<typeof authConfigSchema>;

/** The defaults, as a parsed config. */
export function defaultAuthConfig(): AuthConfig {
  return authConfigSchema.parse({});
}
