import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../config/index.js';
import { argusConfigSchema, defaultArgusConfig, parseListen } from './config.js';

const TESTDATA = path.join(process.cwd(), 'src/server/testdata');

describe('argus.yml testdata', () => {
  const files = readdirSync(TESTDATA).sort();
  const bad = files.filter((f) => f.endsWith('.bad.yml'));
  const good = files.filter((f) => f.endsWith('.good.yml'));
  it('pairs every bad config with its error file', () => {
    assert.ok(bad.length >= 10);
    for (const f of bad)
      assert.ok(files.includes(f.replace('.bad.yml', '.err')), `${f} has no .err`);
  });
  for (const f of bad) {
    it(`${f} fails with the exact error`, () => {
      const want = readFileSync(
        path.join(TESTDATA, f.replace('.bad.yml', '.err')),
        'utf8',
      ).trimEnd();
      const text = readFileSync(path.join(TESTDATA, f), 'utf8');
      assert.throws(
        () => parseConfigText(text, f, argusConfigSchema),
        (err: unknown) => err instanceof ConfigError && err.message === want,
        `want:\n${want}`,
      );
    });
  }
  for (const f of good) {
    it(`${f} loads`, () => {
      parseConfigText(readFileSync(path.join(TESTDATA, f), 'utf8'), f, argusConfigSchema);
    });
  }
  it('full.good.yml spells out exactly the defaults (plus external_url)', () => {
    const full = parseConfigText(
      readFileSync(path.join(TESTDATA, 'full.good.yml'), 'utf8'),
      'f',
      argusConfigSchema,
    );
    const defaults = defaultArgusConfig();
    defaults.global.external_url = 'https://argus.example.com/';
    assert.deepEqual(full, defaults);
  });

  it('empty-sections.good.yml (every section null) means exactly the defaults', () => {
    const text = readFileSync(path.join(TESTDATA, 'empty-sections.good.yml'), 'utf8');
    assert.deepEqual(parseConfigText(text, 'f', argusConfigSchema), defaultArgusConfig());
  });
});

describe('defaults', () => {
  it('match issue #2: 15d retention, 2h blocks, :9470', () => {
    const d = defaultArgusConfig();
    assert.equal(d.storage.tsdb.retention_time, 15 * 86_400_000);
    assert.equal(d.storage.tsdb.block_duration, 2 * 3_600_000);
    assert.equal(d.server.listen, ':9470');
    assert.equal(d.logging.level, 'info');
    assert.equal(d.logging.format, 'auto');
    assert.equal(d.ingest.remote_write.enabled, true);
    assert.equal(d.global.external_url, undefined);
  });
});

describe('parseListen', () => {
  const cases: [string, ReturnType<typeof parseListen>][] = [
    [':9470', { host: '', port: 9470 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
    ['[::1]:9470', { host: '::1', port: 9470 }],
    ['9470', undefined],
    ['host:65536', undefined],
    ['::1:9470', undefined],
    ['host:', undefined],
  ];
  for (const [s, want] of cases) it(s, () => assert.deepEqual(parseListen(s), want));
});
