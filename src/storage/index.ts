/**
 * @module storage
 * The seams between collectors, stores and queriers: Appendable/Appender (write path),
 * Queryable/Querier/SampleIterator (read path), MetadataStore, and the typed errors they use.
 * Interfaces and small helpers live here; the durable implementation is `tsdb`. `MemStore` keeps
 * samples in memory only: for rule unit tests (`argus test rules`) and tests.
 * The log seams (LogAppendable, LogQueryable, LogTailable; ADR 0005) sit beside them, with
 * `MemLogStore` as their in-memory reference.
 */
export type { Appendable, Appender, AppendResult, SeriesRef } from './appender.js';
export type { Queryable, Querier, Series, SampleIterator, SelectHints } from './querier.js';
export { readSamples } from './querier.js';
export type { MetadataStore, MetricMetadata, MetricType } from './metadata.js';
export {
  AppendError,
  PermanentAppendError,
  OutOfOrderSampleError,
  DuplicateSampleError,
  TooOldSampleError,
  FutureSampleError,
  InvalidTimestampError,
  InvalidSeriesError,
  LimitExceededError,
  BatchTooLargeError,
  StorageUnavailableError,
  UnknownSeriesRefError,
  QueryError,
} from './errors.js';
export { ArraySampleIterator } from './array-iterator.js';
export { mergeQueriers, mergeSeriesSets, MergeIterator } from './merge.js';
export { MemStore } from './memstore.js';
export type {
  LogTime,
  LogEntry,
  LogAppendable,
  LogAppender,
  LogAppendResult,
  LogRejection,
  LineFilter,
  LogSelectParams,
  LogStream,
  LogReadStats,
  LogQuerier,
  LogQueryable,
  LogTailable,
} from './logs.js';
export { compileLineFilters } from './log-filter.js';
export { MemLogStore } from './log-memstore.js';
