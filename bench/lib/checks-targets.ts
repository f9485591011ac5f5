/**
 * Parent side of the checks benchmark's target server: forks checks-targets-child.js (compiled
 * beside this file), and asks it for its clock (window marks) and the recorded arrivals.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChecksChildMessage } from './checks-targets-child.js';

export class CheckTargets {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly count: number,
  ) {}

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** URL of target `i`. */
  url(i: number): string {
    return `http://127.0.0.1:${this.port}/t/${i}`;
  }

  static async start(count: number): Promise<CheckTargets> {
    const script = fileURLToPath(new URL('./checks-targets-child.js', import.meta.url));
    const child = fork(script, [String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`cannot start check targets: child exited with code ${code}`)),
      );
      child.on('message', (m: ChecksChildMessage) => {
        if (m.type === 'ready') resolve(m.port);
      });
    });
    child.removeAllListeners('exit');
    return new CheckTargets(child, port, count);
  }

  private ask<T extends ChecksChildMessage['type']>(
    type: T,
  ): Promise<ChecksChildMessage & { type: T }> {
    return new Promise((resolve) => {
      const on = (m: ChecksChildMessage): void => {
        if (m.type !== type) return;
        this.child.off('message', on);
        resolve(m as ChecksChildMessage & { type: T });
      };
      this.child.on('message', on);
      this.child.send({ type });
    });
  }

  /** The child's clock (ms), to mark the measuring window in arrival time. */
  async now(): Promise<number> {
    return (await this.ask('now')).now;
  }

  /** Arrival times per target (ms, child clock), and requests for unknown paths. */
  async arrivals(): Promise<{ arrivals: number[][]; other: number }> {
    const m = await this.ask('arrivals');
    return { arrivals: m.arrivals, other: m.other };
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
