import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessValidationError } from './errors.js';
import {
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  PASSWORD_MAX_BYTES,
  verifyPassword,
} from './passwords.js';

describe('hashPassword / verifyPassword', () => {
  it('hashes with argon2id at the OWASP parameters and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.equal(await verifyPassword(h, 'correct horse battery'), true);
    assert.equal(await verifyPassword(h, 'correct horse batterY'), false);
    assert.notEqual(await hashPassword('correct horse battery'), h, 'salted');
  });

  it('answers false (does not throw) for a malformed hash or an oversized password', async () => {
    assert.equal(await verifyPassword('not a phc string', 'whatever12345'), false);
    const h = await hashPassword('x'.repeat(PASSWORD_MAX_BYTES + 1));
    assert.equal(await verifyPassword(h, 'x'.repeat(PASSWORD_MAX_BYTES + 1)), false);
  });
});

describe('checkPasswordPolicy', () => {
  const bad: [string, RegExp][] = [
    ['', /it has 0 characters, want at least 12/],
    ['short1234', /it has 9 characters, want at least 12/],
    ['ééééééééééé', /it has 11 characters/],
    ['aaaaaaaaaaaaaaaa', /repeats one character/],
    ['ab'.repeat(513), /it is 1026 bytes long, want at most 1024/],
  ];
  for (const [pw, want] of bad) {
    it(`refuses ${JSON.stringify(pw.slice(0, 20))}`, () => {
      assert.throws(
        () => checkPasswordPolicy(pw),
        (e: unknown) =>
          e instanceof AccessValidationError && e.field === 'password' && want.test(e.message),
      );
    });
  }
  for (const pw of ['twelve chars', 'ab'.repeat(512), 'пароль-пароль']) {
    it(`accepts a ${[...pw].length}-character password`, () => checkPasswordPolicy(pw));
  }
});

describe('generatePassword', () => {
  it('makes 24 URL-safe characters that pass the policy, different each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const pw = generatePassword();
      assert.match(pw, /^[A-Za-z0-9_-]{24}$/);
      checkPasswordPolicy(pw);
      seen.add(pw);
    }
    assert.equal(seen.size, 50);
  });
});
