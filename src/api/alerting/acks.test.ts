import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { AckSigner } from '../../alerting/index.js';
import { openApiDocument } from '../openapi.js';
import { PASSWORD } from '../security-test-helpers.js';
import { ACK_KEY, ADMIN_PASSWORD, alertingTestApi, type AlertingTestApi } from './testing.js';

const basic = (u: string, p = PASSWORD) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const ADMIN = basic('admin', ADMIN_PASSWORD);
const V1 = '/api/argus/v1';

describe('acks, ack links, history, receivers and status', () => {
  let api: AlertingTestApi;
  let fp: string;
  const call = (
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    auth: string | null = ADMIN,
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

  before(async () => {
    api = await alertingTestApi();
    await api.state.tenants.create('acme', 'system');
    await api.admin.createUser({ username: 'vi', password: PASSWORD, role: 'viewer' }, 'system');
    await api.admin.createUser(
      { username: 'acme-ed', password: PASSWORD, role: 'editor', tenant: 'acme' },
      'system',
    );
    const r = await call('POST', '/api/v2/alerts', [
      { labels: { alertname: 'HighLatency', job: 'web' }, annotations: { summary: 'slow' } },
    ]);
    assert.equal(r.statusCode, 200, r.body);
    fp = (await call('GET', '/api/v2/alerts')).json<{ fingerprint: string }[]>()[0].fingerprint;
  });
  after(() => api.close());

  it('acks and unacks by fingerprint; history records both', async () => {
    const a = data<{ fingerprints: string[] }>(
      await call('POST', `${V1}/alerts/ack`, { fingerprints: [fp], comment: 'on it' }),
    );
    assert.deepEqual(a.fingerprints, [fp]);
    const h = data<
      { kind: string; fingerprint: string; detail: { by?: string; comment?: string } }[]
    >(await call('GET', `${V1}/alerts/history?kind=ack&fingerprint=${fp}`));
    assert.equal(h.length, 1);
    assert.deepEqual(h[0].detail.by, 'user:admin');
    assert.equal(h[0].detail.comment, 'on it');
    // The Alertmanager API's alert carries it (an Argus field clients ignore).
    type Listed = { fingerprint: string; acknowledged: { by: string; comment: string } | null };
    const listed = (await call('GET', '/api/v2/alerts')).json<Listed[]>();
    const mine = listed.find((x) => x.fingerprint === fp)!;
    assert.deepEqual([mine.acknowledged?.by, mine.acknowledged?.comment], ['user:admin', 'on it']);
    const u = data<{ fingerprints: string[] }>(
      await call('POST', `${V1}/alerts/unack`, { fingerprints: [fp] }),
    );
    assert.deepEqual(u.fingerprints, [fp]);
    const kinds = data<{ kind: string }[]>(
      await call('GET', `${V1}/alerts/history?alertname=HighLatency&limit=10`),
    ).map((e) => e.kind);
    assert.ok(kinds.includes('unack') && kinds.includes('ack'), kinds.join());
    const after = (await call('GET', '/api/v2/alerts')).json<Listed[]>();
    assert.equal(after.find((x) => x.fingerprint === fp)!.acknowledged, null);
    const rt = data<{ alertname: string; episodes: number }[]>(
      await call('GET', `${V1}/alerts/response-times?from=0`),
    );
    assert.ok(rt.every((x) => typeof x.episodes === 'number'));
  });

  it('acks a whole group by key', async () => {
    const groups = (await call('GET', '/api/v2/alerts/groups')).json<
      { alerts: unknown[]; groupKey: string }[]
    >();
    assert.equal(groups.length, 1);
    const key = groups[0].groupKey;
    assert.equal(key, api.source.dispatcherFor('default' as never)!.groups()[0].groupKey);
    const a = data<{ fingerprints: string[] }>(
      await call('POST', `${V1}/alerts/ack`, { groupKey: key }),
    );
    assert.deepEqual(a.fingerprints, [fp]);
  });

  it('refuses bad ack bodies; viewers cannot ack; other tenants see nothing to ack', async () => {
    const both = await call('POST', `${V1}/alerts/ack`, { fingerprints: [fp], groupKey: 'x' });
    assert.equal(both.statusCode, 400);
    assert.equal(
      both.json<{ error: string }>().error,
      'invalid request body: want exactly one of "fingerprints" and "groupKey"',
    );
    const unknown = await call('POST', `${V1}/alerts/ack`, { fingerprint: fp });
    assert.equal(
      unknown.json<{ error: string }>().error,
      'invalid request body: unknown field "fingerprint"',
    );
    assert.equal(
      (await call('POST', `${V1}/alerts/ack`, { fingerprints: [fp] }, basic('vi'))).statusCode,
      403,
    );
    assert.deepEqual(
      data<{ fingerprints: string[] }>(
        await call('POST', `${V1}/alerts/ack`, { fingerprints: [fp] }, basic('acme-ed')),
      ).fingerprints,
      [],
    );
  });

  it('an ack link shows a page on GET and acknowledges only on POST', async () => {
    await call('POST', `${V1}/alerts/unack`, { fingerprints: [fp] });
    const signer = new AckSigner(ACK_KEY);
    const token = signer.ackLink('default', 'g<1>', [fp], Date.now() + 60_000);
    const url = `${V1}/alerts/ack-link/${token}`;
    const g = await call('GET', url, undefined, null);
    assert.equal(g.statusCode, 200);
    assert.match(String(g.headers['content-type']), /^text\/html/);
    assert.equal(g.headers['cache-control'], 'no-store');
    assert.match(g.body, /<form method="post">/);
    assert.match(g.body, /HighLatency/);
    assert.match(g.body, /g&lt;1&gt;/, 'escaped');
    assert.doesNotMatch(g.body, /<script|style=/);
    const before = await api.source.history.query('default', { kind: 'ack' });
    const p = await api.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'comment=from+mail',
    });
    assert.equal(p.statusCode, 200, p.body);
    assert.match(p.body, /Acknowledged 1 firing alert\./);
    const acks = await api.source.history.query('default', { kind: 'ack' });
    assert.equal(acks.length, before.length + 1);
    assert.deepEqual(acks[0].detail, { ...acks[0].detail, by: 'ack-link', comment: 'from mail' });
  });

  it('bad and expired ack links are 400 and 410 pages', async () => {
    const signer = new AckSigner(ACK_KEY);
    const expired = signer.ackLink('default', 'g', [fp], Date.now() - 1000);
    const e = await call('GET', `${V1}/alerts/ack-link/${expired}`, undefined, null);
    assert.equal(e.statusCode, 410);
    assert.match(e.body, /cannot verify ack token: expired at/);
    const forged = new AckSigner(Buffer.alloc(32, 1)).ackLink(
      'default',
      'g',
      [fp],
      Date.now() + 1000,
    );
    const f = await call('POST', `${V1}/alerts/ack-link/${forged}`, undefined, null);
    assert.equal(f.statusCode, 400);
    assert.match(f.body, /cannot verify ack token: bad signature/);
    const m = await call('GET', `${V1}/alerts/ack-link/garbage`, undefined, null);
    assert.equal(m.statusCode, 400);
    assert.match(m.body, /malformed \(want body.signature\)/);
  });

  it('lists notifications of an alert with receipts', async () => {
    let rows: { receiver: string; channel: string; state: string; receipts: unknown[] }[] = [];
    for (let i = 0; i < 100 && !rows.some((r) => r.state === 'delivered'); i++) {
      rows = data(await call('GET', `${V1}/alerts/${fp}/notifications`));
      if (!rows.some((r) => r.state === 'delivered')) await sleep(50);
    }
    const d = rows.find((r) => r.state === 'delivered');
    assert.ok(d, JSON.stringify(rows));
    assert.equal(d.channel, 'team/webhook[0]');
    assert.equal(d.receipts.length, 1);
    assert.deepEqual(
      data(await call('GET', `${V1}/alerts/${fp}/notifications`, undefined, basic('acme-ed'))),
      [],
    );
  });

  it('lists receivers and test-sends through their channels (admin only)', async () => {
    const rs = data<
      {
        name: string;
        channels: { name: string; kind: string }[];
        integrations: { type: string; implemented: boolean }[];
      }[]
    >(await call('GET', `${V1}/receivers`));
    assert.deepEqual(
      rs.map((r) => [r.name, r.channels.map((c) => c.name), r.integrations]),
      [
        ['team', ['team/webhook[0]'], [{ type: 'webhook', count: 1, implemented: true }]],
        ['pager', [], [{ type: 'opsgenie', count: 1, implemented: false }]],
      ],
    );
    const ch = api.source.channels.get('team')![0];
    const sent = ch.sent.length;
    const t = data<{
      receiver: string;
      results: { channel: string; ok: boolean; status?: number }[];
    }>(await call('POST', `${V1}/receivers/team/test`));
    assert.deepEqual(t, {
      receiver: 'team',
      results: [{ channel: 'team/webhook[0]', kind: 'webhook', ok: true, status: 200 }],
    });
    assert.equal(ch.sent.length, sent + 1);
    assert.equal(ch.sent.at(-1)!.alerts[0].labels.alertname, 'ArgusTestNotification');
    const none = await call('POST', `${V1}/receivers/nope/test`);
    assert.equal(none.statusCode, 404);
    assert.equal(
      none.json<{ error: string }>().error,
      'cannot test receiver "nope": no such receiver in the alertmanager config',
    );
    assert.equal(
      (await call('POST', `${V1}/receivers/team/test`, undefined, basic('vi'))).statusCode,
      403,
    );
  });

  it('status shows the config with secrets hidden; receivers lists names', async () => {
    const s = (await call('GET', '/api/v2/status')).json<{
      cluster: { status: string; peers: unknown[] };
      versionInfo: { version: string };
      config: { original: string };
      uptime: string;
    }>();
    assert.deepEqual(s.cluster, { status: 'disabled', peers: [] });
    assert.equal(s.versionInfo.version, 'test');
    assert.ok(!Number.isNaN(Date.parse(s.uptime)));
    assert.doesNotMatch(s.config.original, /very-secret-token|another-secret/);
    assert.match(s.config.original, /credentials: <secret>/);
    assert.match(s.config.original, /group_interval: 1h/);
    assert.match(s.config.original, /- severity="page"/);
    assert.deepEqual((await call('GET', '/api/v2/receivers')).json(), [
      { name: 'team' },
      { name: 'pager' },
    ]);
  });

  it('refuses bad history parameters', async () => {
    const k = await call('GET', `${V1}/alerts/history?kind=nope`);
    assert.equal(k.statusCode, 400);
    assert.equal(
      k.json<{ error: string }>().error,
      'invalid parameter "kind": want one of firing, resolved, attempt, ack, unack, silenced, got "nope"',
    );
    const l = await call('GET', `${V1}/alerts/history?limit=0`);
    assert.equal(
      l.json<{ error: string }>().error,
      'invalid parameter "limit": want 1 to 10000, got "0"',
    );
    const t = await call('GET', `${V1}/alerts/response-times?from=10&to=5`);
    assert.equal(
      t.json<{ error: string }>().error,
      'invalid parameter "to": must not be before from',
    );
  });

  it('every alerting route is in the OpenAPI document under the tag Alerting', () => {
    const doc0 = () =>
      openApiDocument(api.table.specs, 'test') as { paths: Record<string, Record<string, object>> };
    const urls = api.table.specs.filter((s) => s.tag === 'Alerting').map((s) => s.url);
    assert.equal(urls.length, 22); // 17 + the tenant config and escalation-policy routes
    assert.ok(doc0().paths['/api/argus/v1/escalation-policies'].put);
    const doc = openApiDocument(api.table.specs, 'test') as {
      paths: Record<string, Record<string, { tags: string[] }>>;
    };
    assert.deepEqual(doc.paths['/api/v2/silences'].post.tags, ['Alerting']);
    assert.ok(doc.paths['/api/argus/v1/alerts/ack-link/{token}'].get);
    assert.ok(urls.includes('/api/v2/alerts') && urls.includes(`${V1}/alerts/ack-link/:token`));
  });
});
