import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { authConfigSchema } from '../../auth/index.js';
import { tenantId } from '../../model/index.js';
import { PASSWORD } from '../security-test-helpers.js';
import { ADMIN_PASSWORD, alertingTestApi, type AlertingTestApi } from './testing.js';

const basic = (u: string, p = PASSWORD) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const ADMIN = basic('admin', ADMIN_PASSWORD);
const OPEN = authConfigSchema.parse({
  open: { ingest: [{ cidrs: ['127.0.0.0/8'], tenant: 'acme' }] },
}).open;

interface Gettable {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: { name: string }[];
  status: { state: string; silencedBy: string[]; inhibitedBy: string[]; mutedBy: string[] };
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
}

describe('Alertmanager API v2 alerts', () => {
  let api: AlertingTestApi;
  const call = (
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    auth: string | null = ADMIN,
    raw?: string,
  ): Promise<LightMyRequestResponse> =>
    api.app.inject({
      method,
      url,
      headers: {
        ...(auth !== null && { authorization: auth }),
        ...((body !== undefined || raw !== undefined) && { 'content-type': 'application/json' }),
      },
      ...(raw !== undefined
        ? { payload: raw }
        : body !== undefined && { payload: JSON.stringify(body) }),
    });
  const list = async (q = '', auth = ADMIN): Promise<Gettable[]> => {
    const r = await call('GET', `/api/v2/alerts${q}`, undefined, auth);
    assert.equal(r.statusCode, 200, r.body);
    return r.json<Gettable[]>();
  };

  before(async () => {
    api = await alertingTestApi({
      open: () => OPEN,
    });
    await api.state.tenants.create('acme', 'system');
    await api.admin.createUser({ username: 'vi', password: PASSWORD, role: 'viewer' }, 'system');
    await api.admin.createUser(
      { username: 'acme-ed', password: PASSWORD, role: 'editor', tenant: 'acme' },
      'system',
    );
  });
  after(() => api.close());

  it('stores posted alerts durably and lists them as gettableAlerts', async () => {
    const r = await call('POST', '/api/v2/alerts', [
      {
        labels: { alertname: 'DiskFull', instance: 'a:9100', severity: 'page', empty: '' },
        annotations: { summary: 'disk full' },
        startsAt: '2026-01-01T00:00:00Z',
        generatorURL: 'http://prom/graph?g0.expr=x',
      },
      { labels: { alertname: 'Other', severity: 'warning' } },
    ]);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.body, '');
    // Durable: in the store's table, not only in memory.
    const n = await api.state.sql.read(
      (x) => x.get<{ n: number }>('SELECT COUNT(*) AS n FROM alerts')!.n,
    );
    assert.equal(n, 2);
    const got = await list();
    assert.equal(got.length, 2);
    const disk = got.find((a) => a.labels.alertname === 'DiskFull')!;
    assert.deepEqual(disk.labels, { alertname: 'DiskFull', instance: 'a:9100', severity: 'page' });
    assert.deepEqual(disk.annotations, { summary: 'disk full' });
    assert.equal(disk.startsAt, '2026-01-01T00:00:00.000Z');
    assert.equal(disk.generatorURL, 'http://prom/graph?g0.expr=x');
    assert.match(disk.fingerprint, /^[0-9a-f]{16}$/);
    assert.ok(Date.parse(disk.endsAt) > Date.now(), 'endsAt = now + resolve_timeout');
    assert.deepEqual(
      disk.receivers.map((x) => x.name),
      ['pager'],
    );
    assert.deepEqual(disk.status.silencedBy, []);
    assert.deepEqual(disk.status.mutedBy, []);
    assert.ok(['active', 'unprocessed'].includes(disk.status.state));
    assert.equal(got.find((a) => a.labels.alertname === 'Other')!.generatorURL, undefined);
    // Sorted by fingerprint, as Alertmanager.
    assert.deepEqual(
      got.map((a) => a.fingerprint),
      got.map((a) => a.fingerprint).sort(),
    );
  });

  it('filters by matchers, receiver regex and state', async () => {
    assert.deepEqual(
      (await list('?filter=alertname%3D%22DiskFull%22')).map((a) => a.labels.alertname),
      ['DiskFull'],
    );
    assert.deepEqual(
      (await list('?filter=severity%3D~%22page%7Cwarning%22&filter=alertname!%3DDiskFull')).map(
        (a) => a.labels.alertname,
      ),
      ['Other'],
    );
    assert.deepEqual(
      (await list('?receiver=pag.*')).map((a) => a.labels.alertname),
      ['DiskFull'],
    );
    assert.equal((await list('?receiver=pag')).length, 0, 'the regex is anchored');
    const both = await list();
    const states = new Set(both.map((a) => a.status.state));
    const q = [...states].map((s) => `${s === 'active' ? 'active' : 'unprocessed'}=false`);
    assert.equal((await list(`?${q.join('&')}`)).length, 0);
  });

  it('resolved alerts are not listed', async () => {
    const r = await call('POST', '/api/v2/alerts', [
      {
        labels: { alertname: 'Gone' },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '2026-01-01T00:01:00Z',
      },
    ]);
    assert.equal(r.statusCode, 200);
    assert.ok(!(await list()).some((a) => a.labels.alertname === 'Gone'));
  });

  it('groups alerts by route', async () => {
    const r = await call('GET', '/api/v2/alerts/groups');
    assert.equal(r.statusCode, 200, r.body);
    const groups =
      r.json<
        { labels: Record<string, string>; receiver: { name: string }; alerts: Gettable[] }[]
      >();
    const names = groups.map((g) => `${g.receiver.name}:${g.labels.alertname}`).sort();
    assert.deepEqual(names, ['pager:DiskFull', 'team:Other']);
    const r2 = await call('GET', '/api/v2/alerts/groups?receiver=pager');
    assert.deepEqual(
      r2.json<{ receiver: { name: string } }[]>().map((g) => g.receiver.name),
      ['pager'],
    );
  });

  it('rejects bad alerts with Alertmanager messages naming the alert', async () => {
    const cases: [unknown, string][] = [
      [{ labels: { a: 'b' } }, 'cannot accept alerts: body must be a JSON array of alerts'],
      [
        [{ labels: { alertname: 'ok' } }, { annotations: {} }],
        'cannot accept alert 1: labels in body is required',
      ],
      [[{ labels: {} }], 'cannot accept alert 0: at least one label pair required'],
      [
        [{ labels: { a: 'b' }, startsAt: 'yesterday' }],
        'cannot accept alert 0: startsAt in body must be of type date-time: "yesterday"',
      ],
      [
        [{ labels: { a: 'b' }, startsAt: '2026-01-02T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }],
        'cannot accept alert 0: start time must be before end time',
      ],
    ];
    for (const [body, msg] of cases) {
      const r = await call('POST', '/api/v2/alerts', body);
      assert.equal(r.statusCode, 400, JSON.stringify(body));
      assert.equal(r.json(), msg);
    }
    assert.ok(
      !(await list()).some((a) => a.labels.alertname === 'ok'),
      'nothing of a bad post is stored',
    );
  });

  it('malformed JSON and bad filters are 400s', async () => {
    const r = await call('POST', '/api/v2/alerts', undefined, ADMIN, '[{"labels":');
    assert.equal(r.statusCode, 400);
    assert.match(r.json<{ error: string }>().error, /^invalid JSON body: /);
    const f = await call('GET', '/api/v2/alerts?filter=%7Balertname%3D');
    assert.equal(f.statusCode, 400);
    assert.match(f.json<string>(), /^invalid parameter "filter": "\{alertname=": /);
    const rx = await call('GET', '/api/v2/alerts?receiver=(');
    assert.equal(rx.statusCode, 400);
    assert.match(rx.json<string>(), /^invalid parameter "receiver": "\(": /);
    const b = await call('GET', '/api/v2/alerts?active=maybe');
    assert.equal(b.statusCode, 400);
    assert.equal(b.json(), 'invalid parameter "active": want true or false, got "maybe"');
  });

  it('needs ingest to post and read to list; tenants are isolated', async () => {
    const viewer = basic('vi');
    const denied = await call('POST', '/api/v2/alerts', [{ labels: { a: 'b' } }], viewer);
    assert.equal(denied.statusCode, 403);
    assert.equal((await list('', viewer)).length, 2);
    const acme = basic('acme-ed');
    assert.equal((await list('', acme)).length, 0);
    const r = await call('POST', '/api/v2/alerts', [{ labels: { alertname: 'AcmeOnly' } }], acme);
    assert.equal(r.statusCode, 200);
    assert.deepEqual(
      (await list('', acme)).map((a) => a.labels.alertname),
      ['AcmeOnly'],
    );
    assert.ok(!(await list()).some((a) => a.labels.alertname === 'AcmeOnly'));
  });

  it('an opened CIDR posts without credentials into its tenant, but cannot read', async () => {
    const r = await call('POST', '/api/v2/alerts', [{ labels: { alertname: 'FromProm' } }], null);
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(
      api.source.provider
        .list(tenantId('acme'))
        .some((s) => s.alert.labels.get('alertname') === 'FromProm'),
    );
    const g = await call('GET', '/api/v2/alerts', undefined, null);
    assert.equal(g.statusCode, 401);
  });
});
