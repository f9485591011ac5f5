/**
 * `logs:` in argus.yml (issue #9): the log store, retention, the log API's limits, and the
 * syslog and file inputs. Per-tenant log limits live under `limits:` (tenancy).
 */
import { z } from 'zod';
import { parseSeriesSelector } from '../api/index.js';
import { zBytes, zDuration } from '../config/index.js';
import { filesConfigSchema } from '../ingest/files/index.js';
import { syslogConfigSchema } from '../ingest/syslog/index.js';
import { logsStoreConfigSchema } from '../logs/index.js';

/** A stream selector like `{env="dev"}`, parsed when the config is read. */
const zSelector = z.string().transform((s, ctx) => {
  try {
    return { text: s, matchers: parseSeriesSelector(s) };
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a stream selector like {env="dev"}: ${(err as Error).message}`,
    });
    return z.NEVER;
  }
});

export const logsRetentionSchema = z
  .object({
    /** How long logs are kept (every tenant; `limits.tenants.<id>.log_retention` overrides). 0 = forever. */
    period: zDuration.default(30 * 86_400_000),
    /** Total size cap of stored chunks over all tenants; oldest chunks go first. 0 = none. */
    max_size: zBytes.default(0),
    /** Per stream selector, first match wins (a rule with `tenant:` applies to that tenant only). */
    streams: z
      .array(
        z
          .object({
            selector: zSelector,
            period: zDuration,
            tenant: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const logsApiConfigSchema = z
  .object({
    /** Largest push body (after decompression). */
    max_body_size: zBytes.default(64 * 2 ** 20),
    /** Largest `limit` a log query may ask for (Loki's max_entries_limit_per_query). */
    max_entries_limit: z.number().int().min(1).max(1_000_000).default(5000),
    /** Live tails (`/loki/api/v1/tail`, the UI's live mode) open at once per tenant. */
    max_tails_per_tenant: z.number().int().min(0).max(1000).default(10),
  })
  .strict();

export type LogsRetentionConfig = z.output<typeof logsRetentionSchema>;

export const logsConfigSchema = z
  .object({
    /** Off: no log store, no log routes, no log inputs. */
    enabled: z.boolean().default(true),
    store: logsStoreConfigSchema.prefault({}),
    retention: logsRetentionSchema.prefault({}),
    api: logsApiConfigSchema.prefault({}),
    /** The syslog listener (off by default). */
    syslog: syslogConfigSchema.prefault({}),
    /** Files the server tails (none by default). */
    files: filesConfigSchema,
  })
  .strict();
