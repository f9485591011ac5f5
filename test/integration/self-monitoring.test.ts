import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { adminFetch, startArgus, tempDir, type ArgusProcess } from './helpers.js';

async function api<T>(argus: ArgusProcess, p: string): Promise<T> {
  const res = await adminFetch(`${argus.url}${p}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  assert.equal(res.status, 200, body.error);
  return body.data;
}

/** Polls `get` until `ok` holds, for at most `ms`; returns the last value. */
async function until<T>(
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    v = await get();
  }
  assert.ok(ok(v), `${what}: ${JSON.stringify(v)}`);
  return v;
}

type Vec = { result: { metric: Record<string, string>; value: [number, string] }[] };
type Alerts = { alerts: { labels: Record<string, string>; state: string }[] };
type Rules = {
  groups: { name: string; file: string; rules: { name: string; health: string }[] }[];
};

describe('self-monitoring', () => {
  it('stores its own metrics, and on an idle fresh server only the Watchdog fires', async () => {
    const dir = await tempDir();
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(cfg, 'collect: { host: { enabled: false }, self: { interval: 1s } }\n');
    const argus = await startArgus({ args: ['--config', cfg] });
    try {
      const host = new URL(argus.url).host;
      const up = await until(
        () => api<Vec>(argus, '/api/v1/query?query=up{job="argus"}'),
        (v) => v.result.length === 1,
        'up{job="argus"}',
        15_000,
      );
      assert.deepEqual(up.result[0].metric, { __name__: 'up', job: 'argus', instance: host });
      assert.equal(up.result[0].value[1], '1');
      const info = await api<Vec>(argus, '/api/v1/query?query=argus_build_info{job="argus"}');
      assert.equal(info.result.length, 1);

      const rules = await api<Rules>(argus, '/api/v1/rules');
      const g = rules.groups.find((x) => x.name === 'argus-self-monitoring');
      assert.equal(g?.file, '<builtin>');
      assert.equal(g.rules.length, 6);

      // The group evaluates every 30s at its own offset: wait for its first evaluation, then
      // for every rule to settle (a rule pending before the first self sample would show).
      const alerts = await until(
        () => api<Alerts>(argus, '/api/v1/alerts'),
        (v) => v.alerts.length === 1 && v.alerts[0].state === 'firing',
        'only the Watchdog firing',
        45_000,
      );
      assert.deepEqual(alerts.alerts[0].labels, { alertname: 'Watchdog', severity: 'none' });
      const after = await api<Rules>(argus, '/api/v1/rules');
      const health = after.groups
        .find((x) => x.name === 'argus-self-monitoring')!
        .rules.map((r) => [r.name, r.health]);
      assert.ok(
        health.every(([, h]) => h === 'ok'),
        JSON.stringify(health),
      );
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });

  it('rules: { builtin: false } and collect.self.enabled: false turn both off', async () => {
    const dir = await tempDir();
    const cfg = path.join(dir, 'argus.yml');
    await writeFile(
      cfg,
      'collect: { host: { enabled: false }, self: { enabled: false } }\nrules: { builtin: false }\n',
    );
    const argus = await startArgus({ args: ['--config', cfg] });
    try {
      assert.deepEqual((await api<Rules>(argus, '/api/v1/rules')).groups, []);
      await new Promise((r) => setTimeout(r, 1000));
      const up = await api<Vec>(argus, '/api/v1/query?query=up{job="argus"}');
      assert.deepEqual(up.result, []);
    } finally {
      assert.equal((await argus.stop()).code, 0);
    }
  });
});
