/**
 * @module checks/http
 * The `http` check kind: one HTTP(S) request through the outbound guard (every redirect hop
 * re-checked) with conditions on status, body, RE2 regexes, JSON values and latency, and
 * blackbox_exporter's http prober metrics.
 */
import type { CheckKind } from '../types.js';
import { probeHttp } from './http-probe.js';
import { type HttpSpec, httpSpecSchema } from './http-schema.js';

export {
  httpSpecSchema,
  jsonConditionSchema,
  type HttpSpec,
  type JsonCondition,
} from './http-schema.js';

export const httpKind: CheckKind<HttpSpec> = {
  name: 'http',
  description: 'HTTP(S) request with status, body, regex, JSON and latency conditions',
  schema: httpSpecSchema,
  secretFields: ['basic_auth.password', 'bearer_token', 'tls.key', 'headers.*'],
  target: (spec) => spec.url,
  probe: probeHttp,
};
