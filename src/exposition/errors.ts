import { ArgusError } from '../util/index.js';

/**
 * A scrape body that is not valid exposition text (or breaks a caller's limit). `line` is
 * 1-based; `detail` reads `line 12: expected a float value after the labels, got "abc"`.
 */
export class ExpositionError extends ArgusError {
  constructor(
    readonly format: string,
    readonly line: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot parse ${format} exposition: line ${line}: ${reason}`, options);
  }

  /** The message without the "cannot parse …" prefix. */
  get detail(): string {
    return `line ${this.line}: ${this.reason}`;
  }
}

/** A body broke one of the caller's limits (a subclass so scrapers can tell limits apart). */
export class ExpositionLimitError extends ExpositionError {}
