/**
 * Test-only public surface of `state`: the StateStore conformance suite every implementation
 * must pass, and an HMAC audit signer for tests.
 */
export { runStateSuite, testSigner } from './suite.js';
