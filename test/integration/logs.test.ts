import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { adminFetch, eventually, startArgus, tempDir, type ArgusProcess } from './helpers.js';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Stream {
  stream: Record<string, string>;
  values: [string, string][];
}

async function lines(url: string, query: string): Promise<string[]> {
  const q = new URLSearchParams({ query, limit: '1000', direction: 'forward' });
  const res = await adminFetch(`${url}/loki/api/v1/query_range?${q.toString()}`);
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { data: { resultType: string; result: Stream[] } };
  assert.equal(body.data.resultType, 'streams');
  return body.data.result
    .flatMap((s) => s.values)
    .sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1))
    .map((v) => v[1]);
}

async function push(url: string, stream: Record<string, string>, values: [string, string][]) {
  const res = await adminFetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [{ stream, values }] }),
  });
  assert.equal(res.status, 204, await res.text());
}

const LOGGER = '/usr/bin/logger';

describe('logs in the server: push, query, syslog, files, restart', () => {
  let argus: ArgusProcess;
  let dataDir: string;
  let configFile: string;
  let logFile: string;
  let syslogPort: number;
  const now = BigInt(Date.now()) * 1_000_000n;

  before(async () => {
    const dir = await tempDir('argus-logs-it-');
    dataDir = path.join(dir, 'data');
    configFile = path.join(dir, 'argus.yml');
    logFile = path.join(dir, 'app', 'app.log');
    await run('mkdir', ['-p', path.dirname(logFile)]);
    await writeFile(logFile, 'first line from the file\n');
    syslogPort = await freePort();
    await writeFile(
      configFile,
      [
        'collect: { host: { enabled: false }, self: { enabled: false } }',
        'rules: { builtin: false }',
        'logs:',
        '  retention: { streams: [{ selector: \'{env="dev"}\', period: 3d }] }',
        `  syslog: { enabled: true, tcp: "127.0.0.1:${syslogPort}", batch_wait: 100ms }`,
        '  files:',
        `    - { path: "${path.dirname(logFile)}/*.log", labels: { job: app } }`,
        '',
      ].join('\n'),
    );
    argus = await startArgus({ dataDir, args: ['--config', configFile] });
    await argus.waitReady();
  });
  after(() => argus?.stop());

  it('a Loki push is queryable with line filters, parsers and metric queries', async () => {
    await push(argus.url, { app: 'shop', env: 'dev' }, [
      [String(now - 3000n), 'level=info msg="order placed" order=1'],
      [String(now - 2000n), 'level=error msg="payment failed" trace_id=4bf92f3577b34da6'],
      [String(now - 1000n), 'level=info msg="order shipped" order=1'],
    ]);
    assert.deepEqual(await lines(argus.url, '{app="shop"} |= "4bf92f3577b34da6"'), [
      'level=error msg="payment failed" trace_id=4bf92f3577b34da6',
    ]);
    assert.deepEqual(await lines(argus.url, '{app="shop"} | logfmt | level="info" | order="1"'), [
      'level=info msg="order placed" order=1',
      'level=info msg="order shipped" order=1',
    ]);
    const q = new URLSearchParams({ query: 'sum by (app) (count_over_time({env="dev"}[1h]))' });
    const res = await adminFetch(`${argus.url}/loki/api/v1/query?${q.toString()}`);
    const body = (await res.json()) as {
      data: {
        resultType: string;
        result: { metric: Record<string, string>; value: [number, string] }[];
      };
    };
    assert.equal(body.data.resultType, 'vector');
    assert.deepEqual(
      body.data.result.map((r) => [r.metric, r.value[1]]),
      [[{ app: 'shop' }, '3']],
    );
    const labels = await adminFetch(`${argus.url}/loki/api/v1/labels`);
    const names = ((await labels.json()) as { data: string[] }).data;
    for (const n of ['app', 'env']) assert.ok(names.includes(n), `labels: ${names.join(',')}`);
  });

  it('shows the tenant retention and the store size for the UI', async () => {
    const res = await adminFetch(`${argus.url}/api/argus/v1/logs/info`);
    assert.equal(res.status, 200);
    const { data } = (await res.json()) as {
      data: { retention: { periodMs: number; streams: unknown[] }; store: { headStreams: number } };
    };
    assert.equal(data.retention.periodMs, 30 * 86_400_000);
    assert.deepEqual(data.retention.streams, [
      { selector: '{env="dev"}', periodMs: 3 * 86_400_000 },
    ]);
    assert.ok(data.store.headStreams >= 1);
  });

  it('refuses log queries without credentials', async () => {
    const res = await fetch(
      `${argus.url}/loki/api/v1/query_range?query=${encodeURIComponent('{app="shop"}')}`,
    );
    assert.equal(res.status, 401);
  });

  it('receives syslog from the real logger command over TCP', async (t) => {
    if (!existsSync(LOGGER)) return t.skip(`${LOGGER} is not installed (Debian package bsdutils)`);
    await run(LOGGER, [
      '--rfc5424',
      '-T',
      '-n',
      '127.0.0.1',
      '-P',
      String(syslogPort),
      '-t',
      'billing',
      'invoice 42 sent',
    ]);
    const got = await eventually('the syslog line is stored', 15_000, async () => {
      const l = await lines(argus.url, '{job="syslog", app="billing"}');
      return l.length > 0 ? l : undefined;
    });
    assert.deepEqual(got, ['invoice 42 sent']);
  });

  it('tails a file and, after kill -9 and a restart, keeps every acknowledged entry once', async () => {
    await appendFile(logFile, 'second line from the file\n');
    await eventually('both file lines are stored', 15_000, async () => {
      const l = await lines(argus.url, '{job="app"}');
      return l.length === 2 ? l : undefined;
    });
    // Offsets are checkpointed just after the commit that covers them (at-least-once across a
    // crash in between, docs/user/logs-files.md): kill once the checkpoint holds the file's end.
    const size = (await stat(logFile)).size;
    await eventually('the file offset is checkpointed', 15_000, async () => {
      const cp = JSON.parse(
        await readFile(path.join(dataDir, 'logs', 'file-positions.json'), 'utf8'),
      ) as { files: { path: string; offset: number }[] };
      return cp.files.some((f) => f.path === logFile && f.offset === size) ? true : undefined;
    });
    await argus.kill9();
    await appendFile(logFile, 'third line, written while argus was down\n');
    argus = await startArgus({ dataDir, args: ['--config', configFile] });
    await argus.waitReady();
    assert.deepEqual(await lines(argus.url, '{app="shop"}'), [
      'level=info msg="order placed" order=1',
      'level=error msg="payment failed" trace_id=4bf92f3577b34da6',
      'level=info msg="order shipped" order=1',
    ]);
    const file = await eventually('the file line written while down is read', 15_000, async () => {
      const l = await lines(argus.url, '{job="app"}');
      return l.length >= 3 ? l : undefined;
    });
    assert.deepEqual(file, [
      'first line from the file',
      'second line from the file',
      'third line, written while argus was down',
    ]);
  });
});
