import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  Keyring,
  loadKeyring,
  parseKeyText,
  SECRET_KEY_ENV,
  SECRET_KEY_FILE,
  SecretBox,
  SecretKeyError,
  SecretOpenError,
  secretAad,
} from './index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'argus-keyring-'));
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const AAD = secretAad('default', 'k');
const posix = process.platform !== 'win32';

/** True when `b` opens what `a` sealed: both hold the same key. */
function sameKey(a: Keyring, b: Keyring): boolean {
  try {
    b.secretBox().open(a.secretBox().seal('x', AAD), AAD);
    return true;
  } catch (err) {
    if (err instanceof SecretOpenError) return false;
    throw err;
  }
}

describe('parseKeyText', () => {
  const raw = randomBytes(32);
  it('accepts 64 hex digits and base64 (standard, URL-safe, unpadded, with whitespace)', () => {
    for (const text of [
      raw.toString('hex'),
      raw.toString('hex').toUpperCase(),
      raw.toString('base64'),
      raw.toString('base64url'),
      raw.toString('base64').replace(/=+$/, ''),
      ` ${raw.toString('base64')}\n`,
    ]) {
      assert.deepEqual(parseKeyText(text), raw, text);
    }
  });

  it('refuses the wrong length and non-key text, naming the variable', () => {
    for (const [text, want] of [
      [randomBytes(16).toString('base64'), /ARGUS_SECRET_KEY decodes to 16 bytes, want 32/],
      [randomBytes(33).toString('hex'), /ARGUS_SECRET_KEY decodes to 49 bytes, want 32/],
      ['not a key!', /ARGUS_SECRET_KEY is neither hex nor base64/],
    ] as const) {
      assert.throws(
        () => parseKeyText(text),
        (e: unknown) => e instanceof SecretKeyError && want.test(e.message),
      );
    }
  });
});

describe('loadKeyring', () => {
  it('creates secret.key (32 bytes, mode 0600) on first use and reads the same key back', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const k1 = await loadKeyring({ dataDir, env: {} });
    const file = path.join(dataDir, SECRET_KEY_FILE);
    assert.deepEqual(k1.source, { kind: 'file', path: file, created: true });
    const st = await stat(file);
    assert.equal(st.size, 32);
    if (posix) assert.equal(st.mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dataDir), [SECRET_KEY_FILE], 'no temp file left behind');
    const k2 = await loadKeyring({ dataDir, env: { [SECRET_KEY_ENV]: '' } });
    assert.deepEqual(k2.source, { kind: 'file', path: file, created: false });
    assert.ok(sameKey(k1, k2));
    assert.equal(k2.auditSigner().sign('a'), k1.auditSigner().sign('a'));
  });

  it('agrees on one key when several processes create it at once', async () => {
    const dataDir = await tempDir();
    const rings = await Promise.all(
      Array.from({ length: 8 }, () => loadKeyring({ dataDir, env: {} })),
    );
    assert.equal(rings.filter((r) => r.source.kind === 'file' && r.source.created).length, 1);
    for (const r of rings) assert.ok(sameKey(rings[0], r));
    assert.deepEqual(await readdir(dataDir), [SECRET_KEY_FILE]);
  });

  it('prefers ARGUS_SECRET_KEY over the file, and the two keys differ', async () => {
    const dataDir = await tempDir();
    const fileRing = await loadKeyring({ dataDir, env: {} });
    const key = randomBytes(32);
    const envRing = await loadKeyring({
      dataDir,
      env: { [SECRET_KEY_ENV]: key.toString('base64') },
    });
    assert.deepEqual(envRing.source, { kind: 'env' });
    assert.equal(sameKey(fileRing, envRing), false);
    const hexRing = await loadKeyring({ dataDir, env: { [SECRET_KEY_ENV]: key.toString('hex') } });
    assert.ok(sameKey(envRing, hexRing));
    // The file holds exactly the key: the same bytes given by env open what the file sealed.
    const fromFile = await readFile(path.join(dataDir, SECRET_KEY_FILE));
    const viaEnv = await loadKeyring({
      dataDir,
      env: { [SECRET_KEY_ENV]: fromFile.toString('hex') },
    });
    assert.ok(sameKey(fileRing, viaEnv));
    await assert.rejects(
      loadKeyring({ dataDir, env: { [SECRET_KEY_ENV]: 'c2hvcnQ=' } }),
      /ARGUS_SECRET_KEY decodes to 5 bytes, want 32/,
    );
  });

  it(
    'refuses a key file group or others can access, saying how to fix it',
    { skip: !posix && 'no POSIX modes' },
    async () => {
      const dataDir = await tempDir();
      await loadKeyring({ dataDir, env: {} });
      const file = path.join(dataDir, SECRET_KEY_FILE);
      for (const mode of [0o640, 0o604, 0o660, 0o602]) {
        await chmod(file, mode);
        await assert.rejects(
          loadKeyring({ dataDir, env: {} }),
          (e: unknown) =>
            e instanceof SecretKeyError &&
            e.message ===
              `cannot use secret key file ${file}: it is readable or writable by group or others (mode 0${mode.toString(8)}, want 0600); run \`chmod 600 ${file}\``,
        );
      }
      await chmod(file, 0o400);
      await loadKeyring({ dataDir, env: {} });
    },
  );

  it('refuses a key file of the wrong size, or a directory in its place', async () => {
    const dataDir = await tempDir();
    const file = path.join(dataDir, SECRET_KEY_FILE);
    for (const size of [0, 31, 33, 44]) {
      await writeFile(file, randomBytes(size), { mode: 0o600 });
      await assert.rejects(
        loadKeyring({ dataDir, env: {} }),
        new RegExp(
          `it is ${size} bytes, want 32 \\(restore it from a backup, or set ARGUS_SECRET_KEY\\)`,
        ),
      );
    }
    await rm(file);
    await mkdir(file);
    await assert.rejects(loadKeyring({ dataDir, env: {} }), /not a regular file/);
  });

  it('reports a data dir it cannot create', async () => {
    const parent = await tempDir();
    await writeFile(path.join(parent, 'file'), 'x');
    await assert.rejects(
      loadKeyring({ dataDir: path.join(parent, 'file', 'data'), env: {} }),
      (e: unknown) =>
        e instanceof SecretKeyError &&
        /^cannot (create|read) secret key file .*ENOTDIR/.test(e.message),
    );
  });

  it('derives separate sub-keys; the audit signer checks signatures in constant form', () => {
    const master = randomBytes(32);
    const ring = new Keyring(master, { kind: 'env' });
    const signer = ring.auditSigner();
    const sig = signer.sign('12:abcd:1700000000000');
    assert.match(sig, /^[0-9a-f]{64}$/);
    assert.ok(signer.verify('12:abcd:1700000000000', sig));
    assert.equal(signer.verify('13:abcd:1700000000000', sig), false);
    assert.equal(signer.verify('12:abcd:1700000000000', sig.toUpperCase()), false);
    assert.equal(signer.verify('12:abcd:1700000000000', sig.slice(2)), false);
    assert.equal(signer.verify('12:abcd:1700000000000', ''), false);
    const other = new Keyring(randomBytes(32), { kind: 'env' }).auditSigner();
    assert.equal(other.verify('12:abcd:1700000000000', sig), false);
    // The secret sub-key is not the master key: a box keyed by the master key opens nothing.
    const sealed = ring.secretBox().seal('x', AAD);
    assert.throws(() => new SecretBox(master).open(sealed, AAD), SecretOpenError);
    assert.equal(
      new Keyring(master, { kind: 'env' }).secretBox().open(sealed, AAD).toString(),
      'x',
    );
    assert.throws(() => new Keyring(randomBytes(31), { kind: 'env' }), SecretKeyError);
  });
});
