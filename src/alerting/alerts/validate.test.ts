import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertValidationError } from './errors.js';
import { validateAlert } from './validate.js';

describe('validateAlert (API v2 postableAlert)', () => {
  it('converts a valid alert, dropping empty label values; absent times stay 0', () => {
    const a = validateAlert({
      labels: { alertname: 'Up', job: 'node', empty: '' },
      annotations: { summary: 's' },
      startsAt: '2024-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph',
    });
    assert.deepEqual(a.labels.toObject(), { alertname: 'Up', job: 'node' });
    assert.deepEqual(a.annotations, { summary: 's' });
    assert.equal(a.startsAt, Date.UTC(2024, 0, 1));
    assert.equal(a.endsAt, 0);
    assert.equal(a.generatorURL, 'http://prom/graph');
    assert.equal(validateAlert({ labels: { a: 'b' }, endsAt: '0001-01-01T00:00:00Z' }).endsAt, 0);
    assert.deepEqual(validateAlert({ labels: { 'ünï code': 'v' } }).labels.toObject(), {
      'ünï code': 'v',
    });
  });

  const bad: [string, unknown, string, ('utf8' | 'legacy')?][] = [
    ['not an object', [], 'alert in body must be of type object'],
    ['no labels', { annotations: {} }, 'labels in body is required'],
    ['labels not an object', { labels: 'x' }, 'labels in body must be of type object'],
    ['a label value not a string', { labels: { a: 1 } }, 'labels.a in body must be of type string'],
    ['only empty labels', { labels: { a: '' } }, 'at least one label pair required'],
    ['empty label set', { labels: {} }, 'at least one label pair required'],
    [
      'ends before it starts',
      { labels: { a: 'b' }, startsAt: '2024-01-02T00:00:00Z', endsAt: '2024-01-01T00:00:00Z' },
      'start time must be before end time',
    ],
    [
      'bad time',
      { labels: { a: 'b' }, startsAt: 'yesterday' },
      'startsAt in body must be of type date-time: "yesterday"',
    ],
    [
      'legacy name check',
      { labels: { 'a-b': 'c' } },
      'invalid label set: invalid name "a-b"',
      'legacy',
    ],
    ['empty name', { labels: { '': 'c' } }, 'invalid label set: invalid name ""'],
    [
      'lone surrogate value',
      { labels: { a: '\ud800' } },
      'invalid label set: invalid value "\ud800"',
    ],
    [
      'bad annotation name',
      { labels: { a: 'b' }, annotations: { 'x y': 'z' } },
      'invalid annotations: invalid name "x y"',
      'legacy',
    ],
    [
      'annotations not strings',
      { labels: { a: 'b' }, annotations: { x: 2 } },
      'annotations.x in body must be of type string',
    ],
    [
      'generatorURL not a string',
      { labels: { a: 'b' }, generatorURL: 3 },
      'generatorURL in body must be of type uri',
    ],
  ];
  for (const [name, raw, msg, mode] of bad) {
    it(`rejects: ${name}`, () => {
      assert.throws(
        () => validateAlert(raw, 3, mode),
        (err: unknown) => {
          assert.ok(err instanceof AlertValidationError);
          assert.equal(err.message, `cannot accept alert 3: ${msg}`);
          return true;
        },
      );
    });
  }
});
