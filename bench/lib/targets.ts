/**
 * Parent side of the synthetic scrape targets: forks targets-child.js (compiled beside this
 * file), waits for its ports, asks for per-target served counts, freezes and stops it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './targets-child.js';

export class Targets {
  private constructor(
    private readonly child: ChildProcess,
    readonly ports: number[],
    /** Series per target (the requested count, exactly). */
    readonly series: number,
  ) {}

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Starts `count` targets of `series` series each. */
  static async start(count: number, series: number, seed: number): Promise<Targets> {
    const script = fileURLToPath(new URL('./targets-child.js', import.meta.url));
    const child = fork(script, [String(count), String(series), String(seed)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<ChildMessage & { type: 'ready' }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`cannot start scrape targets: child exited with code ${code}`)),
      );
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') resolve(m);
      });
    });
    child.removeAllListeners('exit');
    return new Targets(child, ready.ports, ready.series);
  }

  /** Responses fully sent per target since the start, and failed gzips. */
  stats(): Promise<{ served: number[]; failed: number }> {
    return new Promise((resolve) => {
      const on = (m: ChildMessage): void => {
        if (m.type !== 'stats') return;
        this.child.off('message', on);
        resolve({ served: m.served, failed: m.failed });
      };
      this.child.on('message', on);
      this.child.send({ type: 'stats' });
    });
  }

  /** From now on every scrape gets 503 (no more samples are stored). */
  freeze(): void {
    this.child.send({ type: 'freeze' });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
