/** Nanoseconds since the epoch now (ms precision: the clock's). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9})\d*)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * A timestamp as ns since the epoch, or undefined when it is not one. Accepted:
 * - RFC 3339 / ISO 8601 `2024-05-01T10:00:00.123456789Z` (offset `+02:00`, `+0200`; no zone: UTC);
 * - an integer number or digit string, its unit guessed from its size (VictoriaLogs' rule):
 *   up to 1e11 seconds, up to 1e14 milliseconds, up to 1e17 microseconds, else nanoseconds;
 * - a decimal number or string of seconds `1714557600.123` (ns precision for strings).
 */
export function parseTimestamp(v: unknown): bigint | undefined {
  if (typeof v === 'number') return fromNumber(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^-?\d+$/.test(s)) return fromInteger(BigInt(s), s.replace('-', '').length);
  const dec = /^(\d+)\.(\d+)$/.exec(s);
  if (dec) return BigInt(dec[1]) * 1_000_000_000n + BigInt(dec[2].slice(0, 9).padEnd(9, '0'));
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (!Number.isFinite(ms) || +m[2] < 1 || +m[2] > 12 || +m[3] < 1 || +m[3] > 31) return undefined;
  let ns = BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  if (m[9] !== undefined) {
    const off = BigInt((+m[10] * 60 + +m[11]) * 60) * 1_000_000_000n;
    ns = m[9] === '+' ? ns - off : ns + off;
  }
  return ns;
}

function fromNumber(x: number): bigint | undefined {
  if (!Number.isFinite(x)) return undefined;
  const a = Math.abs(x);
  if (a < 1e11) return BigInt(Math.round(x * 1e6)) * 1000n; // seconds, µs precision
  if (a < 1e14) return BigInt(Math.round(x * 1e3)) * 1000n; // ms
  if (a < 1e17) return BigInt(Math.round(x)) * 1000n; // µs
  return BigInt(Math.round(x)); // ns (exact only up to 2^53: send ns as strings)
}

function fromInteger(n: bigint, digits: number): bigint {
  if (digits <= 11) return n * 1_000_000_000n;
  if (digits <= 14) return n * 1_000_000n;
  if (digits <= 17) return n * 1000n;
  return n;
}
