import { ArgusError } from '../util/index.js';

/** Why a destination is refused. */
export type BlockReason =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'broadcast';

/** Human wording of each reason, used in error messages. */
export const REASON_TEXT: Record<BlockReason, string> = {
  loopback: 'loopback address',
  private: 'private address',
  'link-local': 'link-local address',
  metadata: 'cloud metadata endpoint',
  multicast: 'multicast address',
  unspecified: 'unspecified address',
  reserved: 'reserved address',
  broadcast: 'broadcast address',
};

/** Base class of every error the outbound guard and its request helpers raise. */
export class OutboundError extends ArgusError {}

/** A destination the guard refuses: names the host, the address it resolved to and why. */
export class OutboundBlockedError extends OutboundError {
  readonly host: string;
  readonly address: string | undefined;
  readonly reason: BlockReason;
  constructor(host: string, address: string | undefined, reason: BlockReason, hop?: string) {
    const at = address !== undefined && address !== host ? ` (${address})` : '';
    const via = hop !== undefined ? ` (redirect to ${hop})` : '';
    super(
      `cannot connect to ${JSON.stringify(host)}${at}${via}: ${REASON_TEXT[reason]}; ` +
        'allow it with outbound.allow in argus.yml',
    );
    this.host = host;
    this.address = address;
    this.reason = reason;
  }
}

/** Not a destination at all: bad URL, unsupported scheme, empty or malformed host name. */
export class InvalidDestinationError extends OutboundError {}

/** The response body exceeded the configured cap. */
export class ResponseTooLargeError extends OutboundError {
  constructor(
    readonly url: string,
    readonly limitBytes: number,
  ) {
    super(`cannot read response from ${url}: body exceeds the limit of ${limitBytes} bytes`);
  }
}

/** The whole request (resolution, connect, redirects, body) did not finish in time. */
export class OutboundTimeoutError extends OutboundError {
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`cannot complete request to ${target}: no answer within ${timeoutMs}ms`);
  }
}

/** More redirects than allowed. */
export class TooManyRedirectsError extends OutboundError {
  constructor(
    readonly url: string,
    readonly maxRedirects: number,
  ) {
    super(`cannot follow redirect to ${url}: more than ${maxRedirects} redirects`);
  }
}

/** An allow-list entry that is neither a CIDR, an IP, a host name nor `*.domain`. */
export class InvalidAllowEntryError extends OutboundError {
  constructor(readonly entry: string) {
    super(
      `invalid outbound allow entry ${JSON.stringify(entry)}: want a CIDR (10.0.0.0/8, fd00::/8), ` +
        'an IP, a host name (grafana.internal) or a wildcard (*.example.com)',
    );
  }
}

/** A host name that did not resolve (NXDOMAIN, no A/AAAA records, resolver failure). */
export class ResolveError extends OutboundError {}
