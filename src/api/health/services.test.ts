import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { healthTestApi, type HealthTestApi } from './testing.js';

const V1 = '/api/argus/v1';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describe('health API: services, overall health, maintenance', () => {
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

  before(async () => {
    api = await healthTestApi();
    for (const [name, def] of [
      ['db', { status: 'down', public: true }],
      ['api', { depends_on: ['db'], slo: { target: 99.9, window_seconds: 2_592_000 } }],
    ] as const) {
      const r = await call('PUT', `${V1}/services/${name}`, { definition: def });
      assert.equal(r.statusCode, 200, r.body);
    }
  });
  after(() => api.close());

  it('lists, reads, and shows health with root causes', async () => {
    const v = api.auth.viewer;
    const list = data<{ name: string }[]>(await call('GET', `${V1}/services`, undefined, v));
    assert.deepEqual(
      list.map((s) => s.name),
      ['db', 'api'],
    );
    const one = data<{ depends_on: string[] }>(
      await call('GET', `${V1}/services/api`, undefined, v),
    );
    assert.deepEqual(one.depends_on, ['db']);
    const h = data<{ name: string; status: string }>(
      await call('GET', `${V1}/services/db/health`, undefined, v),
    );
    assert.equal(h.status, 'down');
    const all = data<{ status: string; root_causes: string[]; services: unknown[] }>(
      await call('GET', `${V1}/health`, undefined, v),
    );
    assert.equal(all.status, 'down');
    assert.deepEqual(all.root_causes, ['db']);
    assert.equal(all.services.length, 2);
    assert.match(
      error(await call('GET', `${V1}/services/ghost`), 404),
      /service "ghost" not found/,
    );
    assert.match(error(await call('GET', `${V1}/services/ghost/health`), 404), /not found/);
  });

  it('saves with versions, rejects cycles naming them, deletes', async () => {
    assert.match(
      error(
        await call('PUT', `${V1}/services/loop`, { definition: { depends_on: ['loop'] } }),
        400,
      ),
      /depends_on: cycle loop -> loop/,
    );
    assert.match(error(await call('PUT', `${V1}/services/db`, { definition: {} }), 409), /exists/);
    assert.match(
      error(await call('PUT', `${V1}/services/a`, { definition: { name: 'b' } }), 400),
      /does not match the name in the path/,
    );
    data(await call('PUT', `${V1}/services/tmp`, { definition: {} }));
    const v2 = data<{ version: number }>(
      await call('PUT', `${V1}/services/tmp`, { definition: { description: 'x' }, version: 1 }),
    );
    assert.equal(v2.version, 2);
    data(await call('DELETE', `${V1}/services/tmp`));
    assert.match(error(await call('DELETE', `${V1}/services/tmp`), 404), /not found/);
    const del = api.source.calls.filter((c) => c.method === 'deleteService').at(-1)!;
    assert.match(String(del.args[2]), /^token:editor\//);
  });

  it('uptime, SLO (404 without one), history', async () => {
    const u = data<{ daily: unknown[] }>(await call('GET', `${V1}/services/api/uptime`));
    assert.equal(u.daily.length, 90);
    const slo = data<{ target: number; remaining_ratio: number }>(
      await call('GET', `${V1}/services/api/slo`, undefined, api.auth.viewer),
    );
    assert.equal(slo.target, 99.9);
    assert.equal(slo.remaining_ratio, 0.5);
    assert.match(error(await call('GET', `${V1}/services/db/slo`), 404), /has no SLO target/);
    assert.match(error(await call('GET', `${V1}/services/ghost/slo`), 404), /not found/);
    assert.match(error(await call('GET', `${V1}/services/ghost/uptime`), 404), /not found/);
    data(await call('GET', `${V1}/services/api/history?from=now-1d`));
    const args = api.source.calls.filter((c) => c.method === 'history').at(-1)!.args;
    assert.deepEqual([args[1], args[2], args[5]], ['service', 'api', 100]);
    assert.equal((args[4] as number) - (args[3] as number), 86_400_000);
    assert.match(
      error(await call('GET', `${V1}/services/api/history?from=0`), 400),
      /longer than the maximum 400d/,
    );
    assert.match(error(await call('GET', `${V1}/services/ghost/history`), 404), /not found/);
  });

  it('schedules, lists and deletes maintenance; times in ms or RFC 3339 with clear errors', async () => {
    const w = data<{ id: number; starts_at: number; ends_at: number; created_by: string }>(
      await call('POST', `${V1}/maintenance`, {
        service: 'db',
        starts_at: '2030-01-01T00:00:00Z',
        ends_at: 1_893_463_200_000,
        comment: 'upgrade',
      }),
      201,
    );
    assert.equal(w.starts_at, Date.parse('2030-01-01T00:00:00Z'));
    assert.equal(w.ends_at, 1_893_463_200_000);
    assert.match(w.created_by, /^token:editor\//);
    const list = data<{ id: number }[]>(
      await call('GET', `${V1}/maintenance?service=db`, undefined, api.auth.viewer),
    );
    assert.deepEqual(
      list.map((x) => x.id),
      [w.id],
    );
    assert.equal(api.source.calls.filter((c) => c.method === 'maintenance').at(-1)!.args[1], 'db');
    data(await call('GET', `${V1}/maintenance`));
    assert.equal(
      api.source.calls.filter((c) => c.method === 'maintenance').at(-1)!.args[1],
      undefined,
    );

    const bad = (body: object) => call('POST', `${V1}/maintenance`, body);
    const base = { service: 'db', starts_at: 1_900_000_000_000, ends_at: 1_900_000_600_000 };
    assert.match(
      error(await bad({ ...base, ends_at: base.starts_at }), 400),
      /"ends_at": .* is not after starts_at/,
    );
    assert.match(
      error(await bad({ ...base, ends_at: base.starts_at + 91 * 86_400_000 }), 400),
      /the window is 91d long; at most 90d/,
    );
    assert.match(
      error(await bad({ ...base, starts_at: 'tomorrow' }), 400),
      /"starts_at": want ms since the epoch or RFC 3339/,
    );
    assert.match(error(await bad({ ...base, ends_at: -5 }), 400), /"ends_at"/);
    assert.match(error(await bad({ ...base, service: 'ghost' }), 404), /"ghost" not found/);
    assert.match(error(await bad({ starts_at: 1, ends_at: 2 }), 400), /field "service"/);

    assert.match(
      error(await call('DELETE', `${V1}/maintenance/abc`), 400),
      /"id": want a positive integer/,
    );
    data(await call('DELETE', `${V1}/maintenance/${w.id}`));
    assert.match(error(await call('DELETE', `${V1}/maintenance/${w.id}`), 404), /not found/);
  });

  it('viewers cannot change services or maintenance', async () => {
    const v = api.auth.viewer;
    assert.equal((await call('PUT', `${V1}/services/x`, { definition: {} }, v)).statusCode, 403);
    assert.equal((await call('DELETE', `${V1}/services/db`, undefined, v)).statusCode, 403);
    assert.equal((await call('POST', `${V1}/maintenance`, { service: 'db' }, v)).statusCode, 403);
    assert.equal((await call('DELETE', `${V1}/maintenance/1`, undefined, v)).statusCode, 403);
    assert.equal((await call('GET', `${V1}/health`, undefined, null)).statusCode, 401);
    // The server's own liveness stays public and separate.
    assert.equal((await call('GET', '/-/healthy', undefined, null)).statusCode, 200);
  });
});
