/**
 * Pipeline micro-benchmark (plain script): lines/s through compiled LogQL pipelines over
 * realistic JSON app lines (1 in 10 contains the filter token, 1 in 4 of those is a 5xx),
 * one stream, no store. `|= "x"` runs in the pipeline here (in a query it is pushed down).
 *
 *   npm run bench -- pipeline [lines]
 */
import { Labels, Matcher } from '../../model/index.js';
import type { Stage } from '../ast.js';
import { compilePipeline } from './pipeline.js';

const N = Number(process.argv[2] ?? 500_000);
const stream = Labels.fromObject({ app: 'checkout', env: 'prod' });

const lines: string[] = [];
for (let i = 0; i < 10_000; i++) {
  const hit = i % 10 === 0;
  const status = hit && i % 40 === 0 ? 503 : 200;
  lines.push(
    JSON.stringify({
      ts: '2026-11-27T16:58:19.123Z',
      level: status >= 500 ? 'error' : 'info',
      msg: hit ? 'payment xfail for order' : 'request served',
      trace_id: (i * 2654435761).toString(16).padStart(16, '0'),
      http: { method: 'GET', path: `/api/orders/${i}`, status, duration_ms: (i % 97) * 1.5 },
      user: `user-${i % 313}`,
    }),
  );
}

const json: Stage = { kind: 'parser', parser: 'json' };
const status500: Stage = {
  kind: 'label_filter',
  expr: { kind: 'number', name: 'http_status', op: '>=', value: 500 },
};
const cases: [string, Stage[]][] = [
  [
    '|= "x" | json | http_status>=500',
    [{ kind: 'line_filter', op: '|=', values: ['xfail'] }, json, status500],
  ],
  ['| json | http_status>=500 (every line parsed)', [json, status500]],
  [
    '|~ "xf.il" | json | level="error"',
    [
      { kind: 'line_filter', op: '|~', values: ['xf.il'] },
      json,
      {
        kind: 'label_filter',
        expr: { kind: 'string', matcher: new Matcher('=', 'level', 'error') },
      },
    ],
  ],
  [
    '| json | line_format "{{.http_path}}"',
    [json, { kind: 'line_format', template: '{{.http_path}}' }],
  ],
];

for (const [name, stages] of cases) {
  const p = compilePipeline(stages);
  let kept = 0;
  const run = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      let r = p.process(BigInt(i), lines[i % lines.length], stream);
      if (r instanceof Promise) r = await r;
      if (r) kept++;
    }
  };
  const n = p.isAsync ? Math.ceil(N / 10) : N;
  await run(Math.min(n, 20_000)); // warm-up
  kept = 0;
  // CPU time, not wall time: stable on a shared, loaded machine (the loop is single-threaded).
  const c0 = process.cpuUsage();
  await run(n);
  const c = process.cpuUsage(c0);
  const ns = ((c.user + c.system) * 1000) / n;
  console.log(
    `${name.padEnd(48)} ${ns.toFixed(0).padStart(7)} cpu ns/line ${Math.round(1e9 / ns)
      .toLocaleString('en')
      .padStart(12)} lines/cpu-s  kept ${kept}/${n}`,
  );
}
