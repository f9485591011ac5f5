import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckSigner, AckTokenError } from './ack-token.js';

const key = Buffer.alloc(32, 7);

describe('ack tokens', () => {
  const s = new AckSigner(key);
  const tok = s.ackLink('default', '{}:{alertname="A"}', ['00000000000000aa'], 2000);

  it('round-trips before expiry', () => {
    assert.deepEqual(s.verifyAckToken(tok, 1999), {
      tenant: 'default',
      groupKey: '{}:{alertname="A"}',
      fingerprints: ['00000000000000aa'],
      expiresAt: 2000,
    });
  });

  it('refuses expired, tampered, foreign-key and malformed tokens', () => {
    assert.throws(() => s.verifyAckToken(tok, 2000), /expired/);
    const [body, sig] = tok.split('.');
    const forged = Buffer.from(
      Buffer.from(body, 'base64url').toString().replace('default', 'other'),
    ).toString('base64url');
    assert.throws(() => s.verifyAckToken(`${forged}.${sig}`, 0), /bad signature/);
    assert.throws(() => s.verifyAckToken(`${body}.${sig.slice(1)}`, 0), /bad signature/);
    assert.throws(() => new AckSigner(Buffer.alloc(32, 8)).verifyAckToken(tok, 0), /bad signature/);
    assert.throws(() => s.verifyAckToken('nodot', 0), AckTokenError);
    const junk = Buffer.from('not json').toString('base64url');
    const mac = new AckSigner(key).ackLink('t', 'g', [], 1).split('.')[1];
    assert.throws(() => s.verifyAckToken(`${junk}.${mac}`, 0), /bad signature/);
    assert.throws(() => new AckSigner(Buffer.alloc(4)), /want >= 16/);
  });
});
