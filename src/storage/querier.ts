import type { Labels, Matcher, TenantId } from '../model/index.js';

/**
 * Iterates one series' samples in increasing timestamp order.
 *
 * Usage: `while (it.next()) use(it.t, it.v)`. `t`/`v` are valid only after `next()` or
 * `seek()` returned true. No per-sample allocation: the iterator owns and reuses its state.
 */
export interface SampleIterator {
  /** Advances to the next sample; false when exhausted. */
  next(): boolean;
  /**
   * Advances to the first sample with timestamp >= t (staying put if the current one already
   * qualifies); false when there is none. Never moves backwards.
   */
  seek(t: number): boolean;
  /** Current sample timestamp (ms). */
  readonly t: number;
  /** Current sample value (stale markers keep their NaN bits). */
  readonly v: number;
  /**
   * Optional bulk read, for readers that load whole series (PromQL): writes into `ts`/`vs`,
   * from index `start`, the samples successive `next()` calls would return, stopping before the
   * first with timestamp > `maxt` or when the arrays are full, and returns the index after the
   * last one written. A read that fills the arrays leaves `t`/`v` on the last sample written,
   * so iteration may go on; after a shorter one the iterator is done (its position is then
   * unspecified: do not use it further). Implement it where decoding straight into arrays
   * beats per-sample calls; callers use `readSamples`, which falls back to `next()`.
   */
  readInto?(ts: Float64Array, vs: Float64Array, start: number, maxt: number): number;
}

/**
 * Bulk-reads like `SampleIterator.readInto`, with the iterator's own implementation when it has
 * one and `next()` otherwise.
 */
export function readSamples(
  it: SampleIterator,
  ts: Float64Array,
  vs: Float64Array,
  start: number,
  maxt: number,
): number {
  if (it.readInto !== undefined) return it.readInto(ts, vs, start, maxt);
  let n = start;
  while (n < ts.length && it.next() && it.t <= maxt) {
    ts[n] = it.t;
    vs[n++] = it.v;
  }
  return n;
}

/** A series in a query result. `iterator()` MAY be called several times; each is independent. */
export interface Series {
  readonly labels: Labels;
  iterator(): SampleIterator;
}

/** Hints for `select`: the query's time range (inclusive, ms). Implementations MAY ignore them. */
export interface SelectHints {
  start: number;
  end: number;
}

/**
 * Read access to one tenant's data over `[mint, maxt]` (inclusive, ms).
 *
 * Contract:
 * - `select` returns series whose labels satisfy every matcher, sorted by `Labels.compare`,
 *   each series at most once, with samples in [mint, maxt] only. Series without samples in
 *   range MAY be omitted and SHOULD be. At least one matcher SHOULD not match the empty string;
 *   otherwise every series is a candidate (allowed, but expensive).
 * - Reads MAY block briefly on disk. Results reflect a consistent view taken when the querier
 *   was opened or later; data committed afterwards MAY appear.
 * - `close` releases resources; the querier and its series MUST NOT be used afterwards.
 */
export interface Querier {
  select(matchers: readonly Matcher[], hints?: SelectHints): Series[];
  /** Sorted label names of series matching all matchers (all series when none). */
  labelNames(matchers?: readonly Matcher[]): string[];
  /** Sorted distinct values of `name` among series matching all matchers. */
  labelValues(name: string, matchers?: readonly Matcher[]): string[];
  close(): void;
}

/** Opens queriers. `querier` MUST throw `InvalidTenantError` for a tenant it cannot serve. */
export interface Queryable {
  querier(tenant: TenantId, mint: number, maxt: number): Querier;
}
