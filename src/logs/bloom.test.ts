import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HashList } from './bloom-bits.js';
import {
  BLOOM_VERSION,
  FLAG_NO_DIGIT_TOKENS,
  FLAG_ORDER31,
  bloomMayContain,
  buildBloom,
  buildBloomUtf8,
} from './bloom.js';
import { GRAM_KEY_PREFIX, MIN_GRAM_RUN, fmix32, queryTokens } from './tokenize.js';

// Lines biased towards word runs (hex ids, numbers), separators and non-ASCII (surrogate pairs
// included).
const unit = fc.constantFrom(...'abcdefAB01239_ .:-="/\n{}é😀'.split(''), 'ü', '\u00ff');
const run = fc.oneof(fc.stringMatching(/^[a-f0-9]{10,40}$/), fc.stringMatching(/^[0-9]{3,14}$/));
const line = fc.array(fc.oneof(unit, run), { maxLength: 30 }).map((a) => a.join(''));

/** Whether `bloom` lets through every key of `|= literal`. */
const mayHold = (bloom: Uint8Array, literal: string): boolean =>
  queryTokens([{ op: '|=', value: literal }]).every((k) => bloomMayContain(bloom, k));

const random = (seed: number): (() => number) => {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
};
const hexId = (rnd: () => number, n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');

describe('buildBloom / bloomMayContain', () => {
  it('never rejects a key of a literal that a line contains (no false negatives)', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (lines, li, a, b) => {
          const l = lines[li % lines.length];
          const s = a % (l.length + 1);
          const e = s + (b % (l.length - s + 1));
          const bloom = buildBloom(lines);
          for (const key of queryTokens([{ op: '|=', value: l.slice(s, e) }]))
            assert.equal(bloomMayContain(bloom, key), true, `key ${JSON.stringify(key)}`);
          // Plain whole tokens, as earlier queryTokens gave for long inner runs, still answer.
          for (const t of l.split(/[^A-Za-z0-9_\u0080-\uffff]+/))
            if (t.length >= 4) assert.equal(bloomMayContain(bloom, t), true, t);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('finds a trace id inside a longer token and skips chunks without it', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `level=info msg="req ${i}" span=x${i}0000`,
    );
    const without = buildBloom(lines);
    const withId = buildBloom([...lines, `trace=pre${id}post`]);
    for (const lit of [id, `"${id}"`, id.slice(3, 19), `=pre${id}`]) {
      assert.equal(mayHold(withId, lit), true, lit);
      assert.equal(mayHold(without, lit), false, lit);
    }
    assert.equal(bloomMayContain(withId, 'level'), true);
    assert.equal(bloomMayContain(without, 'warning'), false);
    assert.equal(bloomMayContain(without, id), false, 'a long plain key checks its minimizers');
  });

  it('keeps the false-positive rate of absent tokens near 1% and of absent ids near 0', () => {
    const rnd = random(3);
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `tok${i}a tokb${i * 7} id=${hexId(rnd, 32)} span=${hexId(rnd, 16)}`,
    );
    const bloom = buildBloom(lines);
    let fp = 0;
    for (let i = 0; i < 10000; i++) if (bloomMayContain(bloom, `absent${i}`)) fp++;
    assert.ok(fp < 300, `false positives ${fp} of 10000`);
    let idFp = 0;
    let spanFp = 0;
    for (let i = 0; i < 2000; i++) {
      if (mayHold(bloom, hexId(rnd, 32))) idFp++;
      if (mayHold(bloom, hexId(rnd, 16))) spanFp++;
    }
    // 1.5 bits per gram: about 10 minimizers per 32-hex id, each ~45% likely set.
    assert.ok(idFp <= 10, `32-hex false positives ${idFp} of 2000`);
    assert.ok(spanFp < 300, `16-hex false positives ${spanFp} of 2000`);
  });

  it('does not index all-digit short tokens: such keys answer true (measured trade)', () => {
    const bloom = buildBloom(['user_id=195129 bytes=1540 at 20261127153000123']);
    assert.equal(bloom[1], BLOOM_VERSION);
    assert.equal(bloom[6] & FLAG_NO_DIGIT_TOKENS, FLAG_NO_DIGIT_TOKENS);
    assert.equal(bloom[7], MIN_GRAM_RUN);
    assert.equal(bloomMayContain(bloom, '999999'), true);
    assert.equal(mayHold(bloom, ' 999999 '), true);
    // Digit runs from MIN_GRAM_RUN units on are in the gram section like any long run.
    assert.equal(mayHold(bloom, '20261127153000123'), true);
    assert.equal(mayHold(bloom, '99261127153000999'), false);
    assert.equal(bloomMayContain(bloom, 'user_id'), true);
    assert.equal(bloomMayContain(bloom, 'user_ix'), false);
    // Only the token section: a chunk of numbers has a tiny bloom.
    const numbers = buildBloom(Array.from({ length: 1000 }, (_, i) => `${i * 7919} ${i}`));
    assert.ok(numbers.length <= 16, String(numbers.length));
  });

  it('an empty chunk contains no key; unreadable blooms answer true', () => {
    const long = 'qrstuvwxyz0123456789';
    const empty = buildBloom(['', 'a b c']);
    assert.equal(bloomMayContain(empty, 'abcd'), false);
    assert.equal(bloomMayContain(empty, GRAM_KEY_PREFIX + long), false);
    // Too short for a whole window: nothing to check.
    assert.equal(bloomMayContain(empty, GRAM_KEY_PREFIX + 'abcdefgh'), true);
    assert.equal(bloomMayContain(new Uint8Array(0), 'abcd'), true);
    const bad = buildBloom(['abcd']);
    bad[0] = 0x41;
    assert.equal(bloomMayContain(bad, 'zzzz'), true);
    bad[0] = 0x42;
    bad[1] = 99;
    assert.equal(bloomMayContain(bad, 'zzzz'), true);
    assert.equal(bloomMayContain(buildBloom(['abcdefgh']).subarray(0, 17), 'zzzz'), true);
    const other = buildBloom(['abcdefghijklmnop']);
    const gramKey = GRAM_KEY_PREFIX + long;
    assert.equal(bloomMayContain(other, gramKey), false);
    assert.equal(bloomMayContain(other, long), false);
    other[5] = 9; // another window: minimizers not comparable
    assert.equal(bloomMayContain(other, gramKey), true);
    assert.equal(bloomMayContain(other, long), true);
    assert.equal(bloomMayContain(other, 'zzzz'), false);
    other[5] = 4;
    other[6] &= ~FLAG_ORDER31; // minimizers of another order
    assert.equal(bloomMayContain(other, gramKey), true);
    assert.equal(bloomMayContain(other, 'zzzz'), false);
    other[6] |= FLAG_ORDER31;
    assert.equal(bloomMayContain(other, gramKey), false);
    other[7] = MIN_GRAM_RUN + 2; // runs of 11–12 units would sit in the token section
    assert.equal(bloomMayContain(other, gramKey), true);
  });

  it('buildBloomUtf8 of the joined UTF-8 bytes is the same bloom as buildBloom of the lines', () => {
    // Lone surrogates (the generator splits '😀') are U+FFFD in UTF-8, as a chunk stores them.
    const stored = (l: string): string => Buffer.from(l, 'utf8').toString('utf8');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const utf8 = buildBloomUtf8(Buffer.from(lines.join('\n'), 'utf8'));
        assert.deepEqual(utf8, buildBloom(lines.map(stored)));
      }),
      { numRuns: 1000 },
    );
    const long = [
      'x'.repeat(11),
      'a'.repeat(30),
      `a${'0123456789abcdef'.repeat(4)}é${'fedcba9876543210'.repeat(3)}`,
      'ünïcødé_wörd 0123456789ü',
    ];
    assert.deepEqual(buildBloomUtf8(Buffer.from(long.join('\n'))), buildBloom(long));
    assert.deepEqual(buildBloomUtf8(new Uint8Array(0)), buildBloom([]));
  });
});

describe('HashList.distinct', () => {
  it('estimates distinct hashes within 2%, duplicates or not', () => {
    for (const n of [0, 1, 10, 1000, 50_000]) {
      const list = new HashList(4);
      // As the bloom's keys: fmix32 outputs (linear counting reads their low bits).
      const hs = Array.from({ length: n }, (_, i) => fmix32(i + n));
      for (const h of hs) list.push(h);
      for (let i = 0; i < n; i += 3) list.push(hs[i]);
      const got = list.distinct();
      assert.ok(Math.abs(got - n) <= Math.max(1, n * 0.02), `n=${n} got=${got}`);
    }
  });
});

describe('golden blooms (testdata/codec)', () => {
  const dir = join(process.cwd(), 'src/logs/testdata/codec');
  const lines = (JSON.parse(readFileSync(join(dir, 'v1.json'), 'utf8')) as { lines: string[] })
    .lines;
  const absent = [
    'fedcba98765432100123456789abcdef',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'b33c768c6416d128fedcba9876543210',
    '"trace_id":"00000000000000000000000000000000"',
    ' level=fatal ',
    ' kube-probe/2.0 lost ',
    '"msg":"notthere"',
    '"level":"error"',
  ];
  const substrings = (l: string): string[] => {
    const out: string[] = [];
    for (let s = 0; s < l.length; s++)
      for (let e = s + 1; e <= l.length; e++) out.push(l.slice(s, e));
    return out;
  };

  it('reads version 1 blooms written by earlier code: no false negatives, absent ids skipped', () => {
    const v1 = new Uint8Array(readFileSync(join(dir, 'v1.bloom.bin')));
    assert.equal(v1[1], 1);
    for (const l of lines)
      for (const sub of substrings(l)) assert.equal(mayHold(v1, sub), true, sub);
    // Version 1 holds long tokens whole: a plain key (earlier queries) is checked there.
    assert.equal(bloomMayContain(v1, '768c6416d128dbbc0f5de400eb22b33c'), true);
    assert.equal(bloomMayContain(v1, '768c6416d128dbbc0f5de400eb22b33d'), false);
    assert.equal(bloomMayContain(v1, '6282'), true, 'v1 indexed numbers');
    for (const lit of absent) assert.equal(mayHold(v1, lit), false, lit);
  });

  it('builds the version 2 golden bytes (hashes and sizing are part of the format)', () => {
    const v2 = new Uint8Array(readFileSync(join(dir, 'v2.bloom.bin')));
    assert.deepEqual(buildBloom(lines), v2);
    assert.deepEqual(buildBloomUtf8(Buffer.from(lines.join('\n'), 'utf8')), v2);
    for (const l of lines)
      for (const sub of substrings(l)) assert.equal(mayHold(v2, sub), true, sub);
    for (const lit of absent) assert.equal(mayHold(v2, lit), false, lit);
  });
});
