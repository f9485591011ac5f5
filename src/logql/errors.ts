import { ArgusError } from '../util/index.js';

/**
 * A LogQL query that does not parse or fails a semantic check. The message reads like Loki's:
 * `parse error at line L, col C: <reason>` (both 1-based; col counts UTF-16 code units).
 */
export class LogqlParseError extends ArgusError {
  readonly line: number;
  readonly col: number;

  constructor(
    /** The reason without the position prefix. */
    readonly reason: string,
    /** 0-based offset of the offending text in the query. */
    readonly offset: number,
    input: string,
    options?: ErrorOptions,
  ) {
    const { line, col } = lineCol(input, offset);
    super(`parse error at line ${line}, col ${col}: ${reason}`, options);
    this.line = line;
    this.col = col;
  }
}

/** A query that parsed but cannot be evaluated (e.g. a log query where a metric is needed at run time, too many series). */
export class LogqlEvalError extends ArgusError {}

function lineCol(input: string, offset: number): { line: number; col: number } {
  const at = Math.max(0, Math.min(offset, input.length));
  let line = 1;
  let start = 0;
  for (let i = 0; i < at; i++) {
    if (input.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: at - start + 1 };
}
