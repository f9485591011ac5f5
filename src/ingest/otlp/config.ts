import { z } from 'zod';
import { zBytes } from '../../config/index.js';

/** `ingest.otlp` in argus.yml: the OTLP/HTTP metrics receiver. */
export const otlpConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Largest accepted request body as sent (gzip-compressed or not). */
    max_body_bytes: zBytes.default(16 * 2 ** 20),
    /** Largest accepted body after gzip decompression (decompression-bomb guard). */
    max_decompressed_bytes: zBytes.default(64 * 2 ** 20),
    /**
     * Resource attributes copied onto every series as labels (as Prometheus's
     * `otlp.promote_resource_attributes`), besides service.* → job/instance.
     */
    promote_resource_attributes: z
      .array(z.string().min(1, 'an attribute name must not be empty'))
      .default([])
      .refine((a) => new Set(a).size === a.length, 'lists an attribute twice'),
  })
  .strict();

export type OtlpConfig = z.output<typeof otlpConfigSchema>;
