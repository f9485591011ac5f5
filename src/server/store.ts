import type { Registry } from 'prom-client';
import type { MetadataStore, Appendable, Queryable } from '../storage/index.js';
import type { TsdbConfig } from '../tsdb/index.js';
import type { Logger } from '../util/index.js';

/** The store's lifecycle as the server drives it (the shape of `tsdb.Tsdb`). */
export interface Store extends Appendable, Queryable, MetadataStore {
  /** Replays the WAL and opens blocks; `isReady` turns true when it resolves. */
  open(): Promise<void>;
  readonly isReady: boolean;
  applyConfig(cfg: TsdbConfig): void;
  /** Returns the snapshot's directory name under `<dir>/snapshots`. */
  snapshot(withHead: boolean): Promise<string>;
  /** Flushes and closes; appends fail afterwards. */
  close(): Promise<void>;
}

export interface StoreOptions {
  dir: string;
  config: TsdbConfig;
  logger: Logger;
  registry?: Registry;
}
