/**
 * The tenant isolation property (issue #3): for random tenants, series and canary strings,
 * tenant A's credentials never get a byte of tenant B's data back from any read API, cached or
 * not, and naming B in X-Scope-OrgID is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compressSync } from 'snappy';
import { encodeWriteRequest, type EncodeSeries } from '../ingest/remote-write/index.js';
import { apiError, call, PASSWORD, V1, type Call } from './security-test-helpers.js';
import { testApi, type TestApi } from './testing.js';

const T0 = Date.now() - 600_000;

interface TenantPlan {
  id: string;
  /** Unique per tenant, never a substring of anything else: `K<index>x<hex>`. */
  core: string;
  series: EncodeSeries[];
}

interface Creds {
  write: string;
  read: string;
  admin: string;
}

const tenantIdArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant('default') },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/) },
);

/** Label values: the canary core plus random unicode, so escaping paths are exercised too. */
const seriesArb = (core: string) =>
  fc
    .array(
      fc.record({
        metric: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
        job: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
        noise: fc.string({ unit: 'grapheme', maxLength: 16 }),
        v: fc.double({ noNaN: true }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((rows) =>
      rows.map((r, i): EncodeSeries => ({
        labels: [
          ['__name__', i === 0 ? `m_${core}` : r.metric],
          [`c_${core}`, `${core}${r.noise}`],
          ['job', `${r.job}`],
          ['canary', `lv-${core}-${r.noise}`],
        ],
        samples: [{ t: T0 + i, v: r.v }],
      })),
    );

const worldArb = fc.uniqueArray(tenantIdArb, { minLength: 2, maxLength: 4 }).chain((ids) =>
  fc.tuple(
    ...ids.map((id, i) =>
      fc.stringMatching(/^[0-9a-f]{12}$/).chain((hex) => {
        const core = `K${i}x${hex}`;
        return seriesArb(core).map((series): TenantPlan => ({ id, core, series }));
      }),
    ),
  ),
);

async function ok(api: TestApi, c: Call, status = 200): Promise<string> {
  const res = await call(api, c);
  assert.equal(res.statusCode, status, `${c.method ?? 'GET'} ${c.url}: ${res.body}`);
  return res.body;
}

/** Creates the tenant, its service account and user, tokens, a secret, and writes its series. */
async function provision(api: TestApi, t: TenantPlan): Promise<Creds> {
  const admin = api.access.admin;
  if (t.id !== 'default') await admin.createTenant(t.id, 'system');
  const sa = `sa-${t.core}`;
  await admin.createUser({ username: sa, service: true, role: 'admin', tenant: t.id }, 'system');
  const token = async (scope: string) =>
    `Bearer ${(await admin.createToken({ username: sa, scope, tenant: t.id, name: `${scope}-${t.core}` }, 'system')).token}`;
  const creds = {
    write: await token('write'),
    read: await token('read'),
    admin: await token('admin'),
  };
  // Through the API, so the audit trail and logs carry the tenant's own actions.
  await ok(
    api,
    {
      method: 'POST',
      url: `${V1}/users`,
      auth: creds.admin,
      body: { username: `u-${t.core}`, password: PASSWORD, role: 'viewer' },
    },
    201,
  );
  await ok(
    api,
    {
      method: 'POST',
      url: `${V1}/tokens`,
      auth: creds.admin,
      body: { scope: 'read', name: `api-${t.core}` },
    },
    201,
  );
  await ok(api, {
    method: 'PUT',
    url: `${V1}/secrets/s-${t.core}`,
    auth: creds.admin,
    body: { value: `secret-${t.core}` },
  });
  await ok(
    api,
    {
      method: 'POST',
      url: '/api/v1/write',
      auth: creds.write,
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      body: compressSync(Buffer.from(encodeWriteRequest(t.series))),
    },
    204,
  );
  return creds;
}

const ALL = encodeURIComponent('{__name__=~".+"}');

/** Every read API there is, for the label names seen anywhere. */
function readCalls(labelNames: string[], others: TenantPlan[]): Call[] {
  const calls: Call[] = [
    { url: `/api/v1/series?match[]=${ALL}` },
    {
      method: 'POST',
      url: '/api/v1/series',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `match[]=${ALL}`,
    },
    { url: '/api/v1/labels' },
    { url: `/api/v1/labels?match[]=${ALL}` },
    { url: `/api/v1/export?match[]=${ALL}` },
    {
      method: 'POST',
      url: '/api/v1/export',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `match[]=${ALL}`,
    },
    { url: `${V1}/audit` },
    { url: `${V1}/audit?limit=1000` },
    { url: `${V1}/users` },
    { url: `${V1}/tokens` },
    { url: `${V1}/tokens?all=true` },
    { url: `${V1}/secrets` },
    { url: `${V1}/limits` },
    { url: `${V1}/me` },
    { url: `${V1}/tenants` },
  ];
  for (const n of labelNames) calls.push({ url: `/api/v1/label/${encodeURIComponent(n)}/values` });
  for (const o of others) {
    // Asking for the other tenant's series by name finds nothing.
    const m = encodeURIComponent(`{c_${o.core}=~".+"}`);
    calls.push({ url: `/api/v1/series?match[]=${m}` }, { url: `/api/v1/export?match[]=${m}` });
    calls.push({ url: `${V1}/audit?actor=sa-${o.core}` });
  }
  return calls;
}

function assertNoLeak(body: string, others: TenantPlan[], what: string): void {
  for (const o of others)
    assert.ok(
      !body.includes(o.core),
      `${what} leaks tenant "${o.id}" (${o.core}): ${body.slice(0, 2000)}`,
    );
}

describe('tenant isolation', () => {
  it("no read API returns another tenant's canaries (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const api = await testApi({ defaultAuth: false });
        try {
          const creds: Creds[] = [];
          for (const t of world) creds.push(await provision(api, t));
          // Every label name any tenant has (each reading its own).
          const names = new Set<string>();
          for (const c of creds) {
            const res = await call(api, { url: '/api/v1/labels', auth: c.read });
            for (const n of res.json<{ data: string[] }>().data) names.add(n);
          }
          for (const [i, t] of world.entries()) {
            const others = world.filter((_, j) => j !== i);
            assert.ok(names.has(`c_${t.core}`));
            const mine = new Map<string, string>();
            for (const c of readCalls([...names], others)) {
              for (const [kind, auth] of [
                ['read', creds[i].read],
                ['admin', creds[i].admin],
                ['write', creds[i].write],
              ] as const) {
                // Twice: the second call hits the credential cache.
                for (let rep = 0; rep < 2; rep++) {
                  const res = await call(api, { ...c, auth });
                  assert.ok(res.statusCode < 500, `${c.url}: ${res.statusCode} ${res.body}`);
                  assertNoLeak(res.body, others, `${kind} ${c.method ?? 'GET'} ${c.url}`);
                  if (kind === 'admin') mine.set(`${c.method ?? 'GET'} ${c.url}`, res.body);
                }
                for (const o of others) {
                  const res = await call(api, {
                    ...c,
                    auth,
                    headers: { ...c.headers, 'x-scope-orgid': o.id },
                  });
                  apiError(res, 403, 'forbidden');
                  assertNoLeak(res.body, others, `${kind} ${c.url} as ${o.id}`);
                }
              }
            }
            // The same calls do return the tenant's own data: the property is not vacuous.
            for (const url of [
              `GET /api/v1/series?match[]=${ALL}`,
              `GET /api/v1/export?match[]=${ALL}`,
              'GET /api/v1/labels',
              `GET /api/v1/label/${encodeURIComponent(`c_${t.core}`)}/values`,
              `GET ${V1}/audit`,
              `GET ${V1}/users`,
              `GET ${V1}/tokens?all=true`,
              `GET ${V1}/secrets`,
            ]) {
              assert.ok(
                mine.get(url)?.includes(t.core),
                `${url} shows tenant ${t.id}'s own data: ${mine.get(url)}`,
              );
            }
          }
        } finally {
          await api.close();
        }
      }),
      { numRuns: Number(process.env.ARGUS_FC_RUNS ?? 15) },
    );
  });
});
