import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { Labels, type Alert, type TenantId } from '../model/index.js';
import { OutboundGuard } from '../net/index.js';
import { openSqliteState, type StateStore } from '../state/index.js';
import { Alerting } from './alerting.js';
import { loadAlerting } from './alerting-config.js';
import { defaultArgusConfig } from './config.js';

/** Records the path and alertnames of every webhook POST. */
async function capture(): Promise<{ url: string; got: string[]; close(): Promise<void> }> {
  const got: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const m = JSON.parse(body) as { alerts: { labels: { alertname: string } }[] };
      for (const a of m.alerts) got.push(`${req.url} ${a.labels.alertname}`);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    got,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const alert = (name: string): Alert => ({
  labels: Labels.fromObject({ alertname: name }),
  annotations: {},
  startsAt: Date.now(),
  endsAt: 0,
  generatorURL: '',
});

const tenantYaml = (url: string) => `route: { receiver: own, group_wait: 0s, group_by: [alertname] }
receivers:
  - name: own
    webhook_configs: [{ url: "${url}/b" }]
`;

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(25);
  assert.ok(cond(), `timed out waiting for ${what}`);
}

describe('Alerting with per-tenant configs (real SQLite, real webhooks)', () => {
  let dir: string;
  let state: StateStore;
  let hook: Awaited<ReturnType<typeof capture>>;
  let alerting: Alerting | undefined;
  const guard = new OutboundGuard({ tenants: { b: { allow: ['127.0.0.1'] } } });
  const open = async () => {
    const cfg = defaultArgusConfig();
    cfg.alertmanager = {
      route: { receiver: 'file', group_wait: '0s', group_by: ['alertname'] },
      receivers: [{ name: 'file', webhook_configs: [{ url: `${hook.url}/file` }] }],
    };
    const loaded = await loadAlerting(cfg, undefined, guard);
    return Alerting.open(
      {
        state,
        logger: pino({ level: 'silent' }),
        ackKey: Buffer.alloc(32, 1),
        externalURL: () => 'http://argus.test/',
        guard,
      },
      loaded,
    );
  };
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'argus-amtenant-'));
    state = openSqliteState({ file: path.join(dir, 'state.db') });
    hook = await capture();
  });
  afterEach(async () => {
    await alerting?.stop();
    await hook.close();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("routes each tenant by its own config; B's config never routes A's alerts", async () => {
    alerting = await open();
    await alerting.start();
    const { stored, loaded } = await alerting.tenantStore.save(
      'b',
      tenantYaml(hook.url),
      'u',
      undefined,
    );
    alerting.applyTenant('b' as TenantId, loaded, stored);
    assert.match(alerting.configFor('b' as TenantId).source, /^tenant b \(API, version 1\)$/);
    await alerting.put('a' as TenantId, [alert('FromA')]);
    await alerting.put('b' as TenantId, [alert('FromB')]);
    await until(() => hook.got.length >= 2, 'both notifications');
    assert.deepEqual(hook.got.sort(), ['/b FromB', '/file FromA']);

    // Back to the file config: B's next alert goes where A's go.
    await alerting.tenantStore.delete('b', 'u');
    alerting.applyTenant('b' as TenantId, undefined);
    await alerting.put('b' as TenantId, [alert('LaterB')]);
    await until(() => hook.got.length >= 3, 'the third notification');
    assert.equal(
      hook.got.find((x) => x.endsWith('LaterB')),
      '/file LaterB',
    );
  });

  it('loads stored configs at open; a reload of the file config leaves them alone', async () => {
    alerting = await open();
    await alerting.tenantStore.save('b', tenantYaml(hook.url), 'u', undefined);
    await alerting.stop();
    alerting = await open();
    assert.deepEqual([...alerting.configFor('b' as TenantId).channels.keys()], ['own']);
    assert.deepEqual([...alerting.configFor('a' as TenantId).channels.keys()], ['file']);
    const cfg = defaultArgusConfig();
    alerting.apply(await loadAlerting(cfg, undefined, guard));
    assert.equal(alerting.configFor('a' as TenantId).source, 'built-in');
    assert.deepEqual([...alerting.configFor('b' as TenantId).channels.keys()], ['own']);
    assert.equal(alerting.tenantConfigs.file().source, 'built-in');
    assert.match(alerting.tenantConfigs.file().raw, /receiver: default/);
  });

  it('a stored config that no longer passes the guard leaves its tenant on the file config', async () => {
    alerting = await open();
    await alerting.tenantStore.save('b', tenantYaml(hook.url), 'u', undefined);
    await alerting.stop();
    const strict = new OutboundGuard({});
    const cfg = defaultArgusConfig();
    alerting = await Alerting.open(
      {
        state,
        logger: pino({ level: 'silent' }),
        ackKey: Buffer.alloc(32, 1),
        externalURL: () => 'http://argus.test/',
        guard: strict,
      },
      await loadAlerting(cfg, undefined, strict),
    );
    assert.equal(alerting.configFor('b' as TenantId).source, 'built-in');
  });
});
