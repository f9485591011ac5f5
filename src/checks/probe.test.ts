import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../model/index.js';
import { OutboundGuard } from '../net/index.js';
import { CheckDefinitionError } from './definition.js';
import { ProbeAbort, probeOnce, resolveSecret, runProbe } from './probe.js';
import { FakeKind, ok } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-probe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('probeOnce', () => {
  it('parses, probes once with the config guard, and returns the target', async () => {
    const kind = new FakeKind('fake', (s, ctx) => {
      const r = ctx.guard.check(s.target);
      return Promise.resolve(r.allowed ? ok() : { ...ok(), success: false, error: r.reason });
    });
    const kinds = new Map([['fake', kind]]);
    const r = await probeOnce({ name: 'a', kind: 'fake', target: '127.0.0.1' }, kinds);
    assert.equal(r.result.success, true, r.result.error);
    assert.equal(r.target, '127.0.0.1');
    assert.equal(r.definition.timeout, 10_000);
    // With the API's guard (argus probe --guard), loopback is refused.
    const g = await probeOnce({ name: 'a', kind: 'fake', target: '127.0.0.1' }, kinds, {
      guard: new OutboundGuard(),
    });
    assert.equal(g.result.success, false);
    await assert.rejects(
      probeOnce({ name: 'a', kind: 'nope' }, kinds),
      (e: unknown) =>
        e instanceof CheckDefinitionError && /unknown check kind "nope"/.test(e.message),
    );
  });

  it('reports a kind that throws as a failed probe', async () => {
    const kind = new FakeKind('fake', () => Promise.reject(new Error('oops')));
    const r = await probeOnce({ name: 'a', kind: 'fake' }, new Map([['fake', kind]]));
    assert.equal(r.result.success, false);
    assert.equal(r.result.error, 'probe failed unexpectedly: oops');
  });
});

describe('runProbe', () => {
  it('ends at once when the parent signal fires', async () => {
    const kind = new FakeKind('fake', () => new Promise(() => {})); // never settles
    const ac = new AbortController();
    const p = runProbe(
      kind,
      { target: 'x' },
      {
        tenant: DEFAULT_TENANT,
        guard: new OutboundGuard(),
        maxBodyBytes: 1,
        secret: () => Promise.resolve(''),
        now: Date.now,
        query: () => Promise.resolve([]),
        heartbeat: { since: 0 },
      },
      60_000,
      ac.signal,
    );
    ac.abort();
    const r = await p;
    assert.equal(r.error, 'aborted: the check engine is stopping');
  });
});

describe('runProbe with a ProbeAbort', () => {
  const ctx = {
    tenant: DEFAULT_TENANT,
    guard: new OutboundGuard(),
    maxBodyBytes: 1,
    secret: () => Promise.resolve(''),
    now: Date.now,
    query: () => Promise.resolve([]),
    heartbeat: { since: 0 },
  };

  it('ends at once on abort(), fires the kind signal, and unhooks itself after', async () => {
    let kindSignal: AbortSignal | undefined;
    const kind = new FakeKind('fake', (_s, c) => {
      kindSignal = c.signal;
      return new Promise(() => {}); // never settles
    });
    const pa = new ProbeAbort();
    const p = runProbe(kind, { target: 'x' }, ctx, 60_000, pa);
    assert.equal(typeof pa.onAbort, 'function');
    pa.abort();
    const r = await p;
    assert.equal(r.error, 'aborted: the check engine is stopping');
    assert.equal(kindSignal?.aborted, true);
    assert.equal(pa.onAbort, undefined);
  });

  it('an already aborted one ends the probe at once; its lazy signal is aborted too', async () => {
    const pa = new ProbeAbort();
    pa.abort();
    assert.equal(pa.signal.aborted, true, 'created after the abort: aborted at once');
    const pb = new ProbeAbort();
    const sig = pb.signal;
    pb.abort();
    assert.equal(sig.aborted, true);
    const kind = new FakeKind('fake', () => new Promise(() => {}));
    const r = await runProbe(kind, { target: 'x' }, ctx, 60_000, pa);
    assert.equal(r.error, 'aborted: the check engine is stopping');
  });
});

describe('resolveSecret', () => {
  const secrets = { get: (t: string, n: string) => Promise.resolve(`${t}/${n}`) };
  it('resolves values, stored secrets and (config only) files', async () => {
    const f = join(dir, 'pw');
    writeFileSync(f, 's3cret\n');
    assert.equal(await resolveSecret('plain', DEFAULT_TENANT, secrets, false), 'plain');
    assert.equal(
      await resolveSecret({ secret: 'pg' }, DEFAULT_TENANT, secrets, false),
      'default/pg',
    );
    assert.equal(await resolveSecret({ file: f }, DEFAULT_TENANT, secrets, true), 's3cret');
    await assert.rejects(
      resolveSecret({ file: f }, DEFAULT_TENANT, secrets, false),
      /files are for argus.yml checks/,
    );
    await assert.rejects(
      resolveSecret({ file: join(dir, 'missing') }, DEFAULT_TENANT, secrets, true),
      /cannot read secret file .*missing.*ENOENT/,
    );
    await assert.rejects(
      resolveSecret({ secret: 'x' }, DEFAULT_TENANT, undefined, true),
      /no secret store/,
    );
  });
});
