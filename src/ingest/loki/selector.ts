import { LogInputError } from '../logs-common/index.js';
import { sanitizeLabelName } from '../logs-common/index.js';

/**
 * Parses the stream labels of a Loki protobuf push: a LogQL stream selector with equality
 * matchers only, `{job="app", env="prod"}` (Go-style double-quoted or backquoted values; names
 * sanitised). `what` names the stream in errors.
 */
export function parseStreamSelector(src: string, what: string): [string, string][] {
  const fail = (why: string, at: number): never => {
    throw new LogInputError(
      400,
      `cannot parse stream labels ${JSON.stringify(src.length > 200 ? `${src.slice(0, 200)}…` : src)} of ${what}: ${why} at offset ${at}`,
    );
  };
  const out: [string, string][] = [];
  let i = 0;
  const ws = () => {
    while (
      i < src.length &&
      (src[i] === ' ' || src[i] === '\t' || src[i] === '\n' || src[i] === '\r')
    )
      i++;
  };
  ws();
  if (src[i] !== '{') fail('want "{"', i);
  i++;
  ws();
  if (src[i] === '}') {
    i++;
    ws();
    if (i !== src.length) fail('unexpected text after "}"', i);
    return out;
  }
  for (;;) {
    ws();
    const start = i;
    while (i < src.length && /[a-zA-Z0-9_.\-/:]/.test(src[i])) i++;
    if (i === start) fail('want a label name', i);
    const name = src.slice(start, i);
    ws();
    if (src[i] !== '=' || src[i + 1] === '~')
      fail(`want "=" after ${name} (only equality matchers)`, i);
    i++;
    ws();
    let value: string;
    if (src[i] === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) fail('unterminated `…` value', i);
      value = src.slice(i + 1, end);
      i = end + 1;
    } else if (src[i] === '"') {
      [value, i] = quoted(src, i, fail);
    } else return fail(`want a quoted value for ${name}`, i);
    out.push([sanitizeLabelName(name), value]);
    ws();
    if (src[i] === ',') {
      i++;
      ws();
      if (src[i] === '}') break; // trailing comma, as Loki's parser allows
      continue;
    }
    if (src[i] === '}') break;
    fail('want "," or "}"', i);
  }
  i++;
  ws();
  if (i !== src.length) fail('unexpected text after "}"', i);
  return out;
}

const ESC: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  "'": "'",
};

/** A Go double-quoted string starting at `i` (the quote): its value and the index after it. */
function quoted(
  src: string,
  i: number,
  fail: (why: string, at: number) => never,
): [string, number] {
  let out = '';
  let p = i + 1;
  for (;;) {
    const q = src.indexOf('"', p);
    const b = src.indexOf('\\', p);
    if (q < 0) return fail('unterminated quoted value', i);
    if (b < 0 || q < b) return [out + src.slice(p, q), q + 1];
    out += src.slice(p, b);
    const c = src[b + 1];
    if (c in ESC) {
      out += ESC[c];
      p = b + 2;
    } else if (c === 'x' || c === 'u' || c === 'U') {
      const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      const hex = src.slice(b + 2, b + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`bad \\${c} escape`, b);
      out += String.fromCodePoint(parseInt(hex, 16));
      p = b + 2 + n;
    } else return fail(`unknown escape \\${c ?? ''}`, b);
  }
}
