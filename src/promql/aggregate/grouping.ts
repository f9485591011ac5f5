import { Labels, METRIC_NAME } from '../../model/index.js';
import type { AggregateExpr } from '../ast.js';

/** The output groups of an aggregation and which group each input series belongs to. */
export interface Grouping {
  /** Per group: its labels (the `by` labels, or all but the `without` ones and `__name__`). */
  readonly labels: Labels[];
  /** Per input series: its group's index. Groups are numbered in order of first appearance. */
  readonly groupOf: Int32Array;
}

/** A compiled `by (…)`/`without (…)` clause: label set → group labels. */
export type GroupLabelsFn = (ls: Labels) => Labels;

export function groupLabelsFn(node: Pick<AggregateExpr, 'grouping' | 'without'>): GroupLabelsFn {
  if (node.without) {
    const drop = new Set([...node.grouping, METRIC_NAME]);
    return (ls) => {
      const f = ls.flat;
      const out: string[] = [];
      for (let i = 0; i < f.length; i += 2) if (!drop.has(f[i])) out.push(f[i], f[i + 1]);
      return out.length === f.length ? ls : Labels.fromSortedFlat(out);
    };
  }
  if (node.grouping.length === 0) return () => Labels.EMPTY;
  const keep = new Set(node.grouping);
  return (ls) => {
    const f = ls.flat;
    const out: string[] = [];
    for (let i = 0; i < f.length; i += 2) if (keep.has(f[i])) out.push(f[i], f[i + 1]);
    return Labels.fromSortedFlat(out);
  };
}

/**
 * A collision-free map key for a label set: the separator is a lone surrogate, which no label
 * name or value holds (they must be valid UTF-8).
 */
export function labelsKey(ls: Labels): string {
  return ls.flat.join('\ud800');
}

/** Assigns every input series to its output group. */
export function groupSeries(
  node: Pick<AggregateExpr, 'grouping' | 'without'>,
  input: readonly { labels: Labels }[],
): Grouping {
  const fn = groupLabelsFn(node);
  const index = new Map<string, number>();
  const labels: Labels[] = [];
  const groupOf = new Int32Array(input.length);
  // The key is built from the input labels directly; Labels objects only for new groups.
  const drop = node.without ? new Set([...node.grouping, METRIC_NAME]) : null;
  const keep = node.without ? null : new Set(node.grouping);
  for (let si = 0; si < input.length; si++) {
    const ls = input[si].labels;
    const f = ls.flat;
    let key = '';
    for (let i = 0; i < f.length; i += 2) {
      const n = f[i];
      if (drop !== null ? !drop.has(n) : keep!.has(n)) key += n + '\ud800' + f[i + 1] + '\ud800';
    }
    let gi = index.get(key);
    if (gi === undefined) {
      gi = labels.length;
      index.set(key, gi);
      labels.push(fn(ls));
    }
    groupOf[si] = gi;
  }
  return { labels, groupOf };
}
