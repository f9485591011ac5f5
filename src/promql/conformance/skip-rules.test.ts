import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FUNCTION_SIGNATURES } from '../functions/signatures.js';
import { parseScript } from './script.js';
import { EXPERIMENTAL_FUNCTIONS, LoadedState, skipRule } from './skip-rules.js';

/** The rule for `eval instant at 0 <q>` with nothing loaded. */
function ruleFor(q: string, experimental = false): string | null {
  const [ev] = parseScript(`eval instant at 0 ${q}\n`, 's.test').commands;
  assert.equal(ev.kind, 'eval');
  return ev.kind === 'eval' ? skipRule(ev, new LoadedState(), experimental) : null;
}

describe('skip rules', () => {
  it('skip experimental-only functions unless experimental is on', () => {
    for (const q of [
      'start()',
      'end() - start()',
      'vector(end())',
      'histogram_quantiles(m_bucket, "q", 0.5)',
      'sort_by_label(m, "a")',
      'ts_of_max_over_time(m[1m])',
    ]) {
      assert.equal(ruleFor(q), 'experimental:functions', q);
      assert.equal(ruleFor(q, true), null, q);
    }
  });

  it('do not skip stable functions or names that only contain an experimental one', () => {
    for (const q of [
      'histogram_quantile(0.5, m_bucket)',
      'my_start()',
      'start_x',
      'sum by (start, end) (m)',
      'label_replace(m, "start", "end()", "", "")',
      'timestamp(m)',
    ]) {
      assert.equal(ruleFor(q), null, q);
    }
  });

  it('cover every experimental function the parser knows that no narrower rule covers', () => {
    // info, the duration-expression functions and limitk/limit_ratio have their own rules.
    const own = new Set(['info', 'step', 'range', 'min_of', 'max_of']);
    const fromParser = [...FUNCTION_SIGNATURES.values()]
      .filter((s) => s.experimental && !own.has(s.name))
      .map((s) => s.name)
      .sort();
    assert.deepEqual([...EXPERIMENTAL_FUNCTIONS].sort(), fromParser);
  });
});
