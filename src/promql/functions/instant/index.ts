import type { InstantFunction } from '../../steps.js';
import { HISTOGRAM_FUNCTIONS } from './histogram.js';
import { LABEL_FUNCTIONS } from './labels.js';
import { MATH_FUNCTIONS } from './math.js';
import { SORT_FUNCTIONS } from './sort.js';
import { TIME_FUNCTIONS } from './time.js';
import { TRIG_FUNCTIONS } from './trig.js';

/** Functions over instant vectors, scalars and strings, by PromQL name (functions/instant/*.ts). */
export const INSTANT_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>([
  ...MATH_FUNCTIONS,
  ...TRIG_FUNCTIONS,
  ...TIME_FUNCTIONS,
  ...SORT_FUNCTIONS,
  ...LABEL_FUNCTIONS,
  ...HISTOGRAM_FUNCTIONS,
]);
