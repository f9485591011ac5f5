/**
 * Services created through the API and the UI, per tenant, in the state store (table
 * service_definitions, migration 7). Each save is parsed with the shared schema and the tenant's
 * whole set re-validated (config + stored + this one) inside the write transaction, so what is
 * stored always loads and a cycle made through the API is refused naming it.
 */
import type { SqlReader, StateStore } from '../state/index.js';
import { HealthConflictError, HealthInvalidError, HealthNotFoundError } from './errors.js';
import { serviceDefinitionSchema, type ServiceDefinition } from './types.js';

export interface StoredService {
  readonly definition: ServiceDefinition;
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: number;
}

export interface ServicePutOptions {
  /** The version the caller edited; undefined = create (a conflict when it exists). */
  readonly expectVersion?: number;
  /** Services from argus.yml: read-only, so these names cannot be stored. */
  readonly configNames?: ReadonlySet<string>;
  /** Problems of the tenant's stored set after the change (e.g. validateServices with config). */
  readonly validate?: (all: readonly ServiceDefinition[]) => string[];
}

interface Row {
  name: string;
  body: string;
  version: number;
  updated_by: string;
  updated_at: number;
}

/** Parses a service definition (an object as JSON/YAML decode it). */
export function parseServiceDefinition(input: unknown, name?: string): ServiceDefinition {
  return parse(input, name).def;
}

/** The definition and its input form (stored as written: durations stay `30d`). */
function parse(input: unknown, name?: string): { def: ServiceDefinition; body: string } {
  const obj =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? { ...(input as Record<string, unknown>) }
      : undefined;
  if (!obj) throw new HealthInvalidError(['expected a mapping with name, checks and depends_on']);
  if (name !== undefined) {
    if (obj.name === undefined) obj.name = name;
    else if (obj.name !== name)
      throw new HealthInvalidError([
        `the service is named ${JSON.stringify(obj.name)} but the URL names ${JSON.stringify(name)}`,
      ]);
  }
  const r = serviceDefinitionSchema.safeParse(obj);
  if (!r.success)
    throw new HealthInvalidError(
      r.error.issues.map((i) => `${i.path.map(String).join('.') || '(service)'}: ${i.message}`),
    );
  return { def: r.data, body: JSON.stringify(obj) };
}

const toStored = (r: Row): StoredService => ({
  definition: serviceDefinitionSchema.parse(JSON.parse(r.body)),
  version: r.version,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

const one = (r: SqlReader, tenant: string, name: string) =>
  r.get<Row>(`SELECT * FROM service_definitions WHERE tenant = ? AND name = ?`, [tenant, name]);
const all = (r: SqlReader, tenant: string) =>
  r.all<Row>(`SELECT * FROM service_definitions WHERE tenant = ? ORDER BY name`, [tenant]);

export class SqliteServiceStore {
  constructor(private readonly state: Pick<StateStore, 'sql'>) {}

  async list(tenant: string): Promise<StoredService[]> {
    return (await this.state.sql.read((r) => all(r, tenant))).map(toStored);
  }

  async get(tenant: string, name: string): Promise<StoredService | undefined> {
    const row = await this.state.sql.read((r) => one(r, tenant, name));
    return row && toStored(row);
  }

  /** Creates or replaces a service. @throws HealthInvalidError, HealthConflictError, HealthNotFoundError */
  async put(
    tenant: string,
    input: unknown,
    actor: string,
    opts: ServicePutOptions = {},
  ): Promise<StoredService> {
    const { def, body } = parse(input);
    const name = def.name;
    if (opts.configNames?.has(name))
      throw new HealthConflictError(
        `cannot save service ${JSON.stringify(name)}: it is defined in argus.yml (read-only)`,
      );
    return this.state.sql.write((tx) => {
      const cur = one(tx, tenant, name);
      const v = opts.expectVersion;
      if (v === undefined && cur)
        throw new HealthConflictError(
          `cannot create service ${JSON.stringify(name)}: it exists (version ${cur.version}); send its version to replace it`,
        );
      if (v !== undefined && !cur)
        throw new HealthNotFoundError(`cannot update service ${JSON.stringify(name)}: not found`);
      if (v !== undefined && cur && cur.version !== v)
        throw new HealthConflictError(
          `cannot update service ${JSON.stringify(name)}: it was saved by ${cur.updated_by} since (version ${cur.version}, yours is ${v}); reload it and apply your change again`,
        );
      if (opts.validate) {
        const others = all(tx, tenant)
          .filter((r) => r.name !== name)
          .map((r) => toStored(r).definition);
        const problems = opts.validate([...others, def]);
        if (problems.length > 0) throw new HealthInvalidError(problems);
      }
      const next = (cur?.version ?? 0) + 1;
      tx.run(
        `INSERT INTO service_definitions (tenant, name, body, version, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, name) DO UPDATE SET body = excluded.body, version = excluded.version,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [tenant, name, body, next, actor, tx.now],
      );
      tx.audit({
        actor,
        tenant,
        action: cur ? 'health.service.update' : 'health.service.create',
        target: `service:${name}`,
        before: cur ? (JSON.parse(cur.body) as unknown) : null,
        after: JSON.parse(body) as unknown,
      });
      return { definition: def, version: next, updatedBy: actor, updatedAt: tx.now };
    });
  }

  /**
   * Deletes a service. `validate` sees the remaining stored set (a service others still depend
   * on is refused when it reports problems). @throws HealthNotFoundError, HealthConflictError
   */
  async delete(
    tenant: string,
    name: string,
    actor: string,
    opts: Pick<ServicePutOptions, 'expectVersion' | 'validate'> = {},
  ): Promise<void> {
    await this.state.sql.write((tx) => {
      const cur = one(tx, tenant, name);
      if (!cur)
        throw new HealthNotFoundError(`cannot delete service ${JSON.stringify(name)}: not found`);
      if (opts.expectVersion !== undefined && cur.version !== opts.expectVersion)
        throw new HealthConflictError(
          `cannot delete service ${JSON.stringify(name)}: it was saved by ${cur.updated_by} since (version ${cur.version}, yours is ${opts.expectVersion})`,
        );
      if (opts.validate) {
        const rest = all(tx, tenant)
          .filter((r) => r.name !== name)
          .map((r) => toStored(r).definition);
        const problems = opts.validate(rest);
        if (problems.length > 0)
          throw new HealthConflictError(
            `cannot delete service ${JSON.stringify(name)}: ${problems.join('; ')}`,
          );
      }
      tx.run(`DELETE FROM service_definitions WHERE tenant = ? AND name = ?`, [tenant, name]);
      tx.audit({
        actor,
        tenant,
        action: 'health.service.delete',
        target: `service:${name}`,
        before: JSON.parse(cur.body) as unknown,
        after: null,
      });
    });
  }
}
