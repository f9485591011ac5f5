/**
 * @module ingest/push
 * Pushgateway semantics for batch jobs: grouped pushes kept and re-written every interval until
 * deleted, surviving restarts. HTTP-free: the api module parses the `/metrics/job/…` URL.
 */
export {
  PushRegistry,
  PushError,
  type PushedSample,
  type PushRegistryOptions,
} from './registry.js';
