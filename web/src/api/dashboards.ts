/** The dashboards API (`/api/argus/v1/dashboards`), typed from the server's schema. */
import type { Dashboard, Panel, Variable } from '../../../src/dashboards/schema.js';
import { call, get } from './client.js';

export type { Dashboard, Panel, Variable };

export interface DashboardMeta {
  uid: string;
  title: string;
  tags: string[];
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  /** Read-only: from a file in `dashboards.provisioning_dir`. */
  provisioned: boolean;
  provisioned_file: string | null;
}

export interface StoredDashboard extends DashboardMeta {
  dashboard: Dashboard;
}

export interface VersionMeta {
  version: number;
  author: string;
  time: number;
  message: string;
}

const D = '/api/argus/v1/dashboards';
const enc = encodeURIComponent;

export const listDashboards = (q?: string, tag?: string) =>
  get<DashboardMeta[]>(D, { q: q || undefined, tag: tag || undefined });

export const getDashboard = (uid: string) => get<StoredDashboard>(`${D}/${enc(uid)}`);

export const createDashboard = async (dashboard: Partial<Dashboard>, message?: string) =>
  (await call<StoredDashboard>('POST', D, { body: { dashboard, message } })).data;

export const saveDashboard = async (dashboard: Dashboard, version: number, message?: string) =>
  (
    await call<StoredDashboard>('PUT', `${D}/${enc(dashboard.uid)}`, {
      body: { dashboard, version, message },
    })
  ).data;

export const deleteDashboard = (uid: string) => call('DELETE', `${D}/${enc(uid)}`);

export const listVersions = (uid: string) => get<VersionMeta[]>(`${D}/${enc(uid)}/versions`);

export const getVersion = (uid: string, n: number) =>
  get<VersionMeta & { dashboard: Dashboard }>(`${D}/${enc(uid)}/versions/${n}`);

export const restoreVersion = async (uid: string, n: number) =>
  (await call<StoredDashboard>('POST', `${D}/${enc(uid)}/versions/${n}/restore`)).data;

export interface ImportResult extends StoredDashboard {
  converted_from: 'grafana' | null;
  uid_changed: boolean;
}

/** Imports Argus or Grafana dashboard JSON; `warnings` lists what a conversion dropped. */
export const importDashboard = async (json: unknown, overwrite = false) => {
  const r = await call<ImportResult>('POST', `${D}/import`, {
    body: { dashboard: json, overwrite },
  });
  return { ...r.data, warnings: r.warnings };
};
