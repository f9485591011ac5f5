import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authConfigSchema, cidrBlockList, defaultAuthConfig, parseCidr } from './config.js';

function firstIssue(input: unknown): string {
  const r = authConfigSchema.safeParse(input);
  assert.equal(r.success, false, 'expected a config error');
  const i = r.error.issues[0];
  return `${i.path.join('.')}: ${i.message}`;
}

describe('auth config', () => {
  it('defaults: 7d sessions, 24h idle, 5/20 per 5m, nothing open', () => {
    assert.deepEqual(defaultAuthConfig(), {
      session_ttl: 7 * 86_400_000,
      session_idle_timeout: 86_400_000,
      login_rate_limit: { per_user: 5, per_address: 20, window: 300_000 },
      open: { metrics: false, ingest: [] },
    });
  });

  it('parses durations, limits and open ingestion networks', () => {
    const c = authConfigSchema.parse({
      session_ttl: '12h',
      session_idle_timeout: '30m',
      login_rate_limit: { per_user: 3, window: '1m' },
      open: {
        metrics: true,
        ingest: [
          { cidrs: ['10.0.0.0/8', ' fd00::/8 ', '192.168.1.7'] },
          { cidrs: ['::1'], tenant: 'ops' },
        ],
      },
    });
    assert.equal(c.session_ttl, 12 * 3_600_000);
    assert.equal(c.session_idle_timeout, 30 * 60_000);
    assert.deepEqual(c.login_rate_limit, { per_user: 3, per_address: 20, window: 60_000 });
    assert.deepEqual(c.open.ingest, [
      {
        cidrs: [
          { network: '10.0.0.0', prefix: 8, family: 'ipv4' },
          { network: 'fd00::', prefix: 8, family: 'ipv6' },
          { network: '192.168.1.7', prefix: 32, family: 'ipv4' },
        ],
        tenant: 'default',
      },
      { cidrs: [{ network: '::1', prefix: 128, family: 'ipv6' }], tenant: 'ops' },
    ]);
    const bl = cidrBlockList(c.open.ingest[0].cidrs);
    assert.equal(bl.check('10.1.2.3', 'ipv4'), true);
    assert.equal(bl.check('11.1.2.3', 'ipv4'), false);
    assert.equal(bl.check('fd12::1', 'ipv6'), true);
    assert.equal(bl.check('192.168.1.7', 'ipv4'), true);
    assert.equal(bl.check('192.168.1.8', 'ipv4'), false);
  });

  const bad: [unknown, string][] = [
    [
      { session_ttl: '7 days' },
      'session_ttl: expected a duration like 30s, 5m, 2h or 15d, got "7 days"',
    ],
    [{ session_ttl: '0s' }, 'session_ttl: expected a duration above 0, like 30m or 7d'],
    [{ login_rate_limit: { per_user: 0 } }, 'login_rate_limit.per_user: '],
    [{ login_rate_limit: { per_users: 3 } }, 'login_rate_limit: '],
    [
      { open: { ingest: [{ cidrs: ['10.0.0.0/33'] }] } },
      'open.ingest.0.cidrs.0: expected a prefix length 0-32 in CIDR "10.0.0.0/33", got "33"',
    ],
    [
      { open: { ingest: [{ cidrs: ['fd00::/129'] }] } },
      'open.ingest.0.cidrs.0: expected a prefix length 0-128 in CIDR "fd00::/129", got "129"',
    ],
    [
      { open: { ingest: [{ cidrs: ['10.0.0/8'] }] } },
      'open.ingest.0.cidrs.0: expected a CIDR like 10.0.0.0/8 or fd00::/8, got "10.0.0/8"',
    ],
    [
      { open: { ingest: [{ cidrs: ['10.0.0.0/x'] }] } },
      'open.ingest.0.cidrs.0: expected a prefix length 0-32 in CIDR "10.0.0.0/x", got "x"',
    ],
    [
      { open: { ingest: [{ cidrs: [10] }] } },
      'open.ingest.0.cidrs.0: expected a CIDR like 10.0.0.0/8, got 10',
    ],
    [{ open: { ingest: [{ cidrs: [] }] } }, 'open.ingest.0.cidrs: expected at least one CIDR'],
    [
      { open: { ingest: [{ cidrs: ['::1'], tenant: 'Acme' }] } },
      'open.ingest.0.tenant: invalid tenant id "Acme"',
    ],
    [{ open: { metrics: 'yes' } }, 'open.metrics: '],
  ];
  for (const [input, want] of bad) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const got = firstIssue(input);
      assert.ok(got.startsWith(want), `got ${got}\nwant ${want}…`);
    });
  }

  it('parseCidr returns messages rather than throwing', () => {
    assert.deepEqual(parseCidr('0.0.0.0/0'), { network: '0.0.0.0', prefix: 0, family: 'ipv4' });
    assert.equal(typeof parseCidr('localhost'), 'string');
  });
});
