import type { Actor } from '../state/index.js';
import type { Dashboard } from './schema.js';

/** A dashboard's row in lists: no JSON. */
export interface DashboardMeta {
  uid: string;
  title: string;
  tags: string[];
  /** Starts at 1; every save adds one. Updates MUST send the version they started from. */
  version: number;
  createdAt: number;
  createdBy: Actor;
  updatedAt: number;
  updatedBy: Actor;
  /** The file a provisioned dashboard comes from (read-only through the API); null otherwise. */
  provisionedFile: string | null;
}

export interface StoredDashboard extends DashboardMeta {
  dashboard: Dashboard;
}

/** One saved version (the current one included). */
export interface VersionMeta {
  version: number;
  author: Actor;
  time: number;
  message: string;
}

export interface StoredVersion extends VersionMeta {
  dashboard: Dashboard;
}

/** Options of a save made by provisioning (the only writer of read-only dashboards). */
export interface ProvisionedSave {
  file: string;
}

/**
 * Dashboards per tenant, with version history. Every change appends an audit entry
 * (`dashboard.create|update|restore|delete`, target `dashboard:<uid>`) in the same transaction.
 * Dashboards are validated before they get here (`parseDashboard`); the store keeps them verbatim.
 * Errors: DashboardNotFoundError, DashboardConflictError (uid taken, stale version),
 * DashboardReadOnlyError (provisioned, unless the call is provisioning's own).
 */
export interface DashboardStore {
  list(tenant: string): Promise<DashboardMeta[]>;
  get(tenant: string, uid: string): Promise<StoredDashboard | undefined>;
  create(tenant: string, d: Dashboard, actor: Actor, message?: string): Promise<StoredDashboard>;
  /** Saves `d` as version `version + 1`; `version` MUST be the stored one. */
  update(
    tenant: string,
    d: Dashboard,
    version: number,
    actor: Actor,
    message?: string,
  ): Promise<StoredDashboard>;
  delete(tenant: string, uid: string, actor: Actor): Promise<void>;
  versions(tenant: string, uid: string): Promise<VersionMeta[]>;
  version(tenant: string, uid: string, version: number): Promise<StoredVersion | undefined>;
  /** Saves version `from`'s JSON as a new version. */
  restore(tenant: string, uid: string, from: number, actor: Actor): Promise<StoredDashboard>;
  /**
   * Provisioning: creates or replaces a read-only dashboard from `file` (no change when the JSON
   * is the same). Refuses (DashboardConflictError) a uid held by a dashboard not from `file`.
   */
  provision(
    tenant: string,
    d: Dashboard,
    file: string,
  ): Promise<'created' | 'updated' | 'unchanged'>;
  /** Provisioning: every provisioned dashboard of every tenant (to drop those whose file is gone). */
  provisioned(): Promise<{ tenant: string; uid: string; file: string }[]>;
  /** Provisioning: deletes a provisioned dashboard whose file is gone. */
  unprovision(tenant: string, uid: string): Promise<void>;
}
