import type { InstantFunction } from '../../steps.js';
import { ABSENT } from '../../steps.js';
import { mapSeries, scalar, scalarArg, simple, vector, vectorArg } from './helpers.js';

/** Arithmetic functions over each value (`abs`, `ln`, `round`, `clamp`, …); all drop the metric name. */
export const MATH_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>([
  ['abs', simple(Math.abs)],
  ['ceil', simple(Math.ceil)],
  ['floor', simple(Math.floor)],
  ['exp', simple(Math.exp)],
  ['ln', simple(Math.log)],
  ['log2', simple(Math.log2)],
  ['log10', simple(Math.log10)],
  ['sqrt', simple(Math.sqrt)],
  // Go's sgn: -1, 1, or the value itself (±0, NaN).
  ['sgn', simple((v) => (v < 0 ? -1 : v > 0 ? 1 : v))],
  [
    'round',
    (args) => {
      const to = args.length > 1 ? scalarArg(args, 1) : null;
      return vector(
        mapSeries(vectorArg(args, 0), (v, i) => {
          // As Prometheus: round half up via the inverse, so round(x, 0.1) hits exact decimals.
          const inv = 1 / (to === null ? 1 : to[i]);
          return Math.floor(v * inv + 0.5) / inv;
        }),
      );
    },
  ],
  // Experimental (3.x) scalar functions, mostly for duration expressions: Go's math.Min/Max.
  [
    'min_of',
    (args) => scalar(scalarArg(args, 0).map((a, i) => Math.min(a, scalarArg(args, 1)[i]))),
  ],
  [
    'max_of',
    (args) => scalar(scalarArg(args, 0).map((a, i) => Math.max(a, scalarArg(args, 1)[i]))),
  ],
  [
    'clamp',
    (args) => {
      const lo = scalarArg(args, 1);
      const hi = scalarArg(args, 2);
      // max < min yields no value at that step.
      return vector(
        mapSeries(vectorArg(args, 0), (v, i) =>
          hi[i] < lo[i] ? ABSENT : Math.max(lo[i], Math.min(hi[i], v)),
        ),
      );
    },
  ],
  [
    'clamp_min',
    (args) => {
      const lo = scalarArg(args, 1);
      return vector(mapSeries(vectorArg(args, 0), (v, i) => Math.max(lo[i], v)));
    },
  ],
  [
    'clamp_max',
    (args) => {
      const hi = scalarArg(args, 1);
      return vector(mapSeries(vectorArg(args, 0), (v, i) => Math.min(hi[i], v)));
    },
  ],
]);
