import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { healthTestApi, type HealthTestApi } from './testing.js';

const V1 = '/api/argus/v1';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describe('health API: checks', () => {
  let api: HealthTestApi;
  const call = (
    method: Method,
    url: string,
    body?: unknown,
    auth: string | null = api.auth.editor,
  ): Promise<LightMyRequestResponse> =>
    api.app.inject({
      method,
      url,
      headers: {
        ...(auth !== null && { authorization: auth }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
  const data = <T>(r: LightMyRequestResponse, status = 200): T => {
    assert.equal(r.statusCode, status, r.body);
    return r.json<{ data: T }>().data;
  };
  const error = (r: LightMyRequestResponse, status: number): string => {
    assert.equal(r.statusCode, status, r.body);
    return r.json<{ error: string }>().error;
  };
  const web = { kind: 'http', url: 'https://example.com/', interval: '30s' };

  before(async () => {
    api = await healthTestApi();
  });
  after(() => api.close());

  it('lists the kinds', async () => {
    const k = data<{ name: string }[]>(
      await call('GET', `${V1}/checks/kinds`, undefined, api.auth.viewer),
    );
    assert.deepEqual(
      k.map((x) => x.name),
      ['http', 'heartbeat'],
    );
  });

  it('creates, reads, replaces with the version, deletes; changes carry the actor', async () => {
    const c = data<{ name: string; version: number; definition: { name: string } }>(
      await call('PUT', `${V1}/checks/web`, { definition: web }),
    );
    assert.equal(c.name, 'web');
    assert.equal(c.version, 1);
    assert.equal(c.definition.name, 'web', 'the path name is put into the definition');
    const save = api.source.calls.find((x) => x.method === 'saveCheck')!;
    assert.equal(save.args[0], 'default');
    assert.match(String(save.args[3]), /^token:editor\//);

    const list = data<{ name: string }[]>(
      await call('GET', `${V1}/checks`, undefined, api.auth.viewer),
    );
    assert.deepEqual(
      list.map((x) => x.name),
      ['web'],
    );
    const one = data<{ target: string }>(
      await call('GET', `${V1}/checks/web`, undefined, api.auth.viewer),
    );
    assert.equal(one.target, 'https://example.com/');

    // Create again: conflict; replace with a stale version: conflict; with the right one: ok.
    assert.match(error(await call('PUT', `${V1}/checks/web`, { definition: web }), 409), /exists/);
    assert.match(
      error(await call('PUT', `${V1}/checks/web`, { definition: web, version: 7 }), 409),
      /saved since version 7/,
    );
    const v2 = data<{ version: number }>(
      await call('PUT', `${V1}/checks/web`, { definition: { ...web, name: 'web' }, version: 1 }),
    );
    assert.equal(v2.version, 2);
    assert.match(
      error(await call('PUT', `${V1}/checks/nope`, { definition: web, version: 1 }), 404),
      /not found/,
    );

    data(await call('DELETE', `${V1}/checks/web`), 200);
    assert.match(error(await call('GET', `${V1}/checks/web`), 404), /check "web" not found/);
    assert.match(error(await call('DELETE', `${V1}/checks/web`), 404), /not found/);
  });

  it('400s name every problem, a mismatched name, unknown fields, reserved names', async () => {
    const e = error(
      await call('PUT', `${V1}/checks/bad`, { definition: { kind: 'gopher', interval: 5 } }),
      400,
    );
    assert.match(e, /kind: unknown kind "gopher"/);
    assert.match(e, /interval: want a duration/);
    assert.match(
      error(await call('PUT', `${V1}/checks/a`, { definition: { ...web, name: 'b' } }), 400),
      /"definition.name": "b" does not match the name in the path "a"/,
    );
    assert.match(
      error(await call('PUT', `${V1}/checks/a`, { definition: web, extra: 1 }), 400),
      /unknown field "extra"/,
    );
    assert.match(
      error(await call('PUT', `${V1}/checks/a`, { version: 1 }), 400),
      /field "definition"/,
    );
    assert.match(
      error(await call('PUT', `${V1}/checks/kinds`, { definition: web }), 400),
      /reserved/,
    );
  });

  it('provisioned checks are read-only (409)', async () => {
    await call('PUT', `${V1}/checks/prov`, { definition: web });
    api.source.checkMap.get('default')!.get('prov')!.source = 'config';
    assert.match(error(await call('DELETE', `${V1}/checks/prov`), 409), /provisioned/);
    assert.match(
      error(await call('PUT', `${V1}/checks/prov`, { definition: web, version: 1 }), 409),
      /provisioned/,
    );
  });

  it('runs a check now and tries an unsaved definition', async () => {
    await call('PUT', `${V1}/checks/runme`, { definition: web });
    const r = data<{ success: boolean; metrics: unknown[] }>(
      await call('POST', `${V1}/checks/runme/run`),
    );
    assert.equal(r.success, true);
    assert.match(error(await call('POST', `${V1}/checks/ghost/run`), 404), /not found/);
    const t = data<{ success: boolean }>(
      await call('POST', `${V1}/checks/try`, { definition: web }),
    );
    assert.equal(t.success, true);
    assert.match(
      error(await call('POST', `${V1}/checks/try`, { definition: { kind: 'x' } }), 400),
      /unknown kind "x"/,
    );
  });

  it('results take ms, unix seconds, RFC 3339 and now-<duration>; default the last hour; capped', async () => {
    await call('PUT', `${V1}/checks/res`, { definition: web });
    const last = () => api.source.calls.filter((c) => c.method === 'results').at(-1)!.args;
    const before = Date.now();
    data(await call('GET', `${V1}/checks/res/results`, undefined, api.auth.viewer));
    const [, , from, to] = last() as [string, string, number, number];
    assert.equal(to - from, 3_600_000);
    assert.ok(to >= before && to <= Date.now());

    data(await call('GET', `${V1}/checks/res/results?from=1700000000000&to=2023-11-14T23:13:20Z`));
    assert.deepEqual(last().slice(2), [1_700_000_000_000, 1_700_003_600_000]);
    data(await call('GET', `${V1}/checks/res/results?from=1700000000.5&to=1700000100`));
    assert.deepEqual(last().slice(2), [1_700_000_000_500, 1_700_000_100_000]);
    data(await call('GET', `${V1}/checks/res/results?from=now-6h&to=now`));
    const [, , f6, t6] = last() as [string, string, number, number];
    assert.equal(t6 - f6, 6 * 3_600_000);

    assert.match(
      error(await call('GET', `${V1}/checks/res/results?from=0&to=2000000000`), 400),
      /longer than the maximum 7d/,
    );
    assert.match(
      error(await call('GET', `${V1}/checks/res/results?from=yesterday`), 400),
      /invalid parameter "from": cannot parse "yesterday"/,
    );
    assert.match(
      error(await call('GET', `${V1}/checks/res/results?from=now-xyz`), 400),
      /now-<duration>/,
    );
    assert.match(
      error(await call('GET', `${V1}/checks/res/results?from=1700000100&to=1700000000`), 400),
      /must not be after/,
    );
    assert.match(error(await call('GET', `${V1}/checks/ghost/results`), 404), /not found/);
  });

  it('history (limit, default 30 days) and uptime', async () => {
    await call('PUT', `${V1}/checks/hist`, { definition: web });
    const h = data<{ state: string }[]>(
      await call('GET', `${V1}/checks/hist/history?limit=5`, undefined, api.auth.viewer),
    );
    assert.equal(h[0].state, 'down');
    const args = api.source.calls.filter((c) => c.method === 'history').at(-1)!.args;
    assert.equal(args[1], 'check');
    assert.equal((args[4] as number) - (args[3] as number), 30 * 86_400_000);
    assert.equal(args[5], 5);
    assert.match(
      error(await call('GET', `${V1}/checks/hist/history?limit=0`), 400),
      /invalid parameter "limit": want an integer from 1 to 10000/,
    );
    const u = data<{ windows: Record<string, number | null>; daily: unknown[] }>(
      await call('GET', `${V1}/checks/hist/uptime`, undefined, api.auth.viewer),
    );
    assert.equal(u.windows['24h'], 1);
    assert.equal(u.daily.length, 90);
    assert.match(error(await call('GET', `${V1}/checks/ghost/uptime`), 404), /not found/);
    assert.match(error(await call('GET', `${V1}/checks/ghost/history`), 404), /not found/);
  });

  it('is per tenant', async () => {
    await call('PUT', `${V1}/checks/mine`, { definition: web });
    data(await call('PUT', `${V1}/checks/theirs`, { definition: web }, api.auth.acme));
    const acme = data<{ name: string }[]>(
      await call('GET', `${V1}/checks`, undefined, api.auth.acme),
    );
    assert.deepEqual(
      acme.map((c) => c.name),
      ['theirs'],
    );
    assert.equal(
      (await call('GET', `${V1}/checks/mine`, undefined, api.auth.acme)).statusCode,
      404,
    );
  });

  it('viewers read but cannot change; anonymous gets 401', async () => {
    const v = api.auth.viewer;
    assert.equal((await call('PUT', `${V1}/checks/x`, { definition: web }, v)).statusCode, 403);
    assert.equal((await call('POST', `${V1}/checks/try`, { definition: web }, v)).statusCode, 403);
    assert.equal((await call('DELETE', `${V1}/checks/x`, undefined, v)).statusCode, 403);
    assert.equal((await call('GET', `${V1}/checks`, undefined, null)).statusCode, 401);
  });
});
