import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelName, metricName, unitSuffixes } from './naming.js';

describe('metricName', () => {
  const cases: [string, string, 'counter' | 'gauge' | 'other', string][] = [
    ['http.server.request.duration', 's', 'other', 'http_server_request_duration_seconds'],
    ['http.server.duration', 'ms', 'other', 'http_server_duration_milliseconds'],
    ['system.network.io', 'By', 'counter', 'system_network_io_bytes_total'],
    ['requests.count', '1', 'counter', 'requests_count_total'],
    ['requests.total.count', '', 'counter', 'requests_count_total'],
    ['memory.utilization', '1', 'gauge', 'memory_utilization_ratio'],
    ['cpu.ratio.used', '1', 'gauge', 'cpu_used_ratio'],
    ['net.throughput', 'By/s', 'gauge', 'net_throughput_bytes_per_second'],
    ['packets', '{packets}', 'counter', 'packets_total'],
    ['latency_seconds', 's', 'other', 'latency_seconds'],
    ['temp', 'Cel', 'gauge', 'temp_celsius'],
    ['weird unit', 'furlongs/fortnight', 'gauge', 'weird_unit_furlongs_per_fortnight'],
    ['2xx.responses', '', 'counter', '_2xx_responses_total'],
    ['a..b__c', '', 'gauge', 'a_b_c'],
    ['ns:metric', 'KiBy', 'gauge', 'ns:metric_kibibytes'],
    ['...', '', 'gauge', ''],
  ];
  for (const [name, unit, kind, want] of cases) {
    it(`${name} [${unit}] ${kind} → ${want}`, () => {
      assert.equal(metricName(name, unit, kind), want);
    });
  }
});

describe('unitSuffixes', () => {
  it('maps main and per units, drops annotations', () => {
    assert.deepEqual(unitSuffixes('ms'), ['milliseconds', '']);
    assert.deepEqual(unitSuffixes('1/s'), ['', 'per_second']);
    assert.deepEqual(unitSuffixes('{req}/min'), ['', 'per_min']);
    assert.deepEqual(unitSuffixes('{req}'), ['', '']);
    assert.deepEqual(unitSuffixes('%'), ['percent', '']);
  });
});

describe('labelName', () => {
  const cases: [string, string][] = [
    ['http.method', 'http_method'],
    ['service.instance.id', 'service_instance_id'],
    ['123invalid', 'key_123invalid'],
    ['__reserved__', '__reserved_'],
    ['a..b', 'a_b'],
    ['ünïcode', '_n_code'],
    ['...', ''],
    ['_private', '_private'],
  ];
  for (const [key, want] of cases) {
    it(`${key} → ${JSON.stringify(want)}`, () => assert.equal(labelName(key), want));
  }
});
