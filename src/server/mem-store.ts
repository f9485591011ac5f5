import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { TenantId } from '../model/index.js';
import type {
  Appendable,
  Appender,
  MetadataStore,
  MetricMetadata,
  Querier,
  Queryable,
} from '../storage/index.js';
import { StorageUnavailableError } from '../storage/index.js';
import { MemStore } from '../storage/testing.js';
import type { TsdbConfig } from '../tsdb/index.js';
import type { Logger } from '../util/index.js';

/**
 * The store's lifecycle as the server drives it: the shape `tsdb.Tsdb` has. Until the TSDB
 * lands, `MemTsdb` stands in behind it (see wiring.ts).
 */
export interface Store extends Appendable, Queryable, MetadataStore {
  open(): Promise<void>;
  readonly isReady: boolean;
  applyConfig(cfg: TsdbConfig): void;
  snapshot(withHead: boolean): Promise<string>;
  close(): Promise<void>;
}

export interface StoreOptions {
  dir: string;
  config: TsdbConfig;
  logger: Logger;
  registry?: Registry;
}

/**
 * In-memory stand-in for the TSDB with the same lifecycle: nothing survives a restart and
 * snapshots are empty directories. Exists only so the server runs before `tsdb` does.
 */
export class MemTsdb implements Store {
  private mem: MemStore;
  private ready = false;
  private closed = false;
  private snapshots = 0;

  constructor(private readonly opts: StoreOptions) {
    this.mem = new MemStore({ maxFutureMs: opts.config.max_future });
  }

  get isReady(): boolean {
    return this.ready && !this.closed;
  }

  async open(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    this.ready = true;
  }

  applyConfig(cfg: TsdbConfig): void {
    this.opts.config = cfg;
  }

  async snapshot(_withHead: boolean): Promise<string> {
    const name = `${new Date().toISOString().replace(/[-:.]/g, '')}-${(this.snapshots++).toString(16)}`;
    await mkdir(path.join(this.opts.dir, 'snapshots', name), { recursive: true });
    return name;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  appender(tenant: TenantId): Appender {
    if (!this.isReady) throw new StorageUnavailableError('cannot append: store is not open');
    return this.mem.appender(tenant);
  }

  querier(tenant: TenantId, mint: number, maxt: number): Querier {
    return this.mem.querier(tenant, mint, maxt);
  }

  setMetadata(tenant: TenantId, metric: string, md: MetricMetadata): void {
    this.mem.setMetadata(tenant, metric, md);
  }

  getMetadata(tenant: TenantId, metric?: string): Map<string, MetricMetadata> {
    return this.mem.getMetadata(tenant, metric);
  }
}
