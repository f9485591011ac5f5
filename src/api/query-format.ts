/** A `[seconds, "value"]` pair as Prometheus's JSON API writes samples. */
export type PointJson = [number, string];

export type QueryValueJson =
  | { resultType: 'scalar'; result: PointJson }
  | { resultType: 'string'; result: [number, string] }
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: PointJson }[] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: PointJson[] }[] };

/**
 * A sample value as Prometheus writes it (Go's strconv 'f' with shortest round-trip digits, 'e'
 * below 1e-6 and from 1e21, exponent of at least two digits): `"NaN"`, `"+Inf"`, `"-0"`, `"1e-07"`.
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // JS switches to exponent notation at exactly Go's thresholds; only the exponent width differs.
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s[e + 1];
  const digits = s.slice(e + 2);
  return `${s.slice(0, e)}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

/** A timestamp in ms as Prometheus writes it: seconds with millisecond precision. */
export function formatTimestamp(ms: number): number {
  return ms / 1000;
}
