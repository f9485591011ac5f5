import { ArgusError } from '../util/index.js';
import type { PosRange } from './ast.js';

/**
 * The Prometheus HTTP API error type a query failure maps to (`errorType` in the JSON envelope):
 * parse and argument errors are `bad_data`, evaluation failures `execution` (Prometheus reports
 * the too-many-samples limit as `execution` too), and the deadline `timeout`.
 */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled';

/** Base class of every PromQL error. */
export class PromQLError extends ArgusError {
  constructor(
    readonly errorType: QueryErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A query that does not parse or does not type-check. The message reads
 * `parse error at char N: <what> ` (N 1-based, as the issue and Prometheus 2.x); `pos` is the
 * offending range.
 */
export class PromQLParseError extends PromQLError {
  constructor(
    readonly pos: PosRange,
    /** The reason without the position prefix. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super('bad_data', `parse error at char ${pos.start + 1}: ${reason}`, options);
  }
}

/** An evaluation error (`many-to-many matching not allowed…`, `vector cannot contain metrics with the same labelset`, …). */
export class QueryExecutionError extends PromQLError {
  constructor(message: string, options?: ErrorOptions) {
    super('execution', message, options);
  }
}

/** Syntax Argus parses but does not evaluate yet (native histograms, some experimental features). */
export class NotSupportedError extends PromQLError {
  constructor(message: string, options?: ErrorOptions) {
    super('execution', message, options);
  }
}

/** The query ran past its deadline. */
export class QueryTimeoutError extends PromQLError {
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super(
      'timeout',
      `query timed out in expression evaluation (timeout ${timeoutMs / 1000}s: the smaller of query.timeout and the request's timeout parameter)`,
      options,
    );
  }
}

/** The query would hold more samples in memory at once than allowed. */
export class TooManySamplesError extends PromQLError {
  constructor(maxSamples: number, options?: ErrorOptions) {
    super(
      'execution',
      `query processing would load too many samples into memory in query execution (query.max_samples ${maxSamples})`,
      options,
    );
  }
}

/** A selector of the query, or its result, has more series than allowed (`max_query_series`). */
export class TooManySeriesError extends PromQLError {
  constructor(
    readonly maxSeries: number,
    readonly got: number,
    options?: ErrorOptions,
  ) {
    super(
      'execution',
      `query would touch too many series: ${got} series, more than the limit of ${maxSeries} (limits.max_query_series); narrow the selectors or aggregate`,
      options,
    );
  }
}

/** The caller aborted the query (client went away, server shutting down). */
export class QueryCanceledError extends PromQLError {
  constructor(why: string, options?: ErrorOptions) {
    super('canceled', `query was canceled: ${why}`, options);
  }
}
