import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { probeContext } from '../tls/tls-test-helpers.js';
import type { ProbeResult } from '../types.js';
import { icmpVerdict } from './icmp-probe.js';
import { icmpKind } from './index.js';
import { parsePing } from './ping-output.js';

const testdata = join(process.cwd(), 'src/checks/icmp/testdata');
const trusted = new OutboundGuard({ trusted: true });
const probe = (
  fields: Record<string, unknown>,
  guard = trusted,
  over: Parameters<typeof probeContext>[1] = {},
): Promise<ProbeResult> => icmpKind.probe(icmpKind.schema.parse(fields), probeContext(guard, over));
const metric = (r: ProbeResult, name: string, phase?: string) =>
  r.metrics.find((m) => m.name === name && (phase === undefined || m.labels?.phase === phase))
    ?.value;

describe('icmp kind', () => {
  it('pings 127.0.0.1 and reports loss, round trip and hop limit', async () => {
    const r = await probe({ host: '127.0.0.1', count: 2, packet_interval: '200ms' });
    assert.equal(r.error, undefined);
    assert.equal(r.detail?.sent, 2);
    assert.equal(r.detail?.received, 2);
    assert.equal(metric(r, 'probe_icmp_packet_loss_ratio'), 0);
    assert.ok(metric(r, 'probe_icmp_duration_seconds', 'rtt')! > 0);
    assert.ok(metric(r, 'probe_icmp_duration_seconds', 'resolve')! >= 0);
    assert.equal(metric(r, 'probe_icmp_reply_hop_limit'), 64);
    assert.equal(icmpKind.target(icmpKind.schema.parse({ host: 'h.example' })), 'h.example');
  });

  it('resolves names through the guard and pings the address', async () => {
    const r = await probe(
      { host: 'localhost', count: 1 },
      new OutboundGuard({ allow: ['localhost'] }),
    );
    assert.equal(r.error, undefined);
    assert.match(String(r.detail?.address), /^(127\.0\.0\.1|::1)$/);
  });

  it('fails when the average round trip exceeds max_rtt', async () => {
    const r = await probe({ host: '127.0.0.1', count: 1, max_rtt: 0 });
    assert.match(r.error!, /^average round trip [\d.]+ms to 127\.0\.0\.1, want at most 0ms$/);
  });

  it('stops ping at the timeout and fails', async () => {
    const r = await probe({ host: '127.0.0.1', count: 50, packet_interval: '1s' }, trusted, {
      timeoutMs: 300,
    });
    assert.match(
      r.error!,
      /^ping to 127\.0\.0\.1 did not finish within 300ms \(\d+ of \d+ echo replies/,
    );
  });

  it('refuses loopback and metadata addresses with an untrusted guard', async () => {
    const r = await probe({ host: '127.0.0.1' }, new OutboundGuard());
    assert.match(r.error!, /^cannot connect to "127\.0\.0\.1": loopback address/);
    const m = await probe({ host: '169.254.169.254' }, new OutboundGuard());
    assert.match(m.error!, /cloud metadata endpoint/);
    const name = await probe({ host: 'localhost' }, new OutboundGuard());
    assert.match(name.error!, /^cannot connect to "localhost"/);
  });

  it('parses ping summaries and judges loss', () => {
    const spec = icmpKind.schema.parse({ host: 'x', max_loss_percent: 25 });
    const partial = parsePing(readFileSync(join(testdata, 'ping-partial-loss.txt'), 'utf8'))!;
    assert.deepEqual(partial, {
      transmitted: 4,
      received: 2,
      lossPercent: 50,
      rtt: { min: 12.4, avg: 13.25, max: 14.1 },
      ttl: 57,
    });
    assert.equal(
      icmpVerdict(spec, partial, '192.0.2.10'),
      '2 of 4 echo replies from 192.0.2.10 (50% lost), want at most 25% lost',
    );
    const lenient = icmpKind.schema.parse({ host: 'x' });
    assert.equal(icmpVerdict(lenient, partial, '192.0.2.10'), undefined);
    const lost = parsePing(readFileSync(join(testdata, 'ping-all-lost.txt'), 'utf8'))!;
    assert.equal(lost.rtt, undefined);
    assert.equal(
      icmpVerdict(lenient, lost, '192.0.2.11'),
      '0 of 3 echo replies from 192.0.2.11, want at least one',
    );
    assert.equal(parsePing('ping: unknown host'), undefined);
  });

  it('rejects invalid definitions', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ host: 'x', packet_interval: '10ms' }, /at least 200ms/],
      [{ host: 'x', count: 0 }, /too small|>=1/i],
      [{ host: 'x', max_loss_percent: 101 }, /too big|<=100/i],
    ];
    for (const [fields, want] of cases) {
      const r = icmpKind.schema.safeParse(fields);
      assert.match(r.error!.issues.map((i) => i.message).join('; '), want);
    }
  });
});
