import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachToken, GRAM_KEY_PREFIX, hashRange, isWordUnit, queryTokens } from './tokenize.js';

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

describe('queryTokens', () => {
  const g = (s: string) => GRAM_KEY_PREFIX + s;
  const cases: [string, string, string[]][] = [
    ['inner tokens only', 'a level=error msg', ['level', 'error']],
    ['short inner token dropped', ' ab=error ', ['error']],
    ['edge runs < 8 give nothing', 'level=error', []],
    ['one word: its 8-grams', '4bf92f3577', [g('4bf92f35'), g('bf92f357'), g('f92f3577')]],
    ['edge run grams + inner token', 'trace_id=4bf92f35 status', [g('trace_id'), '4bf92f35']],
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
