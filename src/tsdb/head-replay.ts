import type { Labels, TenantId } from '../model/index.js';
import type { MetricType } from '../storage/index.js';
import { errorChain, type Logger } from '../util/index.js';
import type { Head } from './head.js';
import type { Wal } from './wal/wal.js';
import type { ReplayStats } from './wal/wal-replay.js';
import {
  RecordType,
  decodeMetadata,
  decodeSamples,
  decodeSeries,
  recordType,
} from './wal/records.js';

/** What a replay restored and skipped. */
export interface HeadReplayResult {
  series: number;
  samples: number;
  /** Samples not applied: out of order, duplicate, or before the newest block. */
  skippedSamples: number;
  /** Samples whose series record was missing (lost to damage). */
  unknownRefSamples: number;
  /** Records that could not be decoded (skipped). */
  badRecords: number;
  durationMs: number;
  wal: ReplayStats;
}

/** How often replay logs its progress. */
const PROGRESS_EVERY_MS = 3000;

/**
 * Replays the WAL into an empty head: series records create series with their logged refs
 * (a series logged twice under two refs maps both to one series), samples go straight into the
 * chunks (only samples not after the series' newest, or before `head.minValidTime`, are
 * skipped: they were validated when first written), metadata is restored. Progress is logged.
 */
export async function replayWal(
  head: Head,
  wal: Wal,
  logger: Logger,
  tenant: TenantId,
): Promise<HeadReplayResult> {
  const start = performance.now();
  const aliases = head.aliases;
  const minValid = head.minValidTime;
  let series = 0;
  let samples = 0;
  let skipped = 0;
  let unknown = 0;
  let bad = 0;
  let lastLog = start;

  const onSeries = (ref: number, labels: Labels): void => {
    const existing = head.getByLabels(labels);
    if (existing !== undefined) {
      if (existing.ref !== ref) aliases.set(ref, existing);
      return;
    }
    if (head.getByRef(ref) !== undefined) {
      // A ref reused for other labels cannot happen in a healthy log; keep the first.
      bad++;
      return;
    }
    head.markLogged(head.create(labels, ref));
    series++;
  };
  const byRef = head.byRef;
  const onSample = (ref: number, t: number, v: number): void => {
    const s = byRef.get(ref) ?? aliases.get(ref);
    if (s === undefined) {
      unknown++;
      return;
    }
    if (t <= s.lastT || t < minValid) {
      skipped++;
      return;
    }
    head.append(s, t, v);
    samples++;
  };
  const onRecord = (rec: Uint8Array): void => {
    try {
      switch (recordType(rec)) {
        case RecordType.Samples:
          decodeSamples(rec, onSample);
          break;
        case RecordType.Series:
          decodeSeries(rec, onSeries);
          break;
        case RecordType.Metadata:
          for (const m of decodeMetadata(rec)) {
            head.metadata.set(m.metric, { type: m.type as MetricType, help: m.help, unit: m.unit });
          }
          break;
        default:
          bad++;
      }
    } catch (err) {
      // A record with a valid checksum that does not decode: skip it, keep the rest.
      if (bad++ === 0)
        logger.warn({ tenant, err: errorChain(err) }, 'skipping undecodable WAL record');
    }
  };
  const progress = (p: { segment: number; of: number }): void => {
    const now = performance.now();
    if (now - lastLog < PROGRESS_EVERY_MS) return;
    lastLog = now;
    logger.info(
      { tenant, segment: p.segment, of: p.of, samples, series },
      `replaying WAL: segment ${p.segment}/${p.of}`,
    );
  };
  const stats = await wal.replay(onRecord, progress);
  const durationMs = performance.now() - start;
  const result: HeadReplayResult = {
    series,
    samples,
    skippedSamples: skipped,
    unknownRefSamples: unknown,
    badRecords: bad,
    durationMs,
    wal: stats,
  };
  logger.info(
    {
      tenant,
      series,
      samples,
      skippedSamples: skipped,
      unknownRefSamples: unknown,
      badRecords: bad,
      durationMs: Math.round(durationMs),
      samplesPerSecond: durationMs > 0 ? Math.round((samples * 1000) / durationMs) : undefined,
    },
    'head restored from WAL',
  );
  return result;
}
