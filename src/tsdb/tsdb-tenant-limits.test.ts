import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tenantId, type TenantId } from '../model/index.js';
import { LimitExceededError } from '../storage/index.js';
import { defaultTsdbConfig } from './config.js';
import { HOUR, ls, tempTsdb } from './tsdb-test-helpers.js';

const T0 = Date.now() - HOUR;

describe('Tsdb per-tenant series budget (maxSeriesFor)', () => {
  it('applies the lower of the tenant budget and max_series_per_tenant, read live', async () => {
    const own = new Map<string, number>([
      ['acme', 2],
      ['big', 10],
    ]);
    const h = await tempTsdb(
      { limits: { ...defaultTsdbConfig().limits, max_series_per_tenant: 3 } },
      { maxSeriesFor: (t: TenantId) => own.get(t) ?? 0 },
    );
    try {
      /** Appends series i=0..n-1 one by one; returns how many were accepted and the first error. */
      const fill = async (t: string, n: number) => {
        const a = h.db.appender(tenantId(t));
        let ok = 0;
        let error: unknown;
        for (let i = 0; i < n; i++) {
          try {
            a.append(0, ls({ __name__: 's', i: String(i) }), T0, 1);
            ok++;
          } catch (err) {
            error ??= err;
          }
        }
        await a.commit();
        return { ok, error };
      };
      const acme = await fill('acme', 3);
      assert.equal(acme.ok, 2);
      assert.ok(acme.error instanceof LimitExceededError);
      assert.equal(
        acme.error.message,
        'cannot create series {__name__="s", i="2"}: tenant "acme" has reached its limit of 2 series (max_series)',
      );
      // A budget above the tsdb-wide one, or none (0), leaves the tsdb-wide one.
      for (const t of ['big', 'other']) {
        const r = await fill(t, 4);
        assert.equal(r.ok, 3, t);
        assert.match(
          String(r.error),
          new RegExp(`tenant "${t}" has reached its limit of 3 series \\(max_series_per_tenant\\)`),
        );
      }
      // A reload of the tenant limits applies to the next new series, without applyConfig.
      own.set('acme', 3);
      assert.equal((await fill('acme', 4)).ok, 3);
      // applyConfig keeps the per-tenant function.
      h.db.applyConfig({ ...h.config, limits: { ...h.config.limits, max_series_per_tenant: 100 } });
      own.set('acme', 4);
      const more = await fill('acme', 6);
      assert.equal(more.ok, 4);
      assert.match(String(more.error), /limit of 4 series \(max_series\)/);
      const acmeStats = h.db.stats().tenants.find((s) => s.tenant === 'acme')!;
      assert.equal(acmeStats.rejected.series_limit, 4);
    } finally {
      await h.cleanup();
    }
  });
});
