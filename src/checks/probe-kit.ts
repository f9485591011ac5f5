/**
 * Pieces the connection-based kinds (postgres, mysql, redis, grpc) share: the host/port/TLS
 * fields, a probe frame that times the probe and turns any throw into a failed result, the
 * certificate-expiry gauge, and scrubbing of credentials from error text.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { z } from 'zod';
import { errorChain } from '../util/index.js';
import { certMetrics, peerCertificates } from './tls/tls-certs.js';
import type { ProbeContext, ProbeMetric, ProbeResult } from './types.js';

export const zHost = z.string().min(1).max(253);
export const zPort = (def: number) => z.number().int().min(1).max(65535).default(def);

/** `host:port`, bracketing IPv6 literals (the `instance` label; never carries credentials). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** What a probe body returns; the frame adds success and duration. */
export interface ProbeOutcome {
  readonly error?: string;
  readonly metrics?: readonly ProbeMetric[];
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A failure the probe body reports with metrics gathered so far (a throw of anything else
 * becomes a result with the error's chain as text and no metrics).
 */
export class ProbeFailure extends Error {
  constructor(
    message: string,
    readonly outcome: Omit<ProbeOutcome, 'error'> = {},
  ) {
    super(message);
  }
}

/**
 * Runs `body` as one probe: never throws, times it with `ctx.now()`, and removes every secret
 * in `secrets` from the error text (a driver may echo a connection string or a command).
 */
export async function runProbe(
  ctx: ProbeContext,
  secrets: readonly string[],
  body: () => Promise<ProbeOutcome>,
): Promise<ProbeResult> {
  const start = ctx.now();
  let out: ProbeOutcome;
  try {
    out = await body();
  } catch (err) {
    out =
      err instanceof ProbeFailure
        ? { ...err.outcome, error: err.message }
        : { error: ctx.signal.aborted ? timeoutText(ctx, err) : errorChain(err) };
  }
  const durationSeconds = Math.max(0, ctx.now() - start) / 1000;
  const error = out.error === undefined ? undefined : scrub(out.error, secrets);
  return {
    success: error === undefined,
    durationSeconds,
    ...(error !== undefined && { error }),
    metrics: out.metrics ?? [],
    ...(out.detail && { detail: out.detail }),
  };
}

function timeoutText(ctx: ProbeContext, err: unknown): string {
  return `no answer within the timeout of ${ctx.timeoutMs}ms (${errorChain(err)})`;
}

/** Replaces each (non-trivial) secret in `text` with `<redacted>`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('<redacted>');
  return out;
}

/** Destroys `sock` when the probe's signal fires; returns the function that stops watching. */
export function destroyOnAbort(sock: Socket, signal: AbortSignal): () => void {
  const onAbort = (): void => {
    sock.destroy(new Error('probe timed out'));
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/**
 * Counts the bytes arriving on `sock` (a driver's stream) and destroys it once more than `max`
 * arrived, so a query cannot make a driver buffer an unbounded result. Returns whether that
 * happened.
 */
export function capReads(sock: Socket, max: number): () => boolean {
  let n = 0;
  let over = false;
  sock.on('data', (d: Buffer) => {
    n += d.length;
    if (n > max && !over) {
      over = true;
      sock.destroy(new Error(`more than ${max} bytes`));
    }
  });
  return () => over;
}

/** Rejects with the signal's reason once it fires (for racing a driver call). */
export function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fire = (): void => reject(new Error('probe timed out'));
    if (signal.aborted) fire();
    else signal.addEventListener('abort', fire, { once: true });
  });
}

/**
 * The TLS gauges of a handshake as the tls kind reports them (probe_tls_version_info,
 * probe_ssl_earliest_cert_expiry, probe_ssl_last_chain_expiry_timestamp_seconds).
 */
export function tlsMetrics(sock: TLSSocket): ProbeMetric[] {
  return certMetrics(peerCertificates(sock), sock.getProtocol());
}

export function gauge(
  name: string,
  value: number,
  help: string,
  labels?: Record<string, string>,
): ProbeMetric {
  return { name, value, help, ...(labels && { labels }) };
}

/** TLS fields of the kinds that speak TLS from the first byte (redis, grpc). */
export const tlsFields = {
  /** Connect with TLS. */
  tls: z.boolean().default(false),
  /** Accept any certificate (self-signed, expired, wrong name): still encrypted, not verified. */
  tls_insecure_skip_verify: z.boolean().default(false),
  /** Name to verify the certificate against (default: host). */
  tls_server_name: z.string().min(1).optional(),
  /** Extra trusted CA certificates (PEM text; files are not read, as API users must not). */
  tls_ca: z.string().min(1).optional(),
};
export interface TlsSpec {
  readonly tls: boolean;
  readonly tls_insecure_skip_verify: boolean;
  readonly tls_server_name?: string | undefined;
  readonly tls_ca?: string | undefined;
}

/** Options for `guardedConnect`'s `tls`, or undefined for plain TCP. */
export function tlsOptions(spec: TlsSpec): ConnectionOptions | undefined {
  if (!spec.tls) return undefined;
  return {
    rejectUnauthorized: !spec.tls_insecure_skip_verify,
    ...(spec.tls_server_name !== undefined && { servername: spec.tls_server_name }),
    ...(spec.tls_ca !== undefined && { ca: spec.tls_ca }),
  };
}
