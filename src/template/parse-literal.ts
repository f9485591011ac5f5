/** Go literal syntax: quoted strings, raw strings, chars and numbers. */

const SIMPLE: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** strconv.Unquote for "…", `…` and '…'. */
export function unquote(s: string, fail: (msg: string) => never): string {
  const q = s[0];
  if (q === '`') return s.slice(1, -1).replace(/\r/g, '');
  let out = '';
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return fail(`invalid syntax: ${s}`);
    if (e in SIMPLE) {
      if ((e === "'" && q === '"') || (e === '"' && q === "'")) return fail(`invalid syntax: ${s}`);
      out += SIMPLE[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return fail(`invalid syntax: ${s}`);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return fail(`invalid syntax: ${s}`);
      out += String.fromCodePoint(cp);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) return fail(`invalid syntax: ${s}`);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      return fail(`invalid syntax: ${s}`);
    }
  }
  return out;
}

/** A number literal: a bigint for Go ints (and chars), a number for Go floats. */
export function parseNumber(s: string, fail: (msg: string) => never): bigint | number {
  if (s.endsWith('i')) return fail(`complex constants are not supported: ${s}`);
  const clean = s.replace(/_/g, '');
  const neg = clean.startsWith('-');
  const body = clean.replace(/^[+-]/, '');
  const isHex = /^0[xX]/.test(body);
  const isFloat = isHex ? /[.pP]/.test(body) : /[.eE]/.test(body);
  if (!isFloat) {
    try {
      let v: bigint;
      if (/^0[0-7]+$/.test(body)) v = BigInt('0o' + body.slice(1));
      else v = BigInt(body.toLowerCase());
      return neg ? -v : v;
    } catch {
      return fail(`illegal number syntax: ${JSON.stringify(s)}`);
    }
  }
  let v: number;
  if (isHex) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(body);
    if (!m) return fail(`illegal number syntax: ${JSON.stringify(s)}`);
    const frac = m[2] ?? '';
    v = (parseInt((m[1] ?? '') + frac || '0', 16) / 16 ** frac.length) * 2 ** Number(m[3]);
  } else {
    v = Number(body);
  }
  if (Number.isNaN(v)) return fail(`illegal number syntax: ${JSON.stringify(s)}`);
  return neg ? -v : v;
}
