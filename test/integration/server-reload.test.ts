import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startArgus, tempDir } from './helpers.js';
import { adminFetch } from './helpers.js';

describe('argus server reload', () => {
  it('keeps running on a broken config (SIGHUP and /-/reload), applies a fixed one', async () => {
    const dir = await tempDir();
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(cfg, 'logging:\n  level: info\n');
    const argus = await startArgus({ args: ['--config', cfg] });
    try {
      await writeFile(cfg, 'logging:\n  level: info\nstorage:\n  tsdb:\n    retension_time: 1d\n');
      const want = `${cfg}:5:5: storage.tsdb: unknown key "retension_time" (did you mean "retention_time"?)`;

      argus.child.kill('SIGHUP');
      const logged = await argus.waitForLog(
        (l) => l.msg === 'cannot reload config; keeping the running one',
        10_000,
      );
      assert.equal(logged.err, want);
      assert.equal((await fetch(`${argus.url}/-/ready`)).status, 200, 'still serving after SIGHUP');

      const res = await adminFetch(`${argus.url}/-/reload`, { method: 'POST' });
      assert.equal(res.status, 400);
      assert.equal(await res.text(), `${want}\n`);
      assert.match(
        await (await adminFetch(`${argus.url}/metrics`)).text(),
        /^argus_config_last_reload_successful 0$/m,
      );

      await writeFile(cfg, 'logging:\n  level: debug\nstorage:\n  tsdb:\n    retention_time: 1d\n');
      const ok = await adminFetch(`${argus.url}/-/reload`, { method: 'POST' });
      assert.equal(ok.status, 200);
      assert.ok(argus.logs().some((l) => l.msg === 'config reloaded'));
      assert.match(
        await (await adminFetch(`${argus.url}/metrics`)).text(),
        /^argus_config_last_reload_successful 1$/m,
      );

      // The new level (debug) is live: a SIGHUP reload now logs at debug too, and succeeds.
      argus.child.kill('SIGHUP');
      await argus.waitForLog(
        (l) =>
          l.msg === 'config reloaded' &&
          argus.logs().filter((x) => x.msg === 'config reloaded').length === 2,
      );
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });
});
