import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeChunk, encodeChunk } from './chunk.js';
import { assertDamageReported } from './chunk-test-helpers.js';
import {
  canHold,
  HOLD_ACROSS,
  HOLD_EVERY,
  HOLD_NONE,
  HOLD_REST,
  scanColumnar,
} from './chunk-columnar-scan.js';
import { parseColumnar } from './chunk-columnar.js';
import {
  COL_DEC,
  COL_DEC_PLANES,
  COL_HEX,
  COL_INT,
  COL_TEXT,
  COL_TIME,
  COL_TIME_REL,
  type ColumnRef,
} from './chunk-columnar-cols.js';
import { planScan, scanChunkBytes } from './chunk-scan.js';
import type { ChunkData } from './types.js';

/** The records of `c` in `[start, end)` whose line passes `pass` (the reference). */
function filterChunk(
  c: ChunkData,
  pass: (line: string) => boolean,
  start = -(1n << 63n),
  end = 1n << 62n,
): ChunkData {
  const keep: number[] = [];
  for (let i = 0; i < c.lines.length; i++)
    if (c.ts[i] >= start && c.ts[i] < end && pass(c.lines[i])) keep.push(i);
  return {
    ts: BigInt64Array.from(keep, (i) => c.ts[i]),
    lines: keep.map((i) => c.lines[i]),
    fields: keep.map((i) => c.fields[i]),
  };
}

const chunk = (lines: string[]): ChunkData => ({
  ts: BigInt64Array.from(lines, (_, i) => 1_764_262_699_000_000_000n + BigInt(i * 997)),
  lines,
  fields: lines.map((_, i) => (i % 3 === 0 ? [['i', String(i)]] : undefined)),
});

/** scanColumnar must give exactly what decoding then filtering gives. */
function same(
  lines: string[],
  groups: string[][],
  data = encodeChunk(chunk(lines), 'columnar'),
): ChunkData {
  const pass = (l: string): boolean => groups.every((g) => g.some((x) => l.includes(x)));
  const all = decodeChunk(data);
  const got = scanColumnar(data, pass, groups);
  const what = JSON.stringify({ lines, groups });
  assert.deepEqual(got.data, filterChunk(all, pass), what);
  assert.equal(got.entries, all.lines.length);
  // In a time range: the same records, cut to it.
  if (all.ts.length > 2) {
    const [start, end] = [all.ts[1], all.ts[all.ts.length - 1]];
    const cut = scanColumnar(data, pass, groups, start, end);
    assert.deepEqual(cut.data, filterChunk(all, pass, start, end), what);
    assert.equal(cut.entries, filterChunk(all, () => true, start, end).lines.length);
  }
  return got.data;
}

const ID = 'a514f124b0b0f8f96c45ac8b693163c2';
const LINES = [
  `{"ts":"2026-01-15T10:00:00.014Z","level":"info","trace_id":"${ID}","status":200,"msg":"payment authorized"}`,
  `{"ts":"2026-01-15T10:00:00.030Z","level":"error","trace_id":"373df8f2720bc307a48f48b41a187adb","status":503,"msg":"upstream timeout"}`,
  `10.1.94.2 - - [15/Jan/2026:10:00:00 +0000] "GET /api/v1/users/33483 HTTP/1.1" 200 31723 rt=0.046 trace_id=${ID}`,
  `10.1.9.7 - - [15/Jan/2026:10:00:01 +0000] "POST /login HTTP/1.1" 502 17 rt=1.046 trace_id=04f9cea6d7c61d2233c0858110b44a94`,
  'multi\nline raw',
  '{"a": 1}',
  '123 456 789',
];

describe('scanColumnar', () => {
  it('finds literals inside values, across values and in templates', () => {
    assert.equal(same(LINES, [[ID]]).lines.length, 2);
    assert.equal(same(LINES, [['upstream timeout']]).lines.length, 1);
    assert.equal(same(LINES, [['"status":503']]).lines.length, 1); // spans key and value
    assert.equal(same(LINES, [['level']]).lines.length, 2); // a JSON key (template)
    assert.equal(same(LINES, [['" 502 17 rt']]).lines.length, 1); // spans fields
    assert.equal(same(LINES, [['raw']]).lines.length, 1);
    assert.equal(same(LINES, [['456 7']]).lines.length, 1);
    assert.equal(same(LINES, [['4567']]).lines.length, 0); // straddles two int values only
    assert.equal(same(LINES, [['2c2a5']]).lines.length, 0); // straddles two hex ids
    assert.equal(same(LINES, [['nothing here']]).lines.length, 0);
    assert.equal(same(LINES, [['timeout', 'authorized'], ['error']]).lines.length, 1);
    assert.equal(same(LINES, [[':'], [' ']]).lines.length, 5); // boundary characters only
    assert.equal(same(LINES, [['']]).lines.length, LINES.length);
    assert.equal(same(LINES, []).lines.length, LINES.length);
  });

  it('is what scanChunkBytes gives for columnar chunks', () => {
    const data = encodeChunk(chunk(LINES), 'columnar');
    const plan = planScan([{ op: '|=', value: 'trace_id' }]);
    const got = scanChunkBytes(data, plan, 0n, 1n << 62n, true);
    assert.equal(got.entries, LINES.length);
    assert.equal(got.data.lines.length, 4);
    assert.deepEqual(got.data.fields, [[['i', '0']], undefined, undefined, [['i', '3']]]);
    const none = scanColumnar(data, () => false, [['no such text']]);
    assert.deepEqual(none, { data: filterChunk(chunk(LINES), () => false), entries: 7 });
    const ts = chunk(LINES).ts;
    const some = scanChunkBytes(data, planScan([]), ts[2], ts[5], false);
    assert.deepEqual(some.data.lines, LINES.slice(2, 5));
    assert.equal(some.entries, 3);
    assert.equal(scanChunkBytes(data, plan, 0n, 1n, false).entries, 0);
  });

  it('finds literals in typed and prefixed columns, across the prefix too', () => {
    const lines = Array.from({ length: 40 }, (_, i) => {
      const id = (BigInt(i + 7) * 0x9e3779b97f4a7c15n).toString(16).padStart(16, '0').slice(-16);
      // Mostly the record's own time (a relative time column).
      const t = new Date(1_764_262_699_000 + (i % 5 === 1 ? i * 997 : 0)).toISOString();
      return i % 2
        ? `{"ts":"${t}","n":${i * 13 - 100},"d":${(i * 7.25).toFixed(2).replace(/\.?0+$/, '')},"id":"${id}"}`
        : `GET /x rt=0.${(i * 37) % 1000} trace_id=${id} n=${i}`;
    });
    const data = encodeChunk(chunk(lines), 'columnar');
    const types = new Map(parseColumnar(data).cols.map((c) => [c.name, [c.type, c.prefix]]));
    assert.deepEqual(types.get('f:-2'), [COL_HEX, 'trace_id=']);
    assert.deepEqual(types.get('j:d'), [COL_DEC_PLANES, '']);
    assert.deepEqual(types.get('j:ts')?.[0], COL_TIME_REL);
    assert.deepEqual(types.get('j:id'), [COL_HEX, '']);
    const id = lines[5].slice(-18, -2);
    for (const lit of [
      id,
      id.slice(3, 9),
      'trace_id=',
      'race', // inside every prefix
      `id=${lines[4].split('trace_id=')[1].slice(0, 3)}`, // across the prefix's end
      'id=zz',
      'rt=0.',
      `rt=${lines[6].split('rt=')[1].split(' ')[0]}`,
      '=0.1',
      '2025-11-27T16:58:1',
      ':19.0',
      'T16',
      '-87',
      '.25',
      '7.5',
      'n=3',
      '"n":-',
      'zzz',
      'é',
    ])
      same(lines, [[lit]], data);
  });

  it('scans v1 chunks (golden file) as decoding them does', () => {
    const data = new Uint8Array(
      readFileSync(join(process.cwd(), 'src/logs/testdata/codec/v1.columnar.bin')),
    );
    const lines = decodeChunk(data).lines;
    assert.ok(lines.length > 3);
    for (const l of lines.slice(0, 6))
      for (const lit of [l.slice(1, 6), l.slice(-7), l.slice(3, 5)]) same(lines, [[lit]], data);
  });

  it('canHold decides from the column header alone', () => {
    const col = (type: number, prefix = ''): ColumnRef => ({
      name: 'c',
      type,
      prefix,
      count: 1,
      load: () => assert.fail('loaded'),
    });
    assert.equal(canHold(col(COL_HEX, 'trace_id='), 'status=5'), HOLD_NONE);
    assert.equal(canHold(col(COL_HEX, 'trace_id='), 'race'), HOLD_EVERY);
    assert.equal(canHold(col(COL_HEX, 'trace_id='), 'id=0a'), HOLD_ACROSS);
    assert.equal(canHold(col(COL_HEX, 'trace_id='), 'id=0g'), HOLD_NONE);
    assert.equal(canHold(col(COL_HEX, 'trace_id='), 'beef'), HOLD_REST);
    assert.equal(canHold(col(COL_DEC, 'rt=0.'), 'rt=0.1'), HOLD_ACROSS);
    assert.equal(canHold(col(COL_DEC, 'rt=0.'), 'timeout'), HOLD_NONE);
    assert.equal(canHold(col(COL_INT), '-12'), HOLD_REST);
    assert.equal(canHold(col(COL_INT), 'a'), HOLD_NONE);
    assert.equal(canHold(col(COL_TIME), '10:00Z'), HOLD_REST);
    assert.equal(canHold(col(COL_TIME), 'status'), HOLD_NONE);
    assert.equal(canHold(col(COL_TEXT, 'GET'), 'status=5'), HOLD_REST);
    assert.equal(canHold(col(COL_TEXT), ''), HOLD_REST);
    assert.equal(canHold(col(COL_TEXT, 'GET /a'), 'T /ab'), HOLD_ACROSS);
    assert.equal(canHold(col(COL_INT, 'n='), '=5x'), HOLD_NONE);
    assert.equal(canHold(col(COL_INT, 'n='), '12'), HOLD_REST);
  });

  it('matches decode + filter on arbitrary lines and literals (property)', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('{', '}', '"', ':', ',', ' ', '\\', '\n', '-1', '07', 'null', 'deadbeef'),
      fc.integer().map(String),
    );
    const line = fc.array(piece, { maxLength: 10 }).map((a) => a.join(''));
    const jsonish = fc
      .array(
        fc.tuple(
          fc.constantFrom('a', 'b', 'id', 'msg'),
          fc.oneof(
            fc.string({ maxLength: 6 }),
            fc.integer({ min: -50, max: 50 }),
            fc.constantFrom('c0ffee00', 'c0ffee01', 'deadbeef'),
          ),
        ),
        { maxLength: 4 },
      )
      .map((kv) => JSON.stringify(Object.fromEntries(kv)));
    const fields = fc
      .array(
        fc.oneof(fc.constantFrom('GET', 'ab12', 'cd34', '200', '-'), fc.nat(999).map(String)),
        {
          minLength: 1,
          maxLength: 5,
        },
      )
      .map((a) => a.join(' '));
    const lines = fc.array(fc.oneof(line, jsonish, fields), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(
        lines,
        fc.array(fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.nat(12)), { maxLength: 2 }), {
          maxLength: 2,
        }),
        fc.array(piece, { maxLength: 2 }),
        (ls, picks, extra) => {
          // Literals cut from the lines (so most hit), plus a few arbitrary ones.
          const groups = picks.map((g) =>
            g.map(([li, a, len]) => ls[li % ls.length].slice(a, a + len)),
          );
          if (extra.length > 0) groups.push(extra);
          same(ls, groups);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('matches decode + filter on typed, prefixed and unicode columns (property)', () => {
    const hex = fc.constantFrom('c0ffee00', 'c0ffee01', 'deadbeef', '0a1b2c3d');
    const field = fc.oneof(
      hex.map((h) => `trace_id=${h}`),
      fc.nat(999).map((n) => `rt=0.${n}`),
      fc.integer({ min: -99, max: 99 }).map(String),
      fc.constantFrom('é', '😀x', 'GET', 'status=503', 'timeout'),
    );
    const fields = fc.array(field, { minLength: 1, maxLength: 6 }).map((a) => a.join(' '));
    const json = fc
      .tuple(
        fc.integer({ min: -2000, max: 2000 }),
        hex,
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.constantFrom('ok é', 'status=504 timeout', '😀'),
      )
      .map(([d, h, x, m]) =>
        JSON.stringify({ ts: new Date(1_764_262_699_000 + d).toISOString(), id: h, x, msg: m }),
      );
    const lines = fc.array(fc.oneof(fields, json), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        lines,
        fc.array(fc.tuple(fc.nat(), fc.nat(30), fc.nat(12)), { minLength: 1, maxLength: 3 }),
        (ls, picks) => {
          const lits = picks.map(([li, a, len]) => ls[li % ls.length].slice(a, a + len));
          same(ls, [lits]);
          same(
            ls,
            lits.map((l) => [l]),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles timestamps past 2^53 ns apart, before 1970 and relative times of them', () => {
    for (const ts of [
      [-3n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 0n],
      [-5_000_001n, -1_000_000n, -1n, 0n, 999_999n, 1_000_000n, 1_000_001n],
      [1_764_262_699_000_000_000n, 1_764_262_699_000_000_001n, 1_764_262_698_999_999_999n],
    ]) {
      const t = BigInt64Array.from(ts);
      // Each line holds its record's time in ms (truncated, as relative time columns use).
      const lines = ts.map(
        (x) => `{"t":"${new Date(Number(x / 1_000_000n)).toISOString()}","k":"v"}`,
      );
      const c = { ts: t, lines, fields: lines.map(() => undefined) };
      const data = encodeChunk(c, 'columnar');
      assert.deepEqual(decodeChunk(data), c);
      for (const lit of ['"k"', 'T00', '.000Z', 'none'])
        for (const [a, b] of [
          [-(1n << 63n), 1n << 62n],
          [-1n, 1n],
          [t[1], t[2]],
        ]) {
          const pass = (l: string): boolean => l.includes(lit);
          const got = scanColumnar(data, pass, [[lit]], a, b);
          assert.deepEqual(got.data, filterChunk(c, pass, a, b), `${lit} ${a} ${b}`);
        }
    }
  });

  it('reports damaged chunks as ChunkCorruptionError when scanning, never a crash', () => {
    const lines = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? `{"ts":"${new Date(1_764_262_699_000 + i).toISOString()}","id":"${(i * 0x9e3779b1).toString(16).padStart(8, '0')}","n":${i * 37},"d":${i / 4},"msg":"m ${i} timeout"}`
        : `GET /x rt=0.${i} trace_id=${(i * 0x9e3779b1).toString(16).padStart(8, '0')} status=50${i % 10}`,
    );
    const data = encodeChunk(chunk(lines), 'columnar');
    const groups = [[['timeout']], [['status=5'], ['50']], [['9e37', 'id=0']], []];
    const step = { cutFrom: 2, cutStep: Math.max(1, data.length >> 6), flipStep: 2 };
    assertDamageReported(data, (bad) => scanColumnar(bad, () => true), step);
    // Each literal plan on its own, with and without a time range: every one reads other parts.
    for (const g of groups) {
      const flips = { ...step, cutFrom: data.length }; // cuts are covered above
      assertDamageReported(data, (bad) => scanColumnar(bad, () => true, g, 0n, 1n << 62n), flips);
      assertDamageReported(data, (bad) => scanColumnar(bad, () => true, g), flips);
    }
  });
});
