import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, tenantId } from '../model/index.js';
import {
  LogRecordType,
  LogWalCorruptionError,
  decodeLogRecord,
  encodeEntries,
  encodeEntryColumns,
  encodeSeal,
  encodeStream,
} from './head-wal.js';

describe('log WAL records', () => {
  it('round-trip a stream record', () => {
    const labels = Labels.fromObject({ app: 'nginx', zone: 'é'.repeat(100) });
    const rec = encodeStream({ id: 300, tenant: tenantId('t-1'), labels, nextSeq: 2 ** 40 });
    assert.equal(rec[0], LogRecordType.Stream);
    const r = decodeLogRecord(rec);
    assert.equal(r.type, LogRecordType.Stream);
    if (r.type !== LogRecordType.Stream) return;
    assert.equal(r.id, 300);
    assert.equal(r.nextSeq, 2 ** 40);
    assert.equal(r.tenant, 't-1');
    assert.ok(r.labels.equals(labels));
  });

  it('round-trip an entries record (a range of the entries, lines of every size, fields)', () => {
    const entries = [
      { ts: -5n, line: 'before' },
      {
        ts: 1_700_000_000_123_456_789n,
        line: '',
        fields: [['trace_id', 'abc']] as [string, string][],
      },
      { ts: 2n ** 62n, line: 'x'.repeat(200) },
      { ts: 3n, line: '😀 ünïcödé '.repeat(20), fields: [] as [string, string][] },
    ];
    const { rec, lineBytes } = encodeEntries(7, 99, entries, 1, 4);
    const cols = {
      ts: entries.map((e) => e.ts),
      lines: entries.map((e) => e.line),
      fields: entries.map((e) => e.fields),
    };
    assert.deepEqual(encodeEntryColumns(7, 99, cols, 1, 4), rec);
    assert.equal(lineBytes, 0 + 200 + Buffer.byteLength(entries[3].line));
    const r = decodeLogRecord(rec);
    assert.equal(r.type, LogRecordType.Entries);
    if (r.type !== LogRecordType.Entries) return;
    assert.equal(r.id, 7);
    assert.equal(r.firstSeq, 99);
    assert.deepEqual(r.entries, [
      entries[1],
      entries[2],
      // Empty fields are stored as none.
      { ts: 3n, line: entries[3].line },
    ]);
  });

  it('round-trip a seal record', () => {
    const pieces = [
      { mint: 1n, maxt: 10n, entries: 5 },
      { mint: 10n, maxt: -(2n ** 63n) + 1n, entries: 1 },
    ];
    const r = decodeLogRecord(encodeSeal({ id: 1, seqEnd: 12, pieces }));
    assert.deepEqual(r, { type: LogRecordType.Seal, id: 1, seqEnd: 12, pieces });
  });

  it('refuses damaged and unknown records with a named error', () => {
    const good = encodeEntries(1, 0, [{ ts: 1n, line: 'hello' }]).rec;
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, good.length - 2), /truncated string of 5 bytes/],
      [Uint8Array.from([...good, 0]), /trailing bytes/],
      [Uint8Array.from([0x7f]), /unknown record type 0x7f/],
      [new Uint8Array(0), /empty record/],
      [good.subarray(0, 5), /truncated int64/],
      [
        Uint8Array.from([LogRecordType.Seal, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        /varint too long/,
      ],
      [Uint8Array.from([LogRecordType.Seal, 0x80]), /truncated varint/],
    ];
    for (const [rec, want] of cases) {
      assert.throws(
        () => decodeLogRecord(rec),
        (e: unknown) => e instanceof LogWalCorruptionError && want.test(e.message),
        String(want),
      );
    }
  });

  it('entries records round-trip any lines, with minimal length varints', () => {
    const sized = fc.constantFrom(0, 1, 42, 43, 127, 128, 5000, 16383, 16384, 70000);
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.tuple(sized, fc.constantFrom('x', 'é', '😀')).map(([n, c]) => c.repeat(n).slice(0, n)),
    );
    const varintLen = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const entries = lines.map((l, i) => ({ ts: BigInt(i) - 3n, line: l }));
        const { rec, lineBytes } = encodeEntries(1, 0, entries);
        let want = 4; // type, id, firstSeq, count (all < 128)
        let bytes = 0;
        for (const l of lines) {
          const n = Buffer.byteLength(l, 'utf8');
          bytes += n;
          want += 8 + varintLen(n) + n + 1;
        }
        assert.equal(lineBytes, bytes);
        assert.equal(rec.length, want);
        const cols = { ts: entries.map((e) => e.ts), lines, fields: lines.map(() => undefined) };
        assert.deepEqual(encodeEntryColumns(1, 0, cols, 0, lines.length), rec);
        const r = decodeLogRecord(rec);
        assert.ok(r.type === LogRecordType.Entries);
        assert.deepEqual(
          r.entries.map((e) => e.line),
          lines.map((l) => Buffer.from(l, 'utf8').toString('utf8')),
        );
      }),
      { numRuns: 200 },
    );
  });
});
