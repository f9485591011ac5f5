import { z } from 'zod';
import { remoteWriteConfigSchema } from '../ingest/remote-write/index.js';
import { tsdbConfigSchema } from '../tsdb/index.js';

/** `HOST:PORT`, `:PORT` (all interfaces) or `[IPv6]:PORT`. */
export interface ListenAddress {
  host: string;
  port: number;
}

const LISTEN_RE = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/;

/** Parses a listen address; undefined when it is not one. An empty host means all interfaces. */
export function parseListen(s: string): ListenAddress | undefined {
  const m = LISTEN_RE.exec(s);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? '', port };
}

const zListen = z.string().refine((s) => parseListen(s) !== undefined, {
  error: (iss) =>
    `expected an address like :9470, 127.0.0.1:9470 or [::1]:9470, got ${JSON.stringify(iss.input)}`,
});

const zExternalUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: (iss) => `expected an absolute http(s) URL, got ${JSON.stringify(iss.input)}` },
);

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The whole argus.yml. Each module owns its section's schema; unknown keys are errors. */
export const argusConfigSchema = z
  .object({
    global: z
      .object({
        /** The URL users reach Argus at (links in notifications, `$externalURL`). */
        external_url: zExternalUrl.optional(),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        /** HTTP listen address (needs a restart to change). */
        listen: zListen.default(':9470'),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        /** auto = pretty when stdout is a terminal, JSON otherwise. */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict()
      .prefault({}),
    storage: z
      .object({ tsdb: tsdbConfigSchema.prefault({}) })
      .strict()
      .prefault({}),
    ingest: z
      .object({ remote_write: remoteWriteConfigSchema.prefault({}) })
      .strict()
      .prefault({}),
  })
  .strict();

export type ArgusConfig = z.output<typeof argusConfigSchema>;

/** The built-in defaults (what an empty or missing config file means). */
export function defaultArgusConfig(): ArgusConfig {
  return argusConfigSchema.parse({});
}
