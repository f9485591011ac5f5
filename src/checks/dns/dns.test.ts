import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard } from '../../net/index.js';
import { DnsStub } from '../../net/testing.js';
import { probeContext } from '../tls/tls-test-helpers.js';
import type { ProbeResult } from '../types.js';
import { dnsKind } from './index.js';

let stub: DnsStub;
let resolver: string;

before(async () => {
  stub = await DnsStub.start();
  resolver = `127.0.0.1:${stub.port}`;
  stub.set('www.example.test', { a: ['93.184.216.7', '93.184.216.8'], aaaa: ['2001:db8::1'] });
  stub.set('mail.example.test', {
    mx: [{ priority: 10, exchange: 'mx1.example.test' }],
    txt: ['v=spf1 -all'],
    cname: ['www.example.test'],
    srv: [{ priority: 1, weight: 5, port: 5060, target: 'sip.example.test' }],
  });
  stub.set('empty.example.test', {});
  stub.set('internal.example.test', { a: ['10.1.2.3'] });
});

after(() => stub.close());

const trusted = new OutboundGuard({ trusted: true });
const probe = (
  fields: Record<string, unknown>,
  guard = trusted,
  over: Parameters<typeof probeContext>[1] = {},
): Promise<ProbeResult> =>
  dnsKind.probe(dnsKind.schema.parse({ resolver, ...fields }), probeContext(guard, over));
const metric = (r: ProbeResult, name: string) => r.metrics.find((m) => m.name === name)?.value;

describe('dns kind', () => {
  it('answers A and AAAA with expectations and metrics', async () => {
    const r = await probe({ query_name: 'www.example.test', answers_all_of: ['93.184.216.8'] });
    assert.equal(r.error, undefined);
    assert.equal(metric(r, 'probe_dns_answer_rrs'), 2);
    assert.ok(metric(r, 'probe_dns_lookup_time_seconds')! >= 0);
    assert.equal(r.detail?.rcode, 'NOERROR');
    assert.equal(r.detail?.resolver, resolver);
    const v6 = await probe({ query_name: 'www.example.test', record_type: 'aaaa' });
    assert.equal(v6.detail?.answers, '2001:db8::1');
    assert.deepEqual(stub.queries.slice(-1), ['www.example.test AAAA']);
    const spec = dnsKind.schema.parse({ query_name: 'a.test', resolver: '[::1]:53' });
    assert.equal(dnsKind.target(spec), 'a.test A @[::1]:53');
  });

  it('checks all-of, any-of and none-of answers', async () => {
    const name = 'www.example.test';
    const cases: [Record<string, unknown>, string | undefined][] = [
      [
        { answers_all_of: ['93.184.216.9'] },
        'answers 93.184.216.7, 93.184.216.8, missing 93.184.216.9',
      ],
      [{ answers_any_of: ['93.184.216.9', '93.184.216.7'] }, undefined],
      [{ answers_any_of: ['1.2.3.4'] }, 'answers 93.184.216.7, 93.184.216.8, want any of 1.2.3.4'],
      [
        { answers_none_of: ['93.184.216.7'] },
        'answers 93.184.216.7, 93.184.216.8, want none of 93.184.216.7',
      ],
    ];
    for (const [fields, want] of cases) {
      const r = await probe({ query_name: name, ...fields });
      assert.equal(r.error, want, JSON.stringify(fields));
    }
  });

  it('renders MX, TXT, CNAME and SRV answers', async () => {
    const name = 'mail.example.test';
    const cases: [string, string][] = [
      ['MX', '10 mx1.example.test.'],
      ['TXT', 'v=spf1 -all'],
      ['CNAME', 'WWW.example.test'],
      ['SRV', '1 5 5060 sip.example.test'],
    ];
    for (const [type, answer] of cases) {
      const r = await probe({ query_name: name, record_type: type, answers_all_of: [answer] });
      assert.equal(r.error, undefined, type);
    }
  });

  it('checks the rcode and the answer count', async () => {
    const nx = await probe({ query_name: 'nope.example.test' });
    assert.equal(nx.error, 'rcode NXDOMAIN, want NOERROR');
    assert.equal(metric(nx, 'probe_dns_answer_rrs'), 0);
    const allowed = await probe({ query_name: 'nope.example.test', valid_rcodes: ['NXDOMAIN'] });
    assert.equal(allowed.success, true);
    const empty = await probe({ query_name: 'empty.example.test' });
    assert.equal(empty.error, '0 answers, want at least 1');
    assert.equal((await probe({ query_name: 'empty.example.test', min_answers: 0 })).success, true);
  });

  it('times out against a silent server', async () => {
    const r = await probe({ query_name: 'www.example.test', resolver: '127.0.0.1:9' }, trusted, {
      timeoutMs: 200,
    });
    assert.equal(r.success, false);
    assert.match(r.error!, /^cannot query www\.example\.test A: /);
  });

  it('refuses a loopback resolver and internal answers with an untrusted guard', async () => {
    const asked = stub.queries.length;
    const r = await probe({ query_name: 'www.example.test' }, new OutboundGuard());
    assert.match(r.error!, /^cannot connect to "127\.0\.0\.1": loopback address/);
    assert.equal(stub.queries.length, asked); // the stub was never asked
    const allowResolver = new OutboundGuard({ allow: ['127.0.0.1'] });
    assert.equal((await probe({ query_name: 'www.example.test' }, allowResolver)).success, true);
    const internal = await probe({ query_name: 'internal.example.test' }, allowResolver);
    assert.match(
      internal.error!,
      /^cannot connect to "internal\.example\.test" \(10\.1\.2\.3\): private address/,
    );
  });

  it('rejects invalid definitions', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ query_name: 'a b' }, /expected a domain name/],
      [{ query_name: 'a.test', record_type: 'ANY' }, /expected one of A, AAAA/],
      [{ query_name: 'a.test', resolver: 'x:99999' }, /expected host, host:port/],
      [{ query_name: 'a.test', valid_rcodes: ['OK'] }, /expected one of NOERROR/],
    ];
    for (const [fields, want] of cases) {
      const r = dnsKind.schema.safeParse(fields);
      assert.match(r.error!.issues.map((i) => i.message).join('; '), want);
    }
  });
});
