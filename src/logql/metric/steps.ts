import { Labels } from '../../model/index.js';
import { LogqlEvalError } from '../errors.js';

/**
 * The evaluation grid and the column-wise values the metric evaluator passes between nodes:
 * every node yields all steps at once, so per-series work (grouping keys, match signatures,
 * label edits) is done once per series, not once per step.
 */

/** Steps `t_i = startMs + i * stepMs`, `i < n` (an instant query is one step at its time). */
export interface StepGrid {
  startMs: number;
  stepMs: number;
  n: number;
}

/** One series over the grid: `values[i]` counts only where `present[i]` is 1. */
export interface StepSeries {
  labels: Labels;
  values: Float64Array;
  present: Uint8Array;
}

export type StepValue =
  | {
      kind: 'vector';
      series: StepSeries[];
      /** Set by sort/sort_desc: the order of an instant result. */
      order?: 'asc' | 'desc';
    }
  | { kind: 'scalar'; values: Float64Array };

export function newSeries(labels: Labels, n: number): StepSeries {
  return { labels, values: new Float64Array(n), present: new Uint8Array(n) };
}

/** The grid time of step `i`, ms. */
export function stepTime(grid: StepGrid, i: number): number {
  return grid.startMs + i * grid.stepMs;
}

export function hasAny(s: StepSeries): boolean {
  for (let i = 0; i < s.present.length; i++) if (s.present[i] === 1) return true;
  return false;
}

/** The labels kept by `by (…)` or left by `without (…)`. */
export function groupLabels(labels: Labels, without: boolean, names: readonly string[]): Labels {
  const flat = labels.flat;
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    if (names.includes(flat[i]) !== without) out.push(flat[i], flat[i + 1]);
  }
  return out.length === flat.length ? labels : Labels.fromSortedFlat(out);
}

/** A collision-free map key for a label set (label names cannot contain NUL). */
export function labelsKey(labels: Labels): string {
  return labels.flat.join('\u0000');
}

/**
 * Series keyed by label set: `get` returns the series for `labels`, creating it on first use.
 * Used by every node that merges inputs into output label sets.
 */
export class SeriesSet {
  private readonly byKey = new Map<string, StepSeries>();

  constructor(private readonly n: number) {}

  get(labels: Labels): StepSeries {
    const k = labelsKey(labels);
    let s = this.byKey.get(k);
    if (s === undefined) {
      s = newSeries(labels, this.n);
      this.byKey.set(k, s);
    }
    return s;
  }

  /** Sets step `i` of `labels`' series, failing when two inputs land on the same output. */
  setOnce(labels: Labels, i: number, v: number, what: string): void {
    const s = this.get(labels);
    if (s.present[i] === 1) {
      throw new LogqlEvalError(
        `cannot evaluate ${what}: vector cannot contain metrics with the same labelset ${labels.toString()}`,
      );
    }
    s.present[i] = 1;
    s.values[i] = v;
  }

  series(): StepSeries[] {
    return [...this.byKey.values()];
  }
}
