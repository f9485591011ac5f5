import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  filterTargets,
  formatScrapeDuration,
  groupTargets,
  healthCounts,
  relativeTime,
  shownLabels,
  type TargetLike,
} from '../../web/src/lib/targets.js';

const t = (job: string, url: string, health: TargetLike['health'], lastError = ''): TargetLike => ({
  scrapePool: job,
  scrapeUrl: url,
  labels: { job, instance: url.replace(/^http:\/\//, '').replace(/\/metrics$/, ''), env: 'prod' },
  health,
  lastError,
  lastScrape: '2026-01-01T00:00:00Z',
  lastScrapeDuration: 0.01,
});

const all = [
  t('node', 'http://b:9100/metrics', 'up'),
  t('node', 'http://a:9100/metrics', 'down', 'connect ECONNREFUSED a:9100'),
  t('app', 'http://c:8080/metrics', 'unknown'),
];

describe('targets', () => {
  it('groups by job with up counts, jobs and endpoints sorted', () => {
    const g = groupTargets(all);
    assert.deepEqual(
      g.map((x) => [x.job, x.up, x.total, x.targets.map((y) => y.scrapeUrl)]),
      [
        ['app', 0, 1, ['http://c:8080/metrics']],
        ['node', 1, 2, ['http://a:9100/metrics', 'http://b:9100/metrics']],
      ],
    );
  });

  it('filters by health and by text over job, endpoint, labels and error', () => {
    const urls = (f: Parameters<typeof filterTargets>[1]) =>
      filterTargets(all, f).map((x) => x.scrapeUrl);
    assert.deepEqual(urls({ text: '', health: 'down' }), ['http://a:9100/metrics']);
    assert.deepEqual(urls({ text: 'ECONNREFUSED', health: 'all' }), ['http://a:9100/metrics']);
    assert.deepEqual(urls({ text: 'APP', health: 'all' }), ['http://c:8080/metrics']);
    assert.deepEqual(urls({ text: 'env=prod', health: 'up' }), ['http://b:9100/metrics']);
    assert.deepEqual(urls({ text: 'nothing', health: 'all' }), []);
    assert.deepEqual(healthCounts(all), { up: 1, down: 1, unknown: 1 });
  });

  it('says how long ago, and never for the zero time', () => {
    const now = Date.parse('2026-01-01T00:00:12Z');
    assert.equal(relativeTime('2026-01-01T00:00:00Z', now), '12 s ago');
    assert.equal(relativeTime('2025-12-31T23:57:00Z', now), '3 min ago');
    assert.equal(relativeTime('2025-12-31T21:00:00Z', now), '3 h ago');
    assert.equal(relativeTime('2025-12-29T00:00:00Z', now), '3 d ago');
    assert.equal(relativeTime('2026-01-01T00:00:20Z', now), '0 s ago');
    assert.equal(relativeTime('0001-01-01T00:00:00Z', now), 'never');
    assert.equal(relativeTime('garbage', now), 'never');
  });

  it('formats durations and the labels shown', () => {
    assert.equal(formatScrapeDuration(0), '—');
    assert.equal(formatScrapeDuration(0.0004), '1 ms');
    assert.equal(formatScrapeDuration(0.0123), '12 ms');
    assert.equal(formatScrapeDuration(1.234), '1.23 s');
    assert.deepEqual(shownLabels({ job: 'x', zone: 'a', instance: 'i' }), [
      ['instance', 'i'],
      ['zone', 'a'],
    ]);
  });
});
