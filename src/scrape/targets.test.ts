import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testGlobal, testJobs } from './scrape-test-helpers.js';
import { buildTargets, populateTarget, type RelabelFn } from './targets.js';

const GLOBAL = testGlobal(15_000, 10_000);
const cfg = (over: object) => testJobs(GLOBAL, { job_name: 'node', ...over })[0];
const identity: RelabelFn = (l) => l;

describe('target label population', () => {
  it('adds job and instance, builds the URL, drops __ labels from the result', () => {
    const t = populateTarget(
      cfg({ params: { module: ['http_2xx'] } }),
      { source: 's', targets: [], labels: { env: 'prod' } },
      { __address__: 'host:9100', __meta_x: 'y' },
      identity,
    );
    assert.ok(!('dropped' in t));
    assert.deepEqual(t.labels, { job: 'node', env: 'prod', instance: 'host:9100' });
    assert.equal(t.url, 'http://host:9100/metrics?module=http_2xx');
    assert.equal(t.discoveredLabels.__meta_x, 'y');
    assert.equal(t.discoveredLabels.__scrape_interval__, '15s');
    assert.equal(t.scrapeIntervalMs, 15_000);
    assert.equal(t.scrapeTimeoutMs, 10_000);
  });

  it('honours relabeled __scheme__, __metrics_path__, __param_*, intervals and instance', () => {
    const relabel: RelabelFn = (l) => ({
      ...l,
      __scheme__: 'https',
      __metrics_path__: '/probe',
      __param_target: l.__address__,
      __address__: 'blackbox:9115',
      __scrape_interval__: '5s',
      __scrape_timeout__: '10s',
      instance: 'site-a',
    });
    const t = populateTarget(
      cfg({}),
      { source: 's', targets: [], labels: {} },
      { __address__: 'a.example' },
      relabel,
    );
    assert.ok(!('dropped' in t));
    assert.equal(t.url, 'https://blackbox:9115/probe?target=a.example');
    assert.equal(t.labels.instance, 'site-a');
    assert.equal(t.scrapeIntervalMs, 5_000);
    assert.equal(t.scrapeTimeoutMs, 5_000, 'timeout capped at the interval');
  });

  it('adds the scheme default port to the URL but not to instance (Prometheus 3)', () => {
    const t = populateTarget(
      cfg({ scheme: 'https' }),
      { source: 's', targets: [], labels: {} },
      { __address__: 'h' },
      identity,
    );
    assert.ok(!('dropped' in t));
    assert.equal(t.url, 'https://h:443/metrics');
    assert.equal(t.labels.instance, 'h');
  });

  it('drops targets relabeled away or left without an address, keeping them for the API', () => {
    const drop: RelabelFn = (l) =>
      l.env === 'dev' ? undefined : { ...l, __address__: l.env === 'none' ? '' : l.__address__ };
    const set = buildTargets(
      cfg({}),
      [
        {
          source: 'a',
          targets: [{ __address__: 'x:1' }, { __address__: 'y:1' }],
          labels: { env: 'dev' },
        },
        { source: 'b', targets: [{ __address__: 'z:1' }], labels: { env: 'none' } },
        { source: 'c', targets: [{ __address__: 'w:1' }, { __address__: 'w:1' }], labels: {} },
      ],
      drop,
    );
    assert.deepEqual(
      set.active.map((t) => t.labels.instance),
      ['w:1'],
      'duplicates scraped once',
    );
    assert.equal(set.dropped.length, 3);
    assert.equal(set.dropped[0].discoveredLabels.__address__, 'x:1');
  });

  it('keeps at most keep_dropped_targets dropped targets', () => {
    const set = buildTargets(
      cfg({ keep_dropped_targets: 1 }),
      [{ source: 'a', targets: [{ __address__: 'x:1' }, { __address__: 'y:1' }], labels: {} }],
      () => undefined,
    );
    assert.equal(set.dropped.length, 1);
  });
});
