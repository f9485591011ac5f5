import type { Labels, TenantId } from '../model/index.js';
import type { LogEntry, LogTailable } from '../storage/index.js';
import type { LogExpr } from './ast.js';
import { LogqlEvalError } from './errors.js';
import { compilePipeline, type PipelineOutput } from './pipeline/pipeline.js';
import type { LogStreamResult } from './types.js';

/**
 * Live tail of a log query: subscribes with the selector and runs the whole pipeline (no
 * pushdown: the store hands over raw committed batches) on each batch. The store's callback
 * must not block, so a pipeline with template stages is run on a promise chain that keeps
 * the batches in commit order; a failing callback is never allowed to reach the store.
 */
export function tailLog(
  tailable: LogTailable | undefined,
  tenant: TenantId,
  log: LogExpr,
  onEntries: (streams: LogStreamResult[]) => void,
  onError: (err: unknown) => void = () => {},
): () => void {
  if (!tailable) throw new LogqlEvalError('cannot tail logs: this server has no live log source');
  const pipeline = compilePipeline(log.pipeline);
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const deliver = (streams: Map<string, LogStreamResult>): void => {
    if (stopped || streams.size === 0) return;
    try {
      onEntries([...streams.values()]);
    } catch (err) {
      onError(err);
    }
  };
  const add = (out: Map<string, LogStreamResult>, e: LogEntry, r: PipelineOutput | null): void => {
    if (!r) return;
    const key = r.labels.toString();
    let s = out.get(key);
    if (!s) out.set(key, (s = { labels: r.labels, entries: [] }));
    s.entries.push({ ts: e.ts, line: r.line });
  };
  const onBatch = (labels: Labels, entries: readonly LogEntry[]): void => {
    if (stopped) return;
    if (!pipeline.isAsync) {
      const out = new Map<string, LogStreamResult>();
      try {
        for (const e of entries)
          add(out, e, pipeline.process(e.ts, e.line, labels, e.fields) as PipelineOutput | null);
      } catch (err) {
        onError(err);
        return;
      }
      deliver(out);
      return;
    }
    chain = chain.then(async () => {
      const out = new Map<string, LogStreamResult>();
      try {
        for (const e of entries)
          add(out, e, await pipeline.process(e.ts, e.line, labels, e.fields));
      } catch (err) {
        onError(err);
        return;
      }
      deliver(out);
    });
  };
  const unsubscribe = tailable.tailLogs(tenant, log.matchers, onBatch);
  return () => {
    stopped = true;
    unsubscribe();
  };
}
