/** The icmp kind's fields. Each field's doc comment (and `.describe()`) documents it. */
import { z } from 'zod';
import { zDuration } from '../../config/index.js';
import { zHost } from '../tcp/tcp-schema.js';

/**
 * The icmp kind: resolves `host` through the outbound guard, then runs the system's `ping`
 * (iputils) on the address. Fails when no echo reply came back, when the loss exceeds
 * `max_loss_percent`, or when the average round trip exceeds `max_rtt`.
 *
 * `ping` needs CAP_NET_RAW or an unprivileged ICMP socket (`net.ipv4.ping_group_range` covering
 * Argus's group); Debian's iputils-ping carries the file capability `cap_net_raw=ep`.
 */
export const icmpSpecSchema = z
  .object({
    /** Host name or IP address to ping. */
    host: zHost.describe('Host name or IP address.'),
    /** Echo requests sent per probe (default 3). */
    count: z.number().int().min(1).max(100).default(3).describe('Echo requests per probe.'),
    /** Time between echo requests (default 1s; at least 200ms, ping's unprivileged minimum). */
    packet_interval: zDuration
      .default(1000)
      .refine((ms) => ms >= 200, { message: 'must be at least 200ms' })
      .describe('Time between echo requests (default 1s, at least 200ms).'),
    /**
     * Fail when more than this percentage of requests got no reply (default 100: only a probe
     * with no reply at all fails, as in blackbox_exporter).
     */
    max_loss_percent: z
      .number()
      .min(0)
      .max(100)
      .default(100)
      .describe('Fail when more than this % of requests are lost (default 100).'),
    /** Fail when the average round trip is longer. */
    max_rtt: zDuration.optional().describe('Fail when the average round trip is longer.'),
  })
  .strict();
export type IcmpSpec = z.output<typeof icmpSpecSchema>;
