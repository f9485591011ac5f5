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
export { CHECK_KINDS } from './registry.js';
export { applyProbe, type FlapState, type FlapThresholds } from './flap.js';
export {
  CheckEngine,
  CheckNotFoundError,
  type CheckEngineOptions,
  type CheckEngineMetrics,
} from './engine.js';
export { probeOnce, runProbe, type ProbeOnceContext } from './probe.js';
export { CHECKS_JOB } from './metrics-writer.js';
export { checkHistory, type CheckEvent } from './state-writer.js';
export { heartbeatToken } from './heartbeat-token.js';
export {
  SqliteCheckStore,
  redactCheckBody,
  CheckStoreError,
  CheckStoreNotFoundError,
  CheckStoreConflictError,
  type StoredCheck,
  type CheckSecretSink,
} from './store.js';
