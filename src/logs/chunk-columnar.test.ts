import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ChunkCorruptionError, chunkFormatOf, decodeChunk, encodeChunk } from './chunk.js';
import { assertDamageReported } from './chunk-test-helpers.js';
import {
  COL_HEX,
  COL_INT,
  COL_CLF,
  COL_DEC,
  COL_DEC_PLANES,
  COL_DICT,
  COL_DOTTED,
  COL_INT_PLAIN,
  COL_INT_PLANES,
  COL_PREFIX,
  COL_TEXT,
  COL_TIME,
  COL_TIME_REL,
} from './chunk-columnar-cols.js';
import { parseColumnar, splitFields } from './chunk-columnar.js';
import { scanColumnar } from './chunk-columnar-scan.js';
import type { ChunkData } from './types.js';

const chunk = (lines: string[]): ChunkData => ({
  ts: BigInt64Array.from(lines, (_, i) => 1_764_262_699_000_000_000n + BigInt(i * 997)),
  lines,
  fields: lines.map(() => undefined),
});

const roundTrip = (lines: string[]): Uint8Array => {
  const data = encodeChunk(chunk(lines), 'columnar');
  assert.deepEqual(decodeChunk(data).lines, lines);
  return data;
};

describe('columnar codec', () => {
  it('round-trips odd JSON and field lines byte for byte', () => {
    roundTrip([
      '{}',
      '{"a":1}',
      '{"a":"x","a":"y"}',
      '{"n":007,"z":-0,"e":1e5,"big":123456789012345678901234567890}',
      '{"s":"q\\"uo\\\\te","u":"ünï😀","nul":null,"t":true}',
      '{"a":1,"b":{"nested":1}}',
      '{"a": 1}',
      '{"a":1',
      '{"a":1,}',
      '{"":""}',
      '{"a":"unterminated}',
      '',
      ' ',
      '  double  spaces ',
      'x'.repeat(5000),
      Array.from({ length: 40 }, (_, i) => `f${i}`).join(' '),
      'multi\nline {"a":1}',
      '0 00 -0 1 -1 999999999999999 9999999999999999',
    ]);
  });

  it('types columns: hex ids, integers, text', () => {
    const ids = Array.from({ length: 500 }, (_, i) =>
      (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32),
    );
    const lines = ids.map(
      (id, i) =>
        `{"trace_id":"${id}","status":${200 + (i % 5)},"bytes":${i * 37},"msg":"done ${i}"}`,
    );
    const data = roundTrip(lines);
    // 16 bytes of id per line at most, plus small ints: far below the text size.
    assert.ok(data.length < lines.join('\n').length / 3, `${data.length} bytes`);
  });

  it('stores lines past the shape limit raw', () => {
    roundTrip(Array.from({ length: 4200 }, (_, i) => `{"k${i}":${i}}`));
  });

  it('round-trips arbitrary lines (property)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom(
        '{',
        '}',
        '"',
        ':',
        ',',
        ' ',
        '\\',
        '\n',
        '-0',
        '007',
        '1e5',
        'null',
        'deadbeef',
      ),
      fc.bigInt().map(String),
    );
    const line = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
    const jsonish = fc
      .array(
        fc.tuple(
          fc.string({ maxLength: 4 }),
          fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)),
        ),
        { maxLength: 5 },
      )
      .map((kv) => JSON.stringify(Object.fromEntries(kv)));
    fc.assert(
      fc.property(fc.array(fc.oneof(line, jsonish), { maxLength: 40 }), (lines) => {
        roundTrip(lines);
      }),
      { numRuns: 400 },
    );
  });

  it('v2: prefixes, ISO times, plain integers and fields counted from the end', () => {
    const rnd = (i: number): number => ((i * 2654435761) >>> 0) % 1_000_000;
    const lines = Array.from({ length: 300 }, (_, i) => {
      const id = (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32);
      return i % 2
        ? `{"ts":"${new Date(1_764_255_600_000 + i * 7).toISOString()}","user_id":${rnd(i)},"n":${i},"rt":"rt=0.${i % 10}x"}`
        : `GET /x ${'ua '.repeat(i % 4)}rt=0.1 trace_id=${id}`;
    });
    const data = roundTrip(lines);
    const types = new Map(parseColumnar(data).cols.map((c) => [c.name, [c.type, c.prefix]]));
    assert.deepEqual(types.get('j:ts'), [COL_TIME, '']);
    assert.deepEqual(types.get('j:user_id'), [COL_INT_PLANES, '']); // v3: random ids as planes
    assert.deepEqual(types.get('j:n'), [COL_INT, '']);
    assert.deepEqual(types.get('j:rt'), [COL_DICT, 'rt=0.']); // v3: 10 distinct values
    // The id is the last field whatever the count: one hex column after its prefix.
    const [type, prefix] = types.get('f:-1')!;
    assert.equal(type, COL_HEX);
    assert.match(String(prefix), /^trace_id=0*$/); // these ids share leading zeros
    assert.deepEqual(types.get('f:0'), [COL_DICT, 'GET']); // one value: all prefix
    assert.equal(COL_PREFIX, 0x80);
  });

  it('v2: timestamps in units of their greatest common step, any order', () => {
    for (const ts of [
      [5n, 5n, 5n],
      [1_764_255_600_000_000_000n, 1_764_255_600_001_000_000n, 1_764_255_599_000_000_000n],
      [-3n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 0n],
      [7n],
    ]) {
      const lines = ts.map((_, i) => `{"i":${i}}`);
      const c = { ts: BigInt64Array.from(ts), lines, fields: lines.map(() => undefined) };
      assert.deepEqual(decodeChunk(encodeChunk(c, 'columnar')), c);
    }
  });

  it('v2: times equal to their record time (in ms) cost almost nothing', () => {
    const ts = Array.from(
      { length: 2000 },
      (_, i) => 1_764_255_600_000_000_000n + BigInt(i) * 1_237_111n,
    );
    const lines = ts.map(
      (t, i) =>
        `{"ts":"${new Date(Number(t / 1_000_000n) + (i === 7 ? -5 : 0)).toISOString()}","k":"v"}`,
    );
    const c = { ts: BigInt64Array.from(ts), lines, fields: lines.map(() => undefined) };
    const data = encodeChunk(c, 'columnar');
    assert.deepEqual(decodeChunk(data), c);
    const col = parseColumnar(data).cols.find((x) => x.name === 'j:ts')!;
    assert.equal(col.type, COL_TIME_REL);
    assert.ok(data.length < 2000 * 2, `${data.length} bytes for 2000 records`);
  });

  it('v2: canonical decimals as scaled integers, anything else as text', () => {
    const dec = ['106.63', '3.5', '0', '-0.25', '7', '0.001', '-12.1'];
    const data = roundTrip(dec.map((d) => `{"d":${d}}`));
    assert.equal(parseColumnar(data).cols[0].type, COL_DEC);
    for (const odd of [
      ['1.50', '2'],
      ['-0', '1.5'],
      ['1.', '2'],
      ['.5', '1'],
      ['1e5', '1.5'],
      ['0.0000000001', '1.5'],
      ['12345678901234567.5', '1.5'],
    ]) {
      const d = roundTrip(odd.map((x) => `{"d":${x}}`));
      assert.notEqual(parseColumnar(d).cols[0].type, COL_DEC, odd.join());
    }
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), {
          minLength: 1,
          maxLength: 20,
        }),
        (xs) => {
          roundTrip(xs.map((x) => `{"d":${JSON.stringify(x)}}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('v2: ISO times round-trip, same second or not, before 1970 too (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5_000_000, max: 5_000_000 }),
        fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 1, maxLength: 30 }),
        (base, steps) => {
          let ms = base;
          roundTrip(steps.map((d) => `{"t":"${new Date((ms += d)).toISOString()}"}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('v1 chunks may not use v2 column types', () => {
    // A v1 chunk of one int column, its type byte changed to v2's plain integers.
    const v1 = new Uint8Array(
      readFileSync(join(process.cwd(), 'src/logs/testdata/codec/v1.columnar.bin')),
    );
    const c = parseColumnar(v1).cols.find((col) => col.type === COL_INT)!;
    const at = Buffer.from(v1).indexOf(Buffer.from(`${c.name}\u0002`, 'latin1'));
    assert.ok(at > 0);
    v1[at + c.name.length] = COL_INT_PLAIN;
    assert.throws(() => decodeChunk(v1), ChunkCorruptionError);
  });
});

describe('columnar v3: quoted fields, dictionaries, dotted numbers', () => {
  const UAS = [
    '"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"',
    '"curl/8.4.0"',
    '"a \\"quoted\\" agent"',
  ];
  const nginx = (i: number): string =>
    `10.${i % 4}.${(i * 37) % 256}.${(i * 91) % 256} - - "GET /u/${i} HTTP/1.1" ${i % 7 ? 200 : 503} ${UAS[i % 3]} v=1.${i % 3}`;

  it('splits fields at spaces outside double quotes (a backslash escapes a quote)', () => {
    assert.deepEqual(splitFields('a "b c" d'), ['a', '"b c"', 'd']);
    assert.deepEqual(splitFields('x="a \\" b" y'), ['x="a \\" b"', 'y']);
    assert.deepEqual(splitFields('msg="hi there" n=1'), ['msg="hi there"', 'n=1']);
    assert.deepEqual(splitFields('open "quote here'), ['open', '"quote', 'here']);
    assert.deepEqual(splitFields(' a  b '), ['', 'a', '', 'b', '']);
    assert.deepEqual(splitFields(''), ['']);
  });

  it('stores user agents as a dictionary and IPs as dotted numbers, rebuilt byte for byte', () => {
    const lines = Array.from({ length: 60 }, (_, i) => nginx(i));
    const data = roundTrip(lines);
    const cols = new Map(parseColumnar(data).cols.map((c) => [c.name, c]));
    assert.equal(cols.get('f:0')?.type, COL_DOTTED);
    assert.equal(cols.get('f:-2')?.type, COL_DICT); // the quoted user agent, one field
    // v=1.N: the shared prefix goes first ("v=1."), the rest is an integer.
    assert.equal(cols.get('f:-1')?.type, COL_INT);
    assert.equal(cols.get('f:-1')?.prefix, 'v=1.');
    // Unchanged v2 types elsewhere.
    assert.equal(cols.get('f:-3')?.type, COL_INT);
    assert.equal(cols.get('f:3')?.type, COL_TEXT);
  });

  it('keeps dotted numbers out of range, of mixed lengths or with leading zeros as text', () => {
    for (const vals of [
      ['1.2.3.4', '1.2.3.256'],
      ['1.2.3.4', '1.2.3'],
      ['1.2.3.4', '1.02.3.4'],
      ['1.2.3.4', '1.2.3.4.'],
      ['1.2.3.4.5.6.7.8.9', '1.2.3.4.5.6.7.8.9'],
    ]) {
      const lines = Array.from({ length: 8 }, (_, i) => `ip ${vals[i % 2]}`);
      const data = roundTrip(lines);
      const col = parseColumnar(data).cols.find((c) => c.name === 'f:-1')!;
      assert.notEqual(col.type, COL_DOTTED, vals.join(' '));
    }
  });

  it('uses a dictionary only for values repeated ≥ 4 times on average, at most 256', () => {
    const few = Array.from({ length: 12 }, (_, i) => `lvl ${['info', 'warn', 'error'][i % 3]}`);
    assert.equal(parseColumnar(roundTrip(few)).cols[1].type, COL_DICT);
    const many = Array.from({ length: 12 }, (_, i) => `lvl w${i % 4}x`);
    assert.equal(parseColumnar(roundTrip(many)).cols[1].type, COL_TEXT);
    const wide = Array.from({ length: 2000 }, (_, i) => `lvl w${i % 300}x`);
    assert.equal(parseColumnar(roundTrip(wide)).cols[1].type, COL_TEXT);
    const empty = Array.from({ length: 8 }, (_, i) => `{"a":"${i % 2 ? '' : 'x'}"}`);
    assert.equal(parseColumnar(roundTrip(empty)).cols[0].type, COL_DICT);
  });

  it('scans dictionary and dotted columns as decode + filter does (property)', () => {
    const line = fc.oneof(
      fc.nat(40).map(nginx),
      fc
        .tuple(fc.constantFrom('info', 'warn', 'err or'), fc.nat(3))
        .map(([l, k]) => `{"level":"${l}","ip":"192.168.${k}.1","k":"v${k}"}`),
    );
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 60 }),
        fc.tuple(fc.nat(), fc.nat(40), fc.nat(10)),
        fc.constantFrom('10.1.', '.1"', 'curl', 'quoted\\"', 'v=1.2', '1.2', 'err or', '168.2'),
        (ls, [li, a, len], fixed) => {
          const data = encodeChunk(chunk(ls), 'columnar');
          const all = decodeChunk(data);
          assert.deepEqual(all.lines, ls);
          for (const lit of [ls[li % ls.length].slice(a, a + len), fixed]) {
            const pass = (l: string): boolean => l.includes(lit);
            const got = scanColumnar(data, pass, [[lit]]);
            assert.deepEqual(got.data.lines, ls.filter(pass), lit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stores random integers and decimals as byte planes, exactly, at any width', () => {
    let x = 7;
    const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (const max of [200, 70_000, 2 ** 31, 999_999_999_999_999]) {
      const ints = Array.from({ length: 300 }, (_, i) =>
        i === 0 ? -max : i === 1 ? max : i === 2 ? 0 : (rnd() % max) * (i % 3 ? 1 : -1),
      );
      const lines = ints.map((v, i) => `{"n":${v},"d":${(i % 7) - 3}.${(rnd() % 99) * 10 + 1}}`);
      const data = roundTrip(lines);
      const types = new Map(parseColumnar(data).cols.map((c) => [c.name, c.type]));
      assert.equal(types.get('j:n'), COL_INT_PLANES, `max ${max}`);
      assert.equal(types.get('j:d'), COL_DEC_PLANES);
      for (const lit of ['-', String(ints[5]).slice(1, 4), '.5', String(max)]) {
        const pass = (l: string): boolean => l.includes(lit);
        assert.deepEqual(scanColumnar(data, pass, [[lit]]).data.lines, lines.filter(pass), lit);
      }
    }
    // Few distinct small values stay varints (they compress smaller).
    const status = Array.from({ length: 300 }, (_, i) => `{"s":${i % 9 ? 200 : 503}}`);
    assert.equal(parseColumnar(roundTrip(status)).cols[0].type, COL_INT);
  });

  it('stores Common Log Format times relative to their record, in any zone', () => {
    const t0 = Date.UTC(2026, 0, 15, 10, 0, 0);
    const lines = Array.from({ length: 50 }, (_, i) => {
      // Local time one hour ahead of the record (+0100), a few lines late by seconds.
      const d = new Date(t0 + i * 997 + 3_600_000 - (i % 9 === 0 ? 4000 : 0));
      const p2 = (n: number): string => String(n).padStart(2, '0');
      const mon = ['Jan', 'Feb'][d.getUTCMonth()];
      return `1.2.3.4 - - [${p2(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0100] "GET / HTTP/1.1" 200`;
    });
    const c: ChunkData = {
      ts: BigInt64Array.from(lines, (_, i) => BigInt(t0 + i * 997) * 1_000_000n + 123n),
      lines,
      fields: lines.map(() => undefined),
    };
    const data = encodeChunk(c, 'columnar');
    assert.deepEqual(decodeChunk(data), c);
    const col = parseColumnar(data).cols.find((x) => x.name === 'f:3')!;
    assert.equal(col.type, COL_CLF);
    for (const lit of ['[15/Jan/2026:11:00:0', 'Jan/2026', ':11:00:4', '15/Feb', '[']) {
      const pass = (l: string): boolean => l.includes(lit);
      assert.deepEqual(scanColumnar(data, pass, [[lit]]).data.lines, lines.filter(pass), lit);
    }
    // Not CLF: a day that does not exist, a two-digit year, another month spelling.
    for (const bad of ['[31/Feb/2026:10:00:00', '[15/Jan/0050:10:00:00', '[15/JAN/2026:10:00:00']) {
      const odd = lines.map((l, i) => (i === 3 ? l.replace(/\[[^ ]+/, bad) : l));
      const d2 = encodeChunk({ ...c, lines: odd }, 'columnar');
      assert.deepEqual(decodeChunk(d2).lines, odd);
      assert.notEqual(parseColumnar(d2).cols.find((x) => x.name === 'f:3')!.type, COL_CLF, bad);
    }
  });

  it('stores fixed-point decimals (nginx request times) exactly, with a prefix cut at "="', () => {
    const lines = Array.from({ length: 200 }, (_, i) => {
      const t = ((i * 7919) % 5000) / 1000; // 0.000 to 4.999
      return `GET /x rt=${t.toFixed(3)} up=${(-t).toFixed(2)} w=${(i % 3) - 1}.${i % 10}`;
    });
    lines.push('GET /x rt=12.000 up=-0.50 w=0.5');
    const data = roundTrip(lines);
    const cols = new Map(parseColumnar(data).cols.map((c) => [c.name, c]));
    const rt = cols.get('f:2')!;
    assert.equal(rt.prefix, 'rt=');
    assert.ok(rt.type === COL_DEC || rt.type === COL_DEC_PLANES, String(rt.type));
    assert.equal(cols.get('f:-2')!.prefix, 'up=');
    assert.notEqual(cols.get('f:-2')!.type, COL_TEXT);
    for (const lit of ['rt=0.0', '.000 ', '=12.', '-0.5', 'up=-4.99', '0.120', ' w=-']) {
      const pass = (l: string): boolean => l.includes(lit);
      assert.deepEqual(scanColumnar(data, pass, [[lit]]).data.lines, lines.filter(pass), lit);
    }
    // Mixed fraction lengths, or "-0.000", are not fixed-point: text (or canonical decimals).
    for (const odd of [
      ['1.50', '1.5'],
      ['-0.000', '0.001'],
      ['1.000', '01.000'],
    ]) {
      const ls = Array.from({ length: 8 }, (_, i) => `v ${odd[i % 2]}`);
      assert.deepEqual(decodeChunk(encodeChunk(chunk(ls), 'columnar')).lines, ls);
    }
  });

  it('refuses damaged dictionaries and dotted columns, and v3 types in v2 chunks', () => {
    const lines = Array.from({ length: 40 }, (_, i) => nginx(i));
    const data = encodeChunk(chunk(lines), 'columnar');
    const v2 = Uint8Array.from(data);
    v2[1] = 2;
    assert.throws(() => decodeChunk(v2), /unknown type (7|8|9|10|11)/);
    assertDamageReported(data, decodeChunk, { cutFrom: 2, cutStep: 7, mask: 0x21 });
  });
});

describe('columnar golden files (testdata/codec)', () => {
  const dir = join(process.cwd(), 'src/logs/testdata/codec');
  const want = JSON.parse(readFileSync(join(dir, 'v1.json'), 'utf8')) as {
    ts: string[];
    lines: string[];
    fields: ([string, string][] | null)[];
  };
  const chunk: ChunkData = {
    ts: BigInt64Array.from(want.ts, BigInt),
    lines: want.lines,
    fields: want.fields.map((f) => f ?? undefined),
  };
  for (const v of [1, 2])
    it(`decodes v${v} columnar chunks written by earlier code`, () => {
      const data = new Uint8Array(readFileSync(join(dir, `v${v}.columnar.bin`)));
      assert.equal(chunkFormatOf(data), 'columnar');
      assert.equal(data[1], v);
      assert.deepEqual(decodeChunk(data), chunk);
    });
  it('writes version 3 byte for byte as the v3 golden file (quoted fields, new column types)', () => {
    const j = JSON.parse(readFileSync(join(dir, 'v3.json'), 'utf8')) as typeof want;
    const c3: ChunkData = {
      ts: BigInt64Array.from(j.ts, BigInt),
      lines: j.lines,
      fields: j.fields.map((f) => f ?? undefined),
    };
    const golden = new Uint8Array(readFileSync(join(dir, 'v3.columnar.bin')));
    assert.equal(golden[1], 3);
    assert.deepEqual(decodeChunk(golden), c3);
    const types = new Set(parseColumnar(golden).cols.map((c) => c.type));
    for (const t of [COL_DICT, COL_DOTTED, COL_INT_PLANES, COL_DEC_PLANES, COL_CLF])
      assert.ok(types.has(t), `the golden file uses v3 type ${t}`);
    // A change to what the encoder writes must be a new version (and a new golden file).
    assert.deepEqual(encodeChunk(c3, 'columnar'), golden);
    assert.equal(encodeChunk(chunk, 'columnar')[1], 3);
  });
});
