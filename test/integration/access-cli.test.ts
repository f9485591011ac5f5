import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ARGUS_BIN, REPO_ROOT, runArgus, startArgus, tempDir, type RunResult } from './helpers.js';

/** `argus …` with `input` on stdin (runArgus gives children no stdin). */
async function runWithStdin(args: string[], input: string): Promise<RunResult> {
  const child = spawn(process.execPath, [ARGUS_BIN, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.once('exit', (c, s) => r([c, s])),
  );
  return { code, signal, stdout, stderr };
}

const ACTOR = `cli:${os.userInfo().username}`;

async function ok(args: string[]): Promise<RunResult> {
  const r = await runArgus(args);
  assert.equal(r.code, 0, `argus ${args.join(' ')}: ${r.stderr}`);
  return r;
}

describe('argus user/token/tenant/audit on a data dir without a server', () => {
  it('manages users, tenants and tokens, audited as cli:<os user>; audit verify catches tampering', async () => {
    const data = path.join(await tempDir(), 'data');
    const d = ['--data-dir', data];

    const alice = await ok(['user', 'add', 'alice', '--role', 'editor', ...d]);
    const m =
      /^created user alice \(editor in tenant default\)\npassword \(shown only once\): ([A-Za-z0-9_-]{24})\n$/.exec(
        alice.stdout,
      );
    assert.ok(m, alice.stdout);

    const bob = await runWithStdin(
      ['user', 'add', 'bob', '--password-stdin', ...d],
      'bobs-secret-pass\n',
    );
    assert.equal(bob.code, 0, bob.stderr);
    assert.equal(
      bob.stdout,
      'created user bob (viewer in tenant default)\n',
      'no password printed',
    );

    assert.equal((await ok(['tenant', 'add', 'acme', ...d])).stdout, 'created tenant acme\n');
    await ok(['user', 'role', 'bob', '--tenant', 'acme', '--role', 'editor', ...d]);
    await ok(['user', 'add', 'grafana', '--service', '--tenant', 'acme', ...d]);

    const tenants = JSON.parse((await ok(['tenant', 'list', '--json', ...d])).stdout) as {
      id: string;
    }[];
    assert.deepEqual(
      tenants.map((t) => t.id),
      ['acme', 'default'],
    );

    const table = (await ok(['user', 'list', ...d])).stdout.split('\n');
    assert.match(table[0], /^USERNAME\s+KIND\s+ROLES\s+SYSTEM-ADMIN\s+DISABLED\s+CREATED$/);
    assert.match(table[1], /^alice\s+user\s+default:editor\s+no\s+no\s+\d{4}-/);
    assert.match(table[2], /^bob\s+user\s+acme:editor,default:viewer\s+no/);
    assert.match(table[3], /^grafana\s+service\s+acme:viewer/);
    const users = (await ok(['user', 'list', '--json', '--tenant', 'acme', ...d])).stdout;
    assert.deepEqual(
      (JSON.parse(users) as { username: string }[]).map((u) => u.username),
      ['bob', 'grafana'],
    );
    assert.ok(!users.includes('argon2'), 'no password hashes');

    const created = await ok([
      'token',
      'create',
      '--user',
      'grafana',
      '--scope',
      'read',
      '--tenant',
      'acme',
      '--name',
      'dash',
      '--expires',
      '30d',
      ...d,
    ]);
    assert.match(created.stdout, /^argus_[0-9A-Za-z]{40}\n$/, 'the token alone on stdout');
    const id =
      /created token (tok_[0-9A-Za-z]{12}) "dash" for grafana: scope read in tenant acme, expires \d{4}-/.exec(
        created.stderr,
      )?.[1];
    assert.ok(id, created.stderr);
    const listed = (await ok(['token', 'list', '--json', ...d])).stdout;
    assert.ok(
      !listed.includes(created.stdout.trim()) && !listed.includes('"hash"'),
      'secret and hash never listed',
    );
    assert.deepEqual(
      (JSON.parse(listed) as { id: string }[]).map((t) => t.id),
      [id],
    );
    assert.equal(
      (await ok(['token', 'revoke', id, ...d])).stdout,
      `revoked token ${id} "dash" of grafana\n`,
    );
    assert.equal(
      (await ok(['token', 'list', ...d])).stdout.trim().split('\n').length,
      1,
      'header only',
    );
    assert.match(
      (await ok(['token', 'list', '--all', ...d])).stdout,
      new RegExp(`${id}\\s+dash\\s+grafana\\s+acme\\s+read`),
    );

    const audit = JSON.parse(
      (await ok(['audit', 'list', '--json', '--limit', '3', ...d])).stdout,
    ) as { seq: number; actor: string; action: string }[];
    assert.deepEqual(
      audit.map((e) => [e.action, e.actor]),
      [
        ['token.revoke', ACTOR],
        ['token.create', ACTOR],
        ['user.create', ACTOR],
      ],
    );
    assert.match(
      (await ok(['audit', 'list', ...d])).stdout,
      /^SEQ\s+TIME\s+ACTOR\s+TENANT\s+ACTION\s+TARGET\n/,
    );
    const verified = await ok(['audit', 'verify', ...d]);
    assert.match(verified.stdout, /^audit trail OK: \d+ entries \(seq 1\.\.\d+\)\n$/);

    // Someone edits an entry behind Argus's back: verify names it and exits 1.
    const db = new Database(path.join(data, 'state.db'));
    db.prepare("UPDATE audit SET actor = 'cli:nobody' WHERE seq = 2").run();
    db.close();
    const broken = await runArgus(['audit', 'verify', ...d]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^audit trail BROKEN at seq 2: .+\n$/);
  });

  it('refuses bad input with exit 1 and usage mistakes with exit 2', async () => {
    const data = path.join(await tempDir(), 'data');
    const d = ['--data-dir', data];
    const weak = await runWithStdin(['user', 'add', 'carol', '--password-stdin', ...d], 'short\n');
    assert.equal(weak.code, 1);
    assert.equal(
      weak.stderr,
      'argus: cannot accept password: it has 5 characters, want at least 12\n',
    );
    const cases: [string[], number, RegExp][] = [
      [
        ['user', 'add', 'x', '--role', 'god', ...d],
        1,
        /^argus: invalid role "god": want one of viewer, editor, admin\n$/,
      ],
      [['user', 'passwd', 'ghost', ...d], 1, /^argus: cannot set password: no user "ghost"\n$/],
      [['token', 'create', '--user', 'ghost', '--scope', 'read', ...d], 1, /no user "ghost"/],
      [['token', 'revoke', 'tok_000000000000', ...d], 1, /no token "tok_000000000000"/],
      [['tenant', 'add', 'Bad!', ...d], 1, /invalid tenant id "Bad!"/],
      [['user', ...d], 2, /unknown subcommand "--data-dir"/],
      [['user'], 2, /missing subcommand/],
      [['user', 'add', ...d], 2, /missing NAME/],
      [['token', 'create', '--scope', 'read', ...d], 2, /missing --user/],
      [
        ['token', 'create', '--user', 'a', '--scope', 'read', '--expires', 'soon', ...d],
        2,
        /invalid --expires "soon"/,
      ],
      [['audit', 'list', '--limit', '0', ...d], 2, /invalid --limit "0": want 1-1000/],
      [['tenant', 'list', '--bogus', ...d], 2, /unknown flag --bogus/],
    ];
    for (const [args, code, err] of cases) {
      const r = await runArgus(args);
      assert.equal(r.code, code, `argus ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, err, `argus ${args.join(' ')}`);
    }
    assert.match((await ok(['help', 'token'])).stdout, /^Usage: argus token <subcommand>/);
    assert.match((await ok(['user', '--help'])).stdout, /^Usage: argus user <subcommand>/);
  });
});

describe('argus token/user while a server runs on the data dir', () => {
  it('a token created by the CLI works at once; revoking it or changing a password takes effect on the next request', async () => {
    const adminPw = 'integration-admin-pw';
    const argus = await startArgus({ env: { ARGUS_ADMIN_PASSWORD: adminPw } });
    try {
      const d = ['--data-dir', argus.dataDir];
      const me = (headers: Record<string, string>) =>
        fetch(`${argus.url}/api/argus/v1/me`, { headers }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { data?: { username?: string; tenant?: string } },
        }));
      const basic = (u: string, p: string) => ({
        authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
      });

      assert.equal((await me({})).status, 401);
      assert.equal((await me(basic('admin', adminPw))).status, 200);

      const token = (
        await ok(['token', 'create', '--user', 'admin', '--scope', 'admin', ...d])
      ).stdout.trim();
      const bearer = { authorization: `Bearer ${token}` };
      const first = await me(bearer);
      assert.equal(first.status, 200);
      assert.equal(first.body.data?.username, 'admin');
      assert.equal((await me(basic('admin', token))).status, 200, 'Basic user + token');

      const id = JSON.parse(
        (await ok(['token', 'list', '--json', '--user', 'admin', ...d])).stdout,
      )[0].id as string;
      await ok(['token', 'revoke', id, ...d]);
      assert.equal((await me(bearer)).status, 401, 'revoked by another process: refused at once');

      const passwd = await runWithStdin(
        ['user', 'passwd', 'admin', '--password-stdin', ...d],
        'a-brand-new-password\n',
      );
      assert.equal(passwd.code, 0, passwd.stderr);
      assert.equal((await me(basic('admin', adminPw))).status, 401, 'old password refused at once');
      assert.equal((await me(basic('admin', 'a-brand-new-password'))).status, 200);

      const audit = JSON.parse((await ok(['audit', 'list', '--json', ...d])).stdout) as {
        action: string;
        actor: string;
      }[];
      assert.deepEqual(
        audit.slice(0, 3).map((e) => [e.action, e.actor]),
        [
          ['user.password', ACTOR],
          ['token.revoke', ACTOR],
          ['token.create', ACTOR],
        ],
      );
      assert.equal(
        (await ok(['audit', 'verify', ...d])).code,
        0,
        'the server and CLI share the key',
      );
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });
});
