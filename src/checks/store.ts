/**
 * Checks created through the API/UI, per tenant, in the state store (table check_definitions).
 * A body is kept as the JSON the user sent, validated with `parseCheckDefinition` on save, with
 * every credential replaced by a reference to a write-only secret: what is stored always loads
 * and never holds a secret value. Each change is audited in its transaction.
 */
import type { StateStore, SqlReader } from '../state/index.js';
import { ArgusError } from '../util/index.js';
import {
  CheckDefinitionError,
  parseCheckDefinition,
  type CheckDefinition,
  type CheckProblem,
} from './definition.js';
import type { AnyCheckKind } from './types.js';

export class CheckStoreError extends ArgusError {}
export class CheckStoreNotFoundError extends CheckStoreError {}
export class CheckStoreConflictError extends CheckStoreError {}

/** Where plain credentials of API checks go (the secrets service, sealed, write-only). */
export interface CheckSecretSink {
  put(tenant: string, name: string, value: string, actor: string): Promise<void>;
  /** Optional: deleting a check deletes its sealed secrets. */
  delete?(tenant: string, name: string, actor: string): Promise<unknown>;
}

export interface StoredCheck {
  readonly name: string;
  /** The body with secret fields as `{secret: name}` references (plain values as "<secret>"). */
  readonly body: Record<string, unknown>;
  readonly definition: CheckDefinition;
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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Calls `fn` with the parent object and key of each present dotted `path` in `body`. */
function eachSecret(
  body: Obj,
  paths: readonly string[],
  fn: (parent: Obj, key: string, path: string) => void,
): void {
  for (const path of paths) {
    const parts = path.split('.');
    let cur: unknown = body;
    for (const p of parts.slice(0, -1)) cur = isObj(cur) ? cur[p] : undefined;
    const last = parts[parts.length - 1];
    if (!isObj(cur)) continue;
    // `headers.*`: every value of the map (a header may carry any credential).
    const keys = last === '*' ? Object.keys(cur) : [last];
    const base = parts.slice(0, -1).join('.');
    for (const k of keys)
      if (cur[k] !== undefined) fn(cur, k, last === '*' ? `${base}.${k}` : path);
  }
}

/** Calls `fn` with the path of every key in `v`, depth first. */
function walkKeys(
  v: unknown,
  path: (string | number)[],
  fn: (path: (string | number)[]) => void,
): void {
  if (Array.isArray(v)) v.forEach((x, i) => walkKeys(x, [...path, i], fn));
  else if (isObj(v))
    for (const [k, x] of Object.entries(v)) {
      fn([...path, k]);
      walkKeys(x, [...path, k], fn);
    }
}

/**
 * A copy of a check body for API answers: secret fields holding a value become "<secret>";
 * `{secret: name}` and `{file: path}` references stay (they are not secret themselves).
 */
export function redactCheckBody(body: Obj, kind: AnyCheckKind | undefined): Obj {
  const copy = structuredClone(body);
  eachSecret(copy, kind?.secretFields ?? [], (parent, key) => {
    if (typeof parent[key] === 'string') parent[key] = '<secret>';
  });
  return copy;
}

/** The secret name a check's plain credential is sealed under. */
export const checkSecretName = (check: string, field: string): string =>
  `check.${check}.${field.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 128);

const one = (r: SqlReader, tenant: string, name: string) =>
  r.get<Row>(`SELECT * FROM check_definitions WHERE tenant = ? AND name = ?`, [tenant, name]);

export class SqliteCheckStore {
  constructor(
    private readonly state: Pick<StateStore, 'sql'>,
    private readonly kinds: ReadonlyMap<string, AnyCheckKind>,
    private readonly secrets: CheckSecretSink,
  ) {}

  private toStored(r: Row): StoredCheck {
    const body = JSON.parse(r.body) as Obj;
    const kind = this.kinds.get(String(body.kind));
    return {
      name: r.name,
      body: redactCheckBody(body, kind),
      // Stored bodies were validated on save; parsing again rebuilds defaults and the spec.
      definition: parseCheckDefinition(body, this.kinds),
      version: r.version,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    };
  }

  async list(tenant: string): Promise<StoredCheck[]> {
    const rows = await this.state.sql.read((r) =>
      r.all<Row>(`SELECT * FROM check_definitions WHERE tenant = ? ORDER BY name`, [tenant]),
    );
    return rows.map((r) => this.toStored(r));
  }

  async get(tenant: string, name: string): Promise<StoredCheck | undefined> {
    const row = await this.state.sql.read((r) => one(r, tenant, name));
    return row && this.toStored(row);
  }

  /** Tenants that have stored checks. */
  async tenants(): Promise<string[]> {
    const rows = await this.state.sql.read((r) =>
      r.all<{ tenant: string }>(`SELECT DISTINCT tenant FROM check_definitions ORDER BY tenant`),
    );
    return rows.map((x) => x.tenant);
  }

  /**
   * Creates (`expectVersion` undefined: a conflict when it exists) or replaces (the version the
   * caller edited: a conflict when it changed since) a check. `configNames`: the tenant's
   * argus.yml check names, which API checks may not take.
   * @throws CheckDefinitionError, CheckStoreConflictError, CheckStoreNotFoundError
   */
  async put(
    tenant: string,
    input: unknown,
    actor: string,
    opts: { expectVersion?: number; configNames?: ReadonlySet<string> } = {},
  ): Promise<StoredCheck> {
    const definition = parseCheckDefinition(input, this.kinds);
    const name = definition.name;
    const verb = opts.expectVersion === undefined ? 'create' : 'update';
    if (opts.configNames?.has(name))
      throw new CheckStoreConflictError(
        `cannot ${verb} check ${JSON.stringify(name)}: a check of that name is defined in argus.yml`,
      );
    const body = structuredClone(input) as Obj;
    const kind = this.kinds.get(definition.kind) as AnyCheckKind;
    const plain: { path: string; value: string; secret: string }[] = [];
    const files: CheckProblem[] = [];
    eachSecret(body, kind.secretFields ?? [], (parent, key, path) => {
      const v = parent[key];
      if (typeof v === 'string') {
        const secret = checkSecretName(name, path);
        plain.push({ path, value: v, secret });
        parent[key] = { secret };
      } else if (isObj(v) && 'file' in v)
        files.push({ path: path.split('.'), message: 'files are for argus.yml checks' });
    });
    // `ca_file`, `key_file`…: an API user must not make the server read its own files.
    walkKeys(body, [], (path) => {
      if (String(path[path.length - 1]).endsWith('_file'))
        files.push({ path, message: 'files are for argus.yml checks (give the content instead)' });
    });
    if (files.length > 0) throw new CheckDefinitionError(files);
    // Refuse early what the transaction would refuse, before sealing secrets.
    const cur = await this.state.sql.read((r) => one(r, tenant, name));
    this.checkVersion(name, cur, opts.expectVersion);
    for (const p of plain) await this.secrets.put(tenant, p.secret, p.value, actor);
    const text = JSON.stringify(body);
    const { stored, orphans } = await this.state.sql.write((tx) => {
      const now = one(tx, tenant, name);
      this.checkVersion(name, now, opts.expectVersion);
      const next = (now?.version ?? 0) + 1;
      tx.run(
        `INSERT INTO check_definitions (tenant, name, body, version, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, name) DO UPDATE SET body = excluded.body, version = excluded.version,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [tenant, name, text, next, actor, tx.now],
      );
      tx.audit({
        actor,
        tenant,
        action: now ? 'health.check.update' : 'health.check.create',
        target: `check:${name}`,
        before: now ? { name, version: now.version } : null,
        after: { name, kind: definition.kind, version: next, secrets: plain.map((p) => p.path) },
      });
      const kept = new Set(this.ownSecrets(name, text));
      return {
        stored: this.toStored({
          name,
          body: text,
          version: next,
          updated_by: actor,
          updated_at: tx.now,
        }),
        // Secrets the old version sealed that the new one no longer references.
        orphans: now ? this.ownSecrets(name, now.body).filter((n) => !kept.has(n)) : [],
      };
    });
    if (this.secrets.delete) for (const o of orphans) await this.secrets.delete(tenant, o, actor);
    return stored;
  }

  /** The secrets this store sealed for check `name` that `body` references. */
  private ownSecrets(name: string, text: string): string[] {
    const body = JSON.parse(text) as Obj;
    const names: string[] = [];
    eachSecret(body, this.kinds.get(String(body.kind))?.secretFields ?? [], (parent, key) => {
      const v = parent[key];
      if (isObj(v) && typeof v.secret === 'string' && v.secret.startsWith(`check.${name}.`))
        names.push(v.secret);
    });
    return names;
  }

  private checkVersion(name: string, cur: Row | undefined, expect: number | undefined): void {
    const q = JSON.stringify(name);
    if (expect === undefined && cur !== undefined)
      throw new CheckStoreConflictError(
        `cannot create check ${q}: it exists (version ${cur.version}); send its version to replace it`,
      );
    if (expect !== undefined && cur === undefined)
      throw new CheckStoreNotFoundError(`cannot update check ${q}: not found`);
    if (expect !== undefined && cur !== undefined && cur.version !== expect)
      throw new CheckStoreConflictError(
        `cannot update check ${q}: it was saved by ${cur.updated_by} since (version ${cur.version}, yours is ${expect}); reload it and apply your change again`,
      );
  }

  async delete(tenant: string, name: string, actor: string): Promise<void> {
    const secrets = await this.state.sql.write((tx) => {
      const cur = one(tx, tenant, name);
      if (cur === undefined)
        throw new CheckStoreNotFoundError(`cannot delete check ${JSON.stringify(name)}: not found`);
      tx.run(`DELETE FROM check_definitions WHERE tenant = ? AND name = ?`, [tenant, name]);
      tx.audit({
        actor,
        tenant,
        action: 'health.check.delete',
        target: `check:${name}`,
        before: { name, version: cur.version },
        after: null,
      });
      return this.ownSecrets(name, cur.body);
    });
    if (this.secrets.delete) for (const s of secrets) await this.secrets.delete(tenant, s, actor);
  }
}
