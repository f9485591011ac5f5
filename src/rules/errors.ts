import { ArgusError } from '../util/index.js';

/**
 * One or more rule files do not load. `errors` holds each problem in Prometheus's wording
 * (`FILE: LINE:COL: group "g", rule 1, "name": …`), the message joins them.
 */
export class RuleFileError extends ArgusError {
  constructor(
    readonly errors: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`cannot load rule files: ${errors.join('; ')}`, options);
  }
}

/** A rule evaluation failed (query error, bad result type, duplicate output series, limit). */
export class RuleEvalError extends ArgusError {}

/** A promtool-style unit test file cannot be read or parsed. */
export class RuleTestFileError extends ArgusError {}
