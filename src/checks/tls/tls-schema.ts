/** The tls (certificate) kind's fields. Each field's doc comment (and `.describe()`) documents it. */
import { z } from 'zod';
import { zHost, zPort } from '../tcp/tcp-schema.js';
import { refineTls, tlsFields } from './tls-certs.js';

/**
 * The tls kind: connects, completes a handshake and checks the server's certificates: days to
 * expiry, chain validity (Node's verification against its bundled roots or `ca`) and host name
 * match. With `insecure_skip_verify` only the dates are checked.
 */
export const tlsSpecSchema = z
  .object({
    /** Host name or IP address to connect to. */
    host: zHost.describe('Host name or IP address.'),
    /** TCP port (default 443). */
    port: zPort.default(443).describe('TCP port (default 443).'),
    /**
     * Fail when the earliest-expiring certificate of the chain has fewer days left (default 14;
     * 0 fails only expired certificates).
     */
    min_days_left: z
      .number()
      .min(0)
      .max(3650)
      .default(14)
      .describe('Fail when a certificate expires in fewer days (default 14).'),
    ...tlsFields,
  })
  .strict()
  .superRefine(refineTls);
export type TlsSpec = z.output<typeof tlsSpecSchema>;
