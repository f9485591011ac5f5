import { BugError } from '../../../util/index.js';
import { ABSENT, isAbsent, type StepSeries, type StepValue } from '../../steps.js';

/** The argument at `i` as a vector's series (the parser type-checked it). */
export function vectorArg(args: readonly StepValue[], i: number): StepSeries[] {
  const a = args[i];
  if (a?.kind !== 'vector') throw new BugError(`argument ${i} is not an instant vector`);
  return a.series;
}

/** The argument at `i` as a scalar's per-step values. */
export function scalarArg(args: readonly StepValue[], i: number): Float64Array {
  const a = args[i];
  if (a?.kind !== 'scalar') throw new BugError(`argument ${i} is not a scalar`);
  return a.vs;
}

/** The argument at `i` as a string. */
export function stringArg(args: readonly StepValue[], i: number): string {
  const a = args[i];
  if (a?.kind !== 'string') throw new BugError(`argument ${i} is not a string`);
  return a.value;
}

export function vector(series: StepSeries[]): StepValue {
  return { kind: 'vector', series };
}

export function scalar(vs: Float64Array): StepValue {
  return { kind: 'scalar', vs };
}

/**
 * Applies `f(value, step)` to every present value of every series; a NaN result from `f` is a
 * value, ABSENT (returned by `f`) drops the step. Outputs drop the metric name (delayed).
 */
export function mapSeries(
  series: readonly StepSeries[],
  f: (v: number, i: number) => number,
): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of series) {
    const vs = new Float64Array(s.vs.length);
    let any = false;
    for (let i = 0; i < vs.length; i++) {
      const v = s.vs[i];
      if (v !== v && isAbsent(v)) {
        vs[i] = ABSENT;
        continue;
      }
      const r = f(v, i);
      vs[i] = r;
      if (!(r !== r && isAbsent(r))) any = true;
    }
    if (any) out.push({ labels: s.labels, vs, ts: null, dropName: true });
  }
  return out;
}

/** An InstantFunction over one vector argument applying `f` to each value. */
export function simple(f: (v: number) => number) {
  return (args: readonly StepValue[]): StepValue => vector(mapSeries(vectorArg(args, 0), f));
}
