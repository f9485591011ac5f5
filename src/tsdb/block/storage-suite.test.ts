/**
 * Runs the shared storage suite with every read answered by a block: appends go to the
 * reference MemStore (the block layer has no write path of its own), and each commit rewrites
 * the tenant's data as a fresh block that all queriers then read. This checks the block read
 * path (select, label names/values, clipping, seek, special values) against the suite's
 * expectations.
 */
import { rmSync } from 'node:fs';
import { Labels, Matcher, type TenantId } from '../../model/index.js';
import type { Appendable, Appender, Querier, Queryable } from '../../storage/index.js';
import { MemStore, runStorageSuite } from '../../storage/testing.js';
import { Block } from './block.js';
import { encodeChunks, tempDir } from './test-helpers.js';
import { writeBlock, type SeriesChunks } from './writer.js';

const MAX = Number.MAX_SAFE_INTEGER;

class BlockBackedStore implements Appendable, Queryable {
  readonly mem = new MemStore({ maxFutureMs: 10 * 60_000 });
  private readonly blocks = new Map<TenantId, Block>();

  constructor(private readonly dir: string) {}

  appender(tenant: TenantId): Appender {
    const inner = this.mem.appender(tenant);
    return {
      append: (ref, labels, t, v) => inner.append(ref, labels, t, v),
      rollback: () => inner.rollback(),
      commit: async () => {
        const res = await inner.commit();
        await this.rebuild(tenant);
        return res;
      },
    };
  }

  private async rebuild(tenant: TenantId): Promise<void> {
    const q = this.mem.querier(tenant, 0, MAX);
    const series: SeriesChunks[] = [];
    let mint = Infinity;
    let maxt = -Infinity;
    for (const s of q.select([new Matcher('=~', '__name__', '.*')])) {
      const ts: number[] = [];
      const it = s.iterator();
      while (it.next()) ts.push(it.t);
      // Values go straight into a Float64Array: a number[] may canonicalise stale-marker bits.
      const fv = new Float64Array(ts.length);
      const it2 = s.iterator();
      for (let i = 0; it2.next(); i++) fv[i] = it2.v;
      mint = Math.min(mint, ts[0]);
      maxt = Math.max(maxt, ts[ts.length - 1]);
      series.push({ labels: s.labels, chunks: encodeChunks(ts, fv, 120) });
    }
    q.close();
    const old = this.blocks.get(tenant);
    if (series.length === 0) return;
    series.sort((a, b) => Labels.compare(a.labels, b.labels));
    const meta = await writeBlock(this.dir, { minTime: mint, maxTime: maxt + 1 }, series);
    this.blocks.set(tenant, Block.open(`${this.dir}/${meta.ulid}`));
    if (old) {
      old.close();
      rmSync(old.dir, { recursive: true, force: true });
    }
  }

  querier(tenant: TenantId, mint: number, maxt: number): Querier {
    const b = this.blocks.get(tenant);
    if (b) return b.querier(mint, maxt);
    return { select: () => [], labelNames: () => [], labelValues: () => [], close() {} };
  }

  close(): void {
    for (const b of this.blocks.values()) b.close();
  }
}

runStorageSuite('tsdb block read path', () => {
  const { dir, cleanup } = tempDir();
  const store = new BlockBackedStore(dir);
  return Promise.resolve({
    store,
    close: () => {
      store.close();
      cleanup();
      return Promise.resolve();
    },
  });
});
