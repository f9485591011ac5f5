/**
 * Loki answers shaped for the Logs page: streams flattened into one time-ordered list of lines
 * (deduplicated across "load more" pages and live tail messages), field facets (top values of
 * each label with line counts), and nanosecond timestamps (strings: they exceed 2^53).
 * Pure (no DOM), tested in test/web/logs-lines.test.ts.
 */
import type { Direction } from './logs-state.js';
import { levelOf, type LogLevel } from './logs-text.js';

/** Loki's stream: its labels and `[<ns>, line]` entries. */
export interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

export interface LogLine {
  /** Unique within the page (stream + ns + line). */
  key: string;
  ns: string;
  labels: Record<string, string>;
  line: string;
  level: LogLevel;
}

/** Nanoseconds (a decimal string) → a BigInt-free comparison: by length, then text. */
export function compareNs(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** ns string → unix seconds (float, millisecond precision is all a display needs). */
export const nsToSec = (ns: string): number => Number(ns.length > 6 ? ns.slice(0, -6) : '0') / 1000;

/** Unix seconds → ns string. */
export const secToNs = (sec: number): string => `${BigInt(Math.round(sec * 1000)) * 1_000_000n}`;

/** ns ± n nanoseconds. */
export const addNs = (ns: string, n: number): string => `${BigInt(ns) + BigInt(n)}`;

const streamKey = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0001${labels[k]}`)
    .join('\u0002');

/** The streams' entries as lines, newest first (backward) or oldest first (forward). */
export function flattenStreams(streams: readonly LokiStream[], direction: Direction): LogLine[] {
  const out: LogLine[] = [];
  for (const s of streams) {
    const sk = streamKey(s.stream);
    for (const [ns, line] of s.values) {
      out.push({
        key: `${sk}\u0003${ns}\u0003${line}`,
        ns,
        labels: s.stream,
        line,
        level: levelOf(s.stream, line),
      });
    }
  }
  return sortLines(out, direction);
}

export function sortLines(lines: LogLine[], direction: Direction): LogLine[] {
  const sign = direction === 'backward' ? -1 : 1;
  return lines.sort((a, b) => sign * compareNs(a.ns, b.ns));
}

/** `lines` followed by the `more` not already in it (same key), ordered for the direction. */
export function mergeLines(
  lines: readonly LogLine[],
  more: readonly LogLine[],
  direction: Direction,
): LogLine[] {
  const seen = new Set(lines.map((l) => l.key));
  return sortLines([...lines, ...more.filter((l) => !seen.has(l.key))], direction);
}

/** Appends live lines (newest first) keeping at most `cap`: returns the list and how many fell off. */
export function appendLive(
  lines: readonly LogLine[],
  incoming: readonly LogLine[],
  cap: number,
): { lines: LogLine[]; dropped: number } {
  const merged = mergeLines(lines, incoming, 'backward');
  const dropped = Math.max(0, merged.length - cap);
  return { lines: dropped > 0 ? merged.slice(0, cap) : merged, dropped };
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface Facet {
  name: string;
  /** Distinct values among the lines. */
  distinct: number;
  top: FacetValue[];
}

/**
 * Each label's top values by line count (most first, then by value), the labels sorted by
 * name; labels on every line with one value are kept (they say what the lines share).
 */
export function facets(lines: readonly LogLine[], topN = 5): Facet[] {
  const counts = new Map<string, Map<string, number>>();
  for (const l of lines) {
    for (const [k, v] of Object.entries(l.labels)) {
      let m = counts.get(k);
      if (!m) counts.set(k, (m = new Map()));
      m.set(v, (m.get(v) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, m]) => ({
      name,
      distinct: m.size,
      top: [...m.entries()]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .slice(0, topN),
    }));
}
