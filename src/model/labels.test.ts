import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidLabelsError, Labels } from './labels.js';
import { DEFAULT_LABEL_LIMITS, validateLabels } from './validation.js';

describe('Labels', () => {
  it('sorts pairs, drops empty values and rejects duplicate names', () => {
    const l = Labels.fromObject({ b: '2', a: '1', __name__: 'm', empty: '' });
    assert.deepEqual(l.flat, ['__name__', 'm', 'a', '1', 'b', '2']);
    assert.equal(l.size, 3);
    assert.equal(l.metricName, 'm');
    assert.equal(l.get('a'), '1');
    assert.equal(l.get('missing'), '');
    assert.ok(l.has('b') && !l.has('empty'));
    assert.equal(l.name(1), 'a');
    assert.equal(l.value(1), '1');
    assert.throws(
      () =>
        Labels.fromPairs([
          ['a', '1'],
          ['a', '2'],
        ]),
      /duplicate label name "a"/,
    );
  });

  it('checks sorted flat arrays it adopts', () => {
    assert.equal(Labels.fromSortedFlat(['a', '1', 'b', '2']).toString(), '{a="1", b="2"}');
    assert.throws(
      () => Labels.fromSortedFlat(['b', '1', 'a', '2']),
      /labels not sorted: "b" before "a"/,
    );
    assert.throws(() => Labels.fromSortedFlat(['a', '1', 'a', '2']), /duplicate label name "a"/);
    assert.throws(() => Labels.fromSortedFlat(['a', '']), /label "a" has an empty value/);
  });

  it('hashes and compares consistently', () => {
    const a = Labels.fromObject({ x: '1', y: '2' });
    const b = Labels.fromPairs([
      ['y', '2'],
      ['x', '1'],
    ]);
    const c = Labels.fromObject({ x: '1', y: '3' });
    assert.equal(a.hash(), b.hash());
    assert.notEqual(a.hash(), c.hash());
    assert.ok(Number.isSafeInteger(a.hash()));
    assert.ok(a.equals(b) && !a.equals(c));
    assert.equal(Labels.compare(a, b), 0);
    assert.ok(Labels.compare(a, c) < 0);
    assert.ok(Labels.compare(Labels.fromObject({ x: '1' }), a) < 0);
    // separator: ["ab","c"] vs ["a","bc"]
    assert.notEqual(
      Labels.fromSortedFlat(['ab', 'c']).hash(),
      Labels.fromSortedFlat(['a', 'bc']).hash(),
    );
  });

  it('converts and strips labels', () => {
    const l = Labels.fromObject({ __name__: 'up', job: 'a"b' });
    assert.deepEqual(l.toObject(), { __name__: 'up', job: 'a"b' });
    assert.equal(l.toString(), '{__name__="up", job="a\\"b"}');
    assert.deepEqual(l.without('__name__').flat, ['job', 'a"b']);
    assert.equal(Labels.EMPTY.toString(), '{}');
  });
});

describe('validateLabels', () => {
  const bad: [string, Record<string, string>, RegExp][] = [
    ['no labels', {}, /series has no labels/],
    ['no name', { job: 'x' }, /has no metric name/],
    [
      'lone surrogate in value',
      { __name__: 'm', a: 'x\ud800' },
      /value of label "a" is not valid UTF-8/,
    ],
    ['lone surrogate in name', { __name__: 'm', ['\udc00']: 'x' }, /invalid label name/],
    [
      'long value',
      { __name__: 'm', a: 'v'.repeat(5000) },
      /is 5000 characters long, more than the limit of 4096/,
    ],
    [
      'long name',
      { __name__: 'm', ['n'.repeat(2000)]: 'v' },
      /label name .* is 2000 characters long/,
    ],
  ];
  for (const [what, obj, err] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => validateLabels(Labels.fromObject(obj)),
        (e: Error) => e instanceof InvalidLabelsError && err.test(e.message),
      );
    });
  }

  it('limits the number of labels', () => {
    const obj: Record<string, string> = { __name__: 'm' };
    for (let i = 0; i < 64; i++) obj[`l${i}`] = 'v';
    assert.throws(
      () => validateLabels(Labels.fromObject(obj)),
      /has 65 labels, more than the limit of 64/,
    );
  });

  it('accepts UTF-8 names in utf8 mode and rejects them in legacy mode', () => {
    const l = Labels.fromObject({ __name__: 'http.requests', 'service.name': 'café ☕' });
    validateLabels(l);
    assert.throws(
      () => validateLabels(l, DEFAULT_LABEL_LIMITS, 'legacy'),
      /invalid metric name "http.requests"/,
    );
    assert.throws(
      () =>
        validateLabels(
          Labels.fromObject({ __name__: 'ok', 'service.name': 'x' }),
          DEFAULT_LABEL_LIMITS,
          'legacy',
        ),
      /invalid label name "service.name"/,
    );
    validateLabels(
      Labels.fromObject({ __name__: 'ok:rate5m', job_1: 'x' }),
      DEFAULT_LABEL_LIMITS,
      'legacy',
    );
  });
});
