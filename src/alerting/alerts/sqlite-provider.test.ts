import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_TENANT as D, Labels, tenantId, type Alert } from '../../model/index.js';

const T2 = tenantId('t2');
import { openSqliteState, type StateStore } from '../../state/index.js';
import type { StoredAlert } from '../types.js';
import { AlertLimitError } from './errors.js';
import { fingerprint } from './merge.js';
import { SqliteAlertProvider } from './sqlite-provider.js';

const alert = (name: string, over: Partial<Alert> = {}): Alert => ({
  labels: Labels.fromObject({ alertname: name, job: 'node' }),
  annotations: { summary: name },
  startsAt: 0,
  endsAt: 0,
  generatorURL: 'http://prom/graph',
  ...over,
});

describe('SqliteAlertProvider (real SQLite file)', () => {
  let dir: string;
  let file: string;
  let state: StateStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'argus-alerts-'));
    file = join(dir, 'state.db');
    state = openSqliteState({ file });
  });
  afterEach(async () => {
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts with API defaults, merges updates, survives a reopen', async () => {
    const p = await SqliteAlertProvider.open(state, { resolveTimeoutMs: 300_000 });
    const [a] = await p.put(D, [alert('A', { evaluatedAt: 990 })], 1_000);
    assert.equal(a.fingerprint, fingerprint(alert('A').labels));
    assert.deepEqual(
      [a.alert.startsAt, a.alert.endsAt, a.timeout, a.updatedAt],
      [1_000, 301_000, true, 1_000],
    );
    // A re-send within the range keeps the earliest start; the newer annotations win.
    const [b] = await p.put(
      D,
      [alert('A', { startsAt: 1_500, annotations: { summary: 'v2' } })],
      2_000,
    );
    assert.deepEqual(
      [b.alert.startsAt, b.alert.endsAt, b.alert.annotations.summary],
      [1_000, 302_000, 'v2'],
    );
    // Resolved: the explicit endsAt wins.
    await p.put(D, [alert('A', { startsAt: 1_000, endsAt: 2_500 })], 3_000);
    await p.put(T2, [alert('B')], 3_000);
    assert.equal(p.get(D, a.fingerprint)?.alert.endsAt, 2_500);
    assert.deepEqual(p.tenants().sort(), ['default', 't2']);

    const again = await SqliteAlertProvider.open(state);
    const got = again.get(D, a.fingerprint)!;
    assert.equal(fingerprint(got.alert.labels), got.fingerprint, 'stable across a reload');
    assert.deepEqual(got, p.get(D, a.fingerprint));
    assert.equal(got.alert.evaluatedAt, undefined, 'the last version had no evaluatedAt');
    assert.equal(got.alert.labels.equals(alert('A').labels), true);
    assert.deepEqual(
      again.list(T2).map((s) => s.alert.annotations.summary),
      ['B'],
    );
    assert.deepEqual(again.list(tenantId('nobody')), []);
    assert.equal(again.get(tenantId('nobody'), 'x'), undefined);
  });

  it('keeps evaluatedAt, dedupes a batch by fingerprint, and notifies subscribers after commit', async () => {
    const p = await SqliteAlertProvider.open(state);
    const seen: [string, string[]][] = [];
    const off = p.subscribe((t, as) => {
      // Already durable when subscribers run.
      assert.equal(p.get(t, as[0].fingerprint), as[0]);
      seen.push([t, as.map((x) => x.alert.annotations.summary)]);
    });
    const failing = p.subscribe(() => {
      throw new Error('subscriber bug');
    });
    const out = await p.put(
      D,
      [
        alert('A', { evaluatedAt: 5 }),
        alert('A', { annotations: { summary: 'A2' }, evaluatedAt: 6 }),
      ],
      10,
    );
    assert.equal(out.length, 1);
    assert.equal(out[0].alert.evaluatedAt, 6);
    assert.deepEqual(await p.put(D, [], 11), []);
    off();
    failing();
    await p.put(D, [alert('C')], 12);
    assert.deepEqual(seen, [['default', ['A2']]]);
    const again = await SqliteAlertProvider.open(state);
    assert.equal(
      again.list(D).find((s) => s.alert.annotations.summary === 'A2')?.alert.evaluatedAt,
      6,
    );
  });

  it('serialises concurrent puts so each merges against the previous one', async () => {
    const p = await SqliteAlertProvider.open(state);
    const puts: Promise<StoredAlert[]>[] = [];
    for (let i = 0; i < 20; i++)
      puts.push(p.put(D, [alert('A', { startsAt: 1_000 - i })], 2_000 + i));
    await Promise.all(puts);
    assert.equal(p.list(D)[0].alert.startsAt, 981, 'the earliest start of all puts');
  });

  it('limits alerts per tenant with a typed error and stores nothing of that put', async () => {
    const p = await SqliteAlertProvider.open(state, { maxAlertsPerTenant: 2 });
    await p.put(D, [alert('A'), alert('B')], 1);
    await p.put(D, [alert('A')], 2); // an update is not a new alert
    await assert.rejects(p.put(D, [alert('A'), alert('C')], 3), (err: unknown) => {
      assert.ok(err instanceof AlertLimitError);
      assert.equal(
        err.message,
        'cannot store alerts for tenant "default": 3 alerts would exceed the limit of 2 per tenant (resolve or let old alerts expire first)',
      );
      return true;
    });
    assert.equal(p.list(D).length, 2);
    assert.equal(p.get(D, fingerprint(alert('A').labels))?.updatedAt, 2);
    await p.put(tenantId('other'), [alert('C')], 4); // per tenant
  });

  it('gc deletes alerts resolved longer ago than the retention, in the file too', async () => {
    const p = await SqliteAlertProvider.open(state, {
      retentionMs: 1_000,
      resolveTimeoutMs: 5_000,
    });
    await p.put(D, [alert('Old', { startsAt: 1, endsAt: 100 })], 100);
    await p.put(D, [alert('Recent', { startsAt: 1, endsAt: 900 })], 900);
    await p.put(D, [alert('Firing')], 900);
    await p.put(T2, [alert('Old', { startsAt: 1, endsAt: 50 })], 100);
    assert.equal(await p.gc(1_500), 2);
    assert.deepEqual(
      p
        .list(D)
        .map((s) => s.alert.annotations.summary)
        .sort(),
      ['Firing', 'Recent'],
    );
    assert.deepEqual(p.tenants(), ['default']);
    assert.equal(await p.gc(1_500), 0);
    const again = await SqliteAlertProvider.open(state);
    assert.equal(again.list(D).length, 2);
    assert.equal(again.list(T2).length, 0);
    assert.equal(await p.gc(6_000), 1, 'the timed-out firing alert');
  });

  it('a put that resolved is on disk even if the process is SIGKILLed right after', async () => {
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const child = fileURLToPath(new URL(`./testing-child${ext}`, import.meta.url));
    const n = 50;
    await new Promise<void>((resolve, reject) => {
      const proc = spawn(
        process.execPath,
        [...process.execArgv.filter((a) => !a.startsWith('--test')), child, file, String(n)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      proc.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('stored')) proc.kill('SIGKILL');
      });
      proc.on('error', reject);
      proc.on('close', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`)),
      );
    });
    const again = await SqliteAlertProvider.open(state);
    const got = again.list(D);
    assert.equal(got.length, n);
    assert.ok(
      got.every(
        (s) => s.alert.startsAt === 1_000 && s.alert.endsAt === 2_000 + 300_000 && s.timeout,
      ),
    );
  });
});
