/**
 * IP address parsing and formatting shared by the classifier and the allow-list. An address is
 * kept as a tagged value: IPv4 as one unsigned 32-bit number, IPv6 as eight 16-bit groups.
 */
import { domainToASCII } from 'node:url';

export type Ip = { v: 4; n: number } | { v: 6; g: readonly number[] };

const HEX_PART = /^0x[0-9a-f]*$/i;
const OCT_PART = /^0[0-7]*$/;
const DEC_PART = /^[1-9][0-9]*$/;

function ipv4Part(s: string): number | undefined {
  if (HEX_PART.test(s)) return s.length === 2 ? 0 : parseInt(s.slice(2), 16);
  if (OCT_PART.test(s)) return parseInt(s, 8);
  if (DEC_PART.test(s)) return Number(s);
  return undefined;
}

/**
 * Parses IPv4 the way inet_aton(3) and the WHATWG URL host parser do: one to four parts, each
 * decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes, so `127.1`,
 * `0x7f.1`, `0177.0.0.1` and `2130706433` are all 127.0.0.1.
 */
export function parseIPv4Loose(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return undefined;
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const v = ipv4Part(parts[i]);
    if (v === undefined || !Number.isSafeInteger(v)) return undefined;
    const last = i === parts.length - 1;
    const limit = last ? 256 ** (5 - parts.length) : 256;
    if (v >= limit) return undefined;
    n = last ? n * limit + v : n * 256 + v;
  }
  return n;
}

/** Strict dotted quad (for the tail of an IPv6 address). */
function parseDottedQuad(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Parses an IPv6 address (no brackets, no zone) into eight groups; an IPv4 tail is allowed. */
export function parseIPv6(s: string): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const side = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    const items = t.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseDottedQuad(it);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const head = side(halves[0]);
  const tail = halves.length === 2 ? side(halves[1]) : [];
  if (!head || !tail) return undefined;
  // A v4 tail may only end the address.
  if (halves.length === 2 && halves[0].includes('.')) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥2) of zero groups as `::`. */
export function formatIPv6(g: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function formatIp(ip: Ip): string {
  return ip.v === 4 ? formatIPv4(ip.n) : formatIPv6(ip.g);
}

/**
 * Normalises a host name for comparison: IDN to its ASCII (punycode) form, lower case, trailing
 * dots removed. Returns '' when the name cannot be a host name.
 */
export function normaliseHostName(host: string): string {
  const ascii = domainToASCII(host);
  return ascii.replace(/\.+$/, '');
}

/**
 * Parses every spelling a URL or a connect call could turn into an IP address: dotted quad and
 * the inet_aton short/octal/hex/decimal forms, bracketed IPv6, zone ids (`fe80::1%eth0`,
 * `%25eth0`), trailing dots, upper case and full-width digits (via the IDN mapping).
 */
export function parseIp(host: string): Ip | undefined {
  let h = host;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.includes(':')) {
    const zone = h.indexOf('%');
    if (zone >= 0) h = h.slice(0, zone);
    const g = parseIPv6(h);
    return g && { v: 6, g };
  }
  if (h !== host) return undefined; // brackets around a non-IPv6
  const ascii = domainToASCII(h) || h.toLowerCase();
  const n = parseIPv4Loose(ascii.replace(/\.+$/, ''));
  return n === undefined ? undefined : { v: 4, n };
}

/** The canonical text of an IP literal in any spelling, or undefined when `host` is not one. */
export function parseHostLiteral(host: string): string | undefined {
  const ip = parseIp(host);
  return ip && formatIp(ip);
}

/** Whether `ip` lies in the prefix `base`/`bits` (same family only). */
export function inPrefix(ip: Ip, base: Ip, bits: number): boolean {
  if (ip.v === 4 && base.v === 4) {
    if (bits === 0) return true;
    const shift = 32 - bits;
    return ip.n >>> shift === base.n >>> shift;
  }
  if (ip.v === 6 && base.v === 6) {
    for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
      const take = Math.min(16, bits);
      const mask = (0xffff << (16 - take)) & 0xffff;
      if ((ip.g[i] & mask) !== (base.g[i] & mask)) return false;
    }
    return true;
  }
  return false;
}
