/** A small seeded PRNG (mulberry32): the same seed gives the same data and queries everywhere. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Up to `max` distinct elements of `xs`, in their original order. */
  subset<T>(xs: readonly T[], max: number): T[] {
    const n = this.int(0, Math.min(max, xs.length));
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(this.int(0, xs.length - 1));
    return xs.filter((_, i) => chosen.has(i));
  }
}
