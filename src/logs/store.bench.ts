/**
 * LogStore micro-benchmark (plain script): ingest throughput of append + commit of ~1 MiB
 * batches through the WAL (fsync=batch) with sealing on (q4 + bloom in the encoder pool), and
 * head memory per active stream. `SEAL=0` keeps everything in the head (request path alone),
 * `INLINE=1` adds a run encoding on the main thread. Process CPU per MiB is printed because
 * wall-clock rates swing with other load on the machine.
 *
 *   npx tsc -p tsconfig.json && node --expose-gc dist/src/logs/store.bench.js [MiB] [senders]
 *
 * Load: 50 streams (25 nginx access, 25 JSON app logs with trace ids), fixed seed, each batch
 * spread over all streams as a Loki push from an agent is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TENANT, Labels } from '../model/index.js';
import type { LogEntry } from '../storage/index.js';
import { mulberry32 } from '../util/index.js';
import { defaultLogsStoreConfig } from './config.js';
import { inlineChunkEncoder } from './store-encoder.js';
import { LogStore } from './store.js';

const MIB = Number(process.argv[2] ?? 256);
const SENDERS = Number(process.argv[3] ?? 4);
const STREAMS = 50;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rnd = mulberry32(42);
const hex = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
  return s;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
const paths = ['/api/v1/users', '/api/v1/orders', '/static/app.js', '/login', '/healthz'];
const msgs = ['request served', 'cache miss', 'db query slow', 'retrying upstream', 'user login'];

function line(stream: number, ms: number): string {
  const iso = new Date(ms).toISOString();
  if (stream < 25)
    return `10.0.${stream}.${Math.floor(rnd() * 255)} - - [${iso}] "GET ${pick(paths)} HTTP/1.1" ${pick([200, 200, 200, 304, 404, 500])} ${Math.floor(rnd() * 50000)} "-" "Mozilla/5.0" trace=${hex(32)}`;
  return JSON.stringify({
    ts: iso,
    level: pick(['info', 'info', 'warn', 'error']),
    msg: pick(msgs),
    trace_id: hex(32),
    span_id: hex(16),
    duration_ms: Math.floor(rnd() * 900),
  });
}

async function ingest(encoderInline: boolean): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'argus-logbench-'));
  const store = await LogStore.open({
    dir,
    // SEAL=0: no sealing while ingesting (the request path alone: parse-free append, WAL, head).
    config: {
      ...defaultLogsStoreConfig(),
      ...(process.env.SEAL === '0' ? { chunk_target_size: 2 ** 30 } : {}),
    },
    ...(encoderInline ? { encoder: inlineChunkEncoder } : {}),
  });
  const labels = Array.from({ length: STREAMS }, (_, i) =>
    Labels.fromObject({ job: i < 25 ? 'nginx' : 'app', instance: `host-${i}` }),
  );
  // Pre-generate one pool of batches (~1 MiB each) so generation is not measured.
  const batches: { per: LogEntry[][]; bytes: number }[] = [];
  const t0 = Date.now() - 3_600_000;
  let t = t0;
  for (let b = 0; b < 16; b++) {
    const per: LogEntry[][] = labels.map(() => []);
    let bytes = 0;
    while (bytes < 2 ** 20) {
      const s = Math.floor(rnd() * STREAMS);
      const l = line(s, t);
      per[s].push({ ts: BigInt(t) * 1_000_000n + BigInt(Math.floor(rnd() * 1e6)), line: l });
      bytes += l.length;
      t += 1;
    }
    batches.push({ per, bytes });
  }
  const target = MIB * 2 ** 20;
  let sent = 0;
  let accepted = 0;
  let rejected = 0;
  let n = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let shift = 0n;
  const sender = async (): Promise<void> => {
    while (sent < target) {
      const b = batches[n++ % batches.length];
      // Later rounds move forward in time so the out-of-order window accepts them.
      if (n % batches.length === 0) shift += BigInt(t - t0) * 1_000_000n;
      const off = shift;
      sent += b.bytes;
      const app = store.logAppender(DEFAULT_TENANT);
      for (let i = 0; i < STREAMS; i++)
        if (b.per[i].length > 0)
          app.append(
            labels[i],
            off === 0n ? b.per[i] : b.per[i].map((e) => ({ ts: e.ts + off, line: e.line })),
          );
      const r = await app.commit();
      accepted += r.bytes;
      rejected += r.rejected.length;
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  const ackS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerMiB = (cpu.user + cpu.system) / 1000 / (accepted / 2 ** 20);
  const walBefore = store.stats().walBytes;
  await store.flush();
  const allS = (performance.now() - start) / 1000;
  const st = store.stats();
  console.log(
    `ingest (${encoderInline ? 'inline encode' : 'encoder pool'}, ${SENDERS} senders, ${(accepted / 2 ** 20).toFixed(0)} MiB accepted, ${rejected} entries rejected): ` +
      `acknowledged ${(accepted / 2 ** 20 / ackS).toFixed(1)} MiB/s (process CPU ${cpuMsPerMiB.toFixed(1)} ms/MiB); incl. sealing all ${(accepted / 2 ** 20 / allS).toFixed(1)} MiB/s; ` +
      `chunks ${st.chunkStore.chunks}, on disk ${((st.chunkStore.bytes / st.chunkStore.rawBytes) * 100).toFixed(1)}% of raw, WAL ${(walBefore / 2 ** 20).toFixed(0)} MiB before the final flush, ${(st.walBytes / 2 ** 20).toFixed(0)} MiB after`,
  );
  await store.close();
  await rm(dir, { recursive: true, force: true });
}

async function memoryPerStream(n: number): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'argus-logbench-'));
  const store = await LogStore.open({
    dir,
    config: { ...defaultLogsStoreConfig(), wal: { fsync: 'none' } },
    encoder: inlineChunkEncoder,
    limits: () => ({
      maxLineBytes: 2 ** 18,
      maxStreams: 0,
      maxLabelNames: 15,
      maxLabelValueBytes: 2048,
      rateBytes: 0,
      burstBytes: 0,
    }),
  });
  const t = BigInt(Date.now()) * 1_000_000n;
  const labels = Array.from({ length: n }, (_, i) =>
    Labels.fromObject({ job: 'app', namespace: 'prod', pod: `pod-${i.toString(36)}-${hex(5)}` }),
  );
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i += 1000) {
    const app = store.logAppender(DEFAULT_TENANT);
    for (let j = i; j < Math.min(n, i + 1000); j++) app.append(labels[j], [{ ts: t, line: 'x' }]);
    await app.commit();
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `head memory per active stream (${n} streams, one 1-byte entry each, labels excluded): ${((after - before) / n).toFixed(0)} B`,
  );
  await store.close();
  await rm(dir, { recursive: true, force: true });
}

await ingest(false);
if (process.env.INLINE === '1') await ingest(true);
await memoryPerStream(20_000);
