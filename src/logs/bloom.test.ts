import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bloomMayContain, buildBloom, buildBloomUtf8 } from './bloom.js';
import { GRAM_KEY_PREFIX, queryTokens } from './tokenize.js';

// Lines biased towards word runs, separators and non-ASCII (surrogate pairs included).
const unit = fc.constantFrom(...'abcdefAB01239_ .:-="/\n{}é😀'.split(''), 'ü', '\u00ff');
const run = fc.stringMatching(/^[a-f0-9]{10,40}$/);
const line = fc.array(fc.oneof(unit, run), { maxLength: 30 }).map((a) => a.join(''));

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
    const keys = queryTokens([{ op: '|=', value: id }]);
    assert.ok(keys.length > 0);
    assert.ok(keys.every((k) => bloomMayContain(withId, k)));
    assert.equal(
      keys.every((k) => bloomMayContain(without, k)),
      false,
    );
    assert.equal(bloomMayContain(withId, 'level'), true);
    assert.equal(bloomMayContain(without, 'warning'), false);
  });

  it('keeps the false-positive rate of absent tokens near 1%', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `tok${i}a tokb${i * 7}`);
    const bloom = buildBloom(lines);
    let fp = 0;
    for (let i = 0; i < 10000; i++) if (bloomMayContain(bloom, `absent${i}`)) fp++;
    assert.ok(fp < 300, `false positives ${fp} of 10000`);
  });

  it('an empty chunk contains no key; unreadable blooms answer true', () => {
    const empty = buildBloom(['', 'a b c']);
    assert.equal(bloomMayContain(empty, 'abcd'), false);
    assert.equal(bloomMayContain(empty, GRAM_KEY_PREFIX + 'abcdefgh'), false);
    assert.equal(bloomMayContain(new Uint8Array(0), 'abcd'), true);
    const bad = buildBloom(['abcd']);
    bad[1] = 99;
    assert.equal(bloomMayContain(bad, 'zzzz'), true);
    assert.equal(bloomMayContain(buildBloom(['abcdefgh']).subarray(0, 17), 'zzzz'), true);
    const otherWindow = buildBloom(['abcdefghijklmnop']);
    const gramKey = GRAM_KEY_PREFIX + 'zzzzzzzz';
    assert.equal(bloomMayContain(otherWindow, gramKey), false);
    otherWindow[5] = 9;
    assert.equal(bloomMayContain(otherWindow, gramKey), true);
    assert.equal(bloomMayContain(otherWindow, 'zzzz'), false);
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
      `a${'0123456789abcdef'.repeat(4)}é${'fedcba9876543210'.repeat(3)}`,
    ];
    assert.deepEqual(buildBloomUtf8(Buffer.from(long.join('\n'))), buildBloom(long));
    assert.deepEqual(buildBloomUtf8(new Uint8Array(0)), buildBloom([]));
  });
});
