/**
 * TLS pieces shared by the http, tcp and tls kinds: the `tls:` options block and the
 * blackbox_exporter certificate metrics of a handshake.
 */
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
import { z } from 'zod';
import { type ProbeContext, type ProbeMetric, secretRefSchema } from '../types.js';

/**
 * Client TLS options (blackbox_exporter's `tls_config`). Files named here are read through the
 * secret resolver as `{file: …}` references, so the API's refusal of server files applies.
 */
export const tlsFields = {
  /** Do not verify the server's chain and name (only read its certificates). */
  insecure_skip_verify: z
    .boolean()
    .default(false)
    .describe("Skip verification of the server's certificate chain and host name."),
  /** PEM CA certificates to trust instead of Node's bundled roots. */
  ca: z.string().min(1).optional().describe('PEM CA certificate(s) to trust (inline).'),
  /** A file with PEM CA certificates (alternative to `ca`). */
  ca_file: z.string().min(1).optional().describe('File with PEM CA certificate(s) to trust.'),
  /** PEM client certificate (mutual TLS), with `key`/`key_file`. */
  cert: z.string().min(1).optional().describe('PEM client certificate (inline).'),
  cert_file: z.string().min(1).optional().describe('File with the PEM client certificate.'),
  /** The client certificate's private key: a secret (value, `{secret: …}` or `{file: …}`). */
  key: secretRefSchema.optional().describe('Client private key (a secret reference).'),
  key_file: z.string().min(1).optional().describe('File with the PEM client private key.'),
  /** SNI and the name the certificate must match (default: the target's host name). */
  server_name: z
    .string()
    .min(1)
    .optional()
    .describe('Server name for SNI and certificate verification.'),
};

/** The cross-field rules of the TLS options (for schemas that embed `tlsFields`). */
export function refineTls(o: TlsFieldValues, ctx: z.RefinementCtx): void {
  const both = (a: keyof typeof o, b: keyof typeof o): void => {
    if (o[a] !== undefined && o[b] !== undefined)
      ctx.addIssue({ code: 'custom', path: [b], message: `give ${a} or ${b}, not both` });
  };
  both('ca', 'ca_file');
  both('cert', 'cert_file');
  both('key', 'key_file');
  const hasCert = o.cert !== undefined || o.cert_file !== undefined;
  const hasKey = o.key !== undefined || o.key_file !== undefined;
  if (hasCert !== hasKey)
    ctx.addIssue({
      code: 'custom',
      path: [hasCert ? 'key' : 'cert'],
      message: 'a client certificate needs both cert (or cert_file) and key (or key_file)',
    });
}

type TlsFieldValues = z.output<z.ZodObject<typeof tlsFields>>;

export const tlsOptionsSchema = z.object(tlsFields).strict().superRefine(refineTls);
export type TlsOptions = z.output<typeof tlsOptionsSchema>;

/** Node connection options for a `tls:` block (reads files and secrets). */
export async function tlsConnectionOptions(
  o: TlsFieldValues | undefined,
  ctx: ProbeContext,
): Promise<ConnectionOptions> {
  if (!o) return {};
  const read = async (
    field: string,
    value?: string,
    file?: string,
  ): Promise<string | undefined> => {
    if (value !== undefined) return value;
    if (file === undefined) return undefined;
    try {
      return await ctx.secret({ file });
    } catch (err) {
      throw new Error(`cannot read tls.${field}: ${(err as Error).message}`, { cause: err });
    }
  };
  let key: string | undefined;
  if (o.key !== undefined) {
    try {
      key = await ctx.secret(o.key);
    } catch (err) {
      throw new Error(`cannot read tls.key: ${(err as Error).message}`, { cause: err });
    }
  } else key = await read('key_file', undefined, o.key_file);
  const ca = await read('ca_file', o.ca, o.ca_file);
  const cert = await read('cert_file', o.cert, o.cert_file);
  return {
    rejectUnauthorized: !o.insecure_skip_verify,
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(o.server_name !== undefined ? { servername: o.server_name } : {}),
  };
}

/** `TLSv1.3` → `TLS 1.3`, the label value blackbox_exporter uses. */
export function tlsVersionLabel(protocol: string | null | undefined): string {
  if (!protocol) return 'unknown';
  const m = /^TLSv(\d(?:\.\d)?)$/.exec(protocol);
  return m ? `TLS ${m[1].includes('.') ? m[1] : `${m[1]}.0`}` : protocol;
}

/** notAfter of a certificate in ms since the epoch. */
export function certNotAfter(c: PeerCertificate): number {
  return Date.parse(c.valid_to);
}

/**
 * blackbox_exporter's certificate gauges for one handshake. Node exposes the one chain the
 * server sent (issuer links), so the last chain's expiry is that chain's earliest notAfter.
 */
export function certMetrics(
  certs: readonly PeerCertificate[],
  protocol: string | null,
): ProbeMetric[] {
  const out: ProbeMetric[] = [
    {
      name: 'probe_tls_version_info',
      value: 1,
      labels: { version: tlsVersionLabel(protocol) },
      help: 'The TLS version used, as the version label',
    },
  ];
  const expiries = certs.map(certNotAfter).filter((t) => Number.isFinite(t));
  if (expiries.length === 0) return out;
  const earliest = Math.min(...expiries) / 1000;
  out.push(
    {
      name: 'probe_ssl_earliest_cert_expiry',
      value: earliest,
      help: 'Returns last SSL chain expiry in unixtime',
    },
    {
      name: 'probe_ssl_last_chain_expiry_timestamp_seconds',
      value: earliest,
      help: 'Returns last SSL chain expiry in timestamp seconds',
    },
  );
  return out;
}

/** A certificate subject's or issuer's CN (first one), or '' when it has none. */
export function commonName(name: { CN?: string | string[] } | undefined): string {
  const cn = name?.CN;
  return (Array.isArray(cn) ? cn[0] : cn) ?? '';
}

/** The peer's certificates, leaf first, following issuer links (a self-signed root once). */
export function peerCertificates(sock: TLSSocket): PeerCertificate[] {
  const out: PeerCertificate[] = [];
  let cert = sock.getPeerCertificate(true);
  while (Object.keys(cert).length > 0 && out.length < 16) {
    out.push(cert);
    if (!cert.issuerCertificate || cert.issuerCertificate === cert) break;
    cert = cert.issuerCertificate;
  }
  return out;
}
