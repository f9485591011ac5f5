/**
 * Go's `%g` for float64 (shortest representation), which Prometheus uses in annotation texts
 * (`quantile value should be between 0 and 1, got 1.5`): exponent form when the decimal
 * exponent is < -4 or >= 6 (Go uses precision 6 for that decision when printing the shortest
 * form), with a sign and at least two exponent digits (`1e+06`, `1.5e-05`).
 */
export function goFormatG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(x);
}
