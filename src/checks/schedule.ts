/**
 * The scheduler's timing: a fixed per-check offset within the interval (spreads checks with the
 * same interval evenly, as Prometheus spreads scrapes) and one min-heap of due times served by a
 * single timer, instead of one timer per check.
 */
import { hashStrings } from '../util/index.js';

/** The check's fixed offset in [0, interval) ms, stable across restarts. */
export function checkOffset(tenant: string, name: string, intervalMs: number): number {
  return hashStrings([tenant, name]) % intervalMs;
}

/** The first grid time (offset + k·interval) strictly after `now`. */
export function nextGridTime(now: number, intervalMs: number, offsetMs: number): number {
  let t = Math.floor(now / intervalMs) * intervalMs + offsetMs;
  while (t <= now) t += intervalMs;
  return t;
}

interface Item<T> {
  due: number;
  value: T;
}

/** A binary min-heap on `due`. Stale items are skipped by the caller (lazy deletion). */
export class DueQueue<T> {
  private readonly heap: Item<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): number | undefined {
    return this.heap[0]?.due;
  }

  push(due: number, value: T): void {
    const h = this.heap;
    h.push({ due, value });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].due <= h[i].due) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  /** Removes and returns the earliest item if it is due at or before `now`. */
  popDue(now: number): Item<T> | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0].due > now) return undefined;
    const top = h[0];
    const last = h.pop() as Item<T>;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].due < h[m].due) m = l;
        if (r < h.length && h[r].due < h[m].due) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.heap.length = 0;
  }
}
