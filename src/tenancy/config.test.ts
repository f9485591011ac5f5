import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../config/index.js';
import { defaultLimitsConfig, limitsConfigSchema, resolveLimits } from './index.js';

const parse = (text: string) => parseConfigText(text, 'argus.yml', limitsConfigSchema);

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(text)}`);
}

describe('limits config', () => {
  it('defaults to the documented values', () => {
    assert.deepEqual(defaultLimitsConfig(), { defaults: {}, tenants: {} });
    assert.deepEqual(resolveLimits(defaultLimitsConfig().defaults), {
      ingestion_rate: 1_000_000,
      ingestion_burst: 2_000_000,
      max_series: 2_000_000,
      max_body_bytes: 16 * 2 ** 20,
      max_concurrent_queries: 20,
      max_query_samples: 50_000_000,
      max_query_series: 0,
      log_ingestion_rate: 32 * 2 ** 20,
      log_ingestion_burst: 64 * 2 ** 20,
      max_log_streams: 10_000,
      max_log_labels: 15,
      max_log_line_size: 256 * 2 ** 10,
      log_retention: 0,
    });
  });

  it('parses log limits with units; a tenant rate without a burst gets twice its rate', () => {
    const cfg = parse(
      [
        'defaults:',
        '  log_ingestion_rate: 8MiB',
        '  log_ingestion_burst: 10MiB',
        '  max_log_line_size: 64KiB',
        'tenants:',
        '  acme:',
        '    log_ingestion_rate: 1MiB',
        '    log_retention: 3d',
        '',
      ].join('\n'),
    );
    const d = resolveLimits(cfg.defaults);
    assert.equal(d.log_ingestion_rate, 8 * 2 ** 20);
    assert.equal(d.log_ingestion_burst, 10 * 2 ** 20);
    assert.equal(d.max_log_line_size, 64 * 2 ** 10);
    const acme = resolveLimits(cfg.defaults, cfg.tenants.acme);
    assert.equal(acme.log_ingestion_rate, 2 ** 20);
    assert.equal(acme.log_ingestion_burst, 2 * 2 ** 20);
    assert.equal(acme.log_retention, 3 * 86_400_000);
  });

  it('parses defaults and per-tenant overrides (sizes with units, empty sections)', () => {
    const cfg = parse(
      [
        'defaults:',
        '  ingestion_rate: 5000',
        '  max_body_bytes: 4MiB',
        'tenants:',
        '  acme:',
        '    ingestion_rate: 100',
        '    max_series: 0',
        '  beta:',
        '    ingestion_burst: 7',
        '  empty:',
        '',
      ].join('\n'),
    );
    assert.deepEqual(cfg, {
      defaults: { ingestion_rate: 5000, max_body_bytes: 4 * 2 ** 20 },
      tenants: {
        acme: { ingestion_rate: 100, max_series: 0 },
        beta: { ingestion_burst: 7 },
        empty: {},
      },
    });
    assert.deepEqual(parse('defaults:\ntenants:\n'), { defaults: {}, tenants: {} });
  });

  // One bad input per line, with the exact problem reported.
  const bad: [string, string][] = [
    [
      'defaults:\n  max_seris: 3\n',
      'argus.yml:2:3: defaults: unknown key "max_seris" (did you mean "max_series"?)',
    ],
    ['limit: {}\n', 'argus.yml:1:1: unknown key "limit"'],
    [
      'tenants:\n  acme:\n    ingestion_rat: 3\n',
      'argus.yml:3:5: tenants.acme: unknown key "ingestion_rat" (did you mean "ingestion_rate"?)',
    ],
    [
      'tenants:\n  Acme!: {}\n',
      'argus.yml:2:3: tenants.Acme!: expected a tenant id (1-63 of [a-z0-9_-], starting with a letter or digit), got "Acme!"',
    ],
    [
      'defaults:\n  ingestion_rate: -1\n',
      'argus.yml:2:3: defaults.ingestion_rate: expected a number >= 0, got -1',
    ],
    [
      'defaults:\n  ingestion_burst: 0\n',
      'argus.yml:2:3: defaults.ingestion_burst: expected a number > 0, got 0',
    ],
    [
      'tenants:\n  a:\n    max_series: 1.5\n',
      'argus.yml:3:5: tenants.a.max_series: expected an integer, got 1.5',
    ],
    [
      'defaults:\n  max_body_bytes: lots\n',
      'argus.yml:2:3: defaults.max_body_bytes: expected a byte size like 512MiB or 10GB, got "lots"',
    ],
    [
      'defaults:\n  max_concurrent_queries: "5"\n',
      'argus.yml:2:3: defaults.max_concurrent_queries: expected a number, got "5"',
    ],
    ['tenants: []\n', 'argus.yml:1:1: tenants: expected a mapping, got a list'],
  ];
  for (const [text, want] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(errorOf(text), want));
  }
});

describe('resolveLimits', () => {
  const cases: [
    string,
    Parameters<typeof resolveLimits>,
    Partial<ReturnType<typeof resolveLimits>>,
  ][] = [
    [
      'burst defaults to twice the rate',
      [{ ingestion_rate: 100 }],
      { ingestion_rate: 100, ingestion_burst: 200 },
    ],
    ['explicit burst', [{ ingestion_rate: 100, ingestion_burst: 150 }], { ingestion_burst: 150 }],
    [
      'tenant rate gets its own 2x burst, not the default burst',
      [{ ingestion_rate: 100, ingestion_burst: 150 }, { ingestion_rate: 10 }],
      { ingestion_rate: 10, ingestion_burst: 20 },
    ],
    [
      'tenant burst over the default rate',
      [{ ingestion_rate: 100 }, { ingestion_burst: 1000 }],
      { ingestion_rate: 100, ingestion_burst: 1000 },
    ],
    [
      'default burst applies when the tenant keeps the rate',
      [{ ingestion_burst: 5 }, { max_series: 3 }],
      { ingestion_rate: 1_000_000, ingestion_burst: 5, max_series: 3 },
    ],
    ['fractional rate still admits one sample', [{ ingestion_rate: 0.25 }], { ingestion_burst: 1 }],
    [
      'override wins over default',
      [{ max_concurrent_queries: 5, max_query_samples: 9 }, { max_concurrent_queries: 0 }],
      { max_concurrent_queries: 0, max_query_samples: 9 },
    ],
  ];
  for (const [name, args, want] of cases) {
    it(name, () => {
      const got = resolveLimits(...args);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, k);
    });
  }
});
