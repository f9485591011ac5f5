import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAddress, classifyName, parseHostLiteral } from './index.js';

// [spelling, canonical] — undefined: not an IP literal (a name, or nothing).
const LITERALS: [string, string | undefined][] = [
  ['127.0.0.1', '127.0.0.1'],
  ['127.1', '127.0.0.1'],
  ['127.0.1', '127.0.0.1'],
  ['0177.0.0.1', '127.0.0.1'],
  ['0x7f.1', '127.0.0.1'],
  ['0X7F.1', '127.0.0.1'],
  ['0x7f000001', '127.0.0.1'],
  ['2130706433', '127.0.0.1'],
  ['0x.0x.0x.0x', '0.0.0.0'],
  ['127.0.0.1.', '127.0.0.1'],
  ['１２７.０.０.１', '127.0.0.1'],
  ['255.255.255.255', '255.255.255.255'],
  ['4294967295', '255.255.255.255'],
  ['[::1]', '::1'],
  ['::ffff:127.0.0.1', '::ffff:7f00:1'],
  ['::FFFF:7F00:1', '::ffff:7f00:1'],
  ['0:0:0:0:0:0:0:1', '::1'],
  ['fe80::1%eth0', 'fe80::1'],
  ['[fe80::1%25eth0]', 'fe80::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
  ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
  ['1::', '1::'],
  ['::', '::'],
  ['64:ff9b::10.0.0.1', '64:ff9b::a00:1'],
  // Not IP literals.
  ['4294967296', undefined],
  ['256.0.0.1', undefined],
  ['1.2.3.4.5', undefined],
  ['09.0.0.1', undefined],
  ['0x7g.1', undefined],
  ['1..1', undefined],
  ['example.com', undefined],
  ['[example.com]', undefined],
  ['[127.0.0.1]', undefined],
  ['1:2:3:4:5:6:7:8:9', undefined],
  ['1::2::3', undefined],
  ['::1.2.3.4:5', undefined],
  ['::256.1.1.1', undefined],
  ['::01.1.1.1', undefined],
  ['1.2.3.4::', undefined],
  ['12345::', undefined],
  ['1:2:3:4:5:6:7::8', undefined],
  ['', undefined],
];

describe('parseHostLiteral', () => {
  for (const [spelling, want] of LITERALS) {
    it(`${spelling} -> ${want}`, () => assert.equal(parseHostLiteral(spelling), want));
  }

  it('agrees with WHATWG URL host parsing wherever the URL parser accepts an IP', () => {
    for (const [spelling, want] of LITERALS) {
      if (want === undefined || spelling.includes('%')) continue;
      const host = spelling.includes(':') && !spelling.startsWith('[') ? `[${spelling}]` : spelling;
      const h = new URL(`http://${host}/`).hostname;
      assert.equal(parseHostLiteral(h), want, spelling);
      assert.equal(h.replace(/^\[|\]$/g, ''), want, spelling);
    }
  });
});

describe('classifyAddress', () => {
  it('throws on a non-IP', () => {
    assert.throws(() => classifyAddress('example.com'), {
      name: 'InvalidDestinationError',
      message: 'cannot classify "example.com": not an IP address',
    });
  });

  it('judges Teredo by the client and the server it embeds', () => {
    // Server 65.54.227.120 (public), client 127.0.0.1 obfuscated.
    assert.equal(classifyAddress('2001:0:4136:e378:8000:63bf:80ff:fffe'), 'loopback');
    // Server 10.0.0.1, client 8.8.8.8 (f7f7:f7f7 obfuscated).
    assert.equal(classifyAddress('2001:0:a00:1::f7f7:f7f7'), 'private');
    // Both public.
    assert.equal(classifyAddress('2001:0:4136:e378::f7f7:f7f7'), 'public');
  });

  it('treats everything outside 2000::/3 without an embedded IPv4 as reserved', () => {
    assert.equal(classifyAddress('4000::1'), 'reserved');
    assert.equal(classifyAddress('::1:0:0:1'), 'reserved');
    assert.equal(classifyAddress('2a00:1450::1'), 'public');
  });
});

describe('classifyName', () => {
  it('refuses loopback and metadata names only', () => {
    assert.equal(classifyName('localhost'), 'loopback');
    assert.equal(classifyName('x.localhost'), 'loopback');
    assert.equal(classifyName('metadata.google.internal'), 'metadata');
    assert.equal(classifyName('localhostx'), undefined);
    assert.equal(classifyName('grafana.internal'), undefined);
  });
});
