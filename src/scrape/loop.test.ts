import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels, Matcher } from '../model/index.js';
import { compileRelabel } from '../relabel/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import { nopLogger } from '../util/index.js';
import { testGlobal, testJobs } from './scrape-test-helpers.js';
import { ScrapeError } from './fetch.js';
import { mergeTargetLabels, ScrapeLoop, type FetchFn } from './loop.js';

const GLOBAL = testGlobal(15_000, 10_000);
const T0 = 1_700_000_000_000;
const TARGET = Labels.fromObject({ job: 'app', instance: 'h:1' });
const TEXT = 'text/plain; version=0.0.4';
const OM = 'application/openmetrics-text; version=1.0.0';

function loop(opts: { over?: object; store?: MemStore; metricRelabel?: object[] } = {}) {
  const store = opts.store ?? new MemStore();
  let body = '';
  let contentType = TEXT;
  let failure: Error | undefined;
  const fetch: FetchFn = async () => {
    if (failure) throw failure;
    return { body: Buffer.from(body), contentType };
  };
  const cfg = testJobs(GLOBAL, { job_name: 'app', ...opts.over })[0];
  const l = new ScrapeLoop({
    cfg,
    targetLabels: TARGET,
    url: 'http://h:1/metrics',
    timeoutMs: 1000,
    appendable: store,
    metadata: store,
    tenant: DEFAULT_TENANT,
    metricRelabel: compileRelabel(opts.metricRelabel ?? []),
    logger: nopLogger,
    fetch,
  });
  return {
    l,
    store,
    serve(b: string, ct = TEXT) {
      body = b;
      contentType = ct;
      failure = undefined;
    },
    fail(err: Error) {
      failure = err;
    },
    read(name: string) {
      return readSeries(store, [new Matcher('=', '__name__', name)]);
    },
  };
}

describe('mergeTargetLabels', () => {
  it('target labels win and clashing scraped ones become exported_*, unless honor_labels', () => {
    const scraped = Labels.fromObject({ __name__: 'm', job: 'theirs', exported_job: 'x', a: '' });
    assert.equal(
      mergeTargetLabels(scraped, TARGET, false).toString(),
      '{__name__="m", exported_exported_job="theirs", exported_job="x", instance="h:1", job="app"}',
    );
    assert.equal(
      mergeTargetLabels(scraped, TARGET, true).toString(),
      '{__name__="m", exported_job="x", instance="h:1", job="theirs"}',
    );
  });
});

describe('ScrapeLoop', () => {
  it('appends samples with target labels and the report series', async () => {
    const s = loop();
    s.serve('# TYPE reqs counter\nreqs{path="/"} 3\nreqs{path="/x"} 4\ntemp 21.5\n');
    const r = await s.l.scrape(T0);
    assert.deepEqual(
      { ...r, durationMs: 0 },
      {
        health: 'up',
        error: '',
        durationMs: 0,
        samplesScraped: 3,
        samplesPostRelabel: 3,
        seriesAdded: 3,
      },
    );
    assert.deepEqual(s.read('reqs'), [
      { labels: '{__name__="reqs", instance="h:1", job="app", path="/"}', ts: [T0], vs: [3] },
      { labels: '{__name__="reqs", instance="h:1", job="app", path="/x"}', ts: [T0], vs: [4] },
    ]);
    assert.deepEqual(s.read('up'), [
      { labels: '{__name__="up", instance="h:1", job="app"}', ts: [T0], vs: [1] },
    ]);
    assert.deepEqual(s.read('scrape_samples_scraped')[0].vs, [3]);
    assert.deepEqual(s.read('scrape_series_added')[0].vs, [3]);
    assert.equal(s.read('scrape_duration_seconds').length, 1);
    assert.equal(s.store.getMetadata(DEFAULT_TENANT, 'reqs').get('reqs')?.type, 'counter');
  });

  it('marks series that vanish stale, and all series when a scrape fails', async () => {
    const s = loop();
    s.serve('a 1\nb 2\n');
    await s.l.scrape(T0);
    s.serve('a 1\n');
    await s.l.scrape(T0 + 15_000);
    assert.deepEqual(s.read('b')[0].vs, [2, 'stale']);
    assert.deepEqual(s.read('b')[0].ts, [T0, T0 + 15_000]);
    s.fail(new ScrapeError('server returned HTTP status 500 Internal Server Error'));
    const r = await s.l.scrape(T0 + 30_000);
    assert.equal(r.health, 'down');
    assert.equal(r.error, 'server returned HTTP status 500 Internal Server Error');
    assert.deepEqual(s.read('a')[0].vs, [1, 1, 'stale']);
    assert.deepEqual(s.read('up')[0].vs, [1, 1, 0]);
    s.serve('a 5\n');
    await s.l.scrape(T0 + 45_000);
    assert.deepEqual(s.read('a')[0].vs, [1, 1, 'stale', 5], 'comes back after a failure');
  });

  it('finds series again when the target reorders, inserts or renames them', async () => {
    const s = loop();
    s.serve('a 1\nb 2\nc 3\n');
    await s.l.scrape(T0);
    s.serve('c 30\nx 9\na 10\nb 20\n'); // reordered, one inserted
    const r = await s.l.scrape(T0 + 15_000);
    assert.equal(r.seriesAdded, 1);
    s.serve('c 31\nx 10\na 11\nb 21\nb 99\n'); // same order (predicted), a duplicate last
    const r2 = await s.l.scrape(T0 + 30_000);
    assert.deepEqual([r2.seriesAdded, r2.samplesScraped, r2.samplesPostRelabel], [0, 5, 4]);
    s.serve('a 12\nb 22\n'); // c and x gone: stale
    await s.l.scrape(T0 + 45_000);
    assert.deepEqual(s.read('a')[0].vs, [1, 10, 11, 12]);
    assert.deepEqual(s.read('b')[0].vs, [2, 20, 21, 22]);
    assert.deepEqual(s.read('c')[0].vs, [3, 30, 31, 'stale']);
    assert.deepEqual(s.read('x')[0].vs, [9, 10, 'stale']);
  });

  it('forgets series that have not been seen for a while (bounded cache)', async () => {
    const s = loop();
    // 3,000 series, then 500 others: the first set is evicted after 10 more scrapes and comes
    // back as new series (seriesAdded counts them again), with its old data intact.
    const body = (p: string, n: number, v: number) =>
      Array.from({ length: n }, (_, i) => `${p}_${i} ${v}`).join('\n') + '\n';
    s.serve(body('old', 3000, 1));
    await s.l.scrape(T0);
    for (let i = 1; i <= 12; i++) {
      s.serve(body('new', 500, i));
      assert.equal((await s.l.scrape(T0 + i * 1000)).seriesAdded, i === 1 ? 500 : 0);
    }
    s.serve(body('old', 3000, 2));
    const r = await s.l.scrape(T0 + 13_000);
    assert.equal(r.seriesAdded, 3000);
    assert.deepEqual(s.read('old_7')[0].vs, [1, 'stale', 2]);
  });

  it('label limits apply to the final labels (target labels and relabeling included)', async () => {
    // 3 labels exposed + job + instance + __name__ = 6 > 5, every scrape (cached or not).
    const s = loop({ over: { label_limit: 5 } });
    s.serve('ok 1\nm{a="1",b="2",c="3"} 1\n');
    for (const t of [T0, T0 + 15_000]) {
      const r = await s.l.scrape(t);
      assert.equal(r.health, 'down');
      assert.equal(r.error, 'label_limit exceeded (metric: m, number of labels: 6, limit: 5)');
    }
    assert.deepEqual(s.read('ok'), [], 'the whole scrape is refused');
    // Relabeling that drops a label brings the series under the limit.
    const s2 = loop({
      over: { label_limit: 5 },
      metricRelabel: [{ regex: 'c', action: 'labeldrop' }],
    });
    s2.serve('m{a="1",b="2",c="3"} 1\n');
    assert.equal((await s2.l.scrape(T0)).health, 'up');
    // Every label counts, `__name__` and target labels too (as Prometheus).
    const s3 = loop({ over: { label_name_length_limit: 9 } });
    s3.serve('m{abcdefghij="1"} 1\n');
    assert.equal(
      (await s3.l.scrape(T0)).error,
      'label_name_length_limit exceeded (metric: m, label name: abcdefghij, length: 10, limit: 9)',
    );
    const s4 = loop({ over: { label_value_length_limit: 3 } });
    s4.serve('m{a="ü12"} 1\n');
    assert.equal(
      (await s4.l.scrape(T0)).error,
      'label_value_length_limit exceeded (metric: m, label name: a, value: "ü12", length: 4, limit: 3)',
    );
  });

  it('a garbage body is up=0 with the parser error, and no samples', async () => {
    const s = loop();
    s.serve('ok 1\nthis is not a metric line\n');
    const r = await s.l.scrape(T0);
    assert.equal(r.health, 'down');
    assert.match(r.error, /line 2/);
    assert.deepEqual(s.read('ok'), []);
    assert.deepEqual(s.read('up')[0].vs, [0]);
  });

  it('sample_limit fails the scrape whole', async () => {
    const s = loop({ over: { sample_limit: 2 } });
    s.serve('a 1\nb 2\nc 3\n');
    const r = await s.l.scrape(T0);
    assert.equal(r.error, 'sample_limit exceeded (limit 2)');
    assert.deepEqual(s.read('a'), []);
  });

  it('applies metric_relabel_configs and counts post-relabel samples', async () => {
    const s = loop({
      metricRelabel: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }],
    });
    s.serve('go_goroutines 9\napp_up 1\n');
    const r = await s.l.scrape(T0);
    assert.equal(r.samplesScraped, 2);
    assert.equal(r.samplesPostRelabel, 1);
    assert.deepEqual(s.read('go_goroutines'), []);
    assert.equal(s.read('app_up').length, 1);
  });

  it('honours exposed timestamps unless honor_timestamps is false; parses OpenMetrics', async () => {
    const s = loop();
    s.serve('# TYPE t gauge\nt 1 1700000000.5\n# EOF\n', OM);
    await s.l.scrape(T0 + 9000);
    assert.deepEqual(s.read('t')[0].ts, [T0 + 500]);
    const n = loop({ over: { honor_timestamps: false } });
    n.serve('t 1 1700000000500\n');
    await n.l.scrape(T0 + 9000);
    assert.deepEqual(n.read('t')[0].ts, [T0 + 9000]);
  });

  it('skips samples the store refuses (out of order) and keeps the rest', async () => {
    const s = loop();
    s.serve('old 1 1700000010000\nfresh 2\n');
    await s.l.scrape(T0 + 20_000);
    s.serve('old 1 1700000005000\nfresh 3\n');
    const r = await s.l.scrape(T0 + 35_000);
    assert.equal(r.health, 'up');
    assert.deepEqual(s.read('fresh')[0].vs, [2, 3]);
    assert.deepEqual(s.read('old')[0].ts, [T0 + 10_000]);
  });

  it('stop() marks every series and the report series stale', async () => {
    const s = loop();
    s.serve('a 1\n');
    await s.l.scrape(T0);
    await s.l.stop(T0 + 5000);
    assert.deepEqual(s.read('a')[0].vs, [1, 'stale']);
    assert.deepEqual(s.read('up')[0].vs, [1, 'stale']);
  });
});
