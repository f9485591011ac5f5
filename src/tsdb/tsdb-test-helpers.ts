/** Helpers shared by the Tsdb tests (not used by production code). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TENANT, Labels, Matcher, type TenantId } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import { readSeries } from '../storage/testing.js';
import type { Logger } from '../util/index.js';
import { defaultTsdbConfig, type TsdbConfig } from './config.js';
import { Tsdb, type TsdbOptions } from './tsdb.js';

export const HOUR = 3_600_000;

/** A logger that keeps every entry (to assert on progress and damage reports). */
export function recordingLogger(): Logger & {
  entries: { level: string; obj: object; msg: string }[];
} {
  const entries: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) =>
    void entries.push({ level, obj, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A Tsdb in a fresh temp dir with the compaction loop off; `reopen` closes and opens again. */
export async function tempTsdb(
  over: Partial<TsdbConfig> = {},
  opts: Partial<TsdbOptions> = {},
): Promise<{
  db: Tsdb;
  dir: string;
  config: TsdbConfig;
  reopen(): Promise<Tsdb>;
  cleanup(): Promise<void>;
}> {
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'argus-tsdb-')));
  const config = { ...defaultTsdbConfig(), ...over };
  const make = async () => {
    const t = new Tsdb({
      logger: recordingLogger(),
      compactionIntervalMs: 0,
      ...opts,
      dir,
      config,
    });
    await t.open();
    return t;
  };
  const h = {
    db: await make(),
    dir,
    config,
    async reopen() {
      await h.db.close();
      h.db = await make();
      return h.db;
    },
    async cleanup() {
      await h.db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export const ls = (o: Record<string, string>): Labels => Labels.fromObject(o);

/** Every series matching `matchers` as {labels, ts, vs} (stale markers as 'stale'). */
export function readAll(
  q: Queryable,
  matchers: Matcher[] = [new Matcher('=~', '__name__', '.+')],
  tenant: TenantId = DEFAULT_TENANT,
  mint = 0,
  maxt = Number.MAX_SAFE_INTEGER,
): { labels: string; ts: number[]; vs: (number | string)[] }[] {
  return readSeries(q, matchers, tenant, mint, maxt);
}

/** Appends `steps` samples for each of `series` series at `step` ms from `t0`, one commit per step. */
export async function fill(
  db: Tsdb,
  opts: {
    series: number;
    steps: number;
    t0: number;
    step: number;
    name?: string;
    tenant?: TenantId;
  },
): Promise<void> {
  for (let k = 0; k < opts.steps; k++) {
    const app = db.appender(opts.tenant ?? DEFAULT_TENANT);
    for (let i = 0; i < opts.series; i++) {
      app.append(
        0,
        ls({ __name__: opts.name ?? 'm', i: String(i) }),
        opts.t0 + k * opts.step,
        k * 1000 + i,
      );
    }
    await app.commit();
  }
}
