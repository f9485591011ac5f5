import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { BugError } from '../util/index.js';
import { BOX_VERSION, SecretBox, SecretOpenError, secretAad } from './index.js';

const box = new SecretBox(randomBytes(32));
const AAD = secretAad('acme', 'smtp.password');

describe('SecretBox', () => {
  it('round-trips strings and bytes, with a fresh nonce per seal', () => {
    for (const v of ['hunter2', '', 'ünïcødé ✓', 'x'.repeat(70_000)]) {
      assert.equal(box.open(box.seal(v, AAD), AAD).toString('utf8'), v);
    }
    const bin = randomBytes(100);
    assert.deepEqual(box.open(box.seal(bin, AAD), AAD), bin);
    const a = box.seal('same', AAD);
    const b = box.seal('same', AAD);
    assert.notDeepEqual(a, b);
    assert.equal(a[0], BOX_VERSION);
    assert.equal(a.length, 1 + 12 + 4 + 16);
    assert.equal(a.includes(Buffer.from('same')), false);
  });

  it('refuses a ciphertext with any byte flipped (version, nonce, body, tag)', () => {
    const sealed = box.seal('the plaintext', AAD);
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i] ^= 0x01;
      assert.throws(() => box.open(bad, AAD), SecretOpenError, `byte ${i}`);
    }
  });

  it('refuses a ciphertext moved to another tenant or name, or opened with another key', () => {
    const sealed = box.seal('v', AAD);
    for (const aad of [
      secretAad('other', 'smtp.password'),
      secretAad('acme', 'smtp.passwor'),
      secretAad('acme', 'smtp.password2'),
      // The separator keeps ("ab","c") and ("a","bc") apart.
      'acmesmtp.password',
    ]) {
      assert.throws(() => box.open(sealed, aad), /authentication failed/);
    }
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, AAD), SecretOpenError);
  });

  it('names the problem with a truncated or unknown-version ciphertext', () => {
    assert.throws(
      () => box.open(Buffer.alloc(28), AAD),
      (e: unknown) =>
        e instanceof SecretOpenError &&
        e.message === 'cannot open secret: 28 bytes is shorter than the 29-byte minimum',
    );
    const v2 = box.seal('v', AAD);
    v2[0] = 2;
    assert.throws(() => box.open(v2, AAD), /unknown format version 2, want 1/);
  });

  it('wants a 32-byte key', () => {
    assert.throws(() => new SecretBox(randomBytes(16)), BugError);
  });
});
