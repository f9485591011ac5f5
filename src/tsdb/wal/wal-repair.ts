/** Repairs done by Wal.open() before it starts the active segment. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HEADER_SIZE, scanFile, segmentName } from './format.js';
import {
  readPrefix,
  syncDir,
  truncateDurably,
  type SegmentRef,
  type WalLogger,
} from './wal-files.js';
import type { CorruptionReport } from './wal-replay.js';

/**
 * A missing segment ends the valid log: segments after a gap (or not starting right after the
 * checkpoint) are deleted. Mutates `segs`.
 */
export async function dropAfterGap(
  dir: string,
  segs: SegmentRef[],
  checkpoint: number | null,
  log: WalLogger,
): Promise<CorruptionReport | undefined> {
  let expect = checkpoint !== null ? checkpoint + 1 : (segs[0]?.index ?? 0);
  let pos = 0;
  while (pos < segs.length && segs[pos].index === expect) {
    pos++;
    expect++;
  }
  if (pos === segs.length) return undefined;
  const dropped = segs.splice(pos);
  let bytes = 0;
  for (const s of dropped) {
    bytes += s.size;
    await rm(join(dir, segmentName(s.index)), { force: true });
  }
  await syncDir(dir);
  const report: CorruptionReport = {
    segment: expect,
    offset: 0,
    droppedBytes: bytes,
    droppedSegments: dropped.length,
    reason: `segment ${segmentName(expect)} is missing`,
  };
  log.warn(report, 'WAL has a missing segment; deleted the segments after the gap');
  return report;
}

/** Truncates a damaged tail of the last segment (removing it if its header is damaged). */
export async function repairTail(
  dir: string,
  segs: SegmentRef[],
  log: WalLogger,
): Promise<CorruptionReport | undefined> {
  const last = segs[segs.length - 1];
  if (last === undefined) return undefined;
  const path = join(dir, segmentName(last.index));
  const buf = await readPrefix(path);
  const res = scanFile(buf, null);
  if (res.damage === null) return undefined;
  const report: CorruptionReport = {
    segment: last.index,
    offset: res.validEnd,
    droppedBytes: buf.length - res.validEnd,
    droppedSegments: 0,
    reason: res.damage,
  };
  if (res.validEnd < HEADER_SIZE) {
    await rm(path, { force: true });
    await syncDir(dir);
    segs.pop();
  } else {
    await truncateDurably(path, res.validEnd);
    last.size = res.validEnd;
  }
  log.warn(report, 'WAL tail is damaged; truncated it');
  return report;
}
