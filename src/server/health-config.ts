/**
 * `checks:`, `services:` and `health:` in argus.yml: checks and services provisioned from the
 * config (read-only in the API/UI), per tenant (`tenant:`, default `default`).
 */
import { z } from 'zod';
import {
  CHECK_KINDS,
  CheckDefinitionError,
  parseCheckDefinition,
  type AnyCheckKind,
  type CheckDefinition,
} from '../checks/index.js';
import {
  serviceDefinitionSchema,
  validateServices,
  type ServiceDefinition,
} from '../health/index.js';
import { DEFAULT_TENANT, tenantId, type TenantId } from '../model/index.js';

/** `health:`: engine-wide settings. */
export const healthConfigSchema = z
  .object({
    /** Probes in flight at once, all tenants (passive kinds like heartbeat do not count). */
    concurrency: z.number().int().min(1).max(10_000).default(64),
    /** The public status page (`/status`): shows services marked `public: true` only. */
    status_page: z
      .object({
        title: z.string().min(1).max(200).default('Service status'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** One entry of `checks:`/`services:` before its own validation (kind fields vary). */
export const zEntries = z.array(z.record(z.string(), z.unknown())).default([]);

export interface ConfigHealth {
  readonly checks: ReadonlyMap<TenantId, readonly CheckDefinition[]>;
  readonly services: ReadonlyMap<TenantId, readonly ServiceDefinition[]>;
}

export interface HealthConfigIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Validates and groups the config's checks and services by tenant. Every problem is returned
 * with its path in argus.yml (`checks.2.url`); `config` is only set when there are none.
 */
export function parseConfigHealth(
  raw: { checks: readonly Record<string, unknown>[]; services: readonly Record<string, unknown>[] },
  kinds: ReadonlyMap<string, AnyCheckKind> = CHECK_KINDS,
): { config?: ConfigHealth; issues: HealthConfigIssue[] } {
  const issues: HealthConfigIssue[] = [];
  const checks = new Map<TenantId, CheckDefinition[]>();
  const services = new Map<TenantId, ServiceDefinition[]>();
  const tenantOf = (entry: Record<string, unknown>, path: (string | number)[]): TenantId => {
    const t = entry.tenant ?? DEFAULT_TENANT;
    try {
      return tenantId(typeof t === 'string' ? t : JSON.stringify(t));
    } catch (err) {
      issues.push({ path: [...path, 'tenant'], message: (err as Error).message });
      return DEFAULT_TENANT;
    }
  };
  const seen = new Map<string, number>();
  raw.checks.forEach((entry, i) => {
    const { tenant: _t, ...def } = entry;
    const tenant = tenantOf(entry, ['checks', i]);
    try {
      const d = parseCheckDefinition(def, kinds);
      const key = `${tenant}\0${d.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({
          path: ['checks', i, 'name'],
          message: `check ${JSON.stringify(d.name)} is already defined by checks[${first}]`,
        });
        return;
      }
      seen.set(key, i);
      const list = checks.get(tenant) ?? [];
      list.push(d);
      checks.set(tenant, list);
    } catch (err) {
      if (!(err instanceof CheckDefinitionError)) throw err;
      for (const p of err.issues)
        issues.push({ path: ['checks', i, ...p.path], message: p.message });
    }
  });
  raw.services.forEach((entry, i) => {
    const { tenant: _t, ...def } = entry;
    const tenant = tenantOf(entry, ['services', i]);
    const r = serviceDefinitionSchema.safeParse(def);
    if (!r.success) {
      for (const iss of r.error.issues) {
        const path = iss.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        if (iss.code === 'unrecognized_keys')
          for (const k of iss.keys)
            issues.push({ path: ['services', i, ...path, k], message: 'unknown field' });
        else issues.push({ path: ['services', i, ...path], message: iss.message });
      }
      return;
    }
    const list = services.get(tenant) ?? [];
    list.push(r.data);
    services.set(tenant, list);
  });
  for (const [tenant, defs] of services) {
    const names = new Set((checks.get(tenant) ?? []).map((c) => c.name));
    const indexOf = (name: string): number =>
      raw.services.findIndex(
        (e) =>
          e.name === name &&
          (typeof e.tenant === 'string' ? e.tenant : DEFAULT_TENANT) === String(tenant),
      );
    for (const problem of validateServices(defs, names)) {
      // `services.<name>.<field>: …` points at that entry; the rest (cycles) at the list.
      const m = /^services\.([^.]+)\.(\w+): (.*)$/s.exec(problem);
      const at = m ? indexOf(m[1]) : -1;
      const text = m && at >= 0 ? m[3] : problem.replace(/^services: /, '');
      issues.push({
        path: m && at >= 0 ? ['services', at, m[2]] : ['services'],
        message: tenant === DEFAULT_TENANT ? text : `tenant ${tenant}: ${text}`,
      });
    }
  }
  return issues.length > 0 ? { issues } : { config: { checks, services }, issues };
}
