import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../config/index.js';
import { resolveScrapeConfigs } from '../scrape/index.js';
import { argusConfigSchema } from './config.js';

const TESTDATA = path.join(process.cwd(), 'src/scrape/testdata');
/** Debian's prometheus package ships its sample prometheus.yml here. */
const DEBIAN_SAMPLE = '/etc/prometheus/prometheus.yml';

function load(text: string) {
  return parseConfigText(text, 'argus.yml', argusConfigSchema);
}

function problem(text: string): string {
  try {
    load(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  assert.fail('expected a config error');
}

describe('scrape_configs', () => {
  it('loads every supported setting as prometheus.yml spells it', () => {
    const cfg = load(readFileSync(path.join(TESTDATA, 'full-scrape.good.yml'), 'utf8'));
    assert.equal(cfg.global.scrape_interval, 30_000);
    assert.deepEqual(cfg.global.external_labels, { region: 'eu-1' });
    const [node, apps, bearer] = resolveScrapeConfigs(cfg.global, cfg.scrape_configs);
    assert.equal(node.scrape_interval, 30_000, 'inherits the global interval');
    assert.equal(node.scrape_timeout, 5_000);
    assert.equal(node.metrics_path, '/metrics');
    assert.equal(node.sample_limit, 50_000, 'inherits the global limit');
    assert.deepEqual(node.scrape_protocols, [
      'OpenMetricsText1.0.0',
      'OpenMetricsText0.0.1',
      'PrometheusText0.0.4',
    ]);
    assert.equal(apps.scrape_interval, 10_000);
    assert.equal(apps.scheme, 'https');
    assert.equal(apps.body_size_limit, 10_000_000);
    assert.equal(apps.dns_sd_configs[0].type, 'SRV');
    assert.equal(apps.dns_sd_configs[1].port, 8080);
    assert.equal(apps.file_sd_configs[0].refresh_interval, 60_000);
    assert.equal(apps.sample_limit, 10_000);
    assert.equal(bearer.authorization?.type, 'Bearer');
  });

  it(
    "loads the scrape_configs and global sections of Debian's sample prometheus.yml unchanged",
    {
      skip: existsSync(DEBIAN_SAMPLE)
        ? false
        : `${DEBIAN_SAMPLE} absent (Debian package prometheus)`,
    },
    () => {
      const prom = parse(readFileSync(DEBIAN_SAMPLE, 'utf8')) as Record<string, unknown>;
      const cfg = load(stringify({ global: prom.global, scrape_configs: prom.scrape_configs }));
      assert.ok(cfg.scrape_configs.length >= 1);
      assert.equal(cfg.scrape_configs[0].job_name, 'prometheus');
    },
  );

  it('a timeout above the interval is cut to it when inherited, refused when written', () => {
    const cfg = load(
      'global: { scrape_interval: 5s, scrape_timeout: 10s }\nscrape_configs: [{ job_name: a }]\n',
    );
    assert.equal(resolveScrapeConfigs(cfg.global, cfg.scrape_configs)[0].scrape_timeout, 5_000);
    assert.match(
      problem(
        'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n',
      ),
      /scrape_configs\[0\]\.scrape_timeout: scrape_timeout \(10s\) must not be greater than scrape_interval \(5s\)/,
    );
  });

  const refused: [string, RegExp][] = [
    [
      'scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs: [{ role: pod }]\n',
      /scrape_configs\[0\]\.kubernetes_sd_configs: kubernetes_sd_configs is a Prometheus setting Argus does not support yet \(use static_configs, file_sd_configs or dns_sd_configs\)/,
    ],
    [
      'scrape_configs:\n  - job_name: o\n    oauth2: { client_id: x }\n',
      /oauth2 is a Prometheus setting Argus does not support yet/,
    ],
    [
      'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
      /scrape_configs\[1\]\.job_name: duplicate job_name "a" \(also scrape_configs\[0\]\)/,
    ],
    [
      'scrape_configs:\n  - job_name: d\n    dns_sd_configs: [{ names: [x.internal], type: A }]\n',
      /dns_sd_configs\[0\]\.port: port is required for type A/,
    ],
    [
      'scrape_configs:\n  - job_name: b\n    basic_auth: { username: u, password: p }\n    authorization: { credentials: t }\n',
      /at most one of basic_auth and authorization/,
    ],
    [
      'scrape_configs:\n  - job_name: t\n    static_configs: [{ targets: ["http://x:9100/metrics"] }]\n',
      /expected a target like host:9100 or \[::1\]:9100, got "http:\/\/x:9100\/metrics"/,
    ],
    ['scrape_configs:\n  - job_name: s\n    scheme: ftp\n', /scrape_configs\[0\]\.scheme/],
    [
      'scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n',
      /unknown key "scrape_intervall" \(did you mean "scrape_interval"\?\)/,
    ],
  ];
  for (const [text, want] of refused) {
    it(`refuses ${JSON.stringify(text.split('\n').slice(-2)[0].trim())} with a clear error`, () => {
      assert.match(problem(text), want);
    });
  }
});
