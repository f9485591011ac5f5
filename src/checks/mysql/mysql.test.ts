import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import {
  TestServer,
  firstExisting,
  freePort,
  runTo,
  spawnAs,
  tempDir,
  testContext,
} from '../servers-testing.js';
import { mysqlKind, type MysqlSpec } from './index.js';

const trusted = new OutboundGuard({ trusted: true });
const PASSWORD = 'my-Secret-5d1e';
const server = firstExisting(['/usr/sbin/mariadbd']);
const installDb = firstExisting(['/usr/bin/mariadb-install-db']);
const testdata = join(process.cwd(), 'src/net/testdata');
const spec = (over: Record<string, unknown>): MysqlSpec => mysqlKind.schema.parse(over);
const asRoot = process.getuid?.() === 0;

describe(
  'mysql kind against MariaDB',
  {
    skip:
      server && installDb ? false : 'MariaDB missing: install the Debian package mariadb-server',
  },
  () => {
    let srv: TestServer;
    before(async () => {
      const port = await freePort();
      const dir = tempDir('mariadb');
      const data = join(dir, 'data');
      const user = asRoot ? ['--user=root'] : [];
      await runTo(undefined, installDb!, [
        ...['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal'],
        ...['--skip-test-db', '--skip-name-resolve', ...user],
      ]);
      for (const f of ['tls-cert.pem', 'tls-key.pem'])
        copyFileSync(join(testdata, f), join(dir, f));
      const init = join(dir, 'init.sql');
      writeFileSync(
        init,
        [
          `CREATE USER 'argus'@'%' IDENTIFIED BY '${PASSWORD}';`,
          `CREATE DATABASE argus;`,
          `GRANT ALL ON argus.* TO 'argus'@'%';`,
        ].join('\n'),
      );
      const proc = spawnAs(undefined, server!, [
        ...['--no-defaults', ...user, `--datadir=${data}`, `--port=${port}`],
        ...['--bind-address=127.0.0.1,127.0.0.2', `--socket=${join(dir, 'sock')}`],
        ...[`--pid-file=${join(dir, 'pid')}`, `--init-file=${init}`, '--skip-name-resolve'],
        ...['--innodb-buffer-pool-size=16M', '--skip-log-bin'],
        ...[`--ssl-cert=${join(dir, 'tls-cert.pem')}`, `--ssl-key=${join(dir, 'tls-key.pem')}`],
      ]);
      srv = new TestServer(proc, dir, port);
      await srv.ready();
    });
    after(() => srv?.stop());

    const base = () => ({
      host: '127.0.0.1',
      port: srv.port,
      user: 'argus',
      database: 'argus',
      password: { secret: 'my' },
    });
    const ctx = () => testContext(trusted, { secrets: { my: PASSWORD } });

    it('runs SELECT 1', async () => {
      const s = spec(base());
      const r = await mysqlKind.probe(s, ctx());
      assert.equal(r.error, undefined);
      assert.deepEqual(r.detail, { rows: 1 });
      assert.deepEqual(
        r.metrics.map((m) => m.name),
        ['probe_db_query_duration_seconds'],
      );
      assert.equal(mysqlKind.target(s), `127.0.0.1:${srv.port}`);
    });

    it('reports a bad password without echoing it', async () => {
      const r = await mysqlKind.probe(
        spec({ ...base(), password: 'wrong-password' }),
        testContext(trusted),
      );
      assert.equal(
        r.error,
        `cannot connect to mysql at 127.0.0.1:${srv.port}: Access denied for user 'argus'@'127.0.0.1' (using password: YES)`,
      );
    });

    it('checks row counts and the first value', async () => {
      const q = { ...base(), query: 'SELECT 7 UNION ALL SELECT 8' };
      const ok = await mysqlKind.probe(
        spec({ ...q, expect_min_rows: 2, expect_first_value: '7' }),
        ctx(),
      );
      assert.equal(ok.error, undefined);
      const few = await mysqlKind.probe(spec({ ...q, expect_min_rows: 3 }), ctx());
      assert.equal(few.error, 'query returned 2 rows, want at least 3');
      const other = await mysqlKind.probe(spec({ ...q, expect_first_value: '8' }), ctx());
      assert.equal(other.error, 'first value is "7", want "8"');
    });

    it('cuts off a result larger than the body limit', async () => {
      const r = await mysqlKind.probe(
        spec({ ...base(), query: "SELECT REPEAT('x', 100000)" }),
        testContext(trusted, { secrets: { my: PASSWORD }, maxBodyBytes: 10_000 }),
      );
      assert.equal(r.error, 'cannot run query: result is larger than 10000 bytes (the body limit)');
    });

    it('fails on query errors and on writes (the session is read-only)', async () => {
      const missing = await mysqlKind.probe(
        spec({ ...base(), query: 'SELECT * FROM nowhere' }),
        ctx(),
      );
      assert.equal(missing.error, "cannot run query: Table 'argus.nowhere' doesn't exist");
      const write = await mysqlKind.probe(
        spec({ ...base(), query: 'CREATE TEMPORARY TABLE t (x int)' }),
        ctx(),
      );
      assert.match(write.error!, /^cannot run query: .*READ ONLY transaction/);
    });

    it('speaks TLS: require, and verify-full with the CA', async () => {
      const req = await mysqlKind.probe(spec({ ...base(), tls: 'require' }), ctx());
      assert.equal(req.error, undefined);
      const expiry = req.metrics.find((m) => m.name === 'probe_ssl_earliest_cert_expiry');
      assert.equal(expiry?.value, Date.parse('Nov  3 03:30:26 2126 GMT') / 1000);
      const ca = readFileSync(join(testdata, 'tls-cert.pem'), 'utf8');
      const full = spec({ ...base(), host: '127.0.0.2', tls: 'verify-full', tls_ca: ca });
      assert.equal((await mysqlKind.probe(full, ctx())).error, undefined);
      const wrongName = await mysqlKind.probe({ ...full, host: '127.0.0.1' }, ctx());
      assert.match(
        wrongName.error!,
        /^cannot connect to mysql at 127\.0\.0\.1:\d+: .*IP: 127\.0\.0\.1 is not in the cert's list/,
      );
      const noCa = await mysqlKind.probe({ ...full, tls_ca: undefined }, ctx());
      assert.match(noCa.error!, /self.signed certificate/);
    });
  },
);

describe('mysql kind without a server', () => {
  it('is refused by an untrusted guard', async () => {
    const r = await mysqlKind.probe(
      spec({ host: '127.0.0.1', user: 'u' }),
      testContext(new OutboundGuard()),
    );
    assert.equal(
      r.error,
      'cannot connect to "127.0.0.1": loopback address; allow it with outbound.allow in argus.yml',
    );
  });

  it('validates its fields and defaults', () => {
    const s = spec({ host: 'db', user: 'u' });
    assert.equal(s.port, 3306);
    assert.equal(s.query, 'SELECT 1');
    assert.equal(mysqlKind.schema.safeParse({ host: 'db', user: 'u', extra: 1 }).success, false);
  });
});
