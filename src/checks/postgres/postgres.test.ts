import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { postgresKind, type PostgresSpec } from './index.js';
import {
  TestServer,
  freePort,
  postgresBin,
  runTo,
  spawnAs,
  tempDir,
  testContext,
} from '../servers-testing.js';

const trusted = new OutboundGuard({ trusted: true });
const PASSWORD = 'pg-Secret-91c2';
const bin = postgresBin();
const asRoot = process.getuid?.() === 0;
const osUser = asRoot ? 'postgres' : undefined;
const testdata = join(process.cwd(), 'src/net/testdata');
const spec = (over: Record<string, unknown>): PostgresSpec => postgresKind.schema.parse(over);

describe(
  'postgres kind against PostgreSQL',
  { skip: bin ? false : 'PostgreSQL missing: install the Debian package postgresql' },
  () => {
    let srv: TestServer;
    before(async () => {
      const port = await freePort();
      const dir = tempDir('pg');
      const own = (path: string): void => {
        if (!asRoot) return;
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
        chownSync(path, uid, gid);
      };
      own(dir);
      const pw = join(dir, 'pw');
      writeFileSync(pw, PASSWORD);
      own(pw);
      for (const f of ['tls-cert.pem', 'tls-key.pem']) {
        copyFileSync(join(testdata, f), join(dir, f));
        chmodSync(join(dir, f), 0o600);
        own(join(dir, f));
      }
      const data = join(dir, 'data');
      await runTo(osUser, join(bin!, 'initdb'), [
        ...['-D', data, '-U', 'argus', '--auth=scram-sha-256', `--pwfile=${pw}`],
        ...['--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C'],
      ]);
      const proc = spawnAs(osUser, join(bin!, 'postgres'), [
        ...['-D', data, '-p', String(port), '-k', dir],
        ...['-c', 'listen_addresses=127.0.0.1,127.0.0.2', '-c', 'fsync=off'],
        ...['-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'tls-cert.pem')}`],
        ...['-c', `ssl_key_file=${join(dir, 'tls-key.pem')}`],
      ]);
      srv = new TestServer(proc, dir, port);
      await srv.ready();
    });
    after(() => srv?.stop());

    const base = () => ({
      host: '127.0.0.1',
      port: srv.port,
      user: 'argus',
      database: 'postgres',
      password: { secret: 'pg' },
    });
    const ctx = () => testContext(trusted, { secrets: { pg: PASSWORD } });

    it('runs SELECT 1 with SCRAM authentication', async () => {
      const s = spec(base());
      const r = await postgresKind.probe(s, ctx());
      assert.equal(r.error, undefined);
      assert.equal(r.success, true);
      assert.deepEqual(r.detail, { rows: 1 });
      assert.deepEqual(
        r.metrics.map((m) => m.name),
        ['probe_db_query_duration_seconds'],
      );
      assert.equal(postgresKind.target(s), `127.0.0.1:${srv.port}`);
    });

    it('reports a bad password without echoing it', async () => {
      const r = await postgresKind.probe(
        spec({ ...base(), password: 'wrong-password' }),
        testContext(trusted),
      );
      assert.equal(r.success, false);
      assert.equal(
        r.error,
        `cannot connect to postgres at 127.0.0.1:${srv.port}: password authentication failed for user "argus"`,
      );
    });

    it('checks row counts and the first value', async () => {
      const q = { ...base(), query: 'SELECT generate_series(1, 3)' };
      const ok = await postgresKind.probe(
        spec({ ...q, expect_min_rows: 3, expect_first_value: '1' }),
        ctx(),
      );
      assert.equal(ok.error, undefined);
      const few = await postgresKind.probe(spec({ ...q, expect_min_rows: 4 }), ctx());
      assert.equal(few.error, 'query returned 3 rows, want at least 4');
      const other = await postgresKind.probe(spec({ ...q, expect_first_value: 'x' }), ctx());
      assert.equal(other.error, 'first value is "1", want "x"');
      assert.deepEqual(
        other.metrics.map((m) => m.name),
        ['probe_db_query_duration_seconds'],
      );
    });

    it('cuts off a result larger than the body limit', async () => {
      const r = await postgresKind.probe(
        spec({ ...base(), query: "SELECT repeat('x', 100000)" }),
        testContext(trusted, { secrets: { pg: PASSWORD }, maxBodyBytes: 10_000 }),
      );
      assert.equal(r.error, 'cannot run query: result is larger than 10000 bytes (the body limit)');
    });

    it('fails on query errors and on writes (the session is read-only)', async () => {
      const missing = await postgresKind.probe(
        spec({ ...base(), query: 'SELECT * FROM nowhere' }),
        ctx(),
      );
      assert.equal(missing.error, 'cannot run query: relation "nowhere" does not exist');
      const write = await postgresKind.probe(
        spec({ ...base(), query: 'CREATE TABLE t (x int)' }),
        ctx(),
      );
      assert.equal(
        write.error,
        'cannot run query: cannot execute CREATE TABLE in a read-only transaction',
      );
      const nodb = await postgresKind.probe(spec({ ...base(), database: 'nodb' }), ctx());
      assert.equal(
        nodb.error,
        `cannot connect to postgres at 127.0.0.1:${srv.port}: database "nodb" does not exist`,
      );
    });

    it('speaks TLS: require, verify-full with the CA, and refuses a wrong name', async () => {
      const req = await postgresKind.probe(spec({ ...base(), tls: 'require' }), ctx());
      assert.equal(req.error, undefined);
      const expiry = req.metrics.find((m) => m.name === 'probe_ssl_earliest_cert_expiry');
      assert.equal(expiry?.value, Date.parse('Nov  3 03:30:26 2126 GMT') / 1000);
      const ca = readFileSync(join(testdata, 'tls-cert.pem'), 'utf8');
      const full = spec({ ...base(), host: '127.0.0.2', tls: 'verify-full', tls_ca: ca });
      assert.equal((await postgresKind.probe(full, ctx())).error, undefined);
      const wrongName = await postgresKind.probe({ ...full, host: '127.0.0.1' }, ctx());
      assert.match(
        wrongName.error!,
        /^cannot connect to postgres at 127\.0\.0\.1:\d+: .*IP: 127\.0\.0\.1 is not in the cert's list/,
      );
      const noCa = await postgresKind.probe({ ...full, tls_ca: undefined }, ctx());
      assert.match(noCa.error!, /self.signed certificate/);
    });
  },
);

describe('postgres kind without a server', () => {
  it('is refused by an untrusted guard', async () => {
    const r = await postgresKind.probe(
      spec({ host: '169.254.169.254', user: 'u' }),
      testContext(new OutboundGuard()),
    );
    assert.equal(
      r.error,
      'cannot connect to "169.254.169.254": cloud metadata endpoint; allow it with outbound.allow in argus.yml',
    );
  });

  it('validates its fields and defaults', () => {
    const s = spec({ host: 'db', user: 'u' });
    assert.equal(s.port, 5432);
    assert.equal(s.query, 'SELECT 1');
    assert.equal(s.tls, 'disable');
    assert.equal(postgresKind.schema.safeParse({ host: 'db' }).success, false);
    assert.equal(
      postgresKind.schema.safeParse({ host: 'db', user: 'u', tls: 'prefer' }).success,
      false,
    );
    assert.deepEqual(postgresKind.secretFields, ['password']);
  });
});
