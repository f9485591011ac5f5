import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  forEachMinimizer,
  forEachToken,
  GRAM_KEY_PREFIX,
  hashRange,
  isDigits,
  isWordUnit,
  MIN_GRAM_RUN,
  queryTokens,
  tokenHash,
} from './tokenize.js';

const tokens = (line: string): string[] => {
  const out: string[] = [];
  forEachToken(line, (s, e) => out.push(line.slice(s, e)));
  return out;
};

describe('forEachToken', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['abc', []],
    ['abcd', ['abcd']],
    ['2026-11-27T16:58:19.123Z level=info', ['2026', '27T16', '123Z', 'level', 'info']],
    ['GET /api/v1/query_range HTTP/1.1', ['query_range', 'HTTP']],
    ['10.0.0.1:8080 trace_id=4bf92f35', ['8080', 'trace_id', '4bf92f35']],
    ['"user":"Ærøskøbing" ünïcødé', ['user', 'Ærøskøbing', 'ünïcødé']],
    ['emoji 😀😀x', ['emoji', '😀😀x']],
  ];
  for (const [line, want] of cases)
    it(JSON.stringify(line), () => assert.deepEqual(tokens(line), want));
});

describe('isWordUnit', () => {
  it('classifies ASCII and non-ASCII units', () => {
    for (const c of 'azAZ09_é') assert.equal(isWordUnit(c.charCodeAt(0)), true, c);
    for (const c of ' .:-="/\n\\{') assert.equal(isWordUnit(c.charCodeAt(0)), false, c);
  });
});

describe('hashRange', () => {
  it('hashes a range like the whole string', () => {
    assert.equal(hashRange('xx trace yy', 3, 8), hashRange('trace', 0, 5));
    assert.notEqual(hashRange('trace', 0, 5), hashRange('tracf', 0, 5));
  });
});

const mins = (run: string, version: 1 | 2 = 2): string[] => {
  const out = new Set<string>();
  forEachMinimizer(run, 0, run.length, (_, p) => out.add(run.slice(p, p + 8)), version);
  return [...out];
};

describe('forEachMinimizer', () => {
  it('reports one gram per window, shared windows once', () => {
    for (const v of [1, 2] as const) {
      assert.deepEqual(mins('abcdefghij', v), []);
      assert.equal(mins('abcdefghijk', v).length, 1);
      const long = mins('4bf92f3577b34da6a3ce929d0e0e4736', v);
      assert.ok(long.length >= 2 && long.length <= 25, String(long.length));
    }
    // A run of one repeated gram: one minimizer (version 2 reports by value).
    let n = 0;
    forEachMinimizer('a'.repeat(30), 0, 30, () => n++);
    assert.equal(n, 1);
  });

  it('picks the same minimizers in a run and in any substring of ≥ 11 units of it', () => {
    const run = '4bf92f3577b34da6a3ce929d0e0e4736deadbeef';
    const all = new Set<number>();
    forEachMinimizer(run, 0, run.length, (h) => all.add(h));
    for (let s = 0; s + MIN_GRAM_RUN <= run.length; s++)
      for (let e = s + MIN_GRAM_RUN; e <= run.length; e++)
        forEachMinimizer(run, s, e, (h) => assert.ok(all.has(h), `${s}..${e}`));
  });
});

describe('tokenHash', () => {
  it('hashes a range like the whole string, 4 units at a time', () => {
    assert.equal(tokenHash('xx trace yy', 3, 8), tokenHash('trace', 0, 5));
    const seen = new Set<number>();
    for (const t of ['abcd', 'abce', 'bacd', 'abcdefgh', 'abcdefghi', 'abcdefgh0', 'ü_wörd'])
      seen.add(tokenHash(t, 0, t.length));
    assert.equal(seen.size, 7);
  });
});

describe('isDigits', () => {
  it('is true for ASCII digit ranges only', () => {
    assert.equal(isDigits('a0123b', 1, 5), true);
    assert.equal(isDigits('a0123b', 0, 5), false);
    assert.equal(isDigits('12٣4', 0, 4), false);
  });
});

describe('queryTokens', () => {
  const g = (s: string) => GRAM_KEY_PREFIX + s;
  const cases: [string, string, string[]][] = [
    ['inner tokens only', 'a level=error msg', ['level', 'error']],
    ['short inner token dropped', ' ab=error ', ['error']],
    ['edge runs < 11 give nothing', 'level=error', []],
    ['one word < 11 units: nothing', '4bf92f3577', []],
    ['one word: the run', 'aaaaaaaaaaaaaaaa', [g('aaaaaaaaaaaaaaaa')]],
    [
      'long runs anywhere give the run, inner ones the token too',
      'x=1 4bf92f35 trace_id_of_request "4bf92f3577b34da6a3ce929d0e0e4736" y',
      [
        '4bf92f35',
        g('trace_id_of_request'),
        'trace_id_of_request',
        g('4bf92f3577b34da6a3ce929d0e0e4736'),
        '4bf92f3577b34da6a3ce929d0e0e4736',
      ],
    ],
    ['empty literal', '', []],
  ];
  for (const [name, lit, want] of cases)
    it(name, () => assert.deepEqual(queryTokens([{ op: '|=', value: lit }]).sort(), want.sort()));

  it('ignores negative and regex filters and dedupes', () => {
    assert.deepEqual(
      queryTokens([
        { op: '!=', value: ' debug ' },
        { op: '|~', value: ' error ' },
        { op: '!~', value: ' x ' },
        { op: '|=', value: ' error ' },
        { op: '|=', value: '= error =' },
      ]),
      ['error'],
    );
  });
});
