import { z } from 'zod';
import { zBytes, zDuration } from '../config/index.js';
import { relabelConfigSchema } from '../relabel/index.js';

/**
 * `scrape_configs:` of argus.yml, exactly as in prometheus.yml, so an existing section loads
 * unchanged. Keys Prometheus has and Argus does not support yet are refused by name (not as
 * typos). Durations and sizes use Prometheus's spellings (`1m30s`, `10MiB`).
 */

/** Prometheus settings Argus refuses by name, with what to use instead where there is one. */
const UNSUPPORTED: Record<string, string> = {
  oauth2: 'use authorization (Bearer) or basic_auth',
  proxy_url: 'scrape targets directly',
  no_proxy: 'scrape targets directly',
  proxy_from_environment: 'scrape targets directly',
  proxy_connect_header: 'scrape targets directly',
  http_headers: 'use authorization or basic_auth for credentials',
  scrape_failure_log_file: 'the reason of a failed scrape is at GET /api/v1/targets',
  metric_name_validation_scheme: 'metric and label names are checked as the text formats allow',
  metric_name_escaping_scheme: 'metric and label names are checked as the text formats allow',
};
const SD_KINDS = [
  'azure',
  'consul',
  'digitalocean',
  'docker',
  'dockerswarm',
  'ec2',
  'eureka',
  'gce',
  'hetzner',
  'http',
  'ionos',
  'kubernetes',
  'kuma',
  'lightsail',
  'linode',
  'marathon',
  'nerve',
  'nomad',
  'openstack',
  'ovhcloud',
  'puppetdb',
  'scaleway',
  'serverset',
  'triton',
  'uyuni',
  'vultr',
];
for (const k of SD_KINDS)
  UNSUPPORTED[`${k}_sd_configs`] = 'use static_configs, file_sd_configs or dns_sd_configs';

/**
 * Prometheus settings whose value is what Argus always does: accepted at these values (so a
 * prometheus.yml written for 2.4x/3.x loads), refused by name at any other.
 */
const ONLY: Record<string, { values: readonly unknown[]; why: string }> = {
  // Classic histograms are the only kind Argus stores: both values mean "keep them".
  scrape_classic_histograms: { values: [false, true], why: '' },
  always_scrape_classic_histograms: { values: [false, true], why: '' },
  scrape_native_histograms: { values: [false], why: 'native histograms are not supported yet' },
  native_histogram_bucket_limit: { values: [0], why: 'native histograms are not supported yet' },
  native_histogram_min_bucket_factor: {
    values: [0],
    why: 'native histograms are not supported yet',
  },
  convert_classic_histograms_to_nhcb: {
    values: [false],
    why: 'native histograms are not supported yet',
  },
  extra_scrape_metrics: {
    values: [false],
    why: 'Argus writes the five standard scrape series only',
  },
};

/** The keys of ONLY and UNSUPPORTED that Prometheus 3.x also takes in `global:`. */
const GLOBAL_ONLY = [
  'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb',
  'scrape_native_histograms',
  'extra_scrape_metrics',
];
const GLOBAL_UNSUPPORTED = [
  'scrape_failure_log_file',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
];

function onlyValues(key: string) {
  const { values, why } = ONLY[key];
  return z
    .unknown()
    .optional()
    .refine((v) => v === undefined || values.includes(v), {
      error: (iss) =>
        `${key}: ${JSON.stringify(iss.input)} is not supported yet (${why}); Argus accepts ${values.map((v) => JSON.stringify(v)).join(' or ')}`,
    })
    .transform(() => undefined);
}

function unsupported(key: string) {
  return z
    .unknown()
    .optional()
    .refine((v) => v === undefined, {
      error: `${key} is a Prometheus setting Argus does not support yet (${UNSUPPORTED[key]})`,
    });
}

const HOST_PORT_RE = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/:@[\]]+)(?::\d{1,5})?$/;

/** A target as Prometheus writes it: `host`, `host:port`, `[v6]:port`. */
export const zTarget = z.string().refine((s) => HOST_PORT_RE.test(s), {
  error: (iss) =>
    `expected a target like host:9100 or [::1]:9100, got ${JSON.stringify(iss.input)}`,
});

const zLabelSet = z.record(z.string(), z.string());

const staticConfig = z
  .object({ targets: z.array(zTarget).default([]), labels: zLabelSet.default({}) })
  .strict();

const fileSdConfig = z
  .object({
    files: z.array(z.string().min(1)).min(1, { error: 'expected at least one file pattern' }),
    refresh_interval: zDuration.default(5 * 60_000),
  })
  .strict();

const dnsSdConfig = z
  .object({
    names: z.array(z.string().min(1)).min(1, { error: 'expected at least one name' }),
    type: z.enum(['SRV', 'A', 'AAAA']).default('SRV'),
    port: z.number().int().min(1).max(65535).optional(),
    refresh_interval: zDuration.default(30_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.type === 'A' || c.type === 'AAAA') && c.port === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['port'],
        message: `port is required for type ${c.type}`,
      });
  });

const basicAuth = z
  .object({
    username: z.string().optional(),
    username_file: z.string().optional(),
    password: z.string().optional(),
    password_file: z.string().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.username !== undefined && c.username_file !== undefined)
      ctx.addIssue({ code: 'custom', message: 'at most one of username and username_file' });
    if (c.password !== undefined && c.password_file !== undefined)
      ctx.addIssue({ code: 'custom', message: 'at most one of password and password_file' });
  });

const authorization = z
  .object({
    type: z.string().default('Bearer'),
    credentials: z.string().optional(),
    credentials_file: z.string().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.credentials !== undefined && c.credentials_file !== undefined)
      ctx.addIssue({ code: 'custom', message: 'at most one of credentials and credentials_file' });
    if (c.type.toLowerCase() === 'basic')
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'use basic_auth for Basic' });
  });

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;
const tlsConfig = z
  .object({
    ca: z.string().optional(),
    ca_file: z.string().optional(),
    cert: z.string().optional(),
    cert_file: z.string().optional(),
    key: z.string().optional(),
    key_file: z.string().optional(),
    server_name: z.string().optional(),
    insecure_skip_verify: z.boolean().default(false),
    min_version: z.enum(TLS_VERSIONS).optional(),
    max_version: z.enum(TLS_VERSIONS).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const k of ['ca', 'cert', 'key'] as const)
      if (c[k] !== undefined && c[`${k}_file`] !== undefined)
        ctx.addIssue({ code: 'custom', message: `at most one of ${k} and ${k}_file` });
    if ((c.cert ?? c.cert_file) !== undefined && (c.key ?? c.key_file) === undefined)
      ctx.addIssue({ code: 'custom', message: 'a client certificate needs its key (key_file)' });
  });

export const SCRAPE_PROTOCOLS = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
  'PrometheusProto',
] as const;

/** Relabel rules, validated as Prometheus does (the relabel module's schema). */
const relabelRules = z.array(relabelConfigSchema).default([]);

const scrapeConfigShape = {
  job_name: z.string().min(1),
  /** Argus: the tenant the job's samples land in (default: `default`). */
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      error: (iss) => `expected a tenant id (1-63 of [a-z0-9_-]), got ${JSON.stringify(iss.input)}`,
    })
    .optional(),
  honor_labels: z.boolean().default(false),
  honor_timestamps: z.boolean().default(true),
  track_timestamps_staleness: z.boolean().default(false),
  /** Defaults to global.scrape_interval. */
  scrape_interval: zDuration.optional(),
  /** Defaults to global.scrape_timeout (capped at the interval). */
  scrape_timeout: zDuration.optional(),
  scrape_protocols: z.array(z.enum(SCRAPE_PROTOCOLS)).optional(),
  fallback_scrape_protocol: z.enum(SCRAPE_PROTOCOLS).optional(),
  metrics_path: z.string().startsWith('/').default('/metrics'),
  scheme: z.enum(['http', 'https']).default('http'),
  params: z.record(z.string(), z.array(z.string())).default({}),
  enable_compression: z.boolean().default(true),
  follow_redirects: z.boolean().default(true),
  enable_http2: z.boolean().default(true),
  basic_auth: basicAuth.optional(),
  authorization: authorization.optional(),
  /** Prometheus 2.x spellings of `authorization: {credentials[_file]}`, folded into it. */
  bearer_token: z.string().optional(),
  bearer_token_file: z.string().optional(),
  tls_config: tlsConfig.optional(),
  static_configs: z.array(staticConfig).default([]),
  file_sd_configs: z.array(fileSdConfig).default([]),
  dns_sd_configs: z.array(dnsSdConfig).default([]),
  relabel_configs: relabelRules,
  metric_relabel_configs: relabelRules,
  sample_limit: z.number().int().min(0).default(0),
  label_limit: z.number().int().min(0).default(0),
  label_name_length_limit: z.number().int().min(0).default(0),
  label_value_length_limit: z.number().int().min(0).default(0),
  body_size_limit: zBytes.default(0),
  target_limit: z.number().int().min(0).default(0),
  keep_dropped_targets: z.number().int().min(0).default(0),
  ...Object.fromEntries(Object.keys(UNSUPPORTED).map((k) => [k, unsupported(k)])),
  ...Object.fromEntries(Object.keys(ONLY).map((k) => [k, onlyValues(k)])),
};

export const scrapeConfigSchema = z
  .object(scrapeConfigShape)
  .strict()
  .superRefine((c, ctx) => {
    if (c.basic_auth !== undefined && c.authorization !== undefined)
      ctx.addIssue({ code: 'custom', message: 'at most one of basic_auth and authorization' });
    // Prometheus's own messages for the 2.x bearer keys.
    const bearer = c.bearer_token !== undefined || c.bearer_token_file !== undefined;
    if (c.bearer_token !== undefined && c.bearer_token_file !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'at most one of bearer_token & bearer_token_file must be configured',
      });
    if (bearer && c.basic_auth !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'at most one of basic_auth, bearer_token & bearer_token_file must be configured',
      });
    if (bearer && c.authorization !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'authorization is not compatible with bearer_token & bearer_token_file',
      });
    if (
      c.scrape_interval !== undefined &&
      c.scrape_timeout !== undefined &&
      c.scrape_timeout > c.scrape_interval
    )
      ctx.addIssue({
        code: 'custom',
        path: ['scrape_timeout'],
        message: `scrape_timeout (${c.scrape_timeout / 1000}s) must not be greater than scrape_interval (${c.scrape_interval / 1000}s)`,
      });
  })
  .transform(({ bearer_token, bearer_token_file, ...c }) =>
    bearer_token === undefined && bearer_token_file === undefined
      ? c
      : {
          ...c,
          authorization: {
            type: 'Bearer',
            ...(bearer_token !== undefined ? { credentials: bearer_token } : {}),
            ...(bearer_token_file !== undefined ? { credentials_file: bearer_token_file } : {}),
          },
        },
  );

export type ScrapeConfig = z.output<typeof scrapeConfigSchema>;

/** The list, with job names unique (as Prometheus requires). */
export const scrapeConfigsSchema = z
  .array(scrapeConfigSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((c, i) => {
      const first = seen.get(c.job_name);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'job_name'],
          message: `duplicate job_name ${JSON.stringify(c.job_name)} (also scrape_configs[${first}])`,
        });
      else seen.set(c.job_name, i);
    });
  });

/** The scraping half of `global:` (Prometheus's defaults). */
export const scrapeGlobalShape = {
  scrape_interval: zDuration.default(60_000),
  scrape_timeout: zDuration.default(10_000),
  scrape_protocols: z.array(z.enum(SCRAPE_PROTOCOLS)).optional(),
  external_labels: zLabelSet.default({}),
  body_size_limit: zBytes.default(0),
  sample_limit: z.number().int().min(0).default(0),
  label_limit: z.number().int().min(0).default(0),
  label_name_length_limit: z.number().int().min(0).default(0),
  label_value_length_limit: z.number().int().min(0).default(0),
  target_limit: z.number().int().min(0).default(0),
  keep_dropped_targets: z.number().int().min(0).default(0),
  ...Object.fromEntries(GLOBAL_ONLY.map((k) => [k, onlyValues(k)])),
  ...Object.fromEntries(GLOBAL_UNSUPPORTED.map((k) => [k, unsupported(k)])),
};

export interface ScrapeGlobal {
  scrape_interval: number;
  scrape_timeout: number;
  scrape_protocols?: (typeof SCRAPE_PROTOCOLS)[number][];
  external_labels: Record<string, string>;
  body_size_limit: number;
  sample_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  target_limit: number;
  keep_dropped_targets?: number;
}

/** A scrape config with every default from `global:` filled in, as the scrape loop uses it. */
export type ResolvedScrapeConfig = Omit<
  ScrapeConfig,
  'scrape_interval' | 'scrape_timeout' | 'scrape_protocols'
> & {
  scrape_interval: number;
  scrape_timeout: number;
  scrape_protocols: (typeof SCRAPE_PROTOCOLS)[number][];
};

const DEFAULT_PROTOCOLS: (typeof SCRAPE_PROTOCOLS)[number][] = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText0.0.4',
];

/**
 * Applies `global:` to each scrape config as Prometheus does: interval and timeout inherit
 * (a timeout above the interval is cut to the interval), and the limits inherit when the job
 * leaves them at 0.
 */
export function resolveScrapeConfigs(
  global: ScrapeGlobal,
  configs: readonly ScrapeConfig[],
): ResolvedScrapeConfig[] {
  return configs.map((c) => {
    const interval = c.scrape_interval ?? global.scrape_interval;
    const timeout = Math.min(c.scrape_timeout ?? global.scrape_timeout, interval);
    const or = (v: number, g: number) => (v !== 0 ? v : g);
    return {
      ...c,
      scrape_interval: interval,
      scrape_timeout: timeout,
      scrape_protocols: c.scrape_protocols ?? global.scrape_protocols ?? DEFAULT_PROTOCOLS,
      body_size_limit: or(c.body_size_limit, global.body_size_limit),
      sample_limit: or(c.sample_limit, global.sample_limit),
      label_limit: or(c.label_limit, global.label_limit),
      label_name_length_limit: or(c.label_name_length_limit, global.label_name_length_limit),
      label_value_length_limit: or(c.label_value_length_limit, global.label_value_length_limit),
      target_limit: or(c.target_limit, global.target_limit),
      keep_dropped_targets: or(c.keep_dropped_targets, global.keep_dropped_targets ?? 0),
    };
  });
}
