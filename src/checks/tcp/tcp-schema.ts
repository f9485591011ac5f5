/** The tcp kind's fields. Each field's doc comment (and `.describe()`) documents it. */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { tlsOptionsSchema } from '../tls/tls-certs.js';

/** `host` as a name or IP literal (IPv6 without brackets). */
export const zHost = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[^\s/[\]@]+$/, 'expected a host name or IP address (no scheme, path or port)');

export const zPort = z.number().int().min(1).max(65535);

/** The tcp kind (blackbox_exporter's tcp prober with one send/expect step). */
export const tcpSpecSchema = z
  .object({
    /** Host name or IP address to connect to. */
    host: zHost.describe('Host name or IP address.'),
    /** TCP port. */
    port: zPort.describe('TCP port.'),
    /** `true` to connect with TLS, or TLS options (which imply TLS). Default false. */
    tls: z
      .union([z.boolean(), tlsOptionsSchema])
      .default(false)
      .describe('true, or TLS options, to connect with TLS.'),
    /** Text written after connecting (use "\r\n" in YAML double quotes for line ends). */
    send: z.string().optional().describe('Text to send after connecting.'),
    /**
     * RE2 expression the data read must match (unanchored). Reading stops at a match, when the
     * peer closes, after `max_read_bytes` (default 64 KiB, at most the body cap) or at the
     * timeout.
     */
    expect: z
      .string()
      .superRefine((re, ctx) => {
        try {
          RE2JS.compile(re);
        } catch (err) {
          ctx.addIssue({
            code: 'custom',
            message: `invalid RE2 regular expression ${JSON.stringify(re)}: ${(err as Error).message}`,
          });
        }
      })
      .optional()
      .describe('RE2 expression the received data must match.'),
    /** Most bytes read while waiting for `expect`. */
    max_read_bytes: z
      .number()
      .int()
      .min(1)
      .default(65536)
      .describe('Most bytes read while waiting for expect.'),
  })
  .strict();
export type TcpSpec = z.output<typeof tcpSpecSchema>;
