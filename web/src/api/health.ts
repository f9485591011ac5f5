/**
 * The health API, typed (`/api/argus/v1/health`, `/checks`, `/services`, `/maintenance`): the
 * views are the server's own types (type-only imports: no server code reaches the bundle).
 */
import type {
  CheckRunView,
  CheckView,
  HealthEventView,
  MaintenanceView,
  OverallHealthView,
  ResultPointView,
  ServiceView,
  SloView,
  UptimeView,
} from '../../../src/api/health/source.js';
import { call, get } from './client.js';

export type {
  CheckRunView,
  CheckStateView,
  CheckView,
  HealthEventView,
  MaintenanceView,
  OverallHealthView,
  ResultPointView,
  ServiceStatusView,
  ServiceView,
  SloView,
  UptimeView,
} from '../../../src/api/health/source.js';

const P = '/api/argus/v1';
const seg = encodeURIComponent;

export interface KindInfo {
  name: string;
  description: string;
}

export const overallHealth = (signal?: AbortSignal) =>
  get<OverallHealthView>(`${P}/health`, undefined, signal);

export const checkKinds = (signal?: AbortSignal) =>
  get<KindInfo[]>(`${P}/checks/kinds`, undefined, signal);
export const checks = (signal?: AbortSignal) => get<CheckView[]>(`${P}/checks`, undefined, signal);
export const check = (name: string, signal?: AbortSignal) =>
  get<CheckView>(`${P}/checks/${seg(name)}`, undefined, signal);

export const saveCheck = (name: string, definition: Record<string, unknown>, version?: number) =>
  call<CheckView>('PUT', `${P}/checks/${seg(name)}`, { body: { definition, version } }).then(
    (a) => a.data,
  );
export const deleteCheck = (name: string) =>
  call<object>('DELETE', `${P}/checks/${seg(name)}`).then(() => undefined);
export const runCheck = (name: string) =>
  call<CheckRunView>('POST', `${P}/checks/${seg(name)}/run`).then((a) => a.data);
export const tryCheck = (definition: Record<string, unknown>) =>
  call<CheckRunView>('POST', `${P}/checks/try`, { body: { definition } }).then((a) => a.data);

/** Probe results between `from` and `to` (ms). */
export const checkResults = (name: string, from: number, to: number, signal?: AbortSignal) =>
  get<ResultPointView[]>(`${P}/checks/${seg(name)}/results`, { from, to }, signal);

export const history = (
  subject: 'checks' | 'services',
  name: string,
  signal?: AbortSignal,
  limit = 100,
) => get<HealthEventView[]>(`${P}/${subject}/${seg(name)}/history`, { limit }, signal);

export const uptime = (subject: 'checks' | 'services', name: string, signal?: AbortSignal) =>
  get<UptimeView>(`${P}/${subject}/${seg(name)}/uptime`, undefined, signal);

export const services = (signal?: AbortSignal) =>
  get<ServiceView[]>(`${P}/services`, undefined, signal);
export const service = (name: string, signal?: AbortSignal) =>
  get<ServiceView>(`${P}/services/${seg(name)}`, undefined, signal);
export const saveService = (name: string, definition: Record<string, unknown>, version?: number) =>
  call<ServiceView>('PUT', `${P}/services/${seg(name)}`, { body: { definition, version } }).then(
    (a) => a.data,
  );
export const deleteService = (name: string) =>
  call<object>('DELETE', `${P}/services/${seg(name)}`).then(() => undefined);
export const slo = (name: string, signal?: AbortSignal) =>
  get<SloView>(`${P}/services/${seg(name)}/slo`, undefined, signal);

export const maintenance = (service: string, signal?: AbortSignal) =>
  get<MaintenanceView[]>(`${P}/maintenance`, { service }, signal);
export const addMaintenance = (w: {
  service: string;
  starts_at: number;
  ends_at: number;
  comment: string;
}) => call<MaintenanceView>('POST', `${P}/maintenance`, { body: w }).then((a) => a.data);
export const deleteMaintenance = (id: number) =>
  call<object>('DELETE', `${P}/maintenance/${id}`).then(() => undefined);
