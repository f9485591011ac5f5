import { z } from 'zod';
import { zBytes, zDuration } from '../../config/index.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** `host:port`, `:port` (all interfaces) or `[v6]:port`; port 0 picks a free one. */
export function parseListenAddress(s: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]), port };
}

const zAddress = z
  .string()
  .refine(
    (s) => parseListenAddress(s) !== undefined,
    'expected a listen address like 127.0.0.1:5514, :5514 or [::1]:5514',
  );

/** `ingest.syslog` in argus.yml: the syslog listener (RFC 5424/3164, UDP and TCP). Off by default. */
export const syslogConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** UDP listen address; one datagram is one message. */
    udp: zAddress.optional(),
    /** TCP listen address; octet-counting and LF/NUL framing detected per frame. */
    tcp: zAddress.optional(),
    /** Tenant the records are stored for. */
    tenant: z.string().regex(TENANT, 'expected a tenant id: 1-63 of [a-z0-9_-]').default('default'),
    /** Extra stream labels; `job` defaults to "syslog". `host` and `app` come from each message. */
    labels: z.record(z.string().regex(LABEL_NAME, 'expected a label name'), z.string()).default({}),
    /** Longer messages are cut to this size and counted. */
    max_message_size: zBytes.default(64 * 1024),
    max_connections: z.number().int().positive().default(1000),
    /** A TCP connection silent for this long is closed. */
    idle_timeout: zDuration.default(300_000),
    /** A batch is committed when it holds this many records… */
    batch_size: z.number().int().positive().default(1000),
    /** …or when its oldest record has waited this long. */
    batch_wait: zDuration.default(1000),
  })
  .strict()
  .refine((c) => !c.enabled || c.udp !== undefined || c.tcp !== undefined, {
    message: 'enabled without a listener: set udp, tcp or both',
  });

export type SyslogConfig = z.output<typeof syslogConfigSchema>;
