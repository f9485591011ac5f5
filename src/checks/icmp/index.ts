/**
 * @module checks/icmp
 * The `icmp` check kind: echo requests with the system `ping` to an address resolved through the
 * outbound guard; packet loss and round-trip conditions and blackbox_exporter's icmp metrics
 * (plus `probe_icmp_packet_loss_ratio`, an Argus extension).
 */
import type { CheckKind } from '../types.js';
import { probeIcmp } from './icmp-probe.js';
import { type IcmpSpec, icmpSpecSchema } from './icmp-schema.js';

export { icmpSpecSchema, type IcmpSpec } from './icmp-schema.js';

export const icmpKind: CheckKind<IcmpSpec> = {
  name: 'icmp',
  description: 'ICMP echo (ping): packet loss and round-trip time',
  schema: icmpSpecSchema,
  target: (spec) => spec.host,
  probe: probeIcmp,
};
