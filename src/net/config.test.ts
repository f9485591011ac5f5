import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, parseConfigText } from '../config/index.js';
import { defaultOutboundConfig, guardFromConfig, outboundConfigSchema } from './index.js';

const root = z.object({ outbound: outboundConfigSchema.prefault({}) }).strict();
const parse = (yaml: string) => parseConfigText(yaml, 'argus.yml', root).outbound;

describe('outbound config', () => {
  it('has safe defaults: nothing allowed, config targets trusted, 10MiB, 30s', () => {
    assert.deepEqual(defaultOutboundConfig(), {
      allow: [],
      guard_config_targets: false,
      max_body_bytes: 10 * 2 ** 20,
      timeout: 30_000,
      tenants: {},
    });
    assert.deepEqual(parse(''), defaultOutboundConfig());
  });

  it('parses a full section and builds the guard from it', () => {
    const cfg = parse(`
outbound:
  allow: [10.0.0.0/8, "fd00::/8", grafana.internal, "*.corp.example", 192.168.1.10]
  guard_config_targets: true
  max_body_bytes: 1MiB
  timeout: 5s
  tenants:
    acme:
      allow: [172.16.0.0/12]
`);
    assert.equal(cfg.max_body_bytes, 2 ** 20);
    assert.equal(cfg.timeout, 5000);
    const g = guardFromConfig(cfg);
    assert.equal(g.maxBodyBytes, 2 ** 20);
    assert.equal(g.timeoutMs, 5000);
    assert.equal(g.check('10.1.2.3').allowed, true);
    assert.equal(g.check('fd00::1').allowed, true);
    assert.equal(g.check('192.168.1.10').allowed, true);
    assert.equal(g.check('192.168.1.11').allowed, false);
    assert.equal(g.check('172.16.0.1').allowed, false);
    assert.equal(g.check('172.16.0.1', 'acme').allowed, true);
    assert.equal(g.forConfigTargets(), g); // guard_config_targets: true
    assert.equal(guardFromConfig(defaultOutboundConfig()).forConfigTargets().trusted, true);
  });

  it('names the invalid entry and where it is', () => {
    const cases: [string, RegExp][] = [
      [
        'outbound:\n  allow: [10.0.0.0/8, 10.0.0.0/33]\n',
        /outbound\.allow\[1\].*invalid outbound allow entry "10\.0\.0\.0\/33"/,
      ],
      [
        'outbound:\n  allow: ["no spaces.example com"]\n',
        /outbound\.allow\[0\].*"no spaces\.example com"/,
      ],
      [
        'outbound:\n  tenants:\n    acme:\n      allow: ["::/200"]\n',
        /outbound\.tenants\.acme\.allow\[0\].*"::\/200"/,
      ],
      ['outbound:\n  tenants:\n    "Bad Tenant":\n      allow: []\n', /expected a tenant id/],
      ['outbound:\n  timeout: 5\n', /outbound\.timeout.*expected a duration/],
      ['outbound:\n  max_body_bytes: lots\n', /outbound\.max_body_bytes.*expected a byte size/],
      ['outbound:\n  alow: []\n', /alow/],
    ];
    for (const [yaml, want] of cases) {
      assert.throws(
        () => parse(yaml),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.message, want);
          return true;
        },
        yaml,
      );
    }
  });
});
