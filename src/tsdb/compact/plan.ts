import type { BlockMeta } from '../block/index.js';

const DAY = 86_400_000;

/**
 * Leveled compaction ranges like Prometheus: `blockDuration * 3^i`, up to 10 steps, keeping only
 * those not above the maximum block duration (10% of retention, at most 31 days; the first
 * range is always kept). 2 h blocks with 15 d retention give [2h, 6h, 18h].
 */
export function compactionRanges(blockDurationMs: number, retentionMs: number): number[] {
  const maxBlock = Math.min(retentionMs > 0 ? retentionMs / 10 : Infinity, 31 * DAY);
  const out: number[] = [blockDurationMs];
  for (let i = 1, r = blockDurationMs * 3; i < 10 && r <= maxBlock; i++, r *= 3) out.push(r);
  return out;
}

/**
 * Chooses the blocks (ulids) to compact next, or null. As Prometheus's LeveledCompactor.plan:
 * overlapping blocks first (vertical compaction); otherwise, ignoring the newest block, the
 * first group that fills an aligned range of `ranges[1..]` (or lies wholly before the newest
 * block) and has more than one block.
 */
export function planCompaction(
  metas: readonly BlockMeta[],
  ranges: readonly number[],
): string[] | null {
  const ms = [...metas].sort((a, b) => a.minTime - b.minTime || cmp(a.ulid, b.ulid));
  const overlapping = selectOverlapping(ms);
  if (overlapping.length > 0) return overlapping;
  if (ms.length < 2) return null;
  // Keep the newest block out: it was just cut from the head, and leaving it gives users a
  // window of one block range to back it up before it is merged away.
  const picked = selectDirs(ms.slice(0, -1), ranges);
  return picked.length > 0 ? picked.map((m) => m.ulid) : null;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function selectOverlapping(ms: BlockMeta[]): string[] {
  const out: string[] = [];
  if (ms.length < 2) return out;
  let globalMax = ms[0].maxTime;
  for (let i = 1; i < ms.length; i++) {
    const m = ms[i];
    if (m.minTime < globalMax) {
      if (out.length === 0) out.push(ms[i - 1].ulid);
      out.push(m.ulid);
    } else if (out.length > 0) {
      break;
    }
    if (m.maxTime > globalMax) globalMax = m.maxTime;
  }
  return out;
}

function selectDirs(ms: BlockMeta[], ranges: readonly number[]): BlockMeta[] {
  if (ranges.length < 2 || ms.length < 1) return [];
  const highTime = ms[ms.length - 1].minTime;
  for (const iv of ranges.slice(1)) {
    for (const p of splitByRange(ms, iv)) {
      const mint = p[0].minTime;
      const maxt = p[p.length - 1].maxTime;
      // A group spanning the whole range (gaps allowed), or wholly before the newest block so
      // no further block can still join it.
      if ((maxt - mint === iv || maxt <= highTime) && p.length > 1) return p;
    }
  }
  return [];
}

/** Groups consecutive blocks falling into the same aligned window of size `tr`. */
export function splitByRange(ms: readonly BlockMeta[], tr: number): BlockMeta[][] {
  const out: BlockMeta[][] = [];
  for (let i = 0; i < ms.length;) {
    const m = ms[i];
    const t0 = tr * Math.floor(m.minTime / tr);
    if (m.maxTime > t0 + tr) {
      // Misaligned or already as large as the window.
      i++;
      continue;
    }
    const group: BlockMeta[] = [];
    for (; i < ms.length; i++) {
      if (ms[i].minTime < t0 || ms[i].maxTime > t0 + tr) break;
      group.push(ms[i]);
    }
    if (group.length > 0) out.push(group);
  }
  return out;
}
