import { z } from 'zod';
import { zBytes } from '../../config/index.js';

/** `ingest.remote_write` in argus.yml: the Prometheus remote_write 1.0 receiver. */
export const remoteWriteConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Largest accepted request body (snappy-compressed), checked before reading it all. */
    max_body_bytes: zBytes.default(16 * 2 ** 20),
    /** Largest accepted decompressed body (decompression-bomb guard; checked from the header). */
    max_decompressed_bytes: zBytes.default(128 * 2 ** 20),
  })
  .strict();

export type RemoteWriteConfig = z.output<typeof remoteWriteConfigSchema>;
