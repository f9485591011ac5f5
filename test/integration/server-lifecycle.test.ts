import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ARGUS_BIN, runArgus, startArgus, tempDir, type LogLine } from './helpers.js';
import { adminFetch } from './helpers.js';

describe('argus server lifecycle', () => {
  it('serves health, readiness and its own metrics, and stops on SIGTERM with code 0', async () => {
    const argus = await startArgus();
    try {
      const healthy = await fetch(`${argus.url}/-/healthy`);
      assert.equal(healthy.status, 200);
      assert.equal((await fetch(`${argus.url}/-/ready`)).status, 200);
      const metrics = await (await adminFetch(`${argus.url}/metrics`)).text();
      for (const name of [
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        // The histogram's TYPE line: its buckets appear only after the first GC, which a
        // young process may not have had yet.
        '# TYPE nodejs_gc_duration_seconds histogram',
        'nodejs_eventloop_lag_seconds',
        'argus_build_info{',
        'argus_http_requests_total{route="/-/healthy",method="GET",code="200"} 1',
        'argus_http_request_duration_seconds_bucket{',
      ]) {
        assert.ok(metrics.includes(name), `missing ${name}`);
      }
      const lock = JSON.parse(await readFile(path.join(argus.dataDir, 'lock'), 'utf8')) as {
        pid: number;
        url: string;
      };
      assert.deepEqual([lock.pid, lock.url], [argus.pid, argus.url]);
    } finally {
      const exit = await argus.stop('SIGTERM');
      assert.equal(exit.code, 0, argus.stdout + argus.stderr);
      assert.ok(exit.elapsedMs < 10_000, `took ${exit.elapsedMs} ms`);
    }
    assert.ok(argus.logs().some((l) => l.msg === 'shutdown complete' && l.code === 0));
    await assert.rejects(readFile(path.join(argus.dataDir, 'lock')), { code: 'ENOENT' });
  });

  it('stops on SIGINT with code 0', async () => {
    const argus = await startArgus();
    const exit = await argus.stop('SIGINT');
    assert.equal(exit.code, 0);
  });

  it('refuses a second server on the same data dir, naming the dir and the holder', async () => {
    const first = await startArgus();
    try {
      const second = await runArgus([
        'server',
        '--data-dir',
        first.dataDir,
        '--listen',
        '127.0.0.1:0',
      ]);
      assert.equal(second.code, 1);
      const want = `cannot lock data dir ${first.dataDir}: in use by process ${first.pid} (${first.url}); stop it or use another --data-dir`;
      assert.equal(second.stderr, `argus: ${want}\n`);
      const logged = JSON.parse(second.stdout.trim().split('\n').pop()!) as {
        msg: string;
        err: string;
        level: number;
      };
      assert.deepEqual([logged.msg, logged.err, logged.level], ['data dir is locked', want, 60]);
      assert.equal((await fetch(`${first.url}/-/healthy`)).status, 200, 'first still serving');
    } finally {
      await first.stop();
    }
  });

  it('refuses a busy port, saying why once', async () => {
    const first = await startArgus();
    try {
      const addr = first.url.replace('http://', '');
      const dir = await tempDir();
      const second = await runArgus(['server', '--data-dir', dir, '--listen', addr]);
      assert.equal(second.code, 1);
      const want = `cannot start server: listen EADDRINUSE: address already in use ${addr}`;
      assert.equal(second.stderr, `argus: ${want}\n`);
      const logged = JSON.parse(second.stdout.trim().split('\n').pop()!) as LogLine;
      assert.deepEqual([logged.msg, logged.err], ['cannot start', want]);
    } finally {
      await first.stop();
    }
  });

  it('restarts on the same data dir after kill -9 (stale lock)', async () => {
    const first = await startArgus();
    const gone = await first.kill9();
    assert.equal(gone.signal, 'SIGKILL');
    const lock = JSON.parse(await readFile(path.join(first.dataDir, 'lock'), 'utf8')) as {
      pid: number;
    };
    assert.equal(lock.pid, first.pid, 'the lock file is left behind');
    const second = await startArgus({ dataDir: first.dataDir });
    try {
      assert.equal((await fetch(`${second.url}/-/ready`)).status, 200);
      const took = second.logs().find((l) => l.msg?.startsWith('took over a stale data-dir lock'));
      assert.equal(took?.stale_pid, first.pid);
    } finally {
      assert.equal((await second.stop()).code, 0);
    }
  });

  it('exits 1 with the config errors when the config is bad', async () => {
    const dir = await tempDir();
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(cfg, 'logging:\n  level: loud\n');
    const r = await runArgus(['server', '--config', cfg, '--data-dir', path.join(dir, 'data')]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `argus: cannot load config:\n${cfg}:2:3: logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", got "loud"\n`,
    );
  });

  it('takes settings from ARGUS_* variables and ./argus.yml', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'argus.yml'),
      'global:\n  external_url: https://from-file.example/\nlogging:\n  level: warn\n',
    );
    const argus = await startArgus({
      cwd: dir,
      dataDir: path.join(dir, 'd'),
      env: { ARGUS_LOG_LEVEL: 'info', ARGUS_EXTERNAL_URL: 'https://from-env.example/' },
    });
    try {
      const line = argus.logs().find((l) => l.msg === 'listening')!;
      assert.equal(line.external_url, 'https://from-env.example/');
      assert.equal(line.config_file, path.join(dir, 'argus.yml'));
    } finally {
      await argus.stop();
    }
  });

  it('prints pretty logs when asked', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'a.yml'), 'logging:\n  format: pretty\n');
    const child = spawn(
      process.execPath,
      [
        ARGUS_BIN,
        'server',
        '--config',
        path.join(dir, 'a.yml'),
        '--data-dir',
        path.join(dir, 'd'),
        '--listen',
        '127.0.0.1:0',
      ],
      {
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const seen = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('store ready')) resolve();
      });
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await seen;
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    clearTimeout(timer);
    assert.equal(code, 0);
    assert.match(out, /INFO.*listening/);
    assert.ok(!out.startsWith('{'), 'not JSON');
  });
});
