import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStorageSuite } from '../storage/testing.js';
import { nopLogger } from '../util/index.js';
import { defaultTsdbConfig } from './config.js';
import { Tsdb } from './tsdb.js';

// The shared storage conformance suite against the TSDB, including close + reopen on the
// same directory (WAL replay).
runStorageSuite('Tsdb', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'argus-tsdb-suite-'));
  const config = defaultTsdbConfig();
  const make = async () => {
    const db = new Tsdb({ dir, config, logger: nopLogger, compactionIntervalMs: 0 });
    await db.open();
    return db;
  };
  let store = await make();
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await make();
      return store;
    },
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
