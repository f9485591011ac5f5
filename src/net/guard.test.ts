import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OutboundBlockedError, guardedRequest, OutboundGuard } from './index.js';

interface Row {
  line: number;
  input: string;
  kind: 'host' | 'url';
  verdict: string;
  allow: string;
}

function loadTable(): Row[] {
  const text = readFileSync(join(process.cwd(), 'src/net/testdata/ssrf-table.tsv'), 'utf8');
  const rows: Row[] = [];
  text.split('\n').forEach((l, i) => {
    if (l === '' || l.startsWith('#')) return;
    const [input, kind, verdict, allow] = l.split('\t');
    assert.ok(kind === 'host' || kind === 'url', `line ${i + 1}: bad kind ${kind}`);
    rows.push({ line: i + 1, input, kind, verdict, allow });
  });
  return rows;
}

/** The host part the guard sees for a row (URL rows go through WHATWG parsing first). */
function hostOf(row: Row): string {
  if (row.kind === 'host') return row.input;
  const h = new URL(row.input).hostname;
  return h.startsWith('[') ? h.slice(1, -1) : h;
}

const table = loadTable();
const refused = table.filter((r) => r.verdict !== 'public');
const open = table.filter((r) => r.verdict === 'public');

describe('SSRF table', () => {
  it('has at least 100 refused entries and some public ones', () => {
    assert.ok(refused.length >= 100, `got ${refused.length} refused rows`);
    assert.ok(open.length >= 20);
  });

  const guard = new OutboundGuard();
  for (const row of refused) {
    it(`refuses ${row.input} (${row.verdict}) by default, allows it with ${row.allow}`, async () => {
      const got = guard.check(hostOf(row));
      assert.equal(got.allowed, false, `line ${row.line}`);
      assert.equal(!got.allowed && got.reason, row.verdict, `line ${row.line}`);

      if (row.kind === 'url') {
        // The real request path refuses too, before any connection is attempted.
        await assert.rejects(guardedRequest(guard, row.input), (err: unknown) => {
          assert.ok(err instanceof OutboundBlockedError, String(err));
          assert.equal(err.reason, row.verdict);
          return true;
        });
      }

      const allowed = new OutboundGuard({ allow: [row.allow] });
      assert.deepEqual(allowed.check(hostOf(row)).allowed, true, `line ${row.line}`);
      // The allow entry is specific: a per-tenant entry applies only to that tenant.
      const tenantOnly = new OutboundGuard({ tenants: { acme: { allow: [row.allow] } } });
      assert.equal(tenantOnly.check(hostOf(row), 'acme').allowed, true);
      assert.equal(tenantOnly.check(hostOf(row), 'other').allowed, false);
      assert.equal(tenantOnly.check(hostOf(row)).allowed, false);
    });
  }

  for (const row of open) {
    it(`allows public ${row.input}`, () => {
      assert.deepEqual(guard.check(hostOf(row)).allowed, true, `line ${row.line}`);
    });
  }
});

describe('OutboundGuard', () => {
  it('names host, address and reason in the error', () => {
    const g = new OutboundGuard();
    assert.throws(() => g.assertAllowed('0x7f.1'), {
      name: 'OutboundBlockedError',
      message:
        'cannot connect to "0x7f.1" (127.0.0.1): loopback address; allow it with outbound.allow in argus.yml',
    });
    assert.throws(() => g.assertAllowed('metadata.google.internal'), {
      message:
        'cannot connect to "metadata.google.internal": cloud metadata endpoint; allow it with outbound.allow in argus.yml',
    });
    g.assertAllowed('8.8.8.8');
  });

  it('refuses what is not a host at all', () => {
    const g = new OutboundGuard();
    for (const bad of ['', 'a b', 'exa mple.com', '[127.0.0.1]', 'foo_-.', '-bad.com']) {
      assert.throws(() => g.check(bad), { name: 'InvalidDestinationError' }, bad);
    }
  });

  it('a name allow-listed covers its non-public addresses but never a metadata endpoint', () => {
    const g = new OutboundGuard({ allow: ['grafana.internal', '*.corp.example'] });
    assert.equal(g.checkAddress('grafana.internal', '10.1.2.3').allowed, true);
    assert.equal(g.checkAddress('GRAFANA.internal.', '127.0.0.1').allowed, true);
    assert.equal(g.checkAddress('db.corp.example', '192.168.1.1').allowed, true);
    assert.equal(g.checkAddress('corp.example', '192.168.1.1').allowed, false);
    assert.deepEqual(g.checkAddress('grafana.internal', '169.254.169.254'), {
      allowed: false,
      host: 'grafana.internal',
      address: '169.254.169.254',
      reason: 'metadata',
    });
    assert.equal(g.checkAddress('other.example', '10.1.2.3').allowed, false);
  });

  it('compares IDN names on their ASCII form', () => {
    const g = new OutboundGuard({ allow: ['bücher.example'] });
    assert.equal(g.checkAddress('xn--bcher-kva.example', '10.0.0.1').allowed, true);
    assert.equal(g.checkAddress('BÜCHER.example', '10.0.0.1').allowed, true);
  });

  it('trusted mode and config targets', () => {
    const g = new OutboundGuard({ allow: ['10.0.0.0/8'] });
    assert.equal(g.trusted, false);
    const t = g.forConfigTargets();
    assert.equal(t.trusted, true);
    assert.equal(t.asTrusted(), t);
    assert.equal(t.check('127.0.0.1').allowed, true);
    assert.equal(t.check('localhost').allowed, true);
    assert.equal(t.check('169.254.169.254').allowed, true);
    assert.throws(() => t.check('not a host'), { name: 'InvalidDestinationError' });
    const strict = new OutboundGuard({ guardConfigTargets: true });
    assert.equal(strict.forConfigTargets(), strict);
    assert.equal(strict.forConfigTargets().check('127.0.0.1').allowed, false);
  });

  it('rejects invalid allow entries, naming them', () => {
    for (const bad of [
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      'not a host',
      'bad/8',
      '*.',
      '',
    ]) {
      assert.throws(() => new OutboundGuard({ allow: [bad] }), {
        name: 'InvalidAllowEntryError',
        message: new RegExp(
          `^invalid outbound allow entry ${JSON.stringify(bad).replace(/[.*/\\[\]]/g, '\\$&')}`,
        ),
      });
    }
  });

  it('applies defaults', () => {
    const g = new OutboundGuard();
    assert.equal(g.maxBodyBytes, 10 * 2 ** 20);
    assert.equal(g.timeoutMs, 30_000);
  });
});
