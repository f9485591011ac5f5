/**
 * Issue #2 §7 "crash test as real processes": `argus server` is `kill -9`ed at random points
 * while a separate process (crash-writer.ts) streams remote_write requests from 4 concurrent
 * senders, and restarted on the same data dir. After the last crash every acknowledged sample
 * must be exported with its value, and every request must be there whole or not at all.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { METRIC, STEP_MS, sampleValue } from './crash-writer.js';
import { exportSeries, startArgus, tempDir, type ArgusProcess } from './helpers.js';

const SENDERS = 4;
const SERIES = 200;
const CRASHES = 6;
/** Acks to see after each (re)start before the random kill delay starts: kills hit mid-stream. */
const ACKS_BEFORE_KILL = 30;

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
const WRITER = path.join(path.dirname(here), `crash-writer${ext}`);
// Under tsx the child needs the TypeScript loader; the compiled test runs plain JS.
const WRITER_ARGS = ext === '.ts' ? ['--import', 'tsx', WRITER] : [WRITER];

/** A free TCP port on 127.0.0.1: every restart listens on it, so the writer's URL stays valid. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr !== null
          ? resolve(addr.port)
          : reject(new Error(`cannot find a free port: address ${String(addr)}`)),
      );
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The writer's stdout, parsed line by line as it arrives. */
class WriterLog {
  acks: [number, number][] = [];
  fails: string[] = [];
  /** Highest request number each sender has got an answer (or error) for. */
  lastK = new Array<number>(SENDERS).fill(-1);
  private partial = '';

  feed(d: Buffer): void {
    const lines = (this.partial + d.toString()).split('\n');
    this.partial = lines.pop()!;
    for (const l of lines) {
      const [kind, s, k] = l.split(' ');
      const sk: [number, number] = [Number(s), Number(k)];
      this.lastK[sk[0]] = Math.max(this.lastK[sk[0]], sk[1]);
      if (kind === 'ack') this.acks.push(sk);
      else this.fails.push(l);
    }
  }
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('crash test as real processes (kill -9 of argus server mid-stream)', () => {
  it('keeps every acknowledged sample and applies no request by halves', async (t) => {
    const root = await tempDir('argus-crash-');
    const dataDir = path.join(root, 'data');
    const listen = `127.0.0.1:${await freePort()}`;
    // An hour back: far from the future limit, and the writers' span stays well below the
    // 1.5 × 2 h at which the head is cut into a block.
    const t0 = Date.now() - 3_600_000;
    const trace: string[] = [];
    const log = new WriterLog();
    let argus: ArgusProcess | undefined;
    let writer: ChildProcess | undefined;
    try {
      argus = await startArgus({ dataDir, listen });
      writer = spawn(
        process.execPath,
        [...WRITER_ARGS, `http://${listen}`, String(t0), String(SENDERS), String(SERIES)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let writerErr = '';
      writer.stdout!.on('data', (d: Buffer) => log.feed(d));
      writer.stderr!.on('data', (d: Buffer) => (writerErr += d.toString()));
      const writerExit = new Promise<void>((r) => writer!.once('exit', () => r()));

      for (let crash = 0; crash < CRASHES; crash++) {
        const acked = log.acks.length;
        await waitFor(
          `${ACKS_BEFORE_KILL} acks after start ${crash} (writer stderr: ${writerErr})`,
          () => log.acks.length >= acked + ACKS_BEFORE_KILL,
        );
        const delay = Math.floor(Math.random() * 800);
        await sleep(delay);
        await argus.kill9();
        trace.push(`crash ${crash}: ${log.acks.length - acked} acks, killed ${delay} ms late`);
        if (crash < CRASHES - 1) {
          // The writer keeps sending meanwhile: those requests fail (refused, or 503 in replay).
          await sleep(Math.floor(Math.random() * 200));
          if (crash % 2 === 1) {
            // Also crash while the WAL replays (the store opens after the listening line).
            argus = await startArgus({ dataDir, listen, ready: false });
            await sleep(Math.floor(Math.random() * 30));
            await argus.kill9();
            trace.push(`crash ${crash}b: killed during start`);
          }
          argus = await startArgus({ dataDir, listen });
        }
      }
      // The server is down: stop the writer, then bring the server back once more.
      writer.kill('SIGKILL');
      await writerExit;
      argus = await startArgus({ dataDir, listen });
      const got = await exportSeries(argus.url, METRIC);
      const why = `${trace.join('; ')}; ${log.acks.length} acks, ${log.fails.length} fails`;

      // Only transport errors and 503 (replay in progress) may fail a request: never a 4xx.
      const refused = log.fails.filter(
        (l) => l.split(' ')[3] === 'http' && l.split(' ')[4] !== '503',
      );
      assert.deepEqual(refused, [], `requests refused with a client error (${why})`);

      // present[s].get(k) = how many of sender s's series hold request k's sample.
      const present = Array.from({ length: SENDERS }, () => new Map<number, number>());
      for (const e of got) {
        const s = Number(e.metric.sender);
        const i = Number(e.metric.series);
        assert.ok(s >= 0 && s < SENDERS && i >= 0 && i < SERIES, `series ${JSON.stringify(e)}`);
        assert.equal(e.values.length, e.timestamps.length);
        for (let j = 0; j < e.timestamps.length; j++) {
          const k = (e.timestamps[j] - t0) / STEP_MS;
          assert.ok(Number.isInteger(k) && k >= 0, `timestamp ${e.timestamps[j]} of a request`);
          // A request beyond the last answered one may have been in flight when the writer died.
          assert.ok(k <= log.lastK[s] + 1, `sender ${s} request ${k} was never sent (${why})`);
          assert.equal(
            e.values[j],
            sampleValue(s, i, k),
            `value of sender ${s} series ${i} request ${k}`,
          );
          present[s].set(k, (present[s].get(k) ?? 0) + 1);
        }
      }
      let unacked = 0;
      for (let s = 0; s < SENDERS; s++) {
        for (const [k, n] of present[s]) {
          assert.equal(
            n,
            SERIES,
            `sender ${s} request ${k} is half-applied: ${n}/${SERIES} samples (${why})`,
          );
        }
        unacked += present[s].size;
      }
      for (const [s, k] of log.acks) {
        assert.equal(present[s].get(k), SERIES, `acknowledged request ${s}:${k} is lost (${why})`);
      }
      unacked -= log.acks.length;
      const busy = log.fails.filter((l) => l.includes(' http 503 ')).length;
      t.diagnostic(`${why} (${busy} 503); ${unacked} unacknowledged requests were stored whole`);
      assert.ok(log.acks.length >= CRASHES * ACKS_BEFORE_KILL);
      assert.ok(log.fails.length > 0, `the crashes failed some requests (${why})`);
    } finally {
      writer?.kill('SIGKILL');
      await argus?.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
