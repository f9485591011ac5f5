import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isStaleNaN } from '../../model/index.js';
import { type EvalCommand, parseScript, parseSeriesDesc, ScriptParseError } from './script.js';
import { expandValues, parseDuration, parseNumber, readString } from './script-values.js';

const DIR = path.resolve(process.cwd(), '../shared/conformance/promql/testdata');
const missing = !existsSync(DIR);

// FORMAT.md §7: evals, instant, range, expect fail, loads, loads with native histograms.
const TABLE: Record<string, number[]> = {
  'aggregators.test': [160, 153, 7, 4, 20, 7],
  'at_modifier.test': [78, 63, 15, 0, 5, 0],
  'collision.test': [2, 2, 0, 1, 2, 0],
  'duration_expression.test': [59, 30, 29, 0, 4, 0],
  'extended_vectors.test': [169, 162, 7, 8, 27, 15],
  'fill-modifier.test': [46, 39, 7, 0, 12, 0],
  'functions.test': [431, 394, 37, 7, 53, 26],
  'histograms.test': [185, 185, 0, 6, 37, 34],
  'info.test': [53, 4, 49, 2, 17, 1],
  'limit.test': [37, 13, 24, 0, 1, 1],
  'literals.test': [25, 25, 0, 0, 0, 0],
  'name_label_dropping.test': [30, 29, 1, 1, 3, 0],
  'native_histograms.test': [522, 502, 20, 0, 74, 74],
  'operators.test': [214, 113, 101, 6, 17, 3],
  'range_queries.test': [18, 5, 13, 0, 10, 1],
  'selectors.test': [31, 31, 0, 0, 7, 0],
  'staleness.test': [17, 17, 0, 0, 2, 0],
  'start_timestamps.test': [26, 7, 19, 0, 10, 4],
  'subquery.test': [34, 34, 0, 0, 6, 1],
  'trig_functions.test': [19, 19, 0, 0, 1, 0],
  'type_and_unit.test': [58, 58, 0, 0, 2, 0],
};

function evals(text: string): EvalCommand[] {
  return parseScript(text, 'x.test').commands.filter((c): c is EvalCommand => c.kind === 'eval');
}

describe('script parser over the corpus', () => {
  for (const [file, want] of Object.entries(TABLE)) {
    it(file, { skip: missing ? `corpus not found at ${DIR}` : false }, () => {
      const s = parseScript(readFileSync(path.join(DIR, file), 'utf8'), file);
      const ev = s.commands.filter((c): c is EvalCommand => c.kind === 'eval');
      const loads = s.commands.filter((c) => c.kind === 'load');
      assert.deepEqual(
        [
          ev.length,
          ev.filter((e) => e.mode === 'instant').length,
          ev.filter((e) => e.mode === 'range').length,
          ev.filter((e) => e.fail).length,
          loads.length,
          loads.filter((l) => l.kind === 'load' && (l.hasHistograms || l.withNhcb)).length,
        ],
        want,
      );
    });
  }
});

describe('value expansion', () => {
  const floats = (s: string): number[] =>
    expandValues(s).map((v) => (v.kind === 'float' ? v.v : v.kind === 'omitted' ? -999 : -777));
  it('expands sequences with the N+1 rule', () => {
    assert.deepEqual(floats('1+1x3'), [1, 2, 3, 4]);
    assert.deepEqual(floats('1-2x4'), [1, -1, -3, -5, -7]);
    assert.deepEqual(floats('5x2'), [5, 5, 5]);
    assert.deepEqual(floats('0x2 7'), [0, 0, 0, 7]); // `0xN` repeats, as the corpus uses it
    assert.deepEqual(floats('0x1F'), [31]);
    assert.deepEqual(floats('-2 1.5e3 +Inf -Inf Inf'), [-2, 1500, Infinity, -Infinity, Infinity]);
    assert.deepEqual(floats('_ _x2 3'), [-999, -999, -999, 3]);
    assert.deepEqual(floats('1e-3+1e-3x1'), [0.001, 0.002]);
    assert.ok(Number.isNaN(floats('NaN')[0]));
  });
  it('keeps stale and histograms as kinds', () => {
    const v = expandValues(
      'stale {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x1 {{count:1}}+{{count:2}}x2',
    );
    assert.equal(v[0].kind, 'stale');
    assert.equal(v.length, 1 + 2 + 3);
    assert.ok(v.slice(1).every((x) => x.kind === 'histogram'));
    const h = expandValues('{{count:1 counter_reset_hint:gauge}}')[0];
    assert.ok(h.kind === 'histogram' && h.counterResetHintSet);
  });
  it('rejects garbage', () => {
    assert.throws(() => expandValues('1+x3'), /cannot parse value/);
    assert.throws(() => expandValues('{{count:1'), /unterminated/);
  });
  it('parses durations and numbers', () => {
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('10s53ms'), 10_053);
    assert.equal(parseDuration('0'), 0);
    assert.throws(() => parseDuration('30s1m'), /out of order/);
    assert.throws(() => parseDuration('1.5m'), /cannot parse duration/);
    assert.equal(parseNumber('0x10'), 16);
    assert.equal(parseNumber('-3'), -3);
    assert.equal(parseNumber('-Inf'), -Infinity);
    assert.equal(parseNumber('1e3'), 1000);
    assert.equal(parseNumber('foo'), null);
  });
  it('reads PromQL string literals', () => {
    assert.equal(readString(String.raw`"a\"b\n"`, 0).value, 'a"b\n');
    assert.equal(readString(String.raw`'it\'s'`, 0).value, "it's");
    assert.equal(readString('`raw\\n`', 0).value, 'raw\\n');
    assert.equal(readString(String.raw`"\xc3\xa9\u00e9"`, 0).value, 'éé');
    assert.throws(() => readString('"open', 0), /unterminated/);
  });
  it('parses series literals', () => {
    const a = parseSeriesDesc('http_requests{job="api", instance="0"}  0+10x10');
    assert.equal(a.labels.toString(), '{__name__="http_requests", instance="0", job="api"}');
    assert.equal(a.rest.trim(), '0+10x10');
    assert.equal(
      parseSeriesDesc('{__name__="x", a=\'b\'} 1').labels.toString(),
      '{__name__="x", a="b"}',
    );
    assert.equal(parseSeriesDesc('{"utf.name", a="b"} 1').labels.metricName, 'utf.name');
    assert.equal(parseSeriesDesc('{} 1').labels.size, 0);
    assert.throws(() => parseSeriesDesc('{a!="b"} 1'), /expected "="/);
  });
});

describe('commands', () => {
  it('parses loads, clear and every eval form', () => {
    const s = parseScript(
      [
        'load 5m',
        '  m{a="1"} 1 2',
        '  m{a="1"} 3',
        '  h {{count:1}}',
        '  c{t="x"}@st _ -1s',
        '',
        'clear',
        'load_with_nhcb 1m',
        '  x_bucket{le="1"} 1',
        '',
        'eval instant at 1m m',
        '  expect warn msg: PromQL warning: w (1:1)',
        '  expect info regex: in.o',
        '  expect ordered',
        '  m{a="1"} 3',
        '  m{a="2"} 4',
        '# a comment ends the block',
        'eval range from 0 to 2m step 1m m',
        '  expect no_warn',
        '  expect no_info',
        '  m 1 _ 3',
        '',
        'eval_fail instant at 0 bad(',
        '  expected_fail_message boom',
        'eval instant at 0 1',
        '  expect fail msg:exact text',
        '',
        'eval instant at 0 2',
        '  2',
        '',
        'eval instant at 0 "s"',
        '  expect string "s"',
        '',
        'eval instant at 2m m[2m]',
        '  expect range vector from 1m to 2m step 1m',
        '  m 1 2',
        '',
        'eval_warn instant at 0 x',
      ].join('\n'),
      'f.test',
    );
    const [l1, c, l2, e1, e2, e3, e4, e5, e6, e7, e8] = s.commands;
    assert.ok(
      l1.kind === 'load' && l1.hasHistograms && l1.hasStartTimestamps && l1.series.length === 2,
    );
    assert.ok(l1.kind === 'load' && l1.series[0].values.length === 1); // replaced by the later line
    assert.equal(c.kind, 'clear');
    assert.ok(l2.kind === 'load' && l2.withNhcb && l2.intervalMs === 60_000);
    assert.ok(e1.kind === 'eval' && e1.ordered && e1.warn.length === 1 && e1.info.length === 1);
    assert.equal(e1.positions.get(e1.series[1]), 2);
    assert.ok(
      e2.kind === 'eval' && e2.mode === 'range' && e2.noWarn && e2.noInfo && e2.endMs === 120_000,
    );
    assert.ok(e3.kind === 'eval' && e3.fail?.[0].kind === 'msg' && e3.fail[0].text === 'boom');
    assert.ok(
      e4.kind === 'eval' && e4.fail?.[0].kind === 'msg' && e4.fail[0].text === 'exact text',
    );
    assert.ok(e5.kind === 'eval' && e5.scalar?.kind === 'float' && e5.scalar.v === 2);
    assert.ok(e6.kind === 'eval' && e6.expectString === 's');
    assert.ok(e7.kind === 'eval' && e7.rangeVector?.stepMs === 60_000 && e7.startMs === 120_000);
    assert.ok(e8.kind === 'eval' && e8.anyWarn);
  });
  it('keeps stale markers distinguishable in expectations', () => {
    const [e] = evals('eval range from 0 to 1m step 1m x\n  x 1 stale');
    assert.equal(e.series[0].values[1].kind, 'stale');
    assert.ok(!isStaleNaN(NaN));
  });
  it('names file:line in errors', () => {
    const bad: [string, RegExp][] = [
      ['load 5m\n  m 1\n\nfoo', /f\.test:4: invalid command/],
      ['load 5m\n  m{ 1', /f\.test:2: /],
      ['eval instant at 0 m\n  m 1 2', /f\.test:2: an instant eval expects one value/],
      ['eval instant at 0 m\n  expect bogus', /f\.test:2: invalid expect line/],
      ['eval instant at 0 m\n  expect warn\n  expect no_warn', /f\.test:3: warn and no_warn/],
      ['eval instant at 0 m\n  expect info\n  expect no_info', /f\.test:3: info and no_info/],
      ['eval instant at 0 m\n  expect fail\n  expect fail', /f\.test:3: more than one expect fail/],
      ['eval range from 2m to 1m step 1m m', /f\.test:1: end 1m is before start/],
      ['eval instant at 0 m\n  expect string', /f\.test:2: expect string needs/],
      ['eval sometimes m', /f\.test:1: invalid eval command/],
      ['load x5\n  m 1', /f\.test:1: cannot parse duration/],
    ];
    for (const [text, re] of bad) {
      assert.throws(
        () => parseScript(text, 'f.test'),
        (e: unknown) => e instanceof ScriptParseError && re.test(e.message),
        text,
      );
    }
  });
});
