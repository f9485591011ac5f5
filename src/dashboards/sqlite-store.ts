import type { Actor, SqlReader, SqlTx, StateStore } from '../state/index.js';
import {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardReadOnlyError,
} from './errors.js';
import { parseDashboard, type Dashboard } from './schema.js';
import type {
  DashboardMeta,
  DashboardStore,
  StoredDashboard,
  StoredVersion,
  VersionMeta,
} from './store.js';

/** Versions kept per dashboard; older ones are dropped on save (the audit trail keeps who/when). */
export const MAX_VERSIONS = 100;

interface Row {
  uid: string;
  title: string;
  tags: string;
  version: number;
  json: string;
  provisioned_file: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}
interface VersionRow {
  version: number;
  author: string;
  time: number;
  message: string;
  json: string;
}

const META = `uid, title, tags, version, provisioned_file, created_at, created_by, updated_at, updated_by`;
const q = JSON.stringify;

function meta(r: Omit<Row, 'json'>): DashboardMeta {
  return {
    uid: r.uid,
    title: r.title,
    tags: JSON.parse(r.tags) as string[],
    version: r.version,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    provisionedFile: r.provisioned_file,
  };
}

/** Stored JSON was validated on the way in; re-parsing fills defaults of older writers. */
const stored = (r: Row): StoredDashboard => ({
  ...meta(r),
  dashboard: parseDashboard(JSON.parse(r.json)),
});

/** What the audit trail shows of a dashboard: not its JSON (the versions table keeps that). */
const auditView = (d: Dashboard, version: number) => ({ uid: d.uid, title: d.title, version });

/** Dashboards in the state store's SQLite file (tables of migration 2). */
export class SqliteDashboards implements DashboardStore {
  constructor(private readonly state: Pick<StateStore, 'sql'>) {}

  async list(tenant: string): Promise<DashboardMeta[]> {
    const rows = await this.state.sql.read((r) =>
      r.all<Omit<Row, 'json'>>(
        `SELECT ${META} FROM dashboards WHERE tenant = ? ORDER BY title COLLATE NOCASE, uid`,
        [tenant],
      ),
    );
    return rows.map(meta);
  }

  async get(tenant: string, uid: string): Promise<StoredDashboard | undefined> {
    const row = await this.state.sql.read((r) => one(r, tenant, uid));
    return row && stored(row);
  }

  async create(tenant: string, d: Dashboard, actor: Actor, message = ''): Promise<StoredDashboard> {
    return this.state.sql.write((tx) => {
      tenantMustExist(tx, tenant, `create dashboard ${q(d.uid)}`);
      if (one(tx, tenant, d.uid) !== undefined)
        throw new DashboardConflictError(`cannot create dashboard: uid ${q(d.uid)} is taken`);
      insert(tx, tenant, d, actor, null);
      saveVersion(tx, tenant, d, 1, actor, message);
      tx.audit({
        actor,
        tenant,
        action: 'dashboard.create',
        target: `dashboard:${d.uid}`,
        before: null,
        after: auditView(d, 1),
      });
      return stored(one(tx, tenant, d.uid)!);
    });
  }

  async update(
    tenant: string,
    d: Dashboard,
    version: number,
    actor: Actor,
    message = '',
  ): Promise<StoredDashboard> {
    return this.state.sql.write((tx) => {
      const cur = mustGet(tx, tenant, d.uid, 'update');
      if (cur.provisioned_file !== null)
        throw new DashboardReadOnlyError(d.uid, cur.provisioned_file, 'update');
      if (cur.version !== version)
        throw new DashboardConflictError(
          `cannot update dashboard ${q(d.uid)}: it was saved by ${cur.updated_by} since (version ${cur.version}, yours is ${version}); reload it and apply your change again`,
        );
      return replace(tx, tenant, cur, d, actor, message, 'dashboard.update');
    });
  }

  async delete(tenant: string, uid: string, actor: Actor): Promise<void> {
    await this.state.sql.write((tx) => {
      const cur = mustGet(tx, tenant, uid, 'delete');
      if (cur.provisioned_file !== null)
        throw new DashboardReadOnlyError(uid, cur.provisioned_file, 'delete');
      remove(tx, tenant, cur, actor);
    });
  }

  async versions(tenant: string, uid: string): Promise<VersionMeta[]> {
    return this.state.sql.read((r) => {
      mustGet(r, tenant, uid, 'list versions of');
      return r.all<VersionMeta>(
        `SELECT version, author, time, message FROM dashboard_versions WHERE tenant = ? AND uid = ? ORDER BY version DESC`,
        [tenant, uid],
      );
    });
  }

  async version(tenant: string, uid: string, version: number): Promise<StoredVersion | undefined> {
    const row = await this.state.sql.read((r) => versionRow(r, tenant, uid, version));
    if (row === undefined) return undefined;
    const { json, ...rest } = row;
    return { ...rest, dashboard: parseDashboard(JSON.parse(json)) };
  }

  async restore(tenant: string, uid: string, from: number, actor: Actor): Promise<StoredDashboard> {
    return this.state.sql.write((tx) => {
      const cur = mustGet(tx, tenant, uid, 'restore');
      if (cur.provisioned_file !== null)
        throw new DashboardReadOnlyError(uid, cur.provisioned_file, 'restore');
      const old = versionRow(tx, tenant, uid, from);
      if (old === undefined)
        throw new DashboardNotFoundError(`cannot restore dashboard ${q(uid)}: no version ${from}`);
      const d = parseDashboard(JSON.parse(old.json));
      return replace(tx, tenant, cur, d, actor, `restored version ${from}`, 'dashboard.restore');
    });
  }

  async provision(
    tenant: string,
    d: Dashboard,
    file: string,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    return this.state.sql.write((tx) => {
      tenantMustExist(tx, tenant, `provision dashboard ${q(d.uid)} from ${file}`);
      const cur = one(tx, tenant, d.uid);
      if (cur === undefined) {
        insert(tx, tenant, d, 'system', file);
        saveVersion(tx, tenant, d, 1, 'system', `provisioned from ${file}`);
        tx.audit({
          actor: 'system',
          tenant,
          action: 'dashboard.provision',
          target: `dashboard:${d.uid}`,
          before: null,
          after: { ...auditView(d, 1), file },
        });
        return 'created';
      }
      if (cur.provisioned_file !== file) {
        const holder =
          cur.provisioned_file === null
            ? 'a dashboard saved through the API'
            : `the file ${cur.provisioned_file}`;
        throw new DashboardConflictError(
          `cannot provision dashboard from ${file}: uid ${q(d.uid)} in tenant ${q(tenant)} is taken by ${holder}`,
        );
      }
      if (cur.json === JSON.stringify(d)) return 'unchanged';
      replace(tx, tenant, cur, d, 'system', `provisioned from ${file}`, 'dashboard.provision');
      return 'updated';
    });
  }

  async provisioned(): Promise<{ tenant: string; uid: string; file: string }[]> {
    return this.state.sql.read((r) =>
      r.all<{ tenant: string; uid: string; file: string }>(
        `SELECT tenant, uid, provisioned_file AS file FROM dashboards WHERE provisioned_file IS NOT NULL ORDER BY tenant, uid`,
      ),
    );
  }

  async unprovision(tenant: string, uid: string): Promise<void> {
    await this.state.sql.write((tx) => {
      const cur = one(tx, tenant, uid);
      if (cur !== undefined && cur.provisioned_file !== null) remove(tx, tenant, cur, 'system');
    });
  }
}

function one(r: SqlReader, tenant: string, uid: string): Row | undefined {
  return r.get<Row>(`SELECT ${META}, json FROM dashboards WHERE tenant = ? AND uid = ?`, [
    tenant,
    uid,
  ]);
}

function mustGet(r: SqlReader, tenant: string, uid: string, verb: string): Row {
  const row = one(r, tenant, uid);
  if (row === undefined)
    throw new DashboardNotFoundError(`cannot ${verb} dashboard ${q(uid)}: not found`);
  return row;
}

function tenantMustExist(r: SqlReader, tenant: string, verb: string): void {
  if (r.get<number>(`SELECT 1 AS x FROM tenants WHERE id = ?`, [tenant]) === undefined)
    throw new DashboardNotFoundError(`cannot ${verb}: tenant ${q(tenant)} not found`);
}

function versionRow(
  r: SqlReader,
  tenant: string,
  uid: string,
  version: number,
): VersionRow | undefined {
  return r.get<VersionRow>(
    `SELECT version, author, time, message, json FROM dashboard_versions WHERE tenant = ? AND uid = ? AND version = ?`,
    [tenant, uid, version],
  );
}

function insert(tx: SqlTx, tenant: string, d: Dashboard, actor: Actor, file: string | null): void {
  tx.run(
    `INSERT INTO dashboards (tenant, uid, title, tags, version, json, provisioned_file, created_at, created_by, updated_at, updated_by)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
    [
      tenant,
      d.uid,
      d.title,
      JSON.stringify(d.tags),
      JSON.stringify(d),
      file,
      tx.now,
      actor,
      tx.now,
      actor,
    ],
  );
}

function saveVersion(
  tx: SqlTx,
  tenant: string,
  d: Dashboard,
  version: number,
  actor: Actor,
  message: string,
): void {
  tx.run(
    `INSERT INTO dashboard_versions (tenant, uid, version, json, author, time, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [tenant, d.uid, version, JSON.stringify(d), actor, tx.now, message],
  );
  tx.run(`DELETE FROM dashboard_versions WHERE tenant = ? AND uid = ? AND version <= ?`, [
    tenant,
    d.uid,
    version - MAX_VERSIONS,
  ]);
}

/** Saves `d` as the next version of `cur`, with its audit entry. */
function replace(
  tx: SqlTx,
  tenant: string,
  cur: Row,
  d: Dashboard,
  actor: Actor,
  message: string,
  action: string,
): StoredDashboard {
  const version = cur.version + 1;
  tx.run(
    `UPDATE dashboards SET title = ?, tags = ?, version = ?, json = ?, updated_at = ?, updated_by = ? WHERE tenant = ? AND uid = ?`,
    [d.title, JSON.stringify(d.tags), version, JSON.stringify(d), tx.now, actor, tenant, cur.uid],
  );
  saveVersion(tx, tenant, d, version, actor, message);
  tx.audit({
    actor,
    tenant,
    action,
    target: `dashboard:${cur.uid}`,
    before: { uid: cur.uid, title: cur.title, version: cur.version },
    after: auditView(d, version),
  });
  return stored(one(tx, tenant, cur.uid)!);
}

function remove(tx: SqlTx, tenant: string, cur: Row, actor: Actor): void {
  tx.run(`DELETE FROM dashboards WHERE tenant = ? AND uid = ?`, [tenant, cur.uid]);
  tx.audit({
    actor,
    tenant,
    action: 'dashboard.delete',
    target: `dashboard:${cur.uid}`,
    before: {
      uid: cur.uid,
      title: cur.title,
      version: cur.version,
      ...(cur.provisioned_file ? { file: cur.provisioned_file } : {}),
    },
    after: null,
  });
}
