import type { InstantFunction } from '../../steps.js';

/** Functions over instant vectors, scalars and strings, by PromQL name (functions/instant/*.ts). */
export const INSTANT_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>();
