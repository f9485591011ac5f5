/**
 * Helpers over lezer's concrete tree shared by the log and metric converters: child lookup,
 * token text, and errors positioned at a node.
 */
import type { SyntaxNode } from '@lezer/common';
import { LogqlParseError } from './errors.js';
import { LiteralError, unquote } from './parse-literals.js';

export type Node = SyntaxNode;

/** The query text plus error construction; one per parse. */
/**
 * `offset 1h` after `| unwrap x [5m]`: Loki's grammar takes it, lezer-logql's does not. The parser
 * blanks it out for lezer and the range aggregation it follows picks it up (`used`).
 */
export interface LateOffset {
  at: number;
  durAt: number;
  dur: string;
  used: boolean;
}

export class Src {
  readonly lateOffsets: LateOffset[] = [];

  constructor(readonly text: string) {}

  str(n: Node): string {
    return this.text.slice(n.from, n.to);
  }

  fail(n: Node | number, reason: string, cause?: unknown): never {
    const at = typeof n === 'number' ? n : n.from;
    throw new LogqlParseError(reason, at, this.text, cause === undefined ? undefined : { cause });
  }

  /** A String token, unquoted. */
  string(n: Node): string {
    try {
      return unquote(this.str(n));
    } catch (err) {
      if (err instanceof LiteralError) this.fail(n, err.message, err);
      throw err;
    }
  }

  /** Runs a literal conversion, positioning its LiteralError at `n`. */
  literal<T>(n: Node, f: (text: string) => T): T {
    try {
      return f(this.str(n));
    } catch (err) {
      if (err instanceof LiteralError) this.fail(n, err.message, err);
      throw err;
    }
  }
}

export function kids(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

export function child(n: Node, name: string): Node | undefined {
  return n.getChild(name) ?? undefined;
}

/** The leaf tokens under `n`, in order. */
export function leaves(n: Node): Node[] {
  const out: Node[] = [];
  const walk = (x: Node): void => {
    if (!x.firstChild) {
      out.push(x);
      return;
    }
    for (let c: Node | null = x.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(n);
  return out;
}
