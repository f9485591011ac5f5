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

const zTenantKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  error: (iss) => `expected a tenant id (1-63 of [a-z0-9_-]), got ${JSON.stringify(iss.input)}`,
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
    tenants: z
      .record(zTenantKey, z.object({ allow: z.array(zAllowEntry).default([]) }).strict())
      .default({}),
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
