/**
 * Functions over range vectors (Prometheus 3.x semantics, promql/functions.go), each a
 * `RangeFunction`: one series at a time, all steps at once, windows `(start, end]`.
 * `absent_over_time` is not here: the engine evaluates it from the selector.
 */
import type { RangeFunction } from '../../steps.js';
import { changes, resets } from './changes.js';
import {
  avgOverTime,
  countOverTime,
  firstOverTime,
  lastOverTime,
  presentOverTime,
  sumOverTime,
  tsOfFirstOverTime,
  tsOfLastOverTime,
} from './over-time-basic.js';
import { maxOverTime, minOverTime, tsOfMaxOverTime, tsOfMinOverTime } from './over-time-minmax.js';
import {
  madOverTime,
  quantileOverTime,
  stddevOverTime,
  stdvarOverTime,
} from './over-time-stats.js';
import { delta, idelta, increase, irate, rate } from './rate.js';
import { deriv, predictLinear } from './regression.js';
import { doubleExponentialSmoothing } from './smoothing.js';

/** Functions over range vectors, by PromQL name. */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>([
  ['rate', rate],
  ['increase', increase],
  ['delta', delta],
  ['irate', irate],
  ['idelta', idelta],
  ['deriv', deriv],
  ['predict_linear', predictLinear],
  ['resets', resets],
  ['changes', changes],
  ['avg_over_time', avgOverTime],
  ['sum_over_time', sumOverTime],
  ['min_over_time', minOverTime],
  ['max_over_time', maxOverTime],
  ['count_over_time', countOverTime],
  ['last_over_time', lastOverTime],
  ['first_over_time', firstOverTime],
  ['present_over_time', presentOverTime],
  ['stddev_over_time', stddevOverTime],
  ['stdvar_over_time', stdvarOverTime],
  ['quantile_over_time', quantileOverTime],
  ['mad_over_time', madOverTime],
  ['ts_of_min_over_time', tsOfMinOverTime],
  ['ts_of_max_over_time', tsOfMaxOverTime],
  ['ts_of_first_over_time', tsOfFirstOverTime],
  ['ts_of_last_over_time', tsOfLastOverTime],
  ['double_exponential_smoothing', doubleExponentialSmoothing],
]);
