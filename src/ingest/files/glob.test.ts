import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Glob } from './glob.js';

describe('Glob', () => {
  const table: [string, string, boolean][] = [
    ['/var/log/*.log', '/var/log/syslog.log', true],
    ['/var/log/*.log', '/var/log/sub/x.log', false],
    ['/var/log/*.log', '/var/log/x.log.1', false],
    ['/var/log/app?.log', '/var/log/app1.log', true],
    ['/var/log/app?.log', '/var/log/app12.log', false],
    ['/var/log/[ab]*.log', '/var/log/b.log', true],
    ['/var/log/[!ab]*.log', '/var/log/b.log', false],
    ['/var/log/{nginx,apache}/*.log', '/var/log/apache/access.log', true],
    ['/var/log/{nginx,apache}/*.log', '/var/log/mysql/x.log', false],
    ['/var/log/**/*.log', '/var/log/x.log', true],
    ['/var/log/**/*.log', '/var/log/a/b/c/x.log', true],
    ['/var/log/**', '/var/log/a/b', true],
    ['/var/log/a.b', '/var/log/aXb', false],
    ['/var/log/(x)+.log', '/var/log/(x)+.log', true],
  ];
  for (const [g, p, want] of table)
    it(`${g} ${want ? 'matches' : 'does not match'} ${p}`, () => {
      assert.equal(new Glob(g).matches(p), want);
    });

  it('knows where to start walking and how deep', () => {
    assert.deepEqual(
      [new Glob('/var/log/*.log').base, new Glob('/var/log/*.log').depth],
      ['/var/log', 1],
    );
    assert.equal(new Glob('/a/**/x/*.log').depth, 32);
    assert.deepEqual([new Glob('/a/b.log').base, new Glob('/a/b.log').depth], ['/a/b.log', 0]);
    assert.equal(new Glob('/*.log').base, '/');
    assert.throws(() => new Glob('/x/{a,b'), /cannot compile glob "\/x\/\{a,b": unclosed \{/);
  });

  it('expands to regular files, following file symlinks but not directory ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-glob-'));
    try {
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      writeFileSync(join(dir, 'one.log'), '');
      writeFileSync(join(dir, 'a', 'b', 'two.log'), '');
      writeFileSync(join(dir, 'a', 'other.txt'), '');
      mkdirSync(join(dir, 'dir.log'));
      symlinkSync(join(dir, 'one.log'), join(dir, 'a', 'link.log'));
      symlinkSync(join(dir, 'a'), join(dir, 'loop'));
      assert.deepEqual(await new Glob(join(dir, '**', '*.log')).expand(), [
        join(dir, 'a', 'b', 'two.log'),
        join(dir, 'a', 'link.log'),
        join(dir, 'one.log'),
      ]);
      assert.deepEqual(await new Glob(join(dir, '*.log')).expand(), [join(dir, 'one.log')]);
      assert.deepEqual(await new Glob(join(dir, 'one.log')).expand(), [join(dir, 'one.log')]);
      assert.deepEqual(await new Glob(join(dir, 'none.log')).expand(), []);
      assert.deepEqual(await new Glob(join(dir, 'missing', '*.log')).expand(), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
