/** Test helpers of the net module, for tests of modules that make outbound requests. */
export { DnsStub, type StubRecords } from './dns-stub.js';
