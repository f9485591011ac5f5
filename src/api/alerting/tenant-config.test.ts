import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { PASSWORD } from '../security-test-helpers.js';
import { ADMIN_PASSWORD, alertingTestApi, type AlertingTestApi } from './testing.js';

const basic = (u: string, p = PASSWORD) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const ADMIN = basic('admin', ADMIN_PASSWORD);
const ACME = basic('acme-admin');
const C = '/api/argus/v1/alertmanager/config';
const E = '/api/argus/v1/escalation-policies';

const ACME_CONFIG = `route:
  receiver: acme-hook
  routes:
    - matchers: [severity="page"]
      receiver: acme-pager
receivers:
  - name: acme-hook
    webhook_configs:
      - url: http://127.0.0.1:9/acme?token=s3cr3t
  - name: acme-pager
`;

interface ConfigView {
  source: string;
  yaml: string;
  version?: number;
  updated_by?: string;
}
interface PoliciesView {
  source: string;
  version?: number;
  policies: { name: string; levels: { receiver: string; delay: string }[]; repeat: number }[];
  routes: { id: string; matchers: string[]; escalation_policy: string | null }[];
  receivers: string[];
}

describe('per-tenant alertmanager config and escalation policies API', () => {
  let api: AlertingTestApi;
  const call = (
    method: 'GET' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    auth = ADMIN,
  ): Promise<LightMyRequestResponse> =>
    api.app.inject({
      method,
      url,
      headers: {
        authorization: auth,
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
    api = await alertingTestApi();
    await api.state.tenants.create('acme', 'system');
    await api.admin.createUser(
      { username: 'acme-admin', password: PASSWORD, role: 'admin', tenant: 'acme' },
      'system',
    );
    await api.admin.createUser(
      { username: 'acme-ed', password: PASSWORD, role: 'editor', tenant: 'acme' },
      'system',
    );
  });
  after(() => api.close());

  it('shows the file config (secrets hidden) until the tenant has its own', async () => {
    const c = data<ConfigView>(await call('GET', C, undefined, ACME));
    assert.equal(c.source, 'file');
    assert.equal(c.version, undefined);
    assert.doesNotMatch(c.yaml, /very-secret-token|another-secret/);
    assert.match(c.yaml, /credentials: <secret>/);
  });

  it('saves, shows, round-trips secrets, isolates tenants, resets to the file config', async () => {
    assert.equal(
      error(await call('PUT', C, { yaml: ACME_CONFIG }, basic('acme-ed')), 403).length > 0,
      true,
    );
    const saved = data<ConfigView>(await call('PUT', C, { yaml: ACME_CONFIG }, ACME));
    assert.deepEqual(
      [saved.source, saved.version, saved.updated_by],
      ['tenant', 1, 'user:acme-admin'],
    );
    assert.match(saved.yaml, /url: <secret>/);
    assert.doesNotMatch(saved.yaml, /s3cr3t/);
    // The tenant's receivers, status and routing are its own; the default tenant keeps the file's.
    const status = (await call('GET', '/api/v2/status', undefined, ACME)).json<{
      config: { original: string };
    }>();
    assert.match(status.config.original, /acme-hook/);
    assert.doesNotMatch(status.config.original, /s3cr3t/);
    const mine = data<{ name: string }[]>(
      await call('GET', '/api/argus/v1/receivers', undefined, ACME),
    );
    assert.deepEqual(
      mine.map((r) => r.name),
      ['acme-hook', 'acme-pager'],
    );
    const theirs = data<{ name: string }[]>(await call('GET', '/api/argus/v1/receivers'));
    assert.deepEqual(
      theirs.map((r) => r.name),
      ['team', 'pager'],
    );
    assert.doesNotMatch(
      (await call('GET', '/api/v2/status')).json<{ config: { original: string } }>().config
        .original,
      /acme/,
    );
    // A save without the version it edited, or with an old one, is a conflict.
    assert.match(error(await call('PUT', C, { yaml: ACME_CONFIG }, ACME), 409), /send its version/);
    // Round trip: the YAML as shown, edited, keeps the secret.
    const edited = saved.yaml.replace('severity="page"', 'severity="critical"');
    const v2 = data<ConfigView>(await call('PUT', C, { yaml: edited, version: 1 }, ACME));
    assert.equal(v2.version, 2);
    assert.match(v2.yaml, /severity="critical"/);
    const stored = await api.source.tenantStore.get('acme');
    assert.match(stored!.yaml, /token=s3cr3t/);
    assert.match(
      error(await call('PUT', C, { yaml: edited, version: 1 }, ACME), 409),
      /version 2, yours is 1/,
    );
    // Back to the file config.
    const reset = data<ConfigView>(await call('DELETE', C, undefined, ACME));
    assert.equal(reset.source, 'file');
    assert.equal(error(await call('DELETE', C, undefined, ACME), 404).length > 0, true);
    const back = data<{ name: string }[]>(
      await call('GET', '/api/argus/v1/receivers', undefined, ACME),
    );
    assert.deepEqual(
      back.map((r) => r.name),
      ['team', 'pager'],
    );
  });

  it('refuses a bad config with the parser’s messages, one per line', async () => {
    const e = error(
      await call('PUT', C, { yaml: 'route: { receiver: nope }\nreceivers: [{ name: r }]' }, ACME),
      400,
    );
    assert.equal(
      e,
      'invalid alertmanager config:\nroute.receiver: undefined receiver "nope" used in route',
    );
    const guard = error(
      await call(
        'PUT',
        C,
        {
          yaml: 'route: { receiver: r }\nreceivers: [{ name: r, webhook_configs: [{ url: "http://169.254.169.254/" }] }]',
        },
        ACME,
      ),
      400,
    );
    assert.match(
      guard,
      /receivers\[0\]\.webhook_configs\[0\]\.url: destination "169\.254\.169\.254" is not allowed/,
    );
    assert.match(
      error(
        await call(
          'PUT',
          C,
          { yaml: 'templates: [x]\nroute: { receiver: r }\nreceivers: [{ name: r }]' },
          ACME,
        ),
        400,
      ),
      /templates: template files are not allowed/,
    );
    assert.equal(data<ConfigView>(await call('GET', C, undefined, ACME)).source, 'file');
  });

  it('edits escalation policies as JSON: first edit copies the file config, then versions', async () => {
    const v0 = data<PoliciesView>(await call('GET', E, undefined, ACME));
    assert.equal(v0.source, 'file');
    assert.deepEqual(v0.receivers, ['team', 'pager']);
    assert.deepEqual(
      v0.routes.map((r) => [r.id, r.matchers]),
      [
        ['route', []],
        ['route.routes[0]', ['severity="page"']],
      ],
    );
    const body = {
      policies: [
        {
          name: 'oncall',
          levels: [
            { receiver: 'pager', delay: '0s' },
            { receiver: 'team', delay: '15m' },
          ],
          repeat: 1,
        },
      ],
      attach: [{ route: 'route.routes[0]', policy: 'oncall' }],
    };
    const v1 = data<PoliciesView>(await call('PUT', E, body, ACME));
    assert.deepEqual([v1.source, v1.version], ['tenant', 1]);
    assert.deepEqual(v1.policies, body.policies);
    assert.equal(v1.routes[1].escalation_policy, 'oncall');
    // The rest of the config came from the file one, secrets included.
    const stored = await api.source.tenantStore.get('acme');
    assert.match(stored!.yaml, /very-secret-token/);
    assert.match(
      (await call('GET', '/api/v2/status', undefined, ACME)).json<{
        config: { original: string };
      }>().config.original,
      /escalation_policy: oncall/,
    );
    // Broken references are refused with the parser's paths; a stale version is a conflict.
    const bad = error(
      await call(
        'PUT',
        E,
        {
          ...body,
          policies: [{ ...body.policies[0], levels: [{ receiver: 'ghost', delay: '1m' }] }],
          version: 1,
        },
        ACME,
      ),
      400,
    );
    assert.match(
      bad,
      /escalation_policies\[0\]\.levels\[0\]\.receiver: undefined receiver "ghost"/,
    );
    assert.match(error(await call('PUT', E, { ...body, version: 7 }, ACME), 409), /yours is 7/);
    assert.match(
      error(
        await call(
          'PUT',
          E,
          { policies: [], attach: [{ route: 'route.routes[9]', policy: null }], version: 1 },
          ACME,
        ),
        400,
      ),
      /attach\[0\]\.route: no route "route\.routes\[9\]"/,
    );
    const v2 = data<PoliciesView>(
      await call(
        'PUT',
        E,
        { policies: [], attach: [{ route: 'route.routes[0]', policy: null }], version: 1 },
        ACME,
      ),
    );
    assert.deepEqual([v2.version, v2.policies, v2.routes[1].escalation_policy], [2, [], null]);
    await call('DELETE', C, undefined, ACME);
  });
});
