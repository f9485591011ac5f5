/** Test-only surface of `rules`: a hand-driven clock for the evaluator's scheduler. */
export { FakeClock } from './eval/testing.js';
