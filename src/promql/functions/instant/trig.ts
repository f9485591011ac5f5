import type { InstantFunction } from '../../steps.js';
import { scalar, simple } from './helpers.js';

/** Trigonometric functions and angle conversions; all drop the metric name. */
export const TRIG_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>([
  ['acos', simple(Math.acos)],
  ['acosh', simple(Math.acosh)],
  ['asin', simple(Math.asin)],
  ['asinh', simple(Math.asinh)],
  ['atan', simple(Math.atan)],
  ['atanh', simple(Math.atanh)],
  ['cos', simple(Math.cos)],
  ['cosh', simple(Math.cosh)],
  ['sin', simple(Math.sin)],
  ['sinh', simple(Math.sinh)],
  ['tan', simple(Math.tan)],
  ['tanh', simple(Math.tanh)],
  // Same operation order as Prometheus (v*180/π, v*π/180) so results match to the last bit.
  ['deg', simple((v) => (v * 180) / Math.PI)],
  ['rad', simple((v) => (v * Math.PI) / 180)],
  ['pi', (_args, ctx) => scalar(new Float64Array(ctx.steps).fill(Math.PI))],
]);
