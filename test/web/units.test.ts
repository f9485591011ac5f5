import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { axisFormatter, formatValue, isUnit, type Unit } from '../../web/src/lib/units.js';

describe('formatValue', () => {
  const cases: [number, Unit, string][] = [
    [0, 'none', '0'],
    [1234.5678, 'none', '1235'],
    [12.345, 'none', '12.3'],
    [1.5, 'none', '1.5'],
    [0.001234, 'none', '0.00123'],
    [-3.25, 'none', '-3.25'],
    [999, 'short', '999'],
    [1200, 'short', '1.2k'],
    [3_400_000, 'short', '3.4M'],
    [2.5e9, 'short', '2.5B'],
    [0, 'bytes', '0 B'],
    [512, 'bytes', '512 B'],
    [1536, 'bytes', '1.5 KiB'],
    [1024 * 1024 * 3.25, 'bytes', '3.25 MiB'],
    [1024 ** 3 * 16, 'bytes', '16 GiB'],
    [1024 ** 4 * 2, 'bytes', '2 TiB'],
    [2048, 'bytes/s', '2 KiB/s'],
    [1_500_000, 'bits/s', '1.5 Mb/s'],
    [800, 'bits/s', '800 b/s'],
    [0, 'seconds', '0 s'],
    [2.5e-9, 'seconds', '2.5 ns'],
    [0.000045, 'seconds', '45 µs'],
    [0.0125, 'seconds', '12.5 ms'],
    [1.5, 'seconds', '1.5 s'],
    [90, 'seconds', '1.5 min'],
    [7200, 'seconds', '2 h'],
    [86400, 'seconds', '1 day'],
    [86400 * 3, 'seconds', '3 days'],
    [42, 'percent', '42%'],
    [99.55, 'percent', '99.5%'],
    [0.25, 'percentunit', '25%'],
    [0.1234, 'percentunit', '12.3%'],
    [NaN, 'bytes', 'NaN'],
    [Infinity, 'seconds', '+Inf'],
    [-Infinity, 'none', '-Inf'],
  ];
  for (const [v, unit, want] of cases) {
    it(`${v} ${unit} → ${want}`, () => assert.equal(formatValue(v, unit), want));
  }
  it('forces decimals when asked', () => {
    assert.equal(formatValue(1536, 'bytes', 0), '2 KiB');
    assert.equal(formatValue(1, 'none', 3), '1');
  });
});

describe('axisFormatter', () => {
  it('adds decimals until close ticks read differently', () => {
    const ticks = [0.716, 0.7162, 0.7164, 0.7166];
    assert.deepEqual(axisFormatter('percentunit')(ticks), ['71.6%', '71.62%', '71.64%', '71.66%']);
    const bytes = axisFormatter('bytes')([1_048_576, 1_049_600, 1_050_624]);
    assert.equal(new Set(bytes).size, 3, bytes.join(' '));
  });

  it('keeps the spacing precision for plain numbers', () => {
    assert.deepEqual(axisFormatter('none')([0, 0.5, 1, 1.5]), ['0', '0.5', '1', '1.5']);
    assert.deepEqual(axisFormatter('none')([0, 0.1 + 0.2, 0.6]), ['0', '0.3', '0.6']);
    assert.deepEqual(axisFormatter('none')([0, 2000, 4000]), ['0', '2000', '4000']);
  });
  it('formats each tick with its unit', () => {
    assert.deepEqual(axisFormatter('bytes')([0, 1024, 2048]), ['0 B', '1 KiB', '2 KiB']);
    assert.deepEqual(axisFormatter('percentunit')([0, 0.5, 1]), ['0%', '50%', '100%']);
    assert.deepEqual(axisFormatter('percent')([0, 25, 50]), ['0%', '25%', '50%']);
    assert.deepEqual(axisFormatter('percent')([10, 12.5, 15]), ['10%', '12.5%', '15%']);
    assert.deepEqual(axisFormatter('none')([0.25, 0.5, 0.75]), ['0.25', '0.5', '0.75']);
  });
});

describe('isUnit', () => {
  it('accepts the known units only', () => {
    assert.equal(isUnit('bytes'), true);
    assert.equal(isUnit('furlongs'), false);
    assert.equal(isUnit(null), false);
  });
});
