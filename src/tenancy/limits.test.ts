import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { tenantId } from '../model/index.js';
import { BugError } from '../util/index.js';
import { limitsConfigSchema, TenantLimitError, TenantLimits, type LimitsConfig } from './index.js';

const ACME = tenantId('acme');
const BETA = tenantId('beta');

function setup(cfg: unknown) {
  let t = 0;
  const registry = new Registry();
  const limits = new TenantLimits(limitsConfigSchema.parse(cfg), { registry, now: () => t });
  return {
    limits,
    registry,
    advance(ms: number) {
      t += ms;
    },
    async exceeded(tenant: string, limit: string): Promise<number> {
      const m = await registry.getSingleMetric('argus_tenant_limit_exceeded_total')!.get();
      return (
        m.values.find((v) => v.labels.tenant === tenant && v.labels.limit === limit)?.value ?? 0
      );
    },
  };
}

/** The TenantLimitError `fn` throws. */
function refusal(fn: () => unknown): TenantLimitError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TenantLimitError, String(err));
    return err;
  }
  assert.fail('expected a TenantLimitError');
}

describe('TenantLimits ingestion bucket', () => {
  it('admits a full burst, refuses the whole next request, then refills at the rate', async () => {
    const h = setup({ defaults: { ingestion_rate: 1000 } });
    h.limits.admitSamples(ACME, 1500);
    h.limits.admitSamples(ACME, 500);
    const e = refusal(() => h.limits.admitSamples(ACME, 1));
    assert.equal(e.message, 'tenant "acme" exceeded ingestion_rate: 1000 samples/s (burst 2000)');
    assert.deepEqual(
      [e.tenant, e.limit, e.value, e.retryAfterMs],
      ['acme', 'ingestion_rate', 1000, 1],
    );
    h.advance(100); // +100 tokens
    const big = refusal(() => h.limits.admitSamples(ACME, 101));
    assert.equal(big.retryAfterMs, 1, 'one more token needed at 1/ms');
    // The refused request took nothing: exactly 100 are still there.
    h.limits.admitSamples(ACME, 100);
    refusal(() => h.limits.admitSamples(ACME, 1));
    h.advance(60_000); // refills, capped at the burst
    h.limits.admitSamples(ACME, 2000);
    refusal(() => h.limits.admitSamples(ACME, 1));
    assert.equal(await h.exceeded('acme', 'ingestion_rate'), 4);
  });

  it('keeps one bucket per tenant, with per-tenant overrides', async () => {
    const h = setup({
      defaults: { ingestion_rate: 10 },
      tenants: { beta: { ingestion_rate: 100, ingestion_burst: 100 } },
    });
    assert.deepEqual(
      [h.limits.for(ACME).ingestion_burst, h.limits.for(BETA).ingestion_burst],
      [20, 100],
    );
    h.limits.admitSamples(ACME, 20);
    refusal(() => h.limits.admitSamples(ACME, 1));
    h.limits.admitSamples(BETA, 100);
    const e = refusal(() => h.limits.admitSamples(BETA, 5));
    assert.equal(e.message, 'tenant "beta" exceeded ingestion_rate: 100 samples/s (burst 100)');
    assert.equal(e.retryAfterMs, 50);
    assert.equal(await h.exceeded('acme', 'ingestion_rate'), 1);
    assert.equal(await h.exceeded('beta', 'ingestion_rate'), 1);
  });

  it('says when a request is larger than the burst, and admits anything with rate 0', () => {
    const h = setup({ defaults: { ingestion_rate: 10 }, tenants: { beta: { ingestion_rate: 0 } } });
    const e = refusal(() => h.limits.admitSamples(ACME, 21));
    assert.equal(
      e.message,
      'tenant "acme" exceeded ingestion_rate: 10 samples/s (burst 20); a request of 21 samples is larger than the burst and is never accepted',
    );
    assert.equal(e.retryAfterMs, undefined);
    h.limits.admitSamples(ACME, 20);
    h.limits.admitSamples(ACME, 0);
    h.limits.admitSamples(BETA, 1e12);
  });

  it('ignores a clock going backwards', () => {
    const h = setup({ defaults: { ingestion_rate: 10 } });
    h.advance(1000);
    h.limits.admitSamples(ACME, 20);
    h.advance(-500);
    refusal(() => h.limits.admitSamples(ACME, 1));
    h.advance(600); // 100 ms after the last admission: 1 token
    h.limits.admitSamples(ACME, 1);
  });
});

describe('TenantLimits query gate', () => {
  it('admits up to max_concurrent_queries, refuses the next at once, frees on release', async () => {
    const h = setup({
      defaults: { max_concurrent_queries: 2 },
      tenants: { beta: { max_concurrent_queries: 0 } },
    });
    const g = h.limits.queryGate(ACME);
    assert.equal(h.limits.queryGate(ACME), g, 'one gate per tenant');
    g.acquire();
    g.acquire();
    const e = refusal(() => g.acquire());
    assert.equal(e.message, 'tenant "acme" exceeded max_concurrent_queries: 2 queries at once');
    assert.deepEqual([e.limit, e.value], ['max_concurrent_queries', 2]);
    assert.equal(g.running, 2);
    g.release();
    g.acquire();
    g.release();
    g.release();
    assert.equal(g.running, 0);
    assert.throws(() => g.release(), BugError);
    // 0 = unlimited.
    const b = h.limits.queryGate(BETA);
    for (let i = 0; i < 1000; i++) b.acquire();
    assert.equal(await h.exceeded('acme', 'max_concurrent_queries'), 1);
    assert.equal(await h.exceeded('beta', 'max_concurrent_queries'), 0);
  });

  it('run() holds a slot for the duration and releases it on failure too', async () => {
    const h = setup({ defaults: { max_concurrent_queries: 1 } });
    const g = h.limits.queryGate(ACME);
    let finish!: () => void;
    const first = g.run(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    await assert.rejects(
      g.run(async () => 'second'),
      TenantLimitError,
    );
    finish();
    assert.equal(await first, 'done');
    await assert.rejects(
      g.run(() => Promise.reject(new Error('query failed'))),
      /query failed/,
    );
    assert.equal(g.running, 0);
    assert.equal(await g.run(async () => 42), 42);
  });
});

describe('TenantLimits query gate: waiting in line', () => {
  it('hands freed slots to waiters first come, first served', async () => {
    const h = setup({ defaults: { max_concurrent_queries: 1 } });
    const g = h.limits.queryGate(ACME);
    await g.acquireWaiting(1000);
    const order: string[] = [];
    const a = g.acquireWaiting(60_000).then(() => order.push('a'));
    const b = g.acquireWaiting(60_000).then(() => order.push('b'));
    assert.equal(g.waiting, 2);
    g.release();
    await a;
    assert.deepEqual(order, ['a']);
    assert.equal(g.running, 1, 'the slot passed to a without being freed');
    g.release();
    await b;
    g.release();
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(g.running, 0);
    assert.equal(g.waiting, 0);
  });

  it('refuses after the wait, at once when the line is long, and when aborted', async () => {
    const h = setup({ defaults: { max_concurrent_queries: 1 } });
    const g = h.limits.queryGate(ACME);
    g.acquire();
    await assert.rejects(g.acquireWaiting(10), (e: unknown) => {
      assert.ok(e instanceof TenantLimitError);
      assert.equal(
        e.message,
        'tenant "acme" exceeded max_concurrent_queries: 1 queries at once; waited 0.01s for a free slot',
      );
      return true;
    });
    // 4 waiters per slot at most.
    const line = Array.from({ length: 3 }, () => g.acquireWaiting(60_000));
    const ac = new AbortController();
    const aborted = g.acquireWaiting(60_000, ac.signal);
    await assert.rejects(g.acquireWaiting(60_000), TenantLimitError);
    assert.equal(g.waiting, 4, 'the fifth was refused, not queued');
    ac.abort(new Error('client went away'));
    await assert.rejects(aborted, /client went away/);
    assert.equal(g.waiting, 3);
    for (const w of line) {
      g.release();
      await w;
    }
    g.release();
    assert.equal(g.running, 0);
    assert.equal(await h.exceeded('acme', 'max_concurrent_queries'), 2);
  });
});

describe('TenantLimits reload and other limits', () => {
  it('apply() changes limits live, keeping bucket levels and running queries', () => {
    const h = setup({ defaults: { ingestion_rate: 100, max_concurrent_queries: 1 } });
    h.limits.admitSamples(ACME, 150); // 50 left
    const g = h.limits.queryGate(ACME);
    g.acquire();
    const next: LimitsConfig = limitsConfigSchema.parse({
      defaults: { ingestion_rate: 100, ingestion_burst: 40, max_concurrent_queries: 2 },
      tenants: { acme: { max_series: 7 } },
    });
    h.limits.apply(next);
    assert.equal(h.limits.for(ACME).max_series, 7);
    assert.equal(h.limits.for(ACME).ingestion_burst, 40);
    refusal(() => h.limits.admitSamples(ACME, 41)); // capped at the new burst
    h.limits.admitSamples(ACME, 40);
    g.acquire(); // the new max of 2 counts the one already running
    refusal(() => g.acquire());
    h.limits.apply(limitsConfigSchema.parse({}));
    assert.equal(h.limits.for(ACME).max_series, 2_000_000);
  });

  it('builds counted errors for limits checked by other modules', async () => {
    const h = setup({ tenants: { acme: { max_body_bytes: '1KiB' } } });
    const e = h.limits.exceeded(ACME, 'max_body_bytes', 'request of 5000 bytes');
    assert.equal(
      e.message,
      'tenant "acme" exceeded max_body_bytes: 1024 bytes (request of 5000 bytes)',
    );
    assert.deepEqual([e.tenant, e.limit, e.value], ['acme', 'max_body_bytes', 1024]);
    assert.equal(
      h.limits.exceeded(BETA, 'max_query_samples').message,
      'tenant "beta" exceeded max_query_samples: 50000000 samples',
    );
    h.limits.count(ACME, 'max_series');
    assert.equal(await h.exceeded('acme', 'max_body_bytes'), 1);
    assert.equal(await h.exceeded('beta', 'max_query_samples'), 1);
    assert.equal(await h.exceeded('acme', 'max_series'), 1);
  });

  it('shares one counter among instances on a registry, and works without one', async () => {
    const registry = new Registry();
    const cfg = limitsConfigSchema.parse({ defaults: { max_concurrent_queries: 1 } });
    const a = new TenantLimits(cfg, { registry });
    const b = new TenantLimits(cfg, { registry });
    a.count(ACME, 'max_series');
    b.count(ACME, 'max_series');
    const text = await registry.metrics();
    assert.match(
      text,
      /^argus_tenant_limit_exceeded_total\{tenant="acme",limit="max_series"\} 2$/m,
    );
    const lone = new TenantLimits(cfg);
    lone.queryGate(ACME).acquire();
    refusal(() => lone.queryGate(ACME).acquire());
    // The default clock is real: a fresh bucket is full.
    lone.admitSamples(ACME, 2_000_000);
  });
});
