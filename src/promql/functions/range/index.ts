import type { RangeFunction } from '../../steps.js';

/** Functions over range vectors, by PromQL name (filled in by functions/range/*.ts). */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>();
