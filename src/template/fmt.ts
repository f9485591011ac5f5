/** Go's fmt for template output: Sprint, Sprintln, Sprintf with the verbs real templates use. */
import { goQuote } from '../util/index.js';
import { formatFloat } from './float-format.js';
import { GoTime } from './go-time.js';
import { isMap, kindOf, mapEntries, methodOf, typeName } from './values.js';

/** `%v` of one value, as fmt prints it (Stringer first, then by kind). */
export function formatV(v: unknown, depth = 0): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloat(v, 'g', -1);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return GoTime.fromDate(v).String();
  if (v instanceof Error) return v.message;
  if (typeof v === 'function') return 'func';
  if (depth > 32) return '...';
  const str = methodOf(v, 'String') ?? methodOf(v, 'Error');
  if (str) return String(str.call(v));
  if (Array.isArray(v)) return `[${v.map((x) => formatV(x, depth + 1)).join(' ')}]`;
  if (isMap(v))
    return `map[${mapEntries(v)
      .map(([k, x]) => `${formatV(k, depth + 1)}:${formatV(x, depth + 1)}`)
      .join(' ')}]`;
  return `{${Object.values(v)
    .map((x) => formatV(x, depth + 1))
    .join(' ')}}`;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(args[i]);
  }
  return out;
}

/** fmt.Sprintln: always spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map((a) => formatV(a)).join(' ') + '\n';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function pad(s: string, sp: Spec, numeric: boolean): string {
  if (sp.width === undefined || s.length >= sp.width) return s;
  const n = sp.width - s.length;
  if (sp.minus) return s + ' '.repeat(n);
  if (sp.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function signed(s: string, sp: Spec): string {
  if (s.startsWith('-')) return s;
  if (sp.plus) return '+' + s;
  if (sp.space) return ' ' + s;
  return s;
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${typeName(v)}=${formatV(v)})`;
}

function integerOf(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  // JS data has no int/float split: an integral float64 formats as an int (Go: %!d(float64=…)).
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return undefined;
  return undefined;
}

function formatOne(verb: string, v: unknown, sp: Spec): string {
  const k = kindOf(v);
  switch (verb) {
    case 'v':
      if (k === 'float' || k === 'int') return pad(signed(formatV(v), sp), sp, true);
      return pad(formatV(v), sp, false);
    case 's': {
      let s = formatV(v);
      if (sp.prec !== undefined) s = [...s].slice(0, sp.prec).join('');
      return pad(s, sp, false);
    }
    case 'q':
      if (k === 'string') return pad(goQuote(v as string), sp, false);
      if (k === 'int') return pad(`'${String.fromCodePoint(Number(v))}'`, sp, false);
      return bad(verb, v);
    case 't':
      return k === 'bool' ? pad(String(v), sp, false) : bad(verb, v);
    case 'T':
      return pad(typeName(v), sp, false);
    case 'c':
      return k === 'int' ? pad(String.fromCodePoint(Number(v)), sp, false) : bad(verb, v);
    case 'U':
      return k === 'int'
        ? pad('U+' + (v as bigint).toString(16).toUpperCase().padStart(4, '0'), sp, false)
        : bad(verb, v);
    case 'd':
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      if (k === 'string' && (verb === 'x' || verb === 'X')) {
        let h = Buffer.from(v as string, 'utf8').toString('hex');
        if (verb === 'X') h = h.toUpperCase();
        return pad(h, sp, false);
      }
      const n = integerOf(v);
      if (n === undefined) return bad(verb, v);
      const base = verb === 'd' ? 10 : verb === 'b' ? 2 : verb === 'o' ? 8 : 16;
      let s = (n < 0n ? -n : n).toString(base);
      if (verb === 'X') s = s.toUpperCase();
      if (sp.prec !== undefined) s = s.padStart(sp.prec, '0');
      if (sp.sharp) s = (verb === 'x' ? '0x' : verb === 'X' ? '0X' : verb === 'o' ? '0' : '') + s;
      return pad(signed(n < 0n ? '-' + s : s, sp), sp, sp.prec === undefined);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const x = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
      if (x === undefined) return bad(verb, v);
      const prec = sp.prec ?? (verb === 'g' || verb === 'G' ? -1 : 6);
      return pad(signed(formatFloat(x, verb, prec, sp.sharp), sp), sp, Number.isFinite(x));
    }
    default:
      return bad(verb, v);
  }
}

/** fmt.Sprintf, with Go's %!verb(type=value), %!v(MISSING) and %!(EXTRA …) markers. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const sp: Spec = {
      minus: false,
      plus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      prec: undefined,
    };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') sp.minus = true;
      else if (c === '+') sp.plus = true;
      else if (c === '#') sp.sharp = true;
      else if (c === ' ') sp.space = true;
      else if (c === '0') sp.zero = true;
      else break;
    }
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'bigint' || typeof a === 'number' ? Number(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    sp.width = num();
    if (format[i] === '.') {
      i++;
      sp.prec = num() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argi++], sp);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => `${typeName(a)}=${formatV(a)}`)
      .join(', ')})`;
  }
  return out;
}
