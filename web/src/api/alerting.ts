/**
 * The alerting API, typed: Alertmanager API v2 (`/api/v2/…`, plain JSON, errors are a JSON
 * string), Prometheus's rules API (`/api/v1/rules`, `/api/v1/alerts`, enveloped) and Argus's
 * own alerting routes (`/api/argus/v1/alerts/…`, `/receivers`, enveloped).
 */
import type { ApiMatcher } from '../lib/alerting/matchers.js';
import type { RuleState } from '../lib/alerting/rules.js';
import { ApiError, call, get } from './client.js';

let csrf: string | undefined;

/**
 * The session's CSRF token for the Alertmanager routes (they bypass client.ts's envelope
 * reader, so they send the header themselves). The alerting pages set it from the session.
 */
export function setAlertingCsrf(token: string | undefined): void {
  csrf = token;
}

type Query = Record<string, string | readonly string[] | undefined>;

function qs(q: Query): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (typeof v === 'string') u.append(k, v);
    else for (const x of v) u.append(k, x);
  }
  const s = u.toString();
  return s === '' ? '' : `?${s}`;
}

/** An Alertmanager v2 call: the answer is the JSON itself; an error's body is its message. */
async function am<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  o: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== undefined) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`${path}${qs(o.query ?? {})}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      credentials: 'same-origin',
      signal: o.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'unavailable', `cannot reach the Argus server: ${String(err)}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  if (!res.ok) {
    const msg =
      typeof body === 'string'
        ? body
        : typeof body === 'object' && body !== null && 'error' in body
          ? String((body as { error: unknown }).error)
          : `HTTP ${res.status}`;
    // The shell's session handling: a 401 from any route means the session ended.
    if (res.status === 401) void get('/api/argus/v1/me').catch(() => undefined);
    throw new ApiError(res.status, res.status === 400 ? 'bad_data' : 'error', msg);
  }
  return body as T;
}

export type Labels = Record<string, string>;

/** Alertmanager's gettableAlert (+ Argus's acknowledgement). */
export interface AmAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: {
    state: 'active' | 'suppressed' | 'unprocessed';
    silencedBy: string[];
    inhibitedBy: string[];
    mutedBy?: string[];
  };
  /** Argus: who acknowledged the current firing episode (absent: nobody). */
  acknowledged?: { by: string; at: number | string; comment?: string } | null;
}

export interface AmGroup {
  labels: Labels;
  receiver: { name: string };
  alerts: AmAlert[];
  /** Argus: the aggregation group's key (for a group ack), when the server gives it. */
  groupKey?: string;
}

export interface AlertFilter {
  filter?: readonly string[];
  silenced?: boolean;
  inhibited?: boolean;
  active?: boolean;
}

const flag = (b: boolean | undefined) => (b === undefined ? undefined : String(b));

export const alertGroups = (f: AlertFilter, signal?: AbortSignal) =>
  am<AmGroup[]>('GET', '/api/v2/alerts/groups', {
    query: { filter: f.filter, silenced: flag(f.silenced), inhibited: flag(f.inhibited) },
    signal,
  });

export const amAlerts = (f: AlertFilter, signal?: AbortSignal) =>
  am<AmAlert[]>('GET', '/api/v2/alerts', {
    query: {
      filter: f.filter,
      silenced: flag(f.silenced),
      inhibited: flag(f.inhibited),
      active: flag(f.active),
    },
    signal,
  });

export type SilenceState = 'active' | 'pending' | 'expired';

export interface Silence {
  id: string;
  status: { state: SilenceState };
  updatedAt: string;
  matchers: ApiMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface PostableSilence {
  id?: string;
  matchers: ApiMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export const silences = (signal?: AbortSignal) =>
  am<Silence[]>('GET', '/api/v2/silences', { signal });
export const silence = (id: string, signal?: AbortSignal) =>
  am<Silence>('GET', `/api/v2/silence/${encodeURIComponent(id)}`, { signal });
export const saveSilence = (s: PostableSilence) =>
  am<{ silenceID: string }>('POST', '/api/v2/silences', { body: s });
export const expireSilence = (id: string) =>
  am<unknown>('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);

export interface AmStatus {
  config: { original: string };
  uptime: string;
  versionInfo?: Record<string, string>;
}
export const amStatus = (signal?: AbortSignal) => am<AmStatus>('GET', '/api/v2/status', { signal });

// Prometheus's rules API (enveloped).

export interface RuleAlert {
  labels: Labels;
  annotations: Labels;
  state: 'pending' | 'firing';
  activeAt?: string;
  value: string;
}

interface RuleCommon {
  name: string;
  query: string;
  labels?: Labels;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
}
export interface AlertingRule extends RuleCommon {
  type: 'alerting';
  state: RuleState;
  duration: number;
  keepFiringFor?: number;
  annotations: Labels;
  alerts?: RuleAlert[];
}
export interface RecordingRule extends RuleCommon {
  type: 'recording';
  state?: undefined;
}
export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  file: string;
  rules: Rule[];
  interval: number;
  limit?: number;
  evaluationTime: number;
  lastEvaluation: string;
}

export const ruleGroups = (signal?: AbortSignal) =>
  get<{ groups: RuleGroup[] }>('/api/v1/rules', {}, signal).then((d) => d.groups);
export const ruleAlerts = (signal?: AbortSignal) =>
  get<{ alerts: RuleAlert[] }>('/api/v1/alerts', {}, signal).then((d) => d.alerts);

// Argus's alerting routes (enveloped).

export interface AckBody {
  fingerprints?: string[];
  groupKey?: string;
  comment?: string;
}
export const ack = (b: AckBody) =>
  call<unknown>('POST', '/api/argus/v1/alerts/ack', { body: b }).then((a) => a.data);
export const unack = (b: AckBody) =>
  call<unknown>('POST', '/api/argus/v1/alerts/unack', { body: b }).then((a) => a.data);

export interface HistoryEntry {
  seq: number;
  time: number;
  kind: string;
  fingerprint: string;
  alertname: string;
  detail: Record<string, unknown>;
}
export interface HistoryQuery {
  from?: number;
  to?: number;
  alertname?: string;
  fingerprint?: string;
  kind?: string;
  limit?: number;
}
/** Seconds for the history routes' `from`/`to` (they take unix seconds or RFC3339). */
const secs = (ms: number | undefined) => (ms === undefined ? undefined : (ms / 1000).toFixed(3));

/** Entries, newest first (`time` in ms). */
export const history = (q: HistoryQuery, signal?: AbortSignal) =>
  get<HistoryEntry[]>(
    '/api/argus/v1/alerts/history',
    { ...q, from: secs(q.from), to: secs(q.to) },
    signal,
  );

export interface ResponseTimes {
  alertname: string;
  episodes: number;
  mttaMs: number | null;
  mttrMs: number | null;
}
export const responseTimes = (from: number, to: number, signal?: AbortSignal) =>
  get<ResponseTimes[]>(
    '/api/argus/v1/alerts/response-times',
    { from: secs(from), to: secs(to) },
    signal,
  );

/** A channel Argus sends through (an implemented integration's entry). */
export interface ReceiverChannel {
  kind: string;
  name: string;
  sendResolved: boolean;
  sendsAcks?: boolean;
}
/** A configured `*_configs` list; unimplemented ones load but send nothing. */
export interface ReceiverIntegration {
  type: string;
  count: number;
  implemented: boolean;
}
export interface ArgusReceiver {
  name: string;
  channels: ReceiverChannel[];
  integrations: ReceiverIntegration[];
}
export const receivers = (signal?: AbortSignal) =>
  get<ArgusReceiver[]>('/api/argus/v1/receivers', {}, signal);

export interface ChannelTestResult {
  channel: string;
  kind: string;
  ok: boolean;
  status?: number;
  error?: string;
}
/** Sends a test notification through each channel of the receiver (admins). */
export const testReceiver = (name: string) =>
  call<{ receiver: string; results: ChannelTestResult[] }>(
    'POST',
    `/api/argus/v1/receivers/${encodeURIComponent(name)}/test`,
    { body: {} },
  ).then((a) => a.data.results);

/** A rule group managed through the API (`/api/argus/v1/rule-groups`), or a provisioned one. */
export interface ManagedRuleGroup {
  name: string;
  file: string;
  provisioned: boolean;
  rules: number;
  interval?: string;
  /** The group as rule-file YAML (managed groups). */
  yaml?: string;
  version?: number;
  updated_by?: string;
  updated_at?: number;
}

const RG = '/api/argus/v1/rule-groups';
export const managedRuleGroup = (name: string, signal?: AbortSignal) =>
  get<ManagedRuleGroup>(`${RG}/${encodeURIComponent(name)}`, {}, signal);
/** Creates (no version) or replaces (the version edited) a group; the server checks it like a rule file. */
export const saveRuleGroup = (name: string, yaml: string, version?: number) =>
  call<ManagedRuleGroup>('PUT', `${RG}/${encodeURIComponent(name)}`, {
    body: { group: yaml, ...(version !== undefined ? { version } : {}) },
  }).then((a) => a.data);
export const deleteRuleGroup = (name: string) =>
  call<unknown>('DELETE', `${RG}/${encodeURIComponent(name)}`).then((a) => a.data);
