import type { LogEntry, LogQuerier, LogTime } from '../storage/index.js';
import type { LogExpr } from './ast.js';
import { compilePipeline, type Pipeline, type PipelineOutput } from './pipeline/pipeline.js';
import { splitPushdown } from './pipeline/line-filter.js';
import type { ProcessedRecord, SelectProcessed } from './types.js';

/** A log expression compiled for reading: store-side filters and the pipeline for the rest. */
export interface CompiledLog {
  select: LogExpr;
  filters: ReturnType<typeof splitPushdown>['filters'];
  pipeline: Pipeline;
}

/** Splits the leading pushable line filters off and compiles the rest (throws LogqlEvalError). */
export function compileLog(log: LogExpr): CompiledLog {
  const { filters, rest } = splitPushdown(log.pipeline);
  return { select: log, filters, pipeline: compilePipeline(rest) };
}

/** Runs `pipeline` over one record; awaits only when the pipeline has template stages. */
export function runOne(
  p: Pipeline,
  e: LogEntry,
  stream: CompiledStreamLabels,
): PipelineOutput | null | Promise<PipelineOutput | null> {
  return p.process(e.ts, e.line, stream, e.fields);
}
type CompiledStreamLabels = Parameters<Pipeline['process']>[2];

/**
 * The `SelectProcessed` the metric evaluator consumes, over one querier (so the query's read
 * stats add up): each store batch becomes one batch of processed records, forward in time.
 */
export function selectProcessed(querier: LogQuerier): SelectProcessed {
  const cache = new WeakMap<LogExpr, CompiledLog>();
  return (log: LogExpr, start: LogTime, end: LogTime, signal?: AbortSignal) => {
    let c = cache.get(log);
    if (!c) cache.set(log, (c = compileLog(log)));
    const { filters, pipeline } = c;
    return (async function* (): AsyncGenerator<readonly ProcessedRecord[]> {
      for await (const stream of querier.select({
        matchers: log.matchers,
        start,
        end,
        filters,
        direction: 'forward',
        signal,
      })) {
        for await (const batch of stream.entries()) {
          signal?.throwIfAborted();
          const out: ProcessedRecord[] = [];
          for (const e of batch) {
            let r = runOne(pipeline, e, stream.labels);
            if (r instanceof Promise) r = await r;
            if (r) out.push({ ts: e.ts, line: r.line, labels: r.labels });
          }
          if (out.length > 0) yield out;
        }
      }
    })();
  };
}
