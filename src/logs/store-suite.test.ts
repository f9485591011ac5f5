import { logStoreSuite, type LogStoreForSuite } from '../storage/testing.js';
import type { LogStore } from './store.js';
import { openStore, tempDir } from './store-test-helpers.js';

async function underTest(sealEveryCommit: boolean): Promise<{
  store: LogStoreForSuite;
  reopen: () => Promise<LogStoreForSuite>;
  close: () => Promise<void>;
}> {
  const { dir, cleanup } = await tempDir();
  const open = (): Promise<LogStore> => openStore(dir, { now: Date.now });
  let store = await open();
  // Every commit sealed at once: the suite then reads everything from the chunk store.
  const view = (s: LogStore): LogStoreForSuite =>
    sealEveryCommit
      ? {
          logAppender: (tenant) => {
            const a = s.logAppender(tenant);
            return {
              append: (l, es) => a.append(l, es),
              rollback: () => a.rollback(),
              commit: async () => {
                const r = await a.commit();
                await s.flush();
                return r;
              },
            };
          },
          logQuerier: (tenant) => s.logQuerier(tenant),
          tailLogs: (tenant, ms, fn) => s.tailLogs(tenant, ms, fn),
        }
      : s;
  return {
    store: view(store),
    reopen: async () => {
      await store.close();
      store = await open();
      return view(store);
    },
    close: async () => {
      await store.close();
      await cleanup();
    },
  };
}

logStoreSuite('LogStore (head and WAL)', () => underTest(false));
logStoreSuite('LogStore (every commit sealed into the chunk store)', () => underTest(true));
