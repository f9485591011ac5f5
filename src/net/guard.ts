/**
 * The outbound guard: decides whether Argus may connect to a destination a user gave it, and
 * provides the connect-time `lookup` hook that applies that decision to the RESOLVED addresses
 * (so a name that later rebinds to 127.0.0.1 is refused when the connection is made).
 */
import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyIp, classifyName } from './address.js';
import { AllowList, isHostName } from './allow.js';
import {
  type BlockReason,
  InvalidDestinationError,
  OutboundBlockedError,
  ResolveError,
} from './errors.js';
import { formatIp, normaliseHostName, parseIp } from './ip.js';

/** The part of `dns.promises.Resolver` the guard uses (tests point one at a stub server). */
export type AddressResolver = Pick<dnsPromises.Resolver, 'resolve4' | 'resolve6'>;

export const DEFAULT_MAX_BODY_BYTES = 10 * 2 ** 20;
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface OutboundGuardOptions {
  /** CIDRs, IPs, host names and `*.domain` wildcards reachable although not public. */
  allow?: readonly string[];
  /** Extra allow entries per tenant, added to `allow` for requests made for that tenant. */
  tenants?: Readonly<Record<string, { allow: readonly string[] }>>;
  /** Response body cap for `guardedRequest`. */
  maxBodyBytes?: number;
  /** Overall deadline of one guarded request (resolution, connect, redirects, body). */
  timeoutMs?: number;
  /** Resolves names with this resolver instead of the system's getaddrinfo. */
  resolver?: AddressResolver;
  /** No address checks at all: for destinations the operator wrote in argus.yml. */
  trusted?: boolean;
  /** `outbound.guard_config_targets`: guard even the operator's own destinations. */
  guardConfigTargets?: boolean;
}

/** The verdict on one destination. `address` is set when the host was (or resolved to) an IP. */
export type CheckResult =
  | { allowed: true; host: string; address?: string }
  | { allowed: false; host: string; address?: string; reason: BlockReason };

/**
 * Decides which destinations may be reached. Immutable and safe to share; build a new one on
 * config reload.
 */
export class OutboundGuard {
  readonly maxBodyBytes: number;
  readonly timeoutMs: number;
  readonly trusted: boolean;
  private readonly allow: AllowList;
  private readonly tenantAllow: ReadonlyMap<string, AllowList>;

  /** @throws InvalidAllowEntryError when an allow entry is not valid. */
  constructor(private readonly opts: OutboundGuardOptions = {}) {
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.trusted = opts.trusted ?? false;
    this.allow = AllowList.parse(opts.allow ?? []);
    this.tenantAllow = new Map(
      Object.entries(opts.tenants ?? {}).map(([t, v]) => [t, AllowList.parse(v.allow)]),
    );
  }

  /** The same limits without address checks (`trusted` mode). */
  asTrusted(): OutboundGuard {
    return this.trusted ? this : new OutboundGuard({ ...this.opts, trusted: true });
  }

  /**
   * The guard for destinations written in argus.yml: trusted, unless the operator set
   * `outbound.guard_config_targets: true`.
   */
  forConfigTargets(): OutboundGuard {
    return this.opts.guardConfigTargets ? this : this.asTrusted();
  }

  private allowFor(tenant: string | undefined): AllowList {
    const extra = tenant === undefined ? undefined : this.tenantAllow.get(tenant);
    return extra ? this.allow.concat(extra) : this.allow;
  }

  /**
   * Checks a host name or IP literal (any spelling) BEFORE resolution: IP literals get their
   * final verdict; names are refused only when they always mean this host or a metadata service
   * (`localhost`, `*.localhost`, `metadata.google.internal`, …). An allowed name still has its
   * resolved addresses checked by `lookup`/`resolve`.
   * @throws InvalidDestinationError when `host` is neither an IP nor a valid host name.
   */
  check(host: string, tenant?: string): CheckResult {
    const ip = parseIp(host);
    if (ip) return this.checkIp(host, formatIp(ip), tenant);
    const name = normaliseHostName(host);
    if (!isHostName(name)) {
      throw new InvalidDestinationError(
        `cannot connect to ${JSON.stringify(host)}: not an IP address or host name`,
      );
    }
    const reason = classifyName(name);
    if (this.trusted || reason === undefined || this.allowFor(tenant).allowsName(name)) {
      return { allowed: true, host };
    }
    return { allowed: false, host, reason };
  }

  /**
   * Checks one resolved address of `host`. A host allowed BY NAME may resolve to any
   * non-public address except a metadata endpoint (that needs its IP in the allow-list).
   */
  checkAddress(host: string, address: string, tenant?: string): CheckResult {
    return this.checkIp(host, address, tenant);
  }

  private checkIp(host: string, address: string, tenant: string | undefined): CheckResult {
    const ip = parseIp(address);
    if (!ip)
      throw new InvalidDestinationError(`cannot check ${JSON.stringify(address)}: not an IP`);
    const canonical = formatIp(ip);
    if (this.trusted) return { allowed: true, host, address: canonical };
    const cls = classifyIp(ip);
    if (cls === 'public') return { allowed: true, host, address: canonical };
    const allow = this.allowFor(tenant);
    if (allow.allowsAddress(ip)) return { allowed: true, host, address: canonical };
    const name = normaliseHostName(host);
    if (cls !== 'metadata' && parseIp(host) === undefined && allow.allowsName(name)) {
      return { allowed: true, host, address: canonical };
    }
    return { allowed: false, host, address: canonical, reason: cls };
  }

  /** `check`, throwing OutboundBlockedError on refusal. */
  assertAllowed(host: string, tenant?: string): void {
    throwIfBlocked(this.check(host, tenant));
  }

  /**
   * Resolves `host` and checks EVERY address; refuses if any is not allowed (an attacker's DNS
   * may mix a public and a private answer). IP literals resolve to themselves.
   * @throws OutboundBlockedError, ResolveError, InvalidDestinationError
   */
  async resolve(host: string, family: 0 | 4 | 6 = 0, tenant?: string): Promise<LookupAddress[]> {
    const pre = this.check(host, tenant);
    throwIfBlocked(pre);
    if (pre.address !== undefined) {
      return [{ address: pre.address, family: pre.address.includes(':') ? 6 : 4 }];
    }
    const name = normaliseHostName(host);
    const found = await this.resolveName(name, family);
    if (found.length === 0)
      throw new ResolveError(`cannot resolve ${JSON.stringify(host)}: no addresses`);
    for (const a of found) throwIfBlocked(this.checkIp(host, a.address, tenant));
    return found;
  }

  private async resolveName(name: string, family: 0 | 4 | 6): Promise<LookupAddress[]> {
    const r = this.opts.resolver;
    try {
      if (!r) return await dnsPromises.lookup(name, { all: true, family, verbatim: true });
      const [v4, v6] = await Promise.all([
        family === 6 ? [] : r.resolve4(name).catch(noData),
        family === 4 ? [] : r.resolve6(name).catch(noData),
      ]);
      return [
        ...v4.map((address) => ({ address, family: 4 })),
        ...v6.map((address) => ({ address, family: 6 })),
      ];
    } catch (err) {
      throw new ResolveError(`cannot resolve ${JSON.stringify(name)}`, { cause: err });
    }
  }

  /** A `lookup` for `http.request`/`net.connect` that runs `resolve` for `tenant`. */
  lookupFor(tenant?: string): LookupFunction {
    return (hostname, options, callback) => {
      const fam =
        options.family === 4 || options.family === 'IPv4'
          ? 4
          : options.family === 6 || options.family === 'IPv6'
            ? 6
            : 0;
      this.resolve(hostname, fam, tenant).then(
        (addrs) => {
          if (options.all) callback(null, addrs);
          else callback(null, addrs[0].address, addrs[0].family);
        },
        (err: NodeJS.ErrnoException) => callback(err, options.all ? [] : ''),
      );
    };
  }

  /** `lookupFor()` without a tenant: the global allow-list only. */
  readonly lookup: LookupFunction = this.lookupFor();
}

/** No A (or AAAA) records is an empty answer, not a failure; the caller sees "no addresses". */
function noData(err: NodeJS.ErrnoException): string[] {
  if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return [];
  throw err;
}

function throwIfBlocked(r: CheckResult): void {
  if (!r.allowed) throw new OutboundBlockedError(r.host, r.address, r.reason);
}
