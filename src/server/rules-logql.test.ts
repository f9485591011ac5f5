import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfigText } from '../config/index.js';
import { LogqlEngine, type LogqlQueryEngine, type LogqlResult } from '../logql/index.js';
import { DEFAULT_TENANT, Labels, Matcher, type Alert } from '../model/index.js';
import type { AlertingRule } from '../rules/index.js';
import {
  parseRuleFile,
  RuleFileError,
  RuleManager,
  rulesApiData,
  type RuleGroupSpec,
} from '../rules/index.js';
import { FakeClock } from '../rules/testing.js';
import { MemLogStore } from '../storage/index.js';
import { MemStore, readSeries } from '../storage/testing.js';
import { argusConfigSchema } from './config.js';
import { LOG_RULE_PARSE_OPTIONS, checkLogqlRuleExpr, logqlQueryFn } from './rules-logql.js';
import { loadRuleSet } from './rules.js';

const S = 1000;
const M = 60 * S;
const T = DEFAULT_TENANT;

const parse = (yaml: string) => parseRuleFile(yaml, 'logs.yml', LOG_RULE_PARSE_OPTIONS);
const rule = (expr: string, extra = '') =>
  `groups:\n- name: g\n  rules:\n  - alert: A\n    expr: ${expr}\n${extra}`;

describe('log rule files: parsing and validation', () => {
  it('accepts LogQL metric queries (Loki ruler files) and marks the groups logql', () => {
    const r = parse(
      [
        'groups:',
        '- name: errors',
        '  interval: 30s',
        '  rules:',
        '  - alert: HighErrorRate',
        '    expr: |',
        '      sum by (app) (rate({app="api"} |= "error" [5m]))',
        '        / sum by (app) (rate({app="api"}[5m])) > 0.05',
        '    for: 10m',
        '    labels: { severity: page }',
        '    annotations: { summary: "{{ $labels.app }} at {{ $value }}" }',
        '  - record: app:lines:rate1m',
        '    expr: sum by (app) (rate({app=~".+"} | json | level="error" [1m]))',
        '  - alert: Scalar',
        '    expr: vector(1)',
      ].join('\n'),
    );
    assert.deepEqual(r.errors, []);
    assert.equal(r.groups.length, 1);
    assert.equal(r.groups[0].lang, 'logql');
    assert.deepEqual(
      r.groups[0].rules.map((x) => [x.kind, x.name]),
      [
        ['alerting', 'HighErrorRate'],
        ['recording', 'app:lines:rate1m'],
        ['alerting', 'Scalar'],
      ],
    );
  });

  const bad: [string, string, string][] = [
    [
      'a log query',
      rule('\'{app="api"} |= "error"\''),
      'logs.yml: 5:11: group "g", rule 1, "A": expr must be a LogQL metric query, got a log query (wrap it in a range aggregation, e.g. count_over_time(<query>[5m]))',
    ],
    [
      'a LogQL syntax error',
      rule('\'count_over_time({app="api"}[5m]) >\''),
      'logs.yml: 5:11: group "g", rule 1, "A": could not parse expression: parse error at line 1, col 35: syntax error: unexpected end of input',
    ],
    [
      'a PromQL expression',
      rule('rate(http_requests_total[5m]) > 1'),
      'logs.yml: 5:11: group "g", rule 1, "A": could not parse expression: parse error at line 1, col 6:',
    ],
    [
      'an empty expr',
      rule("''"),
      `logs.yml: 5:11: group "g", rule 1, "A": field 'expr' must be set in rule`,
    ],
    [
      'a bad annotation template (still checked)',
      rule('vector(1)', '    annotations: { s: "{{ .Nope" }\n'),
      'logs.yml: group "g", rule 1, "A": annotation "s": template: __alert_A:1:',
    ],
  ];
  for (const [what, yaml, want] of bad) {
    it(`refuses ${what}`, () => {
      const r = parse(yaml);
      assert.deepEqual(r.groups, []);
      assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
      assert.ok(r.errors[0].startsWith(want), `got ${JSON.stringify(r.errors[0])}`);
    });
  }

  it('checkLogqlRuleExpr: null for a metric query', () => {
    assert.equal(checkLogqlRuleExpr('count_over_time({a="b"}[1m])'), null);
  });
});

describe('log rule files: loadRuleSet', () => {
  it('reads rule_files and log_rule_files together; errors of both lists fail the load', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'argus-logrules-'));
    try {
      await writeFile(
        path.join(dir, 'prom.yml'),
        'groups:\n- name: p\n  rules:\n  - record: r\n    expr: up\n',
      );
      await writeFile(
        path.join(dir, 'logs.yml'),
        'groups:\n- name: l\n  rules:\n  - alert: L\n    expr: count_over_time({a="b"} |= \"x\" [1m]) > 0\n',
      );
      const cfg = (text: string) => parseConfigText(text, 'argus.yml', argusConfigSchema);
      const set = loadRuleSet(
        cfg('rule_files: [prom.yml]\nlog_rule_files: ["log*.yml"]\nrules: { builtin: false }\n'),
        path.join(dir, 'argus.yml'),
      );
      assert.deepEqual(
        set.groups.map((g) => [g.name, g.lang ?? 'promql', path.basename(g.file)]),
        [
          ['p', 'promql', 'prom.yml'],
          ['l', 'logql', 'logs.yml'],
        ],
      );
      assert.deepEqual(
        set.files.map((f) => path.basename(f)),
        ['prom.yml', 'logs.yml'],
      );
      // A PromQL file named as a log rule file (and the other way round) fails with both errors.
      assert.throws(
        () =>
          loadRuleSet(
            cfg('rule_files: [logs.yml]\nlog_rule_files: [prom.yml]\n'),
            path.join(dir, 'argus.yml'),
          ),
        (err: unknown) => {
          assert.ok(err instanceof RuleFileError);
          assert.equal(err.errors.length, 2, err.message);
          assert.match(err.errors[0], /logs\.yml: 5:11: group "l", rule 1, "L": could not parse/);
          assert.match(err.errors[1], /prom\.yml: 5:11: group "p", rule 1, "r": could not parse/);
          return true;
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A LogQL engine stub answering every query with `result`. */
function stubEngine(result: LogqlResult): LogqlQueryEngine {
  const no = (): never => {
    throw new Error('not used');
  };
  return {
    instantQuery: () =>
      Promise.resolve({
        result,
        stats: {
          read: { streams: 0, chunks: 0, chunksSkipped: 0, entries: 0, bytes: 0 },
          execMs: 0,
        },
      }),
    rangeQuery: no,
    tail: no,
  };
}

describe('logqlQueryFn', () => {
  it('returns vectors as they are and a scalar as one unlabelled sample', async () => {
    const l = Labels.fromObject({ app: 'x' });
    const v = logqlQueryFn(() =>
      stubEngine({ type: 'vector', samples: [{ labels: l, t: 5, v: 2 }] }),
    );
    assert.deepEqual(await v(T, 'q', 5), [{ labels: l, t: 5, v: 2 }]);
    const s = logqlQueryFn(() => stubEngine({ type: 'scalar', t: 7, v: 3 }));
    assert.deepEqual(await s(T, 'q', 7), [{ labels: Labels.EMPTY, t: 7, v: 3 }]);
  });

  it('rejects other results, a disabled log store and a parsed PromQL expression', async () => {
    const m = logqlQueryFn(() => stubEngine({ type: 'matrix', series: [] }));
    await assert.rejects(m(T, 'q', 0), /rule result is not a vector or scalar: got matrix/);
    const off = logqlQueryFn(() => undefined);
    await assert.rejects(off(T, 'q', 0), /the log store is not enabled/);
    const promExpr = { type: 'NumberLiteral', val: 1 } as unknown as Parameters<typeof m>[1];
    await assert.rejects(m(T, promExpr, 0), /got a parsed PromQL expression/);
  });
});

describe('log rules in the rule manager (MemLogStore + LogqlEngine)', () => {
  const RULES = [
    'groups:',
    '- name: api-errors',
    '  rules:',
    '  - alert: ApiErrors',
    '    expr: sum by (app) (count_over_time({app="api"} |= "error" [1m])) > 2',
    '    for: 1m',
    '    labels: { severity: page }',
    '    annotations: { summary: "{{ $labels.app }} logged {{ $value }} errors" }',
    '  - record: app:errors:count1m',
    '    expr: sum by (app) (count_over_time({app="api"} |= "error" [1m]))',
    '  - alert: Always',
    '    expr: vector(1)',
  ].join('\n');

  function setup(withLogs = true) {
    const logs = new MemLogStore();
    const tsdb = new MemStore();
    const engine = new LogqlEngine({ queryable: logs, tailable: logs });
    const sent: Alert[][] = [];
    const m = new RuleManager({
      tenant: T,
      query: () => Promise.reject(new Error('PromQL must not be used')),
      ...(withLogs ? { logQuery: logqlQueryFn(() => engine) } : {}),
      appendable: tsdb,
      queryable: tsdb,
      sink: { send: (_t, a) => sent.push(a) },
      clock: new FakeClock(0),
      externalURL: 'http://argus/',
    });
    const push = async (atMs: number, lines: string[]): Promise<void> => {
      const app = logs.logAppender(T);
      app.append(
        Labels.fromObject({ app: 'api' }),
        lines.map((line, i) => ({ ts: BigInt(atMs) * 1_000_000n + BigInt(i), line })),
      );
      await app.commit();
    };
    return { logs, tsdb, m, sent, push };
  }

  const specs = (): RuleGroupSpec[] => {
    const r = parse(RULES);
    assert.deepEqual(r.errors, []);
    return r.groups;
  };

  it('a log alert goes pending → firing → resolved, through the sink; recording rules write the TSDB', async () => {
    const { tsdb, m, sent, push } = setup();
    await m.update(specs());
    const g = m.groups()[0];
    const alert = g.rules[0] as AlertingRule;
    await push(30 * S, ['GET / 200', 'error: db down', 'error: db down', 'error: timeout']);
    await push(90 * S, ['error: a', 'error: b', 'error: c', 'ok']);
    const states: string[] = [];
    for (const t of [M, 2 * M, 3 * M]) {
      await g.evalAt(t);
      states.push(alert.state());
    }
    assert.deepEqual(states, ['pending', 'firing', 'inactive']);
    const api = sent.flat().filter((a) => a.labels.get('alertname') === 'ApiErrors');
    assert.deepEqual(
      api.map((a) => [a.labels.toObject(), a.annotations.summary, a.startsAt, a.endsAt]),
      [
        [
          { alertname: 'ApiErrors', app: 'api', severity: 'page' },
          'api logged 3 errors',
          2 * M,
          6 * M,
        ],
        [
          { alertname: 'ApiErrors', app: 'api', severity: 'page' },
          'api logged 3 errors',
          2 * M,
          3 * M,
        ],
      ],
    );
    assert.equal(
      api[0].generatorURL,
      `http://argus/logs?q=${encodeURIComponent('sum by (app) (count_over_time({app="api"} |= "error" [1m])) > 2')}`,
    );
    // The recording rule's output and ALERTS are in the TSDB.
    const rec = readSeries(tsdb, [new Matcher('=', '__name__', 'app:errors:count1m')]);
    assert.deepEqual(rec, [
      {
        labels: '{__name__="app:errors:count1m", app="api"}',
        ts: [M, 2 * M, 3 * M],
        vs: [3, 3, 'stale'],
      },
    ]);
    const alerts = readSeries(tsdb, [new Matcher('=', '__name__', 'ALERTS')]).map((s) => s.labels);
    assert.deepEqual(alerts, [
      '{__name__="ALERTS", alertname="Always", alertstate="firing"}',
      '{__name__="ALERTS", alertname="ApiErrors", alertstate="firing", app="api", severity="page"}',
      '{__name__="ALERTS", alertname="ApiErrors", alertstate="pending", app="api", severity="page"}',
    ]);
    // vector(1) is a LogQL metric query too: it fires at once.
    const scalar = g.rules[2] as AlertingRule;
    assert.equal(scalar.health, 'ok');
    assert.equal(scalar.state(), 'firing');
    // The rules API lists them in Prometheus's shape, marked logql.
    const listed = rulesApiData(m) as {
      groups: { rules: { name: string; query: string; lang?: string; type: string }[] }[];
    };
    assert.deepEqual(
      listed.groups[0].rules.map((r) => [r.name, r.type, r.lang]),
      [
        ['ApiErrors', 'alerting', 'logql'],
        ['app:errors:count1m', 'recording', 'logql'],
        ['Always', 'alerting', 'logql'],
      ],
    );
  });

  it('evaluation errors become the rule health (log query at run time, logs disabled)', async () => {
    const { m, push } = setup();
    const g0 = specs()[0];
    const withLogQuery: RuleGroupSpec = {
      ...g0,
      rules: [{ ...g0.rules[1], expr: '{app="api"}' }],
    };
    await m.update([withLogQuery]);
    await push(30 * S, ['x']);
    await m.groups()[0].evalAt(M);
    assert.match(
      m.groups()[0].rules[0].lastError ?? '',
      /log queries are not supported as an instant query/,
    );

    const off = setup(false);
    await off.m.update(specs());
    await off.m.groups()[0].evalAt(M);
    for (const r of off.m.groups()[0].rules) {
      assert.equal(r.health, 'err');
      assert.equal(
        r.lastError,
        'cannot evaluate a LogQL rule: the log store is not enabled (logs.enabled)',
      );
    }
  });
});
