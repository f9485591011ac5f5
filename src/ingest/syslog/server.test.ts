import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { DEFAULT_TENANT, Matcher, type Labels } from '../../model/index.js';
import { MemLogStore, type LogEntry } from '../../storage/index.js';
import { syslogConfigSchema } from './config.js';
import { SyslogServer } from './server.js';

const run = promisify(execFile);

interface Rec {
  labels: Record<string, string>;
  line: string;
  fields: Record<string, string>;
  ts: bigint;
}

/** Every stored record of the default tenant, oldest first. */
async function records(store: MemLogStore): Promise<Rec[]> {
  const q = store.logQuerier(DEFAULT_TENANT);
  const out: Rec[] = [];
  for await (const s of q.select({
    matchers: [new Matcher('=~', 'job', '.+')],
    start: 0n,
    end: 2n ** 62n,
  }))
    for await (const batch of s.entries()) for (const e of batch) out.push(rec(s.labels, e));
  return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

function rec(labels: Labels, e: LogEntry): Rec {
  const l: Record<string, string> = {};
  for (let i = 0; i < labels.size; i++) l[labels.name(i)] = labels.value(i);
  return { labels: l, line: e.line, fields: Object.fromEntries(e.fields ?? []), ts: e.ts };
}

/** Waits (bounded) until `pred` holds for the stored records. */
async function waitFor(
  store: MemLogStore,
  pred: (r: Rec[]) => boolean,
  what: string,
): Promise<Rec[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await records(store);
    if (pred(r)) return r;
    if (Date.now() > deadline)
      assert.fail(`timed out waiting for ${what}; have ${JSON.stringify(r.map((x) => x.line))}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

const has = (line: string) => (r: Rec[]) => r.some((x) => x.line === line);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function haveCommand(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

describe('SyslogServer', () => {
  const store = new MemLogStore();
  const registry = new Registry();
  const server = new SyslogServer({
    config: syslogConfigSchema.parse({
      enabled: true,
      udp: '127.0.0.1:0',
      tcp: '127.0.0.1:0',
      labels: { env: 'test' },
      max_message_size: 256,
      batch_wait: 0,
    }),
    appendable: store,
    registry,
  });
  let ports: { udp?: number; tcp?: number } = {};
  let loggerOk = false;
  before(async () => {
    ports = await server.start();
    loggerOk = await haveCommand('logger', ['--version']);
  });
  after(() => server.stop());

  it('receives RFC 5424 over UDP from logger', async (t) => {
    if (!loggerOk) return t.skip('logger (util-linux/bsdutils) is not installed');
    await run('logger', [
      ...['--rfc5424', '-d', '-n', '127.0.0.1', '-P', String(ports.udp)],
      ...['-t', 'myapp', '-p', 'local3.warning', '--msgid', 'M1'],
      ...['--sd-id', 'origin@32473', '--sd-param', 'ip="10.0.0.1"', 'hello udp 5424'],
    ]);
    const r = await waitFor(store, has('hello udp 5424'), 'the udp message');
    const got = r.find((x) => x.line === 'hello udp 5424')!;
    assert.deepEqual(got.labels, { app: 'myapp', env: 'test', host: hostname(), job: 'syslog' });
    assert.equal(got.fields.facility, 'local3');
    assert.equal(got.fields.severity, 'warning');
    assert.equal(got.fields.level, 'warn');
    assert.equal(got.fields.msgid, 'M1');
    assert.equal(got.fields.sd_origin_32473_ip, '10.0.0.1');
    assert.equal(got.fields.sd_timeQuality_tzKnown, '1');
    assert.ok(Math.abs(Number(got.ts / 1_000_000n) - Date.now()) < 60_000);
  });

  it('receives RFC 3164 over TCP (newline framing) from logger', async (t) => {
    if (!loggerOk) return t.skip('logger (util-linux/bsdutils) is not installed');
    await run('logger', [
      ...['--rfc3164', '-T', '-n', '127.0.0.1', '-P', String(ports.tcp)],
      ...['-t', 'bsdapp', '-i', '-p', 'auth.err', 'hello tcp 3164'],
    ]);
    const r = await waitFor(store, has('hello tcp 3164'), 'the tcp 3164 message');
    const got = r.find((x) => x.line === 'hello tcp 3164')!;
    assert.equal(got.labels.app, 'bsdapp');
    assert.equal(got.labels.host, hostname());
    assert.equal(got.fields.facility, 'auth');
    assert.equal(got.fields.level, 'error');
    assert.match(got.fields.procid, /^\d+$/);
  });

  it('receives many messages on one TCP connection with octet counting', async (t) => {
    if (!loggerOk) return t.skip('logger (util-linux/bsdutils) is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'argus-syslog-'));
    try {
      const file = join(dir, 'lines.txt');
      const lines = Array.from({ length: 300 }, (_, i) => `octet line ${i} with\ttab`);
      writeFileSync(file, lines.join('\n') + '\n');
      await run('logger', [
        ...['--rfc5424', '-T', '--octet-count', '-n', '127.0.0.1', '-P', String(ports.tcp)],
        ...['-t', 'bulk', '-f', file],
      ]);
      const r = await waitFor(
        store,
        (x) => x.filter((y) => y.labels.app === 'bulk').length === 300,
        '300 octet-counted messages',
      );
      assert.deepEqual(
        r.filter((y) => y.labels.app === 'bulk').map((y) => y.line),
        lines,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps malformed and over-long messages, counted', async () => {
    const sock = dgram.createSocket('udp4');
    const send = (s: string) =>
      new Promise<void>((res, rej) =>
        sock.send(Buffer.from(s), ports.udp, '127.0.0.1', (e) => (e ? rej(e) : res())),
      );
    await send('not syslog at all\n');
    await send(`<14>1 - h big - - - ${'y'.repeat(1000)}`);
    sock.close();
    const r = await waitFor(
      store,
      (x) => has('not syslog at all')(x) && x.some((y) => y.labels.app === 'big'),
      'malformed and long messages',
    );
    const bad = r.find((x) => x.line === 'not syslog at all')!;
    assert.equal(bad.fields.syslog_error, 'no PRI');
    assert.equal(bad.labels.host, '127.0.0.1');
    assert.equal(
      r.find((y) => y.labels.app === 'big')!.line,
      'y'.repeat(256 - '<14>1 - h big - - - '.length),
    );
    const s = server.stats();
    assert.ok(s.malformed >= 1 && s.truncated >= 1, JSON.stringify(s));
    const metrics = await registry.metrics();
    assert.match(metrics, /argus_syslog_messages_total\{transport="udp"\} \d+/);
    assert.match(metrics, /argus_syslog_truncated_total [1-9]/);
  });

  it('takes raw TCP frames of mixed framing, closes idle connections', async () => {
    const c = net.connect(ports.tcp!, '127.0.0.1');
    await new Promise((res) => c.once('connect', res));
    c.write('<13>1 - h raw - - - first\n');
    c.write('15 <13>raw: second');
    c.end('<13>raw: third\0');
    await waitFor(
      store,
      (x) => ['first', 'second', 'third'].every((l) => has(l)(x)),
      'three raw frames',
    );
  });
});

describe('SyslogServer limits', () => {
  it('closes idle TCP connections and refuses beyond max_connections', async () => {
    const store = new MemLogStore();
    const server = new SyslogServer({
      config: syslogConfigSchema.parse({
        enabled: true,
        tcp: '127.0.0.1:0',
        max_connections: 1,
        idle_timeout: '200ms',
      }),
      appendable: store,
    });
    const { tcp } = await server.start();
    try {
      const a = net.connect(tcp!, '127.0.0.1');
      await new Promise((res) => a.once('connect', res));
      const b = net.connect(tcp!, '127.0.0.1');
      // The second connection is closed by the server at once.
      await new Promise((res) => b.once('close', res));
      // The first one is closed after idle_timeout.
      await new Promise((res) => a.once('close', res));
    } finally {
      await server.stop();
    }
  });

  it('refuses a port in use with a clear error', async () => {
    const holder = net.createServer();
    await new Promise<void>((res) => holder.listen(0, '127.0.0.1', res));
    const port = (holder.address() as net.AddressInfo).port;
    const server = new SyslogServer({
      config: syslogConfigSchema.parse({ enabled: true, tcp: `127.0.0.1:${port}` }),
      appendable: new MemLogStore(),
    });
    await assert.rejects(server.start(), /cannot listen for syslog on tcp 127\.0\.0\.1:\d+/);
    holder.close();
  });

  it('validates its config', () => {
    assert.equal(syslogConfigSchema.parse({}).enabled, false);
    assert.throws(() => syslogConfigSchema.parse({ enabled: true }), /without a listener/);
    assert.throws(() => syslogConfigSchema.parse({ udp: 'nope' }), /listen address/);
    assert.throws(() => syslogConfigSchema.parse({ bogus: 1 }), /bogus/);
  });
});

describe('SyslogServer with rsyslog forwarding', () => {
  it('receives what a private rsyslogd forwards over TCP (octet-counted) and UDP', async (t) => {
    if (!(await haveCommand('rsyslogd', ['-v'])))
      return t.skip('rsyslogd is not installed (apt-get install rsyslog)');
    if (!(await haveCommand('logger', ['--version'])))
      return t.skip('logger (util-linux/bsdutils) is not installed');
    const store = new MemLogStore();
    const server = new SyslogServer({
      config: syslogConfigSchema.parse({
        enabled: true,
        udp: '127.0.0.1:0',
        tcp: '127.0.0.1:0',
        batch_wait: 0,
      }),
      appendable: store,
    });
    const ports = await server.start();
    const dir = mkdtempSync(join(tmpdir(), 'argus-rsyslog-'));
    let rs: ChildProcess | undefined;
    try {
      const inPort = await freePort();
      const conf = join(dir, 'rsyslog.conf');
      writeFileSync(
        conf,
        [
          `global(workDirectory="${dir}")`,
          'module(load="imtcp")',
          `input(type="imtcp" address="127.0.0.1" port="${inPort}")`,
          `action(type="omfwd" target="127.0.0.1" port="${ports.tcp}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
          `action(type="omfwd" target="127.0.0.1" port="${ports.udp}" protocol="udp" template="RSYSLOG_ForwardFormat")`,
          '',
        ].join('\n'),
      );
      const errs: string[] = [];
      rs = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'pid')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      rs.stderr!.on('data', (d: Buffer) => errs.push(d.toString()));
      // Wait (bounded) for rsyslogd's input to accept connections.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const ok = await new Promise<boolean>((res) => {
          const c = net.connect(inPort, '127.0.0.1');
          c.once('connect', () => (c.destroy(), res(true)));
          c.once('error', () => res(false));
        });
        if (ok) break;
        if (rs.exitCode !== null || Date.now() > deadline)
          return t.skip(`rsyslogd cannot run here: ${errs.join('').slice(0, 300)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
      await run('logger', [
        ...['--rfc5424', '-T', '-n', '127.0.0.1', '-P', String(inPort)],
        ...['-t', 'viarsyslog', '-p', 'daemon.notice', 'forwarded by rsyslog'],
      ]);
      const r = await waitFor(
        store,
        (x) => x.filter((y) => y.line === 'forwarded by rsyslog').length === 2,
        'both forwarded copies',
      );
      for (const got of r.filter((y) => y.line === 'forwarded by rsyslog')) {
        assert.equal(got.labels.app, 'viarsyslog');
        assert.equal(got.fields.facility, 'daemon');
        assert.equal(got.fields.severity, 'notice');
        assert.equal(got.fields.syslog_error, undefined);
      }
    } finally {
      rs?.kill();
      if (rs && rs.exitCode === null) await new Promise((res) => rs!.once('exit', res));
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
