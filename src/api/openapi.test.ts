import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { methodsOf } from './route-table.js';
import { testApi, type TestApi } from './testing.js';

interface Op {
  summary: string;
  responses: Record<string, unknown>;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema?: Record<string, unknown> }> };
  parameters: { name: string; in: string }[];
  'x-argus-access': { need: string };
}
interface Doc {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Op>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('OpenAPI document', () => {
  let t: TestApi;
  let doc: Doc;
  before(async () => {
    t = await testApi({ defaultAuth: false });
    const res = await t.app.inject({
      url: '/api/argus/v1/openapi.json',
      headers: { authorization: t.adminAuth },
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /application\/json/);
    doc = res.json<Doc>();
  });
  after(() => t.close());

  it('needs credentials', async () => {
    const res = await t.app.inject({ url: '/api/argus/v1/openapi.json' });
    assert.equal(res.statusCode, 401);
  });

  it('is OpenAPI 3.1 with the three authentication schemes', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.version, 'test');
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), [
      'basic',
      'bearer',
      'session',
    ]);
  });

  it('describes every declared route and method with its access need', () => {
    let n = 0;
    for (const spec of t.table.specs) {
      const p = spec.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      for (const m of methodsOf(spec)) {
        const op = doc.paths[p]?.[m.toLowerCase()];
        assert.ok(op, `${m} ${p} missing from the document`);
        assert.equal(op.summary, spec.summary);
        assert.deepEqual(op['x-argus-access'], spec.access);
        if (spec.access.need === 'public') assert.deepEqual(op.security, []);
        else assert.ok(op.responses['401'] && op.responses['403'], `${m} ${p} lacks 401/403`);
        for (const name of p.match(/\{([^}]+)\}/g) ?? [])
          assert.ok(
            op.parameters.some((x) => x.in === 'path' && `{${x.name}}` === name),
            `${m} ${p}: path parameter ${name} undocumented`,
          );
        n++;
      }
    }
    assert.ok(n >= 25);
    // Nothing in the document that is not served.
    const served = new Set(
      t.table.specs.flatMap((s) =>
        methodsOf(s).map((m) => `${m.toLowerCase()} ${s.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
      ),
    );
    for (const [p, ops] of Object.entries(doc.paths))
      for (const m of Object.keys(ops)) assert.ok(served.has(`${m} ${p}`), `${m} ${p} not served`);
  });

  it('carries JSON schemas of request bodies generated from the validators', () => {
    const login = doc.paths['/api/argus/v1/login'].post;
    const schema = login.requestBody?.content['application/json'].schema;
    assert.ok(schema);
    assert.deepEqual((schema.required as string[]).sort(), ['password', 'username']);
    const write = doc.paths['/api/v1/write'].post;
    assert.ok(write.requestBody?.content['application/x-protobuf']);
    assert.ok(write.responses['429']);
    assert.ok(write.responses['204'] && !write.responses['200'], 'remote_write answers 204');
    assert.ok(
      (write.responses['400'] as { content: Record<string, unknown> }).content['text/plain'],
      'remote_write errors are text',
    );
    for (const p of ['/api/argus/v1/users', '/api/argus/v1/tokens', '/api/argus/v1/tenants'])
      assert.ok(doc.paths[p].post.responses['201'], `${p} creates with 201`);
    assert.ok(doc.paths['/api/v1/write'].get.responses['405']);
  });
});
