import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloat } from './float-format.js';
import { goQuote } from '../util/index.js';
import { formatV, sprint, sprintf } from './fmt.js';

// [format, args, Go's fmt.Sprintf output]
const SPRINTF: [string, unknown[], string][] = [
  ['%s', ['x'], 'x'],
  ['%v', [1.5], '1.5'],
  ['%v', [1e6], '1e+06'],
  ['%v', [123456789], '1.23456789e+08'],
  ['%v', [0.1], '0.1'],
  ['%v', [Infinity], '+Inf'],
  ['%v', [-Infinity], '-Inf'],
  ['%v', [NaN], 'NaN'],
  ['%v', [null], '<nil>'],
  ['%v', [[1n, 'a']], '[1 a]'],
  ['%v', [{ b: 2n, a: 'x' }], 'map[a:x b:2]'],
  ['%v', [new Map([['k', 1n]])], 'map[k:1]'],
  ['%d', [42n], '42'],
  ['%d', [-7], '-7'],
  ['%d', [1.5], '%!d(float64=1.5)'],
  ['%5d|%-5d|%05d', [1n, 2n, -3n], '    1|2    |-0003'],
  ['%+d', [5n], '+5'],
  ['%x %X %o %b', [255n, 255n, 8n, 5n], 'ff FF 10 101'],
  ['%#x', [255n], '0xff'],
  ['%x', ['hi'], '6869'],
  ['%f', [3.14159], '3.141590'],
  ['%.2f', [3.14159], '3.14'],
  ['%6.2f|%-8.3f|', [3.14159, 2.5], '  3.14|2.500   |'],
  ['%.0f %.0f %.0f %.1f', [0.5, 1.5, 2.5, 0.25], '0 2 2 0.2'],
  ['%.2f', [1e21], '1000000000000000000000.00'],
  ['%.2f', [-0.001], '-0.00'],
  ['%e', [123456.789], '1.234568e+05'],
  ['%E', [0.000123], '1.230000E-04'],
  ['%.2e', [0], '0.00e+00'],
  ['%g', [100000], '100000'],
  ['%g', [1e21], '1e+21'],
  ['%g', [0.00001], '1e-05'],
  ['%.3g', [1234.5], '1.23e+03'],
  ['%.4g', [0.12], '0.12'],
  ['%.4g', [100], '100'],
  ['%t %t', [true, false], 'true false'],
  ['%q', ['a"b\n'], '"a\\"b\\n"'],
  ['%q', [65n], "'A'"],
  ['%c %U', [9731n, 9731n], '☃ U+2603'],
  ['%T %T %T %T', ['s', 1n, 1.5, [1]], 'string int float64 []interface {}'],
  ['%10s|%-10s|', ['right', 'left'], '     right|left      |'],
  ['%.3s', ['abcdef'], 'abc'],
  ['100%%', [], '100%'],
  ['%d %d', [1n], '1 %!d(MISSING)'],
  ['%d', [1n, 2n], '1%!(EXTRA int=2)'],
  ['%z', [1n], '%!z(int=1)'],
  ['%t', [1n], '%!t(int=1)'],
  ['%*d', [5n, 42n], '   42'],
  ['%', [], '%!(NOVERB)'],
];

describe('sprintf', () => {
  for (const [f, args, want] of SPRINTF) {
    it(`${f} ${args.map((a) => formatV(a)).join(',')}`, () => {
      assert.equal(sprintf(f, args), want);
    });
  }
});

describe('formatFloat', () => {
  // [value, verb, prec, Go's strconv.FormatFloat]
  const CASES: [number, string, number, string][] = [
    [0, 'g', -1, '0'],
    [-0, 'g', -1, '-0'],
    [1234567, 'g', 4, '1.235e+06'],
    [1.2345, 'g', 4, '1.234'],
    [12.345, 'g', 4, '12.35'],
    [0.125, 'f', 2, '0.12'],
    [0.375, 'f', 2, '0.38'],
    [2.675, 'f', 2, '2.67'],
    [9.995, 'g', 3, '9.99'],
    [5e-324, 'g', -1, '5e-324'],
    [1.7976931348623157e308, 'g', -1, '1.7976931348623157e+308'],
    [123456, 'g', -1, '123456'],
    [1234567, 'g', -1, '1.234567e+06'],
    [0.0001234, 'g', -1, '0.0001234'],
    [1.5, 'e', -1, '1.5e+00'],
    [100, 'f', -1, '100'],
  ];
  for (const [v, verb, prec, want] of CASES) {
    it(`${v} %${verb} prec ${prec}`, () => assert.equal(formatFloat(v, verb, prec), want));
  }
});

describe('sprint and quoting', () => {
  it('adds spaces only between non-string operands', () => {
    assert.equal(sprint([1n, 2n, 'a', 3n, 'b', 'c']), '1 2a3bc');
  });
  it('quotes like strconv.Quote', () => {
    assert.equal(goQuote('tab\there\x00\u200b'), '"tab\\there\\x00\\u200b"');
  });
  it('prints Stringers through String()', () => {
    assert.equal(formatV({ String: () => 'custom' }), 'custom');
    assert.equal(formatV(new Error('boom')), 'boom');
  });
});
