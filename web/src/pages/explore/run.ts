/** Runs Explore's queries against the API and shapes the answers for the chart and table. */
import { ApiError } from '../../api/client.js';
import { instantQuery, rangeQuery, type QueryData } from '../../api/prom.js';
import type { ChartSeries } from '../../components/chart/index.js';
import { seriesName } from './state.js';

export interface TableRow {
  labels: Record<string, string>;
  name: string;
  /** The value, or the matrix's values joined (a range vector selector). */
  value: number;
  text: string;
  time: number;
}

export type QueryResult =
  | { kind: 'empty' }
  | { kind: 'error'; message: string; errorType: string }
  | {
      kind: 'graph';
      series: ChartSeries[];
      warnings: string[];
      infos: string[];
      step: number;
    }
  | { kind: 'table'; rows: TableRow[]; resultType: string; warnings: string[]; infos: string[] };

function failed(err: unknown): QueryResult {
  if (err instanceof ApiError)
    return { kind: 'error', message: err.message, errorType: err.errorType };
  return { kind: 'error', message: String(err), errorType: 'internal' };
}

const num = (s: string) => Number(s);

export async function runRange(
  query: string,
  start: number,
  end: number,
  step: number,
  signal: AbortSignal,
): Promise<QueryResult> {
  if (query.trim() === '') return { kind: 'empty' };
  try {
    const a = await rangeQuery(query, start, end, step, signal);
    const series: ChartSeries[] = a.data.result.map((s) => ({
      labels: s.metric,
      name: seriesName(s.metric),
      points: s.values.map((p): [number, number] => [p[0], num(p[1])]),
    }));
    return { kind: 'graph', series, warnings: a.warnings, infos: a.infos, step };
  } catch (err) {
    if (signal.aborted) throw err;
    return failed(err);
  }
}

function rows(d: QueryData): TableRow[] {
  switch (d.resultType) {
    case 'vector':
      return d.result.map((s) => ({
        labels: s.metric,
        name: seriesName(s.metric),
        value: num(s.value[1]),
        text: s.value[1],
        time: s.value[0],
      }));
    case 'matrix':
      return d.result.map((s) => {
        const last = s.values[s.values.length - 1];
        return {
          labels: s.metric,
          name: seriesName(s.metric),
          value: last ? num(last[1]) : NaN,
          text: s.values.map((p) => `${p[1]} @${p[0]}`).join('\n'),
          time: last ? last[0] : 0,
        };
      });
    case 'scalar':
      return [
        {
          labels: {},
          name: 'scalar',
          value: num(d.result[1]),
          text: d.result[1],
          time: d.result[0],
        },
      ];
    case 'string':
      return [{ labels: {}, name: 'string', value: NaN, text: d.result[1], time: d.result[0] }];
  }
}

export async function runInstant(
  query: string,
  time: number,
  signal: AbortSignal,
): Promise<QueryResult> {
  if (query.trim() === '') return { kind: 'empty' };
  try {
    const a = await instantQuery(query, time, signal);
    return {
      kind: 'table',
      rows: rows(a.data),
      resultType: a.data.resultType,
      warnings: a.warnings,
      infos: a.infos,
    };
  } catch (err) {
    if (signal.aborted) throw err;
    return failed(err);
  }
}
