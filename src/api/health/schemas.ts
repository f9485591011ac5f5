/** The health routes' JSON shapes as zod schemas (for the OpenAPI description). */
import { z } from 'zod';

const checkState = z.enum(['unknown', 'up', 'down']);
export const serviceStatus = z.enum(['up', 'degraded', 'down', 'unknown', 'maintenance']);
const source = z.enum(['config', 'api']).describe('`config`: from argus.yml, read-only here');
const definition = z.record(z.string(), z.unknown());

export const kindView = z.object({ name: z.string(), description: z.string() });

export const runView = z.object({
  at: z.number().describe('When the probe started (ms)'),
  success: z.boolean(),
  duration_seconds: z.number(),
  error: z.string().optional(),
  metrics: z.array(
    z.object({
      name: z.string(),
      labels: z.record(z.string(), z.string()).optional(),
      value: z.number(),
    }),
  ),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const checkView = z.object({
  name: z.string(),
  kind: z.string(),
  description: z.string(),
  target: z.string(),
  source,
  enabled: z.boolean(),
  interval_seconds: z.number(),
  timeout_seconds: z.number(),
  definition: definition.describe('As written; secrets as references'),
  services: z.array(z.string()),
  state: checkState,
  since: z.number(),
  consecutive_failures: z.number(),
  consecutive_successes: z.number(),
  last_run: runView.optional(),
  last_error: z.string().optional(),
  last_error_at: z.number().optional(),
  next_run_at: z.number().optional(),
  ping_url: z.string().optional().describe('Heartbeat checks: the URL a job pings'),
  version: z.number().optional(),
  updated_by: z.string().optional(),
  updated_at: z.number().optional(),
});

export const eventView = z.object({
  at: z.number(),
  state: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const uptimeView = z.object({
  windows: z.object({
    '24h': z.number().nullable(),
    '7d': z.number().nullable(),
    '30d': z.number().nullable(),
    '90d': z.number().nullable(),
  }),
  daily: z.array(
    z.object({
      day: z.string(),
      ratio: z.number().nullable(),
      down_seconds: z.number(),
      maintenance_seconds: z.number(),
    }),
  ),
});

export const sloView = z.object({
  target: z.number(),
  window_seconds: z.number(),
  availability: z.number().nullable(),
  error_budget_seconds: z.number(),
  spent_seconds: z.number(),
  remaining_ratio: z.number(),
});

export const maintenanceView = z.object({
  id: z.number(),
  service: z.string(),
  starts_at: z.number(),
  ends_at: z.number(),
  comment: z.string(),
  created_by: z.string(),
  source,
});

export const serviceView = z.object({
  name: z.string(),
  description: z.string(),
  source,
  checks: z.array(z.object({ name: z.string(), state: checkState })),
  depends_on: z.array(z.string()),
  public: z.boolean().describe('Shown on the public status page'),
  status: serviceStatus,
  since: z.number(),
  impacted_by: z.array(z.string()).describe('Down dependencies blamed for its problems'),
  maintenance: maintenanceView.optional(),
  slo: z.object({ target: z.number(), window_seconds: z.number() }).optional(),
  definition,
  version: z.number().optional(),
  updated_by: z.string().optional(),
  updated_at: z.number().optional(),
});

export const overallView = z.object({
  status: serviceStatus,
  root_causes: z.array(z.string()),
  services: z.array(serviceView),
  counts: z.object({
    checks: z.number(),
    up: z.number(),
    down: z.number(),
    unknown: z.number(),
  }),
});

export const resultPoint = z.object({
  at: z.number(),
  success: z.boolean(),
  duration_seconds: z.number(),
  error: z.string().optional(),
});

export const publicStatusView = z.object({
  title: z.string(),
  status: serviceStatus,
  updated_at: z.number(),
  services: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      status: serviceStatus,
      uptime_90d: z.number().nullable(),
      daily: z.array(z.object({ day: z.string(), ratio: z.number().nullable() })),
    }),
  ),
  maintenance: z.array(
    z.object({
      service: z.string(),
      starts_at: z.number(),
      ends_at: z.number(),
      comment: z.string(),
    }),
  ),
  outages: z.array(z.object({ service: z.string(), status: serviceStatus, since: z.number() })),
});

export const saveBody = z.strictObject({
  definition: definition.describe(
    'The definition as in argus.yml (`name` optional: the path wins)',
  ),
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('The version this edit started from; omit to create'),
});

export const tryBody = z.strictObject({ definition });

const time = z.union([z.number(), z.string()]).describe('Milliseconds since the epoch or RFC 3339');
export const maintenanceBody = z.strictObject({
  service: z.string().min(1),
  starts_at: time,
  ends_at: time,
  comment: z.string().max(1024).default(''),
});

export const nameParam = z.object({ name: z.string() });
export const rangeQuery = z.object({
  from: z.string().optional().describe('ms, unix seconds, RFC 3339 or now-<duration>'),
  to: z.string().optional().describe('Same forms; default now'),
});
