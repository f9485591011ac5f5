import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT, Labels, Matcher, type Alert } from '../../model/index.js';
import { PromQLEngine, parseExpr } from '../../promql/index.js';
import { MemStore, readSeries } from '../../storage/testing.js';
import { parseRuleFile } from '../file/parse.js';
import type { RuleGroupSpec } from '../file/spec.js';
import { AlertingRule } from './alerting.js';
import { alertsApiData, formatGoExp, rulesApiData } from './api.js';
import { RuleManager } from './manager.js';
import { engineQueryFn } from './query.js';
import { FakeClock } from './testing.js';
import type { RuleManagerOptions } from './types.js';

const M = 60_000;
const T = DEFAULT_TENANT;

function groups(yaml: string, checkTemplates = true): RuleGroupSpec[] {
  const r = parseRuleFile(yaml, 'rules.yml', checkTemplates ? {} : { checkTemplate: () => null });
  assert.deepEqual(r.errors, []);
  return r.groups;
}

function setup(o: Partial<RuleManagerOptions> = {}) {
  const store = new MemStore();
  const engine = new PromQLEngine({ parse: parseExpr });
  const sent: Alert[][] = [];
  const clock = new FakeClock(0);
  const m = new RuleManager({
    tenant: T,
    query: engineQueryFn(engine, store),
    appendable: store,
    queryable: store,
    sink: { send: (_t, a) => sent.push(a) },
    clock,
    ...o,
  });
  const put = async (series: string, pts: [number, number][]): Promise<void> => {
    const app = store.appender(T);
    const pairs = [...series.matchAll(/(\w+)="([^"]*)"/g)].map((x): [string, string] => [
      x[1],
      x[2],
    ]);
    const l = Labels.fromPairs([...pairs, ['__name__', series.split('{')[0]]]);
    for (const [t, v] of pts) app.append(0, l, t, v);
    await app.commit();
  };
  const read = (name: string) => readSeries(store, [new Matcher('=', '__name__', name)]);
  return { store, m, sent, clock, put, read };
}

async function evalAll(m: RuleManager, ts: number): Promise<void> {
  for (const g of m.groups()) await g.evalAt(ts);
}

describe('rule evaluator: recording rules', () => {
  it('writes the renamed, relabelled result and stale markers when a series goes away', async () => {
    const { m, put, read } = setup();
    await put('x{job="a",i="1"}', [[0, 1]]);
    await put('x{job="b",i="1"}', [
      [0, 2],
      [2 * M, 2],
    ]);
    await m.update(
      groups(
        'groups:\n- name: g\n  labels: {team: t}\n  rules:\n  - record: job:x:sum\n    expr: sum by (job) (x)\n    labels: {env: prod, team: mine}\n',
      ),
    );
    await evalAll(m, 0);
    await evalAll(m, 6 * M); // x{job="a"} is now past the lookback
    const out = read('job:x:sum');
    assert.deepEqual(
      out.map((s) => [s.labels, s.ts, s.vs]),
      [
        ['{__name__="job:x:sum", env="prod", job="a", team="mine"}', [0, 6 * M], [1, 'stale']],
        ['{__name__="job:x:sum", env="prod", job="b", team="mine"}', [0, 6 * M], [2, 2]],
      ],
    );
    const r = m.groups()[0].rules[0];
    assert.equal(r.health, 'ok');
    assert.equal(r.lastEvaluation, 6 * M);
  });

  it('fails on a duplicate output series, a non-vector result and the limit', async () => {
    const { m, put } = setup();
    await put('y{a="1"}', [[0, 1]]);
    await put('y{a="2"}', [[0, 1]]);
    await m.update(
      groups(
        'groups:\n- name: g\n  limit: 1\n  rules:\n  - record: r1\n    expr: y\n    labels: {a: same}\n  - record: r2\n    expr: y\n  - record: r3\n    expr: y[1m]\n  - record: r4\n    expr: "1"\n',
      ),
    );
    await evalAll(m, 0);
    const errs = m.groups()[0].rules.map((r) => [r.health, r.lastError]);
    assert.deepEqual(errs, [
      ['err', 'vector contains metrics with the same labelset after applying rule labels'],
      ['err', 'exceeded limit 1 with 2 series'],
      ['err', 'rule result is not a vector or scalar: got matrix'],
      ['ok', null],
    ]);
    assert.equal(m.stats()[0].failures, 3);
  });
});

describe('rule evaluator: alerting rules', () => {
  const RULES =
    'groups:\n- name: a\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 2m\n    keep_firing_for: 2m\n    labels: {severity: page}\n    annotations: {summary: "down"}\n';

  it('goes inactive → pending → firing, keeps firing, resolves; writes ALERTS and sends', async () => {
    const { m, put, read, sent } = setup();
    // up is 0 from 1m to 4m, then 1.
    await put('up{job="j"}', [
      [0, 1],
      [M, 0],
      [2 * M, 0],
      [3 * M, 0],
      [4 * M, 0],
      [5 * M, 1],
      [6 * M, 1],
      [7 * M, 1],
      [8 * M, 1],
    ]);
    await m.update(groups(RULES));
    const rule = m.groups()[0].rules[0] as AlertingRule;
    const states: string[] = [];
    for (let t = 0; t <= 8 * M; t += M) {
      await evalAll(m, t);
      states.push(rule.state());
    }
    assert.deepEqual(states, [
      'inactive',
      'pending',
      'pending',
      'firing', // 3m - 1m >= for
      'firing',
      'firing', // keep_firing_for since 5m
      'firing',
      'inactive', // 7m - 5m = keep_firing_for
      'inactive',
    ]);
    const alerts = read('ALERTS').map((s) => [s.labels, s.ts]);
    assert.deepEqual(alerts, [
      [
        '{__name__="ALERTS", alertname="Down", alertstate="firing", job="j", severity="page"}',
        [3 * M, 4 * M, 5 * M, 6 * M, 7 * M],
      ],
      [
        '{__name__="ALERTS", alertname="Down", alertstate="pending", job="j", severity="page"}',
        [M, 2 * M, 3 * M],
      ],
    ]);
    const fs = read('ALERTS_FOR_STATE');
    assert.deepEqual(fs[0].vs.slice(0, 6), [60, 60, 60, 60, 60, 60]);
    assert.equal(fs[0].vs.at(-1), 'stale');
    // Sends: firing at 3m, resent after resend_delay (strictly after 1m: 5m), resolved at 7m, …
    const log = sent.map((b) =>
      b.map((a) => [a.evaluatedAt, a.startsAt, a.endsAt, a.annotations.summary]),
    );
    assert.deepEqual(log, [
      [[3 * M, 3 * M, 3 * M + 4 * M, 'down']],
      [[5 * M, 3 * M, 5 * M + 4 * M, 'down']],
      [[7 * M, 3 * M, 7 * M, 'down']],
    ]);
    assert.equal(sent[0][0].generatorURL, 'explore?q=up%20%3D%3D%200');
    assert.deepEqual(sent[0][0].labels.toObject(), {
      alertname: 'Down',
      job: 'j',
      severity: 'page',
    });
    // Resolved alerts are resent while retained (15m), then dropped.
    for (let t = 9 * M; t <= 30 * M; t += M) await evalAll(m, t);
    const resolvedSends = sent.slice(3).map((b) => b[0].evaluatedAt);
    assert.deepEqual(resolvedSends, [9 * M, 11 * M, 13 * M, 15 * M, 17 * M, 19 * M, 21 * M]);
    assert.equal(rule.active.size, 0);
  });

  it('fails the whole rule over its limit, and clears its alerts', async () => {
    const { m, put } = setup();
    await put('up{job="a"}', [[0, 0]]);
    await put('up{job="b"}', [[0, 0]]);
    await m.update(
      groups('groups:\n- name: g\n  limit: 1\n  rules:\n  - alert: A\n    expr: up == 0\n'),
    );
    await evalAll(m, 0);
    const r = m.groups()[0].rules[0] as AlertingRule;
    assert.equal(r.lastError, 'exceeded limit of 1 with 2 alerts');
    assert.equal(r.active.size, 0);
  });

  it('expands labels and annotations; template errors go into the text and the health', async () => {
    const { m, put } = setup({
      externalLabels: { cluster: 'c1' },
      externalURL: 'http://argus',
      expand: async (name, text, data, _t, query) => {
        const body = text.replace(/^(\{\{\$\w+ := \.\w+\}\})+/, '');
        if (body.includes('{{ fail }}')) throw new Error(`template: ${name}:1: boom`);
        const q = body.includes('{{ q }}') ? String((await query('vector(7)'))[0].v) : '';
        return body
          .replace('{{ $labels.job }}', data.labels.job ?? '')
          .replace('{{ $value }}', String(data.value))
          .replace('{{ $externalLabels.cluster }}', data.externalLabels.cluster ?? '')
          .replace('{{ $externalURL }}', data.externalURL)
          .replace('{{ q }}', q);
      },
    });
    await put('up{job="j"}', [[0, 0]]);
    await m.update(
      groups(
        'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: {who: "{{ $labels.job }}"}\n    annotations:\n      s: "{{ $value }} {{ $externalLabels.cluster }} {{ $externalURL }} {{ q }}"\n      bad: "{{ fail }}"\n',
        false,
      ),
    );
    await evalAll(m, 0);
    const r = m.groups()[0].rules[0] as AlertingRule;
    const a = [...r.active.values()][0];
    assert.equal(a.labels.get('who'), 'j');
    assert.deepEqual(a.annotations, {
      s: '0 c1 http://argus 7',
      bad: '<error expanding template: template: __alert_A:1: boom>',
    });
    assert.equal(r.health, 'err');
    assert.match(r.lastError ?? '', /boom/);
    assert.equal(r.state(), 'firing');
  });
});

describe('rule evaluator: scheduling, reload, restore, API', () => {
  it('ticks at aligned offsets every interval and counts missed iterations', async () => {
    let slow = false;
    const { m, clock, put } = setup();
    await put('up{job="j"}', [[0, 1]]);
    const store = new MemStore();
    const inner = engineQueryFn(new PromQLEngine({ parse: parseExpr }), store);
    const m2 = new RuleManager({
      tenant: T,
      appendable: store,
      clock,
      evaluationIntervalMs: M,
      query: async (t, e, ts) => {
        // A slow query: the clock moves 2.5 intervals while it runs.
        if (slow) clock.t += 2.5 * M;
        return inner(t, e, ts);
      },
    });
    await m2.update(groups('groups:\n- name: g\n  rules:\n  - record: r\n    expr: vector(1)\n'));
    m2.start();
    const g = m2.groups()[0];
    const offset = g.evalTimestamp(0) + M; // first tick
    assert.ok(offset > 0 && offset <= M);
    const ticks: number[] = [];
    const settle = async (): Promise<void> => {
      await m2.idle();
      ticks.push(g.lastEvaluation);
    };
    await clock.advanceTo(offset + 2 * M, settle);
    assert.deepEqual(ticks, [offset, offset + M, offset + 2 * M]);
    slow = true;
    await clock.advanceTo(offset + 3 * M, settle);
    slow = false;
    // The slow tick at +3m ends at +5.5m: +4m and +5m are missed, the next is +6m.
    assert.equal(g.counters.missedIterations, 2);
    await clock.advanceTo(offset + 6 * M, settle);
    assert.deepEqual(ticks.slice(3), [offset + 3 * M, offset + 6 * M]);
    assert.equal(g.counters.evaluations, 5);
    await m2.stop();
    assert.equal(clock.pending(), 0);
    void m;
  });

  it('keeps alert state of unchanged rules on update and marks removed groups stale', async () => {
    const { m, put, read, clock } = setup();
    await put('up{job="j"}', [[0, 0]]);
    const a = 'groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 1h\n';
    await m.update(groups(a + '- name: b\n  rules:\n  - record: rec\n    expr: up\n'));
    const first = m.groups()[0];
    await evalAll(m, 0);
    const activeAt = [...(first.rules[0] as AlertingRule).active.values()][0].activeAt;
    // Same group: kept as is; the removed one ends its series.
    clock.t = M;
    await m.update(groups(a));
    assert.equal(m.groups()[0], first);
    assert.deepEqual(read('rec')[0].vs, [0, 'stale']);
    // Changed group (new rule added), same alert rule: state carried over.
    await m.update(groups(a + '  - alert: B\n    expr: up == 1\n'));
    const g2 = m.groups()[0];
    assert.notEqual(g2, first);
    const r = g2.rules[0] as AlertingRule;
    assert.equal([...r.active.values()][0].activeAt, activeAt);
    // Changed expression: a new rule, no state.
    await m.update(groups(a.replace('up == 0', 'up < 1')));
    assert.equal((m.groups()[0].rules[0] as AlertingRule).active.size, 0);
  });

  it('restores for-state from ALERTS_FOR_STATE after a restart', async () => {
    const { m, put, clock } = setup();
    // Before the restart: the alert was active since 1000s, last written at 1500s.
    await put('up{job="j"}', [[2000_000, 0]]);
    await put('ALERTS_FOR_STATE{alertname="Long",job="j",severity="x"}', [[1500_000, 1000]]);
    await put('ALERTS_FOR_STATE{alertname="Grace",job="j",severity="x"}', [[1500_000, 1000]]);
    await put('ALERTS_FOR_STATE{alertname="Fired",job="j",severity="x"}', [[1500_000, 500]]);
    clock.t = 2000_000;
    await m.update(
      groups(
        'groups:\n- name: g\n  rules:\n' +
          '  - alert: Long\n    expr: up == 0\n    for: 1h\n    labels: {severity: x}\n' +
          '  - alert: Grace\n    expr: up == 0\n    for: 15m\n    labels: {severity: x}\n' +
          '  - alert: Fired\n    expr: up == 0\n    for: 10m\n    labels: {severity: x}\n' +
          '  - alert: Short\n    expr: up == 0\n    for: 1m\n',
      ),
    );
    m.start();
    const g = m.groups()[0];
    await clock.advanceTo(2000_000 + M, () => m.idle());
    const at = (i: number): number => [...(g.rules[i] as AlertingRule).active.values()][0].activeAt;
    // Restoration runs right after the first evaluation, at its tick (the fake clock's time).
    const first = g.lastEvaluation;
    const now = first;
    // Long: 500s spent pending, 3100s left (> grace): activeAt moves by the downtime.
    assert.equal(at(0), 1000_000 + (now - 1500_000));
    // Grace: 400s left (< 10m grace): fires 10m after the restore.
    assert.equal(at(1), now + 10 * M - 15 * M);
    // Fired: was firing when it went down; activeAt kept.
    assert.equal(at(2), 500_000);
    // Short: for < grace, not restored.
    assert.equal(at(3), first);
    assert.ok(g.rules.every((r) => !(r instanceof AlertingRule) || r.restored));
    await m.stop();
  });

  it('produces the /api/v1/rules and /api/v1/alerts data', async () => {
    const { m, put } = setup();
    await put('up{job="j"}', [[0, 0]]);
    await m.update(
      groups(
        'groups:\n- name: g\n  interval: 30s\n  rules:\n  - alert: A\n    expr: up==0\n    for: 1m\n    annotations: {s: x}\n  - record: r\n    expr: up\n',
      ),
    );
    await evalAll(m, 1000);
    const data = rulesApiData(m) as { groups: Record<string, unknown>[] };
    const g = data.groups[0];
    assert.equal(g.interval, 30);
    assert.equal(g.lastEvaluation, '1970-01-01T00:00:01.000Z');
    const [a, r] = g.rules as Record<string, unknown>[];
    assert.deepEqual(
      { ...a, evaluationTime: 0 },
      {
        state: 'pending',
        name: 'A',
        query: 'up == 0',
        duration: 60,
        keepFiringFor: 0,
        labels: {},
        annotations: { s: 'x' },
        alerts: [
          {
            labels: { alertname: 'A', job: 'j' },
            annotations: { s: 'x' },
            state: 'pending',
            activeAt: '1970-01-01T00:00:01.000Z',
            value: '0e+00',
          },
        ],
        health: 'ok',
        evaluationTime: 0,
        lastEvaluation: '1970-01-01T00:00:01.000Z',
        type: 'alerting',
      },
    );
    assert.equal(r.type, 'recording');
    assert.deepEqual(
      (rulesApiData(m, { type: 'record' }).groups[0] as { rules: { name: string }[] }).rules.map(
        (x) => x.name,
      ),
      ['r'],
    );
    assert.deepEqual(rulesApiData(m, { ruleGroup: ['nope'] }).groups, []);
    assert.equal(alertsApiData(m).alerts.length, 1);
    assert.deepEqual([1, 0.5, -1234.5, NaN, Infinity, 1e21].map(formatGoExp), [
      '1e+00',
      '5e-01',
      '-1.2345e+03',
      'NaN',
      '+Inf',
      '1e+21',
    ]);
  });
});

describe('rule evaluator: Prometheus templates (template module)', () => {
  it('expands $labels, $value, $externalLabels, $externalURL, humanize and query', async () => {
    const { m, put } = setup({
      externalLabels: { cluster: 'c1' },
      externalURL: 'http://argus:9090',
    });
    await put('up{job="j",instance="h:1"}', [[0, 0]]);
    await put('load{job="j"}', [[0, 1234567]]);
    await m.update(
      groups(
        [
          'groups:',
          '- name: g',
          '  rules:',
          '  - alert: A',
          '    expr: up == 0',
          '    labels: {who: "{{ $labels.job }}-x"}',
          '    annotations:',
          '      s: "{{ $labels.instance }} is {{ $value }} in {{ $externalLabels.cluster }} ({{ $externalURL }})"',
          '      q: "{{ with query \\"load\\" }}{{ . | first | value | humanize }}{{ end }}"',
          '      bad: "{{ .Nope.Deeper.Call 1 }}"',
        ].join('\n') + '\n',
      ),
    );
    await evalAll(m, 0);
    const r = m.groups()[0].rules[0] as AlertingRule;
    const a = [...r.active.values()][0];
    assert.equal(a.labels.get('who'), 'j-x');
    assert.equal(a.annotations.s, 'h:1 is 0 in c1 (http://argus:9090)');
    assert.equal(a.annotations.q, '1.235M');
    assert.match(a.annotations.bad, /^<error expanding template: template: __alert_A:1:/);
    assert.equal(r.health, 'err');
  });

  it('rule files: template parse errors are load errors', () => {
    const r = parseRuleFile(
      'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: "1"\n    annotations: {s: "{{ $labels.x "}\n    labels: {l: "{{ nofunc }}"}\n',
      'f',
    );
    assert.equal(r.errors.length, 2, JSON.stringify(r.errors));
    assert.match(
      r.errors[0],
      /^f: group "g", rule 1, "A": label "l": template: __alert_A:1(:\d+)?: function "nofunc" not defined/,
    );
    assert.match(
      r.errors[1],
      /^f: group "g", rule 1, "A": annotation "s": template: __alert_A:1(:\d+)?: unclosed action/,
    );
  });
});

describe('rule evaluator: failures', () => {
  it('a failing query keeps alert state, sends nothing and reports the error', async () => {
    let fail = false;
    const store = new MemStore();
    const inner = engineQueryFn(new PromQLEngine({ parse: parseExpr }), store);
    const sent: Alert[][] = [];
    const errors: string[] = [];
    const m = new RuleManager({
      tenant: T,
      appendable: store,
      sink: { send: (_t, a) => sent.push(a) },
      onError: (g, r) => errors.push(`${g}/${r}`),
      query: (t, e, ts) => (fail ? Promise.reject(new Error('storage down')) : inner(t, e, ts)),
    });
    await m.update(groups('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: vector(1)\n'));
    await evalAll(m, 0);
    assert.equal(sent.length, 1);
    fail = true;
    await evalAll(m, 5 * M);
    const r = m.groups()[0].rules[0] as AlertingRule;
    assert.deepEqual(
      [r.health, r.lastError, r.state(), sent.length],
      ['err', 'storage down', 'firing', 1],
    );
    assert.deepEqual(errors, ['g/A']);
    fail = false;
    await evalAll(m, 6 * M);
    assert.deepEqual([r.health, sent.length], ['ok', 2]);
  });
});
