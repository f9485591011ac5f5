/**
 * The route-permission walk of src/api/access-walk.test.ts over the health routes (that walk's
 * app has no health source): each route is declared, enforces its need, and only the pings and
 * the status page are public. Plus the OpenAPI document describes them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { methodsOf } from '../route-table.js';
import { TAG } from './respond.js';
import { healthTestApi, type HealthTestApi } from './testing.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const V1 = '/api/argus/v1';

const PUBLIC = new Set([
  `GET ${V1}/ping/:token`,
  `POST ${V1}/ping/:token`,
  `GET ${V1}/ping/:token/start`,
  `POST ${V1}/ping/:token/start`,
  `GET ${V1}/ping/:token/fail`,
  `POST ${V1}/ping/:token/fail`,
  'GET /status',
  'GET /status/:tenant',
  `GET ${V1}/status-page`,
  `GET ${V1}/status-page/:tenant`,
]);

const concrete = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, 'walk_$1');

describe('health routes: access walk and API description', () => {
  let api: HealthTestApi;
  before(async () => {
    api = await healthTestApi();
  });
  after(() => api.close());
  const specs = () => api.table.specs.filter((s) => s.tag === TAG);

  it('every health route fastify serves is declared with an access need', () => {
    const declared = new Set(
      api.table.specs.flatMap((s) => methodsOf(s).map((m) => `${m} ${s.url}`)),
    );
    const served = api.routes.filter(
      (r) =>
        r.method !== 'HEAD' && /\/(checks|services|health|maintenance|ping|status)/.test(r.url),
    );
    assert.ok(served.length >= 30, `only ${served.length}`);
    for (const r of served) {
      assert.ok(declared.has(`${r.method} ${r.url}`), `${r.method} ${r.url} is not declared`);
      assert.ok((r.config as { access?: { need?: string } }).access?.need, r.url);
    }
  });

  it('exactly the pings and the status page are public', () => {
    const pub = specs()
      .filter((s) => s.access.need === 'public')
      .flatMap((s) => methodsOf(s).map((m) => `${m} ${s.url}`));
    assert.deepEqual(new Set(pub), PUBLIC);
  });

  it('every other route: 401 anonymous, 403 without the permission, through with it', async () => {
    const walk = {
      read: { refused: ['writer'], allowed: 'viewer' },
      edit: { refused: ['viewer', 'writer'], allowed: 'editor' },
    } as const;
    let n = 0;
    for (const spec of specs()) {
      if (spec.access.need === 'public') continue;
      const need = spec.access.need as keyof typeof walk;
      assert.ok(walk[need], `${spec.url} needs ${spec.access.need}`);
      for (const method of methodsOf(spec) as Method[]) {
        const url = concrete(spec.url);
        const anon = await api.app.inject({ method, url });
        assert.equal(anon.statusCode, 401, `${method} ${url}`);
        for (const who of walk[need].refused) {
          const r = await api.app.inject({
            method,
            url,
            headers: { authorization: api.auth[who] },
          });
          assert.equal(r.statusCode, 403, `${method} ${url} as ${who}: ${r.body}`);
          assert.match(r.body, /needs /);
        }
        const ok = await api.app.inject({
          method,
          url,
          headers: { authorization: api.auth[walk[need].allowed] },
        });
        assert.ok(![401, 403].includes(ok.statusCode), `${method} ${url}: ${ok.body}`);
        n++;
      }
    }
    assert.ok(n >= 20, `walked ${n}`);
  });

  it('the OpenAPI document describes every health route', async () => {
    const r = await api.app.inject({
      url: `${V1}/openapi.json`,
      headers: { authorization: api.auth.viewer },
    });
    assert.equal(r.statusCode, 200);
    const doc = r.json<{
      paths: Record<string, Record<string, { summary: string; security?: unknown[] }>>;
    }>();
    for (const spec of specs()) {
      const p = spec.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      for (const m of methodsOf(spec)) {
        const op = doc.paths[p]?.[m.toLowerCase()];
        assert.ok(op, `${m} ${p} missing`);
        assert.equal(op.summary, spec.summary);
        if (spec.access.need === 'public') assert.deepEqual(op.security, []);
      }
    }
    assert.ok(doc.paths[`${V1}/checks/{name}/results`].get);
  });
});
