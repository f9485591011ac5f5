/**
 * @module checks
 * Health checks: the check-kind plugins (one folder each, listed in `registry.ts`), the shared
 * definition format, and the engine that schedules probes (interval, timeout, jitter, a global
 * concurrency cap, no pile-ups), applies flap protection, writes blackbox_exporter-compatible
 * `probe_*` metrics and keeps each check's state and history in the state store.
 */
export * from './types.js';
export * from './status.js';
export {
  NAME_RE,
  zName,
  commonCheckSchema,
  parseCheckDefinition,
  CheckDefinitionError,
  type CheckProblem,
  type CheckDefinition,
  DEFAULT_INTERVAL_MS,
  DEFAULT_TIMEOUT_MS,
  MIN_INTERVAL_MS,
} from './definition.js';
