import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { adminFetch, remoteWrite, startArgus, tempDir, type ArgusProcess } from './helpers.js';

const RULES = `groups:
  - name: demo
    interval: 1s
    rules:
      - record: demo:doubled
        expr: demo_value * 2
      - alert: DemoHigh
        # A comment before the expression, as rule files have them.
        expr: |
          # above the line
          demo_value > 5
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} is at {{ $value | humanize }}"
`;

async function api<T>(argus: ArgusProcess, p: string): Promise<T> {
  const res = await adminFetch(`${argus.url}${p}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  assert.equal(res.status, 200, body.error);
  return body.data;
}

/** Polls `get` until `ok` holds (bounded); returns the last value. */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let v = await get();
  for (let i = 0; i < 150 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await get();
  }
  assert.ok(ok(v), `${what}: ${JSON.stringify(v)}`);
  return v;
}

describe('rule files in the server', () => {
  it('evaluates recording and alerting rules, lists them, and refuses a bad file on reload', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'rules'));
    await writeFile(path.join(dir, 'rules', 'demo.yml'), RULES);
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(
      cfg,
      'collect: { host: { enabled: false } }\nglobal: { external_url: "https://argus.example/" }\nrule_files: ["rules/*.yml"]\nrules: { builtin: false }\n',
    );
    const argus = await startArgus({ args: ['--config', cfg] });
    try {
      const w = await remoteWrite(argus.url, [
        {
          labels: [
            ['__name__', 'demo_value'],
            ['instance', 'web-1'],
          ],
          samples: [{ t: Date.now(), v: 7 }],
        },
      ]);
      assert.equal(w.status, 204, w.body);

      // The recording rule's output is a series like any other.
      type Vec = { result: { metric: Record<string, string>; value: [number, string] }[] };
      const rec = await until(
        () => api<Vec>(argus, '/api/v1/query?query=demo:doubled'),
        (v) => v.result.length === 1,
        'demo:doubled',
      );
      assert.equal(rec.result[0].value[1], '14');
      assert.deepEqual(rec.result[0].metric, { __name__: 'demo:doubled', instance: 'web-1' });

      // The alert fires (for: 0) with its template expanded, and ALERTS says so.
      type Alerts = {
        alerts: {
          labels: Record<string, string>;
          annotations: Record<string, string>;
          state: string;
        }[];
      };
      const alerts = await until(
        () => api<Alerts>(argus, '/api/v1/alerts'),
        (v) => v.alerts.some((a) => a.state === 'firing'),
        'firing alert',
      );
      assert.deepEqual(alerts.alerts[0].labels, {
        alertname: 'DemoHigh',
        instance: 'web-1',
        severity: 'page',
      });
      assert.equal(alerts.alerts[0].annotations.summary, 'web-1 is at 7');
      await until(
        () => api<Vec>(argus, '/api/v1/query?query=ALERTS{alertstate="firing"}'),
        (v) => v.result.length === 1,
        'ALERTS',
      );

      type Rules = {
        groups: {
          name: string;
          file: string;
          rules: { name: string; health: string; type: string }[];
        }[];
      };
      const rules = await api<Rules>(argus, '/api/v1/rules');
      assert.equal(rules.groups.length, 1);
      assert.equal(rules.groups[0].file, path.join(dir, 'rules', 'demo.yml'));
      assert.deepEqual(
        rules.groups[0].rules.map((r) => [r.name, r.type, r.health]),
        [
          ['demo:doubled', 'recording', 'ok'],
          ['DemoHigh', 'alerting', 'ok'],
        ],
      );
      const onlyRec = await api<Rules>(argus, '/api/v1/rules?type=record');
      assert.deepEqual(
        onlyRec.groups[0].rules.map((r) => r.name),
        ['demo:doubled'],
      );
      const bad = await adminFetch(`${argus.url}/api/v1/rules?type=bogus`);
      assert.equal(bad.status, 400);

      const metrics = await (await adminFetch(`${argus.url}/metrics`)).text();
      assert.match(
        metrics,
        /^argus_rule_evaluations_total\{tenant="default",rule_group="[^"]+;demo"\} [1-9]/m,
      );

      // A broken rule file fails the reload with its error; the running rules stay.
      await writeFile(
        path.join(dir, 'rules', 'broken.yml'),
        'groups:\n  - name: x\n    rules:\n      - record: x:y\n        expr: sum(up\n',
      );
      const res = await adminFetch(`${argus.url}/-/reload`, { method: 'POST' });
      assert.equal(res.status, 400);
      assert.match(
        await res.text(),
        /broken\.yml: 5:15: group "x", rule 1, "x:y": could not parse expression/,
      );
      assert.equal((await api<Rules>(argus, '/api/v1/rules')).groups.length, 1);
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });

  it('manages rule groups through the API: checked, audited, evaluated at once, removed', async () => {
    const dir = await tempDir();
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(path.join(dir, 'demo.yml'), RULES);
    await writeFile(
      cfg,
      'collect: { host: { enabled: false } }\nrule_files: [demo.yml]\nrules: { builtin: false }\n',
    );
    const argus = await startArgus({ args: ['--config', cfg] });
    const G = `${argus.url}/api/argus/v1/rule-groups`;
    const put = (name: string, body: unknown) =>
      adminFetch(`${G}/${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      const w = await remoteWrite(argus.url, [
        {
          labels: [
            ['__name__', 'demo_value'],
            ['instance', 'web-1'],
          ],
          samples: [{ t: Date.now(), v: 3 }],
        },
      ]);
      assert.equal(w.status, 204, w.body);

      // A bad group is refused with the rule-file checker's words; nothing is stored.
      const bad = await put('api-demo', {
        group: 'interval: 1s\nrules:\n  - record: x:y\n    expr: sum(\n',
      });
      assert.equal(bad.status, 400);
      assert.match(
        ((await bad.json()) as { error: string }).error,
        /group "api-demo", rule 1, "x:y": could not parse expression/,
      );

      const ok = await put('api-demo', {
        group: 'interval: 1s\nrules:\n  - record: demo:tripled\n    expr: demo_value * 3\n',
      });
      const created = (await ok.json()) as {
        data: { version: number; provisioned: boolean; file: string };
      };
      assert.equal(ok.status, 200);
      assert.deepEqual(
        [created.data.version, created.data.provisioned, created.data.file],
        [1, false, 'api'],
      );
      // Evaluated without a reload.
      type Vec = { result: { value: [number, string] }[] };
      const rec = await until(
        () => api<Vec>(argus, '/api/v1/query?query=demo:tripled'),
        (v) => v.result.length === 1,
        'demo:tripled',
      );
      assert.equal(rec.result[0].value[1], '9');

      // The list has both kinds; file groups are marked read-only.
      const list = await api<{ name: string; provisioned: boolean }[]>(
        argus,
        '/api/argus/v1/rule-groups',
      );
      assert.deepEqual(
        list.map((g) => [g.name, g.provisioned]),
        [
          ['api-demo', false],
          ['demo', true],
        ],
      );
      // Creating it again is a conflict; replacing needs the version edited.
      assert.equal((await put('api-demo', { group: { rules: [] } })).status, 409);
      const stale = await put('api-demo', { group: { rules: [] }, version: 7 });
      assert.equal(stale.status, 409);
      // The audit trail has it.
      const audit = await api<{ action: string }[]>(
        argus,
        '/api/argus/v1/audit?action=rules.group.create',
      );
      assert.equal(audit.length, 1);

      const del = await adminFetch(`${G}/api-demo`, { method: 'DELETE' });
      assert.equal(del.status, 200);
      type Rules = { groups: { name: string }[] };
      assert.deepEqual(
        (await api<Rules>(argus, '/api/v1/rules')).groups.map((g) => g.name),
        ['demo'],
      );
      assert.equal((await adminFetch(`${G}/api-demo`)).status, 404);
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });
});
