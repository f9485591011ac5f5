import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goToLower, goToUpper } from './case.js';
import { compileAnchored, expandTemplate, RelabelConfigError } from './regex.js';

describe('compileAnchored', () => {
  it('matches whole values only, with . matching newlines', () => {
    const re = compileAnchored('a.c|x+');
    assert.equal(re.matches('abc'), true);
    assert.equal(re.matches('a\nc'), true);
    assert.equal(re.matches('xabc'), false);
    assert.equal(re.matches('xxx'), true);
    assert.equal(re.matches(''), false);
  });

  it('answers the engine-free shapes like the engine', () => {
    for (const [src, yes, no] of [
      ['.*', ['', 'a\n'], []],
      ['.+', ['a', '\n'], ['']],
      ['foo', ['foo'], ['fo', 'foox']],
      ['a|b|c', ['a', 'c'], ['ab', '']],
      ['', [''], ['a']],
      ['__tmp_.*', ['__tmp_', '__tmp_a\n'], ['__tmp', 'x__tmp_a']],
      ['go_.*|process_.*', ['go_x', 'process_'], ['gox', 'x_go_', '']],
      ['a.*|b', ['a', 'ab', 'b'], ['ba', 'c']], // not all prefixes: the engine answers
    ] as [string, string[], string[]][]) {
      const re = compileAnchored(src);
      for (const s of yes) assert.equal(re.matches(s), true, `${src} ~ ${JSON.stringify(s)}`);
      for (const s of no) assert.equal(re.matches(s), false, `${src} !~ ${JSON.stringify(s)}`);
      for (const s of [...yes, ...no]) assert.equal(re.exec(s) !== undefined, yes.includes(s));
    }
  });

  it('names the regex when it does not compile', () => {
    assert.throws(
      () => compileAnchored('(a'),
      (err: unknown) =>
        err instanceof RelabelConfigError &&
        err.message === 'cannot compile regex "(a": missing closing )',
    );
  });
});

describe('expandTemplate (Go regexp.Expand)', () => {
  const m = compileAnchored('(?P<first>a)(b)?(?P<rest>c*)').exec('acc')!;
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['$1', 'a'],
    ['${1}', 'a'],
    ['$0', 'acc'],
    ['$2', ''], // unset group
    ['$3', 'cc'],
    ['$9', ''], // no such group
    ['$first-$rest', 'a-cc'],
    ['${first}x', 'ax'],
    ['$firstx', ''], // the name runs on: group "firstx" does not exist
    ['$1x', ''],
    ['$01', ''], // leading zero: a name, not a number
    ['$$1', '$1'],
    ['$', '$'],
    ['a$-b', 'a$-b'],
    ['${1', '${1'],
    ['${}', '${}'],
    ['$é', ''], // letters beyond ASCII are name characters too
    ['[$1][$3]', '[a][cc]'],
  ];
  for (const [tpl, want] of cases) {
    it(`${JSON.stringify(tpl)} → ${JSON.stringify(want)}`, () => {
      assert.equal(expandTemplate(tpl, m), want);
    });
  }
});

describe('Go-style case mapping', () => {
  it('maps one code point to one code point', () => {
    assert.equal(goToLower('ABC-xyz'), 'abc-xyz');
    assert.equal(goToUpper('abc-XYZ'), 'ABC-XYZ');
    assert.equal(goToUpper('ß'), 'ß');
    assert.equal(goToUpper('ﬁ'), 'ﬁ');
    assert.equal(goToLower('İ'), 'i');
    assert.equal(goToLower('ΣΑΣ'), 'σασ');
    assert.equal(goToUpper('é😀ö'), 'É😀Ö');
    assert.equal(goToLower('𐐀'), '𐐨'); // astral letters (Deseret) map too
  });
});
