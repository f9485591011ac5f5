/** One probe of a tls (certificate) check. */
import tls, { type TLSSocket } from 'node:tls';
import { describeError, timedConnect } from '../tcp/tcp-connect.js';
import type { ProbeContext, ProbeResult } from '../types.js';
import {
  certMetrics,
  certNotAfter,
  commonName,
  peerCertificates,
  tlsConnectionOptions,
  tlsVersionLabel,
} from './tls-certs.js';
import type { TlsSpec } from './tls-schema.js';

const DAY_MS = 86_400_000;

/** OpenSSL's wording of the usual verification failures (Node reports only the code). */
const VERIFY_TEXT: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate revoked',
};

export async function probeTls(spec: TlsSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const start = ctx.now();
  let sock: TLSSocket | undefined;
  try {
    const opts = await tlsConnectionOptions(spec, ctx);
    // Verify ourselves after the handshake, so an invalid chain still reports its dates.
    const conn = await timedConnect(ctx, spec.host, spec.port, {
      ...opts,
      rejectUnauthorized: false,
    });
    sock = conn.socket as TLSSocket;
    const certs = peerCertificates(sock);
    const metrics = [
      ...certMetrics(certs, sock.getProtocol()),
      {
        name: 'probe_dns_lookup_time_seconds',
        value: conn.resolveMs / 1000,
        help: 'Returns the time taken for probe dns lookup in seconds',
      },
    ];
    const durationSeconds = (ctx.now() - start) / 1000;
    if (certs.length === 0)
      return { success: false, durationSeconds, error: 'server sent no certificate', metrics };
    // The earliest-expiring certificate of the chain decides.
    const soonest = certs.reduce((a, b) => (certNotAfter(b) < certNotAfter(a) ? b : a));
    const notAfter = certNotAfter(soonest);
    const daysLeft = Math.floor((notAfter - ctx.now()) / DAY_MS);
    const leaf = certs[0];
    const detail = {
      days_left: daysLeft,
      not_after: new Date(notAfter).toISOString(),
      subject: commonName(leaf.subject),
      issuer: commonName(leaf.issuer),
      expiring_subject: commonName(soonest.subject),
      tls_version: tlsVersionLabel(sock.getProtocol()),
      authorized: sock.authorized,
    };
    const error = verdict(spec, sock, leaf, notAfter, daysLeft, ctx.now());
    return {
      success: error === undefined,
      durationSeconds,
      ...(error !== undefined ? { error } : {}),
      metrics,
      detail,
    };
  } catch (err) {
    return {
      success: false,
      durationSeconds: (ctx.now() - start) / 1000,
      error: describeError(err),
      metrics: [],
    };
  } finally {
    sock?.destroy();
  }
}

function verdict(
  spec: TlsSpec,
  sock: TLSSocket,
  leaf: tls.PeerCertificate,
  notAfter: number,
  daysLeft: number,
  now: number,
): string | undefined {
  const when = new Date(notAfter).toISOString();
  if (notAfter <= now)
    return `certificate expired ${Math.floor((now - notAfter) / DAY_MS)} days ago (${when})`;
  if (daysLeft < spec.min_days_left)
    return `certificate expires in ${daysLeft} days (${when}), want at least ${spec.min_days_left}`;
  if (spec.insecure_skip_verify) return undefined;
  const name = spec.server_name ?? spec.host;
  const mismatch = tls.checkServerIdentity(name, leaf);
  if (mismatch) return `certificate does not match ${JSON.stringify(name)}: ${mismatch.message}`;
  if (!sock.authorized) {
    // Typed as Error, but Node sets the OpenSSL code string (e.g. DEPTH_ZERO_SELF_SIGNED_CERT).
    const e: unknown = sock.authorizationError;
    const code =
      typeof e === 'string' ? e : String((e as NodeJS.ErrnoException | null)?.code ?? '');
    const text = VERIFY_TEXT[code] ?? (e instanceof Error ? e.message : code || 'unknown reason');
    return `certificate chain is not valid: ${text}${code && code !== text ? ` (${code})` : ''}`;
  }
  return undefined;
}
