/**
 * @module health
 * Services and their dependencies: aggregated status (up / degraded / down / unknown /
 * maintenance), root causes ("impacted by X"), alerts for check state changes with dependents
 * suppressed in favour of the root cause, maintenance windows, uptime and SLOs.
 */
export * from './types.js';
