import { MemStore, runStorageSuite } from './testing.js';

runStorageSuite('MemStore', async () => {
  const store = new MemStore({ maxFutureMs: 10 * 60_000 });
  return { store, close: async () => {} };
});
