/** The dns kind's fields. Each field's doc comment (and `.describe()`) documents it. */
import { z } from 'zod';

export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'TXT',
  'NS',
  'SOA',
  'SRV',
  'PTR',
  'CAA',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export const RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'] as const;

/** `host`, `host:port`, `ip`, `ip:port` or `[ipv6]:port` (default port 53). */
export function parseResolver(s: string): { host: string; port: number } | undefined {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(s);
  if (bracketed) return withPort(bracketed[1], bracketed[2]);
  if ((s.match(/:/g) ?? []).length > 1) return /^[0-9a-fA-F:.]+$/.test(s) ? withPort(s) : undefined;
  const m = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(s);
  return m ? withPort(m[1], m[2]) : undefined;
}

function withPort(host: string, port?: string): { host: string; port: number } | undefined {
  const p = port === undefined ? 53 : Number(port);
  return p >= 1 && p <= 65535 ? { host, port: p } : undefined;
}

const answers = z.array(z.string().min(1)).min(1);

/**
 * The dns kind: one query for `query_name` and `record_type` and checks of the rcode and answers.
 * Answers are compared as text, case-insensitively and without a trailing dot: A/AAAA the
 * address, CNAME/NS/PTR the name, MX `10 mail.example.com`, TXT the record's strings joined,
 * SRV `priority weight port target`, SOA `nsname hostmaster serial`, CAA `flags tag value`.
 */
export const dnsSpecSchema = z
  .object({
    /** The name to query (for PTR, the reverse name such as `1.0.0.127.in-addr.arpa`). */
    query_name: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9_*.-]+$/, 'expected a domain name such as www.example.com')
      .describe('The domain name to query.'),
    /** Record type (default A). */
    record_type: z
      .string()
      .transform((t) => t.toUpperCase())
      .pipe(z.enum(RECORD_TYPES, { error: `expected one of ${RECORD_TYPES.join(', ')}` }))
      .default('A')
      .describe(`Record type: ${RECORD_TYPES.join(', ')} (default A).`),
    /**
     * The server to ask, `host[:port]` (`[v6]:port`); default the system's resolvers. Its
     * address goes through the outbound guard.
     */
    resolver: z
      .string()
      .refine((s) => parseResolver(s) !== undefined, {
        message: 'expected host, host:port, ip:port or [ipv6]:port',
      })
      .optional()
      .describe("DNS server host[:port]; default the system's resolvers."),
    /** Accepted response codes (default NOERROR; add NXDOMAIN to expect a missing name). */
    valid_rcodes: z
      .array(z.enum(RCODES, { error: `expected one of ${RCODES.join(', ')}` }))
      .min(1)
      .default(['NOERROR'])
      .describe(`Accepted response codes: ${RCODES.join(', ')} (default NOERROR).`),
    /** Fewest answers a NOERROR response must carry (default 1). */
    min_answers: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('Fewest answers a NOERROR response must have (default 1).'),
    /** Every one of these must be among the answers. */
    answers_all_of: answers.optional().describe('Every one of these must be answered.'),
    /** At least one of these must be among the answers. */
    answers_any_of: answers.optional().describe('At least one of these must be answered.'),
    /** None of these may be among the answers. */
    answers_none_of: answers.optional().describe('None of these may be answered.'),
  })
  .strict();
export type DnsSpec = z.output<typeof dnsSpecSchema>;
