/**
 * Time for the notification pipeline, injected so tests run whole timelines (group_wait,
 * repeat_interval, escalation delays, retry backoff) without sleeping.
 */

/** A cancellable timer. */
export interface Timer {
  cancel(): void;
}

/** A clock plus a timer scheduler. Callbacks MUST NOT throw (they run outside any caller). */
export interface Scheduler {
  now(): number;
  /** Runs `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): Timer;
}

/** Wall-clock time and Node timers (unref'd: pending notifications never keep a process alive). */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * A manual clock for tests: `advance` moves time forward, running due timers in time order
 * and letting promise chains settle between them.
 */
export class FakeScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): Timer {
    const id = this.#seq++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return { cancel: () => this.#timers.delete(id) };
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves to `now + ms`, firing every timer due on the way (also those they schedule). */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.#timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets queued promise callbacks (and SQLite-backed async calls) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
