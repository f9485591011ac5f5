import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  FRAME_HEADER_SIZE,
  FrameKind,
  HEADER_SIZE,
  MAX_RECORD_SIZE,
  encodeBatch,
  fileHeader,
  scanFile,
} from './format.js';
import { dropPrefix } from './wal-files.js';

/** A file image: header + the given frames. */
function file(...frames: Buffer[]): Buffer {
  return Buffer.concat([fileHeader(), ...frames]);
}

/** One frame with an explicit kind (and a correct checksum). */
function frame(kind: number, payload: string): Buffer {
  const b = encodeBatch([Buffer.from(payload)]);
  b[4] = kind;
  b.writeUInt32LE(crc32(b.subarray(4)), 0);
  return b;
}

function scan(buf: Buffer) {
  const got: string[] = [];
  const res = scanFile(buf, (r) => got.push(Buffer.from(r).toString()));
  return { got, ...res };
}

describe('scanFile', () => {
  it('delivers the records of complete batches', () => {
    const buf = file(
      encodeBatch([Buffer.from('a')]),
      encodeBatch(['b', 'c', 'd'].map((s) => Buffer.from(s))),
    );
    const r = scan(buf);
    assert.deepEqual(r.got, ['a', 'b', 'c', 'd']);
    assert.equal(r.damage, null);
    assert.equal(r.validEnd, buf.length);
    assert.equal(r.records, 4);
    assert.equal(r.bytes, 4);
  });

  it('writes the header and frame layout of the spec', () => {
    assert.deepEqual([...fileHeader()], [0x41, 0x57, 0x41, 0x4c, 1, 0, 0, 0]);
    const b = encodeBatch([Buffer.from('xy')]);
    assert.deepEqual([...b.subarray(4)], [FrameKind.Full, 2, 0, 0, 0, 0x78, 0x79]);
    assert.equal(b.readUInt32LE(0), crc32(Buffer.from([1, 2, 0, 0, 0, 0x78, 0x79])));
  });

  // [name, file image, records kept, damage pattern]
  const cases: [string, Buffer, string[], RegExp][] = [
    ['empty file', Buffer.alloc(0), [], /^empty file$/],
    ['short header', fileHeader().subarray(0, 5), [], /truncated header \(5 bytes\)/],
    ['bad magic', Buffer.from('PROM\x01\0\0\0'), [], /bad magic 50524f4d, want 4157414c/],
    ['version 2', Buffer.from('AWAL\x02\0\0\0'), [], /unsupported version 2, want 1/],
    [
      'FULL inside a batch',
      file(frame(FrameKind.First, 'a'), frame(FrameKind.Full, 'b')),
      [],
      /kind 1 out of batch sequence at offset 18/,
    ],
    [
      'MIDDLE without FIRST',
      file(frame(FrameKind.Full, 'a'), frame(FrameKind.Middle, 'b')),
      ['a'],
      /kind 3 out of batch/,
    ],
    ['LAST without FIRST', file(frame(FrameKind.Last, 'a')), [], /kind 4 out of batch/],
    [
      'batch left open',
      file(frame(FrameKind.Full, 'a'), frame(FrameKind.First, 'b'), frame(FrameKind.Middle, 'c')),
      ['a'],
      /incomplete batch at offset 18/,
    ],
    [
      'kind 9',
      file(frame(FrameKind.Full, 'a'), frame(9, 'b')),
      ['a'],
      /bad frame kind 9 at offset 18/,
    ],
    ['kind 0', file(frame(0, 'a')), [], /bad frame kind 0 at offset 8/],
    [
      'short frame header',
      file(frame(FrameKind.Full, 'a'), Buffer.from([1, 2, 3])),
      ['a'],
      /truncated frame header at offset 18/,
    ],
    [
      'zero bytes',
      file(frame(FrameKind.Full, 'a'), Buffer.alloc(100)),
      ['a'],
      /zero bytes at offset 18/,
    ],
  ];
  for (const [name, buf, kept, damage] of cases) {
    it(`stops at damage: ${name}`, () => {
      const r = scan(buf);
      assert.deepEqual(r.got, kept);
      assert.match(r.damage ?? '', damage);
      // Header damage invalidates the whole file; otherwise the log ends after the kept frames.
      const headerOk = buf.length >= HEADER_SIZE && buf.toString('latin1', 0, 5) === 'AWAL\x01';
      const want = headerOk ? HEADER_SIZE + kept.length * (FRAME_HEADER_SIZE + 1) : 0;
      assert.equal(r.validEnd, want);
    });
  }

  it('rejects a length of 0 or over the maximum without reading it', () => {
    const zero = file(frame(FrameKind.Full, 'a'));
    zero.writeUInt32LE(0, HEADER_SIZE + 5);
    assert.match(scan(zero).damage ?? '', /bad record length 0 at offset 8/);
    const huge = file(frame(FrameKind.Full, 'a'));
    huge.writeUInt32LE(MAX_RECORD_SIZE + 1, HEADER_SIZE + 5);
    assert.match(scan(huge).damage ?? '', /bad record length 67108865/);
    const past = file(frame(FrameKind.Full, 'a'));
    past.writeUInt32LE(1000, HEADER_SIZE + 5);
    assert.match(scan(past).damage ?? '', /truncated record at offset 8: want 1000 bytes, have 1/);
  });

  it('detects a flip of any single bit of a frame', () => {
    const good = file(encodeBatch([Buffer.from('hello world')]));
    for (let byte = HEADER_SIZE; byte < good.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = Buffer.from(good);
        b[byte] ^= 1 << bit;
        const r = scan(b);
        assert.deepEqual(r.got, [], `byte ${byte} bit ${bit}`);
        assert.notEqual(r.damage, null);
        assert.equal(r.validEnd, HEADER_SIZE);
      }
    }
  });
});

describe('dropPrefix', () => {
  it('drops whole and partial buffers', () => {
    const bufs = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('f')];
    const s = (bs: Uint8Array[]) => Buffer.concat(bs).toString();
    assert.equal(s(dropPrefix(bufs, 0)), 'abcdef');
    assert.equal(s(dropPrefix(bufs, 2)), 'cdef');
    assert.equal(s(dropPrefix(bufs, 3)), 'def');
    assert.equal(s(dropPrefix(bufs, 4)), 'ef');
    assert.equal(s(dropPrefix(bufs, 6)), '');
  });
});
