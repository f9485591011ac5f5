import { BlockList, isIP } from 'node:net';
import { LogqlEvalError } from '../errors.js';

/**
 * LogQL's `ip("…")`: a single address, a range `a-b` or a CIDR, IPv4 or IPv6. Compiled once
 * into a node:net BlockList (which matches IPv4-mapped IPv6 as Loki's netip does not care).
 */
export function compileIpMatcher(spec: string): (addr: string) => boolean {
  const list = new BlockList();
  const s = spec.trim();
  try {
    const dash = s.indexOf('-');
    const slash = s.indexOf('/');
    if (dash > 0) {
      const a = s.slice(0, dash).trim();
      const b = s.slice(dash + 1).trim();
      const fam = family(a);
      if (fam !== family(b)) throw new Error('range ends are of different families');
      list.addRange(a, b, fam);
    } else if (slash > 0) {
      const a = s.slice(0, slash);
      const bits = Number(s.slice(slash + 1));
      const fam = family(a);
      if (!Number.isInteger(bits) || bits < 0 || bits > (fam === 'ipv4' ? 32 : 128))
        throw new Error(`bad prefix length ${JSON.stringify(s.slice(slash + 1))}`);
      list.addSubnet(a, bits, fam);
    } else {
      list.addAddress(s, family(s));
    }
  } catch (err) {
    throw new LogqlEvalError(
      `cannot compile ip(${JSON.stringify(spec)}): ${(err as Error).message}; want an address, a range a-b or a CIDR`,
      { cause: err },
    );
  }
  return (addr) => {
    const v = isIP(addr);
    return v !== 0 && list.check(addr, v === 4 ? 'ipv4' : 'ipv6');
  };
}

function family(a: string): 'ipv4' | 'ipv6' {
  const v = isIP(a);
  if (v === 0) throw new Error(`${JSON.stringify(a)} is not an IP address`);
  return v === 4 ? 'ipv4' : 'ipv6';
}

const isIpChar = (c: number): boolean =>
  (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46;

/** True when some IP-looking token of `line` (runs of hex digits, `.` and `:`) matches. */
export function lineHasIp(line: string, match: (addr: string) => boolean): boolean {
  const n = line.length;
  let i = 0;
  while (i < n) {
    if (!isIpChar(line.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isIpChar(line.charCodeAt(j))) j++;
    // A token needs a separator to be an address; trailing dots/colons ("1.2.3.4:80") are
    // handled by also trying the part before the last colon (host:port).
    if (j - i >= 2) {
      let tok = line.slice(i, j);
      while (tok.endsWith('.') || tok.endsWith(':')) tok = tok.slice(0, -1);
      if (match(tok)) return true;
      const colon = tok.lastIndexOf(':');
      if (colon > 0 && tok.indexOf(':') === colon && match(tok.slice(0, colon))) return true;
    }
    i = j;
  }
  return false;
}
