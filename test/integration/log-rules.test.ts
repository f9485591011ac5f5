import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ADMIN_AUTH, REPO_ROOT, adminFetch, runArgus, startArgus, tempDir } from './helpers.js';

// Log-based alerting (#9): a LogQL rule in `log_rule_files` fires from lines pushed through the
// Loki push API and reaches an Alertmanager webhook through the same notification pipeline.

interface Notification {
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

async function hookServer(): Promise<{ url: string; server: Server; got: Notification[] }> {
  const got: Notification[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      got.push(JSON.parse(raw) as Notification);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server, got };
}

async function until(
  ok: () => boolean | Promise<boolean>,
  what: string,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const LOG_RULES = `groups:
  - name: api-logs
    interval: 1s
    rules:
      - alert: ApiErrors
        expr: sum by (app) (count_over_time({app="api"} |= "error" [10s])) > 2
        labels: { severity: page }
        annotations:
          summary: "{{ $labels.app }} logged {{ $value }} errors"
      - record: app:error_lines:count10s
        expr: sum by (app) (count_over_time({app="api"} |= "error" [10s]))
`;

async function setup(hookUrl: string): Promise<{ dir: string; cfg: string }> {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'log-rules.yml'), LOG_RULES);
  const cfg = path.join(dir, 'argus.yml');
  await writeFile(
    cfg,
    `collect: { host: { enabled: false }, self: { enabled: false } }
log_rule_files: ["log-*.yml"]
rules: { builtin: false }
alertmanager:
  route:
    receiver: hook
    group_by: [alertname, app]
    group_wait: 0s
    group_interval: 1s
    repeat_interval: 1h
  receivers:
    - name: hook
      webhook_configs:
        - url: "${hookUrl}"
`,
  );
  return { dir, cfg };
}

describe('log rules in the server', () => {
  it('a LogQL rule fires from pushed lines → webhook; resolves when the lines age out', async () => {
    const hook = await hookServer();
    const { cfg } = await setup(hook.url);
    const argus = await startArgus({ args: ['--config', cfg] });
    try {
      const now = BigInt(Date.now()) * 1_000_000n;
      const values = ['GET / 200', 'error: db down', 'error: db down', 'error: timeout'].map(
        (line, i) => [String(now + BigInt(i)), line],
      );
      // The log store opens in the background: retry while it answers 503.
      let status = 0;
      for (let i = 0; i < 200 && status !== 204; i++) {
        const res = await fetch(`${argus.url}/loki/api/v1/push`, {
          method: 'POST',
          headers: { authorization: ADMIN_AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ streams: [{ stream: { app: 'api' }, values }] }),
        });
        status = res.status;
        if (status !== 204) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 204);

      await until(() => hook.got.some((n) => n.status === 'firing'), 'the firing notification');
      const firing = hook.got.find((n) => n.status === 'firing')!;
      assert.deepEqual(firing.alerts[0].labels, {
        alertname: 'ApiErrors',
        app: 'api',
        severity: 'page',
      });
      assert.equal(firing.alerts[0].annotations.summary, 'api logged 3 errors');

      // /api/v1/rules lists the log rules (Prometheus shape, marked logql); the recording
      // rule wrote to the TSDB.
      // The recording rule runs after the alert in the group: wait for its first evaluation.
      type Rules = {
        data: { groups: { name: string; file: string; rules: Record<string, unknown>[] }[] };
      };
      let rules: Rules | undefined;
      await until(async () => {
        rules = (await (await adminFetch(`${argus.url}/api/v1/rules`)).json()) as Rules;
        const grp = rules.data.groups.find((x) => x.name === 'api-logs');
        return grp !== undefined && grp.rules.every((r) => r.health !== 'unknown');
      }, 'both log rules evaluated');
      const g = rules!.data.groups.find((x) => x.name === 'api-logs')!;
      assert.equal(path.basename(g.file), 'log-rules.yml');
      assert.deepEqual(
        g.rules.map((r) => [r.name, r.type, r.lang, r.health]),
        [
          ['ApiErrors', 'alerting', 'logql', 'ok'],
          ['app:error_lines:count10s', 'recording', 'logql', 'ok'],
        ],
      );
      const q = await adminFetch(
        `${argus.url}/api/v1/query?query=${encodeURIComponent('app:error_lines:count10s')}`,
      );
      const body = (await q.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      assert.deepEqual(
        body.data.result.map((r) => [r.metric, r.value[1]]),
        [[{ __name__: 'app:error_lines:count10s', app: 'api' }, '3']],
      );

      // Ten seconds later the lines are out of the range: resolved.
      await until(() => hook.got.some((n) => n.status === 'resolved'), 'the resolved notification');
      const resolved = hook.got.find((n) => n.status === 'resolved')!;
      assert.equal(resolved.alerts[0].labels.alertname, 'ApiErrors');
    } finally {
      await argus.stop();
      hook.server.close();
    }
  });

  it('argus check config and argus check rules --logql read log rule files', async () => {
    const { dir, cfg } = await setup('http://127.0.0.1:9/hook');
    const ok = await runArgus(['check', 'config', cfg]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^ {2}log_rule_files {15}1 file, 1 group$/m);

    const rules = path.join(dir, 'log-rules.yml');
    const good = await runArgus(['check', 'rules', '--logql', rules]);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, `Checking ${rules}\n  SUCCESS: 2 rules found\n\n`);
    // The example log rule file and config are valid.
    const example = path.join(REPO_ROOT, 'examples', 'log-alerts');
    const ex = await runArgus(['check', 'rules', '--logql', path.join(example, 'log-rules.yml')]);
    assert.equal(ex.code, 0, ex.stderr);
    assert.match(ex.stdout, /SUCCESS: 4 rules found/);
    const exCfg = await runArgus(['check', 'config', path.join(example, 'argus.yml')]);
    assert.equal(exCfg.code, 0, exCfg.stderr);
    assert.match(exCfg.stdout, /^ {2}log_rule_files {15}1 file, 2 groups$/m);
    // Read as PromQL, the LogQL file is invalid (|= is not PromQL).
    const asProm = await runArgus(['check', 'rules', rules]);
    assert.equal(asProm.code, 1);
    assert.match(asProm.stderr, /6:15: group "api-logs", rule 1, "ApiErrors": could not parse/);

    const bad = path.join(dir, 'log-bad.yml');
    await writeFile(bad, 'groups:\n- name: b\n  rules:\n  - alert: X\n    expr: \'{app="api"}\'\n');
    const refused = await runArgus(['check', 'rules', '--logql', bad]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /log-bad\.yml: 5:11: group "b", rule 1, "X": expr must be a LogQL metric query, got a log query/,
    );
    const cfgBad = await runArgus(['check', 'config', cfg]);
    assert.equal(cfgBad.code, 1);
    assert.match(cfgBad.stderr, /expr must be a LogQL metric query/);
  });
});
