import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteReader, ByteWriter, DecodeError } from './encoding.js';

describe('encoding', () => {
  it('round-trips varints, fixed ints and strings across the safe-integer range', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.maxSafeNat(),
            fc.integer({ min: -(2 ** 52) + 1, max: 2 ** 52 - 1 }),
            fc.integer({ min: 0, max: 0xffffffff }),
            fc.string({ unit: 'binary' }),
          ),
        ),
        (rows) => {
          const w = new ByteWriter(4);
          for (const [u, s, x, str] of rows) {
            w.uvarint(u);
            w.varint(s);
            w.u32(x);
            w.u64(u);
            w.str(str);
            w.u8(x & 0xff);
          }
          const r = new ByteReader(Buffer.from(w.view()));
          for (const [u, s, x, str] of rows) {
            assert.equal(r.uvarint(), u);
            assert.equal(r.varint(), s);
            assert.equal(r.u32(), x);
            assert.equal(r.u64(), u);
            assert.equal(r.str(), Buffer.from(str, 'utf8').toString('utf8'));
            assert.equal(r.u8(), x & 0xff);
          }
          assert.equal(r.remaining, 0);
        },
      ),
    );
  });

  it('reports truncation and overlong varints as DecodeError', () => {
    assert.throws(() => new ByteReader(Buffer.from([0x80, 0x80])).uvarint(), DecodeError);
    assert.throws(() => new ByteReader(Buffer.alloc(9, 0xff)).uvarint(), /longer than 8/);
    assert.throws(() => new ByteReader(Buffer.from([1, 2])).u32(), /need 4 bytes/);
    assert.throws(() => new ByteReader(Buffer.from([5, 0x61])).str(), DecodeError);
    assert.throws(() => new ByteReader(Buffer.alloc(8, 0xff)).u64(), /exceeds 2\^53/);
    const r = new ByteReader(Buffer.from([1, 2, 3]));
    r.skip(2);
    assert.throws(() => r.skip(2), DecodeError);
  });
});
