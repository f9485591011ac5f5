/**
 * Test-only public surface of `storage`: the shared conformance suite every
 * Appendable/Queryable implementation must pass, and a small in-memory reference store.
 */
export { MemStore } from './memstore.js';
export { runStorageSuite, readSeries, type StorageUnderTest } from './suite.js';
export {
  logStoreSuite,
  readLogs,
  type LogStoreUnderTest,
  type LogStoreForSuite,
} from './log-suite.js';
