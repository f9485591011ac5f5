import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStaleNaN, Labels, staleNaN } from '../../model/index.js';
import type { QueryResult, QueryValue } from '../query.js';
import { floatEqual, formatLabels, matchMessage } from './compare.js';
import { type ConformanceAdapter, formatFailures, runScript, summarize } from './runner.js';
import { parseScript } from './script.js';

const L = (o: Record<string, string>): Labels => Labels.fromObject(o);
const ok = (value: QueryValue, warnings: string[] = []): QueryResult => ({
  value,
  annotations: { warnings, infos: [] },
  stats: { samplesLoaded: 0, samplesQueryable: 0, peakSamples: 0 },
});

/** A fake engine: answers from a table keyed by "instant q t" / "range q s e step". */
class FakeAdapter implements ConformanceAdapter {
  loads: { labels: string; ts: number[]; vs: Float64Array }[] = [];
  clears = 0;
  queries: string[] = [];
  constructor(private readonly answers: Record<string, QueryResult | Error>) {}
  clear(): void {
    this.clears++;
  }
  load(series: Labels, ts: Float64Array, vs: Float64Array): Promise<void> {
    if (series.metricName === 'refused') return Promise.reject(new Error('out of order sample'));
    this.loads.push({ labels: formatLabels(series), ts: [...ts], vs });
    return Promise.resolve();
  }
  private answer(k: string): Promise<QueryResult> {
    this.queries.push(k);
    const a = this.answers[k];
    if (a === undefined) return Promise.reject(new Error(`no answer for ${k}`));
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  }
  instant(q: string, t: number): Promise<QueryResult> {
    return this.answer(`instant ${q} ${t}`);
  }
  range(q: string, s: number, e: number, step: number): Promise<QueryResult> {
    return this.answer(`range ${q} ${s} ${e} ${step}`);
  }
}

const vec = (...s: [Labels, number][]): QueryValue => ({
  resultType: 'vector',
  series: s.map(([labels, v]) => ({ labels, t: 0, v })),
});
const mat = (...s: [Labels, number[], number[]][]): QueryValue => ({
  resultType: 'matrix',
  series: s.map(([labels, ts, vs]) => ({
    labels,
    ts: Float64Array.from(ts),
    vs: Float64Array.from(vs),
  })),
});

describe('comparison rules', () => {
  it('float tolerance, NaN and the stale marker', () => {
    assert.ok(floatEqual(1, 1 + 1e-9));
    assert.ok(!floatEqual(1, 1.00001));
    assert.ok(floatEqual(NaN, NaN));
    assert.ok(!floatEqual(NaN, staleNaN));
    assert.ok(floatEqual(staleNaN, staleNaN));
    assert.ok(!floatEqual(0, 1e-300)); // near zero: effectively exact
    assert.ok(floatEqual(Infinity, Infinity));
    assert.ok(!floatEqual(Infinity, -Infinity));
  });
  it('message matchers', () => {
    const script = parseScript('eval instant at 0 x\n  expect fail regex: bo+m\n', 'f');
    const ev = script.commands[0];
    assert.ok(ev.kind === 'eval' && ev.fail);
    assert.ok(matchMessage(ev.fail[0], 'a boooom here'));
    assert.ok(!matchMessage(ev.fail[0], 'bm'));
    assert.ok(matchMessage({ kind: 'msg', text: 'a' }, 'a'));
    assert.ok(matchMessage({ kind: 'any' }, 'x'));
  });
});

describe('runner against a fake adapter', () => {
  const a = L({ __name__: 'm', a: '1' });
  const b = L({ __name__: 'm', a: '2' });
  const script = parseScript(
    [
      'load 1m',
      '  m{a="1"} 1 stale 3',
      '  refused 1',
      '',
      'eval instant at 1m m',
      '  m{a="1"} 1',
      '  m{a="2"} 2',
      '',
      'eval instant at 1m wrong',
      '  m{a="1"} 1',
      '',
      'eval instant at 1m ordered_q',
      '  expect ordered',
      '  m{a="2"} 2',
      '  m{a="1"} 1',
      '',
      'eval range from 0 to 2m step 1m m',
      '  m{a="1"} 1 _ 3',
      '  m{a="2"} _ 2',
      '',
      'eval range from 0 to 2m step 1m unsorted',
      '',
      'eval instant at 0 bad',
      '  expect fail msg: boom',
      '',
      'eval instant at 0 scalar(m)',
      '  5',
      '',
      'eval instant at 0 warned',
      '  expect warn msg: PromQL warning: w (1:1)',
      '',
      'eval instant at 0 histogram_count(m)',
      '',
      'eval instant at 0 limitk(1, m)',
      '',
      'eval instant at 0 "s"',
      '  expect string "s"',
      '',
      'clear',
    ].join('\n'),
    'fake.test',
  );
  const answers: Record<string, QueryResult | Error> = {
    'instant m 60000': ok(vec([b, 2], [a, 1])),
    'range m 0 120000 60000': ok(mat([a, [0, 120000], [1, 3]], [b, [60000], [2]])),
    'instant wrong 60000': ok(vec([a, 1.5])),
    'range wrong 0 120000 60000': ok(mat()),
    'instant ordered_q 60000': ok(vec([a, 1], [b, 2])),
    'range ordered_q 0 120000 60000': ok(mat()),
    'range unsorted 0 120000 60000': ok(mat([b, [0], [1]], [a, [0], [1]])),
    'instant bad 0': new Error('boom'),
    'instant scalar(m) 0': ok({ resultType: 'scalar', t: 0, v: 5 }),
    'range scalar(m) -60000 60000 60000': ok(mat([Labels.EMPTY, [-60000, 0, 60000], [5, 5, 5]])),
    'instant warned 0': ok(vec(), ['PromQL warning: w (1:1)']),
    'range warned -60000 60000 60000': ok(mat(), ['PromQL warning: w (1:1)']),
    'instant "s" 0': ok({ resultType: 'string', t: 0, v: 's' }),
  };

  it('loads, checks, cross-checks in range mode, and skips by rule', async () => {
    const ad = new FakeAdapter(answers);
    const r = await runScript(script, ad, { experimental: false });
    // Loads keep the stale marker's bits and skip omitted positions.
    assert.deepEqual(ad.loads[0].ts, [0, 60000, 120000]);
    assert.ok(isStaleNaN(ad.loads[0].vs[1]));
    assert.equal(r.loadErrors.length, 1);
    assert.match(r.loadErrors[0], /fake\.test:1: out of order/);
    const by = (line: number) => r.outcomes.find((o) => o.ev.line === line);
    // The first eval's range-mode check has no answer for `range m 0 120000 60000`? It does not:
    // t-1m..t+1m = 0..120000, which the table answers; the point at t=60000 is only b's.
    const first = by(5);
    assert.equal(first?.status, 'fail');
    assert.match(
      first?.status === 'fail' ? first.diff : '',
      /range mode .*missing series m\{a="1"\}/,
    );
    const wrong = by(9);
    assert.match(wrong?.status === 'fail' ? wrong.diff : '', /expected 1, got 1\.5/);
    const ordered = by(12);
    assert.match(ordered?.status === 'fail' ? ordered.diff : '', /at position 1, expected at 2/);
    assert.equal(by(17)?.status, 'pass');
    const unsorted = by(21);
    assert.match(unsorted?.status === 'fail' ? unsorted.diff : '', /not sorted by labels/);
    assert.equal(by(23)?.status, 'pass');
    assert.equal(by(26)?.status, 'pass');
    assert.equal(by(29)?.status, 'pass');
    assert.deepEqual(by(32), { ev: by(32)?.ev, status: 'skip', rule: 'native-histogram-function' });
    assert.deepEqual(by(34), { ev: by(34)?.ev, status: 'skip', rule: 'experimental:limitk' });
    assert.equal(by(36)?.status, 'pass');
    assert.equal(ad.clears, 2);
    // String results and expected failures get no range-mode re-run.
    assert.ok(!ad.queries.some((q) => q.startsWith('range "s"') || q.startsWith('range bad')));
    assert.equal(
      summarize(r),
      'fake.test: passed 5, skipped 2 (native-histogram-function: 1, experimental:limitk: 1), failed 4, load errors 1',
    );
    const f = formatFailures(r, 2);
    assert.match(f, /load error fake\.test:1/);
    assert.match(f, /fake\.test:5 {2}m\n/);
    assert.match(f, /… and 2 more/);
  });

  it('does not skip experimental evals when the engine runs with them', async () => {
    const r = await runScript(
      parseScript('eval instant at 0 limitk(1, m)\n', 'e.test'),
      new FakeAdapter({}),
      {
        experimental: true,
      },
    );
    assert.equal(r.outcomes[0].status, 'fail');
    assert.match(r.outcomes[0].status === 'fail' ? r.outcomes[0].diff : '', /no answer/);
  });

  it('runs the @ step-invariance re-runs through the printer hooks', async () => {
    const table: Record<string, QueryResult> = {
      'instant m 60000': ok(vec([a, 1])),
      'range m 0 120000 60000': ok(mat([a, [60000], [1]])),
      'instant m@60000 -600000': ok(vec([a, 1])),
      'instant m@60000 0': ok(vec([a, 1])),
      'instant m@60000 12000': ok(vec([a, 1])),
      'instant m@60000 60000': ok(vec([a, 2])),
    };
    const printer = {
      parse: (q: string) => ({
        type: 'VectorSelector' as const,
        name: q,
        matchers: [],
        offset: 0,
        at: null,
        pos: { start: 0, end: q.length },
      }),
      format: (e: { type: string; name?: string; at?: unknown }) =>
        `${e.name}@${(e.at as { ms: number }).ms}`,
    };
    const ranges: Record<string, QueryResult> = {};
    for (const t of [-600000, 0, 12000, 60000]) {
      ranges[`range m@60000 ${t - 60000} ${t + 60000} 60000`] = ok(mat([a, [t], [1]]));
    }
    const ad2 = new FakeAdapter({ ...table, ...ranges });
    const r = await runScript(parseScript('eval instant at 1m m\n  m{a="1"} 1\n', 'at.test'), ad2, {
      experimental: false,
      printer: printer,
    });
    assert.equal(r.outcomes[0].status, 'fail');
    assert.match(
      r.outcomes[0].status === 'fail' ? r.outcomes[0].diff : '',
      /instant "m@60000" at 60000: .*expected 1, got 2/,
    );
  });
});
