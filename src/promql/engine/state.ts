import type { PosRange } from '../ast.js';
import {
  QueryCanceledError,
  QueryTimeoutError,
  TooManySamplesError,
  TooManySeriesError,
} from '../errors.js';
import type { Annotations, QueryOptions, QueryStats } from '../query.js';
import type { EvalContext } from '../steps.js';

/** Longest stretch one query computes before letting other work run (ms). */
const SLICE_MS = 10;

/**
 * Per-query bookkeeping shared by every node of one evaluation: the sample budget
 * (`maxSamples`), the deadline and abort signal, and the annotations collected with positions.
 */
export class QueryState {
  /** Samples held right now (step values of live results, loaded window samples). */
  current = 0;
  peak = 0;
  loaded = 0;
  /** Samples the evaluation looked at, per step (Prometheus's totalQueryableSamples). */
  queryable = 0;
  private readonly warnings = new Set<string>();
  private readonly infos = new Set<string>();
  private readonly deadline: number;
  private sliceStart = performance.now();
  /** How often the query gave the event loop a turn (tests, stats). */
  pauses = 0;

  constructor(
    readonly opts: QueryOptions,
    /** The query text, for `(line:col)` positions; null when a tree was passed. */
    private readonly text: string | null,
    /** The outer query's first and last evaluation times (for `@ start()` / `@ end()`, `step()`). */
    readonly startMs: number,
    readonly endMs: number,
    readonly stepMs: number,
  ) {
    this.deadline = Date.now() + opts.timeoutMs - (opts.queuedMs ?? 0);
  }

  /** Takes `n` more samples into memory; throws TooManySamplesError past the budget. */
  hold(n: number): void {
    this.current += n;
    if (this.current > this.peak) this.peak = this.current;
    if (this.current > this.opts.maxSamples) throw new TooManySamplesError(this.opts.maxSamples);
  }

  /**
   * Whether this query has run for a whole slice without giving the event loop a turn.
   * Evaluation is cooperative: long loops call `pause()` when this says so, so that one heavy
   * query cannot stall ingestion, scrapes and other requests for its whole duration.
   */
  sliceOver(): boolean {
    return performance.now() - this.sliceStart >= (this.opts.sliceMs ?? SLICE_MS);
  }

  /** Lets the event loop run (timers, I/O, other queries), then starts a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.pauses++;
    this.sliceStart = performance.now();
  }

  /** Throws TooManySeriesError when a selector or the result has more series than `maxSeries`. */
  checkSeries(n: number): void {
    const max = this.opts.maxSeries;
    if (max > 0 && n > max) throw new TooManySeriesError(max, n);
  }

  checkDeadline(): void {
    const s = this.opts.signal;
    if (s?.aborted) {
      const r: unknown = s.reason;
      throw new QueryCanceledError(
        r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted',
        {
          cause: r,
        },
      );
    }
    if (Date.now() >= this.deadline) throw new QueryTimeoutError(this.opts.timeoutMs);
  }

  /** `(line:col)` of a position, 1-based, as Prometheus prints annotation positions. */
  position(pos: PosRange): string {
    if (this.text === null) return `(1:${pos.start + 1})`;
    let line = 1;
    let col = 1;
    for (let i = 0; i < pos.start && i < this.text.length; i++) {
      if (this.text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    return `(${line}:${col})`;
  }

  warn(msg: string, pos: PosRange): void {
    this.warnings.add(`${prefixed('PromQL warning: ', msg)} ${this.position(pos)}`);
  }

  info(msg: string, pos: PosRange): void {
    this.infos.add(`${prefixed('PromQL info: ', msg)} ${this.position(pos)}`);
  }

  annotations(): Annotations {
    return { warnings: [...this.warnings], infos: [...this.infos] };
  }

  stats(): QueryStats {
    return { samplesLoaded: this.loaded, samplesQueryable: this.queryable, peakSamples: this.peak };
  }

  /** The EvalContext functions and aggregations see for evaluation times `times`. */
  context(times: Float64Array): EvalContext {
    return {
      times,
      steps: times.length,
      warn: (m, p) => this.warn(m, p),
      info: (m, p) => this.info(m, p),
      checkDeadline: () => this.checkDeadline(),
    };
  }
}

function prefixed(prefix: string, msg: string): string {
  return msg.startsWith('PromQL ') ? msg : prefix + msg;
}
