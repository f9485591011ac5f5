import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import type { LogEntry } from '../storage/index.js';
import { HeadChunk, Piece } from './head-chunk.js';
import { decodeLogRecord, encodeChunkEntries, encodeEntries, LogRecordType } from './head-wal.js';
import { Head } from './head.js';

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString();

/** Entries in time order as the head must hold them: by ts, equal ts in arrival order. */
const sorted = (es: LogEntry[]) =>
  es
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.ts < b.e.ts ? -1 : a.e.ts > b.e.ts ? 1 : a.i - b.i))
    .map((x) => x.e);

const mixed: LogEntry[] = [
  { ts: 5n, line: 'five' },
  { ts: 2n, line: 'two é' },
  { ts: 9n, line: '' },
  { ts: 2n, line: 'two again', fields: [['k', 'v']] },
  { ts: 1n, line: '日本語 one' },
  { ts: 9n, line: 'nine' },
];

function chunkOf(es: LogEntry[], c = new HeadChunk(1, 64)): HeadChunk {
  for (const e of es) c.addLine(e.ts, e.line, e.fields);
  return c;
}

describe('HeadChunk', () => {
  it('keeps entries in time order (stable) as bytes, and reads them back', () => {
    const c = chunkOf(mixed);
    const want = sorted(mixed);
    assert.equal(c.n, 6);
    assert.equal(c.inOrder, false);
    assert.equal(c.multiline, false);
    assert.deepEqual(c.ts, [1n, 2n, 2n, 5n, 9n, 9n]);
    assert.deepEqual(
      c.lines,
      want.map((e) => e.line),
    );
    assert.deepEqual(
      c.fields,
      want.map((e) => e.fields),
    );
    assert.equal(c.anyFields, true);
    assert.equal(
      c.rawBytes,
      mixed.reduce((n, e) => n + utf8(e.line), 0),
    );
    assert.equal(text(c.joined()), want.map((e) => e.line).join('\n'));
    assert.equal(text(c.joined(1, 3)), 'two é\ntwo again');
    assert.deepEqual([...c.tsArray(3, 5)], [5n, 9n]);
  });

  it('in arrival order, joined() is the buffer as it is; reads see later appends', () => {
    const c = new HeadChunk(1, 64);
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      const l = `line ${i} ${'x'.repeat(i % 40)}`;
      lines.push(l);
      c.addLine(BigInt(i), l, undefined);
      if (i === 10) assert.equal(c.lines.length, 11); // cached, then invalidated
    }
    assert.equal(c.inOrder, true);
    assert.equal(c.anyFields, false);
    assert.deepEqual(c.lines, lines);
    assert.deepEqual(c.fields, new Array(500).fill(undefined));
    assert.equal(text(c.joined()), lines.join('\n'));
    assert.equal(c.joined(3, 3).length, 0);
  });

  it('copies and joins out-of-order chunks (runs of back-to-back lines) exactly', () => {
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 20; round++) {
      const es: LogEntry[] = [];
      for (let b = 0; b < 1 + rnd(6); b++) {
        const base = rnd(50);
        const k = 1 + rnd(8);
        for (let i = 0; i < k; i++)
          es.push({
            ts: BigInt(base + i * (1 + rnd(3))),
            line: `r${round} b${b} #${i} ${'é'.repeat(rnd(3))}`,
          });
      }
      const c = chunkOf(es);
      const want = sorted(es).map((e) => e.line);
      assert.deepEqual(c.lines, want);
      assert.equal(text(c.joined()), want.join('\n'));
      const from = rnd(es.length);
      const to = from + 1 + rnd(es.length - from);
      const p = Piece.of(c, from, to);
      assert.deepEqual(p.lines, want.slice(from, to));
      assert.equal(text(p.joined()), want.slice(from, to).join('\n'));
      assert.equal(text(c.joined(from, to)), want.slice(from, to).join('\n'));
      assert.equal(p.rawBytes, utf8(want.slice(from, to).join('')));
    }
  });

  it('flags lines holding "\\n" (they cannot travel joined)', () => {
    assert.equal(chunkOf([{ ts: 1n, line: 'a\nb' }]).multiline, true);
    const c = new HeadChunk();
    const src = Buffer.from('xa\nby');
    c.addBytes(1n, src, 1, 3, undefined, true);
    c.addBytes(0n, src, 0, 1, undefined, false);
    assert.equal(c.multiline, true);
    assert.deepEqual(c.lines, ['x', 'a\nb']);
  });

  it('pieces copy a range (in or out of order) or take the whole chunk', () => {
    const c = chunkOf(mixed);
    const p = Piece.of(c, 1, 4);
    assert.deepEqual(p.lines, ['two é', 'two again', 'five']);
    assert.deepEqual(p.fields, [undefined, [['k', 'v']], undefined]);
    assert.equal(p.inOrder, true);
    assert.equal(p.mint, 2n);
    assert.equal(p.maxt, 5n);
    assert.equal(p.rawBytes, utf8('two é') + utf8('two again') + utf8('five'));
    assert.equal(text(p.joined()), 'two é\ntwo again\nfive');
    const q = Piece.of(p, 1, 3); // from an in-order chunk
    assert.deepEqual(q.lines, ['two again', 'five']);
    assert.equal(text(q.joined()), 'two again\nfive');
    const all = chunkOf(mixed);
    const t = Piece.taking(all);
    assert.deepEqual(
      t.lines,
      sorted(mixed).map((e) => e.line),
    );
    assert.equal(t.mint, 1n);
    assert.equal(t.maxt, 9n);
  });
});

describe('Head.apply from an entries record', () => {
  it('copies the lines out of the WAL record, in time order', () => {
    const head = new Head();
    const s = head.create(DEFAULT_TENANT, Labels.fromObject({ job: 'a' }), '{job="a"}');
    const cols = (es: LogEntry[], enc: ReturnType<typeof encodeEntries>) => ({
      ts: BigInt64Array.from(es, (e) => e.ts),
      fields: es.some((e) => e.fields) ? es.map((e) => e.fields) : null,
      multiline: false,
      rec: enc.rec,
      at: enc.at,
    });
    const first = encodeEntries(1, 0, mixed.slice(0, 3));
    head.applyColumns(s, 0, cols(mixed.slice(0, 3), first), 1000);
    const second = encodeEntries(1, 3, mixed, 3, 6);
    head.applyColumns(s, 3, cols(mixed.slice(3), second), 2000);
    const c = s.open!;
    assert.deepEqual(
      c.lines,
      sorted(mixed).map((e) => e.line),
    );
    assert.deepEqual(
      c.fields,
      sorted(mixed).map((e) => e.fields),
    );
    assert.equal(c.rawBytes, first.lineBytes + second.lineBytes);
    assert.equal(s.maxTs, 9n);
    assert.equal(c.seqStart, 0);
    assert.equal(c.seqEnd, 6);
    assert.equal(s.lastAppendMs, 2000);
  });
});

describe('encodeChunkEntries', () => {
  it('writes the entries record encodeEntries writes for the same entries', () => {
    const c = chunkOf(mixed);
    const want = sorted(mixed);
    assert.deepEqual(encodeChunkEntries(3, 7, c, 0, c.n), encodeEntries(3, 7, want).rec);
    assert.deepEqual(encodeChunkEntries(3, 7, c, 2, 5), encodeEntries(3, 7, want, 2, 5).rec);
    const plain = chunkOf([
      { ts: 1n, line: 'a' },
      { ts: 2n, line: 'é' },
    ]);
    const r = decodeLogRecord(encodeChunkEntries(1, 0, plain, 0, 2));
    assert.equal(r.type, LogRecordType.Entries);
    assert.deepEqual(r.type === LogRecordType.Entries && r.entries, [
      { ts: 1n, line: 'a' },
      { ts: 2n, line: 'é' },
    ]);
  });
});
