import { LogqlEvalError } from '../errors.js';

/**
 * Loki's pattern expressions (`<name>` captures, `<_>` unnamed, literals between): parsed once,
 * matched with indexOf from the start of the line, no regex and no backtracking.
 */
export interface PatternExpr {
  /** Literal before the first capture ('' when the pattern starts with a capture). */
  head: string;
  /** Captures, each followed by the literal that ends it ('' for the last capture). */
  parts: { name: string; tail: string }[];
}

export function parsePattern(src: string): PatternExpr {
  const re = /<(_|[a-zA-Z_][a-zA-Z0-9_]*)>/g;
  const out: PatternExpr = { head: '', parts: [] };
  let last = 0;
  const seen = new Set<string>();
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const lit = src.slice(last, m.index);
    if (out.parts.length === 0) out.head = lit;
    else {
      if (lit === '')
        throw new LogqlEvalError(
          `cannot compile pattern ${JSON.stringify(src)}: consecutive captures need a literal between them`,
        );
      out.parts[out.parts.length - 1].tail = lit;
    }
    const name = m[1];
    if (name !== '_') {
      if (seen.has(name))
        throw new LogqlEvalError(
          `cannot compile pattern ${JSON.stringify(src)}: duplicate capture <${name}>`,
        );
      seen.add(name);
    }
    out.parts.push({ name, tail: '' });
    last = m.index + m[0].length;
  }
  if (out.parts.length === 0) {
    out.head = src;
  } else out.parts[out.parts.length - 1].tail = src.slice(last);
  return out;
}

/** The pattern parser (`| pattern`): captures in order; a missing literal captures to the end. */
export function matchPattern(
  p: PatternExpr,
  line: string,
  emit: (name: string, value: string) => void,
): void {
  if (p.head !== '' && !line.startsWith(p.head)) return;
  let pos = p.head.length;
  for (const part of p.parts) {
    const i = part.tail === '' ? -1 : line.indexOf(part.tail, pos);
    if (i < 0) {
      if (part.name !== '_') emit(part.name, line.slice(pos));
      return;
    }
    if (part.name !== '_') emit(part.name, line.slice(pos, i));
    pos = i + part.tail.length;
  }
}

/** The pattern line filter (`|>`): every literal in order; a trailing literal ends the line. */
export function testPattern(p: PatternExpr, line: string): boolean {
  if (p.parts.length === 0) return line === p.head;
  if (!line.startsWith(p.head)) return false;
  let pos = p.head.length;
  const n = p.parts.length;
  for (let k = 0; k < n; k++) {
    const tail = p.parts[k].tail;
    if (tail === '') return true;
    if (k === n - 1) return line.length - tail.length >= pos && line.endsWith(tail);
    const i = line.indexOf(tail, pos);
    if (i < 0) return false;
    pos = i + tail.length;
  }
  return true;
}
