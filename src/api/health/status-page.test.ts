import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STATUS_PAGE_CSP } from './status-html.js';
import { healthTestApi, type HealthTestApi } from './testing.js';

const EVIL = '<script>alert(1)</script>"onmouseover="x';

describe('public status page', () => {
  let api: HealthTestApi;
  before(async () => {
    // ui: null registers the UI's page routes too: /status must not be one of them.
    api = await healthTestApi({ ui: null });
    const put = async (auth: string, name: string, definition: object) => {
      const r = await api.app.inject({
        method: 'PUT',
        url: `/api/argus/v1/services/${encodeURIComponent(name)}`,
        headers: { authorization: auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ definition }),
      });
      assert.equal(r.statusCode, 200, r.body);
    };
    await put(api.auth.editor, 'website', { public: true, description: 'The shop' });
    await put(api.auth.editor, EVIL, { public: true, status: 'down', description: EVIL });
    await put(api.auth.editor, 'internal-billing', { public: false });
    await put(api.auth.acme, 'acme-api', { public: true });
    const r = await api.app.inject({
      method: 'POST',
      url: '/api/argus/v1/maintenance',
      headers: { authorization: api.auth.editor, 'content-type': 'application/json' },
      payload: JSON.stringify({
        service: 'website',
        starts_at: Date.now() + 3_600_000,
        ends_at: Date.now() + 7_200_000,
        comment: `${EVIL} & more`,
      }),
    });
    assert.equal(r.statusCode, 201, r.body);
  });
  after(() => api.close());

  it('serves the default tenant at /status without credentials: HTML, no script, strict CSP, short cache', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/status' });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.equal(r.headers['content-security-policy'], STATUS_PAGE_CSP);
    assert.match(STATUS_PAGE_CSP, /default-src 'none'/);
    assert.doesNotMatch(STATUS_PAGE_CSP, /script-src|unsafe-inline/);
    assert.equal(r.headers['cache-control'], 'public, max-age=5');
    const html = r.body;
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /prefers-color-scheme:dark/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /website/);
    assert.match(html, /The shop/);
    assert.match(html, /Major outage/);
    assert.match(html, /Current outages/);
    assert.match(html, /Maintenance/);
    assert.match(html, /scheduled/);
    assert.match(html, /Updated <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/);
    assert.doesNotMatch(html, /internal-billing/, 'a non-public service never shows');
    assert.doesNotMatch(html, /acme-api/, "another tenant's service never shows");
    // 90 bars per service, each with its day and percentage.
    const bars =
      html.match(/<span (?:class="b\d" )?title="\d{4}-\d\d-\d\d: [^"]*"><\/span>/g) ?? [];
    assert.equal(bars.length, 2 * 90);
    assert.ok(bars.some((b) => b.includes('100.000% up')));
    assert.ok(bars.some((b) => b.includes('50.000% up') && b.includes('class="b3"')));
    assert.ok(bars.some((b) => b.includes('no data') && !b.includes('class=')));
  });

  it('escapes everything that comes from data', async () => {
    const html = (await api.app.inject({ method: 'GET', url: '/status' })).body;
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /"onmouseover=/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;onmouseover=&quot;x/);
    assert.match(html, /&amp; more/);
  });

  it('the stylesheet is the one the CSP hash allows', async () => {
    const { createHash } = await import('node:crypto');
    const html = (await api.app.inject({ method: 'GET', url: '/status' })).body;
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const hash = createHash('sha256').update(css).digest('base64');
    assert.ok(STATUS_PAGE_CSP.includes(`'sha256-${hash}'`));
    // Fluid: nothing wider than the viewport (bars shrink, long names wrap).
    assert.match(css, /\.bars span\{flex:1 1 0;min-width:0/);
    assert.match(css, /overflow-wrap:anywhere/);
  });

  it('per tenant at /status/<tenant>; 404 page without public services or for a bad tenant', async () => {
    const acme = await api.app.inject({ method: 'GET', url: '/status/acme' });
    assert.equal(acme.statusCode, 200);
    assert.match(acme.body, /acme-api/);
    assert.doesNotMatch(acme.body, /website/);
    for (const url of ['/status/nobody', '/status/Bad%20Tenant!']) {
      const r = await api.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 404, url);
      assert.match(r.body, /No status page/);
      assert.equal(r.headers['content-security-policy'], STATUS_PAGE_CSP);
    }
  });

  it('serves the same data as public JSON', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/api/argus/v1/status-page' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['cache-control'], 'public, max-age=5');
    const v = r.json<{ data: { services: { name: string }[]; maintenance: unknown[] } }>().data;
    assert.deepEqual(v.services.map((s) => s.name).sort(), [EVIL, 'website'].sort());
    assert.equal(v.maintenance.length, 1);
    const a = await api.app.inject({ method: 'GET', url: '/api/argus/v1/status-page/acme' });
    assert.deepEqual(
      a.json<{ data: { services: { name: string }[] } }>().data.services.map((s) => s.name),
      ['acme-api'],
    );
    const none = await api.app.inject({ method: 'GET', url: '/api/argus/v1/status-page/nobody' });
    assert.equal(none.statusCode, 404);
    assert.match(none.json<{ error: string }>().error, /no public service/);
  });

  it('a failing source is a 500 page, logged, not cached', async () => {
    api.source.failStatusPage = true;
    try {
      const r = await api.app.inject({ method: 'GET', url: '/status' });
      assert.equal(r.statusCode, 500);
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.ok(api.logs.some((l) => l.msg === 'cannot render the status page'));
    } finally {
      api.source.failStatusPage = false;
    }
  });

  it('the UI routes do not swallow /status', async () => {
    const ui = await api.app.inject({ method: 'GET', url: '/overview' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /web UI is not built/);
    const r = await api.app.inject({ method: 'GET', url: '/status' });
    assert.doesNotMatch(r.body, /web UI/);
  });
});
