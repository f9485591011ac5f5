import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateToken, generateTokenId, hashToken, isTokenId, looksLikeToken } from './tokens.js';

describe('tokens', () => {
  it('secrets are argus_ + 40 base62, ids tok_ + 12 base62, all distinct', () => {
    const secrets = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const t = generateToken();
      const id = generateTokenId();
      assert.match(t, /^argus_[0-9A-Za-z]{40}$/);
      assert.match(id, /^tok_[0-9A-Za-z]{12}$/);
      assert.ok(looksLikeToken(t) && !looksLikeToken(id));
      assert.ok(isTokenId(id) && !isTokenId(t));
      secrets.add(t);
      ids.add(id);
    }
    assert.equal(secrets.size, 100);
    assert.equal(ids.size, 100);
  });

  it('looksLikeToken refuses near misses', () => {
    for (const s of [
      '',
      'argus_',
      `argus_${'a'.repeat(39)}`,
      `argus_${'a'.repeat(41)}`,
      `Argus_${'a'.repeat(40)}`,
      `argus_${'a'.repeat(39)}-`,
    ]) {
      assert.equal(looksLikeToken(s), false, s);
    }
  });

  it('hashToken is sha256 hex', () => {
    assert.equal(
      hashToken('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
