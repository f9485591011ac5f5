import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isStaleNaN, staleNaN } from '../../model/index.js';
import {
  ChunkAppendError,
  InvalidChunkError,
  MAX_SAMPLES_IN_FORMAT,
  XorEncoder,
  XorIterator,
  SlabAllocator,
  chunkNumSamples,
} from './index.js';

const TESTDATA = join(process.cwd(), 'src/tsdb/chunkenc/testdata');

// Values travel as bit patterns (bigint) and only through typed arrays: V8 quiets signaling
// NaNs (the stale marker is one) stored in plain JS arrays, which would hide encoder bugs.
const scratch = new Float64Array(1);
const scratchBits = new BigUint64Array(scratch.buffer);
function bitsOf(v: number): bigint {
  scratch[0] = v;
  return scratchBits[0];
}
const STALE = 0x7ff0000000000002n;

function encode(ts: readonly number[], bits: readonly bigint[]): Uint8Array {
  const vs = new Float64Array(BigUint64Array.from(bits).buffer);
  const e = new XorEncoder(8);
  for (let i = 0; i < ts.length; i++) e.append(ts[i], vs[i]);
  return e.finish();
}

/** Encodes plain numbers (for cases without signaling NaNs). */
function encodeNums(ts: readonly number[], vs: readonly number[]): Uint8Array {
  return encode(ts, vs.map(bitsOf));
}

function decode(chunk: Uint8Array): { ts: number[]; bits: bigint[] } {
  const it = new XorIterator(chunk);
  const ts: number[] = [];
  const bits: bigint[] = [];
  while (it.next()) {
    ts.push(it.t);
    bits.push(bitsOf(it.v));
  }
  assert.equal(it.err, undefined);
  return { ts, bits };
}

// Timestamp steps mixing every delta-of-delta bucket, equal timestamps and decreasing ones.
const step = fc.oneof(
  fc.constant(15_000),
  fc.integer({ min: 14_900, max: 15_100 }),
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: -9000, max: 9000 }),
  fc.integer({ min: -600_000, max: 600_000 }),
  fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }).map(Number),
);
// Values: arbitrary 64-bit patterns (every NaN payload), specials, and repeats/small changes.
const value = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.constantFrom(STALE, 0x7ff0000000000001n, 0xfff0000000000002n, 0x7ff8000000000000n),
  fc
    .constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, Number.MIN_VALUE, Number.MAX_VALUE)
    .map(bitsOf),
  fc.double().map(bitsOf),
  fc.integer({ min: 0, max: 1000 }).map(bitsOf),
);
const series = fc
  .tuple(
    fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }).map(Number),
    fc.array(fc.tuple(step, value), { minLength: 0, maxLength: 300 }),
    value,
  )
  .map(([t0, rest, v0]) => {
    const ts = [t0];
    const vs = [v0];
    for (const [d, v] of rest) {
      ts.push(ts[ts.length - 1] + d);
      vs.push(v);
    }
    return { ts, vs };
  });

describe('XOR chunk', () => {
  it('produces the exact bytes Prometheus produces', () => {
    const golden = JSON.parse(readFileSync(join(TESTDATA, 'prometheus-golden.json'), 'utf8')) as {
      chunks: { samples: [number, number][]; base64: string }[];
    };
    for (const c of golden.chunks) {
      const want = Buffer.from(c.base64, 'base64');
      const got = encodeNums(
        c.samples.map((s) => s[0]),
        c.samples.map((s) => s[1]),
      );
      assert.equal(Buffer.from(got).toString('hex'), want.toString('hex'));
      assert.deepEqual(
        decode(want).ts,
        c.samples.map((s) => s[0]),
      );
    }
  });

  it('round-trips random series bit-exactly', () => {
    fc.assert(
      fc.property(series, ({ ts, vs }) => {
        const chunk = encode(ts, vs);
        assert.equal(chunkNumSamples(chunk), ts.length);
        const got = decode(chunk);
        assert.deepEqual(got.ts, ts);
        assert.deepEqual(got.bits, vs);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips the edge cases: stale marker, NaN, ±Inf, -0, equal timestamps, huge deltas', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const nums = (...xs: number[]) => xs.map(bitsOf);
    const cases: [name: string, ts: number[], vs: bigint[]][] = [
      ['stale marker', [0, 15_000, 30_000], [bitsOf(1), STALE, STALE]],
      ['NaN after stale', [0, 1, 2, 3], [STALE, bitsOf(NaN), STALE, 0xfff8000000000000n]],
      ['infinities and zeros', [1, 2, 3, 4, 5], nums(Infinity, -Infinity, -0, 0, -0)],
      ['equal timestamps', [5, 5, 5, 6, 6], nums(1, 2, 3, 4, 5)],
      ['negative timestamps', [-1000, -999, -1, 0, 1], nums(1, 1, 1, 1, 1)],
      ['max safe timestamps', [max - 2, max - 1, max], nums(1, 2, 3)],
      ['min safe timestamps', [-max, -max + 1, -max + 3], nums(1, 2, 3)],
      ['huge delta then back', [0, 2 ** 52, 2 ** 52 + 1, 2 ** 52 + 2], nums(0, 1, 2, 3)],
      ['decreasing', [1000, 0, -1000, 5000], nums(1, 2, 3, 4)],
      ['single sample', [1_700_000_000_000], [STALE]],
    ];
    for (const [name, ts, vs] of cases) {
      const got = decode(encode(ts, vs));
      assert.deepEqual(got.ts, ts, name);
      assert.deepEqual(got.bits, vs, name);
    }
    assert.equal(decode(new XorEncoder().finish()).ts.length, 0, 'empty chunk');
    assert.equal(new XorIterator(new Uint8Array(0)).next(), false);
  });

  it('tracks numSamples, minTime, maxTime, lastValue and byteLength', () => {
    const e = new XorEncoder();
    assert.equal(e.numSamples, 0);
    assert.equal(e.byteLength, 2);
    e.append(1000, 1.5);
    e.append(2000, staleNaN);
    assert.equal(e.numSamples, 2);
    assert.equal(e.minTime, 1000);
    assert.equal(e.maxTime, 2000);
    assert.equal(bitsOf(e.lastValue), STALE);
    assert.ok(isStaleNaN(e.lastValue));
    assert.equal(e.byteLength, e.finish().length);
    assert.equal(e.bytes().length, e.byteLength);
  });

  it('iterators over an earlier bytes() view are unaffected by later appends', () => {
    const e = new XorEncoder(4); // tiny: forces the buffer to be replaced several times
    const it = new XorIterator();
    for (let i = 0; i < 200; i++) {
      e.append(i * 15_000 + (i % 3), Math.sin(i));
      if (i % 7 !== 0) continue;
      it.reset(e.bytes());
      e.append((i + 0.5) * 15_000, 42); // append while an iterator is open
      i++;
      let n = 0;
      while (it.next()) n++;
      assert.equal(it.err, undefined);
      assert.equal(n, i, `samples visible to an iterator opened before sample ${i + 1}`);
    }
  });

  it('fromChunk continues a chunk byte-identically', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 300 }), ({ ts, vs }, cut) => {
        const k = Math.min(cut, ts.length);
        const e = XorEncoder.fromChunk(encode(ts.slice(0, k), vs.slice(0, k)));
        const rest = new Float64Array(BigUint64Array.from(vs).buffer);
        for (let i = k; i < ts.length; i++) e.append(ts[i], rest[i]);
        assert.deepEqual(e.finish(), encode(ts, vs));
        assert.deepEqual(decode(e.finish()).bits, vs);
      }),
      { numRuns: 50 },
    );
    assert.throws(() => XorEncoder.fromChunk(Uint8Array.from([0, 3, 0x80])), InvalidChunkError);
  });

  it('resume continues a chunk from its bytes and saved state byte-identically', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 300 }), ({ ts, vs }, cut) => {
        const k = Math.min(cut, ts.length);
        const all = new Float64Array(BigUint64Array.from(vs).buffer);
        const src = new XorEncoder(8);
        for (let i = 0; i < k; i++) src.append(ts[i], all[i]);
        const bytes = src.bytes().slice();
        const state = src.saveState();
        const e = XorEncoder.resume(bytes, state, src.minTime, src.maxTime)!;
        assert.equal(e.numSamples, k);
        assert.equal(bitsOf(e.lastValue), vs[k - 1]);
        for (let i = k; i < ts.length; i++) e.append(ts[i], all[i]);
        assert.deepEqual(e.finish(), encode(ts, vs));
      }),
      { numRuns: 200 },
    );
    const e = new XorEncoder();
    e.append(1, 1);
    e.append(2, 2);
    const state = e.saveState();
    assert.equal(XorEncoder.resume(e.finish(), state.subarray(1), 1, 2), null, 'short state');
    assert.equal(XorEncoder.resume(e.finish().subarray(0, 3), state, 1, 2), null, 'bit length');
    assert.equal(XorEncoder.resume(new Uint8Array(2), state, 1, 2), null, 'no samples');
    const bad = state.slice();
    bad[12] = 40;
    assert.equal(XorEncoder.resume(e.finish(), bad, 1, 2), null, 'window');
  });

  it('encoders growing into shared slabs never touch each other’s bytes', () => {
    const slabs = new SlabAllocator(8192, 4096);
    const n = 40;
    const encs = Array.from({ length: n }, () => new XorEncoder(64, slabs));
    const want = Array.from({ length: n }, () => new XorEncoder(8));
    for (let i = 0; i < 300; i++) {
      for (let k = 0; k < n; k++) {
        const t = i * 15_000 + ((i * k) % 7);
        const v = k % 2 === 0 ? Math.sin(i + k) : i * k;
        encs[k].append(t, v);
        want[k].append(t, v);
      }
    }
    for (let k = 0; k < n; k++) assert.deepEqual(encs[k].finish(), want[k].finish());
    assert.ok(slabs.slabs > 1);
    // Regions above maxShared get a buffer of their own.
    assert.equal(slabs.alloc(5000).buffer.byteLength, 5000);
    const a = slabs.alloc(10);
    const b = slabs.alloc(10);
    assert.equal(a.buffer, b.buffer);
    assert.equal(b.byteOffset, a.byteOffset + 10);
  });

  it('rejects timestamps it cannot represent, leaving the chunk unchanged', () => {
    const e = new XorEncoder();
    assert.throws(() => e.append(0.5, 1), ChunkAppendError);
    assert.throws(
      () => e.append(2 ** 53, 1),
      /cannot append sample to XOR chunk: timestamp 9007199254740992/,
    );
    e.append(-(2 ** 53) + 1, 1);
    assert.throws(() => e.append(2 ** 53 - 1, 2), ChunkAppendError, 'delta beyond 2^53');
    e.append(0, 2);
    assert.throws(() => e.append(-(2 ** 53) + 1, 3), ChunkAppendError, 'dod beyond 2^53');
    assert.throws(() => e.append(NaN, 3), ChunkAppendError);
    e.append(1, 3);
    const got = decode(e.finish());
    assert.deepEqual(got.ts, [-(2 ** 53) + 1, 0, 1]);
    assert.deepEqual(got.bits, [1, 2, 3].map(bitsOf));
  });

  it('refuses the 65536th sample (16-bit count header)', () => {
    const e = new XorEncoder(1 << 16);
    for (let i = 0; i < MAX_SAMPLES_IN_FORMAT; i++) e.append(i, i & 7);
    assert.throws(
      () => e.append(MAX_SAMPLES_IN_FORMAT, 0),
      /chunk is full \(got 65535 samples, max 65535\)/,
    );
    const chunk = e.finish();
    assert.equal(chunkNumSamples(chunk), MAX_SAMPLES_IN_FORMAT);
    assert.equal(decode(chunk).ts.length, MAX_SAMPLES_IN_FORMAT);
  });
});

describe('XOR chunk: damaged input', () => {
  const good = encodeNums(
    Array.from({ length: 50 }, (_, i) => i * 15_000),
    Array.from({ length: 50 }, (_, i) => i * 1.1),
  );

  it('stops with InvalidChunkError on any truncation, after yielding only intact samples', () => {
    const want = decode(good);
    for (let len = 0; len < good.length; len++) {
      const it = new XorIterator(good.subarray(0, len));
      let n = 0;
      while (it.next()) {
        assert.equal(it.t, want.ts[n]);
        assert.equal(bitsOf(it.v), want.bits[n]);
        n++;
      }
      assert.ok(n < 50, `len ${len}: truncated chunk must not yield every sample`);
      if (len > 0) assert.ok(it.err instanceof InvalidChunkError, `len ${len}: err`);
      assert.equal(it.next(), false);
      assert.equal(it.seek(0), false);
    }
  });

  it('reports over-long varints and impossible value windows', () => {
    const longVarint = Uint8Array.from([0, 1, ...new Array<number>(11).fill(0xff)]);
    const it = new XorIterator(longVarint);
    assert.equal(it.next(), false);
    assert.match(String(it.err?.message), /first timestamp varint longer than 10 bytes/);

    const second = encodeNums([0, 1], [1, 2]);
    const bad = Uint8Array.from([...second.subarray(0, 11), ...new Array<number>(11).fill(0xff)]);
    it.reset(bad);
    assert.equal(it.next(), true);
    assert.equal(it.next(), false);
    assert.match(String(it.err?.message), /timestamp delta uvarint longer than 10 bytes/);

    // Second sample: delta 1, then '11' + leading 31 + sigbits 63 (> 64 in total).
    const window = Uint8Array.from([...second.subarray(0, 11), 0x01, 0xff, 0xf8]);
    it.reset(window);
    it.next();
    assert.equal(it.next(), false);
    assert.match(
      String(it.err?.message),
      /value window of 31 leading and 63 significant bits exceeds 64/,
    );

    it.reset(Uint8Array.from([7]));
    assert.match(String(it.err?.message), /got 1 bytes, want at least 2/);
    assert.equal(chunkNumSamples(Uint8Array.from([7])), 0);
  });

  it('ignores trailing bytes (older Prometheus versions wrote a spare zero byte)', () => {
    const golden = Buffer.from('AAGA9O4GQMdwAAAAAAAA', 'base64');
    assert.deepEqual(decode(golden).ts, [7_200_000]);
  });
});
