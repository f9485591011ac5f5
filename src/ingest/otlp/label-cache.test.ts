import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildLabels } from './convert.js';
import { LabelCache } from './label-cache.js';

describe('LabelCache', () => {
  it('returns the same Labels object for the same inputs, and distinct ones otherwise', () => {
    let built = 0;
    const c = new LabelCache(100, (n, a, p, e) => {
      built++;
      return buildLabels(n, a, p, e);
    });
    const a = c.get('m', [['k', 'v']], [['job', 'j']], []);
    assert.equal(c.get('m', [['k', 'v']], [['job', 'j']], []), a);
    assert.equal(built, 1);
    // Inputs that would collide under naive separator joining stay apart.
    const x = c.get('m', [['a', 'b|1:c1:d']], [], []);
    const y = c.get(
      'm',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
      [],
      [],
    );
    assert.notEqual(x.toString(), y.toString());
    assert.equal(c.get('m', [], [['k', 'v']], []).toString(), '{__name__="m", k="v"}');
    assert.notEqual(c.get('m', [], [['k', 'v']], []), c.get('m', [['k', 'v']], [], []));
  });

  it('is bounded: old entries are dropped after two generations', () => {
    let built = 0;
    const c = new LabelCache(4, (n, a, p, e) => {
      built++;
      return buildLabels(n, a, p, e);
    });
    for (let i = 0; i < 10; i++) c.get(`m${i}`, [], [], []);
    assert.equal(built, 10);
    c.get('m9', [], [], []); // still young
    c.get('m0', [], [], []); // long gone: rebuilt
    assert.equal(built, 11);
  });
});
