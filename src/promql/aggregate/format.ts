/**
 * Go's float formatting, which Prometheus puts into label values and annotation texts: `%g`
 * (strconv 'g', shortest) for messages such as `got 1.5`, and strconv 'f' with precision -1 for
 * count_values' label values (`1e21` → `1000000000000000000000`).
 */

/** Shortest round-trip digits and decimal exponent of a finite non-zero |x|: x = 0.d1d2… × 10^dp. */
function digitsOf(x: number): { digits: string; dp: number } {
  const e = Math.abs(x).toExponential(); // shortest round-trip mantissa, as String()
  const [m, exp] = e.split('e');
  const digits = m.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, dp: Number(exp) + 1 };
}

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return null;
}

/** strconv.FormatFloat(x, 'f', -1, 64). */
export function formatGoFloatF(x: number): string {
  const s = special(x);
  if (s !== null) return s;
  const { digits, dp } = digitsOf(x);
  const sign = x < 0 ? '-' : '';
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return sign + digits + '0'.repeat(dp - digits.length);
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** fmt's %g / %v (strconv 'g', shortest): exponent form when the exponent is < -4 or >= 6. */
export function formatGoFloatG(x: number): string {
  const s = special(x);
  if (s !== null) return s;
  const { digits, dp } = digitsOf(x);
  const exp = dp - 1;
  if (exp < -4 || exp >= 6) {
    const sign = x < 0 ? '-' : '';
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = exp < 0 ? '-' : '+';
    const ea = Math.abs(exp);
    return `${sign}${mant}e${es}${ea < 10 ? '0' : ''}${ea}`;
  }
  return formatGoFloatF(x);
}
