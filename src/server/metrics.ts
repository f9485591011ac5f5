import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/** Argus's own metrics registry (never prom-client's global one) with process metrics. */
export function createRegistry(version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'argus_build_info',
    help: 'Constant 1, labelled with the Argus version and Node.js runtime version.',
    labelNames: ['version', 'node_version'],
    registers: [registry],
  });
  info.set({ version, node_version: process.version }, 1);
  return registry;
}

/** Counts and times every HTTP request by route pattern (not raw URL: bounded cardinality). */
export function instrumentHttp(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'argus_http_requests_total',
    help: 'HTTP requests served, by route pattern, method and status code.',
    labelNames: ['route', 'method', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'argus_http_request_duration_seconds',
    help: 'HTTP request latency, by route pattern.',
    labelNames: ['route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: req.method, code: String(reply.statusCode) });
    duration.observe({ route }, reply.elapsedTime / 1000);
    done();
  });
}

/** Gauges describing config reloads (as Prometheus exposes them). */
export function reloadMetrics(registry: Registry): { success(ok: boolean): void } {
  const ok = new Gauge({
    name: 'argus_config_last_reload_successful',
    help: 'Whether the last configuration reload attempt was successful (1) or not (0).',
    registers: [registry],
  });
  const ts = new Gauge({
    name: 'argus_config_last_reload_success_timestamp_seconds',
    help: 'Timestamp of the last successful configuration load.',
    registers: [registry],
  });
  ok.set(1);
  ts.setToCurrentTime();
  return {
    success(good: boolean) {
      ok.set(good ? 1 : 0);
      if (good) ts.setToCurrentTime();
    },
  };
}
