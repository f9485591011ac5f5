import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TENANT } from '../../model/index.js';
import { QueryExecutionError } from '../errors.js';
import { parseExpr } from '../parser/index.js';
import { PromQLEngine } from './engine.js';
import { show, storeOf, TEST_FUNCS } from './testing.js';

const T = DEFAULT_TENANT;
const S = 1000;
const engine = new PromQLEngine({
  parse: (t) => parseExpr(t, { experimental: true }),
  functions: TEST_FUNCS,
});

describe('info() (experimental)', () => {
  it('adds the data labels of the matching target_info', async () => {
    const st = await storeOf({
      'm{instance="a", job="j", l="v"}': [
        [0, 1],
        [60, 2],
      ],
      'm{instance="b", job="j"}': [[0, 5]],
      'target_info{instance="a", job="j", env="prod", l="ignored"}': [
        [0, 1],
        [60, 1],
      ],
      'build_info{instance="a", job="j", version="1.2"}': [[0, 1]],
      'other_info{instance="a", job="j", env="dev"}': [[0, 1]],
    });
    const q = async (text: string) => show((await engine.instant(st, T, text, 60 * S)).value);
    assert.deepEqual(await q('info(m)'), [
      '{__name__="m", env="prod", instance="a", job="j", l="v"} 2',
      '{__name__="m", instance="b", job="j"} 5',
    ]);
    assert.deepEqual(await q('info(m, {env=~".+"})'), [
      '{__name__="m", env="prod", instance="a", job="j", l="v"} 2',
    ]);
    assert.deepEqual(await q('info(m, {__name__="build_info"})'), [
      '{__name__="m", instance="a", job="j", l="v", version="1.2"} 2',
      '{__name__="m", instance="b", job="j"} 5',
    ]);
    assert.deepEqual(await q('info(m, {__name__!="target_info", version=~".*"})'), [
      '{__name__="m", instance="a", job="j", l="v", version="1.2"} 2',
      '{__name__="m", instance="b", job="j"} 5',
    ]);
    // Info series themselves pass through.
    assert.deepEqual(await q('info(build_info, {__name__=~".+_info"})'), [
      '{__name__="build_info", instance="a", job="j", version="1.2"} 1',
    ]);
    assert.deepEqual(await q('info(target_info)'), [
      '{__name__="target_info", env="prod", instance="a", job="j", l="ignored"} 1',
    ]);
    // Name dropping survives enrichment.
    assert.deepEqual(await q('info(-m{instance="a"})'), [
      '{env="prod", instance="a", job="j", l="v"} -2',
    ]);
    await assert.rejects(
      engine.instant(st, T, 'info(m, {__name__=~"(target|other)_info"})', 0),
      (e: unknown) => e instanceof QueryExecutionError && /conflicting label env/.test(e.message),
    );
  });

  it('reads the info series where its argument reads, and the newest one wins', async () => {
    const st = await storeOf({
      'm{instance="a", job="j"}': [
        [0, 1],
        [60, 2],
        [120, 3],
      ],
      'target_info{instance="a", job="j", v="old"}': [
        [0, 1],
        [60, 1],
        [120, 'stale'],
      ],
      'target_info{instance="a", job="j", v="new"}': [
        [90, 1],
        [120, 1],
      ],
    });
    const r = await engine.range(st, T, 'info(m)', 0, 120 * S, 60 * S);
    assert.deepEqual(show(r.value), [
      '{__name__="m", instance="a", job="j", v="new"} 120@3',
      '{__name__="m", instance="a", job="j", v="old"} 0@1 60@2',
    ]);
    const off = await engine.range(st, T, 'info(m offset 1m)', 60 * S, 120 * S, 60 * S);
    assert.deepEqual(show(off.value), [
      '{__name__="m", instance="a", job="j", v="old"} 60@1 120@2',
    ]);
    const at = await engine.instant(st, T, 'info(last_over_time(m[1m:1m] @ 120))', 999 * S);
    assert.deepEqual(show(at.value), ['{__name__="m", instance="a", job="j", v="new"} 3']);
    const sum = await engine.instant(st, T, 'info(sum by (instance, job) (m) + 0)', 120 * S);
    assert.deepEqual(show(sum.value), ['{instance="a", job="j", v="new"} 3']);
  });
});
