import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, runArgus, tempDir } from './helpers.js';

const TESTDATA = path.join(REPO_ROOT, 'src/server/testdata');
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

describe('argus command line', () => {
  it('version prints the package and Node versions', async () => {
    const r = await runArgus(['version']);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `argus ${pkg.version} (node ${process.version}, ${process.platform}/${process.arch})\n`,
    );
    assert.equal((await runArgus(['--version'])).stdout, r.stdout);
  });

  it('help lists the commands', async () => {
    for (const args of [['help'], ['--help'], ['-h']]) {
      const r = await runArgus(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: argus <command> \[flags\]/);
      for (const cmd of ['server', 'check config FILE', 'backup', 'version', 'help'])
        assert.ok(r.stdout.includes(cmd), cmd);
    }
  });

  for (const cmd of ['server', 'check', 'backup', 'version']) {
    it(`${cmd} --help and help ${cmd} print its usage`, async () => {
      const a = await runArgus([cmd, '--help']);
      assert.equal(a.code, 0, a.stderr);
      assert.match(a.stdout, new RegExp(`^Usage: argus ${cmd}`));
      const b = await runArgus(['help', cmd]);
      assert.equal(b.stdout, a.stdout);
    });
  }

  it('server --help documents every flag and its variable', async () => {
    const r = await runArgus(['server', '--help']);
    for (const f of [
      '--config',
      'ARGUS_CONFIG',
      '--data-dir',
      'ARGUS_DATA_DIR',
      '--listen',
      'ARGUS_LISTEN',
      '--web.external-url',
      'ARGUS_EXTERNAL_URL',
      '--log.level',
      'ARGUS_LOG_LEVEL',
    ]) {
      assert.ok(r.stdout.includes(f), f);
    }
  });

  const usageErrors: [string[], string][] = [
    [[], 'argus: missing command'],
    [['frobnicate'], 'argus: unknown command "frobnicate"'],
    [['help', 'frobnicate'], 'argus: unknown command "frobnicate"'],
    [['server', '--bogus'], 'argus: unknown flag --bogus'],
    [['check', '-x', 'config', 'f'], 'argus: unknown flag -x'],
    [['server', 'extra'], 'argus: unexpected argument "extra"'],
    [['check'], 'argus: missing what to check'],
    [['check', 'alerts', 'x'], 'argus: unknown check "alerts"'],
    [['check', 'config'], 'argus: missing config FILE'],
    [['check', 'config', 'a', 'b'], 'argus: unexpected argument "b"'],
    [['version', 'x'], 'argus: unexpected argument "x"'],
    [['backup', '--data-dir', '/tmp'], 'argus: missing OUT directory'],
    [['backup', '--data-dir'], "argus: Option '--data-dir <value>' argument missing"],
  ];
  for (const [args, want] of usageErrors) {
    it(`exits 2 with usage on: argus ${args.join(' ')}`, async () => {
      const r = await runArgus(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.split('\n')[0], want);
      assert.match(r.stderr, /\nUsage: argus /);
      assert.equal(r.stdout, '');
    });
  }
});

describe('argus check config', () => {
  const files = readdirSync(TESTDATA).sort();
  for (const f of files.filter((x) => x.endsWith('.good.yml'))) {
    it(`accepts ${f}`, async () => {
      const r = await runArgus(['check', 'config', f], { cwd: TESTDATA });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.split('\n')[0], `${f}: OK`);
    });
  }
  it('summarises the main settings of a valid file', async () => {
    const dir = await tempDir();
    const f = path.join(dir, 'a.yml');
    await writeFile(
      f,
      'server:\n  listen: 127.0.0.1:9999\nstorage:\n  tsdb:\n    retention_time: 30d\n' +
        '    retention_size: 1GiB\n    wal:\n      fsync: always\ningest:\n' +
        '  remote_write:\n    enabled: false\n',
    );
    const r = await runArgus(['check', 'config', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        `${f}: OK`,
        '  server.listen                127.0.0.1:9999',
        '  global.external_url          (default: http://<hostname>:<port>/)',
        '  storage.tsdb.retention_time  30d',
        '  storage.tsdb.retention_size  1073741824 bytes',
        '  storage.tsdb.block_duration  2h',
        '  storage.tsdb.wal.fsync       always',
        '  ingest.remote_write.enabled  false',
        '  logging.level                info',
        '  server.tls                   off (plain HTTP)',
        '  auth.open.metrics            false',
        '  auth.open.ingest             closed (tokens only)',
        '  limits.tenants               (none: defaults for every tenant)',
        '  outbound.allow               (none)',
        '  rule_files                   (none) + built-in self-monitoring',
        '  alertmanager                 (none: alerts are listed, not sent)',
        '  checks, services             (none)',
        '',
      ].join('\n'),
    );
  });
  for (const f of files.filter((x) => x.endsWith('.bad.yml'))) {
    it(`rejects ${f} with its exact error`, async () => {
      const want = readFileSync(
        path.join(TESTDATA, f.replace('.bad.yml', '.err')),
        'utf8',
      ).trimEnd();
      const n = want.split('\n').length;
      const r = await runArgus(['check', 'config', f], { cwd: TESTDATA });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `${want}\n${f}: FAILED (${n} problem${n === 1 ? '' : 's'})\n`);
      assert.equal(r.stdout, '');
    });
  }
  it('refuses TLS files that cannot be used, as the server would', async () => {
    const dir = await tempDir();
    const f = path.join(dir, 'tls.yml');
    await writeFile(
      f,
      `server:\n  tls: { cert_file: ${dir}/none.crt, key_file: ${dir}/none.key }\n`,
    );
    const r = await runArgus(['check', 'config', f]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `${f}: server.tls: cannot read ${dir}/none.crt: ENOENT\n${f}: FAILED (1 problem)\n`,
    );
    await writeFile(path.join(dir, 'none.crt'), 'junk');
    await writeFile(path.join(dir, 'none.key'), 'junk');
    const junk = await runArgus(['check', 'config', f]);
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /are not a PEM certificate and its key/);
  });
  it('reports a missing file', async () => {
    const r = await runArgus(['check', 'config', 'nope.yml'], { cwd: TESTDATA });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^nope\.yml: cannot read config file: ENOENT/);
  });
});
