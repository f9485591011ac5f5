import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseConfigText } from '../config/index.js';
import { DEFAULT_TENANT, Labels, tenantId } from '../model/index.js';
import { StorageUnavailableError } from '../storage/index.js';
import { TenantLimits } from '../tenancy/index.js';
import { argusConfigSchema, type ArgusConfig } from './config.js';
import { logLimitsOf, Logs, retentionPolicyOf } from './logs.js';

const cfgOf = (text: string): ArgusConfig => parseConfigText(text, 'argus.yml', argusConfigSchema);
const DAY = 86_400_000;

describe('logs wiring', () => {
  it('maps limits: onto the store limits (0 = unlimited line size and labels)', () => {
    const cfg = cfgOf(
      'limits:\n  defaults: { max_log_line_size: 1KiB }\n  tenants:\n    acme: { log_ingestion_rate: 1MiB, max_log_labels: 0 }\n',
    );
    const limits = new TenantLimits(cfg.limits);
    const d = logLimitsOf(limits, DEFAULT_TENANT);
    assert.equal(d.maxLineBytes, 1024);
    assert.equal(d.maxLabelNames, 15);
    assert.equal(d.rateBytes, 32 * 2 ** 20);
    const acme = logLimitsOf(limits, tenantId('acme'));
    assert.equal(acme.rateBytes, 2 ** 20);
    assert.equal(acme.burstBytes, 2 * 2 ** 20);
    assert.equal(acme.maxLabelNames, Number.MAX_SAFE_INTEGER);
  });

  it('builds the retention policy: global period, selectors per tenant, tenant periods, size cap', () => {
    const cfg = cfgOf(
      [
        'logs:',
        '  retention:',
        '    period: 14d',
        '    max_size: 1GiB',
        '    streams:',
        '      - { selector: \'{env="dev"}\', period: 3d }',
        '      - { selector: \'{app="debug"}\', period: 1d, tenant: acme }',
        'limits:',
        '  tenants:',
        '    acme: { log_retention: 60d }',
        '    other: {}',
        '',
      ].join('\n'),
    );
    const p = retentionPolicyOf(cfg, new TenantLimits(cfg.limits));
    assert.equal(p.periodMs, 14 * DAY);
    assert.equal(p.maxBytes, 2 ** 30);
    assert.equal(p.streams.length, 1);
    assert.equal(p.streams[0].periodMs, 3 * DAY);
    assert.equal(p.streams[0].matchers[0].toString(), 'env="dev"');
    const acme = p.tenants.get(tenantId('acme'));
    assert.equal(acme?.periodMs, 60 * DAY);
    assert.equal(acme?.streams[0].periodMs, DAY);
    assert.equal(p.tenants.has(tenantId('other')), false);
  });

  it('limits.defaults.log_retention replaces the global period', () => {
    const cfg = cfgOf('limits:\n  defaults: { log_retention: 2d }\n');
    assert.equal(retentionPolicyOf(cfg, new TenantLimits(cfg.limits)).periodMs, 2 * DAY);
  });

  it('is "not ready" before open, then appends, queries and tails through LogQL', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'argus-logs-wiring-'));
    const cfg = cfgOf('');
    const logs = new Logs(
      {
        dataDir: dir,
        logger: pino({ level: 'silent' }),
        registry: new Registry(),
        limits: new TenantLimits(cfg.limits),
      },
      cfg,
    );
    try {
      assert.throws(
        () => logs.source.appendable.logAppender(DEFAULT_TENANT),
        StorageUnavailableError,
      );
      await logs.open();
      assert.equal(logs.isOpen, true);
      const tailed: string[] = [];
      const stop = logs.engine.tail(DEFAULT_TENANT, '{app="web"} |= "error"', (streams) => {
        for (const s of streams) for (const e of s.entries) tailed.push(e.line);
      });
      const now = BigInt(Date.now()) * 1_000_000n;
      const app = logs.source.appendable.logAppender(DEFAULT_TENANT);
      app.append(Labels.fromObject({ app: 'web' }), [
        { ts: now - 2n, line: 'GET / 200' },
        { ts: now - 1n, line: 'GET /x error 500' },
      ]);
      const res = await app.commit();
      assert.equal(res.accepted, 2);
      stop();
      assert.deepEqual(tailed, ['GET /x error 500']);
      const { result } = await logs.engine.rangeQuery(DEFAULT_TENANT, '{app="web"} |= "error"', {
        start: now - 60_000_000_000n,
        end: now + 1n,
      });
      assert.equal(result.type, 'streams');
      assert.deepEqual(
        result.type === 'streams'
          ? result.streams.flatMap((s) => s.entries.map((e) => e.line))
          : [],
        ['GET /x error 500'],
      );
      // A reload that changes nothing about inputs keeps them; one that disables nothing is a no-op.
      await logs.apply(cfgOf('logs: { retention: { period: 1d } }'));
    } finally {
      await logs.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
