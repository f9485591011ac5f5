import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { PASSWORD } from '../security-test-helpers.js';
import { ADMIN_PASSWORD, alertingTestApi, type AlertingTestApi } from './testing.js';

const basic = (u: string, p = PASSWORD) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const ADMIN = basic('admin', ADMIN_PASSWORD);
const hour = 3_600_000;

interface GettableSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
}

describe('Alertmanager API v2 silences', () => {
  let api: AlertingTestApi;
  const call = (
    method: 'GET' | 'POST' | 'DELETE',
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
  const silence = (over: Record<string, unknown> = {}) => ({
    matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }],
    startsAt: new Date(Date.now() - 1000).toISOString(),
    endsAt: new Date(Date.now() + hour).toISOString(),
    createdBy: 'ann',
    comment: 'maintenance',
    ...over,
  });
  const create = async (over: Record<string, unknown> = {}, auth = ADMIN) => {
    const r = await call('POST', '/api/v2/silences', silence(over), auth);
    assert.equal(r.statusCode, 200, r.body);
    return r.json<{ silenceID: string }>().silenceID;
  };

  before(async () => {
    api = await alertingTestApi();
    await api.state.tenants.create('acme', 'system');
    await api.admin.createUser({ username: 'vi', password: PASSWORD, role: 'viewer' }, 'system');
    await api.admin.createUser({ username: 'ed', password: PASSWORD, role: 'editor' }, 'system');
    await api.admin.createUser(
      { username: 'acme-ed', password: PASSWORD, role: 'editor', tenant: 'acme' },
      'system',
    );
  });
  after(() => api.close());

  it('creates, reads, lists, updates and expires a silence; the audit actor is the principal', async () => {
    const id = await create({}, basic('ed'));
    assert.match(id, /^[0-9a-f-]{36}$/);
    const g = await call('GET', `/api/v2/silence/${id}`);
    assert.equal(g.statusCode, 200);
    const s = g.json<GettableSilence>();
    assert.equal(s.id, id);
    assert.equal(s.status.state, 'active');
    assert.deepEqual(s.matchers, [
      { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
    ]);
    assert.equal(s.createdBy, 'ann');
    assert.equal(s.comment, 'maintenance');
    const audit = await api.state.sql.read((r) =>
      r.all<{ actor: string; action: string }>(
        "SELECT actor, action FROM audit WHERE action LIKE 'silence.%' ORDER BY seq",
      ),
    );
    assert.deepEqual(audit, [{ actor: 'user:ed', action: 'silence.create' }]);

    // An update that keeps the matchers (comment, end) is made in place.
    // As amtool does: the stored start is sent back (an active silence's start cannot move).
    const same = await create({
      id,
      startsAt: s.startsAt,
      comment: 'longer',
      endsAt: new Date(Date.now() + 2 * hour).toISOString(),
    });
    assert.equal(same, id);
    assert.equal(
      (await call('GET', `/api/v2/silence/${id}`)).json<GettableSilence>().comment,
      'longer',
    );

    const list = await call('GET', '/api/v2/silences');
    assert.deepEqual(
      list.json<GettableSilence[]>().map((x) => x.id),
      [id],
    );
    const del = await call('DELETE', `/api/v2/silence/${id}`);
    assert.equal(del.statusCode, 200, del.body);
    assert.equal(
      (await call('GET', `/api/v2/silence/${id}`)).json<GettableSilence>().status.state,
      'expired',
    );
  });

  it('converts matcher objects both ways and filters the list', async () => {
    const id = await create({
      matchers: [
        { name: 'job', value: 'node|db', isRegex: true, isEqual: true },
        { name: 'env', value: 'dev', isRegex: false, isEqual: false },
        { name: 'team', value: 'x.*', isRegex: true, isEqual: false },
      ],
    });
    const s = (await call('GET', `/api/v2/silence/${id}`)).json<GettableSilence>();
    assert.deepEqual(s.matchers.map((m) => [m.name, m.isRegex, m.isEqual]).sort(), [
      ['env', false, false],
      ['job', true, true],
      ['team', true, false],
    ]);
    const f = await call('GET', '/api/v2/silences?filter=job%3D%22node%7Cdb%22');
    assert.deepEqual(
      f.json<GettableSilence[]>().map((x) => x.id),
      [id],
    );
    const none = await call('GET', '/api/v2/silences?filter=job%3Dother');
    assert.deepEqual(none.json(), []);
  });

  it('silences mute alerts in /api/v2/alerts', async () => {
    await call('POST', '/api/v2/alerts', [{ labels: { alertname: 'Muted', x: '1' } }]);
    const id = await create({
      matchers: [{ name: 'alertname', value: 'Muted', isRegex: false, isEqual: true }],
    });
    const alerts = (await call('GET', '/api/v2/alerts?filter=alertname%3DMuted')).json<
      { status: { state: string; silencedBy: string[] } }[]
    >();
    assert.deepEqual(alerts[0].status, {
      ...alerts[0].status,
      state: 'suppressed',
      silencedBy: [id],
    });
    const hidden = await call('GET', '/api/v2/alerts?filter=alertname%3DMuted&silenced=false');
    assert.deepEqual(hidden.json(), []);
  });

  it('rejects bad silences with exact messages', async () => {
    const cases: [unknown, string, number][] = [
      [silence({ createdBy: '' }), 'cannot save silence: createdBy in body is required', 400],
      [silence({ comment: '' }), 'cannot save silence: comment in body is required', 400],
      [
        { ...silence(), createdBy: undefined },
        'cannot save silence: createdBy in body is required',
        400,
      ],
      [silence({ matchers: [] }), 'cannot save silence: at least one matcher required', 400],
      [
        silence({ matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }] }),
        'cannot save silence: at least one matcher must not match the empty string',
        400,
      ],
      [
        silence({ endsAt: new Date(Date.now() - hour).toISOString() }),
        'cannot save silence: start time must be before end time',
        400,
      ],
      [
        silence({ startsAt: 'soon' }),
        'cannot save silence: startsAt in body must be of type date-time: "soon"',
        400,
      ],
      [
        silence({ matchers: [{ name: 'a', value: 'b' }] }),
        'cannot save silence: matchers.0.isRegex in body is required',
        400,
      ],
      [[1], 'cannot save silence: body must be a JSON object', 400],
      [
        silence({ id: '00000000-0000-0000-0000-000000000000' }),
        'cannot update silence "00000000-0000-0000-0000-000000000000": silence not found',
        404,
      ],
    ];
    for (const [body, msg, status] of cases) {
      const r = await call('POST', '/api/v2/silences', body);
      assert.equal(r.statusCode, status, JSON.stringify(body));
      assert.equal(r.json(), msg);
    }
    const re = await call(
      'POST',
      '/api/v2/silences',
      silence({ matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }] }),
    );
    assert.equal(re.statusCode, 400);
    assert.match(re.json<string>(), /\(/);
  });

  it('unknown ids are 404s; viewers cannot edit; tenants are isolated', async () => {
    const missing = await call('GET', '/api/v2/silence/nope');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json(), 'cannot get silence "nope": silence not found');
    const del = await call('DELETE', '/api/v2/silence/nope');
    assert.equal(del.statusCode, 404);
    assert.equal(del.json(), 'cannot expire silence "nope": silence not found');
    const vi = await call('POST', '/api/v2/silences', silence(), basic('vi'));
    assert.equal(vi.statusCode, 403);
    const acme = basic('acme-ed');
    const mine = await create({}, acme);
    assert.deepEqual(
      (await call('GET', '/api/v2/silences', undefined, acme))
        .json<GettableSilence[]>()
        .map((s) => s.id),
      [mine],
    );
    assert.equal((await call('GET', `/api/v2/silence/${mine}`)).statusCode, 404);
    assert.equal((await call('DELETE', `/api/v2/silence/${mine}`)).statusCode, 404);
    const other = (await call('GET', '/api/v2/silences')).json<GettableSilence[]>()[0].id;
    assert.equal((await call('GET', `/api/v2/silence/${other}`, undefined, acme)).statusCode, 404);
  });
});
