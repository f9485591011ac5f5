import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { defaultArgusConfig } from './config.js';
import { provisioningDir } from './dashboards.js';
import { ArgusServer } from './server.js';
import { loadArgusConfig, resolveSettings } from './settings.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'argus-srv-dash-'));
  dirs.push(d);
  return d;
}

const board = (uid: string, title: string) =>
  JSON.stringify({ schemaVersion: 1, uid, title, panels: [] });

describe('server: dashboards provisioning wiring', () => {
  it('provisioning_dir: relative to the config file, default <config dir>/dashboards if it exists', async () => {
    const dir = await tempDir();
    const source = { file: path.join(dir, 'argus.yml'), overrides: {} };
    const cfg = defaultArgusConfig();
    assert.equal(provisioningDir(cfg, source), undefined);
    await mkdir(path.join(dir, 'dashboards'));
    assert.equal(provisioningDir(cfg, source), path.join(dir, 'dashboards'));
    cfg.dashboards.provisioning_dir = 'boards';
    assert.equal(provisioningDir(cfg, source), path.join(dir, 'boards'));
    cfg.dashboards.provisioning_dir = '/abs';
    assert.equal(provisioningDir(cfg, source), '/abs');
    assert.equal(
      provisioningDir(defaultArgusConfig(), { file: undefined, overrides: {} }),
      undefined,
    );
    cfg.dashboards.provisioning_dir = 'rel';
    assert.equal(provisioningDir(cfg, { file: undefined, overrides: {} }, '/cwd'), '/cwd/rel');
  });

  it('loads dashboards at start and on reload; a bad file is logged with its path', async () => {
    const dir = await tempDir();
    const configFile = path.join(dir, 'argus.yml');
    await writeFile(configFile, 'dashboards:\n  provisioning_dir: boards\n');
    await mkdir(path.join(dir, 'boards'));
    await writeFile(path.join(dir, 'boards', 'a.json'), board('a', 'A'));
    await writeFile(path.join(dir, 'boards', 'bad.json'), '{');
    const settings = resolveSettings(
      { config: configFile, listen: '127.0.0.1:0', dataDir: 'data' },
      {},
      dir,
    );
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
    );
    const password = 'server-dash-admin-password';
    const srv = await ArgusServer.start({
      settings,
      config: await loadArgusConfig(settings.source),
      logger,
      version: 't',
      env: { ARGUS_ADMIN_PASSWORD: password },
    });
    const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` };
    const list = async () =>
      (
        (await (await fetch(`${srv.url}/api/argus/v1/dashboards`, { headers: auth })).json()) as {
          data: { uid: string; provisioned: boolean }[];
        }
      ).data;
    try {
      assert.deepEqual(await list(), [{ ...(await list())[0], uid: 'a', provisioned: true }]);
      const bad = lines.find((l) => l.msg === 'cannot provision dashboard');
      assert.equal(bad?.file, path.join(dir, 'boards', 'bad.json'));
      assert.match(String(bad?.err), /^not JSON/);
      await writeFile(path.join(dir, 'boards', 'b.json'), board('b', 'B'));
      const r = await fetch(`${srv.url}/-/reload`, { method: 'POST', headers: auth });
      assert.equal(r.status, 200);
      assert.deepEqual(
        (await list()).map((d) => d.uid),
        ['a', 'b'],
      );
    } finally {
      await srv.shutdown('test');
    }
  });
});
