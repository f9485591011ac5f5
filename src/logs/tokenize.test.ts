import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  forEachMinimizer,
  forEachToken,
  GRAM_KEY_PREFIX,
  hashRange,
  isWordUnit,
  queryTokens,
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

const mins = (run: string): string[] => {
  const out = new Set<string>();
  forEachMinimizer(run, 0, run.length, (_, p) => out.add(GRAM_KEY_PREFIX + run.slice(p, p + 8)));
  return [...out];
};

describe('forEachMinimizer', () => {
  it('reports one gram per window, shared windows once', () => {
    assert.deepEqual(mins('abcdefghij'), []);
    assert.equal(mins('abcdefghijk').length, 1);
    const long = mins('4bf92f3577b34da6a3ce929d0e0e4736');
    assert.ok(long.length >= 2 && long.length <= 25, String(long.length));
  });
});

describe('queryTokens', () => {
  const g = (s: string) => GRAM_KEY_PREFIX + s;
  const cases: [string, string, string[]][] = [
    ['inner tokens only', 'a level=error msg', ['level', 'error']],
    ['short inner token dropped', ' ab=error ', ['error']],
    ['edge runs < 8 give nothing', 'level=error', []],
    ['one word < 11 units: nothing', '4bf92f3577', []],
    ['one word: its minimizers', 'aaaaaaaaaaaaaaaa', [g('aaaaaaaa')]],
    [
      'edge run minimizers + inner token',
      'x=1 4bf92f35 trace_id_of_request',
      ['4bf92f35', ...mins('trace_id_of_request')],
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
