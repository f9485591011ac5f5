import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../config/index.js';
import { externalUrl, loadArgusConfig, resolveSettings } from './settings.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'argus-settings-'));
  dirs.push(d);
  return d;
}

describe('resolveSettings', () => {
  it('uses defaults without flags, env or ./argus.yml', async () => {
    const cwd = await tempDir();
    const s = resolveSettings({}, {}, cwd);
    assert.equal(s.source.file, undefined);
    assert.equal(s.dataDir, path.join(cwd, 'data'));
    assert.deepEqual(s.source.overrides, {});
    const cfg = await loadArgusConfig(s.source);
    assert.equal(cfg.server.listen, ':9470');
  });

  it('picks up ./argus.yml when present', async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, 'argus.yml'), 'server:\n  listen: 127.0.0.1:1234\n');
    const s = resolveSettings({}, {}, cwd);
    assert.equal(s.source.file, path.join(cwd, 'argus.yml'));
    assert.equal((await loadArgusConfig(s.source)).server.listen, '127.0.0.1:1234');
  });

  it('adopts an ./argus.yml created after start at the next load (reload)', async () => {
    const cwd = await tempDir();
    const s = resolveSettings({}, {}, cwd);
    assert.equal(s.source.file, undefined);
    assert.equal((await loadArgusConfig(s.source)).server.listen, ':9470');
    await writeFile(path.join(cwd, 'argus.yml'), 'server:\n  listen: 127.0.0.1:4321\n');
    assert.equal((await loadArgusConfig(s.source)).server.listen, '127.0.0.1:4321');
    assert.equal(s.source.file, path.join(cwd, 'argus.yml'));
    // An explicit --config never falls back to ./argus.yml.
    const e = resolveSettings({ config: 'other.yml' }, {}, cwd);
    assert.equal(e.source.discover, undefined);
  });

  it('ranks flags over env over file', async () => {
    const cwd = await tempDir();
    await writeFile(
      path.join(cwd, 'a.yml'),
      'server:\n  listen: :1\nlogging:\n  level: warn\nglobal:\n  external_url: http://file/\n',
    );
    await writeFile(path.join(cwd, 'argus.yml'), 'server:\n  listen: :9\n');
    const env = {
      ARGUS_CONFIG: 'a.yml',
      ARGUS_DATA_DIR: 'env-data',
      ARGUS_LISTEN: ':2',
      ARGUS_LOG_LEVEL: 'debug',
      ARGUS_EXTERNAL_URL: 'http://env/',
    };
    const fromEnv = resolveSettings({}, env, cwd);
    assert.equal(fromEnv.source.file, path.join(cwd, 'a.yml'));
    assert.equal(fromEnv.dataDir, path.join(cwd, 'env-data'));
    let cfg = await loadArgusConfig(fromEnv.source);
    assert.deepEqual(
      [cfg.server.listen, cfg.logging.level, cfg.global.external_url],
      [':2', 'debug', 'http://env/'],
    );

    const flags = {
      config: 'argus.yml',
      dataDir: '/abs/d',
      listen: ':3',
      logLevel: 'error',
      externalUrl: 'https://flag/',
    };
    const fromFlags = resolveSettings(flags, env, cwd);
    assert.equal(fromFlags.source.file, path.join(cwd, 'argus.yml'));
    assert.equal(fromFlags.dataDir, '/abs/d');
    cfg = await loadArgusConfig(fromFlags.source);
    assert.deepEqual(
      [cfg.server.listen, cfg.logging.level, cfg.global.external_url],
      [':3', 'error', 'https://flag/'],
    );

    const fileOnly = await loadArgusConfig(resolveSettings({ config: 'a.yml' }, {}, cwd).source);
    assert.deepEqual([fileOnly.server.listen, fileOnly.logging.level], [':1', 'warn']);
  });

  it('ignores empty env values', async () => {
    const cwd = await tempDir();
    const s = resolveSettings({}, { ARGUS_LISTEN: '', ARGUS_CONFIG: '', ARGUS_DATA_DIR: '' }, cwd);
    assert.deepEqual(s.source.overrides, {});
    assert.equal(s.source.file, undefined);
  });

  it('names the flag or variable of a bad override', async () => {
    const cwd = await tempDir();
    const s = resolveSettings(
      { listen: 'nope', logLevel: 'loud' },
      { ARGUS_EXTERNAL_URL: 'x' },
      cwd,
    );
    await assert.rejects(loadArgusConfig(s.source), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        [
          '--listen: expected an address like :9470, 127.0.0.1:9470 or [::1]:9470, got "nope"',
          'ARGUS_EXTERNAL_URL: expected an absolute http(s) URL, got "x"',
          '--log.level: expected one of trace, debug, info, warn, error, fatal, got "loud"',
        ].join('\n'),
      );
      return true;
    });
  });

  it('fails on a missing explicit config file', async () => {
    const cwd = await tempDir();
    const s = resolveSettings({ config: 'missing.yml' }, {}, cwd);
    await assert.rejects(
      loadArgusConfig(s.source),
      /missing\.yml: cannot read config file: ENOENT/,
    );
  });
});

describe('externalUrl', () => {
  it('defaults to http://hostname:port/', async () => {
    const cfg = await loadArgusConfig({ file: undefined, overrides: {} });
    assert.equal(externalUrl(cfg, 'box'), 'http://box:9470/');
    assert.equal(externalUrl(cfg, 'box', 1234), 'http://box:1234/');
    cfg.global.external_url = 'https://argus.example/';
    assert.equal(externalUrl(cfg, 'box'), 'https://argus.example/');
  });
});
