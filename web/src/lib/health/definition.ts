/**
 * The check editor's model: common fields as form fields, the kind's own fields as one YAML
 * (or JSON) object, an example per kind to start from, and the server's `field: message`
 * problems sorted to the form field they concern. Pure: tested in test/web/health.test.ts.
 */

/** The fields every check has (the form shows them; everything else is the kind's). */
export const COMMON_FIELDS = [
  'name',
  'kind',
  'description',
  'interval',
  'timeout',
  'jitter',
  'failure_threshold',
  'success_threshold',
  'severity',
  'labels',
  'enabled',
] as const;
export type CommonField = (typeof COMMON_FIELDS)[number];

/** A starting point per kind (the server validates; these only show the shape). */
export const KIND_EXAMPLES: Record<string, string> = {
  http: 'url: https://example.com/\nvalid_status: [2xx]\n# body_contains: [Welcome]\n# max_latency: 2s\n',
  tcp: 'host: db.example.com\nport: 5432\n',
  tls: 'host: example.com\nport: 443\nmin_days_left: 14\n',
  dns: 'query_name: example.com\nrecord_type: A\n# resolver: 1.1.1.1:53\n',
  icmp: 'host: example.com\n',
  postgres: 'host: db.example.com\nport: 5432\nuser: monitor\npassword: { secret: pg-monitor }\n',
  mysql: 'host: db.example.com\nport: 3306\nuser: monitor\npassword: { secret: mysql-monitor }\n',
  redis: 'host: cache.example.com\nport: 6379\n',
  grpc: 'host: api.example.com\nport: 50051\n# service: my.package.Service\n',
  heartbeat: 'period: 1h\ngrace: 10m\n',
  promql: 'expr: up{job="api"} == 0\n',
};

export function kindExample(kind: string): string {
  return KIND_EXAMPLES[kind] ?? '# the fields of this kind, as YAML\n';
}

/** The common fields as the form edits them (text, as typed). */
export interface CommonForm {
  name: string;
  kind: string;
  description: string;
  interval: string;
  timeout: string;
  failure_threshold: string;
  success_threshold: string;
  severity: string;
  /** `key=value` per line. */
  labels: string;
}

export const EMPTY_COMMON: CommonForm = {
  name: '',
  kind: 'http',
  description: '',
  // Left empty: the server applies its defaults, which differ per kind (a heartbeat is checked
  // every 10 s and is down after one failure).
  interval: '',
  timeout: '',
  failure_threshold: '',
  success_threshold: '',
  severity: 'critical',
  labels: '',
};

export type Problems = Partial<Record<CommonField | 'spec' | 'form', string[]>>;

/** `a=b` lines as labels; a problem per bad line. */
export function parseLabels(text: string): { labels: Record<string, string>; problems: string[] } {
  const labels: Record<string, string> = {};
  const problems: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      problems.push(`line ${i + 1}: want name=value, got ${JSON.stringify(line)}`);
      continue;
    }
    labels[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { labels, problems };
}

export function formatLabels(labels: unknown): string {
  if (typeof labels !== 'object' || labels === null) return '';
  return Object.entries(labels as Record<string, unknown>)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The definition to send: common fields (empty optional ones left out, so the server's
 * defaults apply) merged with the kind's object. `spec` is what the YAML text parsed to.
 */
export function buildDefinition(
  f: CommonForm,
  spec: unknown,
): { definition?: Record<string, unknown>; problems: Problems } {
  const problems: Problems = {};
  const add = (k: keyof Problems, m: string) => (problems[k] ??= []).push(m);
  if (spec !== null && spec !== undefined && !isObject(spec))
    add('spec', 'the kind’s fields must be a mapping (name: value lines)');
  const def: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(isObject(spec) ? spec : {})) {
    if ((COMMON_FIELDS as readonly string[]).includes(k) && k !== 'name')
      add('spec', `${k}: set it in the form above, not here`);
    else def[k] = v;
  }
  def.kind = f.kind;
  if (f.description.trim() !== '') def.description = f.description.trim();
  if (f.interval.trim() !== '') def.interval = f.interval.trim();
  if (f.timeout.trim() !== '') def.timeout = f.timeout.trim();
  for (const k of ['failure_threshold', 'success_threshold'] as const) {
    const s = f[k].trim();
    if (s === '') continue;
    if (!/^\d+$/.test(s)) add(k, 'a whole number');
    else def[k] = Number(s);
  }
  if (f.severity.trim() !== '') def.severity = f.severity.trim();
  const l = parseLabels(f.labels);
  for (const p of l.problems) add('labels', p);
  if (Object.keys(l.labels).length > 0) def.labels = l.labels;
  if (Object.keys(problems).length > 0) return { problems };
  return { definition: def, problems };
}

/** A saved definition back into the form and the kind's fields. */
export function splitDefinition(def: Record<string, unknown>): {
  common: CommonForm;
  spec: Record<string, unknown>;
} {
  const str = (v: unknown, fallback = '') =>
    v === undefined || v === null ? fallback : typeof v === 'string' ? v : JSON.stringify(v);
  const spec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(def))
    if (!(COMMON_FIELDS as readonly string[]).includes(k)) spec[k] = v;
  return {
    common: {
      name: str(def.name),
      kind: str(def.kind, 'http'),
      description: str(def.description),
      interval: str(def.interval, ''),
      timeout: str(def.timeout),
      failure_threshold: str(def.failure_threshold),
      success_threshold: str(def.success_threshold),
      severity: str(def.severity),
      labels: formatLabels(def.labels),
    },
    spec,
  };
}

/**
 * The server's refusal (`field: message` problems joined by "; ") sorted by field: a common
 * field's problems go beside it, the kind's and anything else into `spec` / `form`.
 */
export function sortProblems(message: string, kindFields: boolean): Problems {
  const out: Problems = {};
  const parts = message
    .replace(/^invalid (check|service|definition)[^:]*:\s*/i, '')
    .split(/;\s+/)
    .filter((p) => p.trim() !== '');
  for (const p of parts) {
    const m = /^(?:definition\.)?([A-Za-z_][\w]*)(?:[.[][^:]*)?:\s/.exec(p);
    const field = m?.[1];
    const key: keyof Problems =
      field !== undefined && (COMMON_FIELDS as readonly string[]).includes(field)
        ? (field as CommonField)
        : kindFields && field !== undefined
          ? 'spec'
          : 'form';
    (out[key] ??= []).push(p);
  }
  return out;
}

/** Names as the server takes them (1–63 of [A-Za-z0-9_.-]). */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'a name is needed';
  if (!/^[A-Za-z0-9_.-]{1,63}$/.test(name)) return '1–63 letters, digits, “_”, “.” or “-”';
  return undefined;
}
