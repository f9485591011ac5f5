import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, isStaleNaN, isWellFormed, staleNaN } from '../../model/index.js';
import { WalCorruptionError, WalUsageError } from './errors.js';
import {
  RecordType,
  decodeMetadata,
  decodeSamples,
  decodeSamplesInto,
  decodeSeries,
  encodeMetadata,
  encodeSamples,
  encodeSeries,
  recordType,
  sampleCount,
} from './records.js';

function samples(rec: Uint8Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  decodeSamples(rec, (r, t, v) => out.push([r, t, v]));
  return out;
}

/** Value bits, taken before the value lands in a JS array (V8 canonicalises NaN there). */
function sampleBits(rec: Uint8Array): string[] {
  const out: string[] = [];
  decodeSamples(rec, (_r, _t, v) => out.push(bits(v)));
  return out;
}

const f64 = new Float64Array(1);
function bits(v: number): string {
  f64[0] = v;
  return Buffer.from(f64.buffer).toString('hex');
}

/** Bits of each element of a Float64Array, read without copying into a JS array. */
function arrayBits(vs: Float64Array): string[] {
  return Array.from({ length: vs.length }, (_, i) => bits(vs[i]));
}

describe('series records', () => {
  it('round-trip labels, including UTF-8 and long values', () => {
    const entries = [
      { ref: 0, labels: Labels.fromObject({ __name__: 'up', job: 'node' }) },
      { ref: 2 ** 40, labels: Labels.fromObject({ ünï: 'cödé ✓', long: 'x'.repeat(5000) }) },
      { ref: 7, labels: Labels.EMPTY },
    ];
    const rec = encodeSeries(entries);
    assert.equal(recordType(rec), RecordType.Series);
    const got: { ref: number; labels: Labels }[] = [];
    decodeSeries(rec, (ref, labels) => got.push({ ref, labels }));
    assert.equal(got.length, 3);
    for (let i = 0; i < 3; i++) {
      assert.equal(got[i].ref, entries[i].ref);
      assert.ok(got[i].labels.equals(entries[i].labels), `entry ${i}`);
    }
  });

  it('round-trip arbitrary label sets (property)', () => {
    const labelSet = fc
      .dictionary(
        fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }),
        fc.string({ minLength: 1, unit: 'binary' }),
      )
      .filter((o) => Object.keys(o).every((k) => isWellFormed(k) && isWellFormed(o[k])));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2 ** 50), labelSet), { maxLength: 20 }), (arr) => {
        const entries = arr.map(([ref, o]) => ({ ref, labels: Labels.fromObject(o) }));
        const got: { ref: number; labels: Labels }[] = [];
        decodeSeries(encodeSeries(entries), (ref, labels) => got.push({ ref, labels }));
        assert.equal(got.length, entries.length);
        got.forEach((g, i) => {
          assert.equal(g.ref, entries[i].ref);
          assert.ok(g.labels.equals(entries[i].labels));
        });
      }),
    );
  });

  it('reject unsorted labels and invalid UTF-8 as corruption', () => {
    // type, count 1, ref 1, 2 pairs: "b"="1", "a"="2" (unsorted)
    const unsorted = Uint8Array.from([1, 1, 1, 2, 1, 98, 1, 49, 1, 97, 1, 50]);
    assert.throws(() => decodeSeries(unsorted, () => {}), /series ref 1: labels not sorted/);
    const badUtf8 = Uint8Array.from([1, 1, 1, 1, 1, 0xff, 1, 49]);
    assert.throws(() => decodeSeries(badUtf8, () => {}), /invalid UTF-8/);
    const badLongUtf8 = Uint8Array.from([
      1,
      1,
      1,
      1,
      40,
      ...new Array<number>(39).fill(97),
      0xc3,
      1,
      49,
    ]);
    assert.throws(() => decodeSeries(badLongUtf8, () => {}), WalCorruptionError);
  });
});

describe('samples records', () => {
  it('round-trip refs, timestamps and exact value bits (NaN, stale, ±Inf, -0)', () => {
    const refs = Float64Array.from([5, 3, 1000000, 5, 0]);
    const ts = Float64Array.from([
      1_700_000_000_000,
      1_699_999_000_000,
      1_700_000_000_001,
      -5,
      2 ** 50,
    ]);
    const vs = Float64Array.from([1.5, -Infinity, 0, Infinity, -0]);
    vs[2] = staleNaN; // assigned directly: an array literal would canonicalise its NaN bits
    assert.ok(isStaleNaN(vs[2]));
    const rec = encodeSamples(refs, ts, vs, 5);
    assert.equal(recordType(rec), RecordType.Samples);
    assert.equal(sampleCount(rec), 5);
    const got = samples(rec);
    assert.deepEqual(
      got.map(([r, t]) => [r, t]),
      [...refs].map((r, i) => [r, ts[i]]),
    );
    assert.deepEqual(sampleBits(rec), arrayBits(vs));
    let stale = 0;
    decodeSamples(rec, (_r, _t, v) => (stale += isStaleNaN(v) ? 1 : 0));
    assert.equal(stale, 1);
    const v2 = new Float64Array(5);
    decodeSamplesInto(rec, new Float64Array(5), new Float64Array(5), v2);
    assert.deepEqual(arrayBits(v2), arrayBits(vs));
  });

  it('decode into typed arrays', () => {
    const n = 1000;
    const refs = new Uint32Array(n).map((_, i) => (i * 7919) % 100_000);
    const ts = new Float64Array(n).fill(1_700_000_000_000).map((t, i) => t + (i % 3));
    const vs = new Float64Array(n).map((_, i) => i / 3);
    const rec = encodeSamples(refs, ts, vs, n);
    const [r2, t2, v2] = [new Uint32Array(n), new Float64Array(n), new Float64Array(n)];
    assert.equal(decodeSamplesInto(rec, r2, t2, v2), n);
    assert.deepEqual([r2, t2, v2], [refs, ts, vs]);
    assert.throws(() => decodeSamplesInto(rec, new Uint32Array(10), t2, v2), WalUsageError);
  });

  it('encode only the first n samples; n=0 is valid', () => {
    const rec = encodeSamples([1, 2, 3], [10, 20, 30], [1, 2, 3], 2);
    assert.deepEqual(samples(rec), [
      [1, 10, 1],
      [2, 20, 2],
    ]);
    const empty = encodeSamples([], [], [], 0);
    assert.deepEqual(samples(empty), []);
    assert.equal(decodeSamplesInto(empty, [], [], []), 0);
  });

  it('round-trip arbitrary samples (property)', () => {
    const sample = fc.tuple(
      fc.integer({ min: 0, max: 2 ** 51 - 1 }),
      fc.integer({ min: -(2 ** 51) + 1, max: 2 ** 51 - 1 }),
      fc.double(),
    );
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 50 }), (arr) => {
        const rec = encodeSamples(
          arr.map((s) => s[0]),
          arr.map((s) => s[1]),
          arr.map((s) => s[2]),
          arr.length,
        );
        assert.deepEqual(
          samples(rec).map(([r, t]) => [r, t]),
          arr.map(([r, t]) => [r, t]),
        );
        assert.deepEqual(
          sampleBits(rec),
          arr.map(([, , v]) => bits(v)),
        );
      }),
    );
  });

  it('reject bad input with WalUsageError', () => {
    assert.throws(() => encodeSamples([1], [1], [1], 2), WalUsageError);
    assert.throws(() => encodeSamples([-1], [1], [1], 1), /series ref: got -1/);
    assert.throws(() => encodeSamples([1, 1.5], [1, 1], [1, 1], 2), /series ref: got 1.5/);
    assert.throws(() => encodeSamples([1], [NaN], [1], 1), /timestamp: got NaN/);
    assert.throws(() => encodeSamples([1, 2], [1, 2 ** 52], [1, 1], 2), /timestamp/);
  });
});

describe('metadata records', () => {
  it('round-trip', () => {
    const entries = [
      { metric: 'http_requests_total', type: 'counter', help: 'Requests. ✓', unit: '' },
      { metric: 'temp', type: 'gauge', help: '', unit: 'celsius' },
    ];
    const rec = encodeMetadata(entries);
    assert.equal(recordType(rec), RecordType.Metadata);
    assert.deepEqual(decodeMetadata(rec), entries);
    assert.deepEqual(decodeMetadata(encodeMetadata([])), []);
  });
});

describe('malformed records', () => {
  const good = {
    series: encodeSeries([{ ref: 300, labels: Labels.fromObject({ __name__: 'a', b: 'c' }) }]),
    samples: encodeSamples([300, 301], [1_700_000_000_000, 1_700_000_000_500], [1, 2], 2),
    metadata: encodeMetadata([{ metric: 'm', type: 'gauge', help: 'h', unit: 'u' }]),
  };
  const decoders: Record<keyof typeof good, (r: Uint8Array) => void> = {
    series: (r) => decodeSeries(r, () => {}),
    samples: (r) => decodeSamples(r, () => {}),
    metadata: (r) => decodeMetadata(r),
  };

  for (const kind of Object.keys(good) as (keyof typeof good)[]) {
    it(`${kind}: every truncation and appended garbage throws WalCorruptionError`, () => {
      const rec = good[kind];
      for (let n = 0; n < rec.length; n++) {
        assert.throws(
          () => decoders[kind](rec.subarray(0, n)),
          WalCorruptionError,
          `truncated to ${n}`,
        );
      }
      assert.throws(() => decoders[kind](Buffer.concat([rec, Buffer.from([0])])), /trailing bytes/);
    });

    it(`${kind}: random bytes never throw anything but WalCorruptionError`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (tail, pos) => {
          const mutated = Buffer.concat([
            good[kind].subarray(0, 1 + (pos % good[kind].length)),
            tail,
          ]);
          try {
            decoders[kind](mutated);
          } catch (err) {
            assert.ok(err instanceof WalCorruptionError, String(err));
          }
        }),
      );
    });
  }

  it('rejects the wrong type, an empty record and huge counts', () => {
    assert.throws(() => decodeSamples(good.series, () => {}), /type 1, want 2/);
    assert.throws(() => recordType(new Uint8Array(0)), /record is empty/);
    const hugeCount = Uint8Array.from([2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0]);
    assert.throws(() => decodeSamples(hugeCount, () => {}), /sample count .* exceeds record size/);
    const tooLong = Uint8Array.from([
      2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    assert.throws(() => sampleCount(tooLong), /varint too long/);
    const overSafe = Uint8Array.from([2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    assert.throws(() => sampleCount(overSafe), /exceeds 2\^53/);
  });
});
