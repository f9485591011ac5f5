import { z } from 'zod';
import { zBytes, zDuration } from '../config/index.js';
import { AllowList } from './allow.js';
import { InvalidAllowEntryError } from './errors.js';
import {
  type AddressResolver,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  OutboundGuard,
} from './guard.js';

const zAllowEntry = z.string().superRefine((s, ctx) => {
  try {
    AllowList.parse([s]);
  } catch (err) {
    if (!(err instanceof InvalidAllowEntryError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
  }
});

const TENANT_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const zTenants = z
  .record(z.string(), z.object({ allow: z.array(zAllowEntry).default([]) }).strict())
  .superRefine((rec, ctx) => {
    // zod reports a bad record key only as "Invalid key in record": say what a tenant id is.
    for (const key of Object.keys(rec)) {
      if (!TENANT_RE.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `expected a tenant id (1-63 of [a-z0-9_-]), got ${JSON.stringify(key)}`,
        });
      }
    }
  });

/** `outbound:` in argus.yml: what user-supplied destinations (API, UI) may reach. */
export const outboundConfigSchema = z
  .object({
    /** CIDRs, IPs, host names and `*.domain` wildcards reachable although not public. */
    allow: z.array(zAllowEntry).default([]),
    /** Guard destinations written in argus.yml too (by default they are trusted). */
    guard_config_targets: z.boolean().default(false),
    /** Cap on one response body. */
    max_body_bytes: zBytes.default(DEFAULT_MAX_BODY_BYTES),
    /** Deadline of one outbound request, redirects included. */
    timeout: zDuration.default(DEFAULT_TIMEOUT_MS),
    /** Extra allow entries per tenant. */
    tenants: zTenants.default({}),
  })
  .strict();

export type OutboundConfig = z.output<typeof outboundConfigSchema>;

/** The defaults, as a parsed config. */
export function defaultOutboundConfig(): OutboundConfig {
  return outboundConfigSchema.parse({});
}

/** Builds the guard for API/UI destinations from a parsed `outbound:` section. */
export function guardFromConfig(cfg: OutboundConfig, resolver?: AddressResolver): OutboundGuard {
  return new OutboundGuard({
    allow: cfg.allow,
    tenants: cfg.tenants,
    maxBodyBytes: cfg.max_body_bytes,
    timeoutMs: cfg.timeout,
    guardConfigTargets: cfg.guard_config_targets,
    resolver,
  });
}
