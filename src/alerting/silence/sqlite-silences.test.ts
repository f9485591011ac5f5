import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_TENANT as D, Labels, tenantId } from '../../model/index.js';
import { openSqliteState, type StateStore } from '../../state/index.js';
import { formatMatchers } from '../matchers/format.js';
import { parseMatchers } from '../matchers/parse.js';
import type { StoredAlert } from '../types.js';
import { SilenceLimitError, SilenceNotFoundError, SilenceValidationError } from './errors.js';
import type { Silence, SilenceInput } from './silence.js';
import { silenceState } from './silence.js';
import { SqliteSilences } from './sqlite-silences.js';

const T2 = tenantId('t2');
const M = 60_000;
const input = (over: Partial<SilenceInput> = {}): SilenceInput => ({
  matchers: parseMatchers('{alertname="Disk", job=~"node|db"}'),
  startsAt: 1_000 * M,
  endsAt: 1_060 * M,
  createdBy: 'alice',
  comment: 'maintenance',
  ...over,
});
const view = (x: Silence | undefined) => x && { ...x, matchers: formatMatchers(x.matchers) };
const L = (o: Record<string, string>) => Labels.fromObject(o);

describe('SqliteSilences (real SQLite file)', () => {
  let dir: string;
  let state: StateStore;
  let clock: number;
  let ids: number;
  let s: SqliteSilences;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-silences-'));
    clock = 1_000 * M;
    ids = 0;
    state = openSqliteState({ file: join(dir, 'state.db'), now: () => clock });
    s = await SqliteSilences.open(state, { newId: () => `sil-${++ids}` });
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const actions = async () =>
    (await state.audit.list({ tenant: 'default' }))
      .reverse()
      .map((e) => [e.action, e.target, e.actor]);

  it('creates (a start in the past becomes now), audits, persists, and reloads', async () => {
    clock += 5 * M;
    const c = await s.upsert(D, input(), 'user:alice');
    assert.deepEqual([c.id, c.startsAt, c.endsAt, c.updatedAt], ['sil-1', clock, 1_060 * M, clock]);
    assert.deepEqual(await actions(), [['silence.create', 'silence:sil-1', 'user:alice']]);
    const [entry] = await state.audit.list({ action: 'silence.create' });
    assert.deepEqual(entry.after, {
      id: 'sil-1',
      matchers: '{alertname="Disk",job=~"node|db"}',
      startsAt: clock,
      endsAt: 1_060 * M,
      createdBy: 'alice',
      comment: 'maintenance',
    });
    const again = await SqliteSilences.open(state);
    assert.deepEqual(view(again.get(D, 'sil-1')), view(c));
    assert.equal(again.get(T2, 'sil-1'), undefined, 'ids are per tenant');
  });

  it('states: pending, active, expired', () => {
    const x = { startsAt: 10, endsAt: 20 };
    assert.deepEqual(
      [9, 10, 19, 20, 21].map((t) => silenceState(x, t)),
      ['pending', 'active', 'active', 'expired', 'expired'],
    );
  });

  const bad: [string, Partial<SilenceInput>, string][] = [
    ['no author', { createdBy: '' }, 'createdBy in body is required'],
    ['no comment', { comment: '' }, 'comment in body is required'],
    ['zero start', { startsAt: 0 }, 'invalid zero start timestamp'],
    ['zero end', { endsAt: 0 }, 'invalid zero end timestamp'],
    ['end before start', { endsAt: 900 * M }, 'start time must be before end time'],
    ['end equals start', { endsAt: 1_000 * M }, 'start time must be before end time'],
    ['end in the past', { startsAt: 900 * M, endsAt: 999 * M }, "end time can't be in the past"],
    ['no matchers', { matchers: [] }, 'at least one matcher required'],
    [
      'all match empty',
      { matchers: parseMatchers('{a=~".*", b=""}') },
      'at least one matcher must not match the empty string',
    ],
  ];
  for (const [name, over, msg] of bad) {
    it(`rejects: ${name}, writing nothing`, async () => {
      await assert.rejects(s.upsert(D, input(over), 'user:alice'), (err: unknown) => {
        assert.ok(err instanceof SilenceValidationError);
        assert.equal(err.message, `cannot save silence: ${msg}`);
        return true;
      });
      assert.deepEqual(s.list(D, clock), []);
      assert.deepEqual(await actions(), []);
    });
  }

  it('updates an active silence in place when only end/comment change', async () => {
    const c = await s.upsert(D, input(), 'user:alice');
    clock += M;
    const u = await s.upsert(
      D,
      { ...input({ endsAt: 1_120 * M, comment: 'longer' }), id: c.id },
      'user:bob',
    );
    assert.deepEqual([u.id, u.endsAt, u.comment, u.updatedAt], [c.id, 1_120 * M, 'longer', clock]);
    assert.equal(s.list(D, clock).length, 1);
    assert.deepEqual(
      (await actions()).map((a) => a[0]),
      ['silence.create', 'silence.update'],
    );
  });

  const replacing: [string, Partial<SilenceInput>][] = [
    ['matchers change', { matchers: parseMatchers('{alertname="Disk"}') }],
    ['an active silence start moves', { startsAt: 1_001 * M }],
  ];
  for (const [name, over] of replacing) {
    it(`replaces an active silence when ${name}: new id, the old one expired, one transaction`, async () => {
      const c = await s.upsert(D, input(), 'user:alice');
      clock += M;
      const n = await s.upsert(D, { ...input(over), id: c.id }, 'user:bob');
      assert.equal(n.id, 'sil-2');
      const old = s.get(D, c.id)!;
      assert.deepEqual([old.endsAt, silenceState(old, clock)], [clock, 'expired']);
      assert.deepEqual(await actions(), [
        ['silence.create', 'silence:sil-1', 'user:alice'],
        ['silence.create', 'silence:sil-2', 'user:bob'],
        ['silence.expire', 'silence:sil-1', 'user:bob'],
      ]);
      const [created] = await state.audit.list({ action: 'silence.create', limit: 1 });
      assert.equal((created.after as { replaces: string }).replaces, 'sil-1');
    });
  }

  it('a pending silence: a future start is edited in place; a start now-or-past replaces it', async () => {
    const p = await s.upsert(D, input({ startsAt: 1_010 * M, endsAt: 1_020 * M }), 'user:alice');
    assert.equal(silenceState(p, clock), 'pending');
    const u = await s.upsert(
      D,
      { ...input({ startsAt: 1_005 * M, endsAt: 1_020 * M }), id: p.id },
      'user:a',
    );
    assert.equal(u.id, p.id);
    const n = await s.upsert(
      D,
      { ...input({ startsAt: 999 * M, endsAt: 1_020 * M }), id: p.id },
      'user:a',
    );
    assert.deepEqual([n.id, n.startsAt], ['sil-2', clock]);
    const old = s.get(D, p.id)!;
    assert.deepEqual(
      [old.startsAt, old.endsAt],
      [clock, clock],
      'a pending silence expires with start = end = now',
    );
  });

  it('an update of an expired silence creates a new one and leaves the old alone', async () => {
    const c = await s.upsert(D, input(), 'user:alice');
    clock = 1_061 * M;
    const n = await s.upsert(
      D,
      { ...input({ startsAt: clock, endsAt: 1_100 * M }), id: c.id },
      'user:a',
    );
    assert.equal(n.id, 'sil-2');
    assert.deepEqual(
      (await actions()).map((a) => a[0]),
      ['silence.create', 'silence.create'],
    );
  });

  it('update and expire of an unknown id, or another tenant’s, are not found', async () => {
    const c = await s.upsert(D, input(), 'user:alice');
    await assert.rejects(s.upsert(T2, { ...input(), id: c.id }, 'user:x'), SilenceNotFoundError);
    await assert.rejects(s.expire(D, 'nope', 'user:x'), (err: unknown) => {
      assert.ok(err instanceof SilenceNotFoundError);
      assert.equal(err.message, 'cannot expire silence "nope": silence not found');
      return true;
    });
  });

  it('expire is idempotent, audited once; a pending silence gets start = end = now', async () => {
    const c = await s.upsert(D, input(), 'user:alice');
    const p = await s.upsert(D, input({ startsAt: 1_030 * M }), 'user:alice');
    clock += M;
    const e = await s.expire(D, c.id, 'user:bob');
    assert.equal(e.endsAt, clock);
    clock += M;
    assert.deepEqual(view(await s.expire(D, c.id, 'user:bob')), view(e));
    const ep = await s.expire(D, p.id, 'user:bob');
    assert.deepEqual([ep.startsAt, ep.endsAt], [clock, clock]);
    assert.deepEqual(
      (await actions()).map((a) => a[0]),
      ['silence.create', 'silence.create', 'silence.expire', 'silence.expire'],
    );
    const again = await SqliteSilences.open(state);
    assert.deepEqual(view(again.get(D, c.id)), view(e));
  });

  it('mutedBy: active silences whose matchers all match, per tenant', async () => {
    const a = await s.upsert(D, input(), 'user:alice');
    const b = await s.upsert(D, input({ matchers: parseMatchers('{job="node"}') }), 'user:alice');
    await s.upsert(D, input({ startsAt: 1_030 * M, matchers: parseMatchers('{job="node"}') }), 'u');
    await s.upsert(T2, input({ matchers: parseMatchers('{job="node"}') }), 'u');
    const node = L({ alertname: 'Disk', job: 'node' });
    assert.deepEqual(s.mutedBy(D, node, clock), [a.id, b.id]);
    assert.deepEqual(s.mutedBy(D, L({ alertname: 'Disk', job: 'db' }), clock), [a.id]);
    assert.deepEqual(s.mutedBy(D, L({ alertname: 'Disk', job: 'web' }), clock), []);
    assert.deepEqual(s.mutedBy(D, L({ alertname: 'Disk' }), clock), []);
    assert.deepEqual(s.mutedBy(T2, node, clock), ['sil-4']);
    assert.deepEqual(s.mutedBy(tenantId('t3'), node, clock), []);
    assert.deepEqual(
      s.mutedBy(D, node, 1_030 * M),
      [a.id, b.id, 'sil-3'],
      'the pending one starts',
    );
    assert.deepEqual(s.mutedBy(D, node, 1_060 * M), [], 'all ended');
    assert.deepEqual(s.mutedBy(D, node, 1_070 * M), [], 'pruned from the scanned list');
    assert.deepEqual(s.mutedBy(D, node, clock), [], 'pruned silences stay unscanned');
    await s.reload();
    await s.expire(D, a.id, 'u');
    assert.deepEqual(s.mutedBy(D, node, clock), [b.id]);
    const again = await SqliteSilences.open(state);
    assert.deepEqual(again.mutedBy(D, node, clock), [b.id]);
  });

  it('list: filter matchers against silence matchers, Alertmanager order', async () => {
    const a = await s.upsert(D, input({ endsAt: 1_050 * M }), 'u');
    const b = await s.upsert(
      D,
      input({ endsAt: 1_040 * M, matchers: parseMatchers('{job="db"}') }),
      'u',
    );
    const p1 = await s.upsert(D, input({ startsAt: 1_020 * M }), 'u');
    const p2 = await s.upsert(D, input({ startsAt: 1_010 * M }), 'u');
    const e1 = await s.expire(D, (await s.upsert(D, input(), 'u')).id, 'u');
    clock += M;
    const e2 = await s.expire(D, (await s.upsert(D, input(), 'u')).id, 'u');
    assert.deepEqual(
      s.list(D, clock).map((x) => x.id),
      [b.id, a.id, p2.id, p1.id, e2.id, e1.id],
    );
    assert.deepEqual(
      s.list(D, clock, parseMatchers('{job="db"}')).map((x) => x.id),
      [b.id],
    );
    assert.equal(s.list(D, clock, parseMatchers('{job=~"node.*"}')).length, 5);
    assert.deepEqual(s.list(D, clock, parseMatchers('{team="x"}')), []);
    assert.deepEqual(s.list(T2, clock), []);
  });

  it('gc deletes silences expired longer than the retention', async () => {
    s = await SqliteSilences.open(state, { retentionMs: 10 * M });
    const a = await s.upsert(D, input({ endsAt: 1_001 * M }), 'u');
    const b = await s.upsert(D, input({ endsAt: 1_020 * M }), 'u');
    assert.equal(await s.gc(1_010 * M), 0);
    assert.equal(await s.gc(1_011 * M), 1);
    assert.equal(s.get(D, a.id), undefined);
    assert.ok(s.get(D, b.id));
    assert.equal((await SqliteSilences.open(state)).list(D, clock).length, 1);
  });

  it('limits silences per tenant (expired ones count until GC)', async () => {
    s = await SqliteSilences.open(state, { maxSilencesPerTenant: 1 });
    const a = await s.upsert(D, input(), 'u');
    await s.upsert(D, { ...input({ comment: 'edit in place is fine' }), id: a.id }, 'u');
    await assert.rejects(s.upsert(D, input(), 'u'), (err: unknown) => {
      assert.ok(err instanceof SilenceLimitError);
      assert.equal(
        err.message,
        'cannot create silence: exceeded maximum number of silences: 1 (limit: 1)',
      );
      return true;
    });
    await s.upsert(T2, input(), 'u');
  });

  it('preview: which alerts of the tenant the matchers would mute', () => {
    const mk = (tenant: typeof D, o: Record<string, string>): StoredAlert => ({
      tenant,
      fingerprint: o.alertname,
      alert: { labels: L(o), annotations: {}, startsAt: 1, endsAt: 0, generatorURL: '' },
      updatedAt: 1,
    });
    const alerts = [
      mk(D, { alertname: 'Disk', job: 'node' }),
      mk(D, { alertname: 'Cpu', job: 'node' }),
      mk(T2, { alertname: 'Disk2', job: 'node' }),
    ];
    assert.deepEqual(
      s.preview(D, parseMatchers('{alertname=~"Disk.*"}'), alerts).map((a) => a.fingerprint),
      ['Disk'],
    );
  });
});
