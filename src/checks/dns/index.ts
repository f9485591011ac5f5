/**
 * @module checks/dns
 * The `dns` check kind: one query (A, AAAA, CNAME, MX, TXT, NS, SOA, SRV, PTR, CAA) to the
 * system's or a given resolver (its address checked by the outbound guard), with rcode and
 * answer expectations and blackbox_exporter's dns metrics.
 */
import type { CheckKind } from '../types.js';
import { probeDns } from './dns-probe.js';
import { type DnsSpec, dnsSpecSchema } from './dns-schema.js';

export { dnsSpecSchema, type DnsSpec, RECORD_TYPES } from './dns-schema.js';

export const dnsKind: CheckKind<DnsSpec> = {
  name: 'dns',
  description: 'DNS query with expected response code and answers',
  schema: dnsSpecSchema,
  target: (spec) =>
    `${spec.query_name} ${spec.record_type}${spec.resolver !== undefined ? ` @${spec.resolver}` : ''}`,
  probe: probeDns,
};
