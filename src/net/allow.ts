/**
 * The allow-list: CIDRs, single IPs, host names and `*.domain` wildcards an operator lets the
 * guard reach even though they are not public.
 */
import { embeddedIPv4 } from './address.js';
import { InvalidAllowEntryError } from './errors.js';
import { type Ip, inPrefix, normaliseHostName, parseIp } from './ip.js';

type Prefix = { base: Ip; bits: number };

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/** Whether `name` (already normalised) is a syntactically valid DNS host name. */
export function isHostName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && HOST_RE.test(name);
}

/** An immutable, parsed allow-list. */
export class AllowList {
  static readonly EMPTY = new AllowList([], new Set(), []);

  private constructor(
    private readonly prefixes: readonly Prefix[],
    private readonly names: ReadonlySet<string>,
    private readonly suffixes: readonly string[],
  ) {}

  /** @throws InvalidAllowEntryError naming the first entry that is not valid. */
  static parse(entries: readonly string[]): AllowList {
    const prefixes: Prefix[] = [];
    const names = new Set<string>();
    const suffixes: string[] = [];
    for (const entry of entries) {
      const p = parsePrefix(entry);
      if (p) {
        prefixes.push(p);
        continue;
      }
      const wild = entry.startsWith('*.');
      const name = normaliseHostName(wild ? entry.slice(2) : entry);
      if (!isHostName(name)) throw new InvalidAllowEntryError(entry);
      if (wild) suffixes.push(`.${name}`);
      else names.add(name);
    }
    return new AllowList(prefixes, names, suffixes);
  }

  get size(): number {
    return this.prefixes.length + this.names.size + this.suffixes.length;
  }

  /** This list plus `other`'s entries. */
  concat(other: AllowList): AllowList {
    if (other.size === 0) return this;
    return new AllowList(
      [...this.prefixes, ...other.prefixes],
      new Set([...this.names, ...other.names]),
      [...this.suffixes, ...other.suffixes],
    );
  }

  /** Whether an address (or the IPv4 it embeds) lies in an allowed CIDR or IP. */
  allowsAddress(ip: Ip): boolean {
    const candidates = [ip, ...embeddedIPv4(ip)];
    return this.prefixes.some((p) => candidates.some((c) => inPrefix(c, p.base, p.bits)));
  }

  /** Whether a normalised host name is allowed by name or wildcard (`*.x` matches subdomains). */
  allowsName(name: string): boolean {
    return this.names.has(name) || this.suffixes.some((s) => name.endsWith(s));
  }
}

/** `ADDR/BITS` or a bare IP; undefined when `entry` is neither; throws on a bad prefix length. */
function parsePrefix(entry: string): Prefix | undefined {
  const slash = entry.indexOf('/');
  const addr = slash < 0 ? entry : entry.slice(0, slash);
  const base = parseIp(addr);
  if (!base) {
    if (slash >= 0) throw new InvalidAllowEntryError(entry);
    return undefined;
  }
  const max = base.v === 4 ? 32 : 128;
  if (slash < 0) return { base, bits: max };
  const bitsText = entry.slice(slash + 1);
  const bits = Number(bitsText);
  if (!/^\d{1,3}$/.test(bitsText) || bits > max) throw new InvalidAllowEntryError(entry);
  return { base, bits };
}
