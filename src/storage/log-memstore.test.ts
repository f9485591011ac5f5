import { logStoreSuite } from './log-suite.js';
import { MemLogStore } from './log-memstore.js';

logStoreSuite('MemLogStore', async () => {
  const store = new MemLogStore();
  return { store, close: async () => store.close() };
});
