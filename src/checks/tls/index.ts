/**
 * @module checks/tls
 * The `tls` check kind: a TLS handshake through the outbound guard that checks the server's
 * certificates (days to expiry, chain validity, host name) and reports blackbox_exporter's
 * certificate metrics.
 */
import type { CheckKind } from '../types.js';
import { probeTls } from './tls-probe.js';
import { type TlsSpec, tlsSpecSchema } from './tls-schema.js';

export { tlsSpecSchema, type TlsSpec } from './tls-schema.js';
export { tlsOptionsSchema, type TlsOptions } from './tls-certs.js';

export const tlsKind: CheckKind<TlsSpec> = {
  name: 'tls',
  description: 'TLS certificate: days to expiry, chain validity and host name match',
  schema: tlsSpecSchema,
  secretFields: ['key'],
  target: (spec) => `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`,
  probe: probeTls,
};
