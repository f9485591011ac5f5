/**
 * Check-engine benchmark (plain script): N checks at one interval through the whole engine —
 * scheduler, semaphore, flap protection, batched probe_* samples into a MemStore and batched
 * state writes to a real SQLite state.db — with a kind that answers at once, so the figures are
 * the engine's own cost. Prints CPU per probe and the scheduling lag (|actual start − due|).
 *
 *   npm run bench -- engine [checks=1000] [interval_s=10] [seconds=30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboundGuard } from '../net/index.js';
import { DEFAULT_TENANT } from '../model/index.js';
import { openSqliteState } from '../state/index.js';
import { MemStore } from '../storage/index.js';
import { nopLogger } from '../util/index.js';
import { CheckEngine } from './engine.js';
import { FakeKind, ok, sleep, testDefinition } from './testing.js';

const N = Number(process.argv[2] ?? 1000);
const INTERVAL = Number(process.argv[3] ?? 10) * 1000;
const SECONDS = Number(process.argv[4] ?? 30);

const dir = mkdtempSync(join(tmpdir(), 'argus-engine-bench-'));
const state = openSqliteState({ file: join(dir, 'state.db') });
const kind = new FakeKind('fake', () =>
  Promise.resolve(ok([{ name: 'probe_http_status_code', value: 200 }])),
);
const engine = new CheckEngine({
  appendable: new MemStore(),
  state,
  kinds: new Map([['fake', kind]]),
  guard: new OutboundGuard(),
  secrets: { get: () => Promise.resolve('') },
  query: () => Promise.resolve([]),
  heartbeatKey: Buffer.alloc(32),
  logger: nopLogger,
});
await engine.start();
engine.setChecks(
  DEFAULT_TENANT,
  Array.from({ length: N }, (_, i) => ({
    definition: testDefinition({ name: `check-${i}`, interval: INTERVAL, timeout: 5000 }),
    source: 'config' as const,
    services: [`svc-${i % 50}`],
  })),
);
// Warm up one interval, then measure.
await sleep(INTERVAL);
const runs0 = engine.metrics().runsTotal;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await sleep(SECONDS * 1000);
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - t0;
const m = engine.metrics();
const runs = m.runsTotal - runs0;
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  JSON.stringify(
    {
      checks: N,
      intervalS: INTERVAL / 1000,
      runs,
      cpuPercentOfCore: +((100 * cpuMs) / wall).toFixed(2),
      cpuMsPerProbe: +(cpuMs / runs).toFixed(4),
      lagP50Ms: m.schedulingLagP50Ms,
      lagP99Ms: m.schedulingLagP99Ms,
      lagMaxMs: m.schedulingLagMaxMs,
      skipped: m.skippedTotal,
      stateTransactions: m.stateTransactionsTotal,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
    null,
    2,
  ),
);
await engine.stop();
await state.close();
rmSync(dir, { recursive: true, force: true });
