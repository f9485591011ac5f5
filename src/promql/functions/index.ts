import type { FunctionImpl } from '../steps.js';
import { INSTANT_FUNCTIONS } from './instant/index.js';
import { RANGE_FUNCTIONS } from './range/index.js';

/**
 * Every function the engine can evaluate, by PromQL name. `absent` and `absent_over_time` are
 * evaluated by the engine itself (they need the selector's matchers, not its series).
 */
export const FUNCTIONS: ReadonlyMap<string, FunctionImpl> = new Map<string, FunctionImpl>([
  ...[...RANGE_FUNCTIONS].map(([n, fn]): [string, FunctionImpl] => [n, { kind: 'range', fn }]),
  ...[...INSTANT_FUNCTIONS].map(([n, fn]): [string, FunctionImpl] => [n, { kind: 'instant', fn }]),
]);
