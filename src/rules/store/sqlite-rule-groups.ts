/**
 * Rule groups managed through the API and the UI, per tenant, in the state store (migration 5).
 * A group is kept as the YAML a rule file would hold, validated with the rule-file parser on
 * save: what is stored always loads. Rule files stay on disk, read-only; these are the rest.
 */
import { parse as parseYaml, stringify } from 'yaml';
import { ArgusError } from '../../util/index.js';
import type { StateStore, SqlReader } from '../../state/index.js';
import { parseRuleFile } from '../file/parse.js';
import type { RuleGroupSpec } from '../file/spec.js';

/** The pseudo file name of stored groups (in the API's `file` field and in errors). */
export const API_RULES_FILE = 'api';

export class RuleGroupError extends ArgusError {}
/** The group does not validate: `errors` as the rule-file checker words them. */
export class RuleGroupInvalidError extends RuleGroupError {
  constructor(readonly errors: readonly string[]) {
    super(`invalid rule group: ${errors.join('; ')}`);
  }
}
export class RuleGroupNotFoundError extends RuleGroupError {}
export class RuleGroupConflictError extends RuleGroupError {}

export interface StoredRuleGroup {
  readonly name: string;
  /** The group as rule-file YAML. */
  readonly yaml: string;
  readonly spec: RuleGroupSpec;
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: number;
}

interface Row {
  name: string;
  body: string;
  version: number;
  updated_by: string;
  updated_at: number;
}

/**
 * Checks one group (an object as YAML/JSON decode it, or YAML text of one group) and returns
 * its spec and canonical YAML. Throws RuleGroupInvalidError with every problem.
 */
export function validateRuleGroup(
  input: unknown,
  name?: string,
): { spec: RuleGroupSpec; yaml: string } {
  let group: unknown = input;
  if (typeof input === 'string') {
    try {
      group = parseYaml(input, { maxAliasCount: 100 });
    } catch (err) {
      throw new RuleGroupInvalidError([`not YAML: ${(err as Error).message}`]);
    }
  }
  if (typeof group !== 'object' || group === null || Array.isArray(group))
    throw new RuleGroupInvalidError(['expected one rule group: an object with name and rules']);
  const g = group as Record<string, unknown>;
  if (name !== undefined) {
    if (g.name === undefined) g.name = name;
    else if (g.name !== name)
      throw new RuleGroupInvalidError([
        `the group is named ${JSON.stringify(g.name)} but the URL names ${JSON.stringify(name)}`,
      ]);
  }
  const ordered = { name: g.name, ...g }; // name first, as rule files write it
  const yaml = stringify({ groups: [ordered] });
  const r = parseRuleFile(yaml, API_RULES_FILE);
  if (r.errors.length > 0) throw new RuleGroupInvalidError(r.errors);
  if (r.groups.length !== 1) throw new RuleGroupInvalidError(['expected exactly one rule group']);
  return { spec: r.groups[0], yaml: stringify(ordered) };
}

function toStored(r: Row): StoredRuleGroup {
  return {
    name: r.name,
    yaml: r.body,
    // Stored bodies were validated on save; a parse here only rebuilds the spec.
    spec: validateRuleGroup(r.body, r.name).spec,
    version: r.version,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

const one = (r: SqlReader, tenant: string, name: string) =>
  r.get<Row>(`SELECT * FROM rule_groups WHERE tenant = ? AND name = ?`, [tenant, name]);

const auditView = (s: { spec: RuleGroupSpec }, version: number) => ({
  name: s.spec.name,
  rules: s.spec.rules.length,
  version,
});

export class SqliteRuleGroups {
  constructor(private readonly state: Pick<StateStore, 'sql'>) {}

  async list(tenant: string): Promise<StoredRuleGroup[]> {
    const rows = await this.state.sql.read((r) =>
      r.all<Row>(`SELECT * FROM rule_groups WHERE tenant = ? ORDER BY name`, [tenant]),
    );
    return rows.map(toStored);
  }

  async get(tenant: string, name: string): Promise<StoredRuleGroup | undefined> {
    const row = await this.state.sql.read((r) => one(r, tenant, name));
    return row && toStored(row);
  }

  /** Tenants that have stored groups. */
  async tenants(): Promise<string[]> {
    const rows = await this.state.sql.read((r) =>
      r.all<{ tenant: string }>(`SELECT DISTINCT tenant FROM rule_groups ORDER BY tenant`),
    );
    return rows.map((x) => x.tenant);
  }

  /**
   * Creates or replaces group `name`. `version`: the version the caller edited (a save over a
   * newer one is a conflict); undefined = create (a conflict if it exists) .
   */
  async save(
    tenant: string,
    name: string,
    input: unknown,
    actor: string,
    version?: number,
  ): Promise<StoredRuleGroup> {
    const v = validateRuleGroup(input, name);
    return this.state.sql.write((tx) => {
      const cur = one(tx, tenant, name);
      if (version === undefined && cur !== undefined)
        throw new RuleGroupConflictError(
          `cannot create rule group ${JSON.stringify(name)}: it exists (version ${cur.version}); send its version to replace it`,
        );
      if (version !== undefined && cur === undefined)
        throw new RuleGroupNotFoundError(
          `cannot update rule group ${JSON.stringify(name)}: not found`,
        );
      if (version !== undefined && cur !== undefined && cur.version !== version)
        throw new RuleGroupConflictError(
          `cannot update rule group ${JSON.stringify(name)}: it was saved by ${cur.updated_by} since (version ${cur.version}, yours is ${version}); reload it and apply your change again`,
        );
      const next = (cur?.version ?? 0) + 1;
      tx.run(
        `INSERT INTO rule_groups (tenant, name, body, version, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, name) DO UPDATE SET body = excluded.body, version = excluded.version,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [tenant, name, v.yaml, next, actor, tx.now],
      );
      tx.audit({
        actor,
        tenant,
        action: cur ? 'rules.group.update' : 'rules.group.create',
        target: `rule_group:${name}`,
        before: cur ? { name, version: cur.version } : null,
        after: auditView(v, next),
      });
      return {
        name,
        yaml: v.yaml,
        spec: v.spec,
        version: next,
        updatedBy: actor,
        updatedAt: tx.now,
      };
    });
  }

  async delete(tenant: string, name: string, actor: string): Promise<void> {
    await this.state.sql.write((tx) => {
      const cur = one(tx, tenant, name);
      if (cur === undefined)
        throw new RuleGroupNotFoundError(
          `cannot delete rule group ${JSON.stringify(name)}: not found`,
        );
      tx.run(`DELETE FROM rule_groups WHERE tenant = ? AND name = ?`, [tenant, name]);
      tx.audit({
        actor,
        tenant,
        action: 'rules.group.delete',
        target: `rule_group:${name}`,
        before: { name, version: cur.version },
        after: null,
      });
    });
  }
}
