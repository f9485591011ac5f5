/**
 * The route-permission walk: every route fastify serves is declared in the route table, and
 * every declared route enforces its access need — no credentials → 401, a credential without the
 * permission → 403, one with it → through. Routes later issues add are walked the same way, so
 * a route that forgets its declaration, or declares the wrong need, fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fastify from 'fastify';
import { Authenticator } from '../auth/index.js';
import { openSqliteState } from '../state/index.js';
import { nopLogger } from '../util/index.js';
import { installAccessHook } from './guard.js';
import { methodsOf, type Need } from './route-table.js';
import { LogqlEngine } from '../logql/index.js';
import { MemLogStore } from '../storage/index.js';
import { DEFAULT_LOGS_API_OPTIONS } from './logs/source.js';
import { testApi, type TestApi } from './testing.js';

/** The only routes open without credentials. Adding one here is a security decision. */
const PUBLIC = new Set([
  'GET /-/healthy',
  'GET /-/ready',
  'POST /api/argus/v1/login',
  'GET /api/v1/write',
  'PUT /api/v1/write',
  'DELETE /api/v1/write',
  'PATCH /api/v1/write',
]);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
type Who = 'viewer' | 'writer' | 'editor' | 'tenantAdmin' | 'sysReader' | 'system';

/** Who must be refused (403) and who must get through, per need. */
const WALK: Record<Exclude<Need, 'public'>, { refused: Who[]; allowed: Who }> = {
  read: { refused: ['writer'], allowed: 'viewer' },
  ingest: { refused: ['viewer'], allowed: 'writer' },
  edit: { refused: ['viewer', 'writer'], allowed: 'editor' },
  admin: { refused: ['viewer', 'writer', 'editor'], allowed: 'tenantAdmin' },
  'system-read': { refused: ['viewer', 'writer', 'editor', 'tenantAdmin'], allowed: 'sysReader' },
  system: {
    refused: ['viewer', 'writer', 'editor', 'tenantAdmin', 'sysReader'],
    allowed: 'system',
  },
  authenticated: { refused: [], allowed: 'writer' },
};

function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, 'walk_$1');
}

describe('route-permission walk', () => {
  let t: TestApi;
  const auth = {} as Record<Who, string>;

  before(async () => {
    // The log routes exist only with a log store: walk them too.
    const logStore = new MemLogStore();
    t = await testApi({
      defaultAuth: false,
      logs: {
        appendable: logStore,
        queryable: logStore,
        tailable: logStore,
        engine: new LogqlEngine({ queryable: logStore, tailable: logStore }),
        options: () => DEFAULT_LOGS_API_OPTIONS,
      },
    });
    const admin = t.access.admin;
    const mk = async (who: Who, role: string, scope: string, systemAdmin = false) => {
      await admin.createUser(
        { username: `walk-${who}`, password: 'walk-password-0123', role, systemAdmin },
        'system',
      );
      const { token } = await admin.createToken({ username: `walk-${who}`, scope }, 'system');
      auth[who] = `Bearer ${token}`;
    };
    await mk('viewer', 'viewer', 'read');
    await mk('writer', 'editor', 'write');
    await mk('editor', 'editor', 'admin');
    await mk('tenantAdmin', 'admin', 'admin');
    await mk('sysReader', 'admin', 'read', true);
    await mk('system', 'admin', 'admin', true);
  });
  after(() => t.close());

  it('every route fastify serves is declared in the route table with an access need', () => {
    const declared = new Set(
      t.table.specs.flatMap((s) => methodsOf(s).map((m) => `${m} ${s.url}`)),
    );
    const served = t.routes.filter((r) => r.method !== 'HEAD');
    assert.ok(served.length >= 25, `only ${served.length} routes registered?`);
    for (const r of served) {
      assert.ok(declared.has(`${r.method} ${r.url}`), `${r.method} ${r.url} is not declared`);
      const cfg = r.config as { access?: { need?: string } } | undefined;
      assert.ok(cfg?.access?.need, `${r.method} ${r.url} carries no access in its config`);
    }
  });

  it('the HEAD routes fastify adds for GETs enforce the same access', async () => {
    const heads = t.routes.filter((r) => r.method === 'HEAD');
    assert.ok(heads.length > 5);
    for (const r of heads) {
      const need = (r.config as { access?: { need?: string } } | undefined)?.access?.need;
      assert.ok(need, `HEAD ${r.url} carries no access`);
      if (need === 'public') continue;
      const res = await t.app.inject({ method: 'HEAD', url: concreteUrl(r.url) });
      assert.equal(res.statusCode, 401, `HEAD ${r.url}`);
    }
  });

  it('exactly the expected routes are public', () => {
    const pub = t.table.specs
      .filter((s) => s.access.need === 'public')
      .flatMap((s) => methodsOf(s).map((m) => `${m} ${s.url}`));
    assert.deepEqual(new Set(pub), PUBLIC);
  });

  it('every non-public route answers 401 without credentials and with bad ones', async () => {
    let walked = 0;
    for (const spec of t.table.specs) {
      if (spec.access.need === 'public') continue;
      for (const method of methodsOf(spec) as Method[]) {
        const url = concreteUrl(spec.url);
        for (const authorization of [
          undefined,
          'Bearer argus_0000000000000000000000000000000000000000',
          // (A wrong password counts against the address's login limit: walked in session.test.)
          `Basic ${Buffer.from('admin:argus_0000000000000000000000000000000000000000').toString('base64')}`,
        ]) {
          const res = await t.app.inject({
            method,
            url,
            headers: authorization ? { authorization } : {},
          });
          assert.equal(res.statusCode, 401, `${method} ${url} (${authorization}): ${res.body}`);
          const body = res.json<{ status: string; errorType: string }>();
          assert.equal(body.status, 'error');
          assert.equal(body.errorType, 'unauthorized');
        }
        walked++;
      }
    }
    assert.ok(walked >= 20, `walked ${walked}`);
  });

  it('every non-public route refuses credentials without its permission (403) and admits those with it', async () => {
    for (const spec of t.table.specs) {
      if (spec.access.need === 'public') continue;
      const plan = WALK[spec.access.need];
      for (const method of methodsOf(spec) as Method[]) {
        const url = concreteUrl(spec.url);
        for (const who of plan.refused) {
          const res = await t.app.inject({ method, url, headers: { authorization: auth[who] } });
          assert.equal(res.statusCode, 403, `${method} ${url} as ${who}: ${res.body}`);
          assert.match(res.json<{ error: string }>().error, /needs /);
        }
        const res = await t.app.inject({
          method,
          url,
          headers: { authorization: auth[plan.allowed] },
        });
        assert.notEqual(res.statusCode, 401, `${method} ${url} as ${plan.allowed}: ${res.body}`);
        // A handler may still refuse on its own terms (e.g. a token changing a password), but
        // never with the access hook's "needs …" message.
        if (res.statusCode === 403)
          assert.doesNotMatch(res.body, /needs (permission|a system)/, `${method} ${url}`);
      }
    }
  });

  it('a route registered without a declaration is refused by the hook (fail closed)', async () => {
    const dir = await import('node:fs/promises').then((fs) =>
      fs.mkdtemp(`${process.env.TMPDIR ?? '/tmp'}/argus-walk-`),
    );
    const state = openSqliteState({ file: `${dir}/state.db` });
    const app = fastify();
    installAccessHook(
      app,
      new Authenticator({ state }),
      () => ({ metrics: false, ingest: [] }),
      nopLogger,
    );
    app.get('/api/argus/v1/forgotten', async () => ({ secret: 'leak' }));
    try {
      const res = await app.inject({ method: 'GET', url: '/api/argus/v1/forgotten' });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /declares no access/);
      assert.doesNotMatch(res.body, /leak/);
      const missing = await app.inject({ method: 'GET', url: '/nowhere' });
      assert.equal(missing.statusCode, 404);
    } finally {
      await app.close();
      await state.close();
      await import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true }));
    }
  });
});
