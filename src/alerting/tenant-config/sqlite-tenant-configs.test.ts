import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { openSqliteState, type StateStore } from '../../state/index.js';
import {
  TenantConfigConflictError,
  TenantConfigInvalidError,
  TenantConfigNotFoundError,
} from './load.js';
import { editPolicies, policiesView } from './policies.js';
import { hideSecrets } from './secrets.js';
import { SqliteTenantConfigs } from './sqlite-tenant-configs.js';

const CONFIG = `# ops config
route:
  receiver: ops
  routes:
    - matchers: [team="db"]
      receiver: db
receivers:
  - name: ops
    webhook_configs:
      - url: https://hooks.example.com/T0KEN # the token is in the URL
        http_config:
          basic_auth: { username: u, password: hunter2 }
  - name: db
    slack_configs:
      - api_url: https://slack.example.com/services/XYZ
        channel: '#db'
`;

const invalid = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof TenantConfigInvalidError, String(e));
  assert.ok(
    e.errors.some((m) => re.test(m)),
    `no error matches ${re}: ${e.errors.join(' | ')}`,
  );
  return true;
};

describe('SqliteTenantConfigs (real SQLite file)', () => {
  let dir: string;
  let state: StateStore;
  let s: SqliteTenantConfigs;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'argus-amcfg-'));
    state = openSqliteState({ file: path.join(dir, 'state.db') });
    s = new SqliteTenantConfigs(
      state,
      new OutboundGuard({ tenants: { b: { allow: ['10.0.0.0/8'] } } }),
    );
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves, replaces with the version it edited, deletes — audited without the body', async () => {
    const a = await s.save('a', CONFIG, 'user:alice', undefined);
    assert.equal(a.stored.version, 1);
    assert.deepEqual([...a.loaded.channels.keys()], ['ops', 'db']);
    assert.equal(a.loaded.channels.get('ops')![0].kind, 'webhook');
    assert.equal(await s.get('b'), undefined);
    await assert.rejects(s.save('a', CONFIG, 'user:bob', undefined), TenantConfigConflictError);
    const b = await s.save('a', CONFIG.replace('#db', '#dba'), 'user:bob', 1);
    assert.equal(b.stored.version, 2);
    await assert.rejects(
      s.save('a', CONFIG, 'user:alice', 1),
      /it was saved by user:bob since \(version 2, yours is 1\)/,
    );
    await assert.rejects(s.save('c', CONFIG, 'user:alice', 4), /it has none now/);
    assert.deepEqual(
      (await s.list()).map((x) => [x.tenant, x.version]),
      [['a', 2]],
    );
    await s.delete('a', 'user:alice');
    assert.equal(await s.get('a'), undefined);
    await assert.rejects(s.delete('a', 'user:alice'), TenantConfigNotFoundError);
    const entries = (await state.audit.list({ tenant: 'a' })).reverse();
    assert.deepEqual(
      entries.map((e) => [e.action, e.actor]),
      [
        ['alertmanager.config.update', 'user:alice'],
        ['alertmanager.config.update', 'user:bob'],
        ['alertmanager.config.delete', 'user:alice'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(entries), /hunter2|T0KEN/);
  });

  it('refuses a config the parser refuses, with its messages, and stores nothing', async () => {
    await assert.rejects(
      s.save('a', 'route: { receiver: nope }\nreceivers: [{ name: ops }]', 'u', undefined),
      invalid(/route\.receiver: undefined receiver "nope" used in route/),
    );
    await assert.rejects(s.save('a', 'route: [', 'u', undefined), invalid(/line 1/));
    assert.equal(await s.get('a'), undefined);
  });

  it('refuses private and metadata destinations unless outbound.allow lists them (per tenant)', async () => {
    const hook = (url: string) =>
      `route: { receiver: r }\nreceivers: [{ name: r, webhook_configs: [{ url: "${url}" }] }]`;
    await assert.rejects(
      s.save('a', hook('http://127.0.0.1:9/x'), 'u', undefined),
      invalid(
        /^receivers\[0\]\.webhook_configs\[0\]\.url: destination "127\.0\.0\.1" is not allowed \(loopback\)/,
      ),
    );
    await assert.rejects(
      s.save('a', hook('http://169.254.169.254/latest'), 'u', undefined),
      invalid(/"169\.254\.169\.254" is not allowed \(metadata\)/),
    );
    await assert.rejects(
      s.save('a', hook('http://localhost/'), 'u', undefined),
      invalid(/localhost/),
    );
    await assert.rejects(
      s.save(
        'a',
        'route: { receiver: r }\nreceivers: [{ name: r, email_configs: [{ to: a@b.c, from: x@b.c, smarthost: "127.0.0.1:25" }] }]',
        'u',
        undefined,
      ),
      invalid(/smarthost: destination "127\.0\.0\.1"/),
    );
    // Tenant b's allow-list covers 10/8; tenant a's does not.
    await assert.rejects(s.save('a', hook('http://10.1.2.3/'), 'u', undefined), invalid(/private/));
    assert.equal((await s.save('b', hook('http://10.1.2.3/'), 'u', undefined)).stored.version, 1);
  });

  it('refuses template files and other server files', async () => {
    await assert.rejects(
      s.save(
        'a',
        'templates: ["/etc/*.tmpl"]\nroute: { receiver: r }\nreceivers: [{ name: r }]',
        'u',
        undefined,
      ),
      invalid(/^templates: template files are not allowed in a config set through the API/),
    );
    await assert.rejects(
      s.save(
        'a',
        'route: { receiver: r }\nreceivers: [{ name: r, webhook_configs: [{ url_file: /etc/passwd }] }]',
        'u',
        undefined,
      ),
      invalid(
        /^receivers\[0\]\.webhook_configs\[0\]\.url_file: files on the server cannot be used/,
      ),
    );
  });

  it('hides secrets and keeps them when <secret> comes back; reordered receivers keep theirs', async () => {
    const { stored, loaded } = await s.save('a', CONFIG, 'u', undefined);
    const shown = hideSecrets(stored.yaml, loaded.config);
    assert.doesNotMatch(shown, /hunter2|T0KEN|XYZ/);
    assert.match(shown, /url: <secret> # the token is in the URL/);
    assert.match(shown, /^# ops config/);
    assert.match(shown, /username: u/);
    // Swap the receivers and change a non-secret field: secrets follow their receiver.
    const edited = shown
      .replace(/  - name: ops[\s\S]*?(?=  - name: db)/, '')
      .concat(shown.match(/  - name: ops[\s\S]*?(?=  - name: db)/)![0])
      .replace('#db', '#database');
    const r = await s.save('a', edited, 'u', 1);
    assert.match(r.stored.yaml, /url: https:\/\/hooks\.example\.com\/T0KEN/);
    assert.match(r.stored.yaml, /password: hunter2/);
    assert.match(r.stored.yaml, /api_url: https:\/\/slack\.example\.com\/services\/XYZ/);
    assert.match(r.stored.yaml, /#database/);
    // A new receiver cannot keep a secret it never had.
    await assert.rejects(
      s.save(
        'a',
        edited.replace('name: ops', 'name: ops2').replace('receiver: ops', 'receiver: ops2'),
        'u',
        2,
      ),
      invalid(
        /^receivers\[1\]\.webhook_configs\[0\]\.url: <secret> keeps the stored value, but there is none/,
      ),
    );
    // The first save keeps secrets of the base it started from (the file config).
    const first = await s.save('c', shown, 'u', undefined, CONFIG);
    assert.match(first.stored.yaml, /password: hunter2/);
  });

  it('edits only the escalation policies and their attachments', () => {
    const next = editPolicies(CONFIG, {
      policies: [
        {
          name: 'db-oncall',
          levels: [
            { receiver: 'db', delay: '0s' },
            { receiver: 'ops', delay: '15m' },
          ],
          repeat: 2,
        },
      ],
      attach: [{ route: 'route.routes[0]', policy: 'db-oncall' }],
    });
    assert.match(next, /^# ops config/);
    assert.match(next, /hunter2/);
    const loaded = s.load('a', next);
    const v = policiesView(loaded.config);
    assert.deepEqual(v.policies, [
      {
        name: 'db-oncall',
        levels: [
          { receiver: 'db', delay: '0s' },
          { receiver: 'ops', delay: '15m' },
        ],
        repeat: 2,
      },
    ]);
    assert.deepEqual(v.routes, [
      {
        id: 'route',
        matchers: [],
        receiver: 'ops',
        escalation_policy: null,
        effective_policy: null,
      },
      {
        id: 'route.routes[0]',
        matchers: ['team="db"'],
        receiver: 'db',
        escalation_policy: 'db-oncall',
        effective_policy: 'db-oncall',
      },
    ]);
    const detached = editPolicies(next, {
      policies: [],
      attach: [{ route: 'route.routes[0]', policy: null }],
    });
    assert.deepEqual(policiesView(s.load('a', detached).config), {
      ...policiesView(s.load('a', CONFIG).config),
    });
    assert.throws(
      () =>
        editPolicies(CONFIG, { policies: [], attach: [{ route: 'route.routes[7]', policy: 'x' }] }),
      /attach\[0\]\.route: no route "route\.routes\[7\]"/,
    );
    assert.throws(
      () =>
        s.load(
          'a',
          editPolicies(CONFIG, { policies: [], attach: [{ route: 'route', policy: 'x' }] }),
        ),
      invalid(/^route\.escalation_policy: undefined escalation policy "x" used in route/),
    );
  });
});
