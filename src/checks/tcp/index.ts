/**
 * @module checks/tcp
 * The `tcp` check kind: a TCP (optionally TLS) connection through the outbound guard, with an
 * optional send and an RE2 expectation on the reply (blackbox_exporter's tcp prober).
 */
import type { CheckKind } from '../types.js';
import { probeTcp } from './tcp-probe.js';
import { type TcpSpec, tcpSpecSchema } from './tcp-schema.js';

export { tcpSpecSchema, type TcpSpec } from './tcp-schema.js';

export const tcpKind: CheckKind<TcpSpec> = {
  name: 'tcp',
  description: 'TCP (or TLS) connect with optional send and expected reply',
  schema: tcpSpecSchema,
  secretFields: ['tls.key'],
  target: (spec) => `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`,
  probe: probeTcp,
};
