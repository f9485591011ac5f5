/**
 * The Alertmanager API v2 against real clients: a real Prometheus (Debian 2.42) whose rule fires
 * at once posts its alert to Argus as to an Alertmanager, and the real amtool queries alerts and
 * adds, lists and expires silences (basic auth in the URL). Each test skips with a message when
 * its binary is missing (tools/scripts/test.sh installs both).
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  ADMIN_PASSWORD,
  adminFetch,
  startArgus,
  tempDir,
  type ArgusProcess,
  eventually,
} from './helpers.js';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const AMTOOL = process.env.AMTOOL_BIN ?? '/usr/bin/amtool';
const run = promisify(execFile);

const skipProm = existsSync(PROMETHEUS)
  ? false
  : `${PROMETHEUS} not installed: run tools/scripts/ensure-debian.sh prometheus (npm test does)`;
const skipAmtool = existsSync(AMTOOL)
  ? false
  : `${AMTOOL} not installed: run tools/scripts/ensure-debian.sh prometheus-alertmanager (npm test does)`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL?: string;
  status: { state: string };
}

describe('Alertmanager API v2 with real clients', { timeout: 90_000 }, () => {
  let dir = '';
  let argus: ArgusProcess | undefined;
  let prom: ChildProcess | undefined;
  let promLog = '';

  before(async () => {
    if (skipProm && skipAmtool) return;
    dir = await tempDir('argus-it-am-');
    argus = await startArgus({ dataDir: path.join(dir, 'argus') });
  });

  after(async () => {
    if (prom && prom.exitCode === null && prom.signalCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      prom.kill('SIGTERM');
      const t = setTimeout(() => prom!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    await argus?.stop();
  });

  it('a real Prometheus posts its firing alert to Argus', { skip: skipProm }, async () => {
    const target = new URL(argus!.url).host;
    await writeFile(
      path.join(dir, 'rules.yml'),
      [
        'groups:',
        '  - name: it',
        '    interval: 1s',
        '    rules:',
        '      - alert: ArgusItAlwaysFiring',
        '        expr: vector(1)',
        '        labels: { severity: page }',
        '        annotations: { summary: "fires at once" }',
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { evaluation_interval: 1s }',
        'rule_files: [rules.yml]',
        'alerting:',
        '  alertmanagers:',
        '    - api_version: v2',
        '      path_prefix: /',
        `      basic_auth: { username: admin, password: "${ADMIN_PASSWORD}" }`,
        `      static_configs: [{ targets: ["${target}"] }]`,
        '',
      ].join('\n'),
    );
    promLog = path.join(dir, 'prometheus.log');
    const fd = openSync(promLog, 'a');
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${await freePort()}`,
        // The first send can come before the Alertmanager target is discovered (dropped);
        // resend within the test's patience, not after the default minute.
        '--rules.alert.resend-delay=1s',
      ],
      { stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    try {
      const alert = await eventually('the alert in Argus', 45_000, async () => {
        const res = await adminFetch(`${argus!.url}/api/v2/alerts`);
        const all = (await res.json()) as GettableAlert[];
        return all.find((a) => a.labels.alertname === 'ArgusItAlwaysFiring');
      });
      assert.equal(alert.labels.severity, 'page');
      assert.equal(alert.annotations.summary, 'fires at once');
      assert.match(alert.generatorURL ?? '', /\/graph\?g0\.expr=vector%281%29/);
    } catch (err) {
      const tail = (await readFile(promLog, 'utf8').catch(() => '')).split('\n').slice(-15);
      if (err instanceof Error) err.message += `\n--- prometheus.log\n${tail.join('\n')}`;
      throw err;
    }
  });

  it(
    'amtool queries alerts and adds, lists and expires silences',
    { skip: skipAmtool },
    async () => {
      const u = new URL(argus!.url);
      u.username = 'admin';
      u.password = ADMIN_PASSWORD;
      const amtool = async (...args: string[]) => {
        const { stdout } = await run(AMTOOL, [`--alertmanager.url=${u.href}`, ...args], {
          timeout: 20_000,
        });
        return stdout;
      };
      const post = await adminFetch(`${argus!.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'AmtoolSees', job: 'it' } }]),
      });
      assert.equal(post.status, 200, await post.text());
      const alerts = JSON.parse(
        await amtool('-o', 'json', 'alert', 'query', 'alertname=AmtoolSees'),
      ) as GettableAlert[];
      assert.deepEqual(
        alerts.map((a) => a.labels),
        [{ alertname: 'AmtoolSees', job: 'it' }],
      );

      const id = (
        await amtool(
          'silence',
          'add',
          'alertname=AmtoolSees',
          '--comment=integration test',
          '--author=amtool-it',
          '--duration=1h',
        )
      ).trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      const listed = JSON.parse(await amtool('-o', 'json', 'silence', 'query')) as {
        id: string;
        createdBy: string;
        comment: string;
        matchers: { name: string; value: string; isRegex: boolean }[];
        status: { state: string };
      }[];
      const s = listed.find((x) => x.id === id);
      assert.ok(s, JSON.stringify(listed));
      assert.equal(s.createdBy, 'amtool-it');
      assert.equal(s.comment, 'integration test');
      assert.equal(s.status.state, 'active');
      assert.deepEqual(
        s.matchers.map((m) => [m.name, m.value, m.isRegex]),
        [['alertname', 'AmtoolSees', false]],
      );
      const silenced = JSON.parse(
        await amtool('-o', 'json', 'alert', 'query', '--silenced', 'alertname=AmtoolSees'),
      ) as GettableAlert[];
      assert.equal(silenced[0]?.status.state, 'suppressed');

      await amtool('silence', 'expire', id);
      const after = JSON.parse(await amtool('-o', 'json', 'silence', 'query', '--expired')) as {
        id: string;
        status: { state: string };
      }[];
      assert.equal(after.find((x) => x.id === id)?.status.state, 'expired');
      assert.equal((await amtool('silence', 'query', '-q')).trim(), '');
    },
  );
});
