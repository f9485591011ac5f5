/** Deterministic PRNG (mulberry32) so every run sends byte-identical load. */
export { mulberry32 } from '../../src/util/index.js';
