/**
 * LogQL text helpers for the Logs page: the exact selector of a stream (for "show context"),
 * a label filter added to a query (facet clicks), the histogram's metric query, and what the
 * editor should complete at the cursor. Pure (no DOM), tested in test/web/logs-query.test.ts.
 */
import {
  LEVEL_LABEL_NAMES,
  TEXT_LEVEL_FIELD,
  TEXT_LEVEL_WORD,
  levelDetectStages,
} from './logs-text.js';

/** A LogQL string literal (JSON escaping is what LogQL's double-quoted strings accept). */
export const quote = (s: string): string => JSON.stringify(s);

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The selector matching exactly these labels: `{app="api", env="prod"}`. */
export function streamSelector(labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .filter((k) => NAME.test(k))
    .sort()
    .map((k) => `${k}=${quote(labels[k]!)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * Where the query's stream selector ends (the index of its `}`), skipping strings; -1 when the
 * query does not start with one (after spaces).
 */
export function selectorEnd(query: string): number {
  let i = 0;
  while (i < query.length && /\s/.test(query[i]!)) i++;
  if (query[i] !== '{') return -1;
  for (i++; i < query.length; i++) {
    const c = query[i]!;
    if (c === '}') return i;
    if (c === '"') {
      for (i++; i < query.length && query[i] !== '"'; i++) if (query[i] === '\\') i++;
    } else if (c === '`') {
      i = query.indexOf('`', i + 1);
      if (i < 0) return -1;
    }
  }
  return -1;
}

/** Pipeline stages that make labels from the line (after them, filter with `| name="v"`). */
const PARSER = /\|\s*(json|logfmt|regexp|pattern|unpack|label_format)\b/;

/**
 * The query narrowed to `name="value"`: inside the stream selector when the label is a stream
 * label (`stream` true) and no parser ran, else as a label filter stage at the end.
 */
export function addLabelFilter(
  query: string,
  name: string,
  value: string,
  stream: boolean,
): string {
  const matcher = `${name}=${quote(value)}`;
  const end = selectorEnd(query);
  if (end < 0) return `{${matcher}}`;
  if (stream && !PARSER.test(query)) {
    const inside = query.slice(query.indexOf('{') + 1, end).trim();
    const sep = inside === '' ? '' : inside.endsWith(',') ? ' ' : ', ';
    return `${query.slice(0, end).trimEnd()}${sep}${matcher}${query.slice(end)}`;
  }
  return `${query.trimEnd()} | ${matcher}`;
}

/** Whether the query is a log query (a selector and pipeline) rather than a metric query. */
export function isLogQuery(query: string): boolean {
  return selectorEnd(query) >= 0;
}

/**
 * The histogram's metric query: matching lines per step, grouped by the labels and fields that
 * name a level and by the level field and word found in the line's text (two `regexp` stages),
 * so the bars are coloured as the line list is (logs-histogram.ts picks the level per group).
 */
export function histogramQuery(query: string, stepSec: number): string {
  const by = [...LEVEL_LABEL_NAMES, TEXT_LEVEL_FIELD, TEXT_LEVEL_WORD].join(', ');
  const range = `[${Math.max(1, Math.round(stepSec))}s]`;
  return `sum by (${by}) (count_over_time(${query.trim()} ${levelDetectStages()} ${range}))`;
}

/** What to complete at the cursor inside a selector's braces. */
export type CompletionSpot =
  | { kind: 'name'; from: number; prefix: string }
  | { kind: 'value'; from: number; prefix: string; label: string };

/**
 * The completion at the end of `before` (the text up to the cursor): a label name after `{` or
 * `,`, a value inside the quotes after `name=` / `!=` / `=~` / `!~`; undefined elsewhere.
 */
export function completionSpot(before: string): CompletionSpot | undefined {
  const open = before.lastIndexOf('{');
  if (open < 0 || before.indexOf('}', open) >= 0) return undefined;
  const inside = before.slice(open + 1);
  const value = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=|!=|=~|!~)\s*"((?:[^"\\]|\\.)*)$/.exec(inside);
  if (value) {
    return {
      kind: 'value',
      label: value[1]!,
      prefix: value[2]!,
      from: before.length - value[2]!.length,
    };
  }
  // Closed strings are done: a name starts after `{` or a `,` outside quotes.
  const name = /(?:^|,)\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(
    inside.replace(/"(?:[^"\\]|\\.)*"/g, '""'),
  );
  if (!name) return undefined;
  const prefix = name[1] ?? '';
  return { kind: 'name', prefix, from: before.length - prefix.length };
}
