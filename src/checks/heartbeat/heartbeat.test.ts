import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { DEFAULT_TENANT } from '../../model/index.js';
import { parseCheckDefinition } from '../definition.js';
import type { HeartbeatView, ProbeContext } from '../types.js';
import { heartbeatKind, type HeartbeatSpec } from './index.js';

const H = 3_600_000;
const M = 60_000;
const kinds = new Map([[heartbeatKind.name, heartbeatKind]]);
const spec = parseCheckDefinition(
  { name: 'cron', kind: 'heartbeat', period: '1h', grace: '5m' },
  kinds,
).spec as HeartbeatSpec;

function ctx(now: number, heartbeat: HeartbeatView): ProbeContext {
  return {
    tenant: DEFAULT_TENANT,
    guard: new OutboundGuard(),
    signal: new AbortController().signal,
    timeoutMs: 1000,
    maxBodyBytes: 1024,
    secret: () => Promise.reject(new Error('no secrets')),
    now: () => now,
    query: () => Promise.resolve([]),
    heartbeat,
  };
}

describe('heartbeat kind', () => {
  it('parses period and grace (grace defaults to 5m) and refuses unknown fields', () => {
    assert.deepEqual(spec, { period: H, grace: 5 * M });
    const d = parseCheckDefinition({ name: 'x', kind: 'heartbeat', period: '1d' }, kinds);
    assert.deepEqual(d.spec, { period: 24 * H, grace: 5 * M });
    assert.throws(
      () => parseCheckDefinition({ name: 'x', kind: 'heartbeat', period: '1h', url: 'x' }, kinds),
      /url: unknown field/,
    );
    assert.throws(() => parseCheckDefinition({ name: 'x', kind: 'heartbeat' }, kinds), /period/);
    assert.equal(heartbeatKind.target(spec), 'heartbeat every 1h');
    assert.equal(heartbeatKind.passive, true);
  });

  const t0 = Date.UTC(2026, 0, 1);
  const cases: [string, number, HeartbeatView, boolean, RegExp?][] = [
    ['new check within period + grace', t0 + H + 4 * M, { since: t0 }, true],
    [
      'new check never pinged, late',
      t0 + H + 6 * M,
      { since: t0 },
      false,
      /late: no ping since the check appeared at 2026-01-01T00:00:00.000Z \(1h6m\), want one every 1h \+ grace 5m/,
    ],
    [
      'never pinged, restored as down',
      t0,
      { since: 0 },
      false,
      /^late: no ping since the check appeared, want one every 1h \+ grace 5m$/,
    ],
    ['pinged recently', t0 + 3 * H, { since: t0, lastPing: t0 + 2 * H + 30 * M }, true],
    [
      'last ping too old',
      t0 + 3 * H,
      { since: t0, lastPing: t0 + H },
      false,
      /late: no ping since 2026-01-01T01:00:00.000Z/,
    ],
    [
      '/fail after the last ping',
      t0 + 10 * M,
      { since: t0, lastPing: t0, lastFail: t0 + M, lastFailMessage: 'disk full' },
      false,
      /reported failure at 2026-01-01T00:01:00.000Z: disk full/,
    ],
    [
      'a ping after /fail recovers',
      t0 + 10 * M,
      { since: t0, lastPing: t0 + 2 * M, lastFail: t0 + M },
      true,
    ],
    ['/start within grace', t0 + 4 * M, { since: t0, lastPing: t0, lastStart: t0 + M }, true],
    [
      '/start older than grace',
      t0 + 7 * M,
      { since: t0, lastPing: t0, lastStart: t0 + M },
      false,
      /started at 2026-01-01T00:01:00.000Z and did not finish within grace 5m/,
    ],
  ];
  for (const [what, now, hb, success, err] of cases) {
    it(what, async () => {
      const r = await heartbeatKind.probe(spec, ctx(now, hb));
      assert.equal(r.success, success, r.error);
      if (err) assert.match(r.error ?? '', err);
      const age = r.metrics.find((m) => m.name === 'argus_heartbeat_age_seconds');
      const ref = hb.lastPing ?? hb.since;
      assert.equal(age?.value, ref > 0 ? (now - ref) / 1000 : undefined);
      const last = r.metrics.find((m) => m.name === 'argus_heartbeat_last_ping_timestamp_seconds');
      assert.equal(last?.value, hb.lastPing === undefined ? undefined : hb.lastPing / 1000);
    });
  }
});
