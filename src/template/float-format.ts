/**
 * Go's strconv float formatting (%e, %f, %g and the shortest form %v uses), with Go's
 * round-half-to-even on exact decimal ties where JS's toFixed/toExponential round up.
 */

interface Digits {
  /** Significant digits without trailing zeros; '' for zero. */
  digits: string;
  /** Decimal point position: value = 0.digits × 10^dp. */
  dp: number;
}

function fromExponential(s: string): Digits {
  const [mant, exp] = s.split('e') as [string, string];
  const digits = mant.replace('.', '').replace(/0+$/, '');
  return digits === '' ? { digits: '', dp: 0 } : { digits, dp: Number(exp) + 1 };
}

/** Shortest digits that round-trip (what JS's Number→String also picks). */
function shortest(x: number): Digits {
  return x === 0 ? { digits: '', dp: 0 } : fromExponential(x.toExponential());
}

/** True when the exact decimal expansion of `long` is "…5000…" right after `keep` digits. */
function isTie(long: string, keep: number): boolean {
  return long[keep] === '5' && /^0*$/.test(long.slice(keep + 1));
}

/** |x| rounded to `sig` significant digits (sig ≥ 1), half to even on exact ties. */
function significant(x: number, sig: number): Digits {
  if (x === 0) return { digits: '', dp: 0 };
  const s = x.toExponential(Math.min(100, sig - 1));
  const long = x.toExponential(Math.min(100, sig + 24));
  const [lm, le] = long.split('e') as [string, string];
  const ld = lm.replace('.', '');
  if (isTie(ld, sig)) {
    // Round half to even by hand on the exact digits.
    const keep = ld.slice(0, sig);
    const last = Number(keep[keep.length - 1]);
    if (last % 2 === 0) return fromExponential(`${keep[0]}.${keep.slice(1)}e${le}`);
  }
  return fromExponential(s);
}

/** |x| with `prec` digits after the point, half to even on exact ties. */
function fixedAbs(x: number, prec: number): string {
  if (x >= 1e21) {
    const int = BigInt(x).toString();
    return prec > 0 ? `${int}.${'0'.repeat(prec)}` : int;
  }
  const p = Math.min(prec, 100);
  let s = x.toFixed(p);
  const long = x.toFixed(Math.min(100, p + 25));
  const dot = long.indexOf('.');
  const intLen = dot;
  const digitsOnly = long.replace('.', '');
  if (isTie(digitsOnly, intLen + p)) {
    const last = Number(digitsOnly[intLen + p - 1]);
    if (last % 2 === 0) s = p === 0 ? long.slice(0, dot) : long.slice(0, dot + 1 + p);
  }
  return prec > 100 ? s + '0'.repeat(prec - 100) : s;
}

function expString(d: Digits, prec: number, e: string): string {
  const digits = (d.digits || '0').padEnd(prec + 1, '0');
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const mant = prec > 0 ? `${digits[0]}.${digits.slice(1, prec + 1)}` : digits[0];
  const ae = Math.abs(exp);
  return `${mant}${e}${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
}

function fixedFromDigits(d: Digits, frac: number): string {
  let int: string;
  let rest: string;
  if (d.dp <= 0) {
    int = '0';
    rest = '0'.repeat(-d.dp) + d.digits;
  } else {
    int = d.digits.slice(0, d.dp).padEnd(d.dp, '0');
    rest = d.digits.slice(d.dp);
  }
  return frac > 0 ? `${int}.${rest.padEnd(frac, '0').slice(0, frac)}` : int;
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return undefined;
}

/**
 * strconv.FormatFloat(x, verb, prec, 64) for verb e/E/f/g/G; prec -1 = shortest. Infinities
 * come back as "+Inf"/"-Inf" (fmt's spelling); the sign of negatives is included.
 */
export function formatFloat(x: number, verb: string, prec: number, sharp = false): string {
  const sp = special(x);
  if (sp !== undefined) return sp;
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let body: string;
  switch (verb) {
    case 'e':
    case 'E': {
      const d = prec < 0 ? shortest(a) : significant(a, prec + 1);
      body = expString(d, prec < 0 ? Math.max(d.digits.length - 1, 0) : prec, verb);
      break;
    }
    case 'f':
    case 'F':
      body =
        prec < 0
          ? fixedFromDigits(shortest(a), Math.max(shortest(a).digits.length - shortest(a).dp, 0))
          : fixedAbs(a, prec);
      break;
    default: {
      const isShortest = prec < 0;
      let p = prec === 0 ? 1 : prec;
      const d = isShortest ? shortest(a) : significant(a, p);
      let eprec = p;
      if (isShortest) {
        eprec = 6;
        p = d.digits.length;
      } else if (eprec > d.digits.length && d.digits.length >= d.dp) {
        eprec = d.digits.length;
      }
      if (sharp) eprec = isShortest ? 6 : prec === 0 ? 1 : prec;
      const exp = d.digits === '' ? -1 : d.dp - 1;
      const e = verb === 'G' ? 'E' : 'e';
      if (exp < -4 || exp >= eprec) {
        const n = sharp ? p : Math.min(p, d.digits.length || 1);
        body = expString(d, n - 1, e);
      } else {
        const n = sharp ? p : p > d.dp ? d.digits.length : p;
        body = fixedFromDigits(d, Math.max(n - d.dp, 0));
      }
    }
  }
  return neg ? '-' + body : body;
}
