import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { testApi } from './testing.js';
import { loadUiBundle } from './ui.js';
import { UI_PATHS } from './ui-paths.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'argus-ui-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'assets'));
writeFileSync(
  path.join(dir, 'index.html'),
  '<!doctype html><meta name="csp-nonce" content="__CSP_NONCE__"><script type="module" src="/assets/app-1a2b.js"></script>',
);
const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;
writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), script);
writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

describe('web UI routes', () => {
  it('answers every page path with index.html, a fresh style nonce and no caching, without credentials', async () => {
    const api = await testApi({ defaultAuth: false, ui: loadUiBundle(dir) });
    try {
      const nonces = new Set<string>();
      for (const p of UI_PATHS) {
        const url = p.replace(/:[a-z]+/g, 'x1');
        const r = await api.app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 200, url);
        assert.match(String(r.headers['content-type']), /^text\/html/);
        assert.equal(r.headers['cache-control'], 'no-cache');
        const nonce = /content="([^"]+)"/.exec(r.body)?.[1] ?? '';
        assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
        const csp = String(r.headers['content-security-policy']);
        assert.ok(csp.includes(`style-src 'self' 'nonce-${nonce}'`), csp);
        assert.ok(csp.includes("script-src 'self';"), 'scripts stay self-only');
        assert.equal(r.headers['x-frame-options'], 'DENY');
        nonces.add(nonce);
      }
      assert.equal(nonces.size, UI_PATHS.length, 'a new nonce per response');
    } finally {
      await api.close();
    }
  });

  it('serves hashed assets for a year, gzip-compressed when accepted; unknown files 404', async () => {
    const api = await testApi({ defaultAuth: false, ui: loadUiBundle(dir) });
    try {
      const gz = await api.app.inject({
        method: 'GET',
        url: '/assets/app-1a2b.js',
        headers: { 'accept-encoding': 'gzip, br' },
      });
      assert.equal(gz.statusCode, 200);
      assert.equal(gz.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.match(String(gz.headers['content-type']), /^text\/javascript/);
      assert.equal(gunzipSync(gz.rawPayload).toString(), script);
      const plain = await api.app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.body, script);
      // With a credential too: public assets keep their caching.
      const authed = await api.app.inject({
        method: 'GET',
        url: '/assets/app-1a2b.js',
        headers: { authorization: api.adminAuth },
      });
      assert.equal(authed.headers['cache-control'], 'public, max-age=31536000, immutable');
      const icon = await api.app.inject({ method: 'GET', url: '/favicon.svg' });
      assert.equal(icon.statusCode, 200);
      assert.equal(icon.headers['content-type'], 'image/svg+xml');
      const missing = await api.app.inject({ method: 'GET', url: '/assets/nope.js' });
      assert.equal(missing.statusCode, 404);
      const traversal = await api.app.inject({ method: 'GET', url: '/assets/../index.html' });
      assert.notEqual(traversal.statusCode, 200);
      // The API is still authenticated.
      const labels = await api.app.inject({ method: 'GET', url: '/api/v1/labels' });
      assert.equal(labels.statusCode, 401);
    } finally {
      await api.close();
    }
  });

  it('explains how to build the UI when it is not built', async () => {
    assert.equal(loadUiBundle(path.join(dir, 'nothing-here')), null);
    const api = await testApi({ defaultAuth: false, ui: null });
    try {
      const r = await api.app.inject({ method: 'GET', url: '/' });
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /npm run build:web/);
      assert.ok(api.logs.some((l) => l.level === 'warn' && /not built/.test(l.msg)));
    } finally {
      await api.close();
    }
  });
});
