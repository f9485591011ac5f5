/**
 * Aggregation micro-benchmark (plain script): `sum by (instance)` and `topk(10, …)` over
 * node_exporter-like CPU series (series=18k, steps=60 by default), fixed seed, median of rounds.
 *
 *   npm run bench -- aggregate [series] [steps]
 */
import { Labels } from '../../model/index.js';
import { mulberry32 } from '../../util/index.js';
import type { AggregateExpr, AggregateOp } from '../ast.js';
import type { EvalContext, StepSeries, StepValue } from '../steps.js';
import { aggregate } from './index.js';

const SERIES = Number(process.argv[2] ?? 18_000);
const STEPS = Number(process.argv[3] ?? 60);
const ROUNDS = 15;

function makeInput(): StepSeries[] {
  const rnd = mulberry32(42);
  const modes = ['idle', 'user', 'system', 'iowait', 'irq', 'softirq', 'steal', 'nice'];
  const out: StepSeries[] = [];
  for (let i = 0; i < SERIES; i++) {
    const vs = new Float64Array(STEPS);
    for (let s = 0; s < STEPS; s++) vs[s] = rnd() * 10;
    out.push({
      labels: Labels.fromObject({
        cpu: String((i >> 3) % 8),
        instance: `host-${Math.floor(i / 64)}:9100`,
        job: 'node',
        mode: modes[i & 7],
      }),
      vs,
      ts: null,
      dropName: true,
    });
  }
  return out;
}

function node(op: AggregateOp, grouping: string[]): AggregateExpr {
  const pos = { start: 0, end: 1 };
  return {
    type: 'AggregateExpr',
    op,
    expr: { type: 'VectorSelector', name: 'x', matchers: [], offset: 0, at: null, pos },
    param: op === 'topk' ? { type: 'NumberLiteral', value: 10, pos } : null,
    grouping,
    without: false,
    hasGrouping: grouping.length > 0,
    pos,
  };
}

const ctx: EvalContext = {
  times: Float64Array.from({ length: STEPS }, (_, i) => i * 60_000),
  steps: STEPS,
  warn: () => {},
  info: () => {},
  checkDeadline: () => {},
};

const input = makeInput();
const cases: [string, AggregateExpr, StepValue | null][] = [
  ['sum by (instance)', node('sum', ['instance']), null],
  ['topk(10, …)', node('topk', []), { kind: 'scalar', vs: new Float64Array(STEPS).fill(10) }],
  ['avg by (instance, mode)', node('avg', ['instance', 'mode']), null],
];
console.log(`aggregate: series=${SERIES}, steps=${STEPS}, median of ${ROUNDS} rounds`);
for (const [name, n, param] of cases) {
  const times: number[] = [];
  let outSeries = 0;
  for (let r = 0; r < ROUNDS + 3; r++) {
    const t0 = process.hrtime.bigint();
    outSeries = aggregate(n, input, param, ctx).length;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r >= 3) times.push(ms); // first rounds warm the JIT
  }
  times.sort((a, b) => a - b);
  const med = times[times.length >> 1];
  console.log(
    `  ${name.padEnd(26)} ${med.toFixed(2).padStart(8)} ms  (${outSeries} output series)`,
  );
}
