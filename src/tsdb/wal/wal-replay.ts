/** Reading the log back: the newest checkpoint, then the segments after it, in order. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SEGMENT_RE, checkpointName, scanFile, segmentName } from './format.js';
import { readPrefix, type SegmentRef, type WalLogger } from './wal-files.js';

/** What replay() found. */
export interface ReplayStats {
  records: number;
  /** Payload bytes replayed. */
  bytes: number;
  /** Set when the valid log ended early (at open or during this replay); what was dropped. */
  corrupted?: CorruptionReport;
  durationMs: number;
}

export interface CorruptionReport {
  /** Index of the damaged segment (for a checkpoint: the checkpoint's index). */
  segment: number;
  /** Byte offset in that file where the valid log ends. */
  offset: number;
  /** Bytes dropped from the damaged file. */
  droppedBytes: number;
  /** Whole files dropped after it (deleted segments, or unread checkpoint files). */
  droppedSegments: number;
  /** True when the damage is inside the checkpoint (not repaired: it is immutable). */
  checkpoint?: boolean;
  reason: string;
}

export type RecordFn = (rec: Uint8Array) => void;
export type ProgressFn = (p: { segment: number; of: number }) => void;

/** Damage found in a segment (not the checkpoint): where the log must be cut. */
export interface SegmentDamage {
  /** Position in the `segs` array given to replayFiles. */
  pos: number;
  index: number;
  validEnd: number;
  size: number;
  reason: string;
}

export interface ReplayOutcome {
  records: number;
  bytes: number;
  checkpointDamage?: CorruptionReport;
  damage?: SegmentDamage;
}

/** Checkpoint file names (8 digits), sorted. */
export async function checkpointFiles(dir: string, index: number): Promise<string[]> {
  const names = await readdir(join(dir, checkpointName(index)));
  return names.filter((n) => SEGMENT_RE.test(n)).sort();
}

/**
 * Replays the checkpoint (damage there is logged and skips the rest of the checkpoint) and then
 * `segs`, stopping at the first damaged segment. Reads each segment at most `size` bytes (the
 * active segment may be growing). Exceptions from `fn` propagate. Records are views into a
 * fresh buffer per file, never overwritten.
 */
export async function replayFiles(
  dir: string,
  checkpoint: number | null,
  segs: readonly SegmentRef[],
  fn: RecordFn,
  progress: ProgressFn | undefined,
  log: WalLogger,
): Promise<ReplayOutcome> {
  const out: ReplayOutcome = { records: 0, bytes: 0 };
  const last = segs.length > 0 ? segs[segs.length - 1].index : (checkpoint ?? 0);
  if (checkpoint !== null) {
    out.checkpointDamage = await replayCheckpoint(dir, checkpoint, fn, out, log);
    progress?.({ segment: checkpoint, of: last });
  }
  // Read one segment ahead: disk reads overlap with the caller's decoding of the current one.
  const read = (pos: number) => readPrefix(join(dir, segmentName(segs[pos].index)), segs[pos].size);
  let next: Promise<Buffer> | null = null;
  try {
    for (let pos = 0; pos < segs.length; pos++) {
      const seg = segs[pos];
      const buf = await (next ?? read(pos));
      next = pos + 1 < segs.length ? read(pos + 1) : null;
      const res = scanFile(buf, fn);
      out.records += res.records;
      out.bytes += res.bytes;
      if (res.damage !== null) {
        out.damage = {
          pos,
          index: seg.index,
          validEnd: res.validEnd,
          size: buf.length,
          reason: res.damage,
        };
        return out;
      }
      progress?.({ segment: seg.index, of: last });
    }
  } finally {
    // Stopped early (damage or an exception from fn): the read-ahead is not needed.
    void next?.catch(() => {});
  }
  return out;
}

async function replayCheckpoint(
  dir: string,
  index: number,
  fn: RecordFn,
  out: ReplayOutcome,
  log: WalLogger,
): Promise<CorruptionReport | undefined> {
  let files: string[];
  try {
    files = await checkpointFiles(dir, index);
  } catch (err) {
    const report = {
      segment: index,
      offset: 0,
      droppedBytes: 0,
      droppedSegments: 0,
      checkpoint: true,
      reason: String(err),
    };
    log.warn(report, 'cannot read WAL checkpoint; continuing with the segments after it');
    return report;
  }
  for (let i = 0; i < files.length; i++) {
    const buf = await readPrefix(join(dir, checkpointName(index), files[i]));
    const res = scanFile(buf, fn);
    out.records += res.records;
    out.bytes += res.bytes;
    if (res.damage !== null) {
      const report: CorruptionReport = {
        segment: index,
        offset: res.validEnd,
        droppedBytes: buf.length - res.validEnd,
        droppedSegments: files.length - i - 1,
        checkpoint: true,
        reason: `${files[i]}: ${res.damage}`,
      };
      log.warn(report, 'WAL checkpoint is damaged; kept the records before the damage');
      return report;
    }
  }
  return undefined;
}
