import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { MemPostings } from './mem-postings.js';

const series: Record<string, string>[] = [
  { __name__: 'up', job: 'api', env: 'prod' },
  { __name__: 'up', job: 'api2', env: 'dev' },
  { __name__: 'up', job: 'db' },
  { __name__: 'other', job: 'api' },
];

function build(): MemPostings {
  const p = new MemPostings();
  series.forEach((s, i) => p.add(i + 1, Labels.fromObject(s)));
  return p;
}

describe('MemPostings', () => {
  // Each case: matchers → refs; compared with a naive scan of the series.
  const cases: [string, Matcher[]][] = [
    ['equal', [new Matcher('=', 'job', 'api')]],
    ['not equal', [new Matcher('!=', 'job', 'api')]],
    ['regex set', [new Matcher('=~', 'job', 'api|db')]],
    ['regex', [new Matcher('=~', 'job', 'api.*')]],
    ['not regex set', [new Matcher('!~', 'job', 'api|db')]],
    ['not regex', [new Matcher('!~', 'job', 'a.*')]],
    ['empty means missing', [new Matcher('=', 'env', '')]],
    ['label present', [new Matcher('!=', 'env', '')]],
    ['regex matching empty', [new Matcher('=~', 'env', 'prod|')]],
    ['combined', [new Matcher('=', '__name__', 'up'), new Matcher('!~', 'env', 'dev')]],
    ['no such label', [new Matcher('=', 'nope', 'x')]],
    ['no such value', [new Matcher('=', 'job', 'nope'), new Matcher('=', '__name__', 'up')]],
    ['everything', [new Matcher('=~', 'job', '.*')]],
  ];
  for (const [name, ms] of cases) {
    it(`selects like a scan: ${name}`, () => {
      const want = series
        .map((s, i) => (ms.every((m) => m.matches(s[m.name] ?? '')) ? i + 1 : 0))
        .filter((r) => r > 0);
      assert.deepEqual([...build().select(ms)], want);
    });
  }

  it('lists names and values, and deletes many series at once', () => {
    const p = build();
    assert.deepEqual(p.names(), ['__name__', 'env', 'job']);
    assert.deepEqual(p.values('job'), ['api', 'api2', 'db']);
    assert.equal(p.size, 4);
    assert.equal(p.pairs, 7);
    p.deleteMany([
      { ref: 2, labels: Labels.fromObject(series[1]) },
      { ref: 4, labels: Labels.fromObject(series[3]) },
    ]);
    assert.deepEqual(p.values('job'), ['api', 'db']);
    assert.deepEqual(p.values('__name__'), ['up']);
    assert.deepEqual([...p.select([new Matcher('=~', 'job', '.*')])], [1, 3]);
    assert.deepEqual([...p.get('env', 'prod')], [1]);
    p.deleteMany([]);
    p.deleteMany([
      { ref: 1, labels: Labels.fromObject(series[0]) },
      { ref: 3, labels: Labels.fromObject(series[2]) },
    ]);
    assert.deepEqual(p.names(), []);
    const seen: string[] = [];
    p.forEachString((s) => seen.push(s));
    assert.deepEqual(seen, []);
  });
});
