/**
 * Relabel micro-benchmark (plain script): ns per label set for typical metric_relabel_configs
 * programs over node_exporter-like series, and whether unchanged sets come back as the same
 * instance (no allocation).
 *
 *   npm run bench -- relabel [series]
 */
import { Labels } from '../model/index.js';
import { compileRelabel, relabel, type RelabelProgram } from './relabel.js';

const SERIES = Number(process.argv[2] ?? 100_000);
const ROUNDS = 5;

function makeLabels(n: number): Labels[] {
  const modes = ['idle', 'user', 'system', 'iowait', 'irq', 'softirq', 'steal', 'nice'];
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 176;
    out.push(
      Labels.fromObject({
        __name__: k < 64 ? 'node_cpu_seconds_total' : `node_metric_${k % 40}_${k >> 2}`,
        instance: `host-${Math.floor(i / 176)}.example.com:9100`,
        job: 'node',
        cpu: k < 64 ? String(k >> 3) : '',
        mode: k < 64 ? modes[k & 7] : '',
      }),
    );
  }
  return out;
}

const programs: [string, RelabelProgram][] = [
  ['empty', compileRelabel([])],
  [
    'drop by name regex (no match)',
    compileRelabel([{ source_labels: ['__name__'], regex: 'go_gc_.*|process_.*', action: 'drop' }]),
  ],
  [
    'keep by literal alternation',
    compileRelabel([{ source_labels: ['job'], regex: 'node|api', action: 'keep' }]),
  ],
  ['labeldrop __tmp_.* (no match)', compileRelabel([{ regex: '__tmp_.*', action: 'labeldrop' }])],
  [
    'replace with capture (changes every set)',
    compileRelabel([
      {
        source_labels: ['instance'],
        regex: '([^:]+):\\d+',
        target_label: 'host',
        replacement: '$1',
      },
    ]),
  ],
  ['add constant label', compileRelabel([{ target_label: 'env', replacement: 'prod' }])],
];

const sets = makeLabels(SERIES);
for (const [name, p] of programs) {
  let best = Infinity;
  let same = 0;
  for (let r = 0; r < ROUNDS; r++) {
    same = 0;
    const t0 = process.hrtime.bigint();
    for (const ls of sets) if (relabel(p, ls) === ls) same++;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / sets.length);
  }
  console.log(
    `${name.padEnd(44)} ${best.toFixed(0).padStart(6)} ns/set   unchanged=${same}/${sets.length}`,
  );
}
