/**
 * The tenant's own Alertmanager config (`/api/argus/v1/alertmanager/config`) and its
 * escalation policies as JSON (`/api/argus/v1/escalation-policies`), typed.
 */
import { call, get } from './client.js';

export type ConfigSource = 'tenant' | 'file' | 'built-in';

export interface TenantConfig {
  source: ConfigSource;
  /** YAML with every secret as `<secret>` (sent back as is, it keeps the stored value). */
  yaml: string;
  version?: number;
  updated_by?: string;
  updated_at?: number;
}

export interface PolicyLevel {
  receiver: string;
  delay: string;
}
export interface EscalationPolicy {
  name: string;
  levels: PolicyLevel[];
  repeat: number;
}
export interface PolicyRoute {
  /** The route's config path: `route`, `route.routes[0]`, … */
  id: string;
  matchers: string[];
  receiver: string | null;
  escalation_policy: string | null;
  effective_policy: string | null;
}
export interface EscalationPolicies {
  source: ConfigSource;
  version?: number;
  policies: EscalationPolicy[];
  routes: PolicyRoute[];
  receivers: string[];
}
export interface PoliciesEdit {
  policies: EscalationPolicy[];
  attach: { route: string; policy: string | null }[];
  version?: number;
}

const C = '/api/argus/v1/alertmanager/config';
const E = '/api/argus/v1/escalation-policies';

export const tenantConfig = (signal?: AbortSignal) => get<TenantConfig>(C, {}, signal);
export const saveTenantConfig = (yaml: string, version?: number) =>
  call<TenantConfig>('PUT', C, {
    body: { yaml, ...(version !== undefined ? { version } : {}) },
  }).then((a) => a.data);
export const resetTenantConfig = () => call<TenantConfig>('DELETE', C).then((a) => a.data);

export const escalationPolicies = (signal?: AbortSignal) => get<EscalationPolicies>(E, {}, signal);
export const saveEscalationPolicies = (edit: PoliciesEdit) =>
  call<EscalationPolicies>('PUT', E, { body: edit }).then((a) => a.data);
