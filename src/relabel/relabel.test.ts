import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { Labels } from '../model/index.js';
import { mulberry32 } from '../util/index.js';
import { relabelConfigSchema } from './config.js';
import { compileRelabel, hashMod, relabel } from './relabel.js';

interface Case {
  name: string;
  rules: unknown[];
  input: Record<string, string>;
  output?: Record<string, string>;
  dropped?: boolean;
}

const CASES = parse(
  readFileSync(path.resolve(process.cwd(), 'src/relabel/testdata/cases.yml'), 'utf8'),
) as Case[];

const rulesSchema = z.array(relabelConfigSchema);

describe('relabel table (testdata/cases.yml)', () => {
  it('has at least 60 cases, each with an output or dropped', () => {
    assert.ok(CASES.length >= 60, `got ${CASES.length} cases`);
    for (const c of CASES) assert.ok((c.output !== undefined) !== (c.dropped === true), c.name);
  });
  for (const c of CASES) {
    it(c.name, () => {
      const program = compileRelabel(rulesSchema.parse(c.rules));
      const got = relabel(program, Labels.fromObject(c.input));
      if (c.dropped) assert.equal(got, undefined);
      else {
        assert.ok(got !== undefined, 'dropped, want kept');
        assert.deepEqual(got.toObject(), c.output);
      }
    });
  }
});

describe('relabel', () => {
  it('returns the input instance when no rule changes anything', () => {
    const ls = Labels.fromObject({ __name__: 'up', job: 'api', instance: 'h:1' });
    const program = compileRelabel([
      { source_labels: ['job'], regex: 'api|web', action: 'keep' },
      { source_labels: ['job'], target_label: 'job' },
      { regex: '__tmp_.*', action: 'labeldrop' },
      { source_labels: ['nope'], target_label: 'gone', replacement: '' },
    ]);
    assert.equal(relabel(program, ls), ls);
  });

  it('does not modify its input', () => {
    const ls = Labels.fromObject({ a: 'foo', b: 'bar' });
    const program = compileRelabel([
      { source_labels: ['a'], target_label: 'c' },
      { regex: 'b', action: 'labeldrop' },
    ]);
    assert.deepEqual(relabel(program, ls)?.toObject(), { a: 'foo', c: 'foo' });
    assert.deepEqual(ls.toObject(), { a: 'foo', b: 'bar' });
  });

  it('skips a replace whose expanded target is not a legacy name when asked for legacy', () => {
    const rules = [{ source_labels: ['a'], target_label: 'x_${1}' }];
    const ls = Labels.fromObject({ a: 'a.b' });
    assert.deepEqual(relabel(compileRelabel(rules), ls)?.toObject(), { a: 'a.b', 'x_a.b': 'a.b' });
    const legacy = compileRelabel(rules, { nameValidation: 'legacy' });
    assert.equal(relabel(legacy, ls), ls);
    assert.deepEqual(relabel(legacy, Labels.fromObject({ a: 'ok' }))?.toObject(), {
      a: 'ok',
      x_ok: 'ok',
    });
  });

  it('computes hashmod as md5, last 8 bytes big-endian, modulo', () => {
    // Independently computed (Python hashlib) for the same inputs.
    assert.equal(hashMod('baz', 1000n), '976');
    assert.equal(hashMod('10.0.0.1:9100', 4n), '1');
    assert.equal(hashMod('', 3n), '1');
  });

  it('property: an empty program and keep of .* are identities', () => {
    const rand = mulberry32(42);
    const alphabet = ['a', 'b', '_', 'é', '.', '1', '\n', 'Z', '€'];
    const word = (min: number): string => {
      let s = '';
      const n = min + Math.floor(rand() * 6);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      return s;
    };
    const empty = compileRelabel([]);
    const keepAll = compileRelabel([
      { source_labels: ['a', 'missing'], regex: '.*', action: 'keep' },
    ]);
    const keepAllRe = compileRelabel([{ source_labels: ['a'], regex: '(?:.*)', action: 'keep' }]);
    for (let i = 0; i < 500; i++) {
      const obj: Record<string, string> = {};
      const n = Math.floor(rand() * 6);
      for (let j = 0; j < n; j++) obj[word(1)] = word(0);
      const ls = Labels.fromObject(obj);
      assert.equal(relabel(empty, ls), ls);
      assert.equal(relabel(keepAll, ls), ls);
      assert.equal(relabel(keepAllRe, ls), ls);
    }
  });
});
