import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { canonicalJson, entryHash, GENESIS_HASH } from './audit-hash.js';
import { StateCorruptError } from './errors.js';
import { openSqliteState } from './sqlite.js';
import { testSigner } from './suite.js';
import type { StateStore } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'argus-audit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const signer = testSigner();

/** A store with entries 1..count at times 100, 200, …, and a raw second connection to tamper with. */
async function chain(
  count = 10,
): Promise<{ s: StateStore; raw: Database.Database; done: () => Promise<void> }> {
  const file = join(root, `a${n++}.db`);
  const s = openSqliteState({ file });
  for (let i = 1; i <= count; i++) {
    await s.audit.append({
      actor: `user:u${i % 3}`,
      tenant: 'default',
      action: 'x.test',
      target: `x:${i}`,
      before: i > 1 ? { v: i - 1 } : null,
      after: { v: i },
      time: i * 100,
    });
  }
  const raw = new Database(file);
  return {
    s,
    raw,
    done: async () => {
      raw.close();
      await s.close();
    },
  };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    const cases: [unknown, string][] = [
      [null, 'null'],
      [1.5, '1.5'],
      ['a"b', '"a\\"b"'],
      [[3, 1, 2], '[3,1,2]'],
      [{ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}'],
      [{ B: 1, a: 2, _: 3 }, '{"B":1,"_":3,"a":2}'],
      [{}, '{}'],
    ];
    for (const [v, want] of cases) assert.equal(canonicalJson(v), want, JSON.stringify(v));
  });

  it('entryHash is sha256 over prevHash, a newline and the canonical fields', () => {
    const f = {
      seq: 1,
      time: 5,
      actor: 'a',
      tenant: '',
      action: 'x',
      target: 't',
      before: null,
      after: { b: 2, a: 1 },
    };
    // Independent expectation: the documented formula spelled out by hand.
    const text = `${GENESIS_HASH}\n{"action":"x","actor":"a","after":{"a":1,"b":2},"before":null,"seq":1,"target":"t","tenant":"","time":5}`;
    const want = createHash('sha256').update(text).digest('hex');
    assert.equal(entryHash(GENESIS_HASH, f), want);
  });
});

describe('audit chain tamper detection (edits through a second connection)', () => {
  it('an intact chain verifies', async () => {
    const { s, done } = await chain();
    assert.deepEqual(await s.audit.verify(signer), {
      ok: true,
      entries: 10,
      firstSeq: 1,
      lastSeq: 10,
    });
    await done();
  });

  const edits: [string, string, RegExp][] = [
    [
      'actor',
      `UPDATE audit SET actor = 'user:mallory' WHERE seq = 5`,
      /entry 5: content does not match its hash/,
    ],
    [
      'after',
      `UPDATE audit SET after = '{"v":999}' WHERE seq = 5`,
      /entry 5: content does not match its hash/,
    ],
    [
      'time',
      `UPDATE audit SET time = time + 1 WHERE seq = 5`,
      /entry 5: content does not match its hash/,
    ],
    [
      'tenant',
      `UPDATE audit SET tenant = 'acme' WHERE seq = 5`,
      /entry 5: content does not match its hash/,
    ],
    [
      'before (not JSON)',
      `UPDATE audit SET before = '{' WHERE seq = 5`,
      /entry 5: before\/after is not JSON/,
    ],
    [
      'prev_hash',
      `UPDATE audit SET prev_hash = '${'1'.repeat(64)}' WHERE seq = 5`,
      /entry 5: prevHash/,
    ],
  ];
  for (const [field, sql, reason] of edits) {
    it(`editing ${field} of entry 5 is reported at seq 5`, async () => {
      const { s, raw, done } = await chain();
      raw.exec(sql);
      const v = await s.audit.verify(signer);
      assert.equal(v.ok, false);
      assert.ok(!v.ok);
      assert.equal(v.seq, 5);
      assert.match(v.reason, reason);
      await done();
    });
  }

  it('an edit with its hash recomputed breaks the link to the next entry', async () => {
    const { s, raw, done } = await chain();
    const r = raw.prepare('SELECT * FROM audit WHERE seq = 5').get() as Record<
      string,
      string | number
    >;
    const forged = entryHash(r.prev_hash as string, {
      seq: 5,
      time: r.time as number,
      actor: 'user:mallory',
      tenant: r.tenant as string,
      action: r.action as string,
      target: r.target as string,
      before: JSON.parse(r.before as string),
      after: JSON.parse(r.after as string),
    });
    raw.prepare(`UPDATE audit SET actor = 'user:mallory', hash = ? WHERE seq = 5`).run(forged);
    const v = await s.audit.verify(signer);
    assert.deepEqual(v, {
      ok: false,
      seq: 6,
      reason: `entry 6: prevHash ${r.hash as string} does not match the previous entry's hash ${forged}`,
    });
    await done();
  });

  it('deleting entry 7 is reported at seq 7', async () => {
    const { s, raw, done } = await chain();
    raw.exec('DELETE FROM audit WHERE seq = 7');
    assert.deepEqual(await s.audit.verify(signer), {
      ok: false,
      seq: 7,
      reason: 'entry 7 missing (deleted): next stored entry is 8',
    });
    await done();
  });

  it('deleting entries 3-5 is reported at seq 3', async () => {
    const { s, raw, done } = await chain();
    raw.exec('DELETE FROM audit WHERE seq BETWEEN 3 AND 5');
    assert.deepEqual(await s.audit.verify(signer), {
      ok: false,
      seq: 3,
      reason: 'entry 3-5 missing (deleted): next stored entry is 6',
    });
    await done();
  });

  it('deleting the first entries without a checkpoint is reported', async () => {
    const { s, raw, done } = await chain();
    raw.exec('DELETE FROM audit WHERE seq <= 2');
    const v = await s.audit.verify(signer);
    assert.ok(!v.ok);
    assert.equal(v.seq, 1);
    await done();
  });

  it('renumbering after a delete is still caught (the hash covers seq)', async () => {
    const { s, raw, done } = await chain();
    raw.exec('DELETE FROM audit WHERE seq = 10; UPDATE audit SET seq = 10 WHERE seq = 9');
    const v = await s.audit.verify(signer);
    assert.ok(!v.ok);
    assert.equal(v.seq, 9);
    await done();
  });

  it('prune then verify is ok; the checkpoint is signed', async () => {
    const { s, done } = await chain();
    assert.equal(await s.audit.prune(550, signer), 5);
    assert.deepEqual(await s.audit.verify(signer), {
      ok: true,
      entries: 5,
      firstSeq: 6,
      lastSeq: 10,
    });
    await done();
  });

  it('a forged checkpoint signature is reported', async () => {
    const { s, raw, done } = await chain();
    await s.audit.prune(550, signer);
    raw.exec(`UPDATE audit_checkpoint SET signature = '${'0'.repeat(64)}'`);
    assert.deepEqual(await s.audit.verify(signer), {
      ok: false,
      seq: 5,
      reason:
        'checkpoint at entry 5: signature does not match (forged checkpoint, or a different audit key)',
    });
    await done();
  });

  it('moving the checkpoint forward to hide entries is reported (its signature covers seq and hash)', async () => {
    const { s, raw, done } = await chain();
    await s.audit.prune(350, signer);
    const r = raw.prepare('SELECT hash FROM audit WHERE seq = 6').pluck().get() as string;
    raw.prepare('UPDATE audit_checkpoint SET seq = 6, hash = ?').run(r);
    raw.exec('DELETE FROM audit WHERE seq <= 6');
    const v = await s.audit.verify(signer);
    assert.ok(!v.ok);
    assert.match(v.reason, /checkpoint at entry 6: signature does not match/);
    await done();
  });

  it('prune + edit after the checkpoint is reported', async () => {
    const { s, raw, done } = await chain();
    await s.audit.prune(550, signer);
    raw.exec(`UPDATE audit SET target = 'x:evil' WHERE seq = 8`);
    const v = await s.audit.verify(signer);
    assert.ok(!v.ok);
    assert.equal(v.seq, 8);
    await done();
  });

  it('prune + deleting the first entry after the checkpoint is reported', async () => {
    const { s, raw, done } = await chain();
    await s.audit.prune(550, signer);
    raw.exec('DELETE FROM audit WHERE seq = 6');
    assert.deepEqual(await s.audit.verify(signer), {
      ok: false,
      seq: 6,
      reason: 'entry 6 missing (deleted): next stored entry is 7',
    });
    await done();
  });

  it('prune refuses to sign over a tampered prefix, and changes nothing', async () => {
    const { s, raw, done } = await chain();
    raw.exec(`UPDATE audit SET actor = 'user:mallory' WHERE seq = 2`);
    await assert.rejects(s.audit.prune(550, signer), (err: unknown) => {
      assert.ok(err instanceof StateCorruptError);
      assert.match(
        err.message,
        /^cannot prune audit trail: chain is broken at entry 2: entry 2: content does not match its hash/,
      );
      return true;
    });
    assert.equal(await s.audit.checkpoint(), undefined);
    assert.equal((await s.audit.list()).length, 10);
    await done();
  });

  it('prune stops at the first entry at or after the cut, even with out-of-order times', async () => {
    const { s, done } = await chain(0);
    for (const time of [100, 200, 900, 300, 1000]) {
      await s.audit.append({ actor: 'system', tenant: '', action: 'x', target: 'x', time });
    }
    assert.equal(
      await s.audit.prune(500, signer),
      2,
      'entry 4 (time 300) stays: entry 3 is newer than the cut',
    );
    assert.equal((await s.audit.checkpoint())!.seq, 2);
    assert.equal((await s.audit.verify(signer)).ok, true);
    await done();
  });

  it('a change whose audit entry cannot be written is rolled back with it', async () => {
    const { s, raw, done } = await chain(1);
    raw.exec(
      `CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
    );
    await assert.rejects(
      s.users.create({ username: 'ghost', passwordHash: null }, 'system'),
      /audit refused/,
    );
    await assert.rejects(s.tokens.revoke('tok_none', 'system'), { name: 'StateNotFoundError' });
    assert.equal(await s.users.byName('ghost'), undefined);
    raw.exec('DROP TRIGGER no_audit');
    await s.users.create({ username: 'ghost', passwordHash: null }, 'system');
    assert.equal((await s.audit.verify(signer)).ok, true);
    await done();
  });

  it('a stored entry whose JSON is unreadable is listed as damaged, and verify names it', async () => {
    const { s, raw, done } = await chain(2);
    raw.exec(`UPDATE audit SET after = 'nope' WHERE seq = 2`);
    const [e2] = await s.audit.list({ limit: 1 });
    assert.equal(e2.seq, 2);
    assert.deepEqual(e2.after, {
      $corrupt: 'after of entry 2 is not JSON; run argus audit verify',
    });
    const v = await s.audit.verify(testSigner());
    assert.equal(v.ok, false);
    assert.equal(!v.ok && v.seq, 2);
    await done();
  });
});
