/** Runs the Logs page's queries: a page of lines, the histogram, a line's context. */
import { lokiMessage, queryRange } from '../../api/logs.js';
import { histogramRows } from '../../lib/logs-histogram.js';
import { addNs, flattenStreams, type LogLine } from '../../lib/logs-lines.js';
import { histogramQuery, streamSelector } from '../../lib/logs-query.js';
import type { Direction } from '../../lib/logs-state.js';
import type { HistogramData } from './histogram.js';

/** Lines per page (the first answer and each "load more"). */
export const PAGE = 100;

export type LinesResult =
  | { kind: 'lines'; lines: LogLine[]; full: boolean }
  | { kind: 'metric' }
  | { kind: 'error'; message: string };

export async function fetchLines(
  query: string,
  start: string,
  end: string,
  direction: Direction,
  signal: AbortSignal,
): Promise<LinesResult> {
  try {
    const d = await queryRange(query, { start, end, direction, limit: PAGE, signal });
    if (d.resultType !== 'streams') return { kind: 'metric' };
    const lines = flattenStreams(d.result, direction);
    return { kind: 'lines', lines, full: lines.length >= PAGE };
  } catch (err) {
    if (signal.aborted) throw err;
    return { kind: 'error', message: lokiMessage(err) };
  }
}

/** The histogram, or undefined when its query fails (the lines' error says why). */
export async function fetchHistogram(
  query: string,
  startSec: number,
  endSec: number,
  step: number,
  signal: AbortSignal,
): Promise<HistogramData | undefined> {
  try {
    const d = await queryRange(histogramQuery(query, step), {
      start: `${Math.floor(startSec)}`,
      end: `${Math.ceil(endSec)}`,
      step,
      signal,
    });
    if (d.resultType !== 'matrix') return undefined;
    return { ...histogramRows(d.result, step), step };
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

/** Context: how far to look around a line, and how many lines each side. */
const CONTEXT_WINDOW_NS = 3600 * 1e9;
export const CONTEXT_LINES = 10;

/**
 * The lines just before and after `line` in its stream (oldest first). The answer's labels also
 * hold fields and parsed labels: only the stream's own (`isStreamLabel`) select the stream.
 */
export async function fetchContext(
  line: LogLine,
  isStreamLabel: (name: string) => boolean,
  signal?: AbortSignal,
): Promise<{ before: LogLine[]; after: LogLine[] }> {
  const own = Object.entries(line.labels).filter(([k]) => isStreamLabel(k));
  const sel = streamSelector(
    Object.fromEntries(own.length > 0 ? own : Object.entries(line.labels)),
  );
  const [b, a] = await Promise.all([
    queryRange(sel, {
      start: addNs(line.ns, -CONTEXT_WINDOW_NS),
      end: line.ns,
      direction: 'backward',
      limit: CONTEXT_LINES,
      signal,
    }),
    queryRange(sel, {
      start: addNs(line.ns, 1),
      end: addNs(line.ns, CONTEXT_WINDOW_NS),
      direction: 'forward',
      limit: CONTEXT_LINES,
      signal,
    }),
  ]);
  const lines = (d: typeof a) =>
    d.resultType === 'streams' ? flattenStreams(d.result, 'forward') : [];
  return { before: lines(b), after: lines(a) };
}
